// Scenario loading: JSON -> samsim::scenario, validated once at the edge.
// Every error names the source, the JSON pointer of the offending key, the
// reason and the offending value (see docs/scenario.md).
#include <samsim/scenario.hpp>
#include <samsim/units.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace samsim {

namespace {

using json = nlohmann::json;

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::size_t max_value_chars = 60;
constexpr std::int64_t max_group_count = 100000;
constexpr std::int64_t max_int = std::numeric_limits<int>::max();
constexpr double max_distance_m = 1e7;
constexpr double max_time_s = 1e7;
constexpr double max_height_m = 1e5;
constexpr double max_speed_mps = 1e4;
constexpr std::uintmax_t max_file_bytes = 64u << 20;

// ---- text helpers -----------------------------------------------------------

// A number as an analyst would write it: integers without a decimal point.
std::string format_number(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{:.0f}", x);
  return fmt::format("{}", x);
}

// Compact JSON of a value, ASCII only, at most max_value_chars characters.
std::string show_value(const json& v) {
  std::string s;
  if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    const double d = v.get<double>();
    s = std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf");
  } else {
    s = v.dump(-1, ' ', true, json::error_handler_t::replace);
  }
  if (s.size() > max_value_chars) s = s.substr(0, max_value_chars - 3) + "...";
  return s;
}

// One JSON pointer reference token (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::size_t levenshtein(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" for the closest candidate within edit distance 3, else
// " (expected one of: a, b, c)".
template <typename Range>
std::string suggestion(std::string_view word, const Range& candidates) {
  std::string best;
  std::size_t best_distance = 4;
  std::string all;
  for (const auto& c : candidates) {
    const std::string_view cv(c);
    const std::size_t d = levenshtein(word, cv);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(cv);
    }
    if (!all.empty()) all += ", ";
    all += std::string(cv);
  }
  if (!best.empty()) return " (did you mean '" + best + "'?)";
  return " (expected one of: " + all + ")";
}

// ---- intervals of valid values ---------------------------------------------

struct interval {
  double lo = -inf;
  double hi = inf;
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double x) const {
    if (!std::isfinite(x)) return false;
    if (lo_open ? !(x > lo) : !(x >= lo)) return false;
    if (hi_open ? !(x < hi) : !(x <= hi)) return false;
    return true;
  }
  std::string text() const {
    const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
    if (has_lo && has_hi)
      return fmt::format("in {}{}, {}{}", lo_open ? "(" : "[", format_number(lo), format_number(hi), hi_open ? ")" : "]");
    if (has_lo) return fmt::format("{} {}", lo_open ? ">" : ">=", format_number(lo));
    if (has_hi) return fmt::format("{} {}", hi_open ? "<" : "<=", format_number(hi));
    return "finite";
  }
  // Truncation bounds for a normal distribution over this interval.
  double lower_bound() const {
    if (!std::isfinite(lo)) return -1e300;
    return lo_open ? std::nextafter(lo, inf) : lo;
  }
  double upper_bound() const {
    if (!std::isfinite(hi)) return 1e300;
    return hi_open ? std::nextafter(hi, -inf) : hi;
  }
};

interval any_finite() { return {}; }
interval positive() { return {0.0, inf, true, false}; }
interval non_negative() { return {0.0, inf, false, false}; }
interval closed(double lo, double hi) { return {lo, hi, false, false}; }
interval open(double lo, double hi) { return {lo, hi, true, true}; }
interval left_open(double lo, double hi) { return {lo, hi, true, false}; }

// ---- JSON text parsing with a position tracker -------------------------------

// Tracks the JSON pointer of the value being parsed (for errors the lexer
// raises, such as number overflow) and rejects duplicate object keys, which
// nlohmann::json would otherwise silently collapse to the last one.
class path_tracker {
 public:
  struct duplicate_key {
    std::string pointer;
    std::string key;
  };

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.push_back({false, 0, std::nullopt, {}});
        break;
      case json::parse_event_t::array_start:
        frames_.push_back({true, 0, std::nullopt, {}});
        break;
      case json::parse_event_t::key: {
        auto& top = frames_.back();
        const auto key = parsed.get<std::string>();
        top.key = key;
        if (!top.keys.insert(key).second) throw duplicate_key{pointer(), key};
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        element_done();
        break;
      case json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  }

  // Pointer of the value currently being parsed.
  std::string pointer() const {
    std::string p;
    for (const auto& f : frames_) {
      if (f.is_array) p += "/" + std::to_string(f.index);
      else if (f.key) p += "/" + pointer_token(*f.key);
    }
    return p;
  }

 private:
  struct frame {
    bool is_array;
    std::size_t index;
    std::optional<std::string> key;
    std::set<std::string> keys;
  };
  void element_done() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }
  std::vector<frame> frames_;
};

json parse_json_text(const std::string& text, const std::string& source, const char* empty_reason) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw scenario_error(source, "", "", empty_reason);
  path_tracker tracker;
  try {
    return json::parse(text, std::ref(tracker));
  } catch (const path_tracker::duplicate_key& d) {
    throw scenario_error(source, d.pointer, "", "duplicate key '" + d.key + "'");
  } catch (const json::parse_error& e) {
    std::string message = e.what();
    if (const auto pos = message.find("] "); message.rfind("[json.exception.", 0) == 0 && pos != std::string::npos)
      message = message.substr(pos + 2);
    throw scenario_error(source, "", "", fmt::format("invalid JSON at byte {}: {}", e.byte, message));
  } catch (const json::out_of_range& e) {
    // 406: a number literal outside the range of double (1e999).
    std::string message = e.what();
    if (const auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
    throw scenario_error(source, tracker.pointer(), "", "must be a finite number (" + message + ")");
  } catch (const json::exception& e) {
    throw scenario_error(source, tracker.pointer(), "", std::string("invalid JSON: ") + e.what());
  }
}

