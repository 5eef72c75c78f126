// searchKnnAsync: one graph walk or exact scan of an HnswIndex on a libuv pool thread, off the
// JavaScript thread, so a server's event loop decodes, resolves and answers other requests while
// the walk runs (docs/design/0007, "Searches off the event loop").
//
// Only the walks that keep no per-index state run here: the two-hop walk (unfiltered, or over
// allowed rows) and the exact scan read the graph and the vectors and take their visited list from
// hnswlib's locked pool, so several may run at once on one index, and with synchronous searches.
// hnswlib's own filtered walk sets the index's ef and query slot and stays synchronous.
// The query and the allowed-rows words are copied before the work is queued: the caller may reuse
// or change them at once. The index object is held until the promise settles; release() meanwhile
// frees the core only after the last search in flight has finished (HnswIndex::endSearch).
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace quiver {

class HnswIndex;
class HnswCore;

enum class AsyncWalk { TwoHop, Exact };

struct AsyncSearchArgs {
  std::vector<float> query;
  std::vector<uint32_t> allowedWords;  // empty with `filtered` false: every row
  bool filtered;
  size_t k;
  size_t ef;
  AsyncWalk walk;
};

// Queues the search on `owner`'s core (its JS object `self`, kept alive until the search settles)
// and returns the promise of { scores, labels }, best first.
Napi::Promise startAsyncSearch(Napi::Env env, HnswIndex* owner, Napi::Object self, HnswCore& core, AsyncSearchArgs args);

}  // namespace quiver
