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
  CHECK(xml.find("&lt;&amp;&quot;&apos;&gt;?") != std::string::npos);
  CHECK(xml.find("name=\"A &lt;b&gt;\"") != std::string::npos);
  CHECK(xml.find("message=\"bad &amp; worse\"") != std::string::npos);
}

}  // namespace klab
