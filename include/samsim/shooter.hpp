#pragma once
/// \file shooter.hpp
/// One battery's means of fire during a trial: its fire channels, its
/// interceptors in flight, the launch interval, and per interceptor type the
/// launchers and the reload pool (docs/model.md, battery and fire doctrine).
///
/// A shooter is state, not physics: it counts. The engine asks it whether a
/// salvo of a type could go now (shortage()), takes the rounds of a salvo
/// (take_round()) and tells it when a reload arrives. Rounds come from the
/// lowest-numbered launcher of the type that has any; an emptied launcher
/// starts reloading at once from the type's pool (what is left of it).

#include <samsim/battery.hpp>

#include <cassert>
#include <cstdint>
#include <limits>
#include <vector>

namespace samsim {

/// What stops a salvo (the engine maps these to leak causes).
enum class fire_shortage : std::uint8_t {
  none,
  fire_channel,  ///< launch interval, fire channels or interceptors in flight
  interceptor,   ///< fewer ready rounds of the type than a salvo
};

class shooter {
 public:
  /// One interceptor type's launchers and pool in this battery.
  struct stock {
    int interceptor_type = 0;  ///< index into the scenario's interceptors
    int first_launcher = 0;    ///< this stock's launchers are [first_launcher, first_launcher + launchers)
    int launchers = 0;
    int first_loaded = 0;      ///< every launcher of the stock before this one is empty
    int ready_per_launcher = 0;
    double reload_time_s = 0.0;
    int ready = 0;      ///< on the launchers
    int pool = 0;       ///< in the reload pool
    int reloading = 0;  ///< on their way from the pool to a launcher
    int fired = 0;
    bool out_of_rounds = false;  ///< ready + pool fell below one salvo at some time
  };

  /// A reload started by take_round.
  struct reload {
    int launcher = -1;  ///< -1: none started
    int rounds = 0;
    double done_s = 0.0;
  };

  /// Sets the battery up for a new trial (reuses the buffers: no allocation
  /// after the first trial of a scenario). Groups of one type share a pool.
  /// Stocks are in interceptor type order; launchers are numbered stock by stock.
  void reset(const battery_site& site);

  int stocks() const { return static_cast<int>(stocks_.size()); }
  const stock& stock_at(int s) const { return stocks_[static_cast<std::size_t>(s)]; }
  int salvo_size() const { return salvo_; }
  int engaged() const { return engaged_; }
  int in_flight() const { return in_flight_; }
  double next_launch_s() const { return next_launch_s_; }
  /// Ready + reloading + pool over every type.
  int rounds_left() const;

  /// The shortage that stops a salvo of stock s at time t, if any. A threat
  /// that already holds one of this battery's fire channels needs no new one.
  fire_shortage shortage(int s, bool holds_channel, double t) const noexcept {
    if (t < next_launch_s_) return fire_shortage::fire_channel;  // launch interval
    if (!holds_channel && engaged_ >= max_engaged_) return fire_shortage::fire_channel;
    if (in_flight_ + salvo_ > max_in_flight_) return fire_shortage::fire_channel;
    if (stocks_[static_cast<std::size_t>(s)].ready < salvo_) return fire_shortage::interceptor;
    return fire_shortage::none;
  }
  /// The shortage shared by every stock whatever a threat's channel, or none
  /// when it depends on the stock or on the channel (decision passes use it to
  /// skip threats that all carry it already).
  fire_shortage common_shortage(double t) const noexcept;

  /// Takes one round of stock s, launched at launch_s; fills `started` when
  /// the launcher it emptied starts a reload. Needs a ready round.
  int take_round(int s, double launch_s, reload& started);
  /// A reload of `rounds` reaches launcher `launcher` (an index of this battery).
  void reload_complete(int launcher, int rounds);
  /// Accounts for a salvo of stock s launched at t: the launch interval runs
  /// from it, and the out-of-rounds flag is updated.
  void salvo_launched(int s, double t);

  void take_channel() { ++engaged_; }
  void release_channel() {
    assert(engaged_ > 0);
    --engaged_;
  }
  void interceptor_launched() { ++in_flight_; }
  void interceptor_arrived() {
    assert(in_flight_ > 0);
    --in_flight_;
  }

 private:
  std::vector<stock> stocks_;
  std::vector<int> launcher_rounds_;  ///< ready rounds per launcher of the battery
  std::vector<int> launcher_stock_;   ///< stock index per launcher
  int salvo_ = 1;
  int max_engaged_ = 1;
  int max_in_flight_ = 1;
  double launch_interval_s_ = 0.0;
  int engaged_ = 0;
  int in_flight_ = 0;
  double next_launch_s_ = -std::numeric_limits<double>::infinity();
};

}  // namespace samsim
