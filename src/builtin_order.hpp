#pragma once
// The service order of the built-in fire-distribution rules, inline: the
// built-in rule answers served_before with it, and the engine ranks a
// trial's threats with it directly when the model runs the built-in rule
// (no virtual call per comparison). Internal: not installed.

#include <samsim/detail/merge_sort.hpp>
#include <samsim/fire_distribution.hpp>

#include <cstdint>

namespace samsim::detail {

/// Class priority first (higher first), then under asset_value the higher
/// value of what the threat attacks, then the earlier arrival at its leak point.
inline bool builtin_served_before(priority_rule rule, const threat_view& a, const threat_view& b) noexcept {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (rule == priority_rule::asset_value && a.target_value != b.target_value) return a.target_value > b.target_value;
  return a.leak_time_s < b.leak_time_s;
}

/// A threat's place in the built-in order as a key of three words, compared
/// lexicographically (rank_key_less): class priority (higher first), the
/// target's value under asset_value (higher first; 0 under earliest_arrival),
/// the leak time, then the threat's index, so that two threats never tie.
/// Keys in increasing order are the threats in the order of
/// builtin_served_before with ties by index. Values and times not NaN.
struct rank_key {
  std::uint64_t w0, w1, w2;
};
inline rank_key builtin_rank_key(priority_rule rule, const threat_view& v) noexcept {
  const std::uint64_t priority = ~(static_cast<std::uint32_t>(v.priority) ^ 0x8000'0000u) & 0xffff'ffffu;
  const std::uint64_t value = rule == priority_rule::asset_value ? ~ordered_bits(v.target_value) : 0;
  const std::uint64_t time = ordered_bits(v.leak_time_s);
  return {priority << 32 | value >> 32, value << 32 | time >> 32, time << 32 | static_cast<std::uint32_t>(v.index)};
}
/// Lexicographic order of rank keys, without branches.
inline bool rank_key_less(const rank_key& a, const rank_key& b) noexcept {
  return (a.w0 < b.w0) | ((a.w0 == b.w0) & ((a.w1 < b.w1) | ((a.w1 == b.w1) & (a.w2 < b.w2))));
}

}  // namespace samsim::detail
