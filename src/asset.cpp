#include <samsim/asset.hpp>

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace samsim {

void validate(const asset& a) {
  if (a.name.empty()) throw std::invalid_argument("asset: name must not be empty");
  if (!a.position_en_m.allFinite())
    throw std::invalid_argument(fmt::format("asset '{}': position_m must be finite", a.name));
  if (!(std::isfinite(a.value) && a.value > 0.0))
    throw std::invalid_argument(fmt::format("asset '{}': value = {} must be finite and > 0", a.name, a.value));
}

}  // namespace samsim
