#pragma once
/// \file report.hpp
/// Monte Carlo results as an analyst reads them: a JSON document, a summary
/// table, a CSV row, and a trial's timeline as text. Formatting only: no I/O.

#include <samsim/engagement.hpp>
#include <samsim/monte_carlo.hpp>
#include <samsim/rare_event.hpp>
#include <samsim/scenario.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace samsim {

/// The result as JSON: scenario, trials, seed, p_leak, leakers, interceptors_used, by_class, causes,
/// magazine_exhausted, trials_per_second, ... (keys documented in docs/cli.md).
/// Timing fields are `elapsed_s` and `trials_per_second` only.
nlohmann::json result_to_json(const scenario& sc, const monte_carlo_options& options,
                              const monte_carlo_result& result);

/// An importance-sampling result as JSON: p_leak {estimate, standard_error,
/// relative_error, ci, hits, effective_sample_size, max_weight_share},
/// effective_sample_size, by_asset.NAME.p_leak, weights, biasing, tuning,
/// warnings (keys documented in docs/cli.md and docs/rare-events.md).
nlohmann::json rare_event_to_json(const scenario& sc, const rare_event_options& options,
                                  const rare_event_result& result);

/// A readable summary of an importance-sampling result.
std::string format_rare_event_summary(const scenario& sc, const rare_event_options& options,
                                      const rare_event_result& result);

/// A flyout table's reach beside the stated envelope limits (compare_reach), as
/// `samsim run` writes it under "interceptor_reach": stated_max_range_m,
/// reached_max_range_m, stated_max_height_m, reached_max_height_m, range_short, height_short.
nlohmann::json reach_to_json(const interceptor_reach& reach);

/// A readable multi-line summary table.
std::string format_summary(const scenario& sc, const monte_carlo_options& options, const monte_carlo_result& result);

/// CSV: a header line and one row per line of the summary's quantities.
std::string format_csv(const scenario& sc, const monte_carlo_options& options, const monte_carlo_result& result);

/// A trial's timeline as a table, one event per line.
std::string format_trace(const scenario& sc, const std::vector<threat_state>& threats,
                         const std::vector<threat_outcome>& outcomes, const std::vector<trace_event>& events,
                         const trial_result& result);

}  // namespace samsim
