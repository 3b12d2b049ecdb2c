#include <samsim/raid.hpp>
#include <samsim/sampling.hpp>
#include <samsim/units.hpp>

#include <algorithm>
#include <cmath>

namespace samsim {

double random_value::sample(double u) const {
  switch (type) {
    case kind::fixed:
      return a;
    case kind::uniform:
      return sampling::uniform(u, a, b);
    case kind::normal:
      return sampling::truncated_normal(u, a, b, lower_bound, upper_bound);
  }
  return a;
}

std::int64_t random_count::sample(double u) const {
  switch (type) {
    case kind::fixed:
      return value;
    case kind::poisson:
      return sampling::poisson(u, mean);
    case kind::uniform:
      return sampling::uniform_int(u, value, high);
  }
  return value;
}

std::int64_t random_count::upper_hint() const {
  switch (type) {
    case kind::fixed:
      return value;
    case kind::poisson:  // mean + 6 sd covers all but ~1e-9 of the mass
      return static_cast<std::int64_t>(std::ceil(mean + 6.0 * std::sqrt(mean) + 6.0));
    case kind::uniform:
      return high;
  }
  return value;
}

void sample_raid(const raid_description& raid, std::uint64_t master_seed, std::uint64_t trial_index,
                 std::vector<threat_state>& out) {
  out.clear();
  for (std::size_t g = 0; g < raid.groups.size(); ++g) {
    const raid_group& group = raid.groups[g];
    random_stream stream(master_seed, sub_stream(stream_id::raid, static_cast<std::uint32_t>(g)), trial_index);
    const std::int64_t count = group.count.sample(stream.uniform());
    const threat_class_defaults& defaults = raid.class_defaults[static_cast<std::size_t>(group.class_index)];
    const random_value& height = group.height_m ? *group.height_m : defaults.height_m;
    const random_value& speed = group.speed_mps ? *group.speed_mps : defaults.speed_mps;
    for (std::int64_t i = 0; i < count; ++i) {
      threat_state t;
      t.class_index = group.class_index;
      t.group_index = static_cast<int>(g);
      t.launch_time_s = group.launch_time_s.sample(stream.uniform());
      const double bearing_rad = units::deg_to_rad(group.bearing_deg.sample(stream.uniform()));
      const double range_m = group.start_range_m.sample(stream.uniform());
      t.height_m = height.sample(stream.uniform());
      t.speed_mps = speed.sample(stream.uniform());
      t.aim_en_m = group.aim_en_m;
      // Bearing clockwise from north, seen from the aim point: east = sin, north = cos.
      t.start_en_m = group.aim_en_m + range_m * Eigen::Vector2d(std::sin(bearing_rad), std::cos(bearing_rad));
      out.push_back(t);
    }
  }
}

}  // namespace samsim
