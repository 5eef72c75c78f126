// Distance kernels for hnswlib's DISTFUNC signature, picked once per process by CPU features.
// Both kernels return a distance (smaller is closer): squared L2, and the negated dot product.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace quiver {

// hnswlib's DISTFUNC<float>: (a, b, param) where param points at the dimension (size_t).
using DistanceFn = float (*)(const void* a, const void* b, const void* dimPtr);

struct KernelSet {
  const char* level;         // "avx512", "avx2", "sse", "neon" or "scalar"
  DistanceFn l2Squared;      // sum of (a_i - b_i)^2
  DistanceFn negativeDot;    // -(sum of a_i * b_i)
  // The same on two vector slots (vector-slot.h: a and b point at slots holding vector pointers);
  // slotCosine is negativeDot × both slots' inverse norms, i.e. the negated cosine similarity.
  DistanceFn slotL2Squared;
  DistanceFn slotNegativeDot;
  DistanceFn slotCosine;
  // negativeDot × the inverse norms stored as the float after each vector (inline-build.h).
  DistanceFn inlineCosine;
};

// The fastest kernel set this CPU runs. QUIVER_HNSW_SIMD=<level> caps it (for benchmarks).
const KernelSet& bestKernels();

// Every kernel set this CPU can run, fastest first (for tests that compare them).
std::vector<const KernelSet*> supportedKernels();

// The supported kernel set named `level`, or nullptr.
const KernelSet* kernelsByLevel(const std::string& level);

}  // namespace quiver
