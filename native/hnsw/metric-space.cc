#include "metric-space.h"

#include <cmath>

namespace quiver {

bool parseMetric(const std::string& name, Metric* out) {
  if (name == "l2") *out = Metric::L2;
  else if (name == "ip") *out = Metric::IP;
  else if (name == "cosine") *out = Metric::Cosine;
  else return false;
  return true;
}

namespace {

DistanceFn slotKernel(Metric metric, const KernelSet& kernels) {
  switch (metric) {
    case Metric::L2: return kernels.slotL2Squared;
    case Metric::IP: return kernels.slotNegativeDot;
    case Metric::Cosine: return kernels.slotCosine;
  }
  return kernels.slotL2Squared;
}

}  // namespace

MetricSpace::MetricSpace(Metric metric, size_t dim, const KernelSet& kernels)
    : metric_(metric),
      dim_(dim),
      distance_(slotKernel(metric, kernels)),
      rowKernel_(metric == Metric::L2 ? kernels.l2Squared : kernels.negativeDot) {}

float MetricSpace::inverseNorm(const float* v) const {
  double sum = 0;
  for (size_t i = 0; i < dim_; i++) sum += static_cast<double>(v[i]) * v[i];
  return sum > 0 ? static_cast<float>(1.0 / std::sqrt(sum)) : 0.0f;
}

}  // namespace quiver
