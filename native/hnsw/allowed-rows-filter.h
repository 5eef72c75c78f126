// hnswlib's per-candidate filter over the allowed-rows bitset: bit r of word r >> 5 set = row r
// may be returned. Rows past the last word are not allowed. Labels are row numbers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hnswlib.h"

namespace quiver {

// How many of rows [0, rowCount) are set in `words` (hardware popcount when the CPU has it).
size_t countAllowedRows(const uint32_t* words, size_t wordCount, size_t rowCount);

struct AllowedRows {
  const uint32_t* words;
  size_t wordCount;

  bool has(size_t row) const {
    const size_t w = row >> 5;
    return w < wordCount && ((words[w] >> (row & 31)) & 1u) != 0;
  }
};

class AllowedRowsFilter final : public hnswlib::BaseFilterFunctor {
 public:
  explicit AllowedRowsFilter(AllowedRows rows) : rows_(rows) {}
  bool operator()(hnswlib::labeltype row) override { return rows_.has(row); }

 private:
  AllowedRows rows_;
};

}  // namespace quiver
