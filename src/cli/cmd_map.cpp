// `samsim map`: a top-down picture of a scenario (east right, north up, km):
// assets, batteries, radar coverage, each interceptor type's reach per
// battery, the raid groups' start areas, and with --trial one trial's threat
// ground tracks, intercepts and leaks. When the deployment is small beside the
// theatre, a second panel enlarges it so the labels at the defended area stay
// legible.

#include "command.hpp"
#include "output.hpp"
#include "svg_plot.hpp"

#include <samsim/engagement.hpp>
#include <samsim/radar.hpp>
#include <samsim/scenario.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace samsim::cli {
namespace {

struct map_args {
  std::string scenario_path;
  std::string svg_path;
  std::optional<std::int64_t> trial;
  std::optional<std::uint64_t> seed;
};

constexpr double pi = 3.14159265358979323846;

// Interceptor types in cool colours, threat classes in warm ones, so a reach
// circle is never mistaken for a track. Leaks are red, intercepts black.
const char* const type_colours[] = {"#1f5fbf", "#2e9e44", "#7a45c4", "#12a3b4", "#4f6475", "#7aa53a"};
const char* const class_colours[] = {"#ff7f0e", "#a0522d", "#e377c2", "#d4a000", "#8c8c8c", "#c46a00"};
constexpr const char* leak_colour = "#e00000";
constexpr const char* asset_colour = "#333333";
constexpr const char* battery_colour = "#0b2a5b";

std::string type_colour(int k) { return type_colours[static_cast<std::size_t>(k) % std::size(type_colours)]; }
std::string class_colour(int k) { return class_colours[static_cast<std::size_t>(k) % std::size(class_colours)]; }

// ---- what the picture shows, in km of the scenario's east-north frame -------

struct point_km {
  double e = 0.0;
  double n = 0.0;
};

point_km km_of(const Eigen::Vector2d& en_m) { return {en_m.x() / 1000.0, en_m.y() / 1000.0}; }

/// The span a random input mostly covers: a fixed value, a uniform's range,
/// a normal's mean +- 2 sd (inside its truncation bounds).
struct span {
  double lo = 0.0;
  double hi = 0.0;
  double mid() const { return 0.5 * (lo + hi); }
};

span span_of(const random_value& v) {
  switch (v.type) {
    case random_value::kind::fixed: return {v.a, v.a};
    case random_value::kind::uniform: return {v.a, v.b};
    case random_value::kind::normal:
      return {std::max(v.lower_bound, v.a - 2.0 * v.b), std::min(v.upper_bound, v.a + 2.0 * v.b)};
  }
  return {v.a, v.a};
}

std::string count_text(const random_count& c) {
  switch (c.type) {
    case random_count::kind::fixed: return fmt::format("{}", c.value);
    case random_count::kind::poisson: return fmt::format("~{:g}", c.mean);
    case random_count::kind::uniform: return fmt::format("{}-{}", c.value, c.high);
  }
  return "?";
}

struct site_mark {
  std::string name;
  point_km at;
  double value = 1.0;
  bool out_of_action = false;  ///< batteries, with --trial
  double out_of_action_s = 0.0;
};

struct circle_mark {
  point_km centre;
  double radius_km = 0.0;
  int battery = 0;
  int type = -1;  ///< interceptor type, -1: the radar's coverage
};

struct raid_mark {
  int class_index = 0;
  point_km target;
  span bearing_deg;
  span range_km;
  std::string label;
};

struct track_mark {
  int class_index = 0;
  std::vector<point_km> points;
  bool killed = false;
};

struct map_content {
  std::string title;
  std::vector<std::string> notes;
  std::vector<site_mark> assets;
  std::vector<site_mark> batteries;
  std::vector<circle_mark> radars;
  std::vector<circle_mark> reaches;
  std::vector<raid_mark> raids;
  std::vector<std::string> class_names;
  std::vector<std::string> type_names;
  std::vector<double> type_reach_km;
  std::vector<bool> type_used;
  std::vector<bool> class_used;
  std::string radar_legend;
  bool with_trial = false;
  std::vector<track_mark> tracks;
  std::vector<point_km> kills;
  std::vector<point_km> misses;
  struct leak_mark {
    point_km at;
    int count = 0;  ///< leakers that ended there (several reach the same asset)
  };
  std::vector<leak_mark> leaks;
};

point_km on_bearing(point_km from, double bearing_deg, double range_km) {
  const double b = bearing_deg * pi / 180.0;
  return {from.e + range_km * std::sin(b), from.n + range_km * std::cos(b)};
}

/// Points along a raid group's start area: its arc (or the two arcs of a range band).
std::vector<point_km> arc_points(point_km centre, double b_lo_deg, double b_hi_deg, double range_km) {
  std::vector<point_km> pts;
  const int steps = std::max(1, static_cast<int>(std::ceil((b_hi_deg - b_lo_deg) / 1.0)));
  for (int i = 0; i <= steps; ++i)
    pts.push_back(on_bearing(centre, b_lo_deg + (b_hi_deg - b_lo_deg) * i / steps, range_km));
  return pts;
}

/// The lowest cruise height of the straight-flying threats the raid sends
/// (class default or the group's own), and the class it belongs to; nullopt
/// when the raid has none (ballistic only).
std::optional<std::pair<double, std::string>> lowest_cruise_height(const scenario& sc) {
  std::optional<std::pair<double, std::string>> lowest;
  for (const raid_group& g : sc.raid.groups) {
    const threat_class& cls = sc.classes[static_cast<std::size_t>(g.class_index)];
    if (cls.trajectory != trajectory_kind::straight) continue;
    const random_value& h =
        g.height_m ? *g.height_m : sc.raid.class_defaults[static_cast<std::size_t>(g.class_index)].height_m;
    const double h_m = std::max(0.0, span_of(h).lo);
    if (!lowest || h_m < lowest->first) lowest = std::make_pair(h_m, cls.name);
  }
  return lowest;
}

map_content build_content(const engagement_model& model, const map_args& a, std::uint64_t seed) {
  const scenario& sc = model.scenario_data();  // a format 1 scenario in its defended-area form
  map_content m;
  m.title = fmt::format("samsim map: {}", sc.name);
  for (const auto& c : sc.classes) m.class_names.push_back(c.name);
  m.class_used.assign(sc.classes.size(), false);
  for (std::size_t k = 0; k < sc.interceptors.size(); ++k) {
    m.type_names.push_back(sc.interceptors[k].name);
    m.type_reach_km.push_back(model.max_reach_range_m(static_cast<int>(k)) / 1000.0);
  }
  m.type_used.assign(sc.interceptors.size(), false);
  for (const auto& as : sc.assets) m.assets.push_back({as.name, km_of(as.position_en_m), as.value});

  const auto low = lowest_cruise_height(sc);
  if (low)
    m.radar_legend = fmt::format("radar coverage: instrumented range or the horizon for a {:g} m target ({}, the "
                                 "lowest cruise height), whichever is less",
                                 low->first, low->second);
  else
    m.radar_legend = "radar coverage: instrumented range (the raid has no low flyer)";
  for (std::size_t b = 0; b < sc.batteries.size(); ++b) {
    const battery_site& site = sc.batteries[b];
    const point_km at = km_of(site.position_en_m);
    m.batteries.push_back({site.name, at, site.value});
    double radar_m = site.radar.max_range_m;
    if (low) radar_m = std::min(radar_m, radar_horizon_m(site.radar.antenna_height_m, low->first));
    m.radars.push_back({at, radar_m / 1000.0, static_cast<int>(b), -1});
    for (const launcher_group& g : site.launchers) {
      // One circle per (battery, type): a battery holds each type in one group.
      m.reaches.push_back({at, model.max_reach_range_m(g.interceptor_type) / 1000.0, static_cast<int>(b),
                           g.interceptor_type});
      m.type_used[static_cast<std::size_t>(g.interceptor_type)] = true;
    }
  }
  for (const raid_group& g : sc.raid.groups) {
    raid_mark r;
    r.class_index = g.class_index;
    r.target = km_of(g.aim_en_m);
    r.bearing_deg = span_of(g.bearing_deg);
    const span range_m = span_of(g.start_range_m);
    r.range_km = {range_m.lo / 1000.0, range_m.hi / 1000.0};
    const std::string target = g.target.type == target_ref::kind::asset
                                   ? sc.assets[static_cast<std::size_t>(g.target.index)].name
                                   : sc.batteries[static_cast<std::size_t>(g.target.index)].name;
    r.label = fmt::format("{} {} \u2192 {}", count_text(g.count),
                          sc.classes[static_cast<std::size_t>(g.class_index)].name, target);
    m.raids.push_back(r);
    m.class_used[static_cast<std::size_t>(g.class_index)] = true;
  }
  if (!a.trial) return m;

  // One trial, exactly as `run` and `trace` run it.
  m.with_trial = true;
  trial_workspace ws;
  std::vector<trace_event> events;
  const trial_result result = run_trial(model, seed, static_cast<std::uint64_t>(*a.trial), ws, &events);
  for (std::size_t i = 0; i < ws.threats.size(); ++i) {
    const threat_trajectory& traj = ws.trajectories[i];
    const threat_outcome& out = ws.outcomes[i];
    track_mark t;
    t.class_index = ws.threats[i].class_index;
    t.killed = out.killed;
    const double t0 = traj.launch_time_s(), t1 = std::max(t0, out.end_time_s);
    constexpr int samples = 48;  // ground tracks are straight or nearly: a few dozen points suffice
    for (int s = 0; s <= samples; ++s) {
      const Eigen::Vector3d p = traj.position_enu_m(t0 + (t1 - t0) * s / samples);
      t.points.push_back({p.x() / 1000.0, p.y() / 1000.0});
    }
    if (!out.killed) {
      const point_km end = t.points.back();
      auto same = std::find_if(m.leaks.begin(), m.leaks.end(), [&](const map_content::leak_mark& l) {
        return std::hypot(l.at.e - end.e, l.at.n - end.n) < 0.5;  // within half a km: one mark
      });
      if (same != m.leaks.end())
        ++same->count;
      else
        m.leaks.push_back({end, 1});
    }
    m.tracks.push_back(std::move(t));
  }
  for (const trace_event& e : events) {
    if (e.threat < 0 && e.kind != trace_kind::battery_out_of_action) continue;
    if (e.kind == trace_kind::intercept_kill || e.kind == trace_kind::intercept_miss) {
      const Eigen::Vector3d p = ws.trajectories[static_cast<std::size_t>(e.threat)].position_enu_m(e.time_s);
      (e.kind == trace_kind::intercept_kill ? m.kills : m.misses).push_back({p.x() / 1000.0, p.y() / 1000.0});
    } else if (e.kind == trace_kind::battery_out_of_action && e.battery >= 0) {
      site_mark& b = m.batteries[static_cast<std::size_t>(e.battery)];
      if (!b.out_of_action) b.out_of_action_s = e.time_s;
      b.out_of_action = true;
    }
  }
  for (std::size_t b = 0; b < ws.battery_destroyed.size() && b < m.batteries.size(); ++b)
    if (ws.battery_destroyed[b]) m.batteries[b].out_of_action = true;
  std::string lost;
  for (const auto& b : m.batteries)
    if (b.out_of_action) lost += fmt::format("{}{} at {:.0f} s", lost.empty() ? "" : ", ", b.name, b.out_of_action_s);
  m.notes.push_back(fmt::format("trial {} (seed {}): {} threats, {} killed, {} leaked; {} interceptors fired{}",
                                *a.trial, seed, result.threats, result.threats - result.leakers, result.leakers,
                                result.interceptors_used, lost.empty() ? "" : "; out of action: " + lost));
  return m;
}

// ---- layout -------------------------------------------------------------------

struct box_km {
  double e_lo = std::numeric_limits<double>::infinity();
  double e_hi = -std::numeric_limits<double>::infinity();
  double n_lo = std::numeric_limits<double>::infinity();
  double n_hi = -std::numeric_limits<double>::infinity();
  void add(point_km p, double r = 0.0) {
    e_lo = std::min(e_lo, p.e - r);
    e_hi = std::max(e_hi, p.e + r);
    n_lo = std::min(n_lo, p.n - r);
    n_hi = std::max(n_hi, p.n + r);
  }
  bool empty() const { return !(e_lo <= e_hi); }
  double size() const { return std::max(e_hi - e_lo, n_hi - n_lo); }
};

/// A square map panel: a square region of the world drawn into a square of pixels.
struct panel {
  std::string id;
  double x0 = 0.0, y0 = 0.0, size_px = 0.0;
  double centre_e = 0.0, centre_n = 0.0, span_km = 1.0;
  bool labels = true;  ///< names of assets and batteries (off in the theatre when the deployment panel has them)

