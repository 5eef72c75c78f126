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

}  // namespace quiver
