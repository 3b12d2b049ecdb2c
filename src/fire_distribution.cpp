#include <samsim/fire_distribution.hpp>

namespace samsim {

std::string_view to_string(priority_rule rule) {
  switch (rule) {
    case priority_rule::earliest_arrival: return "earliest_arrival";
    case priority_rule::asset_value: return "asset_value";
  }
  return "unknown";
}

std::string_view to_string(selection_rule rule) {
  switch (rule) {
    case selection_rule::earliest_intercept: return "earliest_intercept";
    case selection_rule::cheapest: return "cheapest";
  }
  return "unknown";
}

std::optional<priority_rule> parse_priority_rule(std::string_view name) {
  for (const priority_rule r : {priority_rule::earliest_arrival, priority_rule::asset_value})
    if (name == to_string(r)) return r;
  return std::nullopt;
}

std::optional<selection_rule> parse_selection_rule(std::string_view name) {
  for (const selection_rule r : {selection_rule::earliest_intercept, selection_rule::cheapest})
    if (name == to_string(r)) return r;
  return std::nullopt;
}

}  // namespace samsim
