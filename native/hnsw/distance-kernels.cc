// SIMD distance kernels. x86-64 (GCC/Clang): SSE is the baseline; AVX2+FMA and AVX-512F are
// compiled with function target attributes and chosen at run time, so one binary runs on any
// x86-64 CPU. AArch64: NEON (always present). Elsewhere: a portable loop.
#include "distance-kernels.h"

#include "vector-slot.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QUIVER_X86 1
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 warns inside its own AVX-512 intrinsics (`__Y = __Y` in _mm512_undefined_ps, GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#elif defined(__aarch64__)
#define QUIVER_NEON 1
#include <arm_neon.h>
#endif

namespace quiver {
namespace {

inline size_t dimOf(const void* dimPtr) { return *static_cast<const size_t*>(dimPtr); }

float l2Scalar(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= dim; i += 4) {
    const float d0 = x[i] - y[i], d1 = x[i + 1] - y[i + 1];
    const float d2 = x[i + 2] - y[i + 2], d3 = x[i + 3] - y[i + 3];
    s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
  }
  for (; i < dim; i++) { const float d = x[i] - y[i]; s0 += d * d; }
  return (s0 + s1) + (s2 + s3);
}

float negDotScalar(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= dim; i += 4) {
    s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3];
  }
  for (; i < dim; i++) s0 += x[i] * y[i];
  return -((s0 + s1) + (s2 + s3));
}

#if QUIVER_X86
inline float sum128(__m128 v) {
  __m128 h = _mm_add_ps(v, _mm_movehl_ps(v, v));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 0x55));
  return _mm_cvtss_f32(h);
}

float l2Sse(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const __m128 d0 = _mm_sub_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(y + i));
    const __m128 d1 = _mm_sub_ps(_mm_loadu_ps(x + i + 4), _mm_loadu_ps(y + i + 4));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(d0, d0));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(d1, d1));
  }
  float s = sum128(_mm_add_ps(acc0, acc1));
  for (; i < dim; i++) { const float d = x[i] - y[i]; s += d * d; }
  return s;
}

float negDotSse(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(y + i)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(_mm_loadu_ps(x + i + 4), _mm_loadu_ps(y + i + 4)));
  }
  float s = sum128(_mm_add_ps(acc0, acc1));
  for (; i < dim; i++) s += x[i] * y[i];
  return -s;
}

__attribute__((target("avx2,fma"))) inline float sum256(__m256 v) {
  return sum128(_mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}

__attribute__((target("avx2,fma"))) float l2Avx2(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i));
    const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8));
    acc0 = _mm256_fmadd_ps(d0, d0, acc0);
    acc1 = _mm256_fmadd_ps(d1, d1, acc1);
  }
  for (; i + 8 <= dim; i += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i));
    acc0 = _mm256_fmadd_ps(d, d, acc0);
  }
  float s = sum256(_mm256_add_ps(acc0, acc1));
  for (; i < dim; i++) { const float d = x[i] - y[i]; s += d * d; }
  return s;
}

__attribute__((target("avx2,fma"))) float negDotAvx2(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), acc1);
  }
  for (; i + 8 <= dim; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc0);
  float s = sum256(_mm256_add_ps(acc0, acc1));
  for (; i < dim; i++) s += x[i] * y[i];
  return -s;
}

// Horizontal sum without _mm512_reduce_add_ps (GCC 12 warns inside it): fold 512 -> 128 bits.
__attribute__((target("avx512f"))) inline float sum512(__m512 v) {
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0x4E));  // + the other 256-bit half
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0xB1));  // + the neighbouring 128-bit lane
  return sum128(_mm512_castps512_ps128(v));
}

__attribute__((target("avx512f"))) float l2Avx512(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i));
    const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16));
    acc0 = _mm512_fmadd_ps(d0, d0, acc0);
    acc1 = _mm512_fmadd_ps(d1, d1, acc1);
  }
  for (; i + 16 <= dim; i += 16) {
    const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i));
    acc0 = _mm512_fmadd_ps(d, d, acc0);
  }
  if (i < dim) {
    const __mmask16 m = static_cast<__mmask16>((1u << (dim - i)) - 1u);
    const __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i));
    acc1 = _mm512_fmadd_ps(d, d, acc1);
  }
  return sum512(_mm512_add_ps(acc0, acc1));
}

