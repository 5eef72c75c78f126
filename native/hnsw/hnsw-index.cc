#include "hnsw-index.h"

#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "async-build.h"
#include "async-search.h"
#include "errors.h"
#include "index-codec.h"
#include "napi-args.h"

namespace quiver {
namespace {

constexpr double kDimMax = 65536;
constexpr double kRowsMax = 2147483647;  // rows are Int32 in results
constexpr double kMMax = 2048;           // Milvus's HNSW M range is [2, 2048]
constexpr double kEfMax = 2147483647;

void throwJs(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  e.ThrowAsJavaScriptException();
}

// Runs a binding body; no C++ exception leaves it.
template <typename Body>
Napi::Value guarded(Napi::Env env, Body&& body) noexcept {
  try {
    return body();
  } catch (const ArgError& e) {
    throwJs(env, "QUIVER_HNSW_ARG", e.what());
  } catch (const CorruptError& e) {
    throwJs(env, "QUIVER_HNSW_CORRUPT", e.what());
  } catch (const ReleasedError& e) {
    throwJs(env, "QUIVER_HNSW_RELEASED", e.what());
  } catch (const BusyError& e) {
    throwJs(env, "QUIVER_HNSW_BUSY", e.what());
  } catch (const std::bad_alloc&) {
    throwJs(env, "QUIVER_HNSW_NO_MEMORY", "native HNSW index: out of memory");
  } catch (const std::exception& e) {
    throwJs(env, "QUIVER_HNSW_FAILED", std::string("native HNSW index: ") + e.what());
  } catch (...) {
    throwJs(env, "QUIVER_HNSW_FAILED", "native HNSW index: unknown failure");
  }
  return env.Undefined();
}

Metric readMetric(const Napi::Value& v) {
  Metric m;
  if (!parseMetric(readString(v, "space"), &m)) throw ArgError("space must be 'l2', 'ip' or 'cosine'");
  return m;
}

Napi::Object resultObject(Napi::Env env, const float* scores, const int32_t* rows, size_t n) {
  Napi::Float32Array s = Napi::Float32Array::New(env, n);
  Napi::Int32Array r = Napi::Int32Array::New(env, n);
  if (env.IsExceptionPending()) throw std::bad_alloc();
  if (n > 0) {
    std::memcpy(s.Data(), scores, n * sizeof(float));
    std::memcpy(r.Data(), rows, n * sizeof(int32_t));
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("scores", s);
  out.Set("labels", r);
  return out;
}

}  // namespace

Napi::Function HnswIndex::define(Napi::Env env) {
  Napi::Function ctor = DefineClass(
      env, "HnswIndex",
      {
          StaticMethod<&HnswIndex::loadIndex>("loadIndex"),
          InstanceMethod<&HnswIndex::addPoints>("addPoints"),
          InstanceMethod<&HnswIndex::addPointsAsync>("addPointsAsync"),
          InstanceMethod<&HnswIndex::cancelBuild>("cancelBuild"),
          InstanceMethod<&HnswIndex::searchKnn>("searchKnn"),
          InstanceMethod<&HnswIndex::searchKnnBatch>("searchKnnBatch"),
          InstanceMethod<&HnswIndex::searchExact>("searchExact"),
          InstanceMethod<&HnswIndex::searchKnnAsync>("searchKnnAsync"),
          InstanceMethod<&HnswIndex::saveIndex>("saveIndex"),
          InstanceMethod<&HnswIndex::getCurrentCount>("getCurrentCount"),
          InstanceMethod<&HnswIndex::getMaxElements>("getMaxElements"),
          InstanceMethod<&HnswIndex::getM>("getM"),
          InstanceMethod<&HnswIndex::setEf>("setEf"),
          InstanceMethod<&HnswIndex::release>("release"),
      });
  env.SetInstanceData(new Napi::FunctionReference(Napi::Persistent(ctor)));
  return ctor;
}

// new HnswIndex(space, dim, maxElements, M, efConstruction, seed, vectors: Float32Array)
// The rows added later are rows of `vectors` (row r at vectors[r*dim]); the index keeps a reference.
// (loadIndex passes an External holding a decoded HnswCore, and the vectors, instead.)
HnswIndex::HnswIndex(const Napi::CallbackInfo& info) : Napi::ObjectWrap<HnswIndex>(info) {
  Napi::Env env = info.Env();
  if (info.Length() == 2 && info[0].IsExternal()) {
    core_.reset(info[0].As<Napi::External<HnswCore>>().Data());
    holdVectors(info[1]);
    trackMemory(env);
    return;
  }
  guarded(env, [&]() -> Napi::Value {
    const Metric metric = readMetric(argAt(info, 0));
    const size_t dim = readCount(argAt(info, 1), "dim", 1, kDimMax);
    BuildParams p{};
    p.maxElements = readCount(argAt(info, 2), "maxElements", 1, kRowsMax);
    p.M = readCount(argAt(info, 3), "M", 2, kMMax);
    p.efConstruction = readCount(argAt(info, 4), "efConstruction", 1, kEfMax);
    p.seed = readCount(argAt(info, 5), "seed", 0, 4294967295.0);
    const ArrayView<float> vectors = readFloats(argAt(info, 6), "vectors");
    core_.reset(new HnswCore(metric, dim, p, vectors.data, vectors.length / dim));
    holdVectors(argAt(info, 6));
    trackMemory(env);
    return env.Undefined();
  });
}

void HnswIndex::Finalize(Napi::BasicEnv env) {
  if (externalBytes_ != 0) Napi::MemoryManagement::AdjustExternalMemory(env, -externalBytes_);
  externalBytes_ = 0;
}

void HnswIndex::holdVectors(const Napi::Value& vectors) {
  Napi::Float32Array array = vectors.As<Napi::Float32Array>();
  vectorsData_ = array.Data();
  vectors_ = Napi::Persistent(array);
}

HnswCore& HnswIndex::core() {
  if (!core_ || releasePending_) throw ReleasedError();
  if (building_) throw BusyError();
  // The slots point into the vectors' buffer: a detached buffer (transferred away) has moved.
  if (vectors_.Value().Data() != vectorsData_) throw ReleasedError("the index's vectors buffer was detached");
  return *core_;
}

void HnswIndex::trackMemory(Napi::Env env) {
  const int64_t bytes = core_ ? static_cast<int64_t>(core_->memoryBytes()) : 0;
  if (bytes != externalBytes_) Napi::MemoryManagement::AdjustExternalMemory(env, bytes - externalBytes_);
  externalBytes_ = bytes;
}

// HnswIndex.loadIndex(bytes: Uint8Array, space, dim, vectors: Float32Array) -> HnswIndex over `vectors`
Napi::Value HnswIndex::loadIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const ArrayView<uint8_t> bytes = readBytes(argAt(info, 0), "bytes");
    const Metric metric = readMetric(argAt(info, 1));
    const size_t dim = readCount(argAt(info, 2), "dim", 1, kDimMax);
    const ArrayView<float> vectors = readFloats(argAt(info, 3), "vectors");
    std::unique_ptr<HnswCore> core = decodeGraph(bytes.data, bytes.length, metric, dim, vectors.data, vectors.length / dim);
    Napi::FunctionReference* ctor = env.GetInstanceData<Napi::FunctionReference>();
    Napi::Object obj = ctor->New({Napi::External<HnswCore>::New(env, core.get()), argAt(info, 3)});
    if (env.IsExceptionPending()) return env.Undefined();
    core.release();  // owned by the new object
    return obj;
  });
}

