// Adding rows to an hnswlib graph from several threads, then numbering them by row again.
//
// hnswlib's addPoint may run on several threads at once for distinct labels (its own Python binding
// does so): each element has its own link lock, and the entry point / top level change under the
// `global` lock. But the internal id of an element is the order in which its insert *started*, so
// after a parallel insert of rows [first, end) internal id i holds some row r ≠ i in that range.
// Everything else here (exact scan, prefetches, the two-hop walk, the codec) relies on id = row, so
// renumberByLabel moves every element to the id of its label and rewrites every link.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "hnsw-core.h"

namespace quiver {

struct ParallelBuildOptions {
  size_t threads;  // ≥ 1
  int niceDelta;   // added to each build thread's nice value (Linux; 0 = unchanged)
};

// Runs insert(row) for every row in [first, first + n) on `threads` threads (rows handed out one at a
// time from a shared counter). Stops early when `cancel` becomes true (throws CancelledError then);
// the first exception of any thread stops the others and is rethrown here, after every thread joined.
void forEachRowInParallel(size_t first, size_t n, const ParallelBuildOptions& options,
                          const std::atomic<bool>& cancel, const std::function<void(size_t)>& insert);

// Gives every element with internal id ≥ `first` the internal id equal to its label, rewriting the
// links of all elements, the entry point and the label map. Labels of ids ≥ first must be a
// permutation of [first, count); ids below `first` must already equal their labels.
void renumberByLabel(Hnsw& graph, size_t first);

// Lowers the calling thread's scheduling priority by `niceDelta` (Linux: setpriority on the thread
// id; elsewhere nothing). Best effort: a failure leaves the priority as it was.
void lowerThisThreadPriority(int niceDelta);

}  // namespace quiver
