#pragma once
// Internal to the library: runs chunks of trials on a pool of threads and
// hands their tallies to the caller in chunk order, whatever thread finished
// first. The plain Monte Carlo (monte_carlo.cpp) and the importance-sampling
// run (rare_event.cpp) both merge through it, so both are bit-identical for
// any thread count in the same way.

#include <samsim/engagement.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace samsim::detail {

/// `requested` threads, or every hardware thread for 0.
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

/// Runs chunks [first, first + count) on `threads` workers, each with its own
/// trial_workspace: run_chunk(chunk, workspace) returns a chunk's tally.
/// `consume` is called on the calling thread with each tally in chunk order
/// and returns false to stop. Workers run at most a bounded window ahead of
/// the merge, so memory stays flat in the number of trials. An exception in
/// a worker stops the run and is rethrown here.
template <class Tally, class RunChunk, class Consume>
void run_ordered_chunks(std::uint64_t first, std::uint64_t count, int threads, RunChunk&& run_chunk,
                        Consume&& consume) {
  if (threads <= 1 || count <= 1) {
    trial_workspace ws;
    for (std::uint64_t c = first; c < first + count; ++c) {
      if (!consume(run_chunk(c, ws))) return;
    }
    return;
  }
  const std::uint64_t window = 4 * static_cast<std::uint64_t>(threads);
  std::mutex mutex;
  std::condition_variable cv;
  std::map<std::uint64_t, Tally> done;
  std::uint64_t next_chunk = first;
  std::uint64_t next_merge = first;
  bool stop = false;
  std::exception_ptr failure;

  auto worker = [&] {
    trial_workspace ws;
    for (;;) {
      std::uint64_t c;
      {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return stop || next_chunk >= first + count || next_chunk < next_merge + window; });
        if (stop || next_chunk >= first + count) return;
        c = next_chunk++;
      }
      try {
        Tally t = run_chunk(c, ws);
        std::lock_guard lock(mutex);
        done.emplace(c, std::move(t));
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int k = 0; k < threads; ++k) pool.emplace_back(worker);

  {
    std::unique_lock lock(mutex);
    while (!stop && next_merge < first + count) {
      cv.wait(lock, [&] { return stop || done.count(next_merge) > 0; });
      if (stop) break;
      Tally t = std::move(done.at(next_merge));
      done.erase(next_merge);
      ++next_merge;
      lock.unlock();
      cv.notify_all();
      const bool go_on = consume(std::move(t));
      lock.lock();
      if (!go_on) stop = true;
    }
    stop = true;
  }
  cv.notify_all();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace samsim::detail
