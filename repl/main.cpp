// klab: the command line. No arguments: the REPL on a ready cluster (or, when standard input is
// not a terminal, the same loop without prompts, for transcripts). Subcommands: run, lab, grade,
// grade-class, diagram, inspect, metrics, serve (the cluster served to real Kafka clients).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <iostream>

#include "console.hpp"
#include "grade_class.hpp"
#include "grader.hpp"
#include "help.hpp"
#include "inspect_command.hpp"
#include "lua_bindings.hpp"
#include "base/config.hpp"
#include "metrics/prometheus_text.hpp"
#include "serve/lab_check_command.hpp"
#include "serve/serve_options.hpp"
#include "session.hpp"

namespace {

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.klab_history" : std::string();
}

std::string banner(const klab::SessionOptions& options, klab::Session& session) {
  std::string text = "klab " KLAB_VERSION " — a simulated Kafka (3.7 semantics) in a Lua REPL\n";
  text += "cluster: " + std::to_string(options.brokers) + " brokers, seed " + std::to_string(options.seed) +
          "   help() for help, Ctrl-D to leave\n";
  lua_State* L = session.lua();
  if (luaL_dostring(L, "return lab and lab.summary and lab.summary() or ''") == LUA_OK && lua_isstring(L, -1))
    text += lua_tostring(L, -1);
  lua_settop(L, 0);
  return text;
}

int run_repl(const klab::SessionOptions& options) {
  klab::Session session(options);
  klab::ConsoleOptions console;
  console.interactive = isatty(STDIN_FILENO) != 0;
  console.history_path = console.interactive ? history_path() : std::string();
  console.banner = console.interactive ? banner(options, session) : std::string();
  for (const klab::ConfigCatalog* catalog : klab::all_config_catalogs())
    for (const klab::ConfigDef& def : catalog->all()) console.extra_completions.emplace_back(def.name);
  for (const std::string& word : klab::help_words(session.lua())) console.extra_completions.push_back(word);
  return klab::run_console(session.lua(), console);
}

