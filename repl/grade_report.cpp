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

// What a student reads about one run: why it stopped, and its own error.
std::string run_summary(const VariantRun& run) {
  std::string text;
  if (!run.stopped.empty()) text += run.stopped + "\n";
  if (!run.error.empty()) text += "Your script stopped with an error (the checks ran on the state it left):\n  " + run.error + "\n";
  return text;
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
    const int length = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 0;
    bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
    uint32_t code = length == 2 ? byte & 0x1f : length == 3 ? byte & 0x0f : byte & 0x07;
    for (int k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      valid = (next & 0xc0) == 0x80;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates, beyond U+10FFFF, and the non-characters XML forbids.
    valid = valid && !(length == 3 && code < 0x800) && !(length == 4 && (code < 0x10000 || code > 0x10ffff)) &&
            !(code >= 0xd800 && code <= 0xdfff) && code != 0xfffe && code != 0xffff;
    if (valid) {
      out.append(text.substr(i, static_cast<std::size_t>(length)));
      i += static_cast<std::size_t>(length);
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
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
  std::string text = fmt::format("Lab {:02d} — {}: grading {} ({} variant{})\n", report.lab_id, report.lab_title,
                                 report.submission, report.variants.size(), report.variants.size() == 1 ? "" : "s");
  for (const VariantRun& run : report.variants) {
    const std::string summary = run_summary(run);
    if (!summary.empty()) text += fmt::format("variant {} (seed {}): {}", run.index, run.seed, summary);
  }
  for (const CheckResult& check : report.checks)
    text += fmt::format("{}  [{}/{}] {}{}{}\n", check.passed ? "PASS" : "FAIL", check.passed ? check.points : 0,
                        check.points, check.title, visibility_note(check.visibility),
                        check.passed ? "" : " — " + check.feedback);
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
    tests.push_back(json{{"name", check.title},
                         {"number", check.id},
                         {"score", check.passed ? check.points : 0},
                         {"max_score", check.points},
                         {"output", check.passed ? std::string("passed") : check.feedback},
                         {"visibility", check.visibility}});
  std::string output;
  for (const VariantRun& run : report.variants) {
    const std::string summary = run_summary(run);
    if (!summary.empty()) output += fmt::format("variant {} (seed {}): {}", run.index, run.seed, summary);
  }
  if (!report.variants.empty() && !report.variants.front().output.empty())
    output += "Your script printed (variant 0):\n" + report.variants.front().output;
  return dump(json{{"score", report.score},
                   {"output", output},
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
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(suite), xml_escape(check.title));
    if (!check.passed)
      xml += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(check.feedback), xml_escape(check.feedback));
    xml += "    </testcase>\n";
  }
  std::string out;
  for (const VariantRun& run : report.variants) out += run_summary(run);
  if (!report.variants.empty()) out += report.variants.front().output;
  xml += "    <system-out>" + xml_escape(out) + "</system-out>\n";
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace klab
