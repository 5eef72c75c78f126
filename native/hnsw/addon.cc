// Module entry of quiver_hnsw.node: the HnswIndex class, the SIMD level in use, and a raw kernel
// call for tests. The module keeps no global state besides its instance data, so it loads in
// worker threads too.
#include <napi.h>

#include <string>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "distance-kernels.h"
#include "allowed-rows-filter.h"
#include "errors.h"
#include "hnsw-index.h"
#include "napi-args.h"

namespace quiver {
namespace {

// Bumped whenever the JavaScript API of the addon changes; the TypeScript wrapper refuses a stale build.
constexpr int kApiVersion = 3;

// kernelDistance(level: string, kind: 'l2' | 'negativeDot', a: Float32Array, b: Float32Array) -> number
Napi::Value kernelDistance(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const std::string level = readString(argAt(info, 0), "level");
    const std::string kind = readString(argAt(info, 1), "kind");
    const ArrayView<float> a = readFloats(argAt(info, 2), "a");
    const float* b = readVector(argAt(info, 3), "b", a.length);
    const KernelSet* k = kernelsByLevel(level);
    if (k == nullptr) throw ArgError("kernel level not supported here: " + level);
    if (kind != "l2" && kind != "negativeDot") throw ArgError("kind must be 'l2' or 'negativeDot'");
    const size_t dim = a.length;
    return Napi::Number::New(env, (kind == "l2" ? k->l2Squared : k->negativeDot)(a.data, b, &dim));
  } catch (const std::exception& e) {
    Napi::TypeError::New(env, e.what()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
}

// countAllowed(words: Uint32Array, rowCount: number) -> rows in [0, rowCount) whose bit is set
Napi::Value countAllowed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const ArrayView<uint32_t> words = readTyped<uint32_t>(argAt(info, 0), napi_uint32_array, "words", "Uint32Array");
    const size_t rowCount = readCount(argAt(info, 1), "rowCount", 0, 4294967296.0 * 32);
    return Napi::Number::New(env, static_cast<double>(countAllowedRows(words.data, words.length, rowCount)));
  } catch (const std::exception& e) {
    Napi::TypeError::New(env, e.what()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
}

// discardPages(bytes: Uint8Array) -> bytes returned to the OS. The whole pages inside `bytes` (memory
// nobody reads any more: a freed block of the vector arena) are handed back with madvise(MADV_DONTNEED):
// the mapping stays, RSS drops, and the pages read as zeros when next touched. Linux only (0 elsewhere,
// and 0 when the kernel refuses). WebAssembly memory cannot shrink, so this is how the arena gives back
// what it no longer uses.
Napi::Value discardPages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const ArrayView<uint8_t> bytes = readBytes(argAt(info, 0), "bytes");
#ifdef __linux__
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const uintptr_t from = reinterpret_cast<uintptr_t>(bytes.data);
    const uintptr_t start = (from + page - 1) & ~(page - 1);
    const uintptr_t end = (from + bytes.length) & ~(page - 1);
    if (end <= start) return Napi::Number::New(env, 0);
    if (madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) != 0) return Napi::Number::New(env, 0);
    return Napi::Number::New(env, static_cast<double>(end - start));
#else
    return Napi::Number::New(env, 0);
#endif
  } catch (const std::exception& e) {
    Napi::TypeError::New(env, e.what()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("apiVersion", Napi::Number::New(env, kApiVersion));
  exports.Set("HnswIndex", HnswIndex::define(env));
  exports.Set("simdLevel", Napi::String::New(env, bestKernels().level));
  const std::vector<const KernelSet*> all = supportedKernels();
  Napi::Array levels = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); i++) levels.Set(static_cast<uint32_t>(i), Napi::String::New(env, all[i]->level));
  exports.Set("simdLevels", levels);
  exports.Set("kernelDistance", Napi::Function::New<kernelDistance>(env, "kernelDistance"));
  exports.Set("countAllowed", Napi::Function::New<countAllowed>(env, "countAllowed"));
  exports.Set("discardPages", Napi::Function::New<discardPages>(env, "discardPages"));
  return exports;
}

}  // namespace
}  // namespace quiver

static Napi::Object initModule(Napi::Env env, Napi::Object exports) { return quiver::init(env, exports); }

NODE_API_MODULE(quiver_hnsw, initModule)
