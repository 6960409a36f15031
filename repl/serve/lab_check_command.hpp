// `klab lab check N --run CMD [--run CMD ...]`: a serve lab (labs/18-your-own-client) checked the way a
// grader runs a student's real Kafka client. The lab's fresh cluster is served in-process on free ports
// of 127.0.0.1; each command runs in turn with KAFKA_BOOTSTRAP_SERVERS naming every broker, under a
// time limit, while the event loop keeps serving it; then the lab's checks read the cluster's state.
// Standard output carries only klab's report (text as klab lab check prints it, or JSON/Gradescope as
// klab grade writes them); the commands' own output goes to standard error.
#pragma once
#include <string>
#include <vector>

namespace klab::serve {

struct LabCheckOptions {
  std::string lab;
  std::vector<std::string> commands;
  double timeout_seconds = 60;  // per command
  std::string format = "text";  // text, json or gradescope
  std::string labs_dir;
};

// 0 at full marks, 1 below, 2 when the lab cannot be checked this way (unknown, not a serve lab).
int lab_check_command(const LabCheckOptions& options);

}  // namespace klab::serve
