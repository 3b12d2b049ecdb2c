#include "checkpoint.hpp"

#include "command.hpp"
#include "output.hpp"

#include <samsim/version.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace samsim::cli {

namespace {

constexpr int checkpoint_format = 1;

// FNV-1a, 64 bits: the checkpoint only has to notice a scenario that changed
// by accident (no adversary), and a hand-written hash keeps the command line
// free of a cryptography library.
std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char b : bytes) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

std::string shown(const nlohmann::json& v) { return v.is_null() ? "(absent)" : v.dump(); }

}  // namespace

std::string scenario_hash(const nlohmann::json& document) {
  return fmt::format("fnv1a64:{:016x}", fnv1a64(document.dump()));
}

nlohmann::json run_identity(const nlohmann::json& document, const std::string& scenario_name,
                            const nlohmann::json& options) {
  nlohmann::json id = options;
  id["samsim_version"] = version();
  id["scenario"] = {{"name", scenario_name}, {"hash", scenario_hash(document)}};
  return id;
}

nlohmann::json result_options(const monte_carlo_options& o) {
  return {{"trials", o.trials},
          {"seed", o.seed},
          {"confidence", o.confidence},
          {"target_halfwidth", o.target_halfwidth},
          {"chunk_trials", o.chunk_trials}};
}

nlohmann::json state_to_json(const monte_carlo_state& s) {
  return {{"next_chunk", s.next_chunk},
          {"trials_done", s.tally.trials},
          {"stopped_early", s.stopped_early},
          {"tally", s.tally.to_words()}};
}

monte_carlo_state state_from_json(const nlohmann::json& j, const std::string& where) {
  auto bad = [&](const std::string& why) -> run_error {
    return run_error(fmt::format("{}: not a samsim checkpoint: {}", where, why));
  };
  if (!j.is_object()) throw bad("the run state is not an object");
  const auto next = j.find("next_chunk");
  const auto stopped = j.find("stopped_early");
  const auto tally = j.find("tally");
  if (next == j.end() || !next->is_number_unsigned()) throw bad("no next_chunk (an unsigned integer)");
  if (stopped == j.end() || !stopped->is_boolean()) throw bad("no stopped_early (true or false)");
  if (tally == j.end() || !tally->is_array()) throw bad("no tally (an array of unsigned integers)");
  std::vector<std::uint64_t> words;
  words.reserve(tally->size());
  for (const auto& w : *tally) {
    if (!w.is_number_unsigned()) throw bad("the tally holds " + w.dump() + ", not an unsigned integer");
    words.push_back(w.get<std::uint64_t>());
  }
  monte_carlo_state s;
  try {
    s.tally = monte_carlo_tally::from_words(words.data(), words.size());
  } catch (const std::exception& e) {
    throw bad(e.what());
  }
  s.next_chunk = next->get<std::uint64_t>();
  s.stopped_early = stopped->get<bool>();
  return s;
}

void check_checkpoint_args(const std::string& checkpoint_path, const std::string& resume_path, double interval_s) {
  if (!(interval_s >= 0.0 && interval_s <= 1e6)) throw usage_error("--checkpoint-interval must be in [0, 1e6] seconds");
  if (checkpoint_path == "-" || resume_path == "-") throw usage_error("a checkpoint must be a file, not '-'");
}

void check_resumed_state(const monte_carlo_state& state, const monte_carlo_options& options, const std::string& path) {
  try {
    check_state(state, options);
  } catch (const std::invalid_argument& e) {
    throw run_error(fmt::format("cannot resume from '{}': {}", path, e.what()));
  }
}

void write_checkpoint(const std::string& path, const std::string& kind, const nlohmann::json& identity,
                      const nlohmann::json& body) {
  nlohmann::json j = body;
  j["samsim_checkpoint"] = checkpoint_format;
  j["kind"] = kind;
  j["identity"] = identity;
  write_output(path, j.dump(1) + "\n");
}

void write_checkpoint_or_warn(const std::string& path, const std::string& kind, const nlohmann::json& identity,
                              const nlohmann::json& body) {
  try {
    write_checkpoint(path, kind, identity, body);
  } catch (const std::exception& e) {
    std::cerr << "samsim: warning: checkpoint not written (" << e.what() << "); the run goes on\n" << std::flush;
  }
}

nlohmann::json read_checkpoint(const std::string& path, const std::string& kind, const nlohmann::json& identity) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw run_error(fmt::format("cannot resume: '{}' {}", path,
                                std::filesystem::exists(path, ec) ? "is not a file" : "does not exist"));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw run_error(fmt::format("cannot resume: cannot read '{}'", path));
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("samsim_checkpoint"))
    throw run_error(fmt::format("cannot resume: '{}' is not a samsim checkpoint", path));
  if (j["samsim_checkpoint"] != checkpoint_format)
    throw run_error(fmt::format("cannot resume: '{}' has checkpoint format {}, this samsim reads format {}", path,
                                j["samsim_checkpoint"].dump(), checkpoint_format));
  if (j.value("kind", std::string()) != kind)
    throw run_error(fmt::format("cannot resume: '{}' is a checkpoint of 'samsim {}', not of 'samsim {}'", path,
                                j.value("kind", std::string("?")), kind));
  const nlohmann::json found = j.value("identity", nlohmann::json::object());
  // Compare leaf by leaf, so the message names each field that differs.
  const nlohmann::json want_flat = identity.flatten();
  const nlohmann::json found_flat = found.is_object() ? found.flatten() : nlohmann::json::object();
  std::vector<std::string> differences;
  for (const auto& [key, value] : want_flat.items()) {
    const nlohmann::json other = found_flat.contains(key) ? found_flat[key] : nlohmann::json();
    if (other != value)
      differences.push_back(fmt::format("{}: checkpoint {}, this run {}", key.substr(1), shown(other), shown(value)));
  }
  for (const auto& [key, value] : found_flat.items())
    if (!want_flat.contains(key))
      differences.push_back(fmt::format("{}: checkpoint {}, this run (absent)", key.substr(1), shown(value)));
  if (!differences.empty()) {
    std::string message = fmt::format("cannot resume from '{}': it belongs to another run (", path);
    for (std::size_t k = 0; k < differences.size(); ++k) message += (k ? "; " : "") + differences[k];
    throw run_error(message + ")");
  }
  return j;
}

}  // namespace samsim::cli