json read_json_file(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw scenario_error(source, "", "", "cannot access file: " + ec.message());
  if (!std::filesystem::exists(status)) throw scenario_error(source, "", "", "file not found");
  if (std::filesystem::is_directory(status))
    throw scenario_error(source, "", "", "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw scenario_error(source, "", "", std::string("cannot open file: ") + std::strerror(errno));
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_file_bytes)
      throw scenario_error(source, "", "", fmt::format("file too large (over {} MiB)", max_file_bytes >> 20));
  }
  if (in.bad()) throw scenario_error(source, "", "", "read error");
  return parse_json_text(text, source, "empty file");
}

// ---- the document reader -----------------------------------------------------

// A value in the document and its JSON pointer.
struct node {
  const json& v;
  std::string ptr;
};

class reader {
 public:
  explicit reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const node& n, const std::string& reason) const {
    throw scenario_error(source_, n.ptr, show_value(n.v), reason);
  }
  [[noreturn]] void fail_at(const std::string& ptr, const std::string& reason) const {
    throw scenario_error(source_, ptr, "", reason);
  }

  static std::string type_of(const json& v) {
    if (v.is_number_float() || v.is_number_integer()) return "a number";
    if (v.is_boolean()) return "a boolean";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    return "null";
  }

  void expect_object(const node& n) const {
    if (!n.v.is_object()) fail(n, "expected an object, got " + type_of(n.v));
  }

  // Rejects keys outside `allowed` (and "$comment", which must be a string).
  void allow_keys(const node& n, std::initializer_list<std::string_view> allowed) const {
    expect_object(n);
    for (const auto& [key, value] : n.v.items()) {
      const node c{value, n.ptr + "/" + pointer_token(key)};
      if (key == "$comment") {
        if (!value.is_string()) fail(c, "expected a string, got " + type_of(value));
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(c, "unknown key '" + key + "'" + suggestion(key, allowed));
    }
  }

  node required(const node& n, std::string_view key) const {
    const std::string ptr = n.ptr + "/" + pointer_token(key);
    const auto it = n.v.find(key);
    if (it == n.v.end()) fail_at(ptr, "missing required key");
    return {*it, ptr};
  }
  std::optional<node> optional(const node& n, std::string_view key) const {
    const auto it = n.v.find(key);
    if (it == n.v.end()) return std::nullopt;
    return node{*it, n.ptr + "/" + pointer_token(key)};
  }
  static node element(const node& n, std::size_t i) { return {n.v[i], n.ptr + "/" + std::to_string(i)}; }

  double number(const node& n) const {
    if (!n.v.is_number()) fail(n, "expected a number, got " + type_of(n.v));
    const double x = n.v.get<double>();
    if (!std::isfinite(x)) fail(n, "must be a finite number");
    return x;
  }
  double number(const node& n, const interval& valid, const std::string& note = "") const {
    const double x = number(n);
    if (!valid.contains(x)) fail(n, "must be " + valid.text() + note);
    return x;
  }

  std::int64_t integer(const node& n, std::int64_t lo, std::int64_t hi) const {
    std::int64_t x = 0;
    const std::string range =
        hi == std::numeric_limits<std::int64_t>::max() || hi == max_int
            ? fmt::format("must be an integer >= {}", lo)
            : fmt::format("must be an integer in [{}, {}]", lo, hi);
    if (n.v.is_number_unsigned()) {
      const auto u = n.v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) fail(n, range);
      x = static_cast<std::int64_t>(u);
    } else if (n.v.is_number_integer()) {
      x = n.v.get<std::int64_t>();
    } else if (n.v.is_number_float()) {
      const double d = n.v.get<double>();
      if (!std::isfinite(d)) fail(n, "must be a finite number");
      if (d != std::floor(d)) fail(n, "expected an integer, got a fractional number");
      if (std::fabs(d) > 9007199254740992.0) fail(n, range);
      x = static_cast<std::int64_t>(d);
    } else {
      fail(n, "expected an integer, got " + type_of(n.v));
    }
    if (x < lo || x > hi) fail(n, range);
    return x;
  }
  int int_value(const node& n, int lo, int hi = static_cast<int>(max_int)) const {
    return static_cast<int>(integer(n, lo, hi));
  }

  std::uint64_t unsigned64(const node& n) const {
    if (n.v.is_number_unsigned()) return n.v.get<std::uint64_t>();
    const std::string range = "must be an integer in [0, 18446744073709551615]";
    if (n.v.is_number_integer()) fail(n, range);  // negative
    if (n.v.is_number_float()) {
      const double d = n.v.get<double>();
      if (!std::isfinite(d)) fail(n, "must be a finite number");
      if (d != std::floor(d)) fail(n, "expected an integer, got a fractional number");
      if (d < 0 || d > 9007199254740992.0) fail(n, range + " (write large seeds without an exponent)");
      return static_cast<std::uint64_t>(d);
    }
    fail(n, "expected an integer, got " + type_of(n.v));
  }

  std::string string(const node& n) const {
    if (!n.v.is_string()) fail(n, "expected a string, got " + type_of(n.v));
    return n.v.get<std::string>();
  }
  bool boolean(const node& n) const {
    if (!n.v.is_boolean()) fail(n, "expected a boolean (true or false), got " + type_of(n.v));
    return n.v.get<bool>();
  }

  // An array of exactly `size` elements.
  void expect_array(const node& n, std::size_t size, const char* what) const {
    if (!n.v.is_array()) fail(n, std::string("expected an array ") + what + ", got " + type_of(n.v));
    if (n.v.size() != size) fail(n, fmt::format("expected an array {} (exactly {} elements)", what, size));
  }

  Eigen::Vector2d position(const node& n) const {
    expect_array(n, 2, "[east, north] in metres");
    return {number(element(n, 0)), number(element(n, 1))};
  }

  // A number or a distribution object; `valid` is the quantity's valid range.
  random_value random(const node& n, const interval& valid, const std::string& note = "") const {
    if (n.v.is_number()) return random_value::fixed(number(n, valid, note));
    if (!n.v.is_object())
      fail(n, "expected a number or a distribution ({\"uniform\": [a, b]} or {\"normal\": {\"mean\": m, \"sd\": s}}), got " +
                  type_of(n.v));
    allow_keys(n, {"uniform", "normal"});
    const auto u = optional(n, "uniform");
    const auto g = optional(n, "normal");
    if (u && g) fail(n, "give only one of 'uniform' or 'normal'");
    random_value r;
    if (u) {
      expect_array(*u, 2, "[low, high]");
      const double a = number(element(*u, 0), valid, note);
      const double b = number(element(*u, 1), valid, note);
      if (!(a < b)) fail(*u, "low must be less than high");
      r = random_value::uniform(a, b);
    } else if (g) {
      allow_keys(*g, {"mean", "sd"});
      const double mean = number(required(*g, "mean"), valid, note);
      const double sd = number(required(*g, "sd"), positive());
      r = random_value::normal(mean, sd);
    } else {
      fail(n, "expected one of 'uniform' or 'normal'");
    }
    r.lower_bound = valid.lower_bound();
    r.upper_bound = valid.upper_bound();
    return r;
  }

  random_count count(const node& n) const {
    const std::string huge = fmt::format("huge count: at most {} threats per group", max_group_count);
    if (n.v.is_number()) {
      const auto c = integer(n, 0, std::numeric_limits<std::int64_t>::max());
      if (c > max_group_count) fail(n, huge);
      return random_count::fixed(c);
    }
    if (!n.v.is_object())
      fail(n, "expected an integer, {\"poisson\": mean} or {\"uniform\": [low, high]}, got " + type_of(n.v));
    allow_keys(n, {"poisson", "uniform"});
    const auto p = optional(n, "poisson");
    const auto u = optional(n, "uniform");
    if (p && u) fail(n, "give only one of 'poisson' or 'uniform'");
    if (p) {
      const double mean = number(*p, non_negative());
      if (mean > static_cast<double>(max_group_count)) fail(*p, huge);
      return random_count::poisson(mean);
    }
    if (u) {
      expect_array(*u, 2, "[low, high]");
      const auto lo = integer(element(*u, 0), 0, std::numeric_limits<std::int64_t>::max());
      const auto hi = integer(element(*u, 1), 0, std::numeric_limits<std::int64_t>::max());
      if (lo > hi) fail(*u, "low must be <= high");
      if (hi > max_group_count) fail(element(*u, 1), huge);
      return random_count::uniform(lo, hi);
    }
    fail(n, "expected one of 'poisson' or 'uniform'");
  }

  // A single-shot Pk: a probability, or {"lethal_radius_m": R, "miss_sigma_m": s}.
  double pk(const node& n) const {
    if (n.v.is_number()) return number(n, closed(0.0, 1.0));
    if (!n.v.is_object())
      fail(n, "expected a probability or {\"lethal_radius_m\": R, \"miss_sigma_m\": s}, got " + type_of(n.v));
    allow_keys(n, {"lethal_radius_m", "miss_sigma_m"});
    const double r = number(required(n, "lethal_radius_m"), non_negative());
    const double s = number(required(n, "miss_sigma_m"), positive());
    // Circular normal miss distance: P(miss < R) = 1 - exp(-R^2 / (2 sigma^2)).
    return 1.0 - std::exp(-(r * r) / (2.0 * s * s));
  }

 private:
  std::string source_;
};