// addPoints(firstRow: number, count: number): adds rows firstRow..firstRow+count-1 of the vectors
// given at construction (labels are the row numbers); firstRow must equal the current count.
Napi::Value HnswIndex::addPoints(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    HnswCore& c = core();
    if (searching_ > 0) throw BusyError("searches of this index are in flight");
    const size_t firstRow = readCount(argAt(info, 0), "firstRow", 0, kRowsMax);
    const size_t count = readCount(argAt(info, 1), "count", 0, kRowsMax);
    c.addRows(firstRow, count);
    trackMemory(env);
    return env.Undefined();
  });
}

// addPointsAsync(firstRow, count, threads, niceDelta) -> Promise<void>: as addPoints, but on `threads`
// native threads whose nice value is raised by niceDelta (Linux), off the JavaScript thread
// (async-build.h). Until it settles every other call but cancelBuild / release throws QUIVER_HNSW_BUSY.
// Rejects with QUIVER_HNSW_CANCELLED after cancelBuild() / release() (the index is then released).
Napi::Value HnswIndex::addPointsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    HnswCore& c = core();
    if (searching_ > 0) throw BusyError("searches of this index are in flight");
    const size_t firstRow = readCount(argAt(info, 0), "firstRow", 0, kRowsMax);
    const size_t count = readCount(argAt(info, 1), "count", 0, kRowsMax);
    const size_t threads = readCount(argAt(info, 2), "threads", 1, 1024);
    const int niceDelta = static_cast<int>(readCount(argAt(info, 3), "niceDelta", 0, 19));
    if (firstRow != c.count()) throw ArgError("rows must be appended in order: firstRow must equal the count");
    if (count > c.maxElements() - c.count()) throw ArgError("the index is full: count + n exceeds maxElements");
    cancel_.store(false);
    Napi::Promise promise = startAsyncBuild(env, this, info.This().As<Napi::Object>(), firstRow, count, threads, niceDelta);
    building_ = true;
    return promise;
  });
}

