#include "grade_class.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "grade_report.hpp"

namespace klab {
namespace {

namespace fs = std::filesystem;

struct Submission {
  std::string student;
  fs::path script;
  fs::path json_report, text_report;
  std::optional<GradeReport> report;
  std::string problem;  // why there is no report
};

std::vector<Submission> find_submissions(const fs::path& directory) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(directory)) entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  std::vector<Submission> found;
  for (const fs::path& entry : entries) {
    if (fs::is_regular_file(entry) && entry.extension() == ".lua") {
      found.push_back(Submission{entry.stem().string(), entry, {}, {}, {}, {}});
    } else if (fs::is_directory(entry)) {
      std::vector<fs::path> scripts;
      for (const auto& inner : fs::directory_iterator(entry))
        if (inner.is_regular_file() && inner.path().extension() == ".lua") scripts.push_back(inner.path());
      std::sort(scripts.begin(), scripts.end());
      if (!scripts.empty()) found.push_back(Submission{entry.filename().string(), scripts.front(), {}, {}, {}, {}});
    }
  }
  return found;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::optional<GradeReport> read_report(const fs::path& path, std::string& problem) {
  std::ifstream in(path);
  if (!in) {
    problem = "no report was written";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_json_report(text.str());
  } catch (const std::exception& error) {
    problem = std::string("unreadable report: ") + error.what();
    return std::nullopt;
  }
}

pid_t start_grading(const ClassOptions& options, const Submission& submission) {
  std::vector<std::string> arguments = {"klab", "grade", "--lab", options.lab, submission.script.string(),
                                        "--format", "json", "--output", submission.json_report.string(),
                                        "--variants", std::to_string(options.variants)};
  std::istringstream extra(options.extra_flags);
  for (std::string word; extra >> word;) arguments.push_back(word);
  const pid_t child = fork();
  if (child != 0) return child;
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  if (FILE* null = std::freopen("/dev/null", "w", stdout)) (void)null;
  execv("/proc/self/exe", argv.data());
  _exit(127);
}

void show_progress(std::size_t done, std::size_t total, std::chrono::steady_clock::time_point started) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double eta = done == 0 ? 0 : elapsed / static_cast<double>(done) * static_cast<double>(total - done);
  const std::size_t width = 30, filled = total == 0 ? width : done * width / total;
  const std::string bar = std::string(filled, '#') + std::string(width - filled, '.');
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (!terminal && done != total && done % std::max<std::size_t>(1, total / 10) != 0) return;
  std::cerr << (terminal ? "\r" : "") << fmt::format("[{}] {}/{}  {:.0f} s, ETA {:.0f} s", bar, done, total, elapsed, eta)
            << (terminal && done != total ? "" : "\n") << std::flush;
}

std::string summary(const std::vector<Submission>& submissions, int max_score) {
  std::vector<double> scores;
  std::map<std::string, int> failed;
  std::map<std::string, std::string> titles;
  std::vector<std::string> order;
  for (const Submission& submission : submissions) {
    if (!submission.report) continue;
    scores.push_back(submission.report->score);
    for (const CheckResult& check : submission.report->checks) {
      if (!titles.count(check.id)) order.push_back(check.id);
      titles[check.id] = check.title;
      if (!check.passed) ++failed[check.id];
    }
  }
  std::string text = fmt::format("{} submission(s), {} graded\n", submissions.size(), scores.size());
  if (scores.empty()) return text;
  std::sort(scores.begin(), scores.end());
  double mean = 0;
  for (double score : scores) mean += score;
  mean /= static_cast<double>(scores.size());
  const std::size_t middle = scores.size() / 2;
  const double median = scores.size() % 2 ? scores[middle] : (scores[middle - 1] + scores[middle]) / 2;
  text += fmt::format("mean {:.2f} / {}, median {:.1f}\n\nscores\n", mean, max_score, median);
  std::map<int, int> histogram;
  for (double score : scores) ++histogram[static_cast<int>(score)];
  int widest = 0;
  for (const auto& [score, count] : histogram) widest = std::max(widest, count);
  for (int score = 0; score <= max_score; ++score) {
    const int count = histogram.count(score) ? histogram[score] : 0;
    const int bar = widest == 0 ? 0 : (count * 40 + widest - 1) / widest;
    text += fmt::format("{:>4} | {:<40} {}\n", score, std::string(static_cast<std::size_t>(bar), '#'), count);
  }
  std::vector<std::pair<int, std::string>> most;
  for (const std::string& id : order) most.emplace_back(failed[id], id);
  std::stable_sort(most.begin(), most.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  text += "\nchecks most often failed\n";
  for (std::size_t i = 0; i < most.size() && i < 5; ++i)
    if (most[i].first > 0) text += fmt::format("{:>4}  {}\n", most[i].first, titles[most[i].second]);
  return text;
}

}  // namespace

