// Pictures of a time series from an inspector query: an SVG line chart (inspect.plot(sql, path))
// and sparklines for the terminal (inspect.plot(sql)). The query's first column is x (usually
// time_ms); then either one column per series (x, lag, max_lag) or the long form (x, name, y), one
// series per distinct name, e.g. SELECT time_ms, group_id, lag FROM group_lag.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "inspect/inspect_database.hpp"

namespace klab {

struct PlotSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y) in query order; NULLs skipped
};

// INVALID_REQUEST when the result has fewer than two columns or a non-numeric x or y.
Result<std::vector<PlotSeries>> plot_series(const inspect::QueryResult& result);
std::string plot_svg(const std::vector<PlotSeries>& series, std::string_view x_label, std::string_view title);
// One line per series: name, a sparkline of at most 60 cells, min / max / last, and the x range.
std::string plot_sparklines(const std::vector<PlotSeries>& series, std::string_view x_label);

}  // namespace klab
