#pragma once
/// \file detection.hpp
/// Detection probability of a square-law detector with N noncoherently
/// integrated pulses, for Swerling targets 0-4: exact values, the inverse
/// (required SNR), the Albersheim and Shnidman approximations, and a fast
/// interpolated table for the Monte Carlo hot loop.
///
/// Conventions: SNR is the per-pulse signal-to-noise power ratio, linear;
/// the detection statistic is the sum of the N pulse powers normalised to the
/// noise power, so that under noise alone it is Gamma(N, 1).

#include <samsim/radar.hpp>

#include <bit>
#include <cstdint>
#include <memory>
#include <vector>

namespace samsim {

/// Threshold T on the normalised sum of N pulse powers such that
/// Pfa = Q(N, T) (regularized upper incomplete gamma).
/// Throws std::invalid_argument unless 0 < pfa < 1 and pulses >= 1.
double detection_threshold(double pfa, int pulses);

/// Exact Pd for per-pulse SNR `snr_per_pulse` (linear). Returns a value in
/// [pfa, 1], non-decreasing in SNR; SNR <= 0 gives pfa, +inf gives 1.
/// Throws std::invalid_argument for pfa outside (0, 1), pulses < 1, an
/// unknown Swerling case or a NaN SNR.
double pd_exact(swerling_case swerling, double snr_per_pulse, int pulses, double pfa);

/// Per-pulse SNR (linear) at which pd_exact equals `pd`: bracketed root
/// finder, to 1e-9 dB. Returns 0 when pd <= pfa (any SNR suffices).
/// Throws std::invalid_argument unless 0 < pd < 1 (and as pd_exact).
double snr_required(swerling_case swerling, double pd, int pulses, double pfa);

/// Albersheim's equation: required single-pulse SNR [dB] for a nonfluctuating
/// target and a linear detector. Published validity: 1e-7 <= pfa <= 1e-3,
/// 0.1 <= pd <= 0.9, 1 <= pulses <= 8096; within that range it is still
/// several dB off the exact answer near pd = 0.1, pfa = 1e-3. Computed
/// outside the range too. Throws std::invalid_argument for pd, pfa outside
/// (0, 1) or pulses < 1, std::domain_error where the formula is undefined.
double albersheim_snr_db(double pd, double pfa, int pulses);

/// Shnidman's equation: required single-pulse SNR [dB], Swerling 0-4,
/// square-law detector. Published validity: 0.1 <= pd <= 0.99,
/// 1e-9 <= pfa <= 1e-3, 1 <= pulses <= 100 (about 0.5 dB; up to about 1 dB
/// near pd = 0.1). Throws as albersheim_snr_db; domain_error also when pd is
/// so low against pfa that the formula does not apply.
double shnidman_snr_db(swerling_case swerling, double pd, double pfa, int pulses);

/// Pd against per-pulse linear SNR for one (Swerling, N, Pfa), tabulated once
/// and linearly interpolated. Nodes are 2^b per octave of SNR, indexed
/// directly from the bits of the double (no logarithm per lookup). Below the
/// table Pd is interpolated linearly towards (0, pfa); above it Pd = 1.
/// Copies share the immutable table.
class pd_table {
 public:
  /// Builds the table (milliseconds to a fraction of a second). Throws as pd_exact.
  pd_table(swerling_case swerling, int pulses, double pfa);

  /// Pd at per-pulse linear SNR. SNR <= 0 or NaN gives pfa.
  double operator()(double snr_per_pulse_linear) const noexcept {
    const double s = snr_per_pulse_linear;
    if (!(s > snr_lo_)) return s > 0.0 ? pfa_ + slope_lo_ * s : pfa_;
    if (s >= snr_hi_) return 1.0;
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(s);
    const std::uint64_t index = (bits >> shift_) - base_index_;
    const double frac = static_cast<double>(bits & frac_mask_) * frac_scale_;
    const double v0 = values_[index];
    return v0 + frac * (values_[index + 1] - v0);
  }

  /// Pd at per-pulse SNR in dB (converts, then as operator()).
  double at_db(double snr_db) const;

  /// Upper bound on |table - pd_exact| over all SNR, estimated at build time
  /// from the interpolation error at every cell midpoint (with a 25% margin)
  /// and the saturation error at both ends.
  double max_abs_error_bound() const { return error_bound_; }

  swerling_case swerling() const { return swerling_; }
  int pulses() const { return pulses_; }
  double pfa() const { return pfa_; }
  /// Lowest and highest tabulated per-pulse SNR (linear).
  double snr_low() const { return snr_lo_; }
  double snr_high() const { return snr_hi_; }
  /// Number of tabulated nodes.
  std::size_t size() const { return storage_->size(); }

 private:
  swerling_case swerling_;
  int pulses_;
  double pfa_;
  double snr_lo_ = 0.0;
  double snr_hi_ = 0.0;
  double slope_lo_ = 0.0;
  int shift_ = 44;
  std::uint64_t base_index_ = 0;
  std::uint64_t frac_mask_ = 0;
  double frac_scale_ = 0.0;
  double error_bound_ = 0.0;
  std::shared_ptr<const std::vector<double>> storage_;
  const double* values_ = nullptr;
};

}  // namespace samsim
