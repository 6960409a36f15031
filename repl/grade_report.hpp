// The outcome of grading one submission, and its renderings: text for students, plain JSON,
// Gradescope's results.json and JUnit XML. A check earns its points only if it passes in every
// variant, so a script that hard-codes what it saw in one run loses them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace klab {

struct CheckResult {
  std::string id, title, visibility;
  int points = 0;
  bool passed = false;
  std::string feedback;  // empty when passed
};

struct VariantRun {
  int index = 0;
  uint64_t seed = 0;
  std::string stopped;  // "stopped: ..." when a limit ended the script (or the run)
  std::string error;    // the script's own error
  std::string output;   // what the script printed (bounded)
  int64_t simulated_ms = 0;
  int64_t instructions = 0;
  std::vector<CheckResult> checks;
};

struct GradeReport {
  int lab_id = 0;
  std::string lab_title, submission;
  std::vector<VariantRun> variants;
  std::vector<CheckResult> checks;  // combined over the variants
  int score = 0, max_score = 0;
};

// Fills report.checks, score and max_score from report.variants.
void combine_variants(GradeReport& report);

std::string render_text(const GradeReport& report);
std::string render_json(const GradeReport& report);
std::string render_gradescope(const GradeReport& report);
std::string render_junit(const GradeReport& report);

// The JSON report read back (throws on malformed input), and one variant's run as compact JSON text
// (how a grading child process hands its result to the parent).
GradeReport parse_json_report(std::string_view text);
std::string variant_to_text(const VariantRun& run);
VariantRun variant_from_text(std::string_view text);

// Text made safe for XML 1.0 and JSON: invalid UTF-8 and control characters become '?'.
std::string printable_utf8(std::string_view text);

}  // namespace klab