// klab diagram FILE.lua: runs the script on the preloaded cluster; what it returns (the SVG text of
// klab.diagram) goes to --out or standard output. The slides are drawn this way (scripts/slides).
int diagram_command(const klab::SessionOptions& options, const std::string& script, const std::string& out_path) {
  klab::Session session(options);
  lua_State* L = session.lua();
  if (luaL_loadfile(L, script.c_str()) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    std::cerr << "klab diagram: " << (lua_isstring(L, -1) ? lua_tostring(L, -1) : "the script failed") << '\n';
    return 1;
  }
  if (lua_type(L, -1) != LUA_TSTRING) {
    std::cerr << "klab diagram: " << script << " must end with `return klab.diagram(cluster, \"TOPIC\")`";
    if (lua_isnil(L, -1) && lua_gettop(L) >= 1) std::cerr << " (it returned nil: does the topic exist?)";
    std::cerr << '\n';
    return 1;
  }
  size_t length = 0;
  const char* svg = lua_tolstring(L, -1, &length);
  if (out_path.empty()) {
    std::cout.write(svg, static_cast<std::streamsize>(length));
    return 0;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(svg, static_cast<std::streamsize>(length));
  if (!out.flush()) {
    std::cerr << "klab diagram: cannot write " << out_path << '\n';
    return 1;
  }
  return 0;
}

// klab metrics FILE.lua: runs the script on the preloaded cluster and prints, in Prometheus' text
// format, every metric of the cluster the script returns (or of the preloaded `cluster`), with the
// producers and consumers the script still holds.
int metrics_command(const klab::SessionOptions& options, const std::string& script) {
  klab::Session session(options);
  lua_State* L = session.lua();
  if (luaL_loadfile(L, script.c_str()) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    std::cerr << "klab metrics: " << (lua_isstring(L, -1) ? lua_tostring(L, -1) : "the script failed") << '\n';
    return 1;
  }
  std::shared_ptr<klab::Cluster> cluster = klab::shared_cluster(L, -1);
  if (!cluster) {
    lua_getglobal(L, "cluster");
    cluster = klab::shared_cluster(L, -1);
  }
  if (!cluster) {
    std::cerr << "klab metrics: " << script << " should end with `return c` (its cluster); "
              << "the global `cluster` is not a cluster either\n";
    return 1;
  }
  std::cout << klab::prometheus_text(cluster->metrics_registry().collect(cluster->now()), cluster->now()) << std::flush;
  return 0;
}

// Exit codes: 0 full marks, 1 graded below full marks, 2 usage or infrastructure error.
int grade_command(klab::GradeOptions options, const std::string& format, const std::string& report_path) {
  options.labs_dir = klab::default_labs_dir();
  std::string problem;
  std::optional<klab::GradeReport> report = klab::grade_submission(options, problem);
  if (!report) {
    std::cerr << "klab grade: " << problem << '\n';
    return 2;
  }
  std::string text = format == "json"         ? klab::render_json(*report)
                     : format == "gradescope" ? klab::render_gradescope(*report)
                     : format == "junit"      ? klab::render_junit(*report)
                                              : klab::render_text(*report);
  if (report_path.empty()) {
    std::cout << text << std::flush;
  } else {
    std::ofstream out(report_path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::cerr << "klab grade: cannot write " << report_path << '\n';
      return 2;
    }
  }
  return report->score == report->max_score ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"klab — a teaching kit for Apache Kafka: a simulated cluster in a Lua REPL, guided labs, grading"};
  app.set_version_flag("--version", "klab " KLAB_VERSION);
  klab::SessionOptions options;
  app.add_option("--seed", options.seed, "seed of the preloaded cluster")->capture_default_str();
  app.add_option("--brokers", options.brokers, "brokers of the preloaded cluster")->check(CLI::Range(1, 100))->capture_default_str();

  auto* run = app.add_subcommand("run", "run a Lua script (arguments after FILE go to the script as `arg`)");
  std::string script;
  std::vector<std::string> script_args;
  run->add_option("file", script, "the script")->required();
  run->add_option("args", script_args, "arguments for the script");
  run->prefix_command();

  auto* lab = app.add_subcommand("lab", "guided labs: list, show N, check N FILE, check N --run CMD");
  lab->require_subcommand(1);
  lab->add_subcommand("list", "list the labs");
  auto* show = lab->add_subcommand("show", "print a lab's text");
  std::string lab_id;
  show->add_option("lab", lab_id, "lab number")->required();
  auto* check = lab->add_subcommand("check", "run FILE on a fresh cluster prepared by the lab, then grade it; "
                                             "a serve lab (18) runs real clients: --run CMD");
  std::string submission;
  klab::serve::LabCheckOptions served_check;
  check->add_option("lab", lab_id, "lab number")->required();
  auto* check_file = check->add_option("file", submission, "the submitted script");
  auto* check_run = check->add_option("--run", served_check.commands,
                                      "serve the lab's cluster on free 127.0.0.1 ports and run CMD with /bin/sh, "
                                      "KAFKA_BOOTSTRAP_SERVERS set; repeatable, run in order")
                        ->allow_extra_args(false)  // one command per --run: a file after it stays positional
                        ->excludes(check_file);
  check->add_option("--timeout", served_check.timeout_seconds,
                    "seconds each --run command may take; then SIGINT (Ctrl-C), SIGKILL 5 s later")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->needs(check_run);
  check->add_option("--format", served_check.format, "with --run: text, json or gradescope (results.json)")
      ->check(CLI::IsMember({"text", "json", "gradescope"}))
      ->capture_default_str()
      ->needs(check_run);

  auto* grade = app.add_subcommand("grade", "grade FILE against several variants of a lab, in a sandbox");
  klab::GradeOptions grading;
  std::string format = "text", report_path;
  grade->add_option("--lab", grading.lab, "lab number")->required();
  grade->add_option("file", grading.submission, "the submitted script")->required();
  grade->add_option("--format", format, "text, json, gradescope (results.json) or junit")
      ->check(CLI::IsMember({"text", "json", "gradescope", "junit"}))
      ->capture_default_str();
  grade->add_option("--output", report_path, "write the report to this file instead of standard output");
  grade->add_option("--seed", grading.seed, "base seed of the variants (default: the lab's)");
  grade->add_option("--variants", grading.variants, "how many variants to run (seeds base, base+1, ...)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  grade->add_option("--memory-mib", grading.memory_mib, "memory limit of the script (default 256)");
  grade->add_option("--instructions", grading.instructions, "Lua instruction limit (default 1e9)");
  grade->add_option("--wall-seconds", grading.wall_seconds, "wall-clock limit per variant (default 20)");
  grade->add_option("--simulated-ms", grading.simulated_ms, "simulated time limit (default 30 days)");
  grade->add_option("--output-bytes", grading.output_bytes, "limit of what the script may print (default 1 MiB)");

  auto* diagram = app.add_subcommand("diagram", "run FILE.lua (ending in `return klab.diagram(cluster, topic)`) and save the SVG");
  std::string diagram_script, diagram_out;
  diagram->add_option("file", diagram_script, "the script that builds the picture")->required();
  diagram->add_option("--out", diagram_out, "the SVG file to write (default: standard output)");

  auto* metrics = app.add_subcommand("metrics", "run FILE.lua and print its cluster's metrics in Prometheus' text format");
  std::string metrics_script;
  metrics->add_option("file", metrics_script, "the script (ending in `return c` for a cluster of its own)")->required();

  auto* grade_class = app.add_subcommand("grade-class", "grade every submission in a folder into a CSV gradebook");
  klab::ClassOptions class_options;
  grade_class->add_option("--lab", class_options.lab, "lab number")->required();
  grade_class->add_option("folder", class_options.directory, "*.lua files, or one folder per student")->required();
  grade_class->add_option("--out", class_options.gradebook, "the CSV gradebook to write")->required();
  grade_class->add_option("--jobs", class_options.jobs, "submissions graded at once")->capture_default_str();
  grade_class->add_option("--variants", class_options.variants, "variants per submission")->capture_default_str();
  grade_class->add_option("--grade-flags", class_options.extra_flags,
                          "more klab grade flags for every submission, e.g. \"--wall-seconds 5\"");

  auto* inspect = app.add_subcommand("inspect", "query an inspector recording: FILE.sqlite [\"SELECT ...\"] (no statement: an SQL prompt)");
  std::string inspect_file, inspect_sql;
  bool inspect_csv = false, inspect_json = false;
  inspect->add_option("file", inspect_file, "the recording (inspect.open(cluster, \"FILE.sqlite\") writes one)")->required();
  inspect->add_option("sql", inspect_sql, "one read-only statement to run");
  auto* csv_flag = inspect->add_flag("--csv", inspect_csv, "print rows as CSV");
  inspect->add_flag("--json", inspect_json, "print rows as a JSON array of objects")->excludes(csv_flag);

  auto* serve = app.add_subcommand("serve", "serve the cluster to real Kafka clients while the REPL runs (help(\"serve\"))");
  klab::serve::ServeOptions serving;
  serve->add_option("--brokers", serving.brokers, "brokers of the cluster")->check(CLI::Range(1, 100))->capture_default_str();
  serve->add_option("--port", serving.port, "port of broker 1 (broker i: port+i-1); 0 picks free ports")->capture_default_str();
  serve->add_option("--listen", serving.listen, "host to listen on (default 127.0.0.1 and ::1); repeatable");
  serve->add_option("--advertise", serving.advertise, "host the brokers advertise in Metadata");
  serve->add_option("--seed", serving.seed, "seed of the cluster")->capture_default_str();
  serve->add_option("--partitions", serving.partitions, "partitions of auto-created topics")->check(CLI::Range(1, 10000));
  serve->add_flag("--no-repl", serving.no_repl, "no prompt: serve until SIGINT or SIGTERM");
  serve->add_option("file", serving.file, "a Lua script to run on the cluster before serving");

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) return klab::serve::serve_command(serving);

  if (inspect->parsed())
    return klab::inspect_command(inspect_file, inspect_sql,
                                 inspect_csv    ? klab::ResultFormat::Csv
                                 : inspect_json ? klab::ResultFormat::Json
                                                : klab::ResultFormat::Table);

  if (grade_class->parsed()) return klab::grade_class(class_options);
  if (diagram->parsed()) return diagram_command(options, diagram_script, diagram_out);
  if (metrics->parsed()) return metrics_command(options, metrics_script);

  if (grade->parsed()) return grade_command(grading, format, report_path);

  if (run->parsed()) {
    klab::Session session(options);
    std::vector<char*> raw;
    for (auto& argument : script_args) raw.push_back(argument.data());
    return session.run_file(script, static_cast<int>(raw.size()), raw.data());
  }
  if (lab->parsed()) {
    options.preload_cluster = false;
    klab::Session session(options);
    if (lab->got_subcommand("list")) return session.run_lab_command("cli_list", {});
    if (show->parsed()) return session.run_lab_command("cli_show", {lab_id});
    if (!served_check.commands.empty()) {
      served_check.lab = lab_id;
      served_check.labs_dir = klab::default_labs_dir();
      return klab::serve::lab_check_command(served_check);
    }
    if (submission.empty()) {
      std::cerr << "klab lab check: give FILE.lua, or --run CMD for a lab done with real clients\n";
      return 2;
    }
    return session.run_lab_command("cli_check", {lab_id, submission});
  }
  return run_repl(options);
}
