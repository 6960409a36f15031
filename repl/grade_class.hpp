// klab grade-class: grades every submission in a folder, each in its own `klab grade` process (a
// crash or hang of one never touches another), J at a time, with a progress line and an ETA; writes
// a CSV gradebook, one text and one JSON report per student, and prints a summary (mean, median, a
// histogram of scores, the checks most often failed).
#pragma once
#include <string>

namespace klab {

struct ClassOptions {
  std::string lab;
  std::string directory;  // *.lua files (student = file name) or folders holding one .lua (student = folder)
  std::string gradebook;  // CSV path; reports go to <gradebook without .csv>-reports/
  int jobs = 2;
  int variants = 3;
  std::string extra_flags;  // passed to each klab grade (limits, seed), space-separated
};

// Exit code: 0 when every submission was graded (whatever the scores), 2 on a usage error.
int grade_class(const ClassOptions& options);

}  // namespace klab
