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

MetricSpace::MetricSpace(Metric metric, size_t dim, const KernelSet& kernels)
    : metric_(metric), dim_(dim), distance_(metric == Metric::L2 ? kernels.l2Squared : kernels.negativeDot) {}

const float* MetricSpace::prepare(const float* v, float* scratch) const {
  if (metric_ != Metric::Cosine) return v;
  double sum = 0;
  for (size_t i = 0; i < dim_; i++) sum += static_cast<double>(v[i]) * v[i];
  const double scale = sum > 0 ? 1.0 / std::sqrt(sum) : 0.0;
  for (size_t i = 0; i < dim_; i++) scratch[i] = static_cast<float>(v[i] * scale);
  return scratch;
}

}  // namespace quiver
