// event_queue: events come out by time, then priority, then push order.
// The oracle is std::stable_sort on (time, priority) of the pushed sequence:
// a stable sort keeps push order among equal keys, which is the tie rule.
#include <samsim/event_queue.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

using samsim::event_queue;

namespace {
struct pushed {
  double time_s;
  unsigned priority;
  int id;
};
}  // namespace

TEST_CASE("event_queue: time first, then priority, then push order", "[event_queue]") {
  event_queue<int> q;
  q.push(5.0, 1, 0);
  q.push(2.0, 3, 1);
  q.push(2.0, 0, 2);
  q.push(2.0, 3, 3);
  q.push(-1.0, 6, 4);
  REQUIRE(q.size() == 5);
  std::vector<int> order;
  while (!q.empty()) order.push_back(q.pop().payload);
  CHECK(order == std::vector<int>{4, 2, 1, 3, 0});
}

TEST_CASE("event_queue: negative times, and -0 equal to +0", "[event_queue]") {
  event_queue<int> q;
  q.push(0.0, 2, 0);
  q.push(-0.0, 1, 1);  // the same instant as +0: priority decides
  q.push(-2.5, 0, 2);
  q.push(-1e-300, 0, 3);
  q.push(1e300, 0, 4);
  std::vector<int> order;
  std::vector<double> times;
  while (!q.empty()) {
    const auto e = q.pop();
    order.push_back(e.payload);
    times.push_back(e.time_s());
  }
  CHECK(order == std::vector<int>{2, 3, 1, 0, 4});
  CHECK(times == std::vector<double>{-2.5, -1e-300, 0.0, 0.0, 1e300});
}

TEST_CASE("event_queue: priority survives the packing", "[event_queue]") {
  event_queue<int> q;
  q.push(1.0, 255, 7);
  q.push(1.0, 0, 8);
  CHECK(q.pop().priority() == 0u);
  const auto e = q.pop();
  CHECK(e.priority() == 255u);
  CHECK(e.payload == 7);
}

TEST_CASE("event_queue: matches a stable sort under interleaved pushes and pops", "[event_queue]") {
  // Times drawn from few values so that ties in time and priority are common.
  std::mt19937_64 gen(12345);
  std::uniform_int_distribution<int> time_pick(0, 20), prio_pick(0, 3), burst(0, 6);
  event_queue<int> q;
  std::vector<pushed> pending;  // what the oracle says is in the queue
  int next_id = 0;
  double now = 0.0;
  for (int round = 0; round < 2000; ++round) {
    for (int k = burst(gen); k > 0; --k) {
      // Never earlier than the last pop, as in a simulation.
      const pushed p{now + time_pick(gen), static_cast<unsigned>(prio_pick(gen)), next_id++};
      q.push(p.time_s, p.priority, p.id);
      pending.push_back(p);
    }
    for (int k = burst(gen); k > 0 && !pending.empty(); --k) {
      std::stable_sort(pending.begin(), pending.end(), [](const pushed& a, const pushed& b) {
        return a.time_s != b.time_s ? a.time_s < b.time_s : a.priority < b.priority;
      });
      const pushed expected = pending.front();
      pending.erase(pending.begin());
      REQUIRE(!q.empty());
      const auto got = q.pop();
      REQUIRE(got.payload == expected.id);
      CHECK(got.time_s() == expected.time_s);
      CHECK(got.priority() == expected.priority);
      now = got.time_s();
    }
    REQUIRE(q.size() == pending.size());
  }
  q.clear();
  CHECK(q.empty());
}

TEST_CASE("event_queue: a sorted run merged with the heap keeps the heap's order", "[event_queue]") {
  // Oracle: as above, a stable sort of everything pushed on (time, priority),
  // push order among equals, whichever of push and push_to_run queued it.
  std::mt19937_64 gen(20261201);
  std::uniform_int_distribution<int> time_pick(0, 30), prio_pick(0, 3), burst(0, 5), coin(0, 1);
  for (int trial = 0; trial < 20; ++trial) {
    event_queue<int> q;
    std::vector<pushed> pending;
    int next_id = 0;
    // A batch before the run starts, some to the run and some to the heap, interleaved.
    for (int k = 0; k < 200; ++k) {
      const pushed p{static_cast<double>(time_pick(gen)), static_cast<unsigned>(prio_pick(gen)), next_id++};
      if (coin(gen))
        q.push_to_run(p.time_s, p.priority, p.id);
      else
        q.push(p.time_s, p.priority, p.id);
      pending.push_back(p);
    }
    q.sort_run();
    REQUIRE(q.size() == pending.size());
    double now = 0.0;
    while (!pending.empty()) {
      for (int k = burst(gen); k > 0; --k) {  // events the run adds, to the heap only
        const pushed p{now + time_pick(gen), static_cast<unsigned>(prio_pick(gen)), next_id++};
        q.push(p.time_s, p.priority, p.id);
        pending.push_back(p);
      }
      std::stable_sort(pending.begin(), pending.end(), [](const pushed& a, const pushed& b) {
        return a.time_s != b.time_s ? a.time_s < b.time_s : a.priority < b.priority;
      });
      if (next_id > 600) {  // stop adding: drain
        while (!pending.empty()) {
          REQUIRE(q.pop().payload == pending.front().id);
          pending.erase(pending.begin());
        }
        break;
      }
      REQUIRE(q.top().payload == pending.front().id);
      const auto got = q.pop();
      REQUIRE(got.payload == pending.front().id);
      now = got.time_s();
      pending.erase(pending.begin());
      REQUIRE(q.size() == pending.size());
    }
    CHECK(q.empty());
    q.clear();
    q.push_to_run(1.0, 0, 1);
    q.push_to_run(0.5, 0, 2);
    q.sort_run();
    CHECK(q.pop().payload == 2);
    CHECK(q.pop().payload == 1);
    CHECK(q.empty());
  }
}

TEST_CASE("event_queue: pop_at takes one instant's events, in order, from run and heap", "[event_queue]") {
  // Reference: the order the earlier tests check for top()/pop() (time,
  // priority, push order); pop_at must give the same entries, and only those
  // due at the instant asked for.
  samsim::event_queue<int> q;
  q.push_to_run(2.0, 1, 10);
  q.push_to_run(1.0, 0, 11);
  q.push_to_run(2.0, 0, 12);
  q.sort_run();
  q.push(2.0, 0, 13);   // same instant as run entries, pushed later: after 12
  q.push(2.0, 2, 14);   // lowest priority of the instant: last
  q.push(3.0, 0, 15);
  q.push(-0.0, 0, 16);  // -0 is the instant 0
  samsim::event_queue<int>::entry e{};
  CHECK_FALSE(q.pop_at(1.0, e));  // the next entry is at 0
  CHECK(q.pop_at(0.0, e));
  CHECK(e.payload == 16);
  CHECK_FALSE(q.pop_at(0.0, e));
  CHECK(q.pop_at(1.0, e));
  CHECK(e.payload == 11);
  std::vector<int> at2;
  while (q.pop_at(2.0, e)) at2.push_back(e.payload);
  CHECK(at2 == std::vector<int>{12, 13, 10, 14});
  CHECK(q.size() == 1);
  CHECK_FALSE(q.pop_at(2.0, e));
  CHECK(q.pop_at(3.0, e));
  CHECK(e.payload == 15);
  CHECK(q.empty());
  CHECK_FALSE(q.pop_at(3.0, e));
}
