// samsim._samsim: the compiled half of the Python module (python/samsim/ is
// the other half, with the public functions and their docstrings).
//
// What lives here: the Scenario class (a JSON document, re-parsed by the
// library's loader after every edit), the Monte Carlo run with the GIL
// released and Ctrl-C turned into a clean cancel, a trial's timeline, the
// envelope table, and array loops over the detection functions.

#include <samsim/detection.hpp>
#include <samsim/engagement.hpp>
#include <samsim/flyout.hpp>
#include <samsim/interceptor_type.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/radar.hpp>
#include <samsim/report.hpp>
#include <samsim/scenario.hpp>
#include <samsim/units.hpp>
#include <samsim/version.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;
using json = nlohmann::json;

namespace {

// ---- JSON <-> Python -----------------------------------------------------------

/// A Python value as JSON. `source` and `pointer` name the place in errors, the way the loader does.
json to_json(py::handle h, const std::string& source, const json::json_pointer& at) {
  const std::string pointer = at.to_string();
  if (h.is_none()) return nullptr;
  if (PyBool_Check(h.ptr())) return h.ptr() == Py_True;
  if (PyLong_Check(h.ptr())) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    // Non-negative integers are unsigned, as the JSON parser makes them from a file's text.
    if (overflow == 0) return v >= 0 ? json(static_cast<std::uint64_t>(v)) : json(static_cast<std::int64_t>(v));
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(h.ptr());
      if (!PyErr_Occurred()) return static_cast<std::uint64_t>(u);
      PyErr_Clear();
    }
    throw samsim::scenario_error(source, pointer, py::str(h).cast<std::string>(),
                                 "integer out of range (at most 64 bits)");
  }
  if (PyFloat_Check(h.ptr())) {  // numpy.float64 too (a float subclass)
    const double v = PyFloat_AsDouble(h.ptr());
    if (!std::isfinite(v)) throw samsim::scenario_error(source, pointer, py::repr(h).cast<std::string>(), "must be a finite number");
    return v;
  }
  if (PyUnicode_Check(h.ptr())) return h.cast<std::string>();
  if (PyDict_Check(h.ptr())) {
    json out = json::object();
    for (const auto& [k, v] : py::reinterpret_borrow<py::dict>(h)) {
      if (!PyUnicode_Check(k.ptr()))
        throw samsim::scenario_error(source, pointer, py::repr(k).cast<std::string>(), "keys must be strings");
      const std::string key = k.cast<std::string>();
      out[key] = to_json(v, source, at / key);
    }
    return out;
  }
  if (PyList_Check(h.ptr()) || PyTuple_Check(h.ptr())) {
    json out = json::array();
    std::size_t i = 0;
    for (const auto& v : py::reinterpret_borrow<py::sequence>(h)) out.push_back(to_json(v, source, at / i++));
    return out;
  }
  // numpy scalars and arrays: their Python equivalents (int, bool, float, nested lists).
  if (py::hasattr(h, "tolist") && py::hasattr(h, "dtype")) return to_json(h.attr("tolist")(), source, at);
  throw samsim::scenario_error(source, pointer, py::repr(h).cast<std::string>(),
                               fmt::format("a scenario value must be a number, string, bool, None, list or dict, not {}",
                                           py::str(py::type::handle_of(h).attr("__name__")).cast<std::string>()));
}

py::object from_json(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return py::none();
    case json::value_t::boolean: return py::bool_(j.get<bool>());
    case json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case json::value_t::number_float: return py::float_(j.get<double>());
    case json::value_t::string: return py::str(j.get_ref<const std::string&>());
    case json::value_t::array: {
      py::list out;
      for (const auto& v : j) out.append(from_json(v));
      return out;
    }
    case json::value_t::object: {
      py::dict out;
      for (const auto& [k, v] : j.items()) out[py::str(k)] = from_json(v);
      return out;
    }
    default: return py::none();  // binary and discarded values do not occur in parsed documents
  }
}

