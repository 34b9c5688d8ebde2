// greenlight: the command line (SPEC section 4). Only argument parsing lives here.

#include <CLI/CLI.hpp>
#include <iostream>

#include "daemon/commands/app.h"
#include "daemon/commands/check.h"
#include "daemon/commands/demo.h"
#include "daemon/commands/whatif.h"
#include "daemon/runtime/run.h"
#include "daemon/stores/memory.h"

int main(int argc, char** argv) {
  using namespace greenlight::daemon;
  keep_large_allocations_out_of_the_heap();  // RSS flat across compactions (daemon/stores/memory.h)
  CLI::App app{"greenlight: health-model monitoring daemon"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("greenlight ") + GREENLIGHT_VERSION);

  std::string file;
  std::string format = "dot";

  auto* validate = app.add_subcommand("validate", "Check a model file; print every error as FILE:LINE:COL");
  validate->add_option("FILE", file, "model file (TOML)")->required();

  auto* graph = app.add_subcommand("graph", "Print the model as a graph");
  graph->add_option("FILE", file, "model file (TOML)")->required();
  graph->add_option("--format", format, "dot, json or mermaid")
      ->check(CLI::IsMember({"dot", "json", "mermaid"}))
      ->capture_default_str();
  bool with_states = false;
  graph->add_flag("--states", with_states, "probe every signal once and colour the graph by state");

  auto* grafana = app.add_subcommand("grafana", "Print the Grafana dashboard for a model (a row per flow)");
  grafana->add_option("FILE", file, "model file (TOML)")->required();

  std::string check_format = "text";
  auto* check = app.add_subcommand("check", "Run every signal once; print states and root causes; exit 0/1/2/3");
  check->add_option("FILE", file, "model file (TOML)")->required();
  check->add_option("--format", check_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  std::string log_format = "text";
  auto* run = app.add_subcommand("run", "The daemon, in the foreground until SIGTERM/SIGINT; SIGHUP reloads");
  run->add_option("FILE", file, "model file (TOML)")->required();
  run->add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  std::string slo_format = "prometheus";
  auto* slo = app.add_subcommand("slo", "Print the objectives as OpenSLO v1 documents or Prometheus rules");
  slo->add_option("FILE", file, "model file (TOML)")->required();
  slo->add_option("--format", slo_format, "openslo or prometheus")
      ->check(CLI::IsMember({"openslo", "prometheus"}))
      ->capture_default_str();

  std::string cron, timezone, from;
  int count = 5;
  auto* schedule = app.add_subcommand("schedule", "Print when a cron expression is next due (UTC, then local time)");
  schedule->add_option("EXPR", cron, "five-field cron expression, like \"30 2 * * *\"")->required();
  schedule->add_option("--timezone", timezone, "IANA time zone, like Europe/Berlin (default UTC)");
  schedule->add_option("--from", from, "count from this RFC 3339 time (default now)");
  schedule->add_option("--count", count, "how many due times")->check(CLI::Range(1, 10000))->capture_default_str();

  DemoOptions demo_options;
  std::string demo_interval = "5s";
  auto* demo = app.add_subcommand("demo", "The seed's e-commerce shop simulated on loopback, with the daemon and its dashboard");
  demo->add_option("--listen", demo_options.listen, "the dashboard's address (HOST:PORT)")->capture_default_str();
  demo->add_option("--port-offset", demo_options.port_offset, "added to every simulated service's port")
      ->check(CLI::Range(0, 40000))
      ->capture_default_str();
  demo->add_option("--state-dir", demo_options.state_dir, "where state is kept (default: a temporary directory)");
  demo->add_option("--interval", demo_interval, "probe interval, like \"5s\"")->capture_default_str();
  demo->add_option("--log-format", log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  WhatifCommands whatif(app);  // simulate, lint, fma

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 64 (EX_USAGE) so they are never mistaken for a health state.
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 64;
  }

  if (*validate) return validate_command(file, std::cout, std::cerr);
  if (*graph) return graph_command(file, format, with_states, std::cout, std::cerr);
  if (*grafana) return grafana_command(file, std::cout, std::cerr);
  if (*check) return check_command(file, check_format, std::cout, std::cerr);
  if (*slo) return slo_command(file, slo_format, std::cout, std::cerr);
  if (*schedule) return schedule_command(cron, timezone, from, count, std::cout, std::cerr);
  if (const auto rc = whatif.run(std::cout, std::cerr)) return *rc;
  if (*run) return run_daemon(file, log_format == "json" ? LogFormat::Json : LogFormat::Text);
  if (*demo) {
    const auto interval = greenlight::model::parse_duration(demo_interval);
    if (!interval || interval->count() < 200) {
      std::cerr << "greenlight demo: --interval must be a duration of at least 200ms, like \"5s\"\n";
      return 64;
    }
    demo_options.interval = *interval;
    demo_options.log_format = log_format == "json" ? LogFormat::Json : LogFormat::Text;
    return demo_command(demo_options);
  }
  return 64;
}