  double e_lo() const { return centre_e - span_km / 2; }
  double n_hi() const { return centre_n + span_km / 2; }
  double px(double e_km) const { return x0 + (e_km - e_lo()) / span_km * size_px; }
  double py(double n_km) const { return y0 + (n_hi() - n_km) / span_km * size_px; }
  double px_per_km() const { return size_px / span_km; }
  bool inside(point_km p, double margin_km = 0.0) const {
    return std::abs(p.e - centre_e) <= span_km / 2 + margin_km && std::abs(p.n - centre_n) <= span_km / 2 + margin_km;
  }
};

panel square_panel(std::string id, const box_km& box, double pad_fraction, double min_pad_km) {
  panel p;
  p.id = std::move(id);
  const double size = std::max(box.size(), 1.0);
  const double pad = std::max(pad_fraction * size, min_pad_km);
  p.centre_e = 0.5 * (box.e_lo + box.e_hi);
  p.centre_n = 0.5 * (box.n_lo + box.n_hi);
  p.span_km = size + 2.0 * pad;
  // Round the span up to a whole number of ticks so the frame ends on a grid line.
  const double step = nice_step(p.span_km, 6);
  p.span_km = std::ceil(p.span_km / step) * step;
  p.centre_e = std::round(p.centre_e / step * 2.0) * step / 2.0;
  p.centre_n = std::round(p.centre_n / step * 2.0) * step / 2.0;
  return p;
}

/// Boxes of labels and markers already drawn in a panel: new labels go where they overlap none.
class label_placer {
 public:
  explicit label_placer(const panel& p) : panel_(p) {}
  void reserve(double x, double y, double half_w, double half_h) {
    taken_.push_back({x - half_w, y - half_h, x + half_w, y + half_h});
  }
  /// A label near the anchor (px), outside a marker of radius r: returns the SVG text element.
  /// `toward` (px, any length; zero: no preference) is the side tried first.
  std::string place(double x, double y, double r, const std::string& text, double font_px,
                    const std::string& colour, const std::string& weight = "normal", double toward_x = 0.0,
                    double toward_y = 0.0) {
    const double w = 0.56 * font_px * static_cast<double>(text.size()), h = font_px;
    struct candidate {
      double left, top;
    };
    std::vector<candidate> candidates;
    for (double extra : {0.0, 6.0, 14.0, 26.0}) {
      const double g = r + 3.0 + extra;
      const double len = std::hypot(toward_x, toward_y);
      if (len > 0.0) {  // the preferred side: the text's box beyond the anchor in that direction
        const double ux = toward_x / len, uy = toward_y / len;
        const double cx = x + ux * (g + w / 2), cy = y + uy * (g + h / 2);
        candidates.push_back({cx - w / 2, cy - h / 2});
      }
      candidates.push_back({x + g, y - h / 2});          // right
      candidates.push_back({x - g - w, y - h / 2});      // left
      candidates.push_back({x - w / 2, y - g - h});      // above
      candidates.push_back({x - w / 2, y + g});          // below
      candidates.push_back({x + g * 0.7, y - g * 0.7 - h});  // upper right
      candidates.push_back({x + g * 0.7, y + g * 0.7});      // lower right
      candidates.push_back({x - g * 0.7 - w, y - g * 0.7 - h});
      candidates.push_back({x - g * 0.7 - w, y + g * 0.7});
    }
    const candidate* chosen = nullptr;
    for (const auto& c : candidates) {
      if (!fits(c.left, c.top, w, h)) continue;
      if (!overlaps(c.left, c.top, w, h)) {
        chosen = &c;
        break;
      }
      if (!chosen) chosen = &c;  // the first that fits the panel, if every one overlaps something
    }
    if (!chosen) chosen = &candidates.front();
    taken_.push_back({chosen->left - 1, chosen->top - 1, chosen->left + w + 1, chosen->top + h + 1});
    return fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:g}\" font-weight=\"{}\" fill=\"{}\" stroke=\"white\" "
        "stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">{}</text>\n",
        chosen->left, chosen->top + 0.8 * h, font_px, weight, colour, svg_escape(text));
  }

 private:
  struct rect {
    double x0, y0, x1, y1;
  };
  bool fits(double left, double top, double w, double h) const {
    return left >= panel_.x0 + 2 && top >= panel_.y0 + 2 && left + w <= panel_.x0 + panel_.size_px - 2 &&
           top + h <= panel_.y0 + panel_.size_px - 2;
  }
  bool overlaps(double left, double top, double w, double h) const {
    for (const rect& t : taken_)
      if (left < t.x1 && left + w > t.x0 && top < t.y1 && top + h > t.y0) return true;
    return false;
  }
  const panel& panel_;
  std::vector<rect> taken_;
};

