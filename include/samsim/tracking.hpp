#pragma once
/// \file tracking.hpp
/// M-of-N track confirmation and the pool of track slots.
///
/// Only looks at which the target was in coverage count: the caller skips
/// looks while the target is hidden (they neither count nor break the window).

#include <cstdint>

namespace samsim {

/// Sliding window over the last n in-coverage looks (a 64-bit mask, n <= 64).
/// A track is confirmed at the look that brings the detections in the window
/// to m, then stays confirmed until reset().
class m_of_n_window {
 public:
  /// Throws std::invalid_argument unless 1 <= m <= n <= 64.
  m_of_n_window(int m, int n);

  /// Records one in-coverage look; true only for the look that confirms.
  bool record_look(bool detected) noexcept {
    if (confirmed_) return false;
    // The detection count is kept as looks enter and leave the window (no
    // popcount: without -mpopcnt it is a library call).
    const int leaving = static_cast<int>((history_ >> (n_ - 1)) & 1u);
    const int entering = detected ? 1 : 0;
    history_ = ((history_ << 1) | static_cast<std::uint64_t>(entering)) & mask_;
    count_ += entering - leaving;
    confirmed_ = count_ >= m_;
    return confirmed_;
  }

  bool confirmed() const noexcept { return confirmed_; }
  /// Forgets every look (track dropped).
  void reset() noexcept {
    history_ = 0;
    count_ = 0;
    confirmed_ = false;
  }
  int m() const noexcept { return m_; }
  int n() const noexcept { return n_; }

 private:
  int m_;
  int n_;
  std::uint64_t mask_;
  std::uint64_t history_ = 0;
  int count_ = 0;  ///< detections in history_
  bool confirmed_ = false;
};

/// P(confirmed within the first `looks` in-coverage looks) when every look
/// detects independently with probability pd: exact, by a Markov chain over
/// the last n - 1 looks (states with fewer than m detections). The state
/// count is sum_{k<m} C(n-1, k); throws std::length_error above 2^20 states,
/// std::invalid_argument for bad m, n, pd or looks < 0.
double confirmation_probability(int m, int n, double pd, int looks);

/// A fixed number of track slots. Not thread-safe (one per trial).
class track_slots {
 public:
  /// Throws std::invalid_argument if capacity < 0.
  explicit track_slots(int capacity);
  /// Takes a slot if one is free.
  bool try_acquire() noexcept {
    if (in_use_ >= capacity_) return false;
    ++in_use_;
    return true;
  }
  /// Frees a slot. Throws std::logic_error if none is in use.
  void release();
  int in_use() const noexcept { return in_use_; }
  int capacity() const noexcept { return capacity_; }

 private:
  int capacity_;
  int in_use_ = 0;
};

}  // namespace samsim
