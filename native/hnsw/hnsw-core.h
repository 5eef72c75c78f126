// One HNSW index over rows 0..count-1 of external vectors (the segment's Float32 column, row r at
// vectors + r·dim): hnswlib's HierarchicalNSW with our metric space, whose per-row data is a slot
// pointing at the row's vector (vector-slot.h), plus an exact scan over the same vectors. No N-API
// here; errors are C++ exceptions that the binding (hnsw-index.cc) turns into JavaScript errors.
//
// Invariants: hnswlib's internal id of row r is r and its label is r (rows are added in order by one
// thread, or by several and then renumbered: parallel-build.h; loading checks it; the exact scan and
// the prefetches rely on it). The external vectors
// outlive the core and never move (the binding holds a reference to their typed array).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include "allowed-rows-filter.h"
#include "hnswlib.h"
#include "metric-space.h"

namespace quiver {

using Hnsw = hnswlib::HierarchicalNSW<float>;

// Keeps the k smallest (distance, row); ties go to the smaller row, as TopKHeap does.
class NearestK {
 public:
  explicit NearestK(size_t k) : k_(k) {}
  void offer(float distance, uint32_t row) {
    if (heap_.size() < k_) {
      heap_.emplace(distance, row);
    } else if (std::make_pair(distance, row) < heap_.top()) {
      heap_.pop();
      heap_.emplace(distance, row);
    }
  }
  std::priority_queue<std::pair<float, uint32_t>>& heap() { return heap_; }

 private:
  size_t k_;
  std::priority_queue<std::pair<float, uint32_t>> heap_;
};

// Which graph search runs: hnswlib's searchKnn (filtered: walks every node, keeps allowed ones) or
// two-hop-search.h's walk (filtered: walks allowed rows only; unfiltered: plain HNSW with more prefetching).
enum class FilterWalk { Hnswlib, TwoHop };

struct BuildParams {
  size_t maxElements;
  size_t M;
  size_t efConstruction;
  size_t seed;
};

class HnswCore {
 public:
  // `vectors` holds `vectorRows` rows of dim floats (the rows that may be added).
  HnswCore(Metric metric, size_t dim, const BuildParams& params, const float* vectors, size_t vectorRows);
  // Adopts a graph decoded by index-codec over the same `vectors` (its space must be `space`).
  HnswCore(std::unique_ptr<MetricSpace> space, std::unique_ptr<Hnsw> graph, const float* vectors, size_t vectorRows,
           std::vector<float> inverseNorms);

  // Appends rows firstRow..firstRow+n-1 of the external vectors (firstRow must equal count()).
  void addRows(size_t firstRow, size_t n);
  // The same from `threads` threads (parallel-build.h), each at a lower priority; the graph then
  // differs from a one-thread build (insert order varies) but row r is still internal id r. A fresh
  // build (firstRow 0) goes through inline copies of the vectors (inline-build.h). Stops
  // when `cancel` becomes true (CancelledError): the core is then unusable and must be freed.
  // No other call may run on this core meanwhile.
  void addRowsParallel(size_t firstRow, size_t n, size_t threads, int niceDelta, const std::atomic<bool>& cancel);

  // Approximate k nearest rows (allowed only, when `allowed` is set), best first, into
  // scores[0..k) / rows[0..k). Returns how many were found (≤ k). `walk` picks the filtered search.
  size_t searchKnn(const float* query, size_t k, size_t ef, const AllowedRows* allowed, FilterWalk walk, float* scores,
                   int32_t* rows);

  // Exact k nearest among the allowed rows (all rows when `allowed` is null), best first.
  size_t searchExact(const float* query, size_t k, const AllowedRows* allowed, float* scores, int32_t* rows);

  size_t count() const { return graph_->cur_element_count; }
  size_t maxElements() const { return graph_->max_elements_; }
  size_t dim() const { return space_->dim(); }
  Metric metric() const { return space_->metric(); }
  const Hnsw& graph() const { return *graph_; }
  const MetricSpace& space() const { return *space_; }
  const float* vectors() const { return vectors_; }
  // COSINE: 1/|row| per row (also in the slots; kept here for the walks by row number). Else empty.
  const std::vector<float>& inverseNorms() const { return inverseNorms_; }
  // Bytes of native memory held (for V8's external memory accounting).
  size_t memoryBytes() const;

 private:
  void checkAppend(size_t firstRow, size_t n) const;
  void scoreRows(const RowDistance& distance, const uint32_t* batch, size_t count, NearestK& nearest) const;
  // The query's slot (query_slot_): hnswlib's distance takes slots on both sides.
  const void* querySlot(const float* query);
  // Moves a farthest-on-top queue into best-first scores / rows; returns the count.
  template <typename Id>
  size_t drain(std::priority_queue<std::pair<float, Id>>& found, float* scores, int32_t* rows) const;
  const float* rowVector(size_t row) const { return vectors_ + row * space_->dim(); }

  std::unique_ptr<MetricSpace> space_;
  std::unique_ptr<Hnsw> graph_;
  const float* vectors_;
  size_t vectorRows_;
  std::vector<float> inverseNorms_;
  size_t seed_ = 100;  // the level generator's seed (builds only)
  unsigned char querySlot_[kCosineSlotBytes];
};

}  // namespace quiver