std::string path_of(const panel& p, const std::vector<point_km>& pts, bool close = false) {
  std::string d;
  for (std::size_t i = 0; i < pts.size(); ++i)
    d += fmt::format("{}{:.1f},{:.1f} ", i == 0 ? "M" : "L", p.px(pts[i].e), p.py(pts[i].n));
  if (close) d += "Z";
  return d;
}

std::string cross(double x, double y, double half, const std::string& colour, double width) {
  return fmt::format(
      "<path d=\"M{0:.1f},{1:.1f} L{2:.1f},{3:.1f} M{0:.1f},{3:.1f} L{2:.1f},{1:.1f}\" stroke=\"{4}\" "
      "stroke-width=\"{5:g}\" fill=\"none\"/>\n",
      x - half, y - half, x + half, y + half, colour, width);
}

double asset_radius_px(double value, double max_value) {
  return 4.0 + 6.0 * std::sqrt(std::max(0.0, value) / std::max(max_value, 1e-12));  // area ~ value
}

/// Draws one panel: frame, grid and km ticks, coverage and reach, raid areas,
/// the trial, the sites and their labels, a scale bar and a north arrow.
std::string draw_panel(const map_content& m, const panel& p, const std::string& heading,
                       const panel* enlarged = nullptr) {
  std::string s = fmt::format("<g id=\"{}\">\n", p.id);
  const double x1 = p.x0 + p.size_px, y1 = p.y0 + p.size_px;
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", p.x0,
                   p.y0 - 8, svg_escape(heading));
  s += fmt::format("<clipPath id=\"clip-{}\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>"
                   "</clipPath>\n",
                   p.id, p.x0, p.y0, p.size_px, p.size_px);
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#fbfbf8\"/>\n", p.x0,
                   p.y0, p.size_px, p.size_px);
  // Grid and ticks in km.
  const double step = nice_step(p.span_km, 6);
  for (double e = std::ceil(p.e_lo() / step) * step; e <= p.e_lo() + p.span_km + 1e-9; e += step) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#e4e4e4\"/>\n",
                     p.px(e), p.y0, y1);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{:g}"
                     "</text>\n",
                     p.px(e), y1 + 14, std::abs(e) < 1e-9 ? 0.0 : e);
  }
  const double n_lo = p.n_hi() - p.span_km;
  for (double n = std::ceil(n_lo / step) * step; n <= p.n_hi() + 1e-9; n += step) {
    s += fmt::format("<line x1=\"{1:.1f}\" y1=\"{0:.1f}\" x2=\"{2:.1f}\" y2=\"{0:.1f}\" stroke=\"#e4e4e4\"/>\n",
                     p.py(n), p.x0, x1);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">{:g}"
                     "</text>\n",
                     p.x0 - 5, p.py(n) + 4, std::abs(n) < 1e-9 ? 0.0 : n);
  }
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"12\">east [km]</text>\n",
                   p.x0 + p.size_px / 2, y1 + 30);
  s += fmt::format("<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"middle\" font-size=\"12\" "
                   "transform=\"rotate(-90 {0:.1f} {1:.1f})\">north [km]</text>\n",
                   p.x0 - 40, p.y0 + p.size_px / 2);

  const double k = p.px_per_km();
  label_placer labels(p);
  s += fmt::format("<g clip-path=\"url(#clip-{})\">\n", p.id);
  // Radar coverage: thin and grey, beneath everything.
  for (const circle_mark& c : m.radars)
    s += fmt::format("<circle class=\"radar\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"none\" stroke=\"#777\" "
                     "stroke-width=\"0.8\" stroke-dasharray=\"2 3\"/>\n",
                     p.px(c.centre.e), p.py(c.centre.n), c.radius_km * k);
  // Reach of each type at each battery.
  for (const circle_mark& c : m.reaches)
    s += fmt::format("<circle class=\"reach\" data-battery=\"{}\" data-interceptor=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" "
                     "r=\"{:.1f}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.4\" stroke-opacity=\"0.9\"/>\n",
                     svg_escape(m.batteries[static_cast<std::size_t>(c.battery)].name),
                     svg_escape(m.type_names[static_cast<std::size_t>(c.type)]), p.px(c.centre.e), p.py(c.centre.n),
                     c.radius_km * k, type_colour(c.type));
  // Raid groups: a dashed line from the middle of the start area to the target, then the area.
  for (const raid_mark& r : m.raids) {
    const point_km mid = on_bearing(r.target, r.bearing_deg.mid(), r.range_km.mid());
    s += fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"6 4\" fill=\"none\" "
                     "stroke-opacity=\"0.8\"/>\n",
                     path_of(p, {mid, r.target}), class_colour(r.class_index));
  }
  for (const raid_mark& r : m.raids) {
    const std::string colour = class_colour(r.class_index);
    const point_km mid = on_bearing(r.target, r.bearing_deg.mid(), r.range_km.mid());
    if (r.bearing_deg.hi - r.bearing_deg.lo < 1e-9 && r.range_km.hi - r.range_km.lo < 1e-9) {
      s += fmt::format("<circle class=\"raid\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/>\n", p.px(mid.e),
                       p.py(mid.n), colour);
    } else {
      if (r.range_km.hi - r.range_km.lo > 1e-9) {  // a band of start ranges: shade it
        auto band = arc_points(r.target, r.bearing_deg.lo, r.bearing_deg.hi, r.range_km.hi);
        auto inner = arc_points(r.target, r.bearing_deg.lo, r.bearing_deg.hi, r.range_km.lo);
        band.insert(band.end(), inner.rbegin(), inner.rend());
        s += fmt::format("<path d=\"{}\" fill=\"{}\" fill-opacity=\"0.25\" stroke=\"none\"/>\n",
                         path_of(p, band, true), colour);
      }
      s += fmt::format("<path class=\"raid\" d=\"{}\" stroke=\"{}\" stroke-width=\"5\" stroke-linecap=\"round\" "
                       "fill=\"none\" stroke-opacity=\"0.85\"/>\n",
                       path_of(p, arc_points(r.target, r.bearing_deg.lo, r.bearing_deg.hi, r.range_km.mid())),
                       colour);
    }
  }
  // The trial: ground tracks, misses, intercepts, leaks.
  for (const track_mark& t : m.tracks) {
    std::string pts;
    for (const point_km& q : t.points) pts += fmt::format("{:.1f},{:.1f} ", p.px(q.e), p.py(q.n));
    s += fmt::format("<polyline class=\"track\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"0.9\" "
                     "stroke-opacity=\"0.7\"/>\n",
                     pts, class_colour(t.class_index));
  }
  for (const point_km& q : m.misses) s += cross(p.px(q.e), p.py(q.n), 2.5, "#999", 1.0);
  for (const point_km& q : m.kills) s += cross(p.px(q.e), p.py(q.n), 3.5, "#111", 1.6);
  s += "</g>\n";

  // Sites on top: assets (area ~ value) and batteries (squares), names where this panel labels them.
  double max_value = 0.0;
  for (const auto& as : m.assets) max_value = std::max(max_value, as.value);
  const double battery_half = 5.0;
  for (const auto& as : m.assets) {
    const double r = asset_radius_px(as.value, max_value);
    labels.reserve(p.px(as.at.e), p.py(as.at.n), r, r);
  }
  for (const auto& b : m.batteries) labels.reserve(p.px(b.at.e), p.py(b.at.n), battery_half, battery_half);
  for (const auto& as : m.assets) {
    if (!p.inside(as.at)) continue;
    const double r = asset_radius_px(as.value, max_value);
    s += fmt::format("<circle class=\"asset\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" fill-opacity=\"0.8\" "
                     "stroke=\"white\" stroke-width=\"1.2\"/>\n",
                     p.px(as.at.e), p.py(as.at.n), r, asset_colour);
  }
  for (const auto& b : m.batteries) {
    if (!p.inside(b.at)) continue;
    const double x = p.px(b.at.e), y = p.py(b.at.n);
    s += fmt::format("<rect class=\"battery\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:g}\" height=\"{:g}\" fill=\"{}\" "
                     "stroke=\"white\" stroke-width=\"1.2\"/>\n",
                     x - battery_half, y - battery_half, 2 * battery_half, 2 * battery_half, battery_colour);
    if (b.out_of_action) s += cross(x, y, battery_half + 3, leak_colour, 2.5);
  }
  // Leaks above the sites: a leaker at an asset sits on its marker.
  for (const auto& l : m.leaks) {
    if (!p.inside(l.at)) continue;
    s += fmt::format("<circle class=\"leak\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\" stroke=\"white\" "
                     "stroke-width=\"1.2\"/>\n",
                     p.px(l.at.e), p.py(l.at.n), leak_colour);
  }
  // Labels keep off the raid start areas where they can.
  for (const raid_mark& r : m.raids)
    for (const point_km& q : arc_points(r.target, r.bearing_deg.lo, r.bearing_deg.hi, r.range_km.mid()))
      if (p.inside(q)) labels.reserve(p.px(q.e), p.py(q.n), 3, 3);
  if (p.labels) {
    for (const auto& as : m.assets) {
      if (!p.inside(as.at)) continue;
      s += labels.place(p.px(as.at.e), p.py(as.at.n), asset_radius_px(as.value, max_value),
                        fmt::format("{} ({:g})", as.name, as.value), 13, "#111", "bold");
    }
    for (const auto& b : m.batteries) {
      if (!p.inside(b.at)) continue;
      s += labels.place(p.px(b.at.e), p.py(b.at.n), battery_half,
                        b.name + (b.out_of_action ? " (out of action)" : ""), 12, battery_colour);
    }
  }
  // Several leakers at one place: their number beside the mark.
  for (const auto& l : m.leaks)
    if (p.labels && l.count > 1 && p.inside(l.at))
      s += labels.place(p.px(l.at.e), p.py(l.at.n), 5, fmt::format("{} leaked", l.count), 11, leak_colour, "bold");
  // Raid labels at the middle of each start area, where it is inside this panel.
  for (const raid_mark& r : m.raids) {
    const point_km mid = on_bearing(r.target, r.bearing_deg.mid(), r.range_km.hi);
    if (!p.inside(mid)) continue;
    const double b = r.bearing_deg.mid() * pi / 180.0;  // outward, away from the target
    s += labels.place(p.px(mid.e), p.py(mid.n), 4, r.label, 12, class_colour(r.class_index), "bold", std::sin(b),
                      -std::cos(b));
  }
  // The enlarged region, outlined in the theatre.
  if (enlarged) {
    const double ex = p.px(enlarged->e_lo()), ey = p.py(enlarged->n_hi()), ew = enlarged->span_km * k;
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" "
                     "stroke=\"#333\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n",
                     ex, ey, ew, ew);
    s += labels.place(ex + ew, ey + ew / 2, 0, "enlarged at right", 11, "#333");
  }
  // Scale bar (bottom left) and north arrow (top right).
  const double bar_km = nice_step(p.span_km, 5), bar_px = bar_km * k;
  const double bx = p.x0 + 14, by = y1 - 16;
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"26\" fill=\"white\" "
                   "fill-opacity=\"0.85\"/>\n",
                   bx - 6, by - 18, bar_px + 12);
  s += fmt::format("<path d=\"M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} L{3:.1f},{2:.1f} L{3:.1f},{1:.1f}\" stroke=\"#111\" "
                   "stroke-width=\"2\" fill=\"none\"/>\n",
                   bx, by - 5, by, bx + bar_px);
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"11\">{:g} km</text>\n",
                   bx + bar_px / 2, by - 6, bar_km);
  const double nx = x1 - 18, ny = p.y0 + 12;
  s += fmt::format("<path d=\"M{0:.1f},{1:.1f} L{2:.1f},{3:.1f} L{0:.1f},{4:.1f} L{5:.1f},{3:.1f} Z\" fill=\"#111\"/>"
                   "\n<text x=\"{0:.1f}\" y=\"{6:.1f}\" text-anchor=\"middle\" font-size=\"11\" "
                   "font-weight=\"bold\">N</text>\n",
                   nx, ny, nx + 6, ny + 16, ny + 12, nx - 6, ny + 28);
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" "
                   "stroke=\"#333\"/>\n</g>\n",
                   p.x0, p.y0, p.size_px, p.size_px);
  return s;
}

