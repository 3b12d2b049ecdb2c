#pragma once
/// \file rng.hpp
/// Counter-based random streams on Random123's Philox4x32-10.
///
/// Every draw is a pure function of (master seed, stream, trial, draw index):
///   key     = (seed bits 0-31, stream id)
///   counter = (block index, trial bits 0-31, trial bits 32-63, seed bits 32-63)
/// where one block of the generator yields four 32-bit words. Because no state
/// is shared between trials or streams, a trial's draws do not depend on which
/// thread runs it, in which order trials run, or what other streams consumed.

#include <Random123/philox.h>

#include <cstdint>

namespace samsim {

/// Named streams: each model draws from its own, so adding a draw in one model
/// does not shift the numbers another model sees (common random numbers).
enum class stream_id : std::uint32_t {
  raid = 1,        ///< raid composition and per-threat parameters
  scan_phase = 2,  ///< radar scan phase per trial
  detection = 3,   ///< look-by-look detection draws
  tracking = 4,    ///< track-related draws (track error models)
  endgame = 5,     ///< kill or miss of each interceptor
  rare_event = 6,  ///< importance sampling: which threat a trial biases (rare_event.hpp)
  user = 1000,     ///< first id free for embedding programs
  /// Detection draws of battery b >= 1 of a defended area use id
  /// battery_detection + b (battery 0 uses `detection`, as a one-battery
  /// scenario does): battery_detection_stream().
  battery_detection = 2048,
};

/// Stream number of the `index`-th sub-stream of a named stream (for example
/// the detection draws of threat `index`): id in the top 12 bits, index in the
/// low 20, so every (stream, index) pair with index < 2^20 is distinct.
inline constexpr std::uint32_t max_sub_streams = std::uint32_t{1} << 20;
constexpr std::uint32_t sub_stream(stream_id id, std::uint32_t index) {
  return (static_cast<std::uint32_t>(id) << 20) | (index & 0xfffffu);
}

/// The least and the greatest value random_stream::uniform() returns: bounds
/// of every inverse-CDF draw (the loader uses them for the most extreme raid
/// a scenario can draw).
inline constexpr double min_stream_uniform = 0x1p-54;
inline constexpr double max_stream_uniform = 1.0 - 0x1p-53;

/// Largest number of batteries whose detection streams are distinct.
inline constexpr std::uint32_t max_batteries = 4096 - static_cast<std::uint32_t>(stream_id::battery_detection);

/// Stream of the detection draws of battery `battery` (>= 1) at threat `threat`.
constexpr std::uint32_t battery_detection_stream(std::uint32_t battery, std::uint32_t threat) {
  return ((static_cast<std::uint32_t>(stream_id::battery_detection) + battery) << 20) | (threat & 0xfffffu);
}

/// A stream of random numbers for one (seed, stream, trial).
class random_stream {
 public:
  using philox = r123::Philox4x32_R<10>;

  random_stream(std::uint64_t master_seed, stream_id stream, std::uint64_t trial_index)
      : random_stream(master_seed, static_cast<std::uint32_t>(stream), trial_index) {}

  random_stream(std::uint64_t master_seed, std::uint32_t stream, std::uint64_t trial_index) {
    key_ = {{static_cast<std::uint32_t>(master_seed), stream}};
    counter_ = {{0u, static_cast<std::uint32_t>(trial_index),
                 static_cast<std::uint32_t>(trial_index >> 32),
                 static_cast<std::uint32_t>(master_seed >> 32)}};
  }

  /// Next raw 32-bit word.
  std::uint32_t next_u32() {
    if (word_ == 4) refill();
    return block_[word_++];
  }

  /// Next raw 64-bit word (two 32-bit words, first one high).
  std::uint64_t next_u64() {
    if (word_ == 4) refill();
    if (word_ != 3) [[likely]] {  // both words in this block: read together, the index updated once
      const std::uint64_t hi = block_.v[word_], lo = block_.v[word_ + 1];
      word_ += 2;
      return (hi << 32) | lo;
    }
    const std::uint64_t hi = next_u32();
    const std::uint64_t lo = next_u32();
    return (hi << 32) | lo;
  }

  /// Uniform double in the open interval (0, 1) with 53 random bits:
  /// k 2^-53 for k uniform in [0, 2^53), with k = 0 mapped to 2^-54. Every
  /// value is exact; the largest is 1 - 2^-53 (k + 0.5 would round to 1).
  double uniform() {
    const std::uint64_t k = next_u64() >> 11;
    return k == 0 ? min_stream_uniform : static_cast<double>(k) * 0x1p-53;
  }

  /// Number of 32-bit words consumed so far.
  std::uint64_t words_used() const { return static_cast<std::uint64_t>(counter_.v[0]) * 4 - (4 - word_); }

  /// Skip ahead so that the next word is word number `index` of this stream.
  void seek_word(std::uint64_t index) {
    counter_.v[0] = static_cast<std::uint32_t>(index / 4);
    word_ = 4;
    const unsigned within = static_cast<unsigned>(index % 4);
    if (within != 0) {
      refill();
      word_ = within;
    }
  }

 private:
  [[gnu::always_inline]] void refill() {
    const philox::ctr_type out = philox{}(counter_, key_);
    block_ = out;
    ++counter_.v[0];
    word_ = 0;
  }

  philox::key_type key_{};
  philox::ctr_type counter_{};
  philox::ctr_type block_{};
  unsigned word_ = 4;
};

}  // namespace samsim
