// `samsim envelope`: the interceptor's kinematic envelope from the scenario's
// flyout table: per height, the least and largest reachable ground range and
// the time of flight and arrival speed at the largest (table, CSV, SVG).

#include "command.hpp"
#include "output.hpp"
#include "svg_plot.hpp"

#include <samsim/flyout.hpp>
#include <samsim/interceptor_type.hpp>
#include <samsim/scenario.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace samsim::cli {
namespace {

struct envelope_args {
  std::string scenario_path;
  double height_step_m = 1000.0;
  std::string csv_path;
  std::string svg_path;
  std::string interceptor;  ///< format 2: the interceptor type
};

// The flyout table of the scenario's interceptor (format 1) or of the type
// --interceptor names (format 2; optional when there is only one type).
flyout_table scenario_table(const scenario& sc, const envelope_args& a) {
  if (sc.format == 1) {
    if (!a.interceptor.empty())
      throw usage_error(fmt::format("--interceptor {}: only format 2 scenarios have interceptor types", a.interceptor));
    return flyout_table::build(sc.battery.interceptor, sc.battery.envelope);
  }
  std::string names;
  for (const auto& t : sc.interceptors) names += (names.empty() ? "" : ", ") + t.name;
  if (a.interceptor.empty()) {
    if (sc.interceptors.size() != 1)
      throw usage_error(fmt::format("{} has {} interceptor types: name one with --interceptor ({})", a.scenario_path,
                                    sc.interceptors.size(), names));
    return build_flyout_table(sc.interceptors.front());
  }
  const int index = sc.interceptor_index(a.interceptor);
  if (index < 0)
    throw usage_error(fmt::format("--interceptor {}: no such interceptor type in {} ({})", a.interceptor,
                                  a.scenario_path, names));
  return build_flyout_table(sc.interceptors[static_cast<std::size_t>(index)]);
}

constexpr double range_resolution_m = 50.0;

std::string csv_of(const std::vector<envelope_row>& rows) {
  std::string csv = "height_m,min_range_km,max_range_km,time_of_flight_s,arrival_speed_mps\n";
  for (const auto& r : rows) {
    if (r.reachable)
      csv += fmt::format("{:.10g},{:.10g},{:.10g},{:.10g},{:.10g}\n", r.height_m, r.min_range_m / 1000.0,
                         r.max_range_m / 1000.0, r.time_of_flight_s, r.arrival_speed_mps);
    else
      csv += fmt::format("{:.10g},,,,\n", r.height_m);  // nothing reachable at this height
  }
  return csv;
}

// Ground range [m] at which the time of flight along a height first reaches
// tof_s (linear between resolution_m samples), or NaN if it is not reached
// inside the envelope at that height.
double range_at_time_of_flight(const flyout_table& table, double height_m, double tof_s, double max_range_m) {
  double prev_r = -1.0, prev_t = 0.0;
  for (double r = table.limits().min_range_m; r <= max_range_m + 1e-9; r += range_resolution_m) {
    const flyout_point p = table.at(r, height_m);
    if (!p.reachable) {
      prev_r = -1.0;
      continue;
    }
    if (p.time_of_flight_s >= tof_s) {
      if (prev_r < 0.0) return std::nan("");  // already later than tof_s where it becomes reachable
      return prev_r + (r - prev_r) * (tof_s - prev_t) / (p.time_of_flight_s - prev_t);
    }
    prev_r = r;
    prev_t = p.time_of_flight_s;
  }
  return std::nan("");
}

std::string envelope_svg(const scenario& sc, const flyout_table& table) {
  const envelope_limits& lim = table.limits();
  // A finer height grid than the printout, for a smooth outline.
  const auto rows = envelope_table(table, std::min(250.0, (lim.max_height_m - lim.min_height_m) / 40.0),
                                   range_resolution_m);
  plot_spec plot;
  plot.title = fmt::format("{}: interceptor kinematic envelope", sc.name);
  plot.note = fmt::format("arrival speed >= {:g} m/s; range {:g}-{:g} km, height {:g}-{:g} km; dashed: time of flight",
                          lim.min_speed_mps, lim.min_range_m / 1000.0, lim.max_range_m / 1000.0,
                          lim.min_height_m / 1000.0, lim.max_height_m / 1000.0);
  plot.x_label = "ground range [km]";
  plot.y_label = "height [km]";
  plot.legend_right = true;

  // Outline: up the min-range edge, along the top, down the max-range edge, back along the bottom.
  plot_series outline;
  outline.label = "kinematic envelope";
  outline.markers = false;
  outline.colour = "#1f4e9c";
  outline.stroke_width = 2.5;
  std::vector<const envelope_row*> reachable;
  for (const auto& r : rows)
    if (r.reachable) reachable.push_back(&r);
  for (const auto* r : reachable) {
    outline.x.push_back(r->min_range_m / 1000.0);
    outline.y.push_back(r->height_m / 1000.0);
  }
  for (auto it = reachable.rbegin(); it != reachable.rend(); ++it) {
    outline.x.push_back((*it)->max_range_m / 1000.0);
    outline.y.push_back((*it)->height_m / 1000.0);
  }
  if (!reachable.empty()) {
    outline.x.push_back(reachable.front()->min_range_m / 1000.0);
    outline.y.push_back(reachable.front()->height_m / 1000.0);
  }

  // Iso-time-of-flight lines every 30 s (every 60 s for long flights).
  const double tmax = table.max_time_of_flight_s();
  const double tof_step_s = tmax > 300.0 ? 60.0 : 30.0;
  for (double tof = tof_step_s; tof < tmax; tof += tof_step_s) {
    plot_series iso;
    iso.label = fmt::format("{:g} s", tof);
    iso.markers = false;
    iso.colour = "#888888";
    iso.dash = "5 4";
    iso.stroke_width = 1.2;
    iso.label_at_start = true;  // along the foot of the envelope
    for (const auto* r : reachable) {
      const double range_m = range_at_time_of_flight(table, r->height_m, tof, r->max_range_m);
      if (std::isnan(range_m)) {
        if (!iso.x.empty()) break;  // keep one contiguous piece (from the lowest height up)
        continue;
      }
      iso.x.push_back(range_m / 1000.0);
      iso.y.push_back(r->height_m / 1000.0);
    }
    if (iso.x.size() >= 2) plot.series.push_back(std::move(iso));
  }
  plot.series.push_back(std::move(outline));
  return svg_line_plot(plot);
}

void envelope_command(const envelope_args& a) {
  if (!(std::isfinite(a.height_step_m) && a.height_step_m > 0.0))
    throw usage_error(fmt::format("--height-step-m {}: must be a finite number > 0", a.height_step_m));
  const scenario sc = load_scenario(a.scenario_path);
  const flyout_table table = scenario_table(sc, a);
  warn_if_reach_short(a.scenario_path, compare_reach(table, range_resolution_m));
  const auto rows = envelope_table(table, a.height_step_m, range_resolution_m);

  // With --csv - or --svg - stdout carries that document alone.
  if (a.csv_path != "-" && a.svg_path != "-") {
    const envelope_limits& lim = table.limits();
    std::cout << fmt::format("samsim envelope: {} (arrival speed >= {:g} m/s)\n", sc.name, lim.min_speed_mps);
    std::cout << fmt::format("  {:>10} {:>14} {:>14} {:>18} {:>20}\n", "height [m]", "min range [km]",
                             "max range [km]", "tof at max [s]", "speed at max [m/s]");
    for (const auto& r : rows) {
      if (r.reachable)
        std::cout << fmt::format("  {:>10.0f} {:>14.2f} {:>14.2f} {:>18.1f} {:>20.0f}\n", r.height_m,
                                 r.min_range_m / 1000.0, r.max_range_m / 1000.0, r.time_of_flight_s,
                                 r.arrival_speed_mps);
      else
        std::cout << fmt::format("  {:>10.0f} {:>14} {:>14} {:>18} {:>20}\n", r.height_m, "-", "-", "-", "-");
    }
    std::cout << std::flush;
  }
  if (!a.csv_path.empty()) write_output(a.csv_path, csv_of(rows));
  if (!a.svg_path.empty()) write_output(a.svg_path, envelope_svg(sc, table));
}

const registrar envelope_reg{50, [](CLI::App& app) {
  auto a = std::make_shared<envelope_args>();
  auto* sub = app.add_subcommand("envelope", "Interceptor kinematic envelope per height (table, CSV, SVG)");
  sub->add_option("scenario", a->scenario_path, "Scenario file (JSON)")->required();
  sub->add_option("--height-step-m", a->height_step_m, "Height step of the table [m], > 0")->capture_default_str();
  sub->add_option("--csv", a->csv_path, "Write the table as CSV to FILE ('-': stdout, without the text table)");
  sub->add_option("--interceptor", a->interceptor, "Format 2 scenarios: the interceptor type (by name)");
  sub->add_option("--svg", a->svg_path, "Write a plot of the envelope with time-of-flight lines to FILE ('-': stdout)");
  sub->callback([a] { envelope_command(*a); });
}};

}  // namespace
}  // namespace samsim::cli