/// The legend: one row per kind of mark, from (x, y) down; returns the SVG and moves y.
std::string draw_legend(const map_content& m, double x, double& y, double width) {
  std::string s = "<g id=\"legend\">\n";
  auto row_text = [&](double tx, const std::string& text, const std::string& colour = "#111", double font = 12) {
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:g}\" fill=\"{}\">{}</text>\n", tx, y + 4, font,
                     colour, svg_escape(text));
  };
  // Long text wrapped to the legend's width.
  auto wrapped = [&](double tx, const std::string& text, double font = 12) {
    const std::size_t per_line = static_cast<std::size_t>(std::max(20.0, (width - (tx - x)) / (0.55 * font)));
    std::string line;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(start, end - start);
      if (!line.empty() && line.size() + 1 + word.size() > per_line) {
        row_text(tx, line, "#111", font);
        y += font + 4;
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      start = end + 1;
    }
    if (!line.empty()) row_text(tx, line, "#111", font);
    y += font + 6;
  };
  const double tx = x + 34;
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"13\" font-weight=\"bold\">legend</text>\n", x, y);
  y += 20;
  s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"7\" fill=\"{}\" fill-opacity=\"0.8\"/>\n", x + 12, y,
                   asset_colour);
  wrapped(tx, "defended asset (value); marker area by value");
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n", x + 7, y - 5,
                   battery_colour);
  wrapped(tx, "battery (radar and launchers)");
  if (std::any_of(m.batteries.begin(), m.batteries.end(), [](const site_mark& b) { return b.out_of_action; })) {
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n", x + 7, y - 5,
                     battery_colour);
    s += cross(x + 12, y, 8, leak_colour, 2.5);
    wrapped(tx, "battery put out of action in this trial");
  }
  s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#777\" stroke-width=\"0.8\" "
                   "stroke-dasharray=\"2 3\"/>\n",
                   x, y, x + 24, y);
  wrapped(tx, m.radar_legend);
  y += 4;
  row_text(x, "interceptor reach per battery (flyout table):", "#111", 12);
  y += 18;
  for (std::size_t t = 0; t < m.type_names.size(); ++t) {
    if (!m.type_used[t]) continue;
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                     "stroke-width=\"2.5\"/>\n",
                     x, y, x + 24, y, type_colour(static_cast<int>(t)));
    wrapped(tx, fmt::format("{}: {:.0f} km", m.type_names[t], m.type_reach_km[t]));
  }
  y += 4;
  row_text(x, m.with_trial ? "raid start areas (count, class) and this trial's tracks:"
                           : "raid start areas (count, class), dashed to the target:",
           "#111", 12);
  y += 18;
  for (std::size_t c = 0; c < m.class_names.size(); ++c) {
    if (!m.class_used[c]) continue;
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"5\" "
                     "stroke-linecap=\"round\"/>\n",
                     x + 2, y, x + 22, y, class_colour(static_cast<int>(c)));
    wrapped(tx, m.class_names[c]);
  }
  wrapped(x, "start area: the bearing range (uniform) or mean +/- 2 sd (normal) at the start range; shaded: a band "
             "of start ranges", 11);
  if (m.with_trial) {
    s += cross(x + 12, y, 3.5, "#111", 1.6);
    wrapped(tx, "intercept that killed");
    s += cross(x + 12, y, 2.5, "#999", 1.0);
    wrapped(tx, "intercept that missed");
    s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/>\n", x + 12, y, leak_colour);
    wrapped(tx, "leak (where the threat reached its leak point)");
  }
  s += "</g>\n";
  return s;
}