json::json_pointer parse_pointer(const std::string& pointer) {
  try {
    return json::json_pointer(pointer);
  } catch (const std::exception&) {
    throw py::value_error("'" + pointer + "' is not a JSON pointer (for example /battery/doctrine/salvo_size)");
  }
}

// ---- Scenario --------------------------------------------------------------------

/// A scenario as the analyst edits it: the JSON document, where it came from, and
/// the validated scenario the library parsed from it (and, once needed, its model).
class py_scenario {
 public:
  py_scenario(json document, std::string source)
      : doc_(std::move(document)),
        source_(std::move(source)),
        sc_(std::make_shared<const samsim::scenario>(samsim::parse_scenario(doc_, source_))) {}

  static py_scenario from_file(const std::string& path) { return py_scenario(samsim::read_scenario_json(path), path); }
  static py_scenario from_object(py::handle obj) {
    if (!PyDict_Check(obj.ptr())) throw py::type_error("load_scenario: expected a path (str or os.PathLike) or a dict");
    return py_scenario(to_json(obj, "<dict>", json::json_pointer()), "<dict>");
  }

  const samsim::scenario& data() const { return *sc_; }
  const std::string& source() const { return source_; }
  py::object to_dict() const { return from_json(doc_); }

  py::object get(const std::string& pointer) const {
    const auto ptr = parse_pointer(pointer);
    if (!doc_.contains(ptr)) throw py::key_error(fmt::format("{}: no such key in {}", pointer, source_));
    return from_json(doc_.at(ptr));
  }

  /// Sets the value at `pointer` and re-parses, exactly as `samsim sweep --set` does; on a
  /// bad value it raises (ScenarioError, naming the pointer and value) and changes nothing.
  void set(const std::string& pointer, py::handle value) {
    const auto ptr = parse_pointer(pointer);
    if (ptr.empty()) throw py::value_error("set: the pointer must name a key inside the scenario, not ''");
    const auto parent = ptr.parent_pointer();
    if (!doc_.contains(parent) || !(doc_.at(parent).is_object() || doc_.at(parent).is_array()))
      throw py::key_error(fmt::format("{}: no such key in {}", parent.to_string(), source_));
    if (doc_.at(parent).is_array() && !doc_.contains(ptr))
      throw py::key_error(fmt::format("{}: no such element in {}", pointer, source_));
    const json v = to_json(value, source_, ptr);
    json doc = doc_;
    doc[ptr] = v;
    // The same wording as `samsim sweep`, so an error names the edit that caused it.
    auto sc = std::make_shared<const samsim::scenario>(
        samsim::parse_scenario(doc, fmt::format("{} (with {} = {})", source_, pointer, v.dump())));
    std::lock_guard lock(mutex_);
    // The built model's flyout tables are kept for the next model: model() reuses each type's
    // table whose inputs are unchanged since (a table already kept, when nothing ran since the
    // last set(), stays the one to compare with).
    if (model_) {
      previous_model_ = std::move(model_);
      previous_doc_ = doc_;
    }
    doc_ = std::move(doc);
    sc_ = std::move(sc);
  }

  py_scenario(const py_scenario& o) {
    std::lock_guard lock(o.mutex_);
    doc_ = o.doc_;
    source_ = o.source_;
    sc_ = o.sc_;
    model_ = o.model_;
    previous_model_ = o.previous_model_;
    previous_doc_ = o.previous_doc_;
    flyout_tables_built_ = o.flyout_tables_built_;
  }
  py_scenario& operator=(const py_scenario&) = delete;
  py_scenario copy() const { return py_scenario(*this); }

  /// The engagement model (flyout and Pd tables), built on first use with the GIL released.
  std::shared_ptr<const samsim::engagement_model> model() const {
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    if (!model_) {
      model_ = std::make_shared<const samsim::engagement_model>(*sc_, flyout_tables());
      previous_model_.reset();
      previous_doc_ = nullptr;
    }
    return model_;
  }

