#pragma once
/// \file scenario.hpp
/// A complete scenario (battery, threat classes, raid, Monte Carlo settings)
/// and its JSON form. The JSON is validated once, at load: every error names
/// the file, the JSON pointer of the offending key and its value.

#include <samsim/battery.hpp>
#include <samsim/raid.hpp>
#include <samsim/threat.hpp>

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
  /// Stop early once the P(at least one leaker) interval half-width is at most this (0: off).
  double target_halfwidth = 0.0;
};

struct scenario {
  std::string name;
  std::string description;
  Eigen::Vector2d defended_asset_en_m = Eigen::Vector2d::Zero();
  battery_parameters battery;
  std::vector<threat_class> classes;
  std::vector<double> pk_by_class;  ///< single-shot Pk per class (same index as `classes`)
  raid_description raid;
  monte_carlo_settings monte_carlo;

  /// Index of the class called `name`, or -1.
  int class_index(const std::string& name) const;
};

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