// cancelBuild(): stops a running addPointsAsync (its promise rejects once the threads stopped); no-op otherwise.
Napi::Value HnswIndex::cancelBuild(const Napi::CallbackInfo& info) {
  if (building_) cancel_.store(true);
  return info.Env().Undefined();
}

void HnswIndex::finishBuild(Napi::Env env, bool ok) {
  building_ = false;
  if (!ok || cancel_.load()) {
    freeCore(env);  // a partial graph (rows missing, ids not renumbered) is never searched
    return;
  }
  trackMemory(env);
}

void HnswIndex::freeCore(Napi::Env env) {
  core_.reset();
  vectors_.Reset();
  vectorsData_ = nullptr;
  trackMemory(env);
}

void HnswIndex::endSearch(Napi::Env env) {
  if (searching_ > 0) searching_--;
  if (searching_ == 0 && releasePending_) {
    releasePending_ = false;
    freeCore(env);
  }
}

// searchKnn(query, k, ef, allowedWords | null, twoHop = false) -> { scores, labels }, best first.
// twoHop: our walk (two-hop-search.h: allowed rows only; plain HNSW without a filter) instead of
// hnswlib's searchKnn.
Napi::Value HnswIndex::searchKnn(const Napi::CallbackInfo& info) { return searchOne(info, false); }

// searchExact(query, k, allowedWords | null) -> { scores, labels }: a scan of the allowed rows
Napi::Value HnswIndex::searchExact(const Napi::CallbackInfo& info) { return searchOne(info, true); }

Napi::Value HnswIndex::searchOne(const Napi::CallbackInfo& info, bool exact) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    HnswCore& c = core();
    const float* query = readVector(argAt(info, 0), "query", c.dim());
    const size_t k = readCount(argAt(info, 1), "k", 0, kRowsMax);
    const size_t ef = exact ? 0 : (argAt(info, 2).IsUndefined() ? ef_ : readCount(argAt(info, 2), "ef", 1, kEfMax));
    AllowedRows allowed{};
    const bool filtered = readAllowed(argAt(info, exact ? 2 : 3), &allowed);
    const size_t cap = std::min(k, c.count());
    std::vector<float> scores(cap);
    std::vector<int32_t> rows(cap);
    const AllowedRows* filter = filtered ? &allowed : nullptr;
    const FilterWalk walk = !exact && readTwoHop(argAt(info, 4)) ? FilterWalk::TwoHop : FilterWalk::Hnswlib;
    const size_t n = exact ? c.searchExact(query, cap, filter, scores.data(), rows.data())
                           : c.searchKnn(query, cap, ef, filter, walk, scores.data(), rows.data());
    return resultObject(env, scores.data(), rows.data(), n);
  });
}

// searchKnnAsync(query, k, ef, allowedWords | null, walk: 'twoHop' | 'exact') -> Promise<{ scores, labels }>:
// the two-hop walk (ef ignored by 'exact': a scan of the allowed rows) on a libuv pool thread
// (async-search.h). Arguments are checked and copied here; a bad one throws at once.
Napi::Value HnswIndex::searchKnnAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    HnswCore& c = core();
    AsyncSearchArgs args{};
    const float* query = readVector(argAt(info, 0), "query", c.dim());
    args.k = readCount(argAt(info, 1), "k", 0, kRowsMax);
    args.ef = readCount(argAt(info, 2), "ef", 1, kEfMax);
    AllowedRows allowed{};
    args.filtered = readAllowed(argAt(info, 3), &allowed);
    const std::string walk = readString(argAt(info, 4), "walk");
    if (walk != "twoHop" && walk != "exact") throw ArgError("walk must be 'twoHop' or 'exact'");
    args.walk = walk == "exact" ? AsyncWalk::Exact : AsyncWalk::TwoHop;
    args.query.assign(query, query + c.dim());
    if (args.filtered) args.allowedWords.assign(allowed.words, allowed.words + allowed.wordCount);
    Napi::Promise promise = startAsyncSearch(env, this, info.This().As<Napi::Object>(), c, std::move(args));
    searching_++;
    return promise;
  });
}