  /// Flyout tables this scenario (and the scenario it was copied from, before the copy) has built.
  std::uint64_t flyout_tables_built() const {
    std::lock_guard lock(mutex_);
    return flyout_tables_built_;
  }

 private:
  /// What type `type_name`'s flyout table is built from (build_flyout_table: the kinematics and the
  /// envelope, not the Pk, kill model or cost): /interceptors/<name> without pk and cost in format 2,
  /// /battery/interceptor without pk in format 1 (its one type). Null if absent.
  static json flyout_inputs(const json& doc, const std::string& type_name) {
    json inputs;
    if (doc.contains("interceptors")) {
      const json& types = doc.at("interceptors");
      if (!types.is_object() || !types.contains(type_name)) return nullptr;
      inputs = types.at(type_name);
      if (!inputs.is_object()) return nullptr;
      inputs.erase("cost");
    } else {
      const json::json_pointer interceptor("/battery/interceptor");
      if (!doc.contains(interceptor) || !doc.at(interceptor).is_object()) return nullptr;
      inputs = doc.at(interceptor);
    }
    inputs.erase("pk");
    return inputs;
  }

  /// One flyout table per interceptor type of the scenario as run (format 1 expanded to its one
  /// type), in type order: the previous model's table of a type of the same name whose inputs are
  /// unchanged, else a new one. Called with the mutex held.
  std::vector<samsim::flyout_table> flyout_tables() const {
    samsim::scenario as_run = *sc_;
    samsim::expand_to_defended_area(as_run);
    std::vector<samsim::flyout_table> tables;
    tables.reserve(as_run.interceptors.size());
    for (const samsim::interceptor_type& type : as_run.interceptors) {
      const int kept = kept_table(type.name);
      if (kept >= 0) {
        tables.push_back(previous_model_->flyout(kept));
      } else {
        tables.push_back(samsim::build_flyout_table(type));
        ++flyout_tables_built_;
      }
    }
    return tables;
  }

  /// The previous model's type index of that name if its table can serve now, else -1.
  int kept_table(const std::string& type_name) const {
    if (!previous_model_) return -1;
    const auto& before = previous_model_->scenario_data().interceptors;
    for (std::size_t k = 0; k < before.size(); ++k) {
      if (before[k].name != type_name) continue;
      const json inputs = flyout_inputs(doc_, type_name);
      return !inputs.is_null() && inputs == flyout_inputs(previous_doc_, type_name) ? static_cast<int>(k) : -1;
    }
    return -1;
  }

  json doc_;
  std::string source_;
  std::shared_ptr<const samsim::scenario> sc_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const samsim::engagement_model> model_;
  /// The model built before the last set()s and the document it was built from: its flyout tables
  /// serve the next model where their inputs are unchanged.
  mutable std::shared_ptr<const samsim::engagement_model> previous_model_;
  mutable json previous_doc_;
  mutable std::uint64_t flyout_tables_built_ = 0;
};

// ---- arrays ------------------------------------------------------------------------