// The largest cruise value a class default can produce in practice (normal: its mean).
double typical_max(const random_value& r) {
  switch (r.type) {
    case random_value::kind::fixed: return r.a;
    case random_value::kind::uniform: return r.b;
    case random_value::kind::normal: return r.a;
  }
  return r.a;
}

// ---- sections ----------------------------------------------------------------

void read_radar(const reader& rd, const node& n, radar_parameters& radar) {
  rd.allow_keys(n, {"peak_power_w", "antenna_gain_db", "frequency_hz", "noise_figure_db", "bandwidth_hz", "losses_db",
                    "pulses_integrated", "pfa", "scan_period_s", "antenna_height_m", "max_range_m",
                    "elevation_limits_deg", "track_confirm", "max_tracks"});
  radar.peak_power_w = rd.number(rd.required(n, "peak_power_w"), positive());
  radar.antenna_gain = units::db_to_linear(rd.number(rd.required(n, "antenna_gain_db"), closed(-100.0, 100.0)));
  radar.frequency_hz = rd.number(rd.required(n, "frequency_hz"), positive());
  radar.noise_figure = units::db_to_linear(rd.number(rd.required(n, "noise_figure_db"), closed(0.0, 100.0)));
  radar.bandwidth_hz = rd.number(rd.required(n, "bandwidth_hz"), positive());
  radar.losses = units::db_to_linear(rd.number(rd.required(n, "losses_db"), closed(0.0, 300.0)));
  radar.pulses_integrated = rd.int_value(rd.required(n, "pulses_integrated"), 1, 4096);
  radar.pfa = rd.number(rd.required(n, "pfa"), open(0.0, 1.0));
  radar.scan_period_s = rd.number(rd.required(n, "scan_period_s"), positive());
  radar.antenna_height_m = rd.number(rd.required(n, "antenna_height_m"), closed(0.0, max_height_m));
  radar.max_range_m = rd.number(rd.required(n, "max_range_m"), left_open(0.0, max_distance_m));

  const node elev = rd.required(n, "elevation_limits_deg");
  rd.expect_array(elev, 2, "[min, max] in degrees");
  const double el_min = rd.number(reader::element(elev, 0), closed(-90.0, 90.0));
  const double el_max = rd.number(reader::element(elev, 1), closed(-90.0, 90.0));
  if (!(el_min < el_max)) rd.fail(elev, "min must be less than max");
  radar.min_elevation_rad = units::deg_to_rad(el_min);
  radar.max_elevation_rad = units::deg_to_rad(el_max);

  const node tc = rd.required(n, "track_confirm");
  rd.allow_keys(tc, {"m", "n"});
  const node m = rd.required(tc, "m");
  radar.confirm_m = rd.int_value(m, 1, 64);
  radar.confirm_n = rd.int_value(rd.required(tc, "n"), 1, 64);
  if (radar.confirm_m > radar.confirm_n) rd.fail(m, fmt::format("must be <= n ({})", radar.confirm_n));
  radar.max_tracks = rd.int_value(rd.required(n, "max_tracks"), 1);
}

