// The per-row data hnswlib stores in its level-0 block: not the vector, but a pointer to the row's
// vector in external memory (the segment's Float32 column), and for COSINE the vector's inverse norm.
// hnswlib's distance function gets two pointers to such slots (query slot and stored slot, or two
// stored slots); the slot kernels (distance-kernels.h) follow the pointers.
//
// Slots sit at hnswlib's offsetData, which is not 8-byte aligned (links are maxM0 × 4 + 4 bytes), so
// they are read and written with memcpy (a plain load on x86-64 and AArch64).
#pragma once

#include <cstddef>
#include <cstring>

namespace quiver {

// Bytes of a slot: the pointer; COSINE adds the float inverse norm (1 / |v|, 0 for a zero vector).
constexpr size_t kSlotBytes = sizeof(const float*);
constexpr size_t kCosineSlotBytes = kSlotBytes + sizeof(float);

inline const float* slotVector(const void* slot) {
  const float* v;
  std::memcpy(&v, slot, sizeof(v));
  return v;
}

inline float slotInverseNorm(const void* slot) {
  float n;
  std::memcpy(&n, static_cast<const char*>(slot) + kSlotBytes, sizeof(n));
  return n;
}

// Writes the pointer, and the inverse norm when `withNorm` (COSINE).
inline void writeSlot(void* slot, const float* vector, bool withNorm, float inverseNorm) {
  std::memcpy(slot, &vector, sizeof(vector));
  if (withNorm) std::memcpy(static_cast<char*>(slot) + kSlotBytes, &inverseNorm, sizeof(inverseNorm));
}

}  // namespace quiver
