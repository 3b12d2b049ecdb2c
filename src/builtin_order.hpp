#pragma once
// The service order of the built-in fire-distribution rules, inline: the
// built-in rule answers served_before with it, and the engine ranks a
// trial's threats with it directly when the model runs the built-in rule
// (no virtual call per comparison). Internal: not installed.

#include <samsim/fire_distribution.hpp>

namespace samsim::detail {

/// Class priority first (higher first), then under asset_value the higher
/// value of what the threat attacks, then the earlier arrival at its leak point.
inline bool builtin_served_before(priority_rule rule, const threat_view& a, const threat_view& b) noexcept {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (rule == priority_rule::asset_value && a.target_value != b.target_value) return a.target_value > b.target_value;
  return a.leak_time_s < b.leak_time_s;
}

}  // namespace samsim::detail
