#include "daemon/commands/app.h"

#include <filesystem>
#include <ostream>

#include "daemon/commands/check.h"
#include "daemon/stores/config_file.h"
#include "dashboards/assets.h"
#include "dashboards/grafana.h"
#include "model/graph_export.h"
#include "model/json_text.h"

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

}  // namespace greenlight::daemon
