#include "base/text.hpp"

namespace klab {

std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent) {
  std::string out, line;
  auto flush = [&] {
    out.append(indent);
    out += line;
    out += '\n';
    line.clear();
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) flush();
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (!line.empty()) flush();
  return out;
}

}  // namespace klab
