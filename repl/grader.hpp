// klab grade: runs a submission against K variants of a lab, each in a child process with a
// sandboxed Lua state (sandbox.hpp), and writes one report (grade_report.hpp). A child that hangs in
// C code, crashes or outlives the wall-clock limit is killed; the report is written anyway, and the
// temporary files of every run go with the grading (a scratch TMPDIR the parent removes).
// --output-bytes bounds all of a script's text that reaches the report (bound_script_text).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "grade_report.hpp"
#include "sandbox.hpp"

namespace klab {

struct GradeOptions {
  std::string lab;         // number, folder or slug
  std::string submission;  // path of the student's script
  std::string labs_dir;
  std::optional<uint64_t> seed;  // base seed; default: the lab's
  int variants = 3;
  // Limits given on the command line; they override the lab's, which override the defaults.
  std::optional<int64_t> memory_mib, instructions, simulated_ms, output_bytes;
  std::optional<double> wall_seconds;
};

// Grades; on an infrastructure problem (no such lab, unreadable submission) returns nullopt and
// sets `problem`.
std::optional<GradeReport> grade_submission(const GradeOptions& options, std::string& problem);

}  // namespace klab
