// A fresh build through a temporary graph whose elements hold copies of the vectors.
//
// The core's own graph stores a slot per row (a pointer to the row in the column, vector-slot.h).
// hnswlib's insert prefetches the element data of the candidates it is about to score; with slots
// that prefetch fetches the pointer, and each distance then waits for the vector behind it (measured:
// builds 27-37 % slower than with the vectors inside). So a fresh build inserts into a graph over
// inline copies (InlineSpace: the vector, and for COSINE its inverse norm after it), renumbers it
// (parallel-build.h), and moves its links into the slot graph, which then holds exactly that graph.
// Distances are bit-identical to the slot kernels', so with one thread the result equals a serial
// slot build byte for byte. Costs one copy of the vectors for the length of the build.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "hnsw-core.h"
#include "parallel-build.h"

namespace quiver {

// hnswlib space over inline vectors: dim floats, plus (COSINE) the float inverse norm.
class InlineSpace : public hnswlib::SpaceInterface<float> {
 public:
  InlineSpace(Metric metric, size_t dim, const KernelSet& kernels);
  size_t get_data_size() override { return bytes_; }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
  size_t bytes_;
  DistanceFn distance_;
};

// Inserts rows 0..n-1 of `vectors` into `target` (empty; its space is `space`, slots) as above, on
// options.threads threads; fills inverseNorms[0..n) for COSINE (resized by the caller). `seed` is the
// level generator's seed of `target`. Throws CancelledError when `cancel` becomes true (target is then
// left empty).
void buildThroughInlineCopies(Hnsw& target, const MetricSpace& space, const float* vectors, size_t n, size_t seed,
                              const ParallelBuildOptions& options, const std::atomic<bool>& cancel,
                              std::vector<float>& inverseNorms);

}  // namespace quiver
