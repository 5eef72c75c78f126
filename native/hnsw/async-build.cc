#include "async-build.h"

#include <new>
#include <string>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "errors.h"
#include "hnsw-index.h"

namespace quiver {
namespace {

class BuildWorker : public Napi::AsyncWorker {
 public:
  BuildWorker(Napi::Env env, HnswIndex* owner, Napi::Object self, size_t firstRow, size_t count, size_t threads,
              int niceDelta)
      : Napi::AsyncWorker(env, "quiverHnswBuild"),
        deferred_(Napi::Promise::Deferred::New(env)),
        owner_(owner),
        self_(Napi::Persistent(self)),
        core_(owner->buildingCore()),
        firstRow_(firstRow),
        count_(count),
        threads_(threads),
        niceDelta_(niceDelta) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  // On a libuv pool thread: no N-API here.
  void Execute() override {
    try {
      core_.addRowsParallel(firstRow_, count_, threads_, niceDelta_, owner_->cancelFlag());
    } catch (const CancelledError& e) {
      fail("QUIVER_HNSW_CANCELLED", e.what());
    } catch (const ArgError& e) {
      fail("QUIVER_HNSW_ARG", e.what());
    } catch (const std::bad_alloc&) {
      fail("QUIVER_HNSW_NO_MEMORY", "native HNSW index: out of memory");
    } catch (const std::exception& e) {
      fail("QUIVER_HNSW_FAILED", std::string("native HNSW index: ") + e.what());
    } catch (...) {
      fail("QUIVER_HNSW_FAILED", "native HNSW index: unknown failure");
    }
#ifdef __GLIBC__
    // The build threads' scratch (candidate queues, neighbour lists) was freed into glibc's per-thread
    // arenas, which keep it resident (~40 MiB after a 100k x 128 build): give it back.
    malloc_trim(0);
#endif
  }

  void OnOK() override {
    Napi::Env env = Env();
    owner_->finishBuild(env, true);
    deferred_.Resolve(env.Undefined());
  }

  void OnError(const Napi::Error& error) override {
    Napi::Env env = Env();
    owner_->finishBuild(env, false);
    Napi::Error e = Napi::Error::New(env, error.Message());
    e.Set("code", Napi::String::New(env, code_));
    deferred_.Reject(e.Value());
  }

 private:
  void fail(const char* code, const std::string& message) {
    code_ = code;
    SetError(message);
  }

  Napi::Promise::Deferred deferred_;
  HnswIndex* owner_;
  Napi::ObjectReference self_;  // keeps the index object (and so the core and the vectors) alive
  HnswCore& core_;
  size_t firstRow_;
  size_t count_;
  size_t threads_;
  int niceDelta_;
  std::string code_ = "QUIVER_HNSW_FAILED";
};

}  // namespace

Napi::Promise startAsyncBuild(Napi::Env env, HnswIndex* owner, Napi::Object self, size_t firstRow, size_t count,
                              size_t threads, int niceDelta) {
  BuildWorker* worker = new BuildWorker(env, owner, self, firstRow, count, threads, niceDelta);
  Napi::Promise promise = worker->promise();
  worker->Queue();  // the worker deletes itself after OnOK / OnError
  return promise;
}

}  // namespace quiver
