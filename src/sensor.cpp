#include <samsim/sensor.hpp>

namespace samsim {

sensor_model::sensor_model(const radar_parameters& radar, const Eigen::Vector2d& position_en_m,
                           const std::vector<threat_class>& classes, std::vector<pd_table>& tables)
    : radar_(radar),
      coverage_(radar),
      antenna_enu_m_(position_en_m.x(), position_en_m.y(), radar.antenna_height_m),
      site_enu_m_(position_en_m.x(), position_en_m.y(), 0.0) {
  const double c_m4_per_m2 = radar_snr_constant(radar);
  for (const threat_class& cls : classes) {
    class_data d;
    d.snr_per_r4 = c_m4_per_m2 * cls.rcs_m2;
    auto it = std::find_if(tables.begin(), tables.end(), [&](const pd_table& t) {
      return t.swerling() == cls.swerling && t.pulses() == radar.pulses_integrated && t.pfa() == radar.pfa;
    });
    if (it == tables.end()) {
      tables.emplace_back(cls.swerling, radar.pulses_integrated, radar.pfa);
      it = tables.end() - 1;
    }
    d.pd_table_index = static_cast<int>(it - tables.begin());
    classes_.push_back(d);
  }
}

}  // namespace samsim
