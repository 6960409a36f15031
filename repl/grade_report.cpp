#include "grade_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace klab {
namespace {

using nlohmann::json;

std::string dump(const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

std::string xml_escape(std::string_view raw) {
  const std::string text = printable_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// What a student reads about one run: why it stopped, and its own error, each on one line that klab's
// words begin (the script's text never starts a line of any report).
std::string run_summary(const VariantRun& run) {
  std::string text;
  if (!run.stopped.empty()) text += one_line(run.stopped) + "\n";
  if (!run.error.empty())
    text += "Your script stopped with an error (the checks ran on the state it left): " + one_line(run.error) + "\n";
  return text;
}

// What a script printed, shown as a quoted block: every line behind "  | ", so none reads as klab's.
std::string quoted_block(std::string_view printed) {
  std::string out;
  while (!printed.empty()) {
    const std::size_t end = printed.find('\n');
    out += "  | " + one_line(printed.substr(0, end)) + "\n";
    printed.remove_prefix(end == std::string_view::npos ? printed.size() : end + 1);
  }
  return out;
}

// The text report is staff's view too: it says which checks Gradescope keeps from students for now.
std::string visibility_note(const std::string& visibility) {
  if (visibility == "hidden") return " (hidden from students)";
  if (visibility == "after_due_date") return " (shown to students after the due date)";
  if (visibility == "after_published") return " (shown to students once grades are published)";
  return "";
}

json check_json(const CheckResult& check) {
  return json{{"id", check.id},         {"title", check.title},       {"points", check.points},
              {"passed", check.passed}, {"feedback", check.feedback}, {"visibility", check.visibility}};
}

CheckResult check_from_json(const json& item) {
  return CheckResult{item.at("id").get<std::string>(),         item.at("title").get<std::string>(),
                     item.at("visibility").get<std::string>(), item.at("points").get<int>(),
                     item.at("passed").get<bool>(),            item.at("feedback").get<std::string>()};
}

json variant_json(const VariantRun& run) {
  json checks = json::array();
  for (const CheckResult& check : run.checks) checks.push_back(check_json(check));
  return json{{"index", run.index},   {"seed", run.seed},     {"stopped", run.stopped},
              {"error", run.error},   {"output", run.output}, {"simulated_ms", run.simulated_ms},
              {"instructions", run.instructions}, {"checks", checks}};
}

VariantRun variant_from_json(const json& value) {
  VariantRun run;
  run.index = value.at("index").get<int>();
  run.seed = value.at("seed").get<uint64_t>();
  run.stopped = value.at("stopped").get<std::string>();
  run.error = value.at("error").get<std::string>();
  run.output = value.at("output").get<std::string>();
  run.simulated_ms = value.at("simulated_ms").get<int64_t>();
  run.instructions = value.at("instructions").get<int64_t>();
  for (const json& item : value.at("checks")) run.checks.push_back(check_from_json(item));
  return run;
}

// The length of the valid UTF-8 sequence of at least two bytes at text[i] and its code point, or 0:
// overlong forms, surrogates, beyond U+10FFFF, and the non-characters XML forbids are not valid.
std::size_t multibyte_at(std::string_view text, std::size_t i, uint32_t& code) {
  const auto byte = static_cast<unsigned char>(text[i]);
  const int length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 0;
  bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
  code = length == 2 ? byte & 0x1f : length == 3 ? byte & 0x0f : byte & 0x07;
  for (int k = 1; valid && k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
    valid = (next & 0xc0) == 0x80;
    code = (code << 6) | (next & 0x3f);
  }
  valid = valid && !(length == 3 && code < 0x800) && !(length == 4 && (code < 0x10000 || code > 0x10ffff)) &&
          !(code >= 0xd800 && code <= 0xdfff) && code != 0xfffe && code != 0xffff;
  return valid ? static_cast<std::size_t>(length) : 0;
}

// Code points a viewer may break a line at or use to reorder one: C1 controls (U+0085 is NEL), the
// line and paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
bool breaks_or_reorders(uint32_t code) {
  return (code >= 0x80 && code <= 0x9f) || code == 0x2028 || code == 0x2029 || code == 0x200e || code == 0x200f ||
         (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

// Bounds for JUnit: libxml2 refuses a text node or an attribute value longer than 10,000,000 bytes
// (XML_MAX_TEXT_LENGTH) unless told to parse "huge" documents, which CI tools do not.
constexpr int64_t kXmlTextLimit = 8'000'000;

}  // namespace

std::string printable_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += (byte < 0x20 && byte != '\n' && byte != '\t' && byte != '\r') || byte == 0x7f ? '?' : static_cast<char>(byte);
      ++i;
      continue;
    }
    uint32_t code = 0;
    if (const std::size_t length = multibyte_at(text, i, code)) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      switch (byte) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (byte < 0x20 || byte == 0x7f) out += fmt::format("\\x{:02x}", byte);
          else out += static_cast<char>(byte);
      }
      ++i;
      continue;
    }
    uint32_t code = 0;
    const std::size_t length = multibyte_at(text, i, code);
    if (length == 0) {
      out += '?';
      ++i;
      continue;
    }
    if (breaks_or_reorders(code)) out += fmt::format("\\u{{{:04x}}}", code);
    else out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

namespace {

// What one byte costs in the widest escaping of the formats.
int64_t byte_cost(char c) {
  switch (c) {
    case '"': case '\'': return 6;  // &quot; &apos;
    case '&': return 5;             // &amp;
    case '<': case '>': return 4;   // &lt; &gt;
    case '\\': return 2;            // JSON's \\ (a backslash)
    default: return static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? 6 : 1;  // JSON's \u00XX
  }
}

}  // namespace

int64_t report_cost(std::string_view text) {
  int64_t cost = 0;
  for (char c : text) cost += byte_cost(c);
  return cost;
}

namespace {

// Cuts `text` to what costs at most `budget` (see report_cost), marking the cut; returns what the kept
// part costs.
int64_t cut_in_place(std::string& text, int64_t budget) {
  int64_t cost = 0;
  std::size_t kept = 0;
  for (; kept < text.size(); ++kept) {
    const int64_t next = byte_cost(text[kept]);
    if (cost + next > budget) break;
    cost += next;
  }
  if (kept == text.size()) return cost;
  while (kept > 0 && (static_cast<unsigned char>(text[kept]) & 0xc0) == 0x80) {  // not inside a character
    --kept;
    cost -= byte_cost(text[kept]);
  }
  const std::size_t cut = text.size() - kept;
  text.resize(kept);
  text += fmt::format(" \u2026 [klab cut {} bytes here: a report keeps at most --output-bytes of a script's text]", cut);
  return cost;
}

}  // namespace

std::string cut_to_budget(std::string_view text, int64_t budget) {
  std::string out(text);
  cut_in_place(out, budget);
  return out;
}

void bound_script_text(std::vector<VariantRun>& runs, int64_t budget) {
  int64_t remaining = std::max<int64_t>(0, budget);
  const int64_t short_cap = remaining / 4;
  auto take = [&remaining](std::string& text, int64_t cap) { remaining -= cut_in_place(text, std::min(cap, remaining)); };
  for (VariantRun& run : runs) {
    take(run.stopped, short_cap);
    take(run.error, short_cap);
  }
  for (VariantRun& run : runs)
    for (CheckResult& check : run.checks) take(check.feedback, short_cap);
  for (VariantRun& run : runs) take(run.output, remaining);
}

void combine_variants(GradeReport& report) {
  report.checks.clear();
  report.score = report.max_score = 0;
  if (report.variants.empty()) return;
  for (const CheckResult& first : report.variants.front().checks) {
    CheckResult combined = first;
    combined.passed = true;
    combined.feedback.clear();
    for (const VariantRun& run : report.variants)
      for (const CheckResult& check : run.checks)
        if (check.id == first.id && !check.passed && combined.passed) {
          combined.passed = false;
          combined.feedback = report.variants.size() > 1
                                  ? fmt::format("{} (variant {}, seed {})", check.feedback, run.index, run.seed)
                                  : check.feedback;
        }
    report.max_score += combined.points;
    if (combined.passed) report.score += combined.points;
    report.checks.push_back(std::move(combined));
  }
}

std::string render_text(const GradeReport& report) {
  std::string text = fmt::format("Lab {:02d} — {}: grading {} ({} variant{})\n", report.lab_id, one_line(report.lab_title),
                                 one_line(report.submission), report.variants.size(), report.variants.size() == 1 ? "" : "s");
  for (const VariantRun& run : report.variants) {
    const std::string summary = run_summary(run);
    if (!summary.empty()) text += fmt::format("variant {} (seed {}): {}", run.index, run.seed, summary);
  }
  for (const CheckResult& check : report.checks)
    text += fmt::format("{}  [{}/{}] {}{}{}\n", check.passed ? "PASS" : "FAIL", check.passed ? check.points : 0,
                        check.points, one_line(check.title), visibility_note(check.visibility),
                        check.passed ? "" : " — " + one_line(check.feedback));
  text += fmt::format("Score: {}/{}\n", report.score, report.max_score);
  return printable_utf8(text);
}

std::string render_json(const GradeReport& report) {
  json variants = json::array();
  for (const VariantRun& run : report.variants) variants.push_back(variant_json(run));
  json checks = json::array();
  for (const CheckResult& check : report.checks) checks.push_back(check_json(check));
  return dump(json{{"lab", report.lab_id},
                   {"title", report.lab_title},
                   {"submission", report.submission},
                   {"score", report.score},
                   {"max_score", report.max_score},
                   {"checks", checks},
                   {"variants", variants}});
}

GradeReport parse_json_report(std::string_view text) {
  const json value = json::parse(text);
  GradeReport report;
  report.lab_id = value.at("lab").get<int>();
  report.lab_title = value.at("title").get<std::string>();
  report.submission = value.at("submission").get<std::string>();
  for (const json& run : value.at("variants")) report.variants.push_back(variant_from_json(run));
  combine_variants(report);
  return report;
}

std::string variant_to_text(const VariantRun& run) {
  return variant_json(run).dump(-1, ' ', false, json::error_handler_t::replace);
}

VariantRun variant_from_text(std::string_view text) { return variant_from_json(json::parse(text)); }

std::string render_gradescope(const GradeReport& report) {
  // Gradescope's results.json: score, output, visibility, stdout_visibility, tests[].
  json tests = json::array();
  for (const CheckResult& check : report.checks)
    tests.push_back(json{{"name", one_line(check.title)},
                         {"number", check.id},
                         {"score", check.passed ? check.points : 0},
                         {"max_score", check.points},
                         {"output", check.passed ? std::string("passed") : one_line(check.feedback)},
                         {"output_format", "text"},
                         {"visibility", check.visibility}});
  std::string output;
  for (const VariantRun& run : report.variants) {
    const std::string summary = run_summary(run);
    if (!summary.empty()) output += fmt::format("variant {} (seed {}): {}", run.index, run.seed, summary);
  }
  if (!report.variants.empty() && !report.variants.front().output.empty())
    output += "Your script printed (variant 0):\n" + quoted_block(report.variants.front().output);
  // output_format "text": Gradescope shows the text as it is, never as HTML or Markdown of the script's.
  return dump(json{{"score", report.score},
                   {"output", output},
                   {"output_format", "text"},
                   {"visibility", "visible"},
                   {"stdout_visibility", "hidden"},
                   {"tests", tests}});
}

std::string render_junit(const GradeReport& report) {
  int failures = 0;
  for (const CheckResult& check : report.checks) failures += check.passed ? 0 : 1;
  const std::string suite = fmt::format("lab-{:02d}", report.lab_id);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"klab grade\" tests=\"{}\" failures=\"{}\">\n", report.checks.size(), failures);
  xml += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", xml_escape(suite),
                     report.checks.size(), failures);
  for (const CheckResult& check : report.checks) {
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(suite),
                       xml_escape(cut_to_budget(one_line(check.title), kXmlTextLimit)));
    if (!check.passed) {
      const std::string feedback = xml_escape(cut_to_budget(one_line(check.feedback), kXmlTextLimit));
      xml += fmt::format("      <failure message=\"{}\">{}</failure>\n", feedback, feedback);
    }
    xml += "    </testcase>\n";
  }
  std::string out;
  for (const VariantRun& run : report.variants) out += run_summary(run);
  if (!report.variants.empty() && !report.variants.front().output.empty())
    out += "Your script printed (variant 0):\n" + quoted_block(report.variants.front().output);
  xml += "    <system-out>" + xml_escape(cut_to_budget(out, kXmlTextLimit)) + "</system-out>\n";
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace klab
