// The outcome of grading one submission, and its renderings: text for students, plain JSON,
// Gradescope's results.json and JUnit XML. A check earns its points only if it passes in every
// variant, so a script that hard-codes what it saw in one run loses them.
// Invariants: every string a script controls reaches a rendering through one_line (or, for what it
// printed, a quoted block of such lines), so no line it writes reads as klab's PASS/FAIL/Score lines;
// the report's script text is bounded by --output-bytes (bound_script_text), and a JUnit text node
// or attribute stays under libxml2's 10,000,000-byte limit.
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

// A script's text confined to one line, for every format: what a terminal or a browser breaks a line
// at or moves the cursor with (\n, \r, \t and every other control character, U+0085, U+2028, U+2029,
// and the bidirectional overrides that reorder what a line shows) becomes a visible escape (\n, \r,
// \t, \x1b, \u{2028}), and invalid UTF-8 becomes '?'. So nothing a script writes can start a line
// of a report that reads like klab's own PASS, FAIL or Score lines.
std::string one_line(std::string_view text);

// What a script's text costs in a report: its bytes as the widest format escapes them (XML's &quot;
// for a quote, JSON's \\ for a backslash, ...), so a budget in these units bounds every format.
int64_t report_cost(std::string_view text);
// The longest prefix of `text` (cut on a UTF-8 boundary) that costs at most `budget`, followed by
// "… [klab cut N bytes …]" when something was cut.
std::string cut_to_budget(std::string_view text, int64_t budget);
// --output-bytes for a whole report: every string a script controls (why it stopped, its error, its
// output, each check's feedback) is cut so that together they cost at most `budget`. Short ones go
// first (stopped, error, feedback, each at most a quarter of the budget), then the printed output.
void bound_script_text(std::vector<VariantRun>& runs, int64_t budget);

}  // namespace klab
