// Java's String.hashCode() for text held as UTF-8 bytes. The Java broker hashes Strings, i.e.
// UTF-16 code units, so the bytes must be decoded first: a tag or key outside ASCII would hash
// differently if the UTF-8 bytes were hashed directly. Used for consume-queue tagsCode, index
// keys and for reproducing Java's hash-map iteration order in the config files.
#pragma once

#include <cstdint>
#include <string_view>

namespace rmq::store {

// h = 31*h + c over the UTF-16 code units of `utf8` (supplementary characters contribute a
// surrogate pair). Malformed UTF-8 is decoded the way the JDK does when the broker builds a String
// from stored bytes (String(byte[], UTF_8)): each invalid sequence becomes one U+FFFD.
int32_t javaStringHashCode(std::string_view utf8);

}  // namespace rmq::store
