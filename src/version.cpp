#include <samsim/version.hpp>

namespace samsim {
const char* version() noexcept { return SAMSIM_VERSION_STRING; }
}  // namespace samsim
