#include <samsim/fire_distribution.hpp>

#include "builtin_order.hpp"

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

namespace {

/// The built-in rules (docs/model.md, fire distribution).
class builtin_rule final : public fire_distribution_rule {
 public:
  explicit builtin_rule(const fire_distribution_settings& s) : settings_(s) {}

  bool served_before(const threat_view& a, const threat_view& b) const override {
    return detail::builtin_served_before(settings_.priority, a, b);
  }

  int choose(const threat_view&, const shooter_option* options, int count) const override {
    int best = 0;
    for (int k = 1; k < count; ++k) {
      const shooter_option& o = options[k];
      const shooter_option& c = options[best];
      // Strictly better only: ties keep the earlier option (battery, then type order).
      const bool better = settings_.selection == selection_rule::cheapest
                              ? (o.salvo_cost < c.salvo_cost ||
                                 (o.salvo_cost == c.salvo_cost && o.first_intercept_s < c.first_intercept_s))
                              : o.first_intercept_s < c.first_intercept_s;
      if (better) best = k;
    }
    return best;
  }

 private:
  fire_distribution_settings settings_;
};

}  // namespace

std::shared_ptr<const fire_distribution_rule> make_fire_distribution_rule(const fire_distribution_settings& settings) {
  return std::make_shared<builtin_rule>(settings);
}

}  // namespace samsim
