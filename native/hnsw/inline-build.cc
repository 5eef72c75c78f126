#include "inline-build.h"

#include <cstring>
#include <memory>

namespace quiver {

InlineSpace::InlineSpace(Metric metric, size_t dim, const KernelSet& kernels)
    : dim_(dim),
      bytes_(dim * sizeof(float) + (metric == Metric::Cosine ? sizeof(float) : 0)),
      distance_(metric == Metric::L2 ? kernels.l2Squared
                : metric == Metric::IP ? kernels.negativeDot
                                       : kernels.inlineCosine) {}

void buildThroughInlineCopies(Hnsw& target, const MetricSpace& space, const float* vectors, size_t n, size_t seed,
                              const ParallelBuildOptions& options, const std::atomic<bool>& cancel,
                              std::vector<float>& inverseNorms) {
  if (n == 0) return;
  const size_t dim = space.dim();
  const bool cosine = space.hasNorms();
  InlineSpace inlineSpace(space.metric(), dim, bestKernels());
  std::unique_ptr<Hnsw> copy(new Hnsw(&inlineSpace, target.max_elements_, target.M_, target.ef_construction_, seed));
  const size_t bytes = inlineSpace.get_data_size();
  auto insert = [&](size_t row) {
    thread_local std::vector<float> element;
    element.resize(bytes / sizeof(float));
    const float* v = vectors + row * dim;
    std::memcpy(element.data(), v, dim * sizeof(float));
    if (cosine) {
      const float inverse = space.inverseNorm(v);
      element[dim] = inverse;
      inverseNorms[row] = inverse;
    }
    copy->addPoint(element.data(), row);
  };
  insert(0);  // the entry point, alone: every later insert starts from it
  forEachRowInParallel(1, n - 1, options, cancel, insert);
  renumberByLabel(*copy, 0);

  // Move the links: level-0 lists by copy, upper lists by handing over their allocations.
  Hnsw& g = *copy;
  for (size_t id = 0; id < n; id++) {
    const hnswlib::tableint t = static_cast<hnswlib::tableint>(id);
    std::memcpy(target.get_linklist0(t), g.get_linklist0(t), target.size_links_level0_);
    space.fillSlot(target.getDataByInternalId(t), vectors + id * dim);
    const hnswlib::labeltype label = id;
    std::memcpy(target.getExternalLabeLp(t), &label, sizeof(label));
    target.element_levels_[id] = g.element_levels_[id];
    if (g.element_levels_[id] > 0) {
      target.linkLists_[id] = g.linkLists_[id];
      g.linkLists_[id] = nullptr;
      g.element_levels_[id] = 0;  // so the copy's destructor does not free the list it gave away
    }
    target.label_lookup_[id] = t;
  }
  target.enterpoint_node_ = g.enterpoint_node_;
  target.maxlevel_ = g.maxlevel_;
  target.cur_element_count = n;
}

}  // namespace quiver
