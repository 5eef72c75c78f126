// addPointsAsync: a build of an HnswIndex on native threads, off the JavaScript thread.
//
// A Napi::AsyncWorker runs HnswCore::addRowsParallel on a libuv pool thread, which starts the build
// threads (at a raised nice value) and waits for them; the JavaScript thread only gets the promise
// and, when the build ends, its settlement. While the build runs the index refuses every other call
// (QUIVER_HNSW_BUSY); cancelBuild() / release() make the threads stop after the row each is inserting
// (milliseconds), and the promise rejects with QUIVER_HNSW_CANCELLED once they have all stopped —
// from then on nothing reads the vectors. A cancelled build leaves the index released.
#pragma once

#include <napi.h>

#include <cstddef>

namespace quiver {

class HnswIndex;

// Starts the build of rows firstRow..firstRow+count-1 of `owner` (its JS object `self`, kept alive
// until the build settles) and returns the promise.
Napi::Promise startAsyncBuild(Napi::Env env, HnswIndex* owner, Napi::Object self, size_t firstRow, size_t count,
                              size_t threads, int niceDelta);

}  // namespace quiver
