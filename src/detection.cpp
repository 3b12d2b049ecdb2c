// Detection probability for Swerling 0-4 targets, square-law detector,
// N pulses integrated noncoherently.
//
// Method (exact, one formula for Swerling 0, 1, 3, 4). With unit noise power
// per pulse, the statistic y = sum |a_i + n_i|^2 is, given the total signal
// energy E = sum |a_i|^2, a Poisson(E) mixture of Gamma(N + K, 1) laws (the
// series of the noncentral chi-square with 2N dof and noncentrality 2E).
// The Swerling law for E makes K:
//   SW0: E = N snr            -> K ~ Poisson(N snr)
//   SW1: E ~ Gamma(1), mean N snr (one draw per look)   -> K ~ NegBin(r = 1)
//   SW3: E ~ Gamma(2), mean N snr (one draw per look)   -> K ~ NegBin(r = 2)
//   SW4: per pulse Gamma(2), mean snr (independent)     -> K ~ NegBin(r = 2N)
//   SW2: per pulse Gamma(1), mean snr (independent)     -> K ~ NegBin(r = N),
//        which sums to the closed form Pd = Q(N, T / (1 + snr)).
// with NegBin(r, q) of mean N snr, i.e. q / (1 - q) = N snr / r. Then
//   Pd = sum_k P(K = k) Q(N + k, T)
//      = Pfa + sum_{j >= 0} pois(N + j; T) P(K > j)
// using Q(a + 1, T) = Q(a, T) + pois(a; T). Every term is positive (no
// cancellation), the Poisson(T) weights do not depend on the SNR, and
// P(K > j) grows with the SNR, so Pd is non-decreasing in SNR by construction.
// Above Pd = 1/2 the same terms give 1 - Pd = sum_j pois(N + j; T) P(K <= j).
#include <samsim/detection.hpp>
#include <samsim/units.hpp>

#include <fmt/format.h>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace samsim {
namespace {

namespace bmp = boost::math::policies;
// Explicit policy: no Boost call throws or touches errno; failures come back
// as NaN or infinity and are handled where they can occur.
using boost_policy = bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                                 bmp::overflow_error<bmp::ignore_error>, bmp::underflow_error<bmp::ignore_error>,
                                 bmp::evaluation_error<bmp::ignore_error>, bmp::rounding_error<bmp::ignore_error>,
                                 bmp::indeterminate_result_error<bmp::ignore_error>>;
constexpr boost_policy pol{};

// Per-pulse SNR above which Pd is 1 in double precision for every case:
// the slowest approach is Swerling 1/2 with N = 1, 1 - Pd ~ T / snr.
constexpr double snr_saturation = 1e30;
// Iteration cap of every series and recursion here.
constexpr long max_terms = 2'000'000;

void check_pfa_pulses(double pfa, int pulses) {
  if (!(pfa > 0.0 && pfa < 1.0))
    throw std::invalid_argument(fmt::format("pfa = {} must be in (0, 1)", pfa));
  if (pulses < 1) throw std::invalid_argument(fmt::format("pulses = {} must be >= 1", pulses));
}

void check_swerling(swerling_case sw) {
  const int k = static_cast<int>(sw);
  if (k < 0 || k > 4) throw std::invalid_argument(fmt::format("swerling = {} must be 0, 1, 2, 3 or 4", k));
}

// The SNR-independent part: Poisson(T) weights pois(N + j; T) for
// j in [j_lo, j_hi]; the neglected weights sum to < 1e-17 pfa.
class gamma_mixture {
 public:
  gamma_mixture(int pulses, double pfa) : pulses_(pulses), pfa_(pfa), threshold_(detection_threshold(pfa, pulses)) {
    const double t = threshold_;
    const double n = pulses;
    const double eps = 1e-17 * pfa;
    // Anchor at the Poisson mode, recurse outward (values decrease both ways).
    const double mode = std::max(0.0, std::floor(t) - n);
    const long j_mode = static_cast<long>(std::min(mode, 1e9));
    const double p_mode = boost::math::gamma_p_derivative(n + static_cast<double>(j_mode) + 1.0, t, pol);
    std::vector<double> down;  // j_mode - 1, j_mode - 2, ...
    double p = p_mode;
    long j = j_mode;
    while (j > 0 && static_cast<long>(down.size()) < max_terms) {
      p *= (n + static_cast<double>(j)) / t;  // pois(N + j - 1) = pois(N + j) (N + j) / T
      --j;
      down.push_back(p);
      if (p * static_cast<double>(j + 1) < eps) break;  // j + 1 remaining terms, each <= p
    }
    j_lo_ = j;
    weights_.assign(down.rbegin(), down.rend());
    weights_.push_back(p_mode);
    p = p_mode;
    j = j_mode;
    while (static_cast<long>(weights_.size()) < max_terms) {
      const double ratio = t / (n + static_cast<double>(j) + 1.0);
      if (ratio < 1.0 && p * ratio / (1.0 - ratio) < eps) break;  // geometric bound on the rest
      p *= ratio;
      ++j;
      weights_.push_back(p);
    }
    // A non-finite anchor (far outside the supported domain) leaves no terms: Pd = pfa.
    if (!std::isfinite(p_mode)) weights_.clear();
    scratch_.reserve(weights_.size() + 1);
  }

