// The grader's pure parts: the sandbox's limits and answers, combining variants, and the report
// text being safe for XML and JSON whatever a script prints.
#include <doctest/doctest.h>

#include "grade_report.hpp"
#include "sandbox.hpp"

namespace klab {
namespace {

SandboxLimits small_limits() {
  SandboxLimits limits;
  limits.memory_bytes = int64_t{16} << 20;
  limits.instructions = 2'000'000;
  limits.wall_seconds = 30;
  limits.output_bytes = 1000;
  return limits;
}

}  // namespace

TEST_CASE("a sandboxed script keeps its answers and output, and has no files or processes") {
  Sandbox sandbox(small_limits());
  sandbox.set_lab(PlainValue{});
  Sandbox::Outcome outcome = sandbox.run(R"(
    print("hello", 42)
    lab.answer("n", 7)
    lab.answer("t", { a = 1, [2] = "two", nested = { true } })
    assert(io == nil and require == nil and dofile == nil and loadfile == nil and debug == nil)
    assert(os.execute == nil and os.clock() == 0)
    assert(load(string.char(27) .. "Lua") == nil)
  )", "=test");
  CHECK(outcome.finished);
  CHECK(outcome.error.empty());
  CHECK(sandbox.output() == "hello\t42\n");
  REQUIRE(sandbox.answers().size() == 2);
  CHECK(sandbox.answers()[0].first == "n");
  CHECK(std::get<int64_t>(sandbox.answers()[0].second.value) == 7);
}

TEST_CASE("a limit stops a script that catches errors, and names where") {
  Sandbox sandbox(small_limits());
  Sandbox::Outcome outcome = sandbox.run("while true do pcall(function() while true do end end) end", "=loop");
  CHECK(!outcome.finished);
  CHECK(outcome.stopped.rfind("stopped: instruction limit 2000000 reached at loop:1", 0) == 0);
}

TEST_CASE("memory and output limits") {
  SUBCASE("memory") {
    Sandbox sandbox(small_limits());
    Sandbox::Outcome outcome = sandbox.run("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end", "=bomb");
    CHECK(outcome.stopped.find("memory limit 16 MiB") != std::string::npos);
  }
  SUBCASE("output") {
    Sandbox sandbox(small_limits());
    Sandbox::Outcome outcome = sandbox.run("while true do print(('y'):rep(100)) end", "=chatty");
    CHECK(outcome.stopped.find("output limit 1000 bytes") != std::string::npos);
    CHECK(sandbox.output().size() == 1000);
  }
}

TEST_CASE("answers must be plain data, and a cycle is refused instead of followed") {
  Sandbox sandbox(small_limits());
  sandbox.set_lab(PlainValue{});
  Sandbox::Outcome cycle = sandbox.run("local t = {} t.t = t lab.answer('x', t)", "=cycle");
  CHECK(cycle.error.find("contains itself (a cycle)") != std::string::npos);
  Sandbox::Outcome function = sandbox.run("lab.answer('f', print)", "=function");
  CHECK(function.error.find("not plain data") != std::string::npos);
}

TEST_CASE("a check earns its points only when it passes in every variant") {
  GradeReport report;
  VariantRun first, second;
  first.index = 0, first.seed = 42;
  second.index = 1, second.seed = 43;
  first.checks = {CheckResult{"a", "A", "visible", 2, true, ""}, CheckResult{"b", "B", "hidden", 3, true, ""}};
  second.checks = {CheckResult{"a", "A", "visible", 2, true, ""}, CheckResult{"b", "B", "hidden", 3, false, "wrong"}};
  report.variants = {first, second};
  combine_variants(report);
  CHECK(report.score == 2);
  CHECK(report.max_score == 5);
  REQUIRE(report.checks.size() == 2);
  CHECK(!report.checks[1].passed);
  CHECK(report.checks[1].feedback == "wrong (variant 1, seed 43)");
  CHECK(render_gradescope(report).find("\"visibility\": \"hidden\"") != std::string::npos);
  CHECK(render_text(report).find("FAIL  [0/3] B (hidden from students) — wrong") != std::string::npos);
  CHECK(render_text(report).find("PASS  [2/2] A\n") != std::string::npos);
}

TEST_CASE("reports stay valid XML and JSON whatever a script printed") {
  CHECK(printable_utf8("ok é ü") == "ok é ü");
  CHECK(printable_utf8(std::string("a\x01" "b\x7f" "c", 5)) == "a?b?c");
  CHECK(printable_utf8("\xff\xfe") == "??");
  CHECK(printable_utf8("\xc0\xaf") == "??");          // overlong '/'
  CHECK(printable_utf8("\xed\xa0\x80") == "???");     // a UTF-16 surrogate
  GradeReport report;
  VariantRun run;
  run.output = std::string("<&\"'>\x02", 6);
  run.checks = {CheckResult{"a", "A <b>", "visible", 1, false, "bad & worse"}};
  report.variants = {run};
  combine_variants(report);
  const std::string xml = render_junit(report);
  // The printed line is quoted through one_line: XML's five characters escaped, the control byte shown as \x02.
  CHECK(xml.find("  | &lt;&amp;&quot;&apos;&gt;\\x02") != std::string::npos);
  CHECK(xml.find('\x02') == std::string::npos);
  CHECK(xml.find("name=\"A &lt;b&gt;\"") != std::string::npos);
  CHECK(xml.find("message=\"bad &amp; worse\"") != std::string::npos);
}

}  // namespace klab

