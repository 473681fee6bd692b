#include "store/config/java_map_order.h"

#include <algorithm>
#include <numeric>

namespace rmq::store::config {

size_t javaHashTableSize(size_t count, size_t initialTableSize) {
  size_t n = initialTableSize;
  while (count >= n - n / 4) n *= 2;
  return n;
}

std::vector<size_t> javaHashIterationOrder(std::span<const int32_t> hashes,
                                           size_t initialTableSize) {
  const size_t n = javaHashTableSize(hashes.size(), initialTableSize);
  std::vector<uint32_t> bucket(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    uint32_t h = static_cast<uint32_t>(hashes[i]);
    bucket[i] = ((h ^ (h >> 16)) & 0x7FFFFFFFu) & static_cast<uint32_t>(n - 1);
  }
  std::vector<size_t> order(hashes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return bucket[a] < bucket[b]; });
  return order;
}

}  // namespace rmq::store::config
