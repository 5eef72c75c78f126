#include "async-search.h"

#include <cstring>
#include <new>
#include <string>

#include "hnsw-core.h"
#include "hnsw-index.h"

namespace quiver {
namespace {

class SearchWorker : public Napi::AsyncWorker {
 public:
  SearchWorker(Napi::Env env, HnswIndex* owner, Napi::Object self, HnswCore& core, AsyncSearchArgs args)
      : Napi::AsyncWorker(env, "quiverHnswSearch"),
        deferred_(Napi::Promise::Deferred::New(env)),
        owner_(owner),
        self_(Napi::Persistent(self)),
        core_(core),
        args_(std::move(args)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  // On a libuv pool thread: no N-API here.
  void Execute() override {
    try {
      const size_t cap = std::min(args_.k, core_.count());
      scores_.resize(cap);
      rows_.resize(cap);
      const AllowedRows allowed{args_.allowedWords.data(), args_.allowedWords.size()};
      const AllowedRows* filter = args_.filtered ? &allowed : nullptr;
      found_ = args_.walk == AsyncWalk::Exact
                   ? core_.searchExact(args_.query.data(), cap, filter, scores_.data(), rows_.data())
                   : core_.searchKnn(args_.query.data(), cap, args_.ef, filter, FilterWalk::TwoHop, scores_.data(), rows_.data());
    } catch (const std::bad_alloc&) {
      fail("QUIVER_HNSW_NO_MEMORY", "native HNSW index: out of memory");
    } catch (const std::exception& e) {
      fail("QUIVER_HNSW_FAILED", std::string("native HNSW index: ") + e.what());
    } catch (...) {
      fail("QUIVER_HNSW_FAILED", "native HNSW index: unknown failure");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    owner_->endSearch(env);
    Napi::Float32Array s = Napi::Float32Array::New(env, found_);
    Napi::Int32Array r = Napi::Int32Array::New(env, found_);
    if (env.IsExceptionPending()) {
      deferred_.Reject(env.GetAndClearPendingException().Value());
      return;
    }
    if (found_ > 0) {
      std::memcpy(s.Data(), scores_.data(), found_ * sizeof(float));
      std::memcpy(r.Data(), rows_.data(), found_ * sizeof(int32_t));
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("scores", s);
    out.Set("labels", r);
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& error) override {
    Napi::Env env = Env();
    owner_->endSearch(env);
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
  AsyncSearchArgs args_;
  std::vector<float> scores_;
  std::vector<int32_t> rows_;
  size_t found_ = 0;
  std::string code_ = "QUIVER_HNSW_FAILED";
};

}  // namespace

Napi::Promise startAsyncSearch(Napi::Env env, HnswIndex* owner, Napi::Object self, HnswCore& core, AsyncSearchArgs args) {
  SearchWorker* worker = new SearchWorker(env, owner, self, core, std::move(args));
  Napi::Promise promise = worker->promise();
  worker->Queue();  // the worker deletes itself after OnOK / OnError
  return promise;
}

}  // namespace quiver
