// The C++ exceptions of the addon. They never cross into N-API: hnsw-index.cc catches each and
// throws a JavaScript Error whose `code` names the kind.
#pragma once

#include <stdexcept>
#include <string>

namespace quiver {

// A bad argument: wrong type, size or range (code QUIVER_HNSW_ARG).
struct ArgError : std::runtime_error {
  explicit ArgError(const std::string& what) : std::runtime_error(what) {}
};

// Index bytes that fail validation (code QUIVER_HNSW_CORRUPT).
struct CorruptError : std::runtime_error {
  explicit CorruptError(const std::string& what) : std::runtime_error(what) {}
};

// A call on an index after release(), or after its vectors' buffer was detached (code QUIVER_HNSW_RELEASED).
struct ReleasedError : std::runtime_error {
  explicit ReleasedError(const std::string& what = "the index was released") : std::runtime_error(what) {}
};

// A call while a background build of the index runs (code QUIVER_HNSW_BUSY).
struct BusyError : std::runtime_error {
  explicit BusyError(const std::string& what = "a background build of this index is running") : std::runtime_error(what) {}
};

// A background build stopped by cancelBuild() or release() (code QUIVER_HNSW_CANCELLED).
struct CancelledError : std::runtime_error {
  explicit CancelledError(const std::string& what = "the index build was cancelled") : std::runtime_error(what) {}
};

}  // namespace quiver
