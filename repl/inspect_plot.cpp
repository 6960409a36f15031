#include "inspect_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "svg_text.hpp"

namespace klab {
namespace {

constexpr std::size_t kSparklineCells = 60;
constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::optional<double> number(const inspect::SqlValue& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) return static_cast<double>(*integer);
  if (const auto* real = std::get_if<double>(&value)) return *real;
  return std::nullopt;
}

std::string short_number(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) return fmt::format("{}", static_cast<int64_t>(value));
  return fmt::format("{:.3g}", value);
}

// About `count` round tick values covering [low, high].
std::vector<double> ticks(double low, double high, int count) {
  const double span = high - low;
  const double raw = span / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0})
    if (raw <= factor * magnitude) {
      step = factor * magnitude;
      break;
    }
  std::vector<double> out;
  for (double tick = std::ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) out.push_back(tick);
  return out;
}

}  // namespace

Result<std::vector<PlotSeries>> plot_series(const inspect::QueryResult& result) {
  const std::size_t columns = result.columns.size();
  if (columns < 2)
    return make_error(ErrorCode::INVALID_REQUEST,
                      "plot needs at least two columns: x (e.g. time_ms) then one or more y columns, or x, name, y");
  const bool long_form = columns == 3 && !result.rows.empty() && std::all_of(result.rows.begin(), result.rows.end(), [](const auto& row) {
    return std::holds_alternative<std::string>(row[1]);
  });
  std::vector<PlotSeries> series;
  std::map<std::string, std::size_t> by_name;
  if (!long_form)
    for (std::size_t c = 1; c < columns; ++c) series.push_back(PlotSeries{result.columns[c], {}});
  for (const auto& row : result.rows) {
    std::optional<double> x = number(row[0]);
    if (!x) {
      if (std::holds_alternative<std::monostate>(row[0])) continue;
      return make_error(ErrorCode::INVALID_REQUEST, fmt::format("plot: the first column ({}) must be numeric", result.columns[0]));
    }
    for (std::size_t c = long_form ? 2 : 1; c < columns; ++c) {
      std::optional<double> y = number(row[c]);
      if (!y) {
        if (std::holds_alternative<std::monostate>(row[c])) continue;
        return make_error(ErrorCode::INVALID_REQUEST, fmt::format("plot: column {} must be numeric", result.columns[c]));
      }
      std::size_t index = c - 1;
      if (long_form) {
        const std::string& name = std::get<std::string>(row[1]);
        auto [it, added] = by_name.emplace(name, series.size());
        if (added) series.push_back(PlotSeries{name, {}});
        index = it->second;
      }
      series[index].points.emplace_back(*x, *y);
    }
  }
  return series;
}

std::string plot_svg(const std::vector<PlotSeries>& series, std::string_view x_label, std::string_view title) {
  constexpr double kWidth = 760, kHeight = 380, kLeft = 70, kRight = 170, kTop = 40, kBottom = 50;
  double x_min = INFINITY, x_max = -INFINITY, y_min = 0, y_max = -INFINITY;
  for (const PlotSeries& s : series)
    for (auto [x, y] : s.points) {
      x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      y_min = std::min(y_min, y), y_max = std::max(y_max, y);
    }
  if (!std::isfinite(x_min)) x_min = 0, x_max = 1, y_max = 1;
  if (x_max <= x_min) x_max = x_min + 1;
  if (y_max <= y_min) y_max = y_min + 1;
  const double plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  auto sx = [&](double x) { return kLeft + (x - x_min) / (x_max - x_min) * plot_width; };
  auto sy = [&](double y) { return kTop + plot_height - (y - y_min) / (y_max - y_min) * plot_height; };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      kWidth, kHeight);
  out += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>\n", kLeft, svg_escape(title));
  for (double tick : ticks(y_min, y_max, 5)) {
    out += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", kLeft, sy(tick),
                       kLeft + plot_width, sy(tick));
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLeft - 6, sy(tick) + 4, short_number(tick));
  }
  for (double tick : ticks(x_min, x_max, 6))
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", sx(tick), kTop + plot_height + 18,
                       short_number(tick));
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", kLeft, kTop,
                     plot_width, plot_height);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", kLeft + plot_width / 2, kHeight - 12,
                     svg_escape(x_label));
  for (std::size_t i = 0; i < series.size(); ++i) {
    const char* colour = kColours[i % std::size(kColours)];
    std::string points;
    for (auto [x, y] : series[i].points) points += fmt::format("{:.1f},{:.1f} ", sx(x), sy(y));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", colour, points);
    const double legend_y = kTop + 10 + 18 * static_cast<double>(i);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"/>\n",
                       kLeft + plot_width + 12, legend_y, kLeft + plot_width + 32, colour);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", kLeft + plot_width + 38, legend_y + 4, svg_escape(series[i].name));
  }
  return out + "</svg>\n";
}

std::string plot_sparklines(const std::vector<PlotSeries>& series, std::string_view x_label) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::size_t name_width = 0;
  for (const PlotSeries& s : series) name_width = std::max(name_width, s.name.size());
  std::string out;
  for (const PlotSeries& s : series) {
    if (s.points.empty()) {
      out += fmt::format("{:<{}}  (no points)\n", s.name, name_width);
      continue;
    }
    // Each cell shows the largest value among the points it covers, so spikes stay visible.
    const std::size_t cells = std::min(kSparklineCells, s.points.size());
    std::vector<double> values(cells, -INFINITY);
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const std::size_t cell = i * cells / s.points.size();
      values[cell] = std::max(values[cell], s.points[i].second);
    }
    double low = INFINITY, high = -INFINITY;
    for (auto [x, y] : s.points) low = std::min(low, y), high = std::max(high, y);
    std::string line;
    for (double value : values) {
      const int level = high > low ? static_cast<int>(std::lround((value - low) / (high - low) * 7)) : 0;
      line += kBars[std::clamp(level, 0, 7)];
    }
    out += fmt::format("{:<{}}  {}  min {} max {} last {}  ({} {} .. {})\n", s.name, name_width, line, short_number(low),
                       short_number(high), short_number(s.points.back().second), x_label,
                       short_number(s.points.front().first), short_number(s.points.back().first));
  }
  if (series.empty()) out = "(no rows to plot)\n";
  return out;
}

}  // namespace klab
