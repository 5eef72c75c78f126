// The hnswlib space of one metric: vector size, the distance kernel, and the conversions between
// hnswlib's distances and the scores Milvus returns.
#pragma once

#include <cstddef>
#include <string>

#include "distance-kernels.h"
#include "hnswlib.h"

namespace quiver {

enum class Metric { L2, IP, Cosine };

// "l2" | "ip" | "cosine" (lower case, as the addon's JS API spells them).
bool parseMetric(const std::string& name, Metric* out);

// Distances seen by hnswlib (smaller is closer):
//   L2     -> squared Euclidean distance            score = distance (Milvus returns squared L2)
//   IP     -> negated dot product                   score = -distance (the dot product)
//   COSINE -> negated dot product of unit vectors   score = -distance (the cosine similarity)
// hnswlib's own InnerProductSpace uses 1 - dot; the negation gives the same order without the
// rounding of 1 - x, so the dot product comes back bit-exact from the kernel.
class MetricSpace : public hnswlib::SpaceInterface<float> {
 public:
  MetricSpace(Metric metric, size_t dim, const KernelSet& kernels);

  size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &dim_; }

  Metric metric() const { return metric_; }
  size_t dim() const { return dim_; }
  float distance(const float* a, const float* b) const { return distance_(a, b, &dim_); }
  float toScore(float distance) const { return metric_ == Metric::L2 ? distance : -distance; }

  // The vector hnswlib should store or search for `v`: `v` itself, or for COSINE `v` scaled to
  // unit length in `scratch` (dim floats). A zero vector stays zero (its cosine with anything is 0).
  const float* prepare(const float* v, float* scratch) const;

 private:
  Metric metric_;
  size_t dim_;
  DistanceFn distance_;
};

}  // namespace quiver
