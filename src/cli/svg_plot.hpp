#pragma once
// A small SVG line-plot writer for report figures (sweeps, envelopes): axes
// with ticks, one or more series, an optional shaded band per series.

#include <string>
#include <vector>

namespace samsim::cli {

struct plot_series {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  std::vector<double> band_low;   ///< optional, same size as x
  std::vector<double> band_high;  ///< optional, same size as x
  bool markers = true;
  std::string colour;        ///< SVG colour; empty: the next palette colour
  std::string dash;          ///< stroke-dasharray, e.g. "5 4"; empty: solid
  double stroke_width = 2.0;
  bool label_at_start = false;  ///< label beside the lowest point instead of in the legend
};

struct plot_spec {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<plot_series> series;
  bool y_from_zero = true;
  double y_max = 0.0;  ///< 0: from the data
  bool legend_right = false;  ///< legend in the top-right corner (default: top-left)
  std::string note;           ///< optional small line of text under the title
};

/// The plot as a standalone SVG document.
std::string svg_line_plot(const plot_spec& spec);

/// Text with the XML special characters (< > & ") escaped, for SVG text and attributes.
std::string svg_escape(const std::string& s);

/// Tick step of 1, 2 or 5 x 10^k giving about `target` ticks over `span` (1 when span <= 0).
double nice_step(double span, int target);

}  // namespace samsim::cli
