#include "hnsw-core.h"

#include "errors.h"
#include "inline-build.h"
#include "parallel-build.h"
#include "two-hop-search.h"

#include <algorithm>
#include <queue>
#include <stdexcept>
#include <utility>

#if defined(_MSC_VER)
#include <intrin.h>
#endif

namespace quiver {

HnswCore::HnswCore(Metric metric, size_t dim, const BuildParams& params, const float* vectors, size_t vectorRows)
    : space_(new MetricSpace(metric, dim, bestKernels())), vectors_(vectors), vectorRows_(vectorRows), seed_(params.seed) {
  graph_.reset(new Hnsw(space_.get(), params.maxElements, params.M, params.efConstruction, params.seed));
}

HnswCore::HnswCore(std::unique_ptr<MetricSpace> space, std::unique_ptr<Hnsw> graph, const float* vectors,
                   size_t vectorRows, std::vector<float> inverseNorms)
    : space_(std::move(space)),
      graph_(std::move(graph)),
      vectors_(vectors),
      vectorRows_(vectorRows),
      inverseNorms_(std::move(inverseNorms)) {}

void HnswCore::checkAppend(size_t firstRow, size_t n) const {
  if (firstRow != count()) throw ArgError("rows must be appended in order: firstRow must equal the count");
  if (n > maxElements() - count()) throw ArgError("the index is full: count + n exceeds maxElements");
  if (firstRow + n > vectorRows_) throw ArgError("rows past the end of the vectors: firstRow + count exceeds their rows");
}

void HnswCore::addRowsParallel(size_t firstRow, size_t n, size_t threads, int niceDelta, const std::atomic<bool>& cancel) {
  checkAppend(firstRow, n);
  if (space_->hasNorms()) inverseNorms_.resize(firstRow + n);
  const bool norms = space_->hasNorms();
  auto insert = [&](size_t row) {
    unsigned char slot[kCosineSlotBytes];
    space_->fillSlot(slot, rowVector(row));  // hnswlib copies the slot into the element
    if (norms) inverseNorms_[row] = slotInverseNorm(slot);
    graph_->addPoint(slot, row);
  };
  if (firstRow == 0) {
    buildThroughInlineCopies(*graph_, *space_, vectors_, n, seed_, ParallelBuildOptions{threads, niceDelta}, cancel, inverseNorms_);
    return;
  }
  size_t first = firstRow;
  forEachRowInParallel(first, firstRow + n - first, ParallelBuildOptions{threads, niceDelta}, cancel, insert);
  renumberByLabel(*graph_, firstRow);
}

void HnswCore::addRows(size_t firstRow, size_t n) {
  checkAppend(firstRow, n);
  unsigned char slot[kCosineSlotBytes];
  if (space_->hasNorms()) inverseNorms_.reserve(firstRow + n);
  for (size_t i = 0; i < n; i++) {
    const float* v = rowVector(firstRow + i);
    space_->fillSlot(slot, v);  // hnswlib copies the slot into the row's element
    if (space_->hasNorms()) inverseNorms_.push_back(slotInverseNorm(slot));
    graph_->addPoint(slot, firstRow + i);
  }
}

const void* HnswCore::querySlot(const float* query) {
  space_->fillSlot(querySlot_, query);
  return querySlot_;
}

size_t HnswCore::searchKnn(const float* query, size_t k, size_t ef, const AllowedRows* allowed, FilterWalk walk,
                           float* scores, int32_t* rows) {
  if (k == 0 || count() == 0) return 0;
  if (walk == FilterWalk::TwoHop) {
    const RowDistance distance = space_->rowDistance(query, vectors_, inverseNorms_.data());
    std::priority_queue<std::pair<float, hnswlib::tableint>> found = searchTwoHop(*graph_, distance, std::max(ef, k), allowed);
    while (found.size() > k) found.pop();
    return drain(found, scores, rows);  // internal id = row
  }
  const void* q = querySlot(query);
  graph_->setEf(ef);
  std::priority_queue<std::pair<float, hnswlib::labeltype>> found;
  if (allowed == nullptr) {
    found = graph_->searchKnn(q, k);
  } else {
    AllowedRowsFilter filter(*allowed);
    found = graph_->searchKnn(q, k, &filter);
  }
  return drain(found, scores, rows);
}

template <typename Id>
size_t HnswCore::drain(std::priority_queue<std::pair<float, Id>>& found, float* scores, int32_t* rows) const {
  const size_t n = found.size();
  for (size_t i = n; i-- > 0;) {  // the queue pops the farthest first
    scores[i] = space_->toScore(found.top().first);
    rows[i] = static_cast<int32_t>(found.top().second);
    found.pop();
  }
  return n;
}

namespace {

inline void prefetchLine(const char* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 3);
#else
  (void)p;
#endif
}

inline unsigned lowestBit(uint32_t bits) {
#if defined(_MSC_VER)
  unsigned long i;
  _BitScanForward(&i, bits);
  return static_cast<unsigned>(i);
#else
  return static_cast<unsigned>(__builtin_ctz(bits));
#endif
}

constexpr size_t kScanBatchRows = 256;
constexpr size_t kPrefetchRowsAhead = 4;
constexpr size_t kPrefetchLinesMax = 16;  // 1 KiB of a vector

}  // namespace

