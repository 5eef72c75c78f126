#include "two-hop-search.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace quiver {
namespace {

using hnswlib::linklistsizeint;
using hnswlib::tableint;
using Heap = std::priority_queue<std::pair<float, tableint>>;

constexpr size_t kPrefetchAhead = 3;  // rows whose links / vector are requested before they are read
constexpr size_t kLinesMax = 8;       // cache lines prefetched per links or vector

inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 3);
#else
  (void)p;
#endif
}

inline const tableint* neighbours(const Hnsw& g, tableint id, size_t* count) {
  const linklistsizeint* list = g.get_linklist0(id);
  *count = g.getListCount(const_cast<linklistsizeint*>(list));
  return reinterpret_cast<const tableint*>(list + 1);
}

// Greedy descent through the upper levels to the node nearest the query (as hnswlib's searchKnn).
tableint descend(const Hnsw& g, const RowDistance& distance) {
  tableint current = g.enterpoint_node_;
  float best = distance(current);
  for (int level = g.maxlevel_; level > 0; level--) {
    for (bool changed = true; changed;) {
      changed = false;
      const linklistsizeint* list = g.get_linklist(current, level);
      const size_t n = g.getListCount(const_cast<linklistsizeint*>(list));
      const tableint* ids = reinterpret_cast<const tableint*>(list + 1);
      for (size_t i = 0; i < n; i++) {
        const float d = distance(ids[i]);
        if (d < best) {
          best = d;
          current = ids[i];
          changed = true;
        }
      }
    }
  }
  return current;
}

class Walk {
 public:
  Walk(const Hnsw& g, const RowDistance& distance, size_t ef, const AllowedRows* allowed)
      : g_(g), distance_(distance), ef_(ef), allowed_(allowed), checkDeleted_(g.num_deleted_ > 0) {
    list_ = g.visited_list_pool_->getFreeVisitedList();
    gathered_.reserve(g.maxM0_ * 2);
    through_.reserve(g.maxM0_);
    linkLines_ = std::min(kLinesMax, (g.size_links_level0_ + 63) / 64);
    vectorLines_ = std::min(kLinesMax, (distance.dim * sizeof(float) + 63) / 64);
  }
  ~Walk() { g_.visited_list_pool_->releaseVisitedList(list_); }

  Heap run(tableint entry) {
    visit(entry);
    if (admissible(entry)) consider(entry);
    else expand(entry);  // a disallowed entry: start from the allowed rows up to two hops around it
    while (!candidates_.empty()) {
      const std::pair<float, tableint> next = candidates_.top();
      if (-next.first > bound() && top_.size() >= ef_) break;
      candidates_.pop();
      expand(next.second);
    }
    return std::move(top_);
  }

 private:
  bool visited(tableint id) const { return list_->mass[id] == list_->curV; }
  void visit(tableint id) { list_->mass[id] = list_->curV; }
  bool admissible(tableint id) const {
    return (allowed_ == nullptr || allowed_->has(id)) && !(checkDeleted_ && g_.isMarkedDeleted(id));
  }
  float bound() const { return top_.empty() ? std::numeric_limits<float>::max() : top_.top().first; }
  bool full() const { return gathered_.size() >= g_.maxM0_; }

  // Allowed neighbours first; then, through each unvisited disallowed neighbour (in link order, until
  // about maxM0 rows are gathered), its allowed neighbours. Link lists are prefetched a few ahead.
  void expand(tableint id) {
    size_t n;
    const tableint* ids = neighbours(g_, id, &n);
    through_.clear();
    for (size_t i = 0; i < n; i++) {
      const tableint nb = ids[i];
      if (visited(nb)) continue;
      if (!admissible(nb)) {
        if (through_.size() < kPrefetchAhead) prefetchLinks(nb);
        through_.push_back(nb);
      } else if (!full()) {
        visit(nb);
        gathered_.push_back(nb);
      }
    }
    for (size_t i = 0; i < through_.size() && !full(); i++) {
      if (i + kPrefetchAhead < through_.size()) prefetchLinks(through_[i + kPrefetchAhead]);
      if (visited(through_[i])) continue;
      visit(through_[i]);
      gatherThrough(through_[i]);
    }
    scoreGathered();
  }

  // All of a disallowed node's allowed neighbours (it is marked visited, so it is looked through once).
  void gatherThrough(tableint id) {
    size_t n;
    const tableint* ids = neighbours(g_, id, &n);
    for (size_t i = 0; i < n; i++) {
      // The bitset (a bit a row, cache-resident) before the visited list (2 bytes a row, colder): under
      // a filter most neighbours are disallowed and never need the second read.
      if (!admissible(ids[i]) || visited(ids[i])) continue;
      visit(ids[i]);
      gathered_.push_back(ids[i]);
    }
  }

  void prefetchLinks(tableint id) const {
    const char* list = reinterpret_cast<const char*>(g_.get_linklist0(id));
    for (size_t line = 0; line < linkLines_; line++) prefetch(list + line * 64);
  }

  // The row's vector in the external column (row id at vectors + id·dim).
  void prefetchVector(tableint id) const {
    const char* v = reinterpret_cast<const char*>(distance_.rowVector(id));
    for (size_t line = 0; line < vectorLines_; line++) prefetch(v + line * 64);
  }

  void scoreGathered() {
    const size_t n = gathered_.size();
    for (size_t i = 0; i < n && i < kPrefetchAhead; i++) prefetchVector(gathered_[i]);
    for (size_t i = 0; i < n; i++) {
      if (i + kPrefetchAhead < n) prefetchVector(gathered_[i + kPrefetchAhead]);
      consider(gathered_[i]);
    }
    gathered_.clear();
  }

  void consider(tableint id) {
    const float d = distance_(id);
    if (top_.size() >= ef_ && d >= bound()) return;
    candidates_.emplace(-d, id);
    top_.emplace(d, id);
    if (top_.size() > ef_) top_.pop();
  }

  const Hnsw& g_;
  const RowDistance& distance_;
  size_t ef_;
  const AllowedRows* allowed_;  // null: every row
  bool checkDeleted_;
  hnswlib::VisitedList* list_;
  std::vector<tableint> gathered_;  // allowed rows to score
  std::vector<tableint> through_;   // disallowed neighbours to look through
  size_t linkLines_;
  size_t vectorLines_;
  Heap candidates_;  // (-distance, id): nearest on top
  Heap top_;         // (distance, id): farthest kept on top
};

}  // namespace

Heap searchTwoHop(const Hnsw& graph, const RowDistance& distance, size_t ef, const AllowedRows* allowed) {
  if (graph.cur_element_count == 0) return Heap();
  Walk walk(graph, distance, ef, allowed);
  return walk.run(descend(graph, distance));
}

}  // namespace quiver