void read_kinematics(const reader& rd, const node& n, interceptor_kinematics& k) {
  rd.allow_keys(n, {"launch_mass_kg", "specific_impulse_s", "phases", "reference_area_m2", "cd_vs_mach",
                    "max_lateral_accel_mps2", "navigation_ratio", "augmented_pn"});
  k.launch_mass_kg = rd.number(rd.required(n, "launch_mass_kg"), positive());
  k.specific_impulse_s = rd.number(rd.required(n, "specific_impulse_s"), positive());

  const node phases = rd.required(n, "phases");
  if (!phases.v.is_array()) rd.fail(phases, "expected an array of {\"thrust_n\", \"burn_time_s\"}, got " + reader::type_of(phases.v));
  if (phases.v.empty()) rd.fail(phases, "must list at least one motor phase");
  k.phases.clear();
  double propellant_kg = 0.0;
  bool any_thrust = false;
  for (std::size_t i = 0; i < phases.v.size(); ++i) {
    const node ph = reader::element(phases, i);
    rd.allow_keys(ph, {"thrust_n", "burn_time_s"});
    thrust_phase p;
    p.thrust_n = rd.number(rd.required(ph, "thrust_n"), non_negative());
    p.burn_time_s = rd.number(rd.required(ph, "burn_time_s"), positive());
    any_thrust = any_thrust || p.thrust_n > 0.0;
    propellant_kg += p.thrust_n * p.burn_time_s / (k.specific_impulse_s * units::standard_gravity_mps2);
    k.phases.push_back(p);
  }
  if (!any_thrust) rd.fail(phases, "at least one phase must have thrust_n > 0");
  if (!(propellant_kg < k.launch_mass_kg))
    rd.fail(phases, fmt::format("total propellant {} kg (sum of thrust_n x burn_time_s / (specific_impulse_s x g0)) "
                                "must be less than launch_mass_kg ({})",
                                format_number(std::round(propellant_kg * 10.0) / 10.0), format_number(k.launch_mass_kg)));

  k.reference_area_m2 = rd.number(rd.required(n, "reference_area_m2"), positive());

  const node cd = rd.required(n, "cd_vs_mach");
  if (!cd.v.is_array()) rd.fail(cd, "expected an array of [mach, cd] rows, got " + reader::type_of(cd.v));
  if (cd.v.size() < 2) rd.fail(cd, "must have at least 2 [mach, cd] rows");
  k.cd_vs_mach.clear();
  for (std::size_t i = 0; i < cd.v.size(); ++i) {
    const node row = reader::element(cd, i);
    rd.expect_array(row, 2, "[mach, cd]");
    const node mach_node = reader::element(row, 0);
    const double mach = rd.number(mach_node, non_negative());
    const double c = rd.number(reader::element(row, 1), positive());
    if (i > 0 && !(mach > k.cd_vs_mach.back().first))
      rd.fail(mach_node, fmt::format("Mach must increase strictly from row to row (previous row: {})",
                                     format_number(k.cd_vs_mach.back().first)));
    k.cd_vs_mach.emplace_back(mach, c);
  }

  k.max_lateral_accel_mps2 = rd.number(rd.required(n, "max_lateral_accel_mps2"), positive());
  k.navigation_ratio = rd.number(rd.required(n, "navigation_ratio"), positive());
  k.augmented_pn = false;
  if (const auto a = rd.optional(n, "augmented_pn")) k.augmented_pn = rd.boolean(*a);
}

void read_envelope(const reader& rd, const node& n, envelope_limits& e) {
  rd.allow_keys(n, {"min_range_m", "max_range_m", "min_height_m", "max_height_m", "min_speed_mps"});
  e.min_range_m = rd.number(rd.required(n, "min_range_m"), closed(0.0, max_distance_m));
  e.max_range_m = rd.number(rd.required(n, "max_range_m"), left_open(e.min_range_m, max_distance_m),
                            " (greater than min_range_m)");
  e.min_height_m = rd.number(rd.required(n, "min_height_m"), closed(0.0, max_height_m));
  e.max_height_m = rd.number(rd.required(n, "max_height_m"), left_open(e.min_height_m, max_height_m),
                             " (greater than min_height_m)");
  e.min_speed_mps = rd.number(rd.required(n, "min_speed_mps"), closed(0.0, max_speed_mps));
}

void read_pk(const reader& rd, const node& n, scenario& sc) {
  rd.allow_keys(n, {"default", "by_class", "edge", "common_mode_correlation"});
  sc.battery.pk_default = rd.pk(rd.required(n, "default"));
  sc.pk_by_class.assign(sc.classes.size(), sc.battery.pk_default);
  if (const auto by = rd.optional(n, "by_class")) {
    rd.expect_object(*by);
    std::vector<std::string> names;
    for (const auto& cls : sc.classes) names.push_back(cls.name);
    for (const auto& [key, value] : by->v.items()) {
      const node entry{value, by->ptr + "/" + pointer_token(key)};
      if (key == "$comment") {
        rd.string(entry);
        continue;
      }
      const int index = sc.class_index(key);
      if (index < 0) rd.fail(entry, "unknown threat class '" + key + "'" + suggestion(key, names));
      sc.pk_by_class[static_cast<std::size_t>(index)] = rd.pk(entry);
    }
  }
  sc.battery.kill = kill_model{};
  if (const auto edge = rd.optional(n, "edge")) {
    rd.allow_keys(*edge, {"start_fraction", "factor"});
    sc.battery.kill.edge_start_fraction = rd.number(rd.required(*edge, "start_fraction"), left_open(0.0, 1.0));
    sc.battery.kill.edge_factor = rd.number(rd.required(*edge, "factor"), closed(0.0, 1.0));
  }
  if (const auto c = rd.optional(n, "common_mode_correlation"))
    sc.battery.kill.common_mode_correlation = rd.number(*c, closed(0.0, 1.0));
}