// searchKnnBatch(queries (nq*dim), k, ef, allowedWords | null, twoHop = false)
//   -> { scores: Float32Array(nq*k), labels: Int32Array(nq*k), counts: Int32Array(nq) }
// Query q's results are at [q*k, q*k + counts[q]); the rest of its slots hold label -1, score NaN.
Napi::Value HnswIndex::searchKnnBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    HnswCore& c = core();
    const ArrayView<float> queries = readFloats(argAt(info, 0), "queries");
    if (queries.length % c.dim() != 0) throw ArgError("queries length is not a multiple of dim");
    const size_t nq = queries.length / c.dim();
    const size_t k = readCount(argAt(info, 1), "k", 0, kRowsMax);
    const size_t ef = argAt(info, 2).IsUndefined() ? ef_ : readCount(argAt(info, 2), "ef", 1, kEfMax);
    AllowedRows allowed{};
    const AllowedRows* filter = readAllowed(argAt(info, 3), &allowed) ? &allowed : nullptr;
    const FilterWalk walk = readTwoHop(argAt(info, 4)) ? FilterWalk::TwoHop : FilterWalk::Hnswlib;
    if (k > 0 && nq > static_cast<size_t>(kRowsMax) / k) throw ArgError("nq * k is too large");
    Napi::Float32Array scores = Napi::Float32Array::New(env, nq * k);
    Napi::Int32Array labels = Napi::Int32Array::New(env, nq * k);
    Napi::Int32Array counts = Napi::Int32Array::New(env, nq);
    if (env.IsExceptionPending()) throw std::bad_alloc();
    const size_t cap = std::min(k, c.count());
    for (size_t q = 0; q < nq; q++) {
      float* s = scores.Data() + q * k;
      int32_t* r = labels.Data() + q * k;
      const size_t n = c.searchKnn(queries.data + q * c.dim(), cap, ef, filter, walk, s, r);
      for (size_t i = n; i < k; i++) {
        s[i] = std::numeric_limits<float>::quiet_NaN();
        r[i] = -1;
      }
      counts.Data()[q] = static_cast<int32_t>(n);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("scores", scores);
    out.Set("labels", labels);
    out.Set("counts", counts);
    return out;
  });
}

// saveIndex() -> Uint8Array: the graph without vectors (index-codec.h)
Napi::Value HnswIndex::saveIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const HnswCore& c = core();
    const size_t size = encodedSize(c);
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, size);
    if (env.IsExceptionPending()) throw std::bad_alloc();
    encodeGraph(c, static_cast<uint8_t*>(buffer.Data()));
    return Napi::Uint8Array::New(env, size, buffer, 0);
  });
}

Napi::Value HnswIndex::getCurrentCount(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(core().count()));
  });
}

Napi::Value HnswIndex::getMaxElements(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(core().maxElements()));
  });
}

// getM(): the graph's M (links per node on the upper levels; 2·M on level 0)
Napi::Value HnswIndex::getM(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(core().graph().M_));
  });
}

// setEf(ef): the ef of searches that pass none
Napi::Value HnswIndex::setEf(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    core();
    ef_ = readCount(argAt(info, 0), "ef", 1, kEfMax);
    return info.Env().Undefined();
  });
}

// release(): frees the native memory now; later calls throw QUIVER_HNSW_RELEASED.
Napi::Value HnswIndex::release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (building_) {  // the build threads still use the core: finishBuild frees it once they stopped
      cancel_.store(true);
      return env.Undefined();
    }
    if (searching_ > 0) {  // pool threads still read the core: the last endSearch frees it
      releasePending_ = true;
      return env.Undefined();
    }
    freeCore(env);
    return env.Undefined();
  });
}

}  // namespace quiver