  double threshold() const { return threshold_; }

  double pd(swerling_case sw, double snr) {
    if (!(snr > 0.0)) return pfa_;
    if (snr >= snr_saturation) return 1.0;
    const double n = pulses_;
    if (sw == swerling_case::sw2) {
      const double q = boost::math::gamma_q(n, threshold_ / (1.0 + snr), pol);
      return std::isfinite(q) ? std::clamp(q, pfa_, 1.0) : pfa_;
    }
    if (weights_.empty()) return pfa_;
    // K's law: Poisson(lambda) or NegBin(r, q) with q / (1 - q) = x.
    const bool poisson = (sw == swerling_case::sw0);
    const double r = sw == swerling_case::sw1 ? 1.0 : sw == swerling_case::sw3 ? 2.0 : 2.0 * n;
    const double lambda = n * snr;           // Poisson mean; NegBin mean
    const double x = lambda / r;             // NegBin odds q / (1 - q)
    const double p_nb = 1.0 / (1.0 + x);     // NegBin success probability 1 - q
    const double q_nb = x / (1.0 + x);
    // Need S(m) = P(K >= m) for m = m_lo .. m_hi, with m = j + 1.
    const long m_lo = j_lo_ + 1;
    const long m_hi = j_lo_ + static_cast<long>(weights_.size());
    const double md = static_cast<double>(m_hi);
    double tail = poisson ? boost::math::gamma_p(md, lambda, pol) : boost::math::ibetac(r, md, p_nb, pol);
    if (!std::isfinite(tail)) tail = (md > lambda) ? 0.0 : 1.0;
    tail = std::clamp(tail, 0.0, 1.0);
    // pmf P(K = m) for m in [m_lo, m_hi - 1], from the mode outward.
    const long count = m_hi - m_lo;  // number of pmf values needed
    scratch_.assign(static_cast<std::size_t>(count), 0.0);
    if (count > 0) {
      const double mode_d = poisson ? std::floor(lambda) : std::floor((r - 1.0) * x);
      const double anchor_d = std::clamp(mode_d, static_cast<double>(m_lo), static_cast<double>(m_hi - 1));
      const long anchor = static_cast<long>(anchor_d);
      double w = poisson ? boost::math::gamma_p_derivative(anchor_d + 1.0, lambda, pol)
                         : p_nb / (r + anchor_d) * boost::math::ibeta_derivative(r, anchor_d + 1.0, p_nb, pol);
      if (!std::isfinite(w) || w < 0.0) w = 0.0;
      const auto at = [&](long m) -> double& { return scratch_[static_cast<std::size_t>(m - m_lo)]; };
      at(anchor) = w;
      double v = w;
      for (long m = anchor + 1; m < m_hi && v > 0.0; ++m) {  // upward
        const double md1 = static_cast<double>(m - 1);
        v *= poisson ? lambda / static_cast<double>(m) : q_nb * (r + md1) / static_cast<double>(m);
        at(m) = v;
      }
      v = w;
      for (long m = anchor - 1; m >= m_lo && v > 0.0; --m) {  // downward
        const double md1 = static_cast<double>(m + 1);
        v *= poisson ? md1 / lambda : md1 / (q_nb * (r + static_cast<double>(m)));
        at(m) = v;
      }
    }
    // Pd = pfa + sum_j pois(N + j; T) S(j + 1), S accumulated downward from the exact tail.
    double s = tail;
    double sum = weights_.back() * s;
    for (long m = m_hi - 1; m >= m_lo; --m) {
      s += scratch_[static_cast<std::size_t>(m - m_lo)];
      sum += weights_[static_cast<std::size_t>(m - m_lo)] * std::min(s, 1.0);
    }
    double pd = pfa_ + sum;
    if (pd > 0.5) {
      // Near 1, sum the miss probability instead (relative accuracy, so Pd
      // stays monotone where it rounds towards 1):
      // 1 - Pd = sum_j pois(N + j; T) P(K <= j), P(K <= j) accumulated upward.
      double f = poisson ? boost::math::gamma_q(static_cast<double>(j_lo_) + 1.0, lambda, pol)
                         : boost::math::ibeta(r, static_cast<double>(j_lo_) + 1.0, p_nb, pol);
      if (!std::isfinite(f)) f = 0.0;
      double miss = weights_.front() * f;
      for (std::size_t k = 1; k < weights_.size(); ++k) {
        f += scratch_[k - 1];
        miss += weights_[k] * std::min(f, 1.0);
      }
      pd = 1.0 - miss;
    }
    return std::isfinite(pd) ? std::clamp(pd, pfa_, 1.0) : pfa_;
  }

