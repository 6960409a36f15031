// Word-wrapping for documentation text (config docs, help pages).
#pragma once
#include <string>
#include <string_view>

namespace klab {

// Breaks `text` at spaces into lines of at most `width` characters, each prefixed by `indent`.
std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent = {});

}  // namespace klab
