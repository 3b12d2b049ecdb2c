// Uses samsim as an embedding program would: draws from a stream and checks them.
#include <samsim/rng.hpp>
#include <samsim/units.hpp>

#include <cstdio>

int main() {
  samsim::random_stream stream(42u, samsim::stream_id::user, 0u);
  double sum = 0.0;
  for (int i = 0; i < 1000; ++i) sum += stream.uniform();
  const double mean = sum / 1000.0;
  std::printf("samsim consumer: mean of 1000 uniforms = %.4f, 3 dB = %.4f\n", mean,
              samsim::units::db_to_linear(3.0));
  // The mean of 1000 U(0,1) lies within 0.5 +- 0.06 (6.5 sigma).
  return (mean > 0.44 && mean < 0.56) ? 0 : 1;
}
