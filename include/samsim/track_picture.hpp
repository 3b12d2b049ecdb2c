#pragma once
/// \file track_picture.hpp
/// Which tracks a battery may engage: its own radar's, or also those another
/// battery shares over a network (docs/model.md, defended area).

namespace samsim {

/// The track network of a defended-area scenario.
struct network_parameters {
  /// false: a battery engages only what its own radar tracks. true: also a
  /// threat another battery tracks, from latency_s after that confirmation.
  bool shared_tracks = false;
  double latency_s = 0.0;  ///< >= 0; read only with shared_tracks
};

}  // namespace samsim
