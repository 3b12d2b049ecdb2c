#pragma once
/// \file detail/merge_sort.hpp
/// Internal (installed only because event_queue.hpp, a template, uses it):
/// a sort for the small arrays a trial sorts once at its start (its
/// confirmation and leak events, its threats in service order), and an
/// order-preserving integer image of a double for keys of such sorts.
///
/// Why not std::sort: a trial's keys are times in no predictable order, so
/// about half of std::sort's comparisons are mispredicted branches, and on
/// the reference raid (about 100 events, 48 threats) those two sorts took
/// about 4% of a trial. A bottom-up merge sort whose merge selects the next
/// element without a branch does about the same number of comparisons and
/// no mispredicted ones. Keys must be totally ordered by `less` (no two equal
/// elements whose order matters): the result is then the one sorted order,
/// whatever the algorithm, so replacing std::sort by it changes no result.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace samsim::detail {

/// An unsigned integer in the order of the doubles: flips the sign bit of a
/// non-negative double, every bit of a negative one; -0 is folded into +0,
/// so equal doubles give equal keys. Not for NaN.
inline std::uint64_t ordered_bits(double x) noexcept {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x + 0.0);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}
/// The inverse of ordered_bits (+0 for a folded -0).
inline double from_ordered_bits(std::uint64_t key) noexcept {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

/// Sorts [first, first + n) by `less` (stable), using scratch[0, n) as the
/// second buffer: bottom-up merge passes of doubling width, each merge
/// taking the next element from either run by a selected pointer rather
/// than a branch. O(n log n) comparisons, no allocation.
template <class T, class Less>
void merge_sort(T* first, std::size_t n, T* scratch, Less less) {
  if (n < 2) return;
  T* from = first;
  T* to = scratch;
  // First pass: ordered pairs.
  for (std::size_t k = 0; k + 1 < n; k += 2) {
    const bool swap = less(from[k + 1], from[k]);
    to[k] = *(swap ? &from[k + 1] : &from[k]);
    to[k + 1] = *(swap ? &from[k] : &from[k + 1]);
  }
  if (n % 2 != 0) to[n - 1] = from[n - 1];
  std::swap(from, to);
  for (std::size_t width = 2; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const T* a = from + lo;
      const T* a_end = from + (lo + width < n ? lo + width : n);
      const T* b = a_end;
      const T* b_end = from + (lo + 2 * width < n ? lo + 2 * width : n);
      T* out = to + lo;
      while (a != a_end && b != b_end) {
        const bool take_b = less(*b, *a);  // ties from the first run: stable
        *out++ = *(take_b ? b : a);
        b += take_b;
        a += !take_b;
      }
      while (a != a_end) *out++ = *a++;
      while (b != b_end) *out++ = *b++;
    }
    std::swap(from, to);
  }
  if (from != first)
    for (std::size_t k = 0; k < n; ++k) first[k] = from[k];
}

/// Sorts [first, first + n) by `less`, where time_of(x) is a double that
/// orders as `less` does (less(a, b) implies time_of(a) <= time_of(b)), and
/// the times are spread (as a trial's event times are): each element goes to
/// one of about 2n buckets of equal width in time by a counting sort, then
/// one pass of insertion sort orders the elements within each bucket (earlier
/// buckets hold only lesser elements, so no element moves past its bucket).
/// About n + (pairs sharing a bucket) comparisons. A bucket of more than 24
/// elements (many equal times) is sorted by merge_sort instead, and times that
/// are all equal or not finite fall back to merge_sort: never quadratic.
/// `scratch` holds n elements, `counts` 2n + 2 entries.
template <class T, class TimeOf, class Less>
void time_bucket_sort(T* first, std::size_t n, T* scratch, std::uint32_t* counts, TimeOf time_of, Less less) {
  if (n < 2) return;
  double lo = time_of(first[0]), hi = lo;
  for (std::size_t k = 1; k < n; ++k) {
    const double t = time_of(first[k]);
    lo = t < lo ? t : lo;
    hi = t > hi ? t : hi;
  }
  const std::size_t buckets = 2 * n;
  const double scale = static_cast<double>(buckets) / (hi - lo);
  if (!(std::isfinite(scale) && scale > 0.0 && std::isfinite(lo))) {
    merge_sort(first, n, scratch, less);
    return;
  }
  // A bucket index non-decreasing in the time: rounding of (t - lo) x scale
  // is monotone, and the clamp keeps hi in the last bucket.
  auto bucket_of = [&](const T& x) {
    const double b = (time_of(x) - lo) * scale;
    return std::min(static_cast<std::size_t>(b), buckets - 1);
  };
  std::fill(counts, counts + buckets + 1, 0u);
  for (std::size_t k = 0; k < n; ++k) ++counts[bucket_of(first[k]) + 1];
  std::uint32_t largest = 0;
  for (std::size_t b = 1; b <= buckets; ++b) {
    largest = std::max(largest, counts[b]);
    counts[b] += counts[b - 1];
  }
  for (std::size_t k = 0; k < n; ++k) scratch[counts[bucket_of(first[k])]++] = first[k];
  if (largest > 24) {  // many equal times: sort each bucket on its own (counts[b] is now bucket b's end)
    std::size_t begin = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
      const std::size_t end = counts[b];
      if (end - begin > 1) merge_sort(scratch + begin, end - begin, first + begin, less);
      begin = end;
    }
  } else {
    for (std::size_t k = 1; k < n; ++k) {
      if (!less(scratch[k], scratch[k - 1])) continue;
      const T x = scratch[k];
      std::size_t j = k;
      do {
        scratch[j] = scratch[j - 1];
        --j;
      } while (j > 0 && less(x, scratch[j - 1]));
      scratch[j] = x;
    }
  }
  std::copy(scratch, scratch + n, first);
}

}  // namespace samsim::detail
