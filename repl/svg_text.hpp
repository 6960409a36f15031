// Text for SVG documents: the five characters XML reserves, escaped.
#pragma once
#include <string>
#include <string_view>

namespace klab {

inline std::string svg_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else if (c == '\'') out += "&apos;";
    else out += c;
  }
  return out;
}

}  // namespace klab
