#pragma once
/// \file fire_distribution.hpp
/// Fire distribution over several batteries and interceptor types: the order
/// in which threats are served and the rule that picks the shooter
/// (docs/model.md, defended area).

#include <samsim/raid.hpp>

#include <memory>
#include <optional>
#include <string_view>

namespace samsim {

/// Order in which threats are served (fire and track slots).
enum class priority_rule {
  earliest_arrival,  ///< earliest predicted arrival at the leak point first
  asset_value,       ///< higher value of the attacked asset (or battery) first, then earliest arrival
};

/// Which of the shooters (battery, interceptor type) able to fire now is chosen.
enum class selection_rule {
  earliest_intercept,  ///< the first intercept; ties by battery, then type order
  cheapest,            ///< the lowest salvo cost; ties by earliest intercept
};

struct fire_distribution_settings {
  priority_rule priority = priority_rule::earliest_arrival;
  selection_rule selection = selection_rule::earliest_intercept;
};

/// Names as written in scenario files: "earliest_arrival", "asset_value".
std::string_view to_string(priority_rule rule);
/// "earliest_intercept", "cheapest".
std::string_view to_string(selection_rule rule);
/// The rule a name stands for, or nullopt.
std::optional<priority_rule> parse_priority_rule(std::string_view name);
std::optional<selection_rule> parse_selection_rule(std::string_view name);


/// What a fire-distribution rule sees of a threat.
struct threat_view {
  int index = 0;           ///< the threat's index in the trial
  int class_index = 0;
  int priority = 0;        ///< its class's priority (higher first)
  double leak_time_s = 0.0;  ///< when it reaches its leak point if nothing stops it
  target_ref target;       ///< what it attacks
  double target_value = 1.0;  ///< the value of that asset or battery
};

/// A shooter that can launch a feasible salvo at a threat now.
struct shooter_option {
  int battery = 0;           ///< index into the scenario's batteries
  int interceptor_type = 0;  ///< index into the scenario's interceptors
  int salvo_size = 1;
  double first_intercept_s = 0.0;  ///< intercept time of the salvo's first round
  double last_intercept_s = 0.0;
  double salvo_cost = 0.0;   ///< salvo size x the type's cost per round
  double pk = 0.0;           ///< single-shot Pk of the type against the threat's class (before edge lowering)
  int ready_rounds = 0;      ///< of this type at this battery, before the salvo
  int pool_rounds = 0;
};

/// The rule that distributes fire: the order in which threats are served
/// (fire and track slots alike), and which shooter fires at a threat when
/// several can. One object serves every trial of a run, from several
/// threads at once: its functions must be pure (const, no shared state).
///
/// An embedding program implements this interface to try its own doctrine
/// and hands it to the engagement model (engagement_model::set_rule).
class fire_distribution_rule {
 public:
  virtual ~fire_distribution_rule() = default;
  /// A strict weak order: whether threat a is served before threat b. The
  /// engine breaks remaining ties by threat index.
  virtual bool served_before(const threat_view& a, const threat_view& b) const = 0;
  /// Index into `options` (never empty; in battery, then type order) of the
  /// shooter to fire now, or -1 to hold fire at this threat for now.
  virtual int choose(const threat_view& threat, const shooter_option* options, int count) const = 0;
};

/// The built-in rule of these settings (MODEL: class priority first, then
/// asset value under asset_value, then earliest arrival; earliest intercept
/// or cheapest salvo, ties as documented).
std::shared_ptr<const fire_distribution_rule> make_fire_distribution_rule(const fire_distribution_settings& settings);

}  // namespace samsim
