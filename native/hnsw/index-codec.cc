#include "index-codec.h"

#include "errors.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace quiver {
namespace {

static_assert(sizeof(size_t) == 8, "the graph layout assumes a 64-bit size_t");
static_assert(sizeof(hnswlib::labeltype) == 8, "hnswlib labels are 8 bytes");
static_assert(sizeof(hnswlib::tableint) == 4, "hnswlib internal ids are 4 bytes");

using hnswlib::linklistsizeint;
using hnswlib::tableint;

constexpr int kLevelMax = 64;  // hnswlib levels are ~log_M(count); anything deeper is corruption

class Writer {
 public:
  explicit Writer(uint8_t* out) : p_(out) {}
  template <typename T>
  void put(const T& v) { bytes(&v, sizeof(T)); }
  void bytes(const void* src, size_t n) {
    if (n > 0) std::memcpy(p_, src, n);
    p_ += n;
  }

 private:
  uint8_t* p_;
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t size) : p_(p), left_(size) {}
  template <typename T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  const uint8_t* take(size_t n) {
    if (n > left_) throw CorruptError("corrupted index: bytes are truncated");
    const uint8_t* at = p_;
    p_ += n;
    left_ -= n;
    return at;
  }
  size_t left() const { return left_; }

 private:
  const uint8_t* p_;
  size_t left_;
};

struct Header {
  uint32_t magic, version, metric, dim;
  size_t count;
  int32_t maxLevel;
  uint32_t enterPoint;
  size_t maxM, maxM0, M;
  double mult;
  size_t efConstruction;
};

[[noreturn]] void corrupt(const std::string& what) { throw CorruptError("corrupted index: " + what); }

uint32_t metricCode(Metric m) { return m == Metric::L2 ? 0 : m == Metric::IP ? 1 : 2; }

size_t linksLevel0Bytes(size_t maxM0) { return maxM0 * sizeof(tableint) + sizeof(linklistsizeint); }
size_t linksPerLevelBytes(size_t maxM) { return maxM * sizeof(tableint) + sizeof(linklistsizeint); }

Header readHeader(Reader& in) {
  Header h;
  h.magic = in.get<uint32_t>();
  if (h.magic != kGraphMagic) {
    corrupt("not a Quiver HNSW graph of format " + std::to_string(kGraphFormatVersion) +
            " (files of format 1 held the vectors inside; such an index is rebuilt)");
  }
  h.version = in.get<uint32_t>();
  h.metric = in.get<uint32_t>();
  h.dim = in.get<uint32_t>();
  h.count = in.get<size_t>();
  h.maxLevel = in.get<int32_t>();
  h.enterPoint = in.get<uint32_t>();
  h.maxM = in.get<size_t>();
  h.maxM0 = in.get<size_t>();
  h.M = in.get<size_t>();
  h.mult = in.get<double>();
  h.efConstruction = in.get<size_t>();
  return h;
}

void checkHeader(const Header& h, Metric metric, size_t dim, size_t vectorRows, size_t bytesLeft) {
  if (h.version != kGraphFormatVersion) {
    corrupt("format version " + std::to_string(h.version) + ", expected " + std::to_string(kGraphFormatVersion));
  }
  if (h.metric != metricCode(metric)) corrupt("the graph was built for another metric");
  if (h.dim != dim) corrupt("the graph was built for dim " + std::to_string(h.dim) + ", not " + std::to_string(dim));
  if (h.M < 1 || h.maxM < 1 || h.maxM0 < 1 || h.maxM > 0xffff || h.maxM0 > 0xffff) corrupt("bad M");
  if (!(std::isfinite(h.mult) && h.mult > 0)) corrupt("bad level multiplier");
  if (h.count > static_cast<size_t>(std::numeric_limits<int32_t>::max())) corrupt("too many elements");
  if (h.count > bytesLeft / linksLevel0Bytes(h.maxM0)) corrupt("element count exceeds the bytes");
  if (h.count > vectorRows) {
    corrupt("the graph has " + std::to_string(h.count) + " rows, the vectors " + std::to_string(vectorRows));
  }
  if (h.count > 0 && (h.maxLevel < 0 || h.maxLevel > kLevelMax || h.enterPoint >= h.count)) corrupt("bad entry point");
}

const linklistsizeint* listAt(const uint8_t* p) { return reinterpret_cast<const linklistsizeint*>(p); }
size_t listCount(const linklistsizeint* list) { return *reinterpret_cast<const unsigned short*>(list); }

