// trial_digest SCENARIO.json TRIALS [SEED]
//
// Runs trials 0..TRIALS-1 one after another and prints two 64-bit FNV-1a
// hashes:
//  - timelines: everything each trial produced, its totals (the event
//    counter aside), every threat's outcome and every timeline entry, doubles
//    by their bits. Two builds that print the same one produced the same
//    timelines, bit for bit.
//  - fates: what each threat's fate was, without any time: killed or leaked,
//    the leak cause, salvos and interceptors spent, and each trial's leakers,
//    interceptors and rounds left. The estimates are a function of these, so
//    two builds with the same fates give the same estimates in any run of
//    these trials, even where a timeline moved by a rounding.
// Output: "timelines HEX fates HEX (N trials, seed S)".
#include <samsim/engagement.hpp>
#include <samsim/scenario.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

class fnv1a {
 public:
  template <class T>
  void add(const T& value) {
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    for (const unsigned char b : bytes) {
      hash_ ^= b;
      hash_ *= 1099511628211ull;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: trial_digest SCENARIO.json TRIALS [SEED]\n");
    return 2;
  }
  try {
    const samsim::scenario sc = samsim::load_scenario(argv[1]);
    const std::uint64_t trials = std::stoull(argv[2]);
    const std::uint64_t seed = argc == 4 ? std::stoull(argv[3]) : sc.monte_carlo.seed;
    const samsim::engagement_model model(sc);
    samsim::trial_workspace ws;
    std::vector<samsim::trace_event> trace;
    fnv1a h, fates;
    for (std::uint64_t k = 0; k < trials; ++k) {
      trace.clear();
      const samsim::trial_result r = samsim::run_trial(model, seed, k, ws, &trace);
      h.add(r.threats);
      h.add(r.leakers);
      h.add(r.interceptors_used);
      h.add(r.first_leak_time_s);
      h.add(r.rounds_left);
      h.add(r.magazine_exhausted);
      fates.add(r.leakers);
      fates.add(r.interceptors_used);
      fates.add(r.rounds_left);
      fates.add(r.magazine_exhausted);
      for (const samsim::threat_outcome& o : ws.outcomes) {
        fates.add(o.killed);
        fates.add(o.cause);
        fates.add(o.interceptors_used);
        fates.add(o.salvos);
        h.add(o.killed);
        h.add(o.cause);
        h.add(o.end_time_s);
        h.add(o.confirm_time_s);
        h.add(o.interceptors_used);
        h.add(o.salvos);
      }
      for (const samsim::trace_event& e : trace) {
        h.add(e.time_s);
        h.add(e.kind);
        h.add(e.threat);
        h.add(e.launcher);
        h.add(e.interceptor);
        h.add(e.value);
      }
    }
    std::printf("timelines %016llx fates %016llx (%llu trials, seed %llu)\n", static_cast<unsigned long long>(h.value()),
                static_cast<unsigned long long>(fates.value()), static_cast<unsigned long long>(trials),
                static_cast<unsigned long long>(seed));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trial_digest: %s\n", e.what());
    return 1;
  }
}
