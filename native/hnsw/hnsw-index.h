// The JavaScript class `HnswIndex` (node-addon-api ObjectWrap) around HnswCore. Arguments are
// checked here; every C++ exception is caught and rethrown as a JavaScript Error with a `code`:
// QUIVER_HNSW_ARG (bad argument), QUIVER_HNSW_CORRUPT (bytes that do not decode),
// QUIVER_HNSW_NO_MEMORY (allocation failed), QUIVER_HNSW_RELEASED (used after release()),
// QUIVER_HNSW_FAILED (anything else).
//
// The index reads its vectors from a Float32Array given at construction / load (the segment's
// column) and holds a strong reference to it, so the JS memory is not collected while the index
// lives. Its data pointer must not change: typed arrays over a SharedArrayBuffer or a shared
// WebAssembly.Memory (the VectorArena) never move, nor do ordinary ArrayBuffers; a detached buffer
// (transferred away) is caught before each use (QUIVER_HNSW_RELEASED). Explicitly freed memory (an
// arena block given back) is not: release the index before freeing its column.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "hnsw-core.h"

namespace quiver {

class HnswIndex : public Napi::ObjectWrap<HnswIndex> {
 public:
  // Defines the class and keeps its constructor in the addon's instance data (for loadIndex).
  static Napi::Function define(Napi::Env env);

  explicit HnswIndex(const Napi::CallbackInfo& info);
  void Finalize(Napi::BasicEnv env) override;

  // For async-build.cc: the core a starting build works on, the flag that stops it, and the end of
  // the build on the JavaScript thread (a failed or cancelled build frees the core).
  HnswCore& buildingCore() { return *core_; }
  const std::atomic<bool>& cancelFlag() const { return cancel_; }
  void finishBuild(Napi::Env env, bool ok);
  // For async-search.cc: a search queued by searchKnnAsync has settled (JS thread); the last one
  // frees the core when release() came meanwhile.
  void endSearch(Napi::Env env);

 private:
  static Napi::Value loadIndex(const Napi::CallbackInfo& info);
  Napi::Value addPoints(const Napi::CallbackInfo& info);
  Napi::Value addPointsAsync(const Napi::CallbackInfo& info);
  Napi::Value cancelBuild(const Napi::CallbackInfo& info);
  Napi::Value searchKnn(const Napi::CallbackInfo& info);
  Napi::Value searchKnnBatch(const Napi::CallbackInfo& info);
  Napi::Value searchExact(const Napi::CallbackInfo& info);
  Napi::Value searchKnnAsync(const Napi::CallbackInfo& info);
  Napi::Value saveIndex(const Napi::CallbackInfo& info);
  Napi::Value getCurrentCount(const Napi::CallbackInfo& info);
  Napi::Value getMaxElements(const Napi::CallbackInfo& info);
  Napi::Value getM(const Napi::CallbackInfo& info);
  Napi::Value setEf(const Napi::CallbackInfo& info);
  Napi::Value release(const Napi::CallbackInfo& info);

  Napi::Value searchOne(const Napi::CallbackInfo& info, bool exact);
  HnswCore& core();  // throws when released, building, or when the vectors' buffer was detached
  void trackMemory(Napi::Env env);
  void freeCore(Napi::Env env);
  void holdVectors(const Napi::Value& vectors);

  std::unique_ptr<HnswCore> core_;
  Napi::Reference<Napi::Float32Array> vectors_;  // the external vectors the core points into
  const float* vectorsData_ = nullptr;
  size_t ef_ = 10;
  bool building_ = false;             // an addPointsAsync build runs (JS thread only)
  std::atomic<bool> cancel_{false};   // read by the build threads
  size_t searching_ = 0;              // searchKnnAsync searches in flight (JS thread only)
  bool releasePending_ = false;       // release() came while searches were in flight
  int64_t externalBytes_ = 0;
};

}  // namespace quiver
