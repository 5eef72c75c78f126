// The hnswlib space of one metric over external vectors: what hnswlib stores per row is a vector
// slot (vector-slot.h: a pointer into the segment's column, plus the inverse norm for COSINE), and
// its distance function follows the pointers. Also the conversions from distances to Milvus scores.
#pragma once

#include <cstddef>
#include <string>

#include "distance-kernels.h"
#include "hnswlib.h"
#include "vector-slot.h"

namespace quiver {

enum class Metric { L2, IP, Cosine };

// Distance from one query to rows addressed by number (row r at vectors + r·dim), without reading
// hnswlib's slots: our own walks and scans use it, which saves a dependent load per row. Equal bit
// for bit to the slot kernels (the same kernel, the norms multiplied in the same order).
struct RowDistance {
  DistanceFn kernel;              // squared L2 or negated dot product on raw vectors
  const float* query;
  float queryInverseNorm;         // COSINE only
  const float* vectors;
  const float* inverseNorms;      // COSINE: one per row; otherwise null
  size_t dim;

  const float* rowVector(size_t row) const { return vectors + row * dim; }
  float operator()(size_t row) const {
    const float d = kernel(query, rowVector(row), &dim);
    return inverseNorms == nullptr ? d : d * queryInverseNorm * inverseNorms[row];
  }
};

// "l2" | "ip" | "cosine" (lower case, as the addon's JS API spells them).
bool parseMetric(const std::string& name, Metric* out);

// Distances seen by hnswlib (smaller is closer), on the raw vectors the slots point at:
//   L2     -> squared Euclidean distance               score = distance (Milvus returns squared L2)
//   IP     -> negated dot product                      score = -distance (the dot product)
//   COSINE -> negated dot product × 1/|a| × 1/|b|      score = -distance (the cosine similarity)
// hnswlib's own InnerProductSpace uses 1 - dot; the negation gives the same order without the
// rounding of 1 - x, so the dot product comes back bit-exact from the kernel.
class MetricSpace : public hnswlib::SpaceInterface<float> {
 public:
  MetricSpace(Metric metric, size_t dim, const KernelSet& kernels);

  // hnswlib stores slots, not vectors.
  size_t get_data_size() override { return slotBytes(); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &dim_; }

  Metric metric() const { return metric_; }
  size_t dim() const { return dim_; }
  bool hasNorms() const { return metric_ == Metric::Cosine; }
  size_t slotBytes() const { return hasNorms() ? kCosineSlotBytes : kSlotBytes; }
  // Distance between the vectors two slots point at.
  float distance(const void* slotA, const void* slotB) const { return distance_(slotA, slotB, &dim_); }
  float toScore(float distance) const { return metric_ == Metric::L2 ? distance : -distance; }

  // 1 / |v| (0 for a zero vector, whose cosine with anything is then 0).
  float inverseNorm(const float* v) const;
  // The distance from `query` to rows of `vectors`; `inverseNorms` (one per row) for COSINE.
  RowDistance rowDistance(const float* query, const float* vectors, const float* inverseNorms) const {
    return RowDistance{rowKernel_, query, hasNorms() ? inverseNorm(query) : 1.0f, vectors,
                       hasNorms() ? inverseNorms : nullptr, dim_};
  }
  // Points `slot` (slotBytes() bytes) at `v`; COSINE also stores v's inverse norm.
  void fillSlot(void* slot, const float* v) const { writeSlot(slot, v, hasNorms(), hasNorms() ? inverseNorm(v) : 0.0f); }

 private:
  Metric metric_;
  size_t dim_;
  DistanceFn distance_;   // on slots (what hnswlib calls)
  DistanceFn rowKernel_;  // on raw vectors
};

}  // namespace quiver