template <class T>
py::array_t<T> to_array(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

using f64_array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using i64_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

void same_length(std::initializer_list<py::ssize_t> sizes) {
  for (auto s : sizes)
    if (s != *sizes.begin()) throw py::value_error("internal: arrays of different lengths");
}

/// Runs f(i) for i in [0, n) with the GIL released; the first library error becomes a ValueError.
template <class F>
py::array_t<double> loop(py::ssize_t n, F&& f) {
  py::array_t<double> out(n);
  double* o = out.mutable_data();
  std::string error;
  {
    py::gil_scoped_release release;
    try {
      for (py::ssize_t i = 0; i < n; ++i) o[i] = f(i);
    } catch (const std::exception& e) {  // invalid_argument, domain_error
      error = e.what();
    }
  }
  if (!error.empty()) throw py::value_error(error);
  return out;
}

samsim::swerling_case swerling_of(std::int64_t k) {
  if (k < 0 || k > 4) throw std::invalid_argument(fmt::format("swerling = {} must be 0, 1, 2, 3 or 4", k));
  return static_cast<samsim::swerling_case>(k);
}

int pulses_of(std::int64_t n) {
  if (n < 1 || n > 1000000) throw std::invalid_argument(fmt::format("pulses = {} must be in [1, 1000000]", n));
  return static_cast<int>(n);
}

py::array_t<double> pd_loop(const i64_array& sw, const f64_array& snr_db, const f64_array& pfa, const i64_array& pulses) {
  same_length({sw.size(), snr_db.size(), pfa.size(), pulses.size()});
  const auto *s = sw.data(), *n = pulses.data();
  const double *x = snr_db.data(), *p = pfa.data();
  return loop(sw.size(), [&](py::ssize_t i) {
    if (!std::isfinite(x[i])) throw std::invalid_argument(fmt::format("snr_db = {} must be finite", x[i]));
    return samsim::pd_exact(swerling_of(s[i]), samsim::units::db_to_linear(x[i]), pulses_of(n[i]), p[i]);
  });
}

py::array_t<double> snr_loop(const i64_array& sw, const f64_array& pd, const f64_array& pfa, const i64_array& pulses,
                             const std::string& method) {
  same_length({sw.size(), pd.size(), pfa.size(), pulses.size()});
  if (method != "exact" && method != "albersheim" && method != "shnidman")
    throw py::value_error("method '" + method + "': must be exact, albersheim or shnidman");
  const auto *s = sw.data(), *n = pulses.data();
  const double *d = pd.data(), *p = pfa.data();
  return loop(sw.size(), [&](py::ssize_t i) {
    const samsim::swerling_case c = swerling_of(s[i]);
    if (method == "exact") return samsim::units::linear_to_db(samsim::snr_required(c, d[i], pulses_of(n[i]), p[i]));
    if (method == "shnidman") return samsim::shnidman_snr_db(c, d[i], p[i], pulses_of(n[i]));
    if (c != samsim::swerling_case::sw0)
      throw std::invalid_argument("method albersheim applies only to swerling 0 (nonfluctuating target)");
    return samsim::albersheim_snr_db(d[i], p[i], pulses_of(n[i]));
  });
}

py::array_t<double> horizon_loop(const f64_array& antenna_m, const f64_array& target_m) {
  same_length({antenna_m.size(), target_m.size()});
  const double *a = antenna_m.data(), *t = target_m.data();
  return loop(antenna_m.size(), [&](py::ssize_t i) {
    if (!std::isfinite(a[i]) || !std::isfinite(t[i]))
      throw std::invalid_argument(fmt::format("heights ({}, {}) must be finite", a[i], t[i]));
    return samsim::radar_horizon_m(a[i], t[i]);
  });
}

// ---- the Monte Carlo -----------------------------------------------------------

/// Runs the Monte Carlo with the GIL released. After each merged chunk (on this
/// thread) the GIL is taken back briefly: pending signals are handled
/// (PyErr_CheckSignals; Ctrl-C raises KeyboardInterrupt there) and the progress
/// callable, if any, is called. An exception from either sets the cancel flag:
/// the run stops after the chunks in flight and the exception is raised here.
py::tuple run(const py_scenario& s, std::uint64_t trials, std::uint64_t seed, int threads, double target_halfwidth,
              py::object progress, bool record_trials) {
  const auto model = s.model();  // its own copy of the scenario: safe from a set() on another thread
  const samsim::scenario& sc = model->scenario_data();
  samsim::monte_carlo_options o;
  o.trials = trials;
  o.seed = seed;
  o.threads = threads;
  o.confidence = sc.monte_carlo.confidence;
  o.target_halfwidth = target_halfwidth;
  o.record_trials = record_trials;
  std::atomic<bool> cancel{false};
  o.cancel = &cancel;
  std::optional<py::error_already_set> pending;
  o.progress = [&](const samsim::monte_carlo_progress& p) {
    // Called from inside the driver: nothing may be thrown out of here.
    py::gil_scoped_acquire gil;
    if (pending) return;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!progress.is_none()) {
        py::dict d;
        d["trials_done"] = p.trials_done;
        d["trials_planned"] = p.trials_planned;
        d["elapsed_s"] = p.elapsed_s;
        d["p_leak"] = p.p_leak.estimate;
        d["p_leak_wilson"] = py::make_tuple(p.p_leak.lower, p.p_leak.upper);
        progress(d);
      }
    } catch (py::error_already_set& e) {
      pending.emplace(std::move(e));
      cancel = true;
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
      pending.emplace();
      cancel = true;
    }
  };
  samsim::monte_carlo_result r;
  {
    py::gil_scoped_release release;
    r = samsim::run_monte_carlo(*model, o);
  }
  if (pending) {
    pending->restore();
    pending.reset();
    throw py::error_already_set();
  }
  py::object j = from_json(samsim::result_to_json(sc, o, r));
  std::vector<double> first_leak = r.records.first_leak_time_s;
  for (double& t : first_leak)
    if (std::isinf(t)) t = std::nan("");  // missing, the way pandas and numpy's nan* functions read it
  return py::make_tuple(j, to_array(r.records.leakers), to_array(r.records.interceptors_used), to_array(first_leak),
                        to_array(r.records.value_lost), to_array(r.records.defender_cost));
}