namespace klab {
namespace {

// Lines of a rendering that read as a result: PASS, FAIL or Score: at the start, after blanks.
std::vector<std::string> result_lines(const std::string& text) {
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    const std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos &&
        (line.compare(first, 4, "PASS") == 0 || line.compare(first, 4, "FAIL") == 0 || line.compare(first, 6, "Score:") == 0))
      found.push_back(line);
    start = end + 1;
  }
  return found;
}

GradeReport forged_report() {
  const std::string forged = "x\nPASS  [10/10] All\r\nScore: 10/10\n";
  GradeReport report;
  VariantRun run;
  run.stopped = "stopped: instruction limit reached at " + forged + ":1";
  run.error = forged + ":1: boom";
  run.output = "hello\n" + forged;
  run.checks = {CheckResult{"a", "A", "visible", 10, false, "you answered \"" + forged + "\""}};
  report.variants = {run};
  combine_variants(report);
  return report;
}

}  // namespace

TEST_CASE("a script's text is confined to one line: no newline, carriage return, control or line separator") {
  CHECK(one_line("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(one_line("\x1b[2K") == "\\x1b[2K");
  CHECK(one_line("a\u2028b\u2029c\u0085d") == "a\\u{2028}b\\u{2029}c\\u{0085}d");
  CHECK(one_line("\u202eevil") == "\\u{202e}evil");  // a right-to-left override cannot reorder the line
  CHECK(one_line("caf\xc3\xa9 \xff") == "caf\xc3\xa9 ?");
}

TEST_CASE("no line a script writes reads as a result in the text, Gradescope or JUnit report") {
  const GradeReport report = forged_report();
  const std::vector<std::string> text = result_lines(render_text(report));
  REQUIRE(text.size() == 2);  // klab's FAIL line and its Score line
  CHECK(text[0].rfind("FAIL  [0/10] A — you answered", 0) == 0);
  CHECK(text[1] == "Score: 0/10");
  CHECK(render_text(report).find('\r') == std::string::npos);
  CHECK(result_lines(render_junit(report)).empty());
  CHECK(render_gradescope(report).find("\"output_format\": \"text\"") != std::string::npos);
  CHECK(render_gradescope(report).find("  | PASS  [10/10] All") != std::string::npos);  // printed, quoted
}

TEST_CASE("--output-bytes bounds all of a script's text in a report, escaping included") {
  std::vector<VariantRun> runs(2);
  runs[0].error = std::string(40'000'000, '"');  // 6 bytes each as &quot;
  runs[0].output = std::string(1'000'000, 'o');
  runs[1].stopped = std::string(100, 's');
  runs[1].checks = {CheckResult{"a", "A", "visible", 1, false, std::string(5'000'000, '<')}};
  bound_script_text(runs, 100'000);
  int64_t cost = 0;
  for (const VariantRun& run : runs) {
    for (const std::string* text : {&run.stopped, &run.error, &run.output}) cost += report_cost(*text);
    for (const CheckResult& check : run.checks) cost += report_cost(check.feedback);
  }
  CHECK(cost <= 100'000 + 6 * 200);  // plus klab's cut markers
  CHECK(runs[0].error.find("klab cut 39995834 bytes") != std::string::npos);
  CHECK(runs[1].stopped == std::string(100, 's'));
  CHECK(!runs[0].output.empty());  // what is left goes to the printed output
  GradeReport report;
  report.variants = runs;
  combine_variants(report);
  CHECK(render_json(report).size() < 400'000);
  CHECK(render_junit(report).size() < 400'000);
}

TEST_CASE("a cut never splits a UTF-8 character, and JUnit text stays under libxml2's 10,000,000 bytes") {
  const std::string cut = cut_to_budget("\xc3\xa9\xc3\xa9\xc3\xa9", 3);
  CHECK(cut.rfind("\xc3\xa9 ", 0) == 0);
  GradeReport report;
  VariantRun run;
  run.error = std::string(30'000'000, 'e');
  run.checks = {CheckResult{"a", "A", "visible", 1, false, std::string(30'000'000, 'f')}};
  report.variants = {run};
  combine_variants(report);
  const std::string xml = render_junit(report);
  CHECK(xml.size() < 3 * 8'100'000);
  CHECK(xml.find("klab cut") != std::string::npos);
}

}  // namespace klab
