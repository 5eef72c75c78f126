#include "parallel-build.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "errors.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace quiver {

void lowerThisThreadPriority(int niceDelta) {
#if defined(__linux__)
  if (niceDelta <= 0) return;
  // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value only.
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) return;
  setpriority(PRIO_PROCESS, tid, std::min(19, current + niceDelta));
#else
  (void)niceDelta;
#endif
}

void forEachRowInParallel(size_t first, size_t n, const ParallelBuildOptions& options, const std::atomic<bool>& cancel,
                          const std::function<void(size_t)>& insert) {
  const size_t end = first + n;
  std::atomic<size_t> next{first};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex errorLock;
  auto work = [&]() {
    lowerThisThreadPriority(options.niceDelta);
    try {
      for (;;) {
        if (cancel.load(std::memory_order_relaxed) || failed.load(std::memory_order_relaxed)) return;
        const size_t row = next.fetch_add(1, std::memory_order_relaxed);
        if (row >= end) return;
        insert(row);
      }
    } catch (...) {
      std::lock_guard<std::mutex> hold(errorLock);
      if (!error) error = std::current_exception();
      failed.store(true);
    }
  };
  // Threads of their own, not the caller (a libuv pool thread, which must keep its priority).
  const size_t threads = std::max<size_t>(1, std::min(options.threads, n));
  std::vector<std::thread> pool;
  pool.reserve(threads);
  try {
    for (size_t t = 0; t < threads; t++) pool.emplace_back(work);
  } catch (...) {
    failed.store(true);  // could not start a thread: stop those that did, then report
    for (std::thread& th : pool) th.join();
    throw;
  }
  for (std::thread& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  if (cancel.load()) throw CancelledError();
}

namespace {

void relabelList(hnswlib::linklistsizeint* list, const Hnsw& g, const std::vector<uint32_t>& idOf) {
  const unsigned short count = g.getListCount(list);
  hnswlib::tableint* ids = reinterpret_cast<hnswlib::tableint*>(list + 1);
  for (unsigned short j = 0; j < count; j++) ids[j] = idOf[ids[j]];
}

}  // namespace

void renumberByLabel(Hnsw& g, size_t first) {
  const size_t count = g.cur_element_count;
  std::vector<uint32_t> idOf(count);  // new id of each current id
  bool identity = true;
  for (size_t id = 0; id < count; id++) {
    const hnswlib::labeltype label = g.getExternalLabel(static_cast<hnswlib::tableint>(id));
    if (label >= count || (id < first && label != id) || (id >= first && label < first)) {
      throw std::runtime_error("parallel build: element " + std::to_string(id) + " has label " + std::to_string(label));
    }
    idOf[id] = static_cast<uint32_t>(label);
    identity = identity && label == id;
  }
  if (identity) return;
  for (size_t id = 0; id < count; id++) {
    const hnswlib::tableint t = static_cast<hnswlib::tableint>(id);
    relabelList(g.get_linklist0(t), g, idOf);
    for (int level = 1; level <= g.element_levels_[id]; level++) relabelList(g.get_linklist(t, level), g, idOf);
  }
  if (g.enterpoint_node_ != static_cast<hnswlib::tableint>(-1)) g.enterpoint_node_ = idOf[g.enterpoint_node_];
  // Move each element to its label's id: every swap puts one element in its final place.
  const size_t bytes = g.size_data_per_element_;
  std::vector<char> spare(bytes);
  for (size_t i = first; i < count; i++) {
    while (idOf[i] != i) {
      const size_t j = idOf[i];
      char* a = g.data_level0_memory_ + i * bytes;
      char* b = g.data_level0_memory_ + j * bytes;
      std::memcpy(spare.data(), a, bytes);
      std::memcpy(a, b, bytes);
      std::memcpy(b, spare.data(), bytes);
      std::swap(g.linkLists_[i], g.linkLists_[j]);
      std::swap(g.element_levels_[i], g.element_levels_[j]);
      std::swap(idOf[i], idOf[j]);
    }
  }
  for (size_t r = first; r < count; r++) g.label_lookup_[r] = static_cast<hnswlib::tableint>(r);
}

}  // namespace quiver
