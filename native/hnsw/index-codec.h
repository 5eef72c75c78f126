// Serialises an HNSW graph to memory and back: the graph only (links and levels; COSINE adds each
// row's inverse norm), never the vectors nor the slot pointers, which are rebuilt on load from the
// external vectors the caller passes (row r at vectors + r·dim; labels are the rows 0..count-1).
// Format version 2, little-endian (size_t = 8 bytes):
//   magic "QHNG" (uint32 0x474e4851), formatVersion (uint32 = 2), metric (uint32: 0 L2, 1 IP,
//   2 COSINE), dim (uint32), count (uint64), maxLevel (int32), enterPoint (uint32),
//   maxM maxM0 M (uint64 ×3), mult (double), efConstruction (uint64)            = 72 bytes,
//   level-0 links: count × (maxM0 × 4 + 4) bytes (hnswlib's link list: uint32 header, then ids),
//   per element: linkListSize (uint32) and that many bytes of upper-level links,
//   COSINE only: count × float32 inverse norms.
// Version 1 (hnswlib's own file layout, vectors inside) is rejected as corrupt; the engine rebuilds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hnsw-core.h"

namespace quiver {

constexpr uint32_t kGraphMagic = 0x474e4851;  // "QHNG" read as little-endian bytes
constexpr uint32_t kGraphFormatVersion = 2;
constexpr size_t kGraphHeaderBytes = 72;

size_t encodedSize(const HnswCore& core);

// Writes encodedSize(core) bytes to `out`.
void encodeGraph(const HnswCore& core, uint8_t* out);

// Checks every size, offset and neighbour id before allocating, so corrupted bytes throw
// CorruptError instead of reading out of bounds; so does a graph with more rows than `vectorRows`.
// The graph's slots point into `vectors`, which must outlive the core.
std::unique_ptr<HnswCore> decodeGraph(const uint8_t* bytes, size_t size, Metric metric, size_t dim, const float* vectors,
                                      size_t vectorRows);

}  // namespace quiver