void read_battery(const reader& rd, const node& n, scenario& sc) {
  rd.allow_keys(n, {"position_m", "radar", "fire_control", "launchers", "interceptor", "doctrine"});
  auto& b = sc.battery;
  b.position_en_m = rd.position(rd.required(n, "position_m"));
  read_radar(rd, rd.required(n, "radar"), b.radar);

  const node fc = rd.required(n, "fire_control");
  rd.allow_keys(fc, {"max_engaged_targets", "max_interceptors_in_flight", "reaction_time_s", "launch_interval_s"});
  b.fire_control.max_engaged_targets = rd.int_value(rd.required(fc, "max_engaged_targets"), 1);
  b.fire_control.max_interceptors_in_flight = rd.int_value(rd.required(fc, "max_interceptors_in_flight"), 1);
  b.fire_control.reaction_time_s = rd.number(rd.required(fc, "reaction_time_s"), closed(0.0, max_time_s));
  b.fire_control.launch_interval_s = rd.number(rd.required(fc, "launch_interval_s"), closed(0.0, max_time_s));

  const node ln = rd.required(n, "launchers");
  rd.allow_keys(ln, {"count", "ready_per_launcher", "reload_time_s", "reload_rounds"});
  b.launchers.count = rd.int_value(rd.required(ln, "count"), 1, 100000);
  b.launchers.ready_per_launcher = rd.int_value(rd.required(ln, "ready_per_launcher"), 1, 10000);
  b.launchers.reload_time_s = rd.number(rd.required(ln, "reload_time_s"), closed(0.0, max_time_s));
  b.launchers.reload_rounds = rd.int_value(rd.required(ln, "reload_rounds"), 0);

  const node ic = rd.required(n, "interceptor");
  rd.allow_keys(ic, {"kinematics", "envelope", "pk"});
  read_kinematics(rd, rd.required(ic, "kinematics"), b.interceptor);
  read_envelope(rd, rd.required(ic, "envelope"), b.envelope);
  read_pk(rd, rd.required(ic, "pk"), sc);

  const node d = rd.required(n, "doctrine");
  rd.allow_keys(d, {"mode", "salvo_size", "kill_assessment_s", "max_salvos_per_threat"});
  const node mode = rd.required(d, "mode");
  const std::string m = rd.string(mode);
  static constexpr std::string_view modes[] = {"shoot-look-shoot", "shoot-shoot"};
  if (m == modes[0]) b.doctrine.mode = doctrine_mode::shoot_look_shoot;
  else if (m == modes[1]) b.doctrine.mode = doctrine_mode::shoot_shoot;
  else rd.fail(mode, "must be 'shoot-look-shoot' or 'shoot-shoot'" + suggestion(m, modes));
  const node salvo = rd.required(d, "salvo_size");
  b.doctrine.salvo_size = rd.int_value(salvo, 1, max_salvo_size);
  const int magazine = b.launchers.count * b.launchers.ready_per_launcher;
  if (b.doctrine.salvo_size > magazine)
    rd.fail(salvo, fmt::format("must be <= the rounds the launchers hold (count x ready_per_launcher = {})", magazine));
  if (b.doctrine.salvo_size > b.fire_control.max_interceptors_in_flight)
    rd.fail(salvo, fmt::format("must be <= fire_control max_interceptors_in_flight ({})",
                               b.fire_control.max_interceptors_in_flight));
  b.doctrine.kill_assessment_s = rd.number(rd.required(d, "kill_assessment_s"), closed(0.0, max_time_s));
  b.doctrine.max_salvos_per_threat = rd.int_value(rd.required(d, "max_salvos_per_threat"), 1);
}

// Cruise heights a class (or a group of it) may take: below the pop-up height if it has one.
interval cruise_height_range(const threat_class& cls) {
  if (cls.terminal == terminal_kind::pop_up) return {0.0, cls.terminal_height_m, false, true};
  return closed(0.0, max_height_m);
}