// Rows are read by number (row r at vectors + r·dim), their vectors prefetched a few rows ahead.
void HnswCore::scoreRows(const RowDistance& distance, const uint32_t* batch, size_t count, NearestK& nearest) const {
  const size_t lines = std::min(kPrefetchLinesMax, (space_->dim() * sizeof(float) + 63) / 64);
  for (size_t i = 0; i < count; i++) {
    if (i + kPrefetchRowsAhead < count) {
      const char* v = reinterpret_cast<const char*>(rowVector(batch[i + kPrefetchRowsAhead]));
      for (size_t l = 0; l < lines; l++) prefetchLine(v + l * 64);
    }
    nearest.offer(distance(batch[i]), batch[i]);
  }
}

size_t HnswCore::searchExact(const float* query, size_t k, const AllowedRows* allowed, float* scores,
                             int32_t* rows) {
  if (k == 0 || count() == 0) return 0;
  const RowDistance distance = space_->rowDistance(query, vectors_, inverseNorms_.data());
  const size_t n = count();
  NearestK nearest(k);
  if (allowed == nullptr) {
    for (size_t r = 0; r < n; r++) nearest.offer(distance(r), static_cast<uint32_t>(r));
  } else {
    // Allowed rows are gathered a batch at a time, then scored with the vectors a few rows ahead
    // prefetched: sparse rows defeat the hardware prefetcher (measured 2-3x slower without).
    uint32_t batch[kScanBatchRows];
    size_t filled = 0;
    const size_t words = std::min(allowed->wordCount, (n + 31) >> 5);
    for (size_t w = 0; w < words; w++) {
      for (uint32_t bits = allowed->words[w]; bits != 0; bits &= bits - 1) {
        const size_t r = (w << 5) + lowestBit(bits);
        if (r >= n) break;
        batch[filled++] = static_cast<uint32_t>(r);
        if (filled == kScanBatchRows) {
          scoreRows(distance, batch, filled, nearest);
          filled = 0;
        }
      }
    }
    scoreRows(distance, batch, filled, nearest);
  }
  return drain(nearest.heap(), scores, rows);
}

size_t HnswCore::memoryBytes() const {
  const Hnsw& g = *graph_;
  size_t bytes = g.max_elements_ * (g.size_data_per_element_ + sizeof(void*) + sizeof(int) + sizeof(std::mutex));
  bytes += inverseNorms_.capacity() * sizeof(float);
  for (size_t i = 0; i < g.cur_element_count; i++) {
    if (g.element_levels_[i] > 0) bytes += g.size_links_per_element_ * static_cast<size_t>(g.element_levels_[i]);
  }
  return bytes;
}

}  // namespace quiver