std::string map_svg(const map_content& m) {
  // The theatre: everything drawn.
  box_km theatre;
  for (const auto& as : m.assets) theatre.add(as.at);
  for (const auto& b : m.batteries) theatre.add(b.at);
  for (const auto& c : m.radars) theatre.add(c.centre, c.radius_km);
  for (const auto& c : m.reaches) theatre.add(c.centre, c.radius_km);
  for (const auto& r : m.raids)
    for (double range : {r.range_km.lo, r.range_km.hi})
      for (const point_km& q : arc_points(r.target, r.bearing_deg.lo, r.bearing_deg.hi, range)) theatre.add(q);
  for (const auto& t : m.tracks)
    for (const point_km& q : t.points) theatre.add(q);
  // The deployment: the assets and batteries.
  box_km deployment;
  int distinct_sites = 0;
  std::vector<point_km> seen;
  auto add_site = [&](point_km q) {
    deployment.add(q);
    for (const point_km& s : seen)
      if (std::abs(s.e - q.e) < 1e-6 && std::abs(s.n - q.n) < 1e-6) return;
    seen.push_back(q);
    ++distinct_sites;
  };
  for (const auto& as : m.assets) add_site(as.at);
  for (const auto& b : m.batteries) add_site(b.at);

  panel main = square_panel("theatre", theatre, 0.03, 0.5);
  const double main_px = 680.0, side_px = 460.0, left = 70.0, top = 96.0;
  main.x0 = left;
  main.y0 = top;
  main.size_px = main_px;
  // A second panel enlarges the deployment when it would be crowded in the theatre.
  std::optional<panel> zoom;
  if (distinct_sites >= 2) {
    panel z = square_panel("deployment", deployment, 0.2, 10.0);
    if (main.span_km / z.span_km >= 2.5) {
      z.x0 = left + main_px + 90;
      z.y0 = top;
      z.size_px = side_px;
      zoom = z;
      main.labels = false;
    }
  }
  const double legend_x = zoom ? zoom->x0 : left + main_px + 70;
  const double width = zoom ? zoom->x0 + side_px + 30 : legend_x + 420;
  double legend_y = zoom ? top + side_px + 56 : top;
  const std::string legend = draw_legend(m, legend_x, legend_y, width - legend_x - 20);
  const double height = std::max(top + main_px + 50, legend_y + 10);

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  svg += fmt::format("<text x=\"{:.1f}\" y=\"28\" font-size=\"17\" font-weight=\"bold\">{}</text>\n", left,
                     svg_escape(m.title));
  double note_y = 48;
  for (const std::string& note : m.notes) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" fill=\"#333\">{}</text>\n", left, note_y,
                       svg_escape(note));
    note_y += 16;
  }
  svg += draw_panel(m, main, zoom ? "theatre" : "theatre (east right, north up)", zoom ? &*zoom : nullptr);
  if (zoom) svg += draw_panel(m, *zoom, "deployment (enlarged)");
  svg += legend;
  svg += "</svg>\n";
  return svg;
}