 private:
  int pulses_;
  double pfa_;
  double threshold_;
  long j_lo_ = 0;
  std::vector<double> weights_;  // pois(N + j; T), j = j_lo_, j_lo_ + 1, ...
  std::vector<double> scratch_;
};

}  // namespace

double detection_threshold(double pfa, int pulses) {
  check_pfa_pulses(pfa, pulses);
  return boost::math::gamma_q_inv(static_cast<double>(pulses), pfa, pol);
}

double pd_exact(swerling_case swerling, double snr_per_pulse, int pulses, double pfa) {
  check_pfa_pulses(pfa, pulses);
  check_swerling(swerling);
  if (std::isnan(snr_per_pulse)) throw std::invalid_argument("snr_per_pulse is NaN");
  if (!(snr_per_pulse > 0.0)) return pfa;
  if (snr_per_pulse >= snr_saturation) return 1.0;
  if (swerling == swerling_case::sw2) {  // closed form, no mixture needed
    const double q = boost::math::gamma_q(static_cast<double>(pulses),
                                          detection_threshold(pfa, pulses) / (1.0 + snr_per_pulse), pol);
    return std::isfinite(q) ? std::clamp(q, pfa, 1.0) : pfa;
  }
  gamma_mixture mix(pulses, pfa);
  return mix.pd(swerling, snr_per_pulse);
}

double snr_required(swerling_case swerling, double pd, int pulses, double pfa) {
  check_pfa_pulses(pfa, pulses);
  check_swerling(swerling);
  if (!(pd > 0.0 && pd < 1.0)) throw std::invalid_argument(fmt::format("pd = {} must be in (0, 1)", pd));
  if (pd <= pfa) return 0.0;
  gamma_mixture mix(pulses, pfa);
  // Root in dB on [-300, 300]: Pd(-300 dB) rounds to pfa < pd, Pd(300 dB) = 1 > pd.
  const auto f = [&](double snr_db) { return mix.pd(swerling, units::db_to_linear(snr_db)) - pd; };
  double lo = -300.0;
  double hi = 300.0;
  double f_lo = f(lo);
  double f_hi = f(hi);
  if (f_lo >= 0.0) return units::db_to_linear(lo);
  if (f_hi <= 0.0) return units::db_to_linear(hi);
  // A few bisection steps first: Pd is flat (= pfa or 1) over most of the bracket.
  for (int i = 0; i < 12; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double f_mid = f(mid);
    if (f_mid == 0.0) return units::db_to_linear(mid);
    (f_mid < 0.0 ? lo : hi) = mid;
    (f_mid < 0.0 ? f_lo : f_hi) = f_mid;
  }
  std::uintmax_t max_iter = 200;
  const auto tol = [](double a, double b) { return std::abs(b - a) < 1e-10; };
  const auto [a, b] = boost::math::tools::toms748_solve(f, lo, hi, f_lo, f_hi, tol, max_iter, pol);
  return units::db_to_linear(0.5 * (a + b));
}

double albersheim_snr_db(double pd, double pfa, int pulses) {
  check_pfa_pulses(pfa, pulses);
  if (!(pd > 0.0 && pd < 1.0)) throw std::invalid_argument(fmt::format("pd = {} must be in (0, 1)", pd));
  const double n = pulses;
  const double a = std::log(0.62 / pfa);
  const double b = std::log(pd / (1.0 - pd));
  const double arg = a + 0.12 * a * b + 1.7 * b;
  if (!(arg > 0.0)) throw std::domain_error("Albersheim's equation is undefined for this pd and pfa");
  return -5.0 * std::log10(n) + (6.2 + 4.54 / std::sqrt(n + 0.44)) * std::log10(arg);
}

