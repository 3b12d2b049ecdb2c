#include "interrupt.hpp"

#include <csignal>

namespace samsim::cli {
namespace {

static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");
static_assert(std::atomic<int>::is_always_lock_free, "the signal number is set from a signal handler");

std::atomic<bool> interrupted{false};
std::atomic<int> received{0};
struct sigaction previous_int {};
struct sigaction previous_term {};

extern "C" void on_signal(int signo) {
  received.store(signo);
  interrupted.store(true);
}

void install(int signo, struct sigaction* previous) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // One-shot: the handler is reset to the default when it runs, so a second
  // signal ends the process at once.
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(signo, &sa, previous);
}

}  // namespace

interrupt_guard::interrupt_guard() {
  interrupted.store(false);
  received.store(0);
  install(SIGINT, &previous_int);
  install(SIGTERM, &previous_term);
}

interrupt_guard::~interrupt_guard() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

const std::atomic<bool>* interrupt_guard::flag() const { return &interrupted; }

int interrupt_guard::signal_number() const { return received.load(); }

const char* interrupt_guard::signal_name() const {
  switch (received.load()) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "a signal";
  }
}

}  // namespace samsim::cli
