// Catch2's main for every samsim test program.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