void read_class(const reader& rd, const node& n, threat_class& cls, threat_class_defaults& defaults) {
  rd.allow_keys(n, {"trajectory", "rcs_m2", "swerling", "leak_distance_m", "speed_mps", "height_m", "terminal",
                    "flight_time_s", "apogee_m"});
  const node traj = rd.required(n, "trajectory");
  const std::string t = rd.string(traj);
  static constexpr std::string_view kinds[] = {"straight", "ballistic"};
  if (t == kinds[0]) cls.trajectory = trajectory_kind::straight;
  else if (t == kinds[1]) cls.trajectory = trajectory_kind::ballistic;
  else rd.fail(traj, "must be 'straight' or 'ballistic'" + suggestion(t, kinds));

  cls.rcs_m2 = rd.number(rd.required(n, "rcs_m2"), positive());
  cls.swerling = static_cast<swerling_case>(rd.int_value(rd.required(n, "swerling"), 0, 4));
  cls.leak_distance_m = rd.number(rd.required(n, "leak_distance_m"), closed(0.0, max_distance_m));

  const auto not_for = [&](std::string_view key, const char* kind) {
    if (const auto k = rd.optional(n, key)) rd.fail(*k, fmt::format("not used by {} classes", kind));
  };

  defaults = threat_class_defaults{};
  if (cls.trajectory == trajectory_kind::straight) {
    not_for("flight_time_s", "straight");
    not_for("apogee_m", "straight");
    defaults.speed_mps = rd.random(rd.required(n, "speed_mps"), left_open(0.0, max_speed_mps));
    const node height = rd.required(n, "height_m");
    defaults.height_m = rd.random(height, closed(0.0, max_height_m));
    cls.terminal = terminal_kind::none;
    if (const auto term = rd.optional(n, "terminal")) {
      rd.allow_keys(*term, {"kind", "distance_m", "height_m"});
      const node kind = rd.required(*term, "kind");
      const std::string k = rd.string(kind);
      static constexpr std::string_view terminals[] = {"pop_up", "dive"};
      if (k == terminals[0]) cls.terminal = terminal_kind::pop_up;
      else if (k == terminals[1]) cls.terminal = terminal_kind::dive;
      else rd.fail(kind, "must be 'pop_up' or 'dive'" + suggestion(k, terminals));
      cls.terminal_distance_m = rd.number(rd.required(*term, "distance_m"), left_open(0.0, max_distance_m));
      if (cls.terminal == terminal_kind::pop_up) {
        const double cruise = typical_max(defaults.height_m);
        cls.terminal_height_m = rd.number(rd.required(*term, "height_m"), left_open(cruise, max_height_m),
                                          " (above the class's cruise height_m)");
        // Keep truncated-normal cruise heights below the pop-up height.
        defaults.height_m.upper_bound = std::min(defaults.height_m.upper_bound, cruise_height_range(cls).upper_bound());
      } else if (const auto h = rd.optional(*term, "height_m")) {
        rd.fail(*h, "only used by kind 'pop_up'");
      }
    }
  } else {
    not_for("speed_mps", "ballistic");
    not_for("height_m", "ballistic");
    not_for("terminal", "ballistic");
    const auto ft = rd.optional(n, "flight_time_s");
    const auto ap = rd.optional(n, "apogee_m");
    if (ft && ap) rd.fail(*ap, "give only one of 'flight_time_s' or 'apogee_m'");
    if (!ft && !ap) rd.fail_at(n.ptr + "/flight_time_s", "missing required key (give 'flight_time_s' or 'apogee_m')");
    cls.flight_time_s = ft ? rd.number(*ft, left_open(0.0, max_time_s)) : 0.0;
    cls.apogee_height_m = ap ? rd.number(*ap, left_open(0.0, max_distance_m)) : 0.0;
    defaults.speed_mps = random_value::fixed(0.0);
    defaults.height_m = random_value::fixed(0.0);
  }
}

void read_group(const reader& rd, const node& n, scenario& sc, raid_group& g) {
  rd.allow_keys(n, {"class", "count", "launch_time_s", "bearing_deg", "start_range_m", "height_m", "speed_mps",
                    "aim_point_m"});
  const node cn = rd.required(n, "class");
  const std::string name = rd.string(cn);
  g.class_index = sc.class_index(name);
  if (g.class_index < 0) {
    std::vector<std::string> names;
    for (const auto& cls : sc.classes) names.push_back(cls.name);
    rd.fail(cn, "unknown threat class '" + name + "'" + suggestion(name, names));
  }
  const threat_class& cls = sc.classes[static_cast<std::size_t>(g.class_index)];
  g.count = rd.count(rd.required(n, "count"));
  g.launch_time_s = rd.random(rd.required(n, "launch_time_s"), closed(0.0, max_time_s));
  g.bearing_deg = rd.random(rd.required(n, "bearing_deg"), any_finite());
  g.start_range_m = rd.random(rd.required(n, "start_range_m"), left_open(cls.leak_distance_m, max_distance_m),
                              fmt::format(" (beyond class '{}' leak_distance_m)", cls.name));
  g.height_m.reset();
  g.speed_mps.reset();
  if (const auto h = rd.optional(n, "height_m")) {
    if (cls.trajectory != trajectory_kind::straight) rd.fail(*h, "only used by straight-trajectory classes");
    g.height_m = rd.random(*h, cruise_height_range(cls),
                           cls.terminal == terminal_kind::pop_up ? " (below the class's pop-up height_m)" : "");
  }
  if (const auto s = rd.optional(n, "speed_mps")) {
    if (cls.trajectory != trajectory_kind::straight) rd.fail(*s, "only used by straight-trajectory classes");
    g.speed_mps = rd.random(*s, left_open(0.0, max_speed_mps));
  }
  g.aim_en_m = sc.defended_asset_en_m;
  if (const auto a = rd.optional(n, "aim_point_m")) g.aim_en_m = rd.position(*a);
}

// ---- code-level validation ----------------------------------------------------

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("scenario: " + what); }

void check_value(const random_value& r, const std::string& what) {
  const bool bounds_ok = !std::isnan(r.lower_bound) && !std::isnan(r.upper_bound) && r.lower_bound <= r.upper_bound;
  if (!bounds_ok) invalid(fmt::format("{}: bounds [{}, {}] are not an interval", what, r.lower_bound, r.upper_bound));
  switch (r.type) {
    case random_value::kind::fixed:
      if (!std::isfinite(r.a) || r.a < r.lower_bound || r.a > r.upper_bound)
        invalid(fmt::format("{}: value {} outside [{}, {}]", what, r.a, r.lower_bound, r.upper_bound));
      break;
    case random_value::kind::uniform:
      if (!std::isfinite(r.a) || !std::isfinite(r.b) || !(r.a < r.b) || r.a < r.lower_bound || r.b > r.upper_bound)
        invalid(fmt::format("{}: uniform [{}, {}] must have low < high inside [{}, {}]", what, r.a, r.b, r.lower_bound,
                            r.upper_bound));
      break;
    case random_value::kind::normal:
      if (!std::isfinite(r.a) || !std::isfinite(r.b) || !(r.b > 0.0) || r.a < r.lower_bound || r.a > r.upper_bound)
        invalid(fmt::format("{}: normal mean {} sd {} needs sd > 0 and the mean inside [{}, {}]", what, r.a, r.b,
                            r.lower_bound, r.upper_bound));
      break;
  }
}

// The smallest value a random value can take.
double smallest(const random_value& r) {
  switch (r.type) {
    case random_value::kind::fixed: return r.a;
    case random_value::kind::uniform: return r.a;
    case random_value::kind::normal: return r.lower_bound;
  }
  return r.a;
}

