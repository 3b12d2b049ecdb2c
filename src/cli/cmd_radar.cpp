// `samsim pd` and `samsim snr`: detection probability and required SNR for
// one Swerling case; `samsim horizon`: the 4/3-earth radar horizon. Each
// prints a bare number.
#include "command.hpp"

#include <samsim/detection.hpp>
#include <samsim/radar.hpp>
#include <samsim/units.hpp>

#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

struct detection_args {
  int swerling = 0;
  double pfa = 1e-6;
  int pulses = 1;
  double snr_db = 0.0;
  double pd = 0.9;
  std::string method = "exact";
};

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

samsim::swerling_case checked_common(const detection_args& a) {
  using samsim::cli::usage_error;
  if (a.swerling < 0 || a.swerling > 4)
    throw usage_error("--swerling " + std::to_string(a.swerling) + ": must be 0, 1, 2, 3 or 4");
  if (!(a.pfa > 0.0 && a.pfa < 1.0)) throw usage_error("--pfa " + number(a.pfa) + ": must be in (0, 1)");
  if (a.pulses < 1) throw usage_error("--pulses " + std::to_string(a.pulses) + ": must be >= 1");
  return static_cast<samsim::swerling_case>(a.swerling);
}

void add_common(CLI::App* sub, detection_args& a) {
  sub->add_option("--swerling", a.swerling, "Swerling case 0-4")->required();
  sub->add_option("--pfa", a.pfa, "False-alarm probability, in (0, 1)")->capture_default_str();
  sub->add_option("--pulses", a.pulses, "Pulses integrated noncoherently, >= 1")->capture_default_str();
}

void run_pd(const detection_args& a) {
  const samsim::swerling_case sw = checked_common(a);
  if (!std::isfinite(a.snr_db)) throw samsim::cli::usage_error("--snr-db " + number(a.snr_db) + ": must be finite");
  std::printf("%s\n", number(samsim::pd_exact(sw, samsim::units::db_to_linear(a.snr_db), a.pulses, a.pfa)).c_str());
}

void run_snr(const detection_args& a) {
  using samsim::cli::usage_error;
  const samsim::swerling_case sw = checked_common(a);
  if (!(a.pd > 0.0 && a.pd < 1.0)) throw usage_error("--pd " + number(a.pd) + ": must be in (0, 1)");
  double snr_db = 0.0;
  try {
    if (a.method == "exact") {
      snr_db = samsim::units::linear_to_db(samsim::snr_required(sw, a.pd, a.pulses, a.pfa));
    } else if (a.method == "albersheim") {
      if (sw != samsim::swerling_case::sw0)
        throw usage_error("--method albersheim applies only to --swerling 0 (nonfluctuating target)");
      snr_db = samsim::albersheim_snr_db(a.pd, a.pfa, a.pulses);
    } else if (a.method == "shnidman") {
      snr_db = samsim::shnidman_snr_db(sw, a.pd, a.pfa, a.pulses);
    } else {
      throw usage_error("--method " + a.method + ": must be exact, albersheim or shnidman");
    }
  } catch (const std::domain_error& e) {
    throw usage_error(std::string("--method ") + a.method + ": " + e.what());
  }
  std::printf("%s\n", number(snr_db).c_str());
}

struct horizon_args {
  double antenna_height_m = 0.0;
  double target_height_m = 0.0;
};

void check_height(const char* option, double height_m) {
  if (!(std::isfinite(height_m) && height_m >= 0.0))
    throw samsim::cli::usage_error(std::string(option) + " " + number(height_m) + ": must be a finite number >= 0");
}

void run_horizon(const horizon_args& a) {
  check_height("--antenna-height-m", a.antenna_height_m);
  check_height("--target-height-m", a.target_height_m);
  std::printf("%s\n", number(samsim::radar_horizon_m(a.antenna_height_m, a.target_height_m)).c_str());
}

const samsim::cli::registrar radar_reg{10, [](CLI::App& app) {
  auto args_pd = std::make_shared<detection_args>();
  auto* pd = app.add_subcommand("pd", "Detection probability for one Swerling case (prints Pd)");
  add_common(pd, *args_pd);
  pd->add_option("--snr-db", args_pd->snr_db, "Per-pulse SNR [dB]")->required();
  pd->callback([args_pd] { run_pd(*args_pd); });

  auto args_snr = std::make_shared<detection_args>();
  auto* snr = app.add_subcommand("snr", "Required single-pulse SNR for a Pd (prints SNR in dB)");
  add_common(snr, *args_snr);
  snr->add_option("--pd", args_snr->pd, "Detection probability, in (0, 1)")->required();
  snr->add_option("--method", args_snr->method, "exact, albersheim or shnidman")->capture_default_str();
  snr->callback([args_snr] { run_snr(*args_snr); });

  auto args_horizon = std::make_shared<horizon_args>();
  auto* horizon = app.add_subcommand("horizon", "4/3-earth radar horizon (prints the ground range in metres)");
  horizon->add_option("--antenna-height-m", args_horizon->antenna_height_m, "Antenna height [m], >= 0")->required();
  horizon->add_option("--target-height-m", args_horizon->target_height_m, "Target height [m], >= 0")->required();
  horizon->callback([args_horizon] { run_horizon(*args_horizon); });
}};

}  // namespace
