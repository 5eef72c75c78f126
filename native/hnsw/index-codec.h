// Serialises an hnswlib graph to memory and back, in exactly the byte layout of hnswlib's own
// saveIndex file (so a file hnswlib writes loads here and the other way round), without a file.
// Layout (little-endian, size_t = 8 bytes):
//   offsetLevel0 max_elements cur_element_count size_data_per_element label_offset offsetData
//   (size_t ×6), maxlevel (int32), enterpoint_node (uint32), maxM maxM0 M (size_t ×3),
//   mult (double), ef_construction (size_t),
//   level-0 block: cur_element_count × size_data_per_element bytes (links, vector, label),
//   then per element: linkListSize (uint32) and that many bytes of upper-level links.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hnsw-core.h"

namespace quiver {

size_t encodedSize(const Hnsw& graph);

// Writes encodedSize(graph) bytes to `out`.
void encodeGraph(const Hnsw& graph, uint8_t* out);

// Checks every size, offset and neighbour id before allocating, so corrupted bytes throw
// CorruptError instead of reading out of bounds. Rows must be labelled 0..count-1 in order.
std::unique_ptr<HnswCore> decodeGraph(const uint8_t* bytes, size_t size, Metric metric, size_t dim);

}  // namespace quiver