void check_count(const random_count& c, const std::string& what) {
  switch (c.type) {
    case random_count::kind::fixed:
      if (c.value < 0 || c.value > max_group_count) invalid(fmt::format("{}: count {} outside [0, {}]", what, c.value, max_group_count));
      break;
    case random_count::kind::uniform:
      if (c.value < 0 || c.value > c.high || c.high > max_group_count)
        invalid(fmt::format("{}: uniform count [{}, {}] needs 0 <= low <= high <= {}", what, c.value, c.high, max_group_count));
      break;
    case random_count::kind::poisson:
      if (!std::isfinite(c.mean) || c.mean < 0.0 || c.mean > static_cast<double>(max_group_count))
        invalid(fmt::format("{}: Poisson mean {} outside [0, {}]", what, c.mean, max_group_count));
      break;
  }
}

// Scenario-level checks: class names, per-class tables, raid references, Monte Carlo settings.
void validate_cross_references(const scenario& sc) {
  if (sc.classes.empty()) invalid("no threat classes");
  for (std::size_t i = 0; i < sc.classes.size(); ++i) {
    if (sc.classes[i].name.empty()) invalid(fmt::format("class {} has an empty name", i));
    for (std::size_t j = 0; j < i; ++j)
      if (sc.classes[j].name == sc.classes[i].name) invalid("duplicate class name '" + sc.classes[i].name + "'");
  }
  if (sc.pk_by_class.size() != sc.classes.size())
    invalid(fmt::format("pk_by_class has {} entries for {} classes", sc.pk_by_class.size(), sc.classes.size()));
  for (std::size_t i = 0; i < sc.pk_by_class.size(); ++i)
    if (!(sc.pk_by_class[i] >= 0.0 && sc.pk_by_class[i] <= 1.0))
      invalid(fmt::format("pk_by_class[{}] ({}) = {} outside [0, 1]", i, sc.classes[i].name, sc.pk_by_class[i]));
  if (!(sc.battery.pk_default >= 0.0 && sc.battery.pk_default <= 1.0))
    invalid(fmt::format("battery pk_default = {} outside [0, 1]", sc.battery.pk_default));
  if (sc.raid.class_defaults.size() != sc.classes.size())
    invalid(fmt::format("raid.class_defaults has {} entries for {} classes", sc.raid.class_defaults.size(),
                        sc.classes.size()));
  for (std::size_t i = 0; i < sc.classes.size(); ++i) {
    if (sc.classes[i].trajectory != trajectory_kind::straight) continue;
    const auto& d = sc.raid.class_defaults[i];
    check_value(d.height_m, "class '" + sc.classes[i].name + "' height_m");
    check_value(d.speed_mps, "class '" + sc.classes[i].name + "' speed_mps");
    if (!(smallest(d.speed_mps) > 0.0)) invalid("class '" + sc.classes[i].name + "' speed_mps must be > 0");
  }
  if (sc.raid.groups.empty()) invalid("the raid has no groups");
  for (std::size_t gi = 0; gi < sc.raid.groups.size(); ++gi) {
    const auto& g = sc.raid.groups[gi];
    const std::string what = fmt::format("raid group {}", gi);
    if (g.class_index < 0 || static_cast<std::size_t>(g.class_index) >= sc.classes.size())
      invalid(fmt::format("{}: class index {} outside [0, {})", what, g.class_index, sc.classes.size()));
    const auto& cls = sc.classes[static_cast<std::size_t>(g.class_index)];
    check_count(g.count, what);
    check_value(g.launch_time_s, what + " launch_time_s");
    if (smallest(g.launch_time_s) < 0.0) invalid(what + " launch_time_s must be >= 0");
    check_value(g.bearing_deg, what + " bearing_deg");
    check_value(g.start_range_m, what + " start_range_m");
    if (!(smallest(g.start_range_m) > cls.leak_distance_m))
      invalid(fmt::format("{} start_range_m must exceed class '{}' leak_distance_m ({})", what, cls.name,
                          cls.leak_distance_m));
    if (g.height_m) check_value(*g.height_m, what + " height_m");
    if (g.speed_mps) {
      check_value(*g.speed_mps, what + " speed_mps");
      if (!(smallest(*g.speed_mps) > 0.0)) invalid(what + " speed_mps must be > 0");
    }
    if (!g.aim_en_m.allFinite()) invalid(what + " aim point is not finite");
  }
  // Each threat of a trial draws from its own sub-streams, of which there are 2^20.
  std::int64_t most_threats = 0;
  for (const auto& g : sc.raid.groups) most_threats += g.count.upper_hint();
  if (most_threats >= static_cast<std::int64_t>(max_sub_streams))
    invalid(fmt::format("the raid can hold {} threats in a trial; at most {} are supported", most_threats,
                        max_sub_streams - 1));
  const auto& mc = sc.monte_carlo;
  if (mc.trials < 1 || mc.trials > 1000000000u) invalid(fmt::format("monte_carlo trials {} outside [1, 1e9]", mc.trials));
  if (!(mc.confidence > 0.0 && mc.confidence < 1.0))
    invalid(fmt::format("monte_carlo confidence {} outside (0, 1)", mc.confidence));
  if (!(mc.target_halfwidth >= 0.0 && mc.target_halfwidth < 0.5))
    invalid(fmt::format("monte_carlo target_halfwidth {} outside [0, 0.5)", mc.target_halfwidth));
  if (!sc.defended_asset_en_m.allFinite() || !sc.battery.position_en_m.allFinite())
    invalid("defended asset or battery position is not finite");
}

}  // namespace

// ---- public API ----------------------------------------------------------------

namespace {
std::string compose_message(const std::string& source, const std::string& pointer, const std::string& value,
                            const std::string& reason) {
  std::string s = source + ": ";
  if (!pointer.empty()) s += pointer + ": ";
  s += reason;
  if (!value.empty()) s += " (value: " + value + ")";
  return s;
}
}  // namespace

scenario_error::scenario_error(std::string source, std::string json_pointer, std::string value, std::string reason)
    : std::runtime_error(compose_message(source, json_pointer, value, reason)),
      source_(std::move(source)),
      pointer_(std::move(json_pointer)),
      value_(std::move(value)),
      reason_(std::move(reason)) {}

