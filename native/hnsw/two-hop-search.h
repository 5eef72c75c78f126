// A filtered level-0 search that walks only allowed rows. hnswlib's own filtered search walks every
// node and keeps the allowed ones, so with a fraction s allowed it expands ~ef/s nodes and scores all
// their neighbours. Here a node's allowed neighbours are scored directly and a disallowed neighbour is
// looked through to its own neighbours (two hops, as in ACORN-1), so the walk stays on the allowed
// rows and expands ~ef nodes. Each expansion gathers at most maxM0 allowed rows (1-hop first).
#pragma once

#include <cstddef>
#include <queue>
#include <utility>

#include "allowed-rows-filter.h"
#include "hnsw-core.h"

namespace quiver {

// The nearest allowed rows (every row when `allowed` is null) found with list size `ef`: a max-heap
// on distance, farthest on top, at most `ef` entries; the caller trims to k. Distances come from
// `distance` by row number (the row's vector at vectors + r·dim, prefetched a few rows ahead), not
// through hnswlib's slots, so scoring a row costs one memory access, not two dependent ones.
std::priority_queue<std::pair<float, hnswlib::tableint>> searchTwoHop(const Hnsw& graph, const RowDistance& distance,
                                                                      size_t ef, const AllowedRows* allowed);

}  // namespace quiver