double shnidman_snr_db(swerling_case swerling, double pd, double pfa, int pulses) {
  check_pfa_pulses(pfa, pulses);
  check_swerling(swerling);
  if (!(pd > 0.0 && pd < 1.0)) throw std::invalid_argument(fmt::format("pd = {} must be in (0, 1)", pd));
  const double n = pulses;
  const double alpha = pulses < 40 ? 0.0 : 0.25;
  const double eta = std::sqrt(-0.8 * std::log(4.0 * pfa * (1.0 - pfa))) +
                     (pd < 0.5 ? -1.0 : 1.0) * std::sqrt(-0.8 * std::log(4.0 * pd * (1.0 - pd)));
  const double x_inf = eta * (eta + 2.0 * std::sqrt(n / 2.0 + (alpha - 0.25)));
  if (!(eta > 0.0 && x_inf > 0.0)) throw std::domain_error("Shnidman's equation is undefined for this pd and pfa");
  double c_db = 0.0;
  if (swerling != swerling_case::sw0) {
    const double k = swerling == swerling_case::sw1   ? 1.0
                     : swerling == swerling_case::sw2 ? n
                     : swerling == swerling_case::sw3 ? 2.0
                                                      : 2.0 * n;
    c_db = (((17.7006 * pd - 18.4496) * pd + 14.5339) * pd - 3.525) / k;
    if (pd > 0.872)
      c_db += (std::exp(27.31 * pd - 25.14) + (pd - 0.8) * (0.7 * std::log(1e-5 / pfa) + (2.0 * n - 20.0) / 80.0)) / k;
  }
  return c_db + units::linear_to_db(x_inf / n);
}

// ---- pd_table ----------------------------------------------------------------

pd_table::pd_table(swerling_case swerling, int pulses, double pfa)
    : swerling_(swerling), pulses_(pulses), pfa_(pfa) {
  check_pfa_pulses(pfa, pulses);
  check_swerling(swerling);
  gamma_mixture mix(pulses, pfa);
  constexpr double saturation_tolerance = 1e-7;
  // Ends on whole octaves (powers of two), so they are table nodes.
  int e_lo = 0;
  while (e_lo > -300 && mix.pd(swerling, std::ldexp(1.0, e_lo)) - pfa > saturation_tolerance) --e_lo;
  int e_hi = std::max(e_lo + 1, 0);
  while (e_hi < 100 && 1.0 - mix.pd(swerling, std::ldexp(1.0, e_hi)) > saturation_tolerance) ++e_hi;
  const double pd_lo = mix.pd(swerling, std::ldexp(1.0, e_lo));
  const double pd_hi = mix.pd(swerling, std::ldexp(1.0, e_hi));
  const double end_error = std::max(pd_lo - pfa, 1.0 - pd_hi);

  // Finer grids until the measured midpoint error is well inside 1e-4.
  for (int bits = 8;; ++bits) {
    const std::uint64_t per_octave = std::uint64_t{1} << bits;
    const std::size_t nodes = static_cast<std::size_t>(e_hi - e_lo) * per_octave + 1;
    auto values = std::make_shared<std::vector<double>>(nodes);
    const int shift = 52 - bits;
    const std::uint64_t base = std::bit_cast<std::uint64_t>(std::ldexp(1.0, e_lo)) >> shift;
    const auto node_snr = [&](std::size_t i) { return std::bit_cast<double>((base + i) << shift); };
    for (std::size_t i = 0; i < nodes; ++i) (*values)[i] = mix.pd(swerling, node_snr(i));
    double mid_error = 0.0;
    for (std::size_t i = 0; i + 1 < nodes; ++i) {
      const double mid = 0.5 * (node_snr(i) + node_snr(i + 1));
      const double interp = 0.5 * ((*values)[i] + (*values)[i + 1]);
      mid_error = std::max(mid_error, std::abs(interp - mix.pd(swerling, mid)));
    }
    if (mid_error > 2e-5 && bits < 11) continue;
    snr_lo_ = std::ldexp(1.0, e_lo);
    snr_hi_ = std::ldexp(1.0, e_hi);
    slope_lo_ = ((*values)[0] - pfa) / snr_lo_;
    shift_ = shift;
    base_index_ = base;
    frac_mask_ = (std::uint64_t{1} << shift) - 1;
    frac_scale_ = std::ldexp(1.0, -shift);
    error_bound_ = std::max(1.25 * mid_error, end_error) + 1e-12;
    values_ = values->data();
    storage_ = std::move(values);
    break;
  }
}

double pd_table::at_db(double snr_db) const { return (*this)(units::db_to_linear(snr_db)); }

}  // namespace samsim
