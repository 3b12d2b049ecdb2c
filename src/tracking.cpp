// M-of-N confirmation and track slots (tracking.hpp).
#include <samsim/tracking.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace samsim {
namespace {

void check_m_n(int m, int n) {
  if (n < 1 || n > 64) throw std::invalid_argument(fmt::format("n = {} must be in [1, 64]", n));
  if (m < 1 || m > n) throw std::invalid_argument(fmt::format("m = {} must be in [1, n = {}]", m, n));
}

std::uint64_t low_bits(int count) { return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1; }

}  // namespace

m_of_n_window::m_of_n_window(int m, int n) : m_(m), n_(n), mask_(0) {
  check_m_n(m, n);
  mask_ = low_bits(n);
}

double confirmation_probability(int m, int n, double pd, int looks) {
  check_m_n(m, n);
  if (!(pd >= 0.0 && pd <= 1.0)) throw std::invalid_argument(fmt::format("pd = {} must be in [0, 1]", pd));
  if (looks < 0) throw std::invalid_argument(fmt::format("looks = {} must be >= 0", looks));
  if (looks < m || pd == 0.0) return 0.0;
  if (pd == 1.0) return 1.0;

  // State: outcomes of the last n - 1 looks (bit 0 the newest), with fewer
  // than m detections; a look confirms when state detections + this look >= m.
  const int width = n - 1;
  const std::uint64_t mask = low_bits(width);
  // Count the states first: sum_{k<m} C(width, k).
  double state_count = 0.0;
  double binom = 1.0;
  for (int k = 0; k < m && k <= width; ++k) {
    state_count += binom;
    binom = binom * (width - k) / (k + 1);
  }
  if (state_count > double(1 << 20))
    throw std::length_error(fmt::format("confirmation_probability: {}-of-{} needs {:g} states (limit 2^20)", m, n,
                                        state_count));
  std::vector<std::uint64_t> states;
  states.reserve(static_cast<std::size_t>(state_count));
  states.push_back(0);
  for (int k = 1; k < m && k <= width; ++k) {
    // Gosper's hack: every word of `width` bits with k bits set, in increasing order.
    for (std::uint64_t v = low_bits(k); (v & ~mask) == 0;) {
      states.push_back(v);
      const std::uint64_t c = v & (~v + 1);
      const std::uint64_t r = v + c;  // no wrap: width <= 63
      v = (((r ^ v) >> 2) / c) | r;
    }
  }
  std::sort(states.begin(), states.end());
  const auto index_of = [&](std::uint64_t s) {
    return static_cast<std::size_t>(std::lower_bound(states.begin(), states.end(), s) - states.begin());
  };
  // Successors: on a miss always a state; on a detection a state unless it confirms.
  const std::size_t size = states.size();
  constexpr std::uint32_t confirms = ~std::uint32_t{0};
  std::vector<std::uint32_t> next_miss(size);
  std::vector<std::uint32_t> next_hit(size);
  for (std::size_t i = 0; i < size; ++i) {
    const std::uint64_t s = states[i];
    next_miss[i] = static_cast<std::uint32_t>(index_of((s << 1) & mask));
    next_hit[i] = std::popcount(s) + 1 >= m ? confirms : static_cast<std::uint32_t>(index_of(((s << 1) | 1u) & mask));
  }
  std::vector<double> prob(size, 0.0);
  std::vector<double> next(size, 0.0);
  prob[0] = 1.0;  // no look yet: all-miss history
  double confirmed = 0.0;
  const double qd = 1.0 - pd;
  for (int look = 0; look < looks; ++look) {
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t i = 0; i < size; ++i) {
      const double p = prob[i];
      if (p == 0.0) continue;
      next[next_miss[i]] += p * qd;
      if (next_hit[i] == confirms)
        confirmed += p * pd;
      else
        next[next_hit[i]] += p * pd;
    }
    prob.swap(next);
  }
  return std::clamp(confirmed, 0.0, 1.0);
}

track_slots::track_slots(int capacity) : capacity_(capacity) {
  if (capacity < 0) throw std::invalid_argument(fmt::format("capacity = {} must be >= 0", capacity));
}

void track_slots::release() {
  if (in_use_ <= 0) throw std::logic_error("track_slots::release with no slot in use");
  --in_use_;
}

}  // namespace samsim