int scenario::class_index(const std::string& class_name) const {
  for (std::size_t i = 0; i < classes.size(); ++i)
    if (classes[i].name == class_name) return static_cast<int>(i);
  return -1;
}

scenario parse_scenario(const nlohmann::json& document, const std::string& source) {
  const reader rd(source);
  const node root{document, ""};
  rd.expect_object(root);
  // The version first: a future format may have other keys.
  if (const auto v = rd.optional(root, "samsim")) {
    if (rd.integer(*v, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()) != 1)
      rd.fail(*v, "unsupported format version (this samsim reads version 1)");
  }
  rd.allow_keys(root, {"samsim", "name", "description", "defended_asset", "battery", "threat_classes", "raid",
                       "monte_carlo"});
  rd.required(root, "samsim");

  scenario sc;
  const node name = rd.required(root, "name");
  sc.name = rd.string(name);
  if (sc.name.empty()) rd.fail(name, "must not be empty");
  if (const auto d = rd.optional(root, "description")) sc.description = rd.string(*d);

  const node asset = rd.required(root, "defended_asset");
  rd.allow_keys(asset, {"position_m"});
  sc.defended_asset_en_m = rd.position(rd.required(asset, "position_m"));

  // Classes before the battery and the raid, which refer to them by name.
  const node classes = rd.required(root, "threat_classes");
  rd.expect_object(classes);
  for (const auto& [key, value] : classes.v.items()) {
    const node c{value, classes.ptr + "/" + pointer_token(key)};
    if (key == "$comment") {
      rd.string(c);
      continue;
    }
    if (key.empty()) rd.fail(c, "class name must not be empty");
    threat_class cls;
    cls.name = key;
    threat_class_defaults defaults;
    read_class(rd, c, cls, defaults);
    sc.classes.push_back(std::move(cls));
    sc.raid.class_defaults.push_back(defaults);
  }
  if (sc.classes.empty()) rd.fail(classes, "must define at least one threat class");

  const node battery = rd.required(root, "battery");
  read_battery(rd, battery, sc);

  const node raid = rd.required(root, "raid");
  if (!raid.v.is_array()) rd.fail(raid, "expected an array of raid groups, got " + reader::type_of(raid.v));
  if (raid.v.empty()) rd.fail(raid, "must list at least one raid group");
  for (std::size_t i = 0; i < raid.v.size(); ++i) {
    raid_group g;
    read_group(rd, reader::element(raid, i), sc, g);
    sc.raid.groups.push_back(g);
  }

  const node mc = rd.required(root, "monte_carlo");
  rd.allow_keys(mc, {"trials", "seed", "confidence", "target_halfwidth"});
  sc.monte_carlo.trials = static_cast<std::uint64_t>(rd.integer(rd.required(mc, "trials"), 1, 1000000000));
  sc.monte_carlo.seed = rd.unsigned64(rd.required(mc, "seed"));
  sc.monte_carlo.confidence = rd.number(rd.required(mc, "confidence"), open(0.0, 1.0));
  sc.monte_carlo.target_halfwidth = 0.0;
  if (const auto h = rd.optional(mc, "target_halfwidth")) sc.monte_carlo.target_halfwidth = rd.number(*h, open(0.0, 0.5));

  // The model's own checks, mapped to the part of the document they concern.
  const auto model_check = [&](const std::string& ptr, const auto& part) {
    try {
      validate(part);
    } catch (const std::invalid_argument& e) {
      rd.fail_at(ptr, e.what());
    }
  };
  model_check("/battery/radar", sc.battery.radar);
  model_check("/battery/interceptor/kinematics", sc.battery.interceptor);
  model_check("/battery/interceptor/envelope", sc.battery.envelope);
  model_check(battery.ptr, sc.battery);
  for (const auto& cls : sc.classes) {
    try {
      validate(cls);
    } catch (const std::invalid_argument& e) {
      rd.fail_at(classes.ptr + "/" + pointer_token(cls.name), e.what());
    }
  }
  try {
    validate_cross_references(sc);
  } catch (const std::invalid_argument& e) {
    rd.fail_at("", e.what());
  }
  return sc;
}

scenario parse_scenario_text(const std::string& text, const std::string& source) {
  return parse_scenario(parse_json_text(text, source, "empty scenario text"), source);
}

nlohmann::json read_scenario_json(const std::filesystem::path& path) { return read_json_file(path); }

scenario load_scenario(const std::filesystem::path& path) { return parse_scenario(read_json_file(path), path.string()); }

void validate(const scenario& sc) {
  validate(sc.battery.radar);
  validate(sc.battery.interceptor);
  validate(sc.battery.envelope);
  validate(sc.battery);
  for (const auto& cls : sc.classes) validate(cls);
  validate_cross_references(sc);
}

void expand_to_defended_area(scenario& sc) {
  if (!sc.batteries.empty()) return;
  const battery_parameters& b = sc.battery;
  sc.assets = {asset{"asset", sc.defended_asset_en_m, 1.0}};
  interceptor_type type;
  type.name = "interceptor";
  type.model = kinematics_model::three_dof;
  type.kinematics = b.interceptor;
  type.envelope = b.envelope;
  type.pk_default = b.pk_default;
  type.pk_by_class = sc.pk_by_class;
  type.kill = b.kill;
  type.cost_per_round = 0.0;
  sc.interceptors = {std::move(type)};
  battery_site site;
  site.name = "battery";
  site.position_en_m = b.position_en_m;
  site.ready_time_s = 0.0;
  site.value = 1.0;
  site.radar = b.radar;
  site.fire_control = b.fire_control;
  site.doctrine = b.doctrine;
  site.launchers = {launcher_group{0, b.launchers}};
  sc.batteries = {std::move(site)};
  sc.network = network_parameters{};
  sc.fire_distribution = fire_distribution_settings{};
  for (auto& g : sc.raid.groups) g.target = target_ref{target_ref::kind::asset, 0};
}

}  // namespace samsim