// ---- one trial ------------------------------------------------------------------

py::object maybe(int index) { return index >= 0 ? py::object(py::int_(index)) : py::object(py::none()); }

/// The name of element `index` of a scenario's batteries or interceptor types (None for -1).
template <class T>
py::object name_of(const std::vector<T>& items, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= items.size()) return py::none();
  return py::str(items[static_cast<std::size_t>(index)].name);
}

py::tuple trace(const py_scenario& s, std::uint64_t trial, std::uint64_t seed) {
  const auto model = s.model();
  const samsim::scenario& sc = model->scenario_data();
  samsim::trial_workspace ws;
  std::vector<samsim::trace_event> events;
  samsim::trial_result r;
  {
    py::gil_scoped_release release;
    r = samsim::run_trial(*model, seed, trial, ws, &events);
  }
  auto class_name = [&](int threat) -> py::object {
    if (threat < 0 || static_cast<std::size_t>(threat) >= ws.threats.size()) return py::none();
    return py::str(sc.classes[static_cast<std::size_t>(ws.threats[static_cast<std::size_t>(threat)].class_index)].name);
  };
  py::list records;
  for (const samsim::trace_event& ev : events) {
    py::dict d;
    d["time_s"] = ev.time_s;
    d["event"] = std::string(samsim::to_string(ev.kind));
    d["threat"] = maybe(ev.threat);
    d["threat_class"] = class_name(ev.threat);
    d["battery"] = name_of(sc.batteries, ev.battery);
    d["launcher"] = maybe(ev.launcher);
    d["interceptor"] = maybe(ev.interceptor);
    d["interceptor_type"] = name_of(sc.interceptors, ev.interceptor_type);
    d["value"] = ev.value;
    const bool has_cause = ev.kind == samsim::trace_kind::launch_blocked || ev.kind == samsim::trace_kind::leak;
    d["cause"] = has_cause ? py::object(py::str(std::string(
                                 samsim::to_string(static_cast<samsim::leak_cause>(static_cast<int>(ev.value))))))
                           : py::object(py::none());
    records.append(d);
  }
  py::list outcomes;
  for (std::size_t i = 0; i < ws.outcomes.size(); ++i) {
    const samsim::threat_outcome& o = ws.outcomes[i];
    py::dict d;
    d["threat"] = i;
    d["threat_class"] = class_name(static_cast<int>(i));
    d["killed"] = o.killed;
    d["cause"] = o.killed ? py::object(py::none()) : py::object(py::str(std::string(samsim::to_string(o.cause))));
    d["end_time_s"] = o.end_time_s;
    d["confirm_time_s"] = std::isinf(o.confirm_time_s) ? std::nan("") : o.confirm_time_s;
    d["interceptors_used"] = o.interceptors_used;
    d["salvos"] = o.salvos;
    outcomes.append(d);
  }
  py::dict totals;
  totals["threats"] = r.threats;
  totals["leakers"] = r.leakers;
  totals["interceptors_used"] = r.interceptors_used;
  totals["first_leak_time_s"] = std::isinf(r.first_leak_time_s) ? std::nan("") : r.first_leak_time_s;
  totals["rounds_left"] = r.rounds_left;
  totals["magazine_exhausted"] = r.magazine_exhausted;
  totals["events"] = r.events;
  const std::string text = samsim::format_trace(sc, ws.threats, ws.outcomes, events, r);
  return py::make_tuple(records, outcomes, totals, text);
}

