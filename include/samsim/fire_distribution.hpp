#pragma once
/// \file fire_distribution.hpp
/// Fire distribution over several batteries and interceptor types: the order
/// in which threats are served and the rule that picks the shooter
/// (docs/model.md, defended area).

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

}  // namespace samsim