// Neighbour ids in range, each list within its capacity, and (upper levels) every neighbour present
// on that level, so a search never follows a link out of bounds.
void checkList(const linklistsizeint* list, size_t capacity, int level, const std::vector<int>& levels) {
  const size_t n = listCount(list);
  if (n > capacity) corrupt("neighbour list longer than its capacity");
  const tableint* ids = reinterpret_cast<const tableint*>(list + 1);
  for (size_t j = 0; j < n; j++) {
    tableint id;
    std::memcpy(&id, ids + j, sizeof(id));
    if (id >= levels.size() || levels[id] < level) corrupt("neighbour id out of range");
  }
}

struct Layout {
  const uint8_t* level0;  // count × linksLevel0Bytes
  std::vector<int> levels;
  std::vector<const uint8_t*> upper;  // upper-level links of each element (nullptr at level 0)
  const uint8_t* norms = nullptr;     // COSINE: count floats
  size_t deletedCount = 0;
};

Layout readLayout(Reader& in, const Header& h, bool withNorms) {
  Layout out;
  out.level0 = in.take(h.count * linksLevel0Bytes(h.maxM0));
  out.levels.assign(h.count, 0);
  out.upper.assign(h.count, nullptr);
  const size_t linksPerLevel = linksPerLevelBytes(h.maxM);
  for (size_t i = 0; i < h.count; i++) {
    const uint32_t size = in.get<uint32_t>();
    if (size % linksPerLevel != 0) corrupt("bad link list size");
    const size_t level = size / linksPerLevel;
    if (level > static_cast<size_t>(h.maxLevel)) corrupt("element above the top level");
    out.levels[i] = static_cast<int>(level);
    if (size > 0) out.upper[i] = in.take(size);
  }
  if (withNorms) out.norms = in.take(h.count * sizeof(float));
  if (in.left() != 0) corrupt("trailing bytes");
  if (h.count > 0 && out.levels[h.enterPoint] != h.maxLevel) corrupt("entry point is not on the top level");
  return out;
}

float normAt(const Layout& layout, size_t i) {
  float n;
  std::memcpy(&n, layout.norms + i * sizeof(float), sizeof(n));
  return n;
}

void checkGraph(const Header& h, Layout& layout) {
  const size_t linksPerLevel = linksPerLevelBytes(h.maxM);
  for (size_t i = 0; i < h.count; i++) {
    const uint8_t* links = layout.level0 + i * linksLevel0Bytes(h.maxM0);
    if ((links[2] & Hnsw::DELETE_MARK) != 0) layout.deletedCount++;
    checkList(listAt(links), h.maxM0, 0, layout.levels);
    for (int level = 1; level <= layout.levels[i]; level++) {
      const uint8_t* list = layout.upper[i] + static_cast<size_t>(level - 1) * linksPerLevel;
      checkList(listAt(list), h.maxM, level, layout.levels);
    }
    if (layout.norms != nullptr) {
      const float n = normAt(layout, i);
      if (!(std::isfinite(n) && n >= 0)) corrupt("bad inverse norm");
    }
  }
}