// ---- the envelope ---------------------------------------------------------------

py::dict envelope(const py_scenario& s, double height_step_m) {
  if (!(std::isfinite(height_step_m) && height_step_m > 0.0))
    throw py::value_error(fmt::format("height_step_m = {} must be a finite number > 0", height_step_m));
  const auto model = s.model();
  std::vector<samsim::envelope_row> rows;
  {
    py::gil_scoped_release release;
    rows = samsim::envelope_table(model->flyout(), height_step_m, 50.0);  // the range resolution of `samsim envelope`
  }
  const double nan = std::nan("");
  std::vector<double> h, lo, hi, tof, v;
  std::vector<bool> ok;
  for (const auto& r : rows) {
    h.push_back(r.height_m);
    ok.push_back(r.reachable);
    lo.push_back(r.reachable ? r.min_range_m : nan);
    hi.push_back(r.reachable ? r.max_range_m : nan);
    tof.push_back(r.reachable ? r.time_of_flight_s : nan);
    v.push_back(r.reachable ? r.arrival_speed_mps : nan);
  }
  py::array_t<bool> reachable(static_cast<py::ssize_t>(ok.size()));
  std::copy(ok.begin(), ok.end(), reachable.mutable_data());
  py::dict d;
  d["height_m"] = to_array(h);
  d["reachable"] = reachable;
  d["min_range_m"] = to_array(lo);
  d["max_range_m"] = to_array(hi);
  d["time_of_flight_s"] = to_array(tof);
  d["arrival_speed_mps"] = to_array(v);
  return d;
}

}  // namespace

