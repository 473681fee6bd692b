// CRC-32 (IEEE 802.3, reflected, zlib's crc32): the CommitLog's BODYCRC and the broker
// registration body check. Same results as zlib's crc32(); on x86-64 CPUs with PCLMULQDQ the
// bulk of a buffer is folded 64 bytes at a time with carry-less multiplication (about 10x
// zlib 1.2's table code, which took 6 % of a 1 KB send), the rest goes through zlib.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rmq {

// Continues `crc` (0 for a new checksum) over [data, data + size), like zlib's crc32().
uint32_t crc32(uint32_t crc, const void* data, size_t size);

// zlib only, for tests comparing the two paths.
uint32_t crc32Portable(uint32_t crc, const void* data, size_t size);

}  // namespace rmq
