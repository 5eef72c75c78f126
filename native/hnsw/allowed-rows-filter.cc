#include "allowed-rows-filter.h"

#include <algorithm>

#if defined(_MSC_VER)
#include <intrin.h>
#define QUIVER_POPCOUNT32(x) static_cast<int>(__popcnt(x))
#else
#define QUIVER_POPCOUNT32(x) __builtin_popcount(x)
#endif

namespace quiver {
namespace {

size_t countWordsPortable(const uint32_t* words, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += static_cast<size_t>(QUIVER_POPCOUNT32(words[i]));
  return count;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt"))) size_t countWordsPopcnt(const uint32_t* words, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += static_cast<size_t>(__builtin_popcount(words[i]));
  return count;
}

size_t countWords(const uint32_t* words, size_t n) {
  static const bool hasPopcnt = (__builtin_cpu_init(), __builtin_cpu_supports("popcnt"));
  return hasPopcnt ? countWordsPopcnt(words, n) : countWordsPortable(words, n);
}
#else
size_t countWords(const uint32_t* words, size_t n) { return countWordsPortable(words, n); }
#endif

}  // namespace

size_t countAllowedRows(const uint32_t* words, size_t wordCount, size_t rowCount) {
  const size_t full = std::min(rowCount >> 5, wordCount);
  size_t count = countWords(words, full);
  const size_t rest = rowCount & 31;
  if (rest > 0 && full == (rowCount >> 5) && full < wordCount) {
    count += static_cast<size_t>(QUIVER_POPCOUNT32(words[full] & ((1u << rest) - 1u)));
  }
  return count;
}

}  // namespace quiver