__attribute__((target("avx512f"))) float negDotAvx512(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i), acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16), acc1);
  }
  for (; i + 16 <= dim; i += 16) acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i), acc0);
  if (i < dim) {
    const __mmask16 m = static_cast<__mmask16>((1u << (dim - i)) - 1u);
    acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i), acc1);
  }
  return -sum512(_mm512_add_ps(acc0, acc1));
}
#endif  // QUIVER_X86

#if QUIVER_NEON
float l2Neon(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const float32x4_t d0 = vsubq_f32(vld1q_f32(x + i), vld1q_f32(y + i));
    const float32x4_t d1 = vsubq_f32(vld1q_f32(x + i + 4), vld1q_f32(y + i + 4));
    acc0 = vfmaq_f32(acc0, d0, d0);
    acc1 = vfmaq_f32(acc1, d1, d1);
  }
  float s = vaddvq_f32(vaddq_f32(acc0, acc1));
  for (; i < dim; i++) { const float d = x[i] - y[i]; s += d * d; }
  return s;
}

float negDotNeon(const void* a, const void* b, const void* dimPtr) {
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  const size_t dim = dimOf(dimPtr);
  float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    acc0 = vfmaq_f32(acc0, vld1q_f32(x + i), vld1q_f32(y + i));
    acc1 = vfmaq_f32(acc1, vld1q_f32(x + i + 4), vld1q_f32(y + i + 4));
  }
  float s = vaddvq_f32(vaddq_f32(acc0, acc1));
  for (; i < dim; i++) s += x[i] * y[i];
  return -s;
}
#endif  // QUIVER_NEON

// Kernel K on the vectors two slots point at (a direct call: K is a template argument).
template <DistanceFn K>
float onSlots(const void* a, const void* b, const void* dimPtr) {
  return K(slotVector(a), slotVector(b), dimPtr);
}

template <DistanceFn NegDot>
float cosineOnSlots(const void* a, const void* b, const void* dimPtr) {
  return NegDot(slotVector(a), slotVector(b), dimPtr) * slotInverseNorm(a) * slotInverseNorm(b);
}

// Cosine on two vectors each followed by its float inverse norm (inline-build.h); the same products in
// the same order as cosineOnSlots, so both give bit-identical distances.
template <DistanceFn NegDot>
float cosineInline(const void* a, const void* b, const void* dimPtr) {
  const size_t dim = *static_cast<const size_t*>(dimPtr);
  float na, nb;
  std::memcpy(&na, static_cast<const float*>(a) + dim, sizeof(na));
  std::memcpy(&nb, static_cast<const float*>(b) + dim, sizeof(nb));
  return NegDot(a, b, dimPtr) * na * nb;
}

template <DistanceFn L2, DistanceFn NegDot>
constexpr KernelSet kernelSet(const char* level) {
  return KernelSet{level, L2, NegDot, onSlots<L2>, onSlots<NegDot>, cosineOnSlots<NegDot>, cosineInline<NegDot>};
}

const KernelSet kScalar = kernelSet<l2Scalar, negDotScalar>("scalar");
#if QUIVER_X86
const KernelSet kSse = kernelSet<l2Sse, negDotSse>("sse");
const KernelSet kAvx2 = kernelSet<l2Avx2, negDotAvx2>("avx2");
const KernelSet kAvx512 = kernelSet<l2Avx512, negDotAvx512>("avx512");
#endif
#if QUIVER_NEON
const KernelSet kNeon = kernelSet<l2Neon, negDotNeon>("neon");
#endif

std::vector<const KernelSet*> detectKernels() {
  std::vector<const KernelSet*> out;
#if QUIVER_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) out.push_back(&kAvx512);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(&kAvx2);
  out.push_back(&kSse);
#endif
#if QUIVER_NEON
  out.push_back(&kNeon);
#endif
  out.push_back(&kScalar);
  return out;
}

const KernelSet* pickBest() {
  const std::vector<const KernelSet*> all = supportedKernels();
  const char* cap = std::getenv("QUIVER_HNSW_SIMD");
  if (cap != nullptr) {
    for (const KernelSet* k : all) {
      if (std::strcmp(k->level, cap) == 0) return k;
    }
  }
  return all.front();
}

}  // namespace

std::vector<const KernelSet*> supportedKernels() {
  static const std::vector<const KernelSet*> all = detectKernels();
  return all;
}

const KernelSet& bestKernels() {
  static const KernelSet* best = pickBest();
  return *best;
}

const KernelSet* kernelsByLevel(const std::string& level) {
  for (const KernelSet* k : supportedKernels()) {
    if (level == k->level) return k;
  }
  return nullptr;
}

}  // namespace quiver
