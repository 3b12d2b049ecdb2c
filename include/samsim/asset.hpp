#pragma once
/// \file asset.hpp
/// A defended asset of a defended-area scenario: a named place that raid
/// groups attack and whose value counts as lost when a leaker reaches it.

#include <Eigen/Core>

#include <string>

namespace samsim {

struct asset {
  std::string name;
  Eigen::Vector2d position_en_m = Eigen::Vector2d::Zero();  ///< scenario ENU
  double value = 1.0;  ///< > 0: ranks threats under the asset_value priority and sums into the value lost
};

/// Throws std::invalid_argument unless the name is not empty, the position is
/// finite and the value is finite and > 0.
void validate(const asset& a);

}  // namespace samsim