int grade_class(const ClassOptions& options) {
  std::error_code error;
  if (!fs::is_directory(options.directory, error)) {
    std::cerr << "klab grade-class: " << options.directory << " is not a folder\n";
    return 2;
  }
  if (options.jobs < 1 || options.jobs > 64) {
    std::cerr << "klab grade-class: --jobs must be between 1 and 64\n";
    return 2;
  }
  std::vector<Submission> submissions = find_submissions(options.directory);
  fs::path gradebook(options.gradebook);
  fs::path reports = gradebook.parent_path() / (gradebook.stem().string() + "-reports");
  fs::create_directories(reports, error);
  if (error) {
    std::cerr << "klab grade-class: cannot create " << reports << ": " << error.message() << '\n';
    return 2;
  }
  for (Submission& submission : submissions) {
    submission.json_report = reports / (submission.student + ".json");
    submission.text_report = reports / (submission.student + ".txt");
    fs::remove(submission.json_report, error);
  }
  const auto started = std::chrono::steady_clock::now();
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, done = 0;
  show_progress(0, submissions.size(), started);
  while (done < submissions.size()) {
    while (running.size() < static_cast<std::size_t>(options.jobs) && next < submissions.size()) {
      const pid_t child = start_grading(options, submissions[next]);
      if (child < 0) {
        submissions[next].problem = "could not start klab grade";
        ++done;
      } else {
        running[child] = next;
      }
      ++next;
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t ended = waitpid(-1, &status, 0);
    auto it = running.find(ended);
    if (it == running.end()) continue;
    Submission& submission = submissions[it->second];
    running.erase(it);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2) submission.problem = "klab grade refused it (usage error)";
    else submission.report = read_report(submission.json_report, submission.problem);
    if (submission.report) {
      std::ofstream(submission.text_report) << render_text(*submission.report);
    }
    show_progress(++done, submissions.size(), started);
  }
  // The gradebook: one row per student, a column per check (points earned).
  std::vector<std::string> check_ids;
  int max_score = 0;
  for (const Submission& submission : submissions)
    if (submission.report && check_ids.empty()) {
      for (const CheckResult& check : submission.report->checks) check_ids.push_back(check.id);
      max_score = submission.report->max_score;
    }
  std::ofstream csv(gradebook);
  csv << "student,score,max_score,status";
  for (const std::string& id : check_ids) csv << ',' << csv_field(id);
  csv << '\n';
  for (const Submission& submission : submissions) {
    csv << csv_field(submission.student) << ',';
    if (!submission.report) {
      csv << "0," << max_score << ',' << csv_field("not graded: " + submission.problem) << '\n';
      continue;
    }
    const GradeReport& report = *submission.report;
    std::string status = "graded";
    for (const VariantRun& run : report.variants)
      if (!run.stopped.empty()) status = run.stopped;
      else if (!run.error.empty() && status == "graded") status = "script error";
    csv << report.score << ',' << report.max_score << ',' << csv_field(one_line(status));  // a chunk name may hold newlines
    for (const std::string& id : check_ids) {
      int earned = 0;
      for (const CheckResult& check : report.checks)
        if (check.id == id && check.passed) earned = check.points;
      csv << ',' << earned;
    }
    csv << '\n';
  }
  if (!csv.flush()) {
    std::cerr << "klab grade-class: cannot write " << gradebook << '\n';
    return 2;
  }
  std::cout << summary(submissions, max_score)
            << fmt::format("\ngradebook: {}\nreports:   {}\n", gradebook.string(), reports.string());
  return 0;
}

}  // namespace klab
