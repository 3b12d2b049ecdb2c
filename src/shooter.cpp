#include <samsim/shooter.hpp>

#include <algorithm>

namespace samsim {

void shooter::reset(const battery_site& site) {
  stocks_.clear();
  launcher_rounds_.clear();
  launcher_stock_.clear();
  // One stock per type, in the order the types first appear among the groups;
  // the launchers of a stock are numbered consecutively.
  for (const launcher_group& g : site.launchers) {
    auto it = std::find_if(stocks_.begin(), stocks_.end(),
                           [&](const stock& s) { return s.interceptor_type == g.interceptor_type; });
    if (it == stocks_.end()) {
      stock s;
      s.interceptor_type = g.interceptor_type;
      s.ready_per_launcher = g.launchers.ready_per_launcher;
      s.reload_time_s = g.launchers.reload_time_s;
      stocks_.push_back(s);
      it = stocks_.end() - 1;
    }
    it->launchers += g.launchers.count;
    it->ready += g.launchers.count * g.launchers.ready_per_launcher;
    it->pool += g.launchers.reload_rounds;
  }
  // Stocks in type order: ties between shooters go by battery, then type order.
  // (An insertion sort: a handful of stocks, and no allocation per trial.)
  for (std::size_t k = 1; k < stocks_.size(); ++k)
    for (std::size_t j = k; j > 0 && stocks_[j].interceptor_type < stocks_[j - 1].interceptor_type; --j)
      std::swap(stocks_[j], stocks_[j - 1]);
  int first = 0;
  for (std::size_t s = 0; s < stocks_.size(); ++s) {
    stocks_[s].first_launcher = first;
    stocks_[s].first_loaded = first;
    first += stocks_[s].launchers;
    for (int l = 0; l < stocks_[s].launchers; ++l) {
      launcher_rounds_.push_back(stocks_[s].ready_per_launcher);
      launcher_stock_.push_back(static_cast<int>(s));
    }
  }
  salvo_ = site.doctrine.salvo_size;
  max_engaged_ = site.fire_control.max_engaged_targets;
  max_in_flight_ = site.fire_control.max_interceptors_in_flight;
  launch_interval_s_ = site.fire_control.launch_interval_s;
  engaged_ = 0;
  in_flight_ = 0;
  next_launch_s_ = -std::numeric_limits<double>::infinity();
  for (stock& s : stocks_) s.out_of_rounds = s.ready + s.pool < salvo_;
}

int shooter::rounds_left() const {
  int n = 0;
  for (const stock& s : stocks_) n += s.ready + s.reloading + s.pool;
  return n;
}

fire_shortage shooter::common_shortage(double t) const noexcept {
  if (t < next_launch_s_) return fire_shortage::fire_channel;
  if (in_flight_ + salvo_ > max_in_flight_) return fire_shortage::fire_channel;
  // With the channels full a threat without one is short of a channel, one
  // with a channel of whatever the stock lacks: no common reason.
  if (engaged_ >= max_engaged_) return fire_shortage::none;
  for (const stock& s : stocks_)
    if (s.ready >= salvo_) return fire_shortage::none;
  return fire_shortage::interceptor;
}

int shooter::take_round(int s, double launch_s, reload& started) {
  stock& st = stocks_[static_cast<std::size_t>(s)];
  started = reload{};
  // Rounds come from the first launcher that has one (first_loaded saves
  // the walk over the ones emptied before it).
  for (int l = st.first_loaded; l < st.first_launcher + st.launchers; ++l) {
    int& rounds = launcher_rounds_[static_cast<std::size_t>(l)];
    if (rounds == 0) continue;
    st.first_loaded = l;
    --rounds;
    --st.ready;
    ++st.fired;
    if (rounds == 0) {
      const int load = std::min(st.ready_per_launcher, st.pool);
      if (load > 0) {
        st.pool -= load;
        st.reloading += load;
        started = reload{l, load, launch_s + st.reload_time_s};
      }
    }
    return l;
  }
  assert(false && "take_round called without a ready round");
  return -1;
}

void shooter::reload_complete(int launcher, int rounds) {
  stock& st = stocks_[static_cast<std::size_t>(launcher_stock_[static_cast<std::size_t>(launcher)])];
  launcher_rounds_[static_cast<std::size_t>(launcher)] += rounds;
  st.first_loaded = std::min(st.first_loaded, launcher);
  st.ready += rounds;
  st.reloading -= rounds;
}

void shooter::salvo_launched(int s, double t) {
  next_launch_s_ = t + salvo_ * launch_interval_s_;
  stock& st = stocks_[static_cast<std::size_t>(s)];
  if (st.ready + st.pool < salvo_) st.out_of_rounds = true;
}

}  // namespace samsim
