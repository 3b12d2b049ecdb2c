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
constexpr double max_value = 1e15;  // asset and battery values
constexpr double max_cost = 1e15;   // costs per round and per threat
constexpr int max_priority = 1000000;
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
  /// Deeper than any scenario needs: error messages show values with a recursive dump.
  static constexpr std::size_t max_depth = 256;
  struct too_deep {
    std::string pointer;
  };

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (frames_.size() >= max_depth) throw too_deep{pointer()};
        frames_.push_back({event == json::parse_event_t::array_start, 0, std::nullopt, {}});
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
  } catch (const path_tracker::too_deep& d) {
    throw scenario_error(source, d.pointer, "",
                         fmt::format("nested deeper than {} levels", path_tracker::max_depth));
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
    allow_keys(n, std::vector<std::string_view>(allowed));
  }
  void allow_keys(const node& n, const std::vector<std::string_view>& allowed) const {
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

  // Calls f(name, entry) for each entry of an object keyed by name, "$comment"
  // aside; `what` names an entry in the error for an empty name.
  template <typename F>
  void for_each_named(const node& n, const char* what, F&& f) const {
    expect_object(n);
    for (const auto& [key, value] : n.v.items()) {
      const node entry{value, n.ptr + "/" + pointer_token(key)};
      if (key == "$comment") {
        string(entry);
        continue;
      }
      if (key.empty()) fail(entry, std::string(what) + " name must not be empty");
      f(key, entry);
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
    // A key whose only stated bound is its lower one is still read into an
    // int: the message names the upper bound too, so that 2^40 is not told it
    // "must be >= 1".
    const std::string range = hi == std::numeric_limits<std::int64_t>::max()
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
  // The index of a string among `names`, or an error listing them.
  template <std::size_t N>
  std::size_t choice(const node& n, const std::string_view (&names)[N]) const {
    static_assert(N >= 2);
    const std::string word = string(n);
    for (std::size_t i = 0; i < N; ++i)
      if (word == names[i]) return i;
    std::string list;
    for (std::size_t i = 0; i < N; ++i)
      list += (i == 0 ? "'" : i + 1 == N ? " or '" : ", '") + std::string(names[i]) + "'";
    fail(n, "must be " + list + suggestion(word, names));
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
    // A count too large even for a 64-bit integer (1e17, 2^64 - 1) is as
    // huge as 5e9, and is told so rather than that it must be >= 0.
    auto group_count = [&](const node& c) {
      if (c.v.is_number() && std::isfinite(c.v.get<double>()) && c.v.get<double>() > static_cast<double>(max_group_count))
        fail(c, huge);
      return integer(c, 0, std::numeric_limits<std::int64_t>::max());
    };
    if (n.v.is_number()) return random_count::fixed(group_count(n));
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
      const auto lo = group_count(element(*u, 0));
      const auto hi = group_count(element(*u, 1));
      if (lo > hi) fail(*u, "low must be <= high");
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

// The keys of a section and the keys one format adds to it.
std::vector<std::string_view> with(std::initializer_list<std::string_view> keys,
                                   std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> all(keys);
  all.insert(all.end(), extra);
  return all;
}

// The 3-DOF kinematics; `extra_keys` are keys the caller reads (format 2: "model").
void read_kinematics(const reader& rd, const node& n, interceptor_kinematics& k,
                     std::initializer_list<std::string_view> extra_keys = {}) {
  rd.allow_keys(n, with({"launch_mass_kg", "specific_impulse_s", "phases", "reference_area_m2", "cd_vs_mach",
                         "max_lateral_accel_mps2", "navigation_ratio", "augmented_pn"},
                        extra_keys));
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

// A `pk` object: the default, per-class entries (indexed like `classes`) and the kill model.
void read_pk(const reader& rd, const node& n, const std::vector<threat_class>& classes, double& pk_default,
             std::vector<double>& pk_by_class, kill_model& kill) {
  rd.allow_keys(n, {"default", "by_class", "edge", "common_mode_correlation"});
  pk_default = rd.pk(rd.required(n, "default"));
  pk_by_class.assign(classes.size(), pk_default);
  if (const auto by = rd.optional(n, "by_class")) {
    std::vector<std::string> names;
    for (const auto& cls : classes) names.push_back(cls.name);
    rd.for_each_named(*by, "class", [&](const std::string& key, const node& entry) {
      const auto it = std::find(names.begin(), names.end(), key);
      if (it == names.end()) rd.fail(entry, "unknown threat class '" + key + "'" + suggestion(key, names));
      pk_by_class[static_cast<std::size_t>(it - names.begin())] = rd.pk(entry);
    });
  }
  kill = kill_model{};
  if (const auto edge = rd.optional(n, "edge")) {
    rd.allow_keys(*edge, {"start_fraction", "factor"});
    kill.edge_start_fraction = rd.number(rd.required(*edge, "start_fraction"), left_open(0.0, 1.0));
    kill.edge_factor = rd.number(rd.required(*edge, "factor"), closed(0.0, 1.0));
  }
  if (const auto c = rd.optional(n, "common_mode_correlation"))
    kill.common_mode_correlation = rd.number(*c, closed(0.0, 1.0));
}

void read_fire_control(const reader& rd, const node& n, fire_control_parameters& fc) {
  rd.allow_keys(n, {"max_engaged_targets", "max_interceptors_in_flight", "reaction_time_s", "launch_interval_s"});
  fc.max_engaged_targets = rd.int_value(rd.required(n, "max_engaged_targets"), 1);
  fc.max_interceptors_in_flight = rd.int_value(rd.required(n, "max_interceptors_in_flight"), 1);
  fc.reaction_time_s = rd.number(rd.required(n, "reaction_time_s"), closed(0.0, max_time_s));
  fc.launch_interval_s = rd.number(rd.required(n, "launch_interval_s"), closed(0.0, max_time_s));
}

// Launchers; `extra_keys` are keys the caller reads (format 2: "interceptor").
void read_launchers(const reader& rd, const node& n, launcher_parameters& l,
                    std::initializer_list<std::string_view> extra_keys = {}) {
  rd.allow_keys(n, with({"count", "ready_per_launcher", "reload_time_s", "reload_rounds"}, extra_keys));
  l.count = rd.int_value(rd.required(n, "count"), 1, 100000);
  l.ready_per_launcher = rd.int_value(rd.required(n, "ready_per_launcher"), 1, 10000);
  l.reload_time_s = rd.number(rd.required(n, "reload_time_s"), closed(0.0, max_time_s));
  l.reload_rounds = rd.int_value(rd.required(n, "reload_rounds"), 0);
}

void read_doctrine(const reader& rd, const node& n, doctrine_parameters& d) {
  rd.allow_keys(n, {"mode", "salvo_size", "kill_assessment_s", "max_salvos_per_threat"});
  static constexpr std::string_view modes[] = {"shoot-look-shoot", "shoot-shoot"};
  d.mode = rd.choice(rd.required(n, "mode"), modes) == 0 ? doctrine_mode::shoot_look_shoot : doctrine_mode::shoot_shoot;
  d.salvo_size = rd.int_value(rd.required(n, "salvo_size"), 1, max_salvo_size);
  d.kill_assessment_s = rd.number(rd.required(n, "kill_assessment_s"), closed(0.0, max_time_s));
  d.max_salvos_per_threat = rd.int_value(rd.required(n, "max_salvos_per_threat"), 1);
}

// A salvo must fit in the rounds that hold it (`magazine`, which `rounds_text`
// describes) and in the interceptors in flight.
void check_salvo(const reader& rd, const node& doctrine, const doctrine_parameters& d, int magazine,
                 const std::string& rounds_text, const fire_control_parameters& fc) {
  const node salvo = rd.required(doctrine, "salvo_size");
  if (d.salvo_size > magazine) rd.fail(salvo, "must be <= " + rounds_text);
  if (d.salvo_size > fc.max_interceptors_in_flight)
    rd.fail(salvo, fmt::format("must be <= fire_control max_interceptors_in_flight ({})", fc.max_interceptors_in_flight));
}

void read_battery(const reader& rd, const node& n, scenario& sc) {
  rd.allow_keys(n, {"position_m", "radar", "fire_control", "launchers", "interceptor", "doctrine"});
  auto& b = sc.battery;
  b.position_en_m = rd.position(rd.required(n, "position_m"));
  read_radar(rd, rd.required(n, "radar"), b.radar);
  read_fire_control(rd, rd.required(n, "fire_control"), b.fire_control);
  read_launchers(rd, rd.required(n, "launchers"), b.launchers);

  const node ic = rd.required(n, "interceptor");
  rd.allow_keys(ic, {"kinematics", "envelope", "pk"});
  read_kinematics(rd, rd.required(ic, "kinematics"), b.interceptor);
  read_envelope(rd, rd.required(ic, "envelope"), b.envelope);
  read_pk(rd, rd.required(ic, "pk"), sc.classes, b.pk_default, sc.pk_by_class, b.kill);

  const node d = rd.required(n, "doctrine");
  read_doctrine(rd, d, b.doctrine);
  const int magazine = b.launchers.count * b.launchers.ready_per_launcher;
  check_salvo(rd, d, b.doctrine, magazine,
              fmt::format("the rounds the launchers hold (count x ready_per_launcher = {})", magazine), b.fire_control);
}

// Cruise heights a class (or a group of it) may take: below the pop-up height if it has one.
interval cruise_height_range(const threat_class& cls) {
  if (cls.terminal == terminal_kind::pop_up) return {0.0, cls.terminal_height_m, false, true};
  return closed(0.0, max_height_m);
}

// A key that only a later format reads.
void only_in_format_2(const reader& rd, const node& n, std::string_view key, int format) {
  if (format >= 2) return;
  if (const auto k = rd.optional(n, key)) rd.fail(*k, fmt::format("'{}' is a format 2 key (\"samsim\": 2)", key));
}

void read_class(const reader& rd, const node& n, int format, threat_class& cls, threat_class_defaults& defaults) {
  rd.allow_keys(n, {"trajectory", "rcs_m2", "swerling", "leak_distance_m", "speed_mps", "height_m", "terminal",
                    "flight_time_s", "apogee_m", "priority", "cost"});
  only_in_format_2(rd, n, "cost", format);
  static constexpr std::string_view kinds[] = {"straight", "ballistic"};
  cls.trajectory =
      rd.choice(rd.required(n, "trajectory"), kinds) == 0 ? trajectory_kind::straight : trajectory_kind::ballistic;

  cls.rcs_m2 = rd.number(rd.required(n, "rcs_m2"), positive());
  cls.swerling = static_cast<swerling_case>(rd.int_value(rd.required(n, "swerling"), 0, 4));
  cls.leak_distance_m = rd.number(rd.required(n, "leak_distance_m"), closed(0.0, max_distance_m));
  cls.priority = 0;
  if (const auto p = rd.optional(n, "priority")) cls.priority = rd.int_value(*p, -max_priority, max_priority);
  cls.cost = 0.0;
  if (const auto c = rd.optional(n, "cost")) cls.cost = rd.number(*c, closed(0.0, max_cost));

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
      static constexpr std::string_view terminals[] = {"pop_up", "dive"};
      cls.terminal = rd.choice(rd.required(*term, "kind"), terminals) == 0 ? terminal_kind::pop_up : terminal_kind::dive;
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
    // The flat-earth constant-g parabola holds up to these (docs/scenario.md).
    const std::string beyond = "beyond it the flat-earth constant-g ballistic model does not hold";
    cls.flight_time_s = ft ? rd.number(*ft, left_open(0.0, max_ballistic_flight_time_s()),
                                       fmt::format(" (the flight time to a {} m apogee, sqrt(8 H / g); {})",
                                                   format_number(max_ballistic_apogee_m), beyond))
                           : 0.0;
    cls.apogee_height_m = ap ? rd.number(*ap, left_open(0.0, max_ballistic_apogee_m), " (" + beyond + ")") : 0.0;
    defaults.speed_mps = random_value::fixed(0.0);
    defaults.height_m = random_value::fixed(0.0);
  }
}

// The position a target stands at.
Eigen::Vector2d target_position(const scenario& sc, const target_ref& t) {
  const auto i = static_cast<std::size_t>(t.index);
  return t.type == target_ref::kind::asset ? sc.assets[i].position_en_m : sc.batteries[i].position_en_m;
}

void read_target(const reader& rd, const node& n, const scenario& sc, raid_group& g) {
  g.target = target_ref{};
  if (const auto t = rd.optional(n, "target")) {
    const std::string name = rd.string(*t);
    if (const int a = sc.asset_index(name); a >= 0) {
      g.target = {target_ref::kind::asset, a};
    } else if (const int b = sc.battery_index(name); b >= 0) {
      g.target = {target_ref::kind::battery, b};
    } else {
      std::vector<std::string> names;
      for (const auto& x : sc.assets) names.push_back(x.name);
      for (const auto& x : sc.batteries) names.push_back(x.name);
      rd.fail(*t, "unknown target '" + name + "': not an asset or a battery" + suggestion(name, names));
    }
  }
  g.aim_en_m = target_position(sc, g.target);
}

void read_group(const reader& rd, const node& n, scenario& sc, raid_group& g) {
  rd.allow_keys(n, {"class", "count", "launch_time_s", "bearing_deg", "start_range_m", "height_m", "speed_mps",
                    "aim_point_m", "target"});
  if (sc.format >= 2) {
    if (const auto a = rd.optional(n, "aim_point_m"))
      rd.fail(*a, "not used in format 2: a group's threats aim at its 'target' (an asset or a battery)");
  } else {
    only_in_format_2(rd, n, "target", sc.format);
  }
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
  if (cls.trajectory == trajectory_kind::ballistic)
    g.start_range_m = rd.random(rd.required(n, "start_range_m"),
                                left_open(cls.leak_distance_m, max_ballistic_ground_range_m),
                                fmt::format(" (beyond class '{}' leak_distance_m; a ballistic ground range beyond {} m "
                                            "is outside the flat-earth model)",
                                            cls.name, format_number(max_ballistic_ground_range_m)));
  else
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
  if (sc.format >= 2) {
    read_target(rd, n, sc, g);
  } else {
    g.aim_en_m = sc.defended_asset_en_m;
    if (const auto a = rd.optional(n, "aim_point_m")) g.aim_en_m = rd.position(*a);
  }
}

// ---- format 2 sections ----------------------------------------------------------

// A name that must be new among `taken` (nodes of earlier names of one kind).
void check_new_name(const reader& rd, const node& name_node, const std::string& name, const char* kind,
                    const std::vector<std::pair<std::string, std::string>>& taken) {
  for (const auto& [other, ptr] : taken)
    if (other == name) rd.fail(name_node, fmt::format("duplicate {} name '{}' (also at {})", kind, name, ptr));
}

void read_assets(const reader& rd, const node& n, scenario& sc) {
  if (!n.v.is_array()) rd.fail(n, "expected an array of assets, got " + reader::type_of(n.v));
  if (n.v.empty()) rd.fail(n, "must list at least one asset");
  std::vector<std::pair<std::string, std::string>> names;
  for (std::size_t i = 0; i < n.v.size(); ++i) {
    const node a = reader::element(n, i);
    rd.allow_keys(a, {"name", "position_m", "value"});
    asset x;
    const node name = rd.required(a, "name");
    x.name = rd.string(name);
    if (x.name.empty()) rd.fail(name, "must not be empty");
    check_new_name(rd, name, x.name, "asset", names);
    names.emplace_back(x.name, name.ptr);
    x.position_en_m = rd.position(rd.required(a, "position_m"));
    if (const auto v = rd.optional(a, "value")) x.value = rd.number(*v, left_open(0.0, max_value));
    sc.assets.push_back(std::move(x));
  }
}

void read_interceptor_type(const reader& rd, const node& n, const std::vector<threat_class>& classes,
                           interceptor_type& t) {
  rd.allow_keys(n, {"kinematics", "envelope", "pk", "cost"});
  const node k = rd.required(n, "kinematics");
  rd.expect_object(k);
  static constexpr std::string_view models[] = {"3dof", "average_speed"};
  std::optional<node> speed;
  if (rd.choice(rd.required(k, "model"), models) == 0) {
    t.model = kinematics_model::three_dof;
    read_kinematics(rd, k, t.kinematics, {"model"});
  } else {
    t.model = kinematics_model::average_speed;
    rd.allow_keys(k, {"model", "speed_mps"});
    speed.emplace(rd.required(k, "speed_mps"));
    t.average_speed_mps = rd.number(*speed, left_open(0.0, max_speed_mps));
  }
  read_envelope(rd, rd.required(n, "envelope"), t.envelope);
  if (speed && t.average_speed_mps < t.envelope.min_speed_mps)
    rd.fail(*speed, fmt::format("must be >= envelope min_speed_mps ({}): an average_speed type arrives at this speed",
                                format_number(t.envelope.min_speed_mps)));
  read_pk(rd, rd.required(n, "pk"), classes, t.pk_default, t.pk_by_class, t.kill);
  t.cost_per_round = 0.0;
  if (const auto c = rd.optional(n, "cost")) t.cost_per_round = rd.number(*c, closed(0.0, max_cost));
}

void read_interceptors(const reader& rd, const node& n, scenario& sc) {
  rd.for_each_named(n, "interceptor type", [&](const std::string& key, const node& entry) {
    interceptor_type t;
    t.name = key;
    read_interceptor_type(rd, entry, sc.classes, t);
    sc.interceptors.push_back(std::move(t));
  });
  if (sc.interceptors.empty()) rd.fail(n, "must define at least one interceptor type");
}

// A battery's keys other than its name (read_batteries checks the keys and the name).
void read_site(const reader& rd, const node& n, const scenario& sc, battery_site& b) {
  b.position_en_m = rd.position(rd.required(n, "position_m"));
  if (const auto r = rd.optional(n, "ready_time_s")) b.ready_time_s = rd.number(*r, closed(0.0, max_time_s));
  if (const auto v = rd.optional(n, "value")) b.value = rd.number(*v, left_open(0.0, max_value));
  read_radar(rd, rd.required(n, "radar"), b.radar);
  read_fire_control(rd, rd.required(n, "fire_control"), b.fire_control);
  const node d = rd.required(n, "doctrine");
  read_doctrine(rd, d, b.doctrine);

  const node ln = rd.required(n, "launchers");
  if (!ln.v.is_array()) rd.fail(ln, "expected an array of launcher groups, got " + reader::type_of(ln.v));
  if (ln.v.empty()) rd.fail(ln, "must list at least one launcher group");
  std::vector<std::string> type_names;
  for (const auto& t : sc.interceptors) type_names.push_back(t.name);
  for (std::size_t i = 0; i < ln.v.size(); ++i) {
    const node l = reader::element(ln, i);
    launcher_group g;
    read_launchers(rd, l, g.launchers, {"interceptor"});
    const node type = rd.required(l, "interceptor");
    const std::string name = rd.string(type);
    g.interceptor_type = sc.interceptor_index(name);
    if (g.interceptor_type < 0)
      rd.fail(type, "unknown interceptor type '" + name + "'" + suggestion(name, type_names));
    for (std::size_t j = 0; j < b.launchers.size(); ++j)
      if (b.launchers[j].interceptor_type == g.interceptor_type)
        rd.fail(type, fmt::format("type '{}' already has launchers in this battery ({}/{}): list each type once per "
                                  "battery",
                                  name, ln.ptr, j));
    const int magazine = g.launchers.count * g.launchers.ready_per_launcher;
    check_salvo(rd, d, b.doctrine, magazine,
                fmt::format("the rounds of every launcher group ({}: count x ready_per_launcher = {}): a salvo is "
                            "of one type",
                            l.ptr, magazine),
                b.fire_control);
    b.launchers.push_back(g);
  }
}

void read_batteries(const reader& rd, const node& n, scenario& sc) {
  if (!n.v.is_array()) rd.fail(n, "expected an array of batteries, got " + reader::type_of(n.v));
  if (n.v.empty()) rd.fail(n, "must list at least one battery");
  std::vector<std::pair<std::string, std::string>> names, asset_names;
  for (std::size_t i = 0; i < sc.assets.size(); ++i)
    asset_names.emplace_back(sc.assets[i].name, fmt::format("/assets/{}/name", i));
  for (std::size_t i = 0; i < n.v.size(); ++i) {
    const node b = reader::element(n, i);
    rd.allow_keys(b, {"name", "position_m", "ready_time_s", "value", "radar", "fire_control", "doctrine", "launchers"});
    battery_site site;
    const node name = rd.required(b, "name");
    site.name = rd.string(name);
    if (site.name.empty()) rd.fail(name, "must not be empty");
    check_new_name(rd, name, site.name, "battery", names);
    for (const auto& [other, ptr] : asset_names)
      if (other == site.name)
        rd.fail(name, fmt::format("'{}' is also an asset's name ({}): a raid target names either, so they must differ",
                                  site.name, ptr));
    names.emplace_back(site.name, name.ptr);
    read_site(rd, b, sc, site);
    sc.batteries.push_back(std::move(site));
  }
}

void read_network(const reader& rd, const node& n, network_parameters& net) {
  rd.allow_keys(n, {"shared_tracks", "latency_s"});
  if (const auto s = rd.optional(n, "shared_tracks")) net.shared_tracks = rd.boolean(*s);
  if (const auto l = rd.optional(n, "latency_s")) net.latency_s = rd.number(*l, closed(0.0, max_time_s));
}

void read_fire_distribution(const reader& rd, const node& n, fire_distribution_settings& fd) {
  rd.allow_keys(n, {"priority", "selection"});
  if (const auto p = rd.optional(n, "priority")) {
    static constexpr std::string_view names[] = {"earliest_arrival", "asset_value"};
    fd.priority = *parse_priority_rule(names[rd.choice(*p, names)]);
  }
  if (const auto s = rd.optional(n, "selection")) {
    static constexpr std::string_view names[] = {"earliest_intercept", "cheapest"};
    fd.selection = *parse_selection_rule(names[rd.choice(*s, names)]);
  }
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

// ---- runaway inputs ----------------------------------------------------------------

// The most extreme values a random input can draw: random_stream::uniform()
// lies in [min_stream_uniform, max_stream_uniform] and every sample is
// monotone in its uniform.
double least_draw(const random_value& r) { return r.sample(min_stream_uniform); }
double greatest_draw(const random_value& r) { return r.sample(max_stream_uniform); }
std::int64_t greatest_count(const random_count& c) { return c.sample(max_stream_uniform); }

// A raid a trial cannot run (too many threats, a flight of too many radar
// looks) or a ballistic flight outside its model, with what to blame.
struct runaway_issue {
  enum class key { groups, count, speed_mps, start_range_m, scan_period_s };
  key at = key::groups;
  std::size_t group = 0;
  std::size_t radar = 0;  ///< for scan_period_s: the battery (0 for format 1)
  std::string reason;
};

// The radars of a scenario: the format 2 batteries', else the format 1 battery's.
std::vector<const radar_parameters*> radars_of(const scenario& sc) {
  std::vector<const radar_parameters*> radars;
  if (sc.format >= 2 || !sc.batteries.empty())
    for (const auto& b : sc.batteries) radars.push_back(&b.radar);
  else
    radars.push_back(&sc.battery.radar);
  return radars;
}

std::optional<runaway_issue> find_runaway(const scenario& sc) {
  using key = runaway_issue::key;
  const auto& groups = sc.raid.groups;
  // Each group draws from its own raid sub-stream, and each threat of a trial from its own.
  if (groups.size() > max_sub_streams)
    return runaway_issue{key::groups, max_sub_streams, 0,
                         fmt::format("the raid has {} groups; at most {} are supported", groups.size(), max_sub_streams)};
  std::int64_t most_threats = 0;
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const std::int64_t most = greatest_count(groups[gi].count);
    most_threats += most;
    if (most_threats >= static_cast<std::int64_t>(max_sub_streams))
      return runaway_issue{key::count, gi, 0,
                           fmt::format("raid groups 0-{} can draw {} threats in one trial (this group up to {}); a trial "
                                       "supports at most {}",
                                       gi, most_threats, most, max_sub_streams - 1)};
  }
  const auto radars = radars_of(sc);
  std::size_t fastest = 0;  // the radar with the shortest scan period looks most often
  for (std::size_t r = 1; r < radars.size(); ++r)
    if (radars[r]->scan_period_s < radars[fastest]->scan_period_s) fastest = r;
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const raid_group& g = groups[gi];
    const threat_class& cls = sc.classes[static_cast<std::size_t>(g.class_index)];
    const double range_m = greatest_draw(g.start_range_m);
    double flight_s = 0.0, slowest_mps = 0.0;
    if (cls.trajectory == trajectory_kind::ballistic) {
      if (range_m > max_ballistic_ground_range_m)
        return runaway_issue{key::start_range_m, gi, 0,
                             fmt::format("a threat of ballistic class '{}' can start {} m from its aim point; beyond {} m "
                                         "the flat-earth constant-g ballistic model does not hold",
                                         cls.name, format_number(range_m), format_number(max_ballistic_ground_range_m))};
      const double t_s = cls.flight_time_s > 0.0 ? cls.flight_time_s
                                                 : std::sqrt(8.0 * cls.apogee_height_m / units::standard_gravity_mps2);
      flight_s = t_s * (range_m - cls.leak_distance_m) / range_m;  // launch to leak
    } else {
      const random_value& speed =
          g.speed_mps ? *g.speed_mps : sc.raid.class_defaults[static_cast<std::size_t>(g.class_index)].speed_mps;
      slowest_mps = least_draw(speed);
      flight_s = (range_m - cls.leak_distance_m) / slowest_mps;
    }
    if (radars.empty()) continue;
    const double period_s = radars[fastest]->scan_period_s;
    const double looks = flight_s / period_s;
    if (!(looks <= max_looks_per_threat)) {
      const bool straight = cls.trajectory == trajectory_kind::straight;
      const std::string flight =
          straight ? fmt::format("from up to {} m at down to {:g} m/s to its leak distance of {} m",
                                 format_number(range_m), slowest_mps, format_number(cls.leak_distance_m))
                   : std::string("from launch to leak");
      return runaway_issue{
          straight ? key::speed_mps : key::scan_period_s, gi, fastest,
          fmt::format("a threat of class '{}' can fly {:.4g} s {}: {:.4g} looks of a radar with scan_period_s {:g}, more "
                      "than the limit of {} looks per threat per radar",
                      cls.name, flight_s, flight, looks, period_s, format_number(max_looks_per_threat))};
    }
  }
  return std::nullopt;
}

// ---- scenario-level checks -----------------------------------------------------------

// Checks both formats share: classes, per-class defaults, raid groups, Monte Carlo settings.
void validate_common(const scenario& sc) {
  if (sc.classes.empty()) invalid("no threat classes");
  for (std::size_t i = 0; i < sc.classes.size(); ++i) {
    if (sc.classes[i].name.empty()) invalid(fmt::format("class {} has an empty name", i));
    for (std::size_t j = 0; j < i; ++j)
      if (sc.classes[j].name == sc.classes[i].name) invalid("duplicate class name '" + sc.classes[i].name + "'");
  }
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
  const auto& mc = sc.monte_carlo;
  if (mc.trials < 1 || mc.trials > 1000000000u) invalid(fmt::format("monte_carlo trials {} outside [1, 1e9]", mc.trials));
  if (!(mc.confidence > 0.0 && mc.confidence < 1.0))
    invalid(fmt::format("monte_carlo confidence {} outside (0, 1)", mc.confidence));
  if (!(mc.target_halfwidth >= 0.0 && mc.target_halfwidth < 0.5))
    invalid(fmt::format("monte_carlo target_halfwidth {} outside [0, 0.5)", mc.target_halfwidth));
}

// The format 1 battery and its per-class Pk.
void validate_single_battery(const scenario& sc) {
  if (sc.pk_by_class.size() != sc.classes.size())
    invalid(fmt::format("pk_by_class has {} entries for {} classes", sc.pk_by_class.size(), sc.classes.size()));
  for (std::size_t i = 0; i < sc.pk_by_class.size(); ++i)
    if (!(sc.pk_by_class[i] >= 0.0 && sc.pk_by_class[i] <= 1.0))
      invalid(fmt::format("pk_by_class[{}] ({}) = {} outside [0, 1]", i, sc.classes[i].name, sc.pk_by_class[i]));
  if (!(sc.battery.pk_default >= 0.0 && sc.battery.pk_default <= 1.0))
    invalid(fmt::format("battery pk_default = {} outside [0, 1]", sc.battery.pk_default));
  if (!sc.defended_asset_en_m.allFinite() || !sc.battery.position_en_m.allFinite())
    invalid("defended asset or battery position is not finite");
}

// The format 2 fields: assets, interceptor types, batteries, network, raid targets.
void validate_defended_area(const scenario& sc) {
  const auto part = [](const std::string& what, const auto& check) {
    try {
      check();
    } catch (const std::invalid_argument& e) {
      invalid(what + ": " + e.what());
    }
  };
  if (sc.assets.empty()) invalid("no assets");
  if (sc.interceptors.empty()) invalid("no interceptor types");
  if (sc.batteries.empty()) invalid("no batteries");
  std::vector<std::string> target_names;  // assets and batteries share one name space (raid targets)
  const auto new_name = [&](const std::string& name, const char* kind) {
    if (std::find(target_names.begin(), target_names.end(), name) != target_names.end())
      invalid(fmt::format("{} name '{}' is taken by an earlier asset or battery", kind, name));
    target_names.push_back(name);
  };
  for (const auto& a : sc.assets) {
    part("asset", [&] { validate(a); });
    new_name(a.name, "asset");
  }
  for (std::size_t i = 0; i < sc.interceptors.size(); ++i) {
    const auto& t = sc.interceptors[i];
    part("interceptors", [&] { validate(t); });
    if (t.pk_by_class.size() != sc.classes.size())
      invalid(fmt::format("interceptor type '{}': pk_by_class has {} entries for {} classes", t.name,
                          t.pk_by_class.size(), sc.classes.size()));
    for (std::size_t j = 0; j < i; ++j)
      if (sc.interceptors[j].name == t.name) invalid("duplicate interceptor type name '" + t.name + "'");
  }
  for (const auto& b : sc.batteries) {
    part("battery '" + b.name + "' radar", [&] { validate(b.radar); });
    part("batteries", [&] { validate(b); });
    new_name(b.name, "battery");
    for (const auto& g : b.launchers)
      if (g.interceptor_type < 0 || static_cast<std::size_t>(g.interceptor_type) >= sc.interceptors.size())
        invalid(fmt::format("battery '{}': launcher interceptor_type {} outside [0, {})", b.name, g.interceptor_type,
                            sc.interceptors.size()));
  }
  if (!(std::isfinite(sc.network.latency_s) && sc.network.latency_s >= 0.0))
    invalid(fmt::format("network latency_s = {} must be finite and >= 0", sc.network.latency_s));
  for (std::size_t gi = 0; gi < sc.raid.groups.size(); ++gi) {
    const target_ref& t = sc.raid.groups[gi].target;
    const std::size_t n = t.type == target_ref::kind::asset ? sc.assets.size() : sc.batteries.size();
    if (t.index < 0 || static_cast<std::size_t>(t.index) >= n)
      invalid(fmt::format("raid group {}: target {} index {} outside [0, {})", gi,
                          t.type == target_ref::kind::asset ? "asset" : "battery", t.index, n));
    // Format 2 threats aim at their target; a format 1 scenario expanded keeps its aim points.
    if (sc.format >= 2 && sc.raid.groups[gi].aim_en_m != target_position(sc, t))
      invalid(fmt::format("raid group {}: aim_en_m ({}, {}) is not its target's position", gi,
                          sc.raid.groups[gi].aim_en_m.x(), sc.raid.groups[gi].aim_en_m.y()));
  }
}

void validate_cross_references(const scenario& sc) {
  if (sc.format != 1 && sc.format != 2) invalid(fmt::format("format {} is not 1 or 2", sc.format));
  validate_common(sc);
  if (sc.format == 1) validate_single_battery(sc);
  if (sc.format == 2 || !sc.batteries.empty()) validate_defended_area(sc);
  if (const auto issue = find_runaway(sc)) {
    static constexpr const char* keys[] = {"", " count", " speed_mps", " start_range_m", " (radar scan_period_s)"};
    invalid(fmt::format("raid group {}{}: {}", issue->group, keys[static_cast<int>(issue->at)], issue->reason));
  }
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

namespace {
template <typename T>
int index_of(const std::vector<T>& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return static_cast<int>(i);
  return -1;
}
}  // namespace

int scenario::class_index(const std::string& class_name) const { return index_of(classes, class_name); }
int scenario::asset_index(const std::string& asset_name) const { return index_of(assets, asset_name); }
int scenario::interceptor_index(const std::string& type_name) const { return index_of(interceptors, type_name); }
int scenario::battery_index(const std::string& battery_name) const { return index_of(batteries, battery_name); }

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

namespace {

// Threat classes, keyed by name (numbered in name order); also fills the raid's class defaults.
void read_classes(const reader& rd, const node& classes, scenario& sc) {
  rd.for_each_named(classes, "class", [&](const std::string& key, const node& entry) {
    threat_class cls;
    cls.name = key;
    threat_class_defaults defaults;
    read_class(rd, entry, sc.format, cls, defaults);
    sc.classes.push_back(std::move(cls));
    sc.raid.class_defaults.push_back(defaults);
  });
  if (sc.classes.empty()) rd.fail(classes, "must define at least one threat class");
}

void read_raid(const reader& rd, const node& raid, scenario& sc) {
  if (!raid.v.is_array()) rd.fail(raid, "expected an array of raid groups, got " + reader::type_of(raid.v));
  if (raid.v.empty()) rd.fail(raid, "must list at least one raid group");
  for (std::size_t i = 0; i < raid.v.size(); ++i) {
    raid_group g;
    read_group(rd, reader::element(raid, i), sc, g);
    sc.raid.groups.push_back(g);
  }
}

void read_monte_carlo(const reader& rd, const node& mc, monte_carlo_settings& m) {
  rd.allow_keys(mc, {"trials", "seed", "confidence", "target_halfwidth"});
  m.trials = static_cast<std::uint64_t>(rd.integer(rd.required(mc, "trials"), 1, 1000000000));
  m.seed = rd.unsigned64(rd.required(mc, "seed"));
  m.confidence = rd.number(rd.required(mc, "confidence"), open(0.0, 1.0));
  m.target_halfwidth = 0.0;
  if (const auto h = rd.optional(mc, "target_halfwidth")) m.target_halfwidth = rd.number(*h, open(0.0, 0.5));
}

// Top-level keys of the other format, named as such rather than as unknown keys.
void reject_other_format_keys(const reader& rd, const node& root, int format) {
  struct other {
    std::string_view key;
    int format;
    const char* instead;
  };
  static constexpr other others[] = {
      {"defended_asset", 1, "format 2 lists 'assets'"},
      {"battery", 1, "format 2 lists 'batteries' and 'interceptors'"},
      {"assets", 2, "format 1 has one 'defended_asset'"},
      {"interceptors", 2, "format 1 has one 'battery' with its 'interceptor'"},
      {"batteries", 2, "format 1 has one 'battery'"},
      {"network", 2, "format 1 has one battery"},
      {"fire_distribution", 2, "format 1 has one battery"},
  };
  for (const auto& o : others)
    if (o.format != format)
      if (const auto k = rd.optional(root, o.key))
        rd.fail(*k, fmt::format("'{}' is a format {} key (\"samsim\": {}); {}", o.key, o.format, o.format, o.instead));
}

// The value at a pointer of the document, for errors found after reading.
node at_pointer(const json& document, const std::string& ptr) { return {document.at(json::json_pointer(ptr)), ptr}; }

// find_runaway's finding, at the key to blame.
[[noreturn]] void fail_runaway(const reader& rd, const json& document, const scenario& sc, const runaway_issue& issue) {
  using key = runaway_issue::key;
  const std::string group = fmt::format("/raid/{}", issue.group);
  switch (issue.at) {
    case key::groups:
      rd.fail_at("/raid", issue.reason);
    case key::count:
      rd.fail(at_pointer(document, group + "/count"), issue.reason);
    case key::start_range_m:
      rd.fail(at_pointer(document, group + "/start_range_m"), issue.reason);
    case key::speed_mps: {
      const raid_group& g = sc.raid.groups[issue.group];
      const std::string ptr =
          g.speed_mps ? group + "/speed_mps"
                      : "/threat_classes/" + pointer_token(sc.classes[static_cast<std::size_t>(g.class_index)].name) +
                            "/speed_mps";
      rd.fail(at_pointer(document, ptr), issue.reason + fmt::format(" (raid group {})", issue.group));
    }
    case key::scan_period_s: {
      const std::string ptr = sc.format >= 2 ? fmt::format("/batteries/{}/radar/scan_period_s", issue.radar)
                                             : std::string("/battery/radar/scan_period_s");
      rd.fail(at_pointer(document, ptr), issue.reason + fmt::format(" (raid group {})", issue.group));
    }
  }
  rd.fail_at(group, issue.reason);
}

}  // namespace

scenario parse_scenario(const nlohmann::json& document, const std::string& source) {
  const reader rd(source);
  const node root{document, ""};
  rd.expect_object(root);
  scenario sc;
  // The version first: the formats have different keys.
  if (const auto v = rd.optional(root, "samsim")) {
    const std::string unsupported = "unsupported format version (this samsim reads versions 1 and 2)";
    // Any other number (3, -1, 1e300, 2^64) is an unsupported version, whatever its size.
    if (v->v.is_number() && std::isfinite(v->v.get<double>()) && v->v.get<double>() != 1.0 && v->v.get<double>() != 2.0)
      rd.fail(*v, unsupported);
    const auto version =
        rd.integer(*v, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    if (version != 1 && version != 2) rd.fail(*v, unsupported);
    sc.format = static_cast<int>(version);
  }
  reject_other_format_keys(rd, root, sc.format);
  if (sc.format == 1)
    rd.allow_keys(root, {"samsim", "name", "description", "defended_asset", "battery", "threat_classes", "raid",
                         "monte_carlo"});
  else
    rd.allow_keys(root, {"samsim", "name", "description", "assets", "interceptors", "batteries", "network",
                         "fire_distribution", "threat_classes", "raid", "monte_carlo"});
  rd.required(root, "samsim");

  const node name = rd.required(root, "name");
  sc.name = rd.string(name);
  if (sc.name.empty()) rd.fail(name, "must not be empty");
  if (const auto d = rd.optional(root, "description")) sc.description = rd.string(*d);

  std::optional<node> battery;
  if (sc.format == 1) {
    const node asset = rd.required(root, "defended_asset");
    rd.allow_keys(asset, {"position_m"});
    sc.defended_asset_en_m = rd.position(rd.required(asset, "position_m"));
  }
  // Classes before the batteries, the interceptor types and the raid, which refer to them by name.
  const node classes = rd.required(root, "threat_classes");
  read_classes(rd, classes, sc);
  if (sc.format == 1) {
    battery.emplace(rd.required(root, "battery"));
    read_battery(rd, *battery, sc);
  } else {
    read_assets(rd, rd.required(root, "assets"), sc);
    sc.defended_asset_en_m = sc.assets.front().position_en_m;
    read_interceptors(rd, rd.required(root, "interceptors"), sc);
    read_batteries(rd, rd.required(root, "batteries"), sc);
    if (const auto net = rd.optional(root, "network")) read_network(rd, *net, sc.network);
    if (const auto fd = rd.optional(root, "fire_distribution")) read_fire_distribution(rd, *fd, sc.fire_distribution);
  }
  read_raid(rd, rd.required(root, "raid"), sc);
  read_monte_carlo(rd, rd.required(root, "monte_carlo"), sc.monte_carlo);

  // The model's own checks, mapped to the part of the document they concern.
  const auto model_check = [&](const std::string& ptr, const auto& part) {
    try {
      validate(part);
    } catch (const std::invalid_argument& e) {
      rd.fail_at(ptr, e.what());
    }
  };
  if (sc.format == 1) {
    model_check("/battery/radar", sc.battery.radar);
    model_check("/battery/interceptor/kinematics", sc.battery.interceptor);
    model_check("/battery/interceptor/envelope", sc.battery.envelope);
    model_check(battery->ptr, sc.battery);
  } else {
    for (const auto& t : sc.interceptors) model_check("/interceptors/" + pointer_token(t.name), t);
    for (std::size_t i = 0; i < sc.batteries.size(); ++i) {
      model_check(fmt::format("/batteries/{}/radar", i), sc.batteries[i].radar);
      model_check(fmt::format("/batteries/{}", i), sc.batteries[i]);
    }
  }
  for (const auto& cls : sc.classes) model_check(classes.ptr + "/" + pointer_token(cls.name), cls);
  if (const auto issue = find_runaway(sc)) fail_runaway(rd, document, sc, *issue);
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
  if (sc.format == 1) {
    validate(sc.battery.radar);
    validate(sc.battery.interceptor);
    validate(sc.battery.envelope);
    validate(sc.battery);
  }
  for (const auto& cls : sc.classes) validate(cls);
  validate_cross_references(sc);
}


}  // namespace samsim
