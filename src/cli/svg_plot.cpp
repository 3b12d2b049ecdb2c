#include "svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace samsim::cli {

std::string svg_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

double nice_step(double span, int target) {
  if (!(span > 0.0)) return 1.0;
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10.0 * mag;
}

std::string svg_line_plot(const plot_spec& spec) {
  const double width = 760, height = 480, left = 80, right = 30, top = 50, bottom = 70;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : spec.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
      if (i < s.band_low.size()) y_lo = std::min(y_lo, s.band_low[i]);
      if (i < s.band_high.size()) y_hi = std::max(y_hi, s.band_high[i]);
    }
  }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (spec.y_from_zero) y_lo = std::min(0.0, y_lo);
  if (spec.y_max > 0.0) y_hi = spec.y_max;
  if (x_hi <= x_lo) x_hi = x_lo + 1.0;
  if (y_hi <= y_lo) y_hi = y_lo + 1.0;
  const double xs = nice_step(x_hi - x_lo, 8), ys = nice_step(y_hi - y_lo, 6);
  x_lo = std::floor(x_lo / xs) * xs;
  x_hi = std::ceil(x_hi / xs) * xs;
  y_lo = std::floor(y_lo / ys) * ys;
  y_hi = std::ceil(y_hi / ys) * ys;
  const double pw = width - left - right, ph = height - top - bottom;
  auto px = [&](double x) { return left + (x - x_lo) / (x_hi - x_lo) * pw; };
  auto py = [&](double y) { return top + (1.0 - (y - y_lo) / (y_hi - y_lo)) * ph; };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  svg += fmt::format("<text x=\"{}\" y=\"28\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n", width / 2,
                     svg_escape(spec.title));
  for (double x = x_lo; x <= x_hi + 1e-9 * xs; x += xs) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>\n", px(x),
                       top, top + ph);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:g}</text>\n", px(x), top + ph + 18, x);
  }
  for (double y = y_lo; y <= y_hi + 1e-9 * ys; y += ys) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>\n", left,
                       py(y), left + pw);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{:g}</text>\n", left - 6, py(y) + 4, y);
  }
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", left, top,
                     pw, ph);
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + pw / 2, height - 20,
                     svg_escape(spec.x_label));
  svg += fmt::format(
      "<text x=\"18\" y=\"{0:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0:.1f})\">{1}</text>\n",
      top + ph / 2, svg_escape(spec.y_label));
  if (!spec.note.empty())
    svg += fmt::format("<text x=\"{}\" y=\"44\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{}</text>\n",
                       width / 2, svg_escape(spec.note));
  const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  std::size_t palette = 0, legend_row = 0;
  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const plot_series& s = spec.series[k];
    const std::string colour = s.colour.empty() ? colours[palette++ % 5] : s.colour;
    if (s.band_low.size() == s.x.size() && s.band_high.size() == s.x.size() && !s.x.empty()) {
      std::string pts;
      for (std::size_t i = 0; i < s.x.size(); ++i) pts += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(s.band_high[i]));
      for (std::size_t i = s.x.size(); i-- > 0;) pts += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(s.band_low[i]));
      svg += fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.2\" stroke=\"none\"/>\n", pts, colour);
    }
    std::string line;
    for (std::size_t i = 0; i < s.x.size(); ++i) line += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(s.y[i]));
    const std::string dash = s.dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", svg_escape(s.dash));
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{:g}\"{}/>\n", line,
                       colour, s.stroke_width, dash);
    if (s.markers)
      for (std::size_t i = 0; i < s.x.size(); ++i)
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", px(s.x[i]), py(s.y[i]),
                           colour);
    if (s.label.empty()) continue;
    if (s.label_at_start) {
      // Beside the series' lowest point, where contour labels line up along the x axis.
      if (!s.x.empty()) {
        const std::size_t low = static_cast<std::size_t>(std::min_element(s.y.begin(), s.y.end()) - s.y.begin());
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" fill=\"{}\">{}</text>\n",
                           px(s.x[low]) + 4, py(s.y[low]) - 5, colour, svg_escape(s.label));
      }
      continue;
    }
    if (spec.legend_right)
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"{}\">{}</text>\n", left + pw - 10,
                         top + 16 + 16 * legend_row, colour, svg_escape(s.label));
    else
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\">{}</text>\n", left + 10, top + 16 + 16 * legend_row,
                         colour, svg_escape(s.label));
    ++legend_row;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace samsim::cli