void* allocate(size_t bytes) {
  void* p = std::malloc(bytes == 0 ? 1 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// Fills an empty HierarchicalNSW as hnswlib's loadIndex does, from checked bytes; each element's
// slot points at its row of `vectors`.
void fillGraph(Hnsw& g, MetricSpace& space, const Header& h, const Layout& layout, const float* vectors) {
  const size_t capacity = h.count == 0 ? 1 : h.count;
  const size_t linksLevel0 = linksLevel0Bytes(h.maxM0);
  g.max_elements_ = capacity;
  g.M_ = h.M;
  g.maxM_ = h.maxM;
  g.maxM0_ = h.maxM0;
  g.ef_construction_ = h.efConstruction;
  g.ef_ = 10;
  g.mult_ = h.mult;
  g.revSize_ = 1.0 / h.mult;
  g.maxlevel_ = h.count == 0 ? -1 : h.maxLevel;
  g.enterpoint_node_ = h.count == 0 ? static_cast<tableint>(-1) : h.enterPoint;
  g.offsetLevel0_ = 0;
  g.size_links_level0_ = linksLevel0;
  g.offsetData_ = linksLevel0;
  g.data_size_ = space.get_data_size();
  g.label_offset_ = linksLevel0 + g.data_size_;
  g.size_data_per_element_ = g.label_offset_ + sizeof(hnswlib::labeltype);
  g.size_links_per_element_ = linksPerLevelBytes(h.maxM);
  g.fstdistfunc_ = space.get_dist_func();
  g.dist_func_param_ = space.get_dist_func_param();
  std::vector<std::mutex>(Hnsw::MAX_LABEL_OPERATION_LOCKS).swap(g.label_op_locks_);
  std::vector<std::mutex>(capacity).swap(g.link_list_locks_);
  g.visited_list_pool_.reset(new hnswlib::VisitedListPool(1, static_cast<int>(capacity)));
  g.element_levels_.assign(capacity, 0);
  g.data_level0_memory_ = static_cast<char*>(allocate(capacity * g.size_data_per_element_));
  const size_t dim = space.dim();
  for (size_t i = 0; i < h.count; i++) {
    char* element = g.data_level0_memory_ + i * g.size_data_per_element_;
    std::memcpy(element, layout.level0 + i * linksLevel0, linksLevel0);
    writeSlot(element + g.offsetData_, vectors + i * dim, space.hasNorms(), space.hasNorms() ? normAt(layout, i) : 0.0f);
    const hnswlib::labeltype label = i;
    std::memcpy(element + g.label_offset_, &label, sizeof(label));
  }
  g.linkLists_ = static_cast<char**>(allocate(sizeof(void*) * capacity));
  std::memset(g.linkLists_, 0, sizeof(void*) * capacity);
  g.cur_element_count = h.count;  // safe from here: clear() frees only lists whose level is set
  for (size_t i = 0; i < h.count; i++) {
    if (layout.levels[i] == 0) continue;
    const size_t bytes = g.size_links_per_element_ * static_cast<size_t>(layout.levels[i]);
    g.linkLists_[i] = static_cast<char*>(allocate(bytes));
    std::memcpy(g.linkLists_[i], layout.upper[i], bytes);
    g.element_levels_[i] = layout.levels[i];
  }
  g.num_deleted_ = layout.deletedCount;
}

size_t upperLinkBytes(const Hnsw& g, size_t i) {
  const int level = g.element_levels_[i];
  return level > 0 ? g.size_links_per_element_ * static_cast<size_t>(level) : 0;
}

}  // namespace

size_t encodedSize(const HnswCore& core) {
  const Hnsw& g = core.graph();
  const size_t count = g.cur_element_count;
  size_t size = kGraphHeaderBytes + count * (g.size_links_level0_ + sizeof(uint32_t));
  for (size_t i = 0; i < count; i++) size += upperLinkBytes(g, i);
  if (core.space().hasNorms()) size += count * sizeof(float);
  return size;
}

void encodeGraph(const HnswCore& core, uint8_t* out) {
  const Hnsw& g = core.graph();
  Writer w(out);
  const size_t count = g.cur_element_count;
  w.put(kGraphMagic);
  w.put(kGraphFormatVersion);
  w.put(metricCode(core.metric()));
  w.put(static_cast<uint32_t>(core.dim()));
  w.put(count);
  w.put(static_cast<int32_t>(g.maxlevel_));
  w.put(static_cast<uint32_t>(g.enterpoint_node_));
  w.put(g.maxM_);
  w.put(g.maxM0_);
  w.put(g.M_);
  w.put(g.mult_);
  w.put(g.ef_construction_);
  for (size_t i = 0; i < count; i++) w.bytes(g.data_level0_memory_ + i * g.size_data_per_element_, g.size_links_level0_);
  for (size_t i = 0; i < count; i++) {
    const uint32_t size = static_cast<uint32_t>(upperLinkBytes(g, i));
    w.put(size);
    if (size > 0) w.bytes(g.linkLists_[i], size);
  }
  if (!core.space().hasNorms()) return;
  for (size_t i = 0; i < count; i++) w.put(core.inverseNorms()[i]);
}

std::unique_ptr<HnswCore> decodeGraph(const uint8_t* bytes, size_t size, Metric metric, size_t dim, const float* vectors,
                                      size_t vectorRows) {
  Reader in(bytes, size);
  const Header header = readHeader(in);
  checkHeader(header, metric, dim, vectorRows, in.left());
  std::unique_ptr<MetricSpace> space(new MetricSpace(metric, dim, bestKernels()));
  Layout layout = readLayout(in, header, space->hasNorms());
  checkGraph(header, layout);
  std::unique_ptr<Hnsw> graph(new Hnsw(space.get()));
  fillGraph(*graph, *space, header, layout, vectors);
  std::vector<float> inverseNorms(layout.norms == nullptr ? 0 : header.count);
  for (size_t i = 0; i < inverseNorms.size(); i++) inverseNorms[i] = normAt(layout, i);
  return std::unique_ptr<HnswCore>(
      new HnswCore(std::move(space), std::move(graph), vectors, vectorRows, std::move(inverseNorms)));
}

}  // namespace quiver
