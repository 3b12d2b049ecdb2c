#pragma once
/// \file event_queue.hpp
/// The discrete-event queue of a trial: a 4-ary min-heap on a reused vector.
///
/// Events come out by time, then by a small priority (lower first), then in
/// the order they were pushed. The last rule makes the order total, so a
/// timeline never depends on how the heap happens to break ties. The time is
/// stored as an order-preserving 64-bit integer and priority and push order
/// are packed into a second word, so (time, priority, order) compares as one
/// 128-bit integer; the pop picks the least child without branches, which
/// pays because event times arrive in no predictable order. A 4-ary heap is
/// half as deep as a binary one, and a trial pops every event it pushes.
///
/// Events known before the run starts (a trial's confirmations and leaks,
/// most of its events) can go to a sorted run instead (push_to_run, then
/// sort_run): the queue merges the run with the heap as it pops, in exactly
/// the order the heap alone would give, and the heap stays small. The run is
/// sorted by a merge sort without data-dependent branches (detail/merge_sort.hpp).

#include <samsim/detail/merge_sort.hpp>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace samsim {

template <class Payload>
class event_queue {
 public:
  /// Priorities must be below this.
  static constexpr unsigned max_priority = 256;

  struct entry {
    std::uint64_t time_key;  ///< the time's bits, mapped so that integer order is time order
    std::uint64_t order;     ///< priority << 56 | push sequence number
    Payload payload;

    double time_s() const noexcept { return key_time(time_key); }
    unsigned priority() const noexcept { return static_cast<unsigned>(order >> sequence_bits); }
  };

  /// Empties the queue and restarts the push sequence; keeps the memory.
  void clear() noexcept {
    heap_.clear();
    run_.clear();
    run_next_ = 0;
    sorted_ = true;
    sequence_ = 0;
  }
  bool empty() const noexcept { return heap_.empty() && run_next_ == run_.size(); }
  std::size_t size() const noexcept { return heap_.size() + (run_.size() - run_next_); }
  /// The next entry out. Precondition: not empty, and the run sorted.
  const entry& top() const noexcept {
    assert(!empty() && sorted_);
    return from_run() ? run_[run_next_] : heap_.front();
  }

  /// Queues an entry like push, into the sorted run. Call sort_run() after
  /// the last of a batch, before the next top() or pop().
  void push_to_run(double time_s, unsigned priority, const Payload& payload) {
    assert(priority < max_priority);
    assert(time_s == time_s && "event times must not be NaN");
    run_.push_back(entry{time_key(time_s), (static_cast<std::uint64_t>(priority) << sequence_bits) | sequence_++, payload});
    sorted_ = false;
  }
  /// Sorts the entries pushed to the run that are still to come out.
  void sort_run() {
    const std::size_t n = run_.size() - run_next_;
    if (scratch_.size() < n) scratch_.resize(n);
    if (counts_.size() < 2 * n + 2) counts_.resize(2 * n + 2);
    detail::time_bucket_sort(
        run_.data() + run_next_, n, scratch_.data(), counts_.data(), [](const entry& e) { return e.time_s(); },
        [](const entry& a, const entry& b) { return before(a, b); });
    sorted_ = true;
  }

  void push(double time_s, unsigned priority, const Payload& payload) {
    assert(priority < max_priority);
    assert(time_s == time_s && "event times must not be NaN");
    const entry e{time_key(time_s), (static_cast<std::uint64_t>(priority) << sequence_bits) | sequence_++, payload};
    heap_.push_back(e);
    // Sift the hole up from the new leaf.
    std::size_t hole = heap_.size() - 1;
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / arity;
      if (!before(e, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }

  /// Removes and returns the next entry. Precondition: not empty, and the run sorted.
  entry pop() {
    assert(!empty() && sorted_);
    if (from_run()) return run_[run_next_++];
    return pop_heap();
  }

  /// Pops the next entry into `out` if it is due at `time_s` (the time of an
  /// entry already popped): the loop over one instant's events, looking at
  /// the next entry once instead of at top() and again at pop().
  bool pop_at(double time_s, entry& out) {
    assert(sorted_);
    const std::uint64_t k = time_key(time_s);
    if (from_run()) {
      if (run_[run_next_].time_key != k) return false;
      out = run_[run_next_++];
      return true;
    }
    if (heap_.empty() || heap_.front().time_key != k) return false;
    out = pop_heap();
    return true;
  }

 private:
  static constexpr std::size_t arity = 4;
  static constexpr int sequence_bits = 56;

  __extension__ using key_t = unsigned __int128;

  entry pop_heap() {
    const entry out = heap_.front();
    const entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return out;
    // Sift the hole down from the root, the least child up each level, then drop `last` in.
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = arity * hole + 1;
      if (first >= n) break;
      // The least child, selected without branches (the comparisons are unpredictable).
      std::size_t best = first;
      key_t best_key = key(heap_[first]);
      const std::size_t end = first + arity < n ? first + arity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        const key_t k = key(heap_[c]);
        const bool less = k < best_key;
        best = less ? c : best;
        best_key = less ? k : best_key;
      }
      if (!(best_key < key(last))) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    return out;
  }
  /// (time, order) as one number: one compare, no branch.
  static key_t key(const entry& e) noexcept { return (static_cast<key_t>(e.time_key) << 64) | e.order; }
  static bool before(const entry& a, const entry& b) noexcept { return key(a) < key(b); }

  // Integer compares are cheaper than floating-point ones (no unordered case).
  // Times must not be NaN; -0 is the instant 0.
  static std::uint64_t time_key(double t_s) noexcept { return detail::ordered_bits(t_s); }
  static double key_time(std::uint64_t key) noexcept { return detail::from_ordered_bits(key); }

  /// Whether the next entry out is the run's.
  bool from_run() const noexcept {
    return run_next_ < run_.size() && (heap_.empty() || before(run_[run_next_], heap_.front()));
  }

  std::vector<entry> heap_;
  std::vector<entry> run_;  ///< sorted from run_next_ on (after sort_run)
  std::vector<entry> scratch_;  ///< sort_run's second buffer (kept, so a trial allocates nothing)
  std::vector<std::uint32_t> counts_;  ///< sort_run's bucket counts
  std::size_t run_next_ = 0;
  bool sorted_ = true;
  std::uint64_t sequence_ = 0;
};

}  // namespace samsim
