#include "daemon/commands/app.h"

#include <filesystem>
#include <ostream>

#include "daemon/commands/check.h"
#include "daemon/stores/config_file.h"
#include "dashboards/assets.h"
#include "dashboards/grafana.h"
#include "model/graph_export.h"
#include "model/clock.h"
#include "model/json_text.h"
#include "model/slo_export.h"
#include "schedule/next_due.h"
#include "schedule/tzdb.h"

namespace greenlight::daemon {

namespace {

// Prints every error as FILE:LINE:COL: error: message (validate writes to stderr).
bool report(const model::LoadResult& r, std::ostream& err) {
  for (const auto& e : r.errors) err << model::format(e) << '\n';
  if (!r.ok()) err << r.errors.size() << (r.errors.size() == 1 ? " error" : " errors") << '\n';
  return r.ok();
}

}  // namespace

int validate_command(const std::string& path, std::ostream& out, std::ostream& err) {
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return kExitInvalid;
  const model::Model& m = *r.model;
  out << path << ": ok: " << m.components.size() << " components, " << m.signals.size() << " signals, "
      << m.flows.size() << " flows, " << m.graph.edge_count() << " dependencies\n";
  return kExitOk;
}

int grafana_command(const std::string& path, std::ostream& out, std::ostream& err) {
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return kExitInvalid;
  nlohmann::json base;
  for (const dashboards::Asset& a : dashboards::grafana_files()) {
    if (a.name == "greenlight.json") base = nlohmann::json::parse(a.body);
  }
  const std::string title = std::filesystem::path(path).stem().string();
  out << model::json_text(dashboards::grafana_for_model(base, *r.model, title), 2) << '\n';
  return kExitOk;
}

int graph_command(const std::string& path, const std::string& format, bool with_states, std::ostream& out,
                  std::ostream& err) {
  const auto f = model::parse_graph_format(format);
  if (!f) {
    err << "greenlight graph: unknown format \"" << format << "\" (use dot, json or mermaid)\n";
    return kExitInvalid;
  }
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return kExitInvalid;
  if (with_states) {
    const model::HealthState st = evaluate_once(*r.model);
    out << model::export_graph(*r.model, &st, *f);
  } else {
    out << model::export_graph(*r.model, nullptr, *f);
  }
  return kExitOk;
}

int slo_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err) {
  const auto f = model::parse_slo_format(format);
  if (!f) {
    err << "greenlight slo: unknown format \"" << format << "\" (use openslo or prometheus)\n";
    return kExitInvalid;
  }
  const model::LoadResult r = load_file(path);
  if (!report(r, err)) return kExitInvalid;
  out << model::export_slos(*r.model, *f);
  return kExitOk;
}

int schedule_command(const std::string& expression, const std::string& timezone, const std::string& from, int count,
                     std::ostream& out, std::ostream& err) {
  model::TimePoint after = model::RealClock().now_system();
  if (!from.empty()) {
    const auto t = model::parse_rfc3339(from);
    if (!t) {
      err << "greenlight schedule: --from must be an RFC 3339 time, like 2025-03-30T00:00:00Z\n";
      return 64;
    }
    after = *t;
  }
  const schedule::CronParse parsed = schedule::parse_cron(expression);
  for (const schedule::CronError& e : parsed.errors) {
    // The expression again with a caret under the column, as compilers show it.
    err << "greenlight schedule: column " << e.column << ": " << e.message << "\n  " << expression << "\n  "
        << std::string(static_cast<std::size_t>(e.column - 1), ' ') << "^\n";
  }
  schedule::ZoneLookup zone{schedule::Zone::utc(), ""};
  if (!timezone.empty()) zone = schedule::load_zone(timezone);
  if (!zone.zone) err << "greenlight schedule: " << zone.error << "\n";
  if (!parsed.ok() || !zone.zone) return kExitInvalid;
  for (int i = 0; i < count; ++i) {
    const auto due = schedule::next_after(*parsed.expr, *zone.zone, after);
    if (!due) {
      err << "greenlight schedule: not due again within " << schedule::kSearchHorizon.count() << " years\n";
      break;
    }
    out << schedule::format_utc(*due) << "  " << schedule::format_local(*due, *zone.zone) << '\n';
    after = *due;
  }
  return kExitOk;
}

}  // namespace greenlight::daemon
