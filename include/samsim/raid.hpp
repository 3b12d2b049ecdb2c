#pragma once
/// \file raid.hpp
/// Raid descriptions (groups of threats with random parameters) and the
/// sampling of one raid per trial on the trial's raid stream.

#include <samsim/rng.hpp>
#include <samsim/threat.hpp>

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <vector>

namespace samsim {

/// A real-valued scenario input: a fixed number or a distribution.
/// Normal values are truncated to [lower_bound, upper_bound] (the valid range
/// of the quantity they feed); uniform values must lie inside it.
struct random_value {
  enum class kind { fixed, uniform, normal };
  kind type = kind::fixed;
  double a = 0.0;  ///< fixed value, uniform low, or normal mean
  double b = 0.0;  ///< uniform high, or normal sd
  double lower_bound = -1e300;
  double upper_bound = 1e300;

  static random_value fixed(double v) { return {kind::fixed, v, v}; }
  static random_value uniform(double lo, double hi) { return {kind::uniform, lo, hi}; }
  static random_value normal(double mean, double sd) { return {kind::normal, mean, sd}; }
  /// Sample from one uniform u in (0, 1); a fixed value ignores u.
  double sample(double u) const;
  bool is_random() const { return type != kind::fixed; }
};

/// A threat count: fixed, Poisson, or uniform integer.
struct random_count {
  enum class kind { fixed, poisson, uniform };
  kind type = kind::fixed;
  std::int64_t value = 0;  ///< fixed count, or uniform low
  std::int64_t high = 0;   ///< uniform high (inclusive)
  double mean = 0.0;       ///< Poisson mean

  static random_count fixed(std::int64_t n) { return {kind::fixed, n, n, 0.0}; }
  static random_count poisson(double m) { return {kind::poisson, 0, 0, m}; }
  static random_count uniform(std::int64_t lo, std::int64_t hi) { return {kind::uniform, lo, hi, 0.0}; }
  std::int64_t sample(double u) const;
  /// Largest count this can produce with non-negligible probability (for reserving memory).
  std::int64_t upper_hint() const;
};

/// What a raid group attacks: an asset or a battery of a defended-area
/// scenario, by index into the scenario's assets or batteries.
struct target_ref {
  enum class kind : std::uint8_t { asset, battery };
  kind type = kind::asset;
  int index = 0;
  friend bool operator==(const target_ref&, const target_ref&) = default;
};

/// One group of the raid: `count` threats of one class.
struct raid_group {
  int class_index = 0;
  random_count count;
  random_value launch_time_s;
  random_value bearing_deg;        ///< clockwise from north, seen from the aim point
  random_value start_range_m;      ///< ground distance from the aim point at launch
  std::optional<random_value> height_m;   ///< straight threats: overrides the class height
  std::optional<random_value> speed_mps;  ///< straight threats: overrides the class speed
  /// Where the threats aim: the defended asset unless the group names another
  /// point (format 1), or the position of `target` (set by the loader).
  Eigen::Vector2d aim_en_m = Eigen::Vector2d::Zero();
  target_ref target;  ///< what a leaker of this group counts against (default: the first asset)
};

/// Per-class defaults for quantities a group may override.
struct threat_class_defaults {
  random_value height_m;
  random_value speed_mps;
};

struct raid_description {
  std::vector<raid_group> groups;
  std::vector<threat_class_defaults> class_defaults;  ///< indexed like the scenario's classes
};

/// Samples one raid of trial `trial_index`: threats group by group, in group
/// order. Each group draws from its own sub-stream of stream_id::raid (see
/// sub_stream()), so a group's threats do not change when another group's
/// count does. Per threat the draws are launch time, bearing, range, height,
/// speed, one uniform each; fixed inputs consume their draw too, so making one
/// input random does not shift the others. Each threat_state records its
/// group's index (group_index). Clears and fills `out`.
void sample_raid(const raid_description& raid, std::uint64_t master_seed, std::uint64_t trial_index,
                 std::vector<threat_state>& out);

}  // namespace samsim
