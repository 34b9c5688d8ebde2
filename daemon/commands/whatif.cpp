#include "daemon/commands/whatif.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>

#include "daemon/commands/check.h"
#include "daemon/stores/config_file.h"
#include "model/json_text.h"
#include "whatif/fma.h"
#include "whatif/lint.h"
#include "whatif/simulate.h"

namespace greenlight::daemon {

namespace {

constexpr int kExitUsage = 64;

bool report(const model::LoadResult& r, std::ostream& err) {
  for (const auto& e : r.errors) err << model::format(e) << '\n';
  if (!r.ok()) err << r.errors.size() << (r.errors.size() == 1 ? " error" : " errors") << '\n';
  return r.ok();
}

}  // namespace

int simulate_command(const std::string& path, const std::vector<std::string>& sets, const std::string& format,
                     std::ostream& out, std::ostream& err) {
  whatif::Overrides overrides;
  for (const std::string& s : sets) {
    if (const std::string error = whatif::parse_assignment(s, overrides); !error.empty()) {
      err << "greenlight simulate: " << error << "\n";
      return kExitUsage;
    }
  }
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return 3;
  whatif::Resolved resolved;
  if (const std::string error = whatif::resolve(*r.model, overrides, resolved); !error.empty()) {
    err << "greenlight simulate: " << error << "\n";
    return kExitUsage;
  }
  const auto now = std::chrono::time_point_cast<model::Duration>(std::chrono::system_clock::now());
  const auto sim = whatif::simulate(whatif::green_snapshot(r.model, now), {}, resolved, now);
  if (format == "json") {
    out << model::json_text(whatif::simulation_json(*r.model, sim), 2) << "\n";
  } else {
    out << whatif::simulation_text(*r.model, sim);
  }
  return exit_code_of(sim.state.overall.state);
}

int lint_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err) {
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return 2;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto warnings = whatif::lint(*r.model, text.str(), path);
  if (format == "json") {
    out << model::json_text(whatif::lint_json(warnings), 2) << "\n";
  } else {
    for (const auto& w : warnings) out << whatif::format(w) << "\n";
  }
  return warnings.empty() ? 0 : 1;
}

int fma_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err) {
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return 2;
  const auto rows = whatif::failure_modes(*r.model);
  if (format == "json") {
    out << model::json_text(whatif::fma_json(*r.model, rows), 2) << "\n";
  } else {
    out << whatif::fma_markdown(*r.model, rows);
  }
  return 0;
}

WhatifCommands::WhatifCommands(CLI::App& app) {
  simulate_ = app.add_subcommand("simulate", "What if these states held? Changes and who would be paged; exit 0/1/2/3");
  simulate_->add_option("FILE", file_, "model file (TOML)")->required();
  simulate_->add_option("--set", sets_, "ID=STATE: a component (database=red) or a signal (pricing/health=yellow)");
  simulate_->add_option("--format", format_, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  lint_ = app.add_subcommand("lint", "Warn about a valid model's rot: FILE:LINE:COL: warning: [rule]; exit 0/1/2");
  lint_->add_option("FILE", file_, "model file (TOML)")->required();
  lint_->add_option("--format", format_, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  fma_ = app.add_subcommand("fma", "The failure mode analysis table: what each component's failure breaks");
  fma_->add_option("FILE", file_, "model file (TOML)")->required();
  fma_->add_option("--format", fma_format_, "markdown or json")
      ->check(CLI::IsMember({"markdown", "json"}))
      ->capture_default_str();
}

std::optional<int> WhatifCommands::run(std::ostream& out, std::ostream& err) const {
  if (*simulate_) return simulate_command(file_, sets_, format_, out, err);
  if (*lint_) return lint_command(file_, format_, out, err);
  if (*fma_) return fma_command(file_, fma_format_, out, err);
  return std::nullopt;
}

}  // namespace greenlight::daemon
