#include "model/load.h"

#include <set>
#include <toml++/toml.h>

#include "model/config_source.h"
#include "model/load_sections.h"
#include "model/toml_reader.h"

namespace greenlight::model {

LoadContext::LoadContext(std::string_view path, const LoadOptions& options) : errors(path), options(options) {
  base_dir = std::filesystem::path(std::string(path)).parent_path();
}

std::string LoadContext::resolve(std::string_view p) const {
  if (p.empty()) return {};
  std::filesystem::path path{std::string(p)};
  if (path.is_absolute() || base_dir.empty()) return path.lexically_normal().string();
  return (base_dir / path).lexically_normal().string();
}

namespace {

void collect_ids(LoadContext& ctx, const toml::table& root) {
  Model& model = *ctx.model;
  if (const toml::table* components = root["components"].as_table()) {
    for (const auto& [k, v] : *components) {
      const std::string id(k.str());
      if (!valid_id(id)) {
        ctx.error(k.source(), "component id " + quote(id) + " may only use letters, digits, '_', '-' and '.'");
      }
      model.component_index.emplace(id, static_cast<ComponentIndex>(model.component_index.size()));
    }
  }
  if (const toml::table* flows = root["flows"].as_table()) {
    for (const auto& [k, v] : *flows) {
      const std::string id(k.str());
      if (!valid_id(id)) {
        ctx.error(k.source(), "flow id " + quote(id) + " may only use letters, digits, '_', '-' and '.'");
      }
      model.flow_index.emplace(id, static_cast<FlowIndex>(model.flow_index.size()));
    }
  }
  model.components.reserve(model.component_index.size());
}

void build_graph(LoadContext& ctx) {
  Model& model = *ctx.model;
  std::vector<Graph::EdgeSpec> edges;
  for (ComponentIndex v = 0; v < model.components.size(); ++v) {
    const Component& c = model.components[v];
    for (const Dependency& d : c.depends_on) edges.push_back({v, d.component, {d.impact, false}});
    for (ComponentIndex m : c.members) edges.push_back({v, m, {Impact::Critical, true}});
  }
  model.graph = Graph::build(static_cast<std::uint32_t>(model.components.size()), edges);
  for (const auto& cycle : model.graph.cycles()) {
    // One error at the first edge, then one line per edge with its own position.
    std::string path;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      if (i > 0) path += " -> ";
      path += model.components[cycle[i]].id;
    }
    std::string message = "dependency cycle: " + path;
    toml::source_region first{};
    for (std::size_t i = 0; i + 1 < cycle.size(); ++i) {
      const auto it = ctx.edge_source.find({cycle[i], cycle[i + 1]});
      if (it == ctx.edge_source.end()) continue;
      if (i == 0) first = it->second;
      message += "\n  " + ctx.errors.file() + ":" + std::to_string(it->second.begin.line) + ":" +
                 std::to_string(it->second.begin.column) + ": " + model.components[cycle[i]].id + " -> " +
                 model.components[cycle[i + 1]].id;
    }
    ctx.error(first, std::move(message));
  }
}

}  // namespace

LoadResult load(std::string_view text, std::string_view path, const LoadOptions& options) {
  LoadContext ctx(path, options);
  std::optional<toml::table> assembled = assemble(text, ctx.errors.file(), options, ctx.errors);
  if (!assembled) return {nullptr, ctx.errors.take()};
  return load_assembled(ctx, *assembled);
}

// The one TOML tree (includes merged, ${VAR} expanded, by assemble()) into a model.
LoadResult load_assembled(LoadContext& ctx, toml::table& root) {
  const LoadOptions& options = ctx.options;
  const std::string& file = ctx.errors.file();
  const std::string_view path = file;
  std::map<const toml::table*, std::string> sections;
  if (options.on_key) {
    sections = schema_sections(root);
    ctx.errors.on_key = [&](const toml::table& t, std::string_view key) {
      if (const auto it = sections.find(&t); it != sections.end()) options.on_key(it->second, key);
    };
  }
  Model& model = *ctx.model;
  model.source_path = file;

  TableReader top(ctx.errors, root, "top level");
  top.node("include");  // read by assemble()
  ctx.signal_templates = top.subtable("signal_templates");
  const toml::table* daemon = top.subtable("daemon");
  const toml::table* components = top.subtable("components");
  const toml::table* flows = top.subtable("flows");
  const toml::table* alerting = top.subtable("alerting");
  const toml::array* actions = top.array("actions");
  const toml::table* cluster = top.subtable("cluster");
  top.finish();

  if (daemon) {
    load_daemon(ctx, *daemon);
  } else {
    model.daemon.state_dir = ctx.resolve(model.daemon.state_dir);
  }
  expand_members_from(ctx, root);
  if (cluster) load_cluster(ctx, *cluster);
  collect_ids(ctx, root);
  if (components) {
    for (const auto& [k, v] : *components) load_component(ctx, std::string(k.str()), v);
  }
  if (components == nullptr || components->empty()) {
    ctx.error(root.source(), "the model has no components (add a [components.ID] table)");
  }
  model.flows_of_component.resize(model.components.size());
  if (flows) {
    for (const auto& [k, v] : *flows) load_flow(ctx, std::string(k.str()), v);
  }
  collect_slo_alerts(model);
  if (alerting) load_alerting(ctx, *alerting);
  if (actions) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < actions->size(); ++i) load_action(ctx, *actions->get(i), i + 1, names);
  }
  build_graph(ctx);

  if (!ctx.errors.empty()) {
    std::vector<ConfigError> errors = ctx.errors.take();
    sort_by_position(errors);
    return {nullptr, std::move(errors)};
  }
  if (model.cluster.shards > 1) return load_shard(model, std::move(root), path, options);
  return {std::move(ctx.model), {}};
}

}  // namespace greenlight::model