void map_command(const map_args& a) {
  if (a.svg_path.empty()) throw usage_error("--svg FILE is required ('-': stdout)");
  if (a.trial && *a.trial < 0) throw usage_error(fmt::format("--trial {}: must be >= 0", *a.trial));
  const scenario sc = load_scenario(a.scenario_path);
  if (a.trial && static_cast<std::uint64_t>(*a.trial) >= sc.monte_carlo.trials)
    throw usage_error(fmt::format("--trial {}: {} runs trials 0 to {} (monte_carlo.trials {})", *a.trial,
                                  a.scenario_path, sc.monte_carlo.trials - 1, sc.monte_carlo.trials));
  const engagement_model model(sc);
  const map_content content = build_content(model, a, a.seed.value_or(sc.monte_carlo.seed));
  write_output(a.svg_path, map_svg(content));
}

const registrar map_reg{55, [](CLI::App& app) {
  auto a = std::make_shared<map_args>();
  auto* sub = app.add_subcommand("map", "Top-down map of the defended area and the raid (SVG), optionally one trial");
  sub->add_option("scenario", a->scenario_path, "Scenario file (JSON)")->required();
  sub->add_option("--svg", a->svg_path, "Write the map to FILE ('-': stdout)")->required();
  sub->add_option("--trial", a->trial, "Draw this trial's threat tracks, intercepts and leaks (0 <= N < trials)");
  sub->add_option("--seed", a->seed, "Master seed of the trial (default: the scenario's monte_carlo.seed)");
  sub->callback([a] { map_command(*a); });
}};

}  // namespace
}  // namespace samsim::cli
