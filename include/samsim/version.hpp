#pragma once
/// \file version.hpp
/// The library's version, as built.
namespace samsim {
/// Version string "major.minor.patch" of the compiled library.
const char* version() noexcept;
}  // namespace samsim
