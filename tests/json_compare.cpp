// json_compare A B [--expect-stopped-early] [--ignore KEY]...: compares two
// `samsim run --json` results with the timing fields (elapsed_s,
// trials_per_second) and any --ignore'd top-level keys removed.
// Exit 0: identical; 1: different (the differences are printed as a JSON
// patch) or an expectation failed; 2: a file is missing or not JSON.
// Used by the MPI test (tests/mpi_compare.cmake): needs no python or jq.
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

bool load(const char* path, nlohmann::json& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "json_compare: cannot read '" << path << "'\n";
    return false;
  }
  out = nlohmann::json::parse(in, nullptr, false);
  if (out.is_discarded() || !out.is_object()) {
    std::cerr << "json_compare: '" << path << "' is not a JSON object\n";
    return false;
  }
  for (const char* key : {"elapsed_s", "trials_per_second"}) {
    if (!out.contains(key)) {
      std::cerr << "json_compare: '" << path << "' has no '" << key << "': not a samsim run result\n";
      return false;
    }
    out.erase(key);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool expect_stopped_early = false;
  std::vector<std::string> ignored;
  bool usage_ok = argc >= 3;
  for (int k = 3; k < argc && usage_ok; ++k) {
    const std::string arg = argv[k];
    if (arg == "--expect-stopped-early") {
      expect_stopped_early = true;
    } else if (arg == "--ignore" && k + 1 < argc) {
      ignored.emplace_back(argv[++k]);
    } else {
      usage_ok = false;
    }
  }
  if (!usage_ok) {
    std::cerr << "usage: json_compare A.json B.json [--expect-stopped-early] [--ignore KEY]...\n";
    return 2;
  }
  nlohmann::json a, b;
  if (!load(argv[1], a) || !load(argv[2], b)) return 2;
  for (const auto& key : ignored) {
    a.erase(key);
    b.erase(key);
  }
  if (a != b) {
    std::cerr << "json_compare: '" << argv[1] << "' and '" << argv[2]
              << "' differ (JSON patch from the first to the second):\n"
              << nlohmann::json::diff(a, b).dump(2) << "\n";
    return 1;
  }
  if (expect_stopped_early && a.value("stopped_early", false) != true) {
    std::cerr << "json_compare: the runs did not stop at the half-width target (stopped_early is not true)\n";
    return 1;
  }
  std::cout << "json_compare: identical (" << a.value("trials", 0) << " trials)\n";
  return 0;
}
