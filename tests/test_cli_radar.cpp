// Tests of `samsim pd`, `samsim snr` and `samsim horizon`: the built command line, run through popen.
#include "cli_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using cli_test::run_cli;
using cli_test::run_result;

double as_number(const run_result& r) {
  INFO("output: " << r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE(!r.output.empty());
  REQUIRE(r.output.back() == '\n');
  std::size_t used = 0;
  const double value = std::stod(r.output, &used);
  CHECK(used == r.output.size() - 1);  // a bare number and a newline
  return value;
}

/// `samsim ARGS` exits 2 with a message mentioning `mentions`.
void check_usage_error(const std::string& args, const std::string& mentions) {
  const run_result r = run_cli(args);
  INFO(args << " -> " << r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(mentions) != std::string::npos);
}

}  // namespace

TEST_CASE("samsim pd prints Pd as a bare number", "[cli]") {
  // Source: tests/data/VALIDATION.md: Swerling 0, N 1, Pfa 1e-3, 10 dB -> 0.81029237.
  CHECK(as_number(run_cli("pd --swerling 0 --snr-db 10 --pfa 1e-3 --pulses 1")) == Approx(0.81029237).margin(1e-6));
  // Source: tests/data/pd_reference.csv row 1,10,1e-06,10,0.791115.
  CHECK(as_number(run_cli("pd --swerling 1 --snr-db 10 --pfa 1e-6 --pulses 10")) == Approx(0.791115).margin(1e-6));
}

TEST_CASE("samsim snr prints the required SNR in dB by each method", "[cli]") {
  // Source: tests/data/VALIDATION.md.
  CHECK(as_number(run_cli("snr --swerling 0 --pd 0.9 --pfa 1e-6 --pulses 1")) == Approx(13.18).margin(0.01));
  CHECK(as_number(run_cli("snr --swerling 1 --pd 0.9 --pfa 1e-6 --pulses 1 --method exact")) ==
        Approx(21.14).margin(0.01));
  CHECK(as_number(run_cli("snr --swerling 0 --pd 0.5 --pfa 1e-6 --pulses 10 --method albersheim")) ==
        Approx(3.556291380845494).margin(1e-8));
  CHECK(as_number(run_cli("snr --swerling 0 --pd 0.5 --pfa 1e-6 --pulses 10 --method shnidman")) ==
        Approx(3.745346308014405).margin(1e-8));
}

TEST_CASE("samsim pd and snr reject bad arguments with exit code 2", "[cli]") {
  const auto bad = check_usage_error;
  bad("pd --swerling 1 --snr-db 3 --pfa 2", "--pfa 2");
  bad("pd --swerling 1 --snr-db 3 --pfa 0", "--pfa 0");
  bad("pd --swerling 7 --snr-db 3", "--swerling 7");
  bad("pd --swerling 1 --snr-db 3 --pulses 0", "--pulses 0");
  bad("snr --swerling 1 --pd 1.5", "--pd 1.5");
  bad("snr --swerling 1 --pd 0", "--pd 0");
  bad("snr --swerling 1 --pd 0.5 --method guess", "--method guess");
  bad("snr --swerling 1 --pd 0.5 --method albersheim", "albersheim");
  bad("pd --swerling 1", "--snr-db");  // missing option: CLI11 parse error, also exit 2
}

TEST_CASE("samsim horizon prints the 4/3-earth horizon in metres as a bare number", "[cli][horizon]") {
  // Formula (docs/model.md section 4): d = sqrt(2 Re ha) + sqrt(2 Re ht), Re = 4/3 x 6371 km.
  const double earth_radius_m = 6371e3;
  const double re_m = 4.0 / 3.0 * earth_radius_m;
  const auto horizon_m = [&](double ha_m, double ht_m) { return std::sqrt(2 * re_m * ha_m) + std::sqrt(2 * re_m * ht_m); };
  const double printed = as_number(run_cli("horizon --antenna-height-m 10 --target-height-m 30"));
  // Printed with 10 significant digits: relative error below 1e-9.
  CHECK(printed == Approx(horizon_m(10.0, 30.0)).epsilon(1e-9));
  // Source: tests/data/VALIDATION.md: antenna 10 m, target 30 m: 35.610 km (to the metre).
  CHECK(printed == Approx(35610.0).margin(0.5));
  CHECK(as_number(run_cli("horizon --antenna-height-m 0 --target-height-m 10000")) ==
        Approx(horizon_m(0.0, 10000.0)).epsilon(1e-9));
  CHECK(as_number(run_cli("horizon --target-height-m 0 --antenna-height-m 25.5")) ==
        Approx(horizon_m(25.5, 0.0)).epsilon(1e-9));
  CHECK(as_number(run_cli("horizon --antenna-height-m 0 --target-height-m 0")) == 0.0);
}

TEST_CASE("samsim horizon rejects bad heights with exit code 2 and a message", "[cli][horizon]") {
  const auto bad = check_usage_error;
  bad("horizon --antenna-height-m -1 --target-height-m 30", "--antenna-height-m -1");
  bad("horizon --antenna-height-m 10 --target-height-m -0.5", "--target-height-m -0.5");
  bad("horizon --antenna-height-m nan --target-height-m 30", "--antenna-height-m");
  bad("horizon --antenna-height-m 10 --target-height-m inf", "--target-height-m");
  bad("horizon --antenna-height-m ten --target-height-m 30", "--antenna-height-m");  // not a number
  bad("horizon --antenna-height-m 10", "--target-height-m");                          // missing
  bad("horizon --target-height-m 30", "--antenna-height-m");                          // missing
}