PYBIND11_MODULE(_samsim, m) {
  m.doc() = "samsim's compiled core; use the samsim package, not this module.";
  m.attr("__version__") = SAMSIM_VERSION_STRING;

  // Scenario errors: a ValueError whose message is the command line's, with its parts as attributes.
  static py::exception<samsim::scenario_error> scenario_error_type(m, "ScenarioError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const samsim::scenario_error& e) {
      const py::object type = scenario_error_type;  // calling py::exception itself would raise, not construct
      py::object err = type(e.what());
      err.attr("source") = e.source();
      err.attr("pointer") = e.json_pointer();
      err.attr("value") = e.value();
      err.attr("reason") = e.reason();
      PyErr_SetObject(scenario_error_type.ptr(), err.ptr());
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<py_scenario>(m, "Scenario", R"doc(A validated scenario and the JSON document it was read from.

Make one with samsim.load_scenario(path_or_dict). Edit it with set(pointer,
value): the document is changed and parsed again by the same loader as the
command line, so the keys, ranges and error messages are those of the files
(docs/scenario.md). A failed set() raises ScenarioError (a ValueError) and
leaves the scenario as it was.)doc")
      .def(py::init([](const py_scenario& other) { return other.copy(); }), py::arg("other"),
           "A copy of another scenario (edits to one do not affect the other).")
      .def_property_readonly("name", [](const py_scenario& s) { return s.data().name; }, "The scenario's name.")
      .def_property_readonly("description", [](const py_scenario& s) { return s.data().description; },
                             "The scenario's description.")
      .def_property_readonly("source", &py_scenario::source,
                             "Where it came from: the file path, or '<dict>'; error messages start with it.")
      .def_property_readonly("trials", [](const py_scenario& s) { return s.data().monte_carlo.trials; },
                             "monte_carlo.trials: the trials samsim.run uses by default.")
      .def_property_readonly("seed", [](const py_scenario& s) { return s.data().monte_carlo.seed; },
                             "monte_carlo.seed: the master seed samsim.run uses by default.")
      .def_property_readonly("confidence", [](const py_scenario& s) { return s.data().monte_carlo.confidence; },
                             "monte_carlo.confidence: the confidence level of every interval.")
      .def_property_readonly("target_halfwidth",
                             [](const py_scenario& s) { return s.data().monte_carlo.target_halfwidth; },
                             "monte_carlo.target_halfwidth (0: run every trial).")
      .def_property_readonly("class_names",
                             [](const py_scenario& s) {
                               std::vector<std::string> names;
                               for (const auto& c : s.data().classes) names.push_back(c.name);
                               return names;
                             },
                             "The threat class names, in the order of by_class.")
      .def("to_dict", &py_scenario::to_dict,
           "The scenario document as a dict (keys sorted), as load_scenario accepts it back.")
      .def("get", &py_scenario::get, py::arg("pointer"),
           "The value at a JSON pointer, e.g. get('/battery/doctrine/salvo_size'). KeyError if absent.")
      .def("set", &py_scenario::set, py::arg("pointer"), py::arg("value"), R"doc(Set the value at a JSON pointer and validate again.

pointer: e.g. '/battery/doctrine/salvo_size' or '/raid/0/count' (RFC 6901).
value:   a number, string, bool, list or dict (numpy scalars and arrays too).
The parent of the pointer must exist; a new key in an object is allowed when
the scenario format has it. Raises ScenarioError (ValueError) with the loader's
message, naming the edit, e.g. "reference-raid.json (with /raid/0/count = -1):
/raid/0/count: ...". The scenario is unchanged after an error.)doc")
      .def_property_readonly("flyout_tables_built", &py_scenario::flyout_tables_built,
                             R"doc(How many flyout tables this scenario has built so far (a copy starts from its original's count).

One per interceptor type on the first run; after a set(), the next run builds
only the tables of the types whose kinematics or envelope changed (Pk, cost and
everything outside the interceptor types keep them). For seeing what an edit
costs; the results never depend on it.)doc")
      .def("copy", &py_scenario::copy, "An independent copy (the built model is shared until one is edited).")
      .def("__copy__", &py_scenario::copy)
      .def("__deepcopy__", [](const py_scenario& s, py::handle) { return s.copy(); }, py::arg("memo"))
      .def("__repr__", [](const py_scenario& s) {
        return fmt::format("<samsim.Scenario '{}' from {}>", s.data().name, s.source());
      });

  m.def("_load_file", &py_scenario::from_file, py::arg("path"));
  m.def("_load_dict", &py_scenario::from_object, py::arg("document"));
  m.def("_run", &run, py::arg("scenario"), py::arg("trials"), py::arg("seed"), py::arg("threads"),
        py::arg("target_halfwidth"), py::arg("progress"), py::arg("record_trials"));
  m.def("_trace", &trace, py::arg("scenario"), py::arg("trial"), py::arg("seed"));
  m.def("_envelope", &envelope, py::arg("scenario"), py::arg("height_step_m"));
  m.def("_pd", &pd_loop);
  m.def("_snr", &snr_loop);
  m.def("_horizon", &horizon_loop);
}
