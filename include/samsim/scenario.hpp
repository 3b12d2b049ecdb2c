#pragma once
/// \file scenario.hpp
/// A complete scenario (battery, threat classes, raid, Monte Carlo settings)
/// and its JSON form. The JSON is validated once, at load: every error names
/// the file, the JSON pointer of the offending key and its value.
///
/// Two file formats (docs/scenario.md): format 1 has one battery, one
/// interceptor and one defended asset (the fields `defended_asset_en_m`,
/// `battery`, `pk_by_class`); format 2, the defended area, has several assets,
/// interceptor types and batteries (`assets`, `interceptors`, `batteries`,
/// `network`, `fire_distribution`). expand_to_defended_area() writes a format 1
/// scenario in the format 2 fields, so one engine can read both.

#include <samsim/asset.hpp>
#include <samsim/battery.hpp>
#include <samsim/fire_distribution.hpp>
#include <samsim/interceptor_type.hpp>
#include <samsim/raid.hpp>
#include <samsim/threat.hpp>
#include <samsim/track_picture.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace samsim {

struct monte_carlo_settings {
  std::uint64_t trials = 1000;
  std::uint64_t seed = 1;
  double confidence = 0.95;
  /// Stop early once the P(at least one leaker) interval half-width is at most this (0: off; a
  /// scenario file turns it off by leaving out `target_halfwidth`, which must be in (0, 0.5)).
  double target_halfwidth = 0.0;
};

struct scenario {
  int format = 1;  ///< the file format it was read from: 1 (one battery) or 2 (defended area)
  std::string name;
  std::string description;

  // Format 1 (one battery). For a format 2 scenario `defended_asset_en_m` is
  // the first asset's position, `battery` is default-constructed and
  // `pk_by_class` is empty: nothing reads them there.
  Eigen::Vector2d defended_asset_en_m = Eigen::Vector2d::Zero();
  battery_parameters battery;
  std::vector<double> pk_by_class;  ///< single-shot Pk per class (same index as `classes`)

  // Format 2 (defended area); filled for format 1 by expand_to_defended_area().
  std::vector<asset> assets;
  std::vector<interceptor_type> interceptors;  ///< in name order (like classes)
  std::vector<battery_site> batteries;         ///< in file order
  network_parameters network;
  fire_distribution_settings fire_distribution;

  std::vector<threat_class> classes;
  raid_description raid;
  monte_carlo_settings monte_carlo;

  /// Index of the class called `name`, or -1.
  int class_index(const std::string& name) const;
  /// Index of the asset, interceptor type or battery called `name`, or -1.
  int asset_index(const std::string& name) const;
  int interceptor_index(const std::string& name) const;
  int battery_index(const std::string& name) const;
};

/// Runaway-input limit: the most radar looks one threat may need from one
/// radar (its flight from launch to leak over the radar's scan period).
inline constexpr double max_looks_per_threat = 1e6;

/// When `sc.batteries` is empty (a format 1 scenario, or one built in code the
/// format 1 way), fills the format 2 fields from the format 1 ones: one asset
/// "asset" at defended_asset_en_m with value 1; one interceptor type
/// "interceptor" (three_dof) from battery.interceptor, envelope, pk_default,
/// pk_by_class and kill, cost 0; one battery "battery" at battery.position_en_m,
/// ready at 0, value 1, with the battery's radar, fire control and doctrine and
/// one launcher group of type 0; no network; default fire distribution; every
/// raid group targets asset 0 (aim points are left as they are). The format 1
/// fields and `format` are kept. A scenario with batteries is left untouched.
void expand_to_defended_area(scenario& sc);

/// A scenario that failed validation: where (file, JSON pointer), what value, why.
class scenario_error : public std::runtime_error {
 public:
  scenario_error(std::string source, std::string json_pointer, std::string value, std::string reason);
  const std::string& source() const { return source_; }
  const std::string& json_pointer() const { return pointer_; }
  const std::string& value() const { return value_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string source_, pointer_, value_, reason_;
};

/// Parses and validates a scenario document. `source` names it in errors (a file path or "<memory>").
scenario parse_scenario(const nlohmann::json& document, const std::string& source = "<memory>");
/// Parses scenario text (JSON); syntax errors become scenario_error too.
scenario parse_scenario_text(const std::string& text, const std::string& source = "<memory>");
/// Reads, parses and validates a scenario file.
scenario load_scenario(const std::filesystem::path& path);
/// Reads a scenario file into JSON (syntax-checked only), for tools that edit it before parsing (sweeps).
nlohmann::json read_scenario_json(const std::filesystem::path& path);

/// Validates a scenario built in code (the same checks as parse_scenario); throws std::invalid_argument.
void validate(const scenario& sc);

}  // namespace samsim
