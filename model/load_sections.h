#pragma once

// Internal to model::load: the loaders of the configuration's sections (SPEC section 5),
// one file each, and the state of one load that they share. load() calls them in this
// order (daemon, ids, components, flows, alerting, actions) and then checks the graph.
// Each loader adds what it read to the model and reports problems to the error list; it
// never stops at the first error. Not thread-safe: one LoadContext per load() call.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "model/load.h"
#include "model/model.h"
#include "model/toml_reader.h"

namespace greenlight::model {

inline constexpr std::string_view kCriticalities = "\"high\", \"medium\" or \"low\"";

// The state of one load.
struct LoadContext {
  LoadContext(std::string_view path, const LoadOptions& options);

  void error(const toml::source_region& at, std::string message) { errors.add(at, std::move(message)); }
  // Relative paths in a config file are relative to that file's directory (SPEC 5a).
  std::string resolve(std::string_view p) const;

  ErrorList errors;
  const LoadOptions& options;
  std::filesystem::path base_dir;
  std::shared_ptr<Model> model = std::make_shared<Model>();
  // Where each dependency was declared, for cycle errors: (from, to) -> source.
  std::map<std::pair<ComponentIndex, ComponentIndex>, toml::source_region> edge_source;
  // [signal_templates] (null when there is none).
  const toml::table* signal_templates = nullptr;
};

// load_daemon.cpp: [daemon]; resolves state_dir and defaults external_url.
void load_daemon(LoadContext& ctx, const toml::table& t);

// load_cluster.cpp: [cluster] (after [daemon], whose listen it compares peers with).
void load_cluster(LoadContext& ctx, const toml::table& t);
// load_cluster.cpp: an alertmanager receiver's `url` or `urls` into rc.urls and rc.url.
void load_alertmanager_urls(TableReader& rr, Receiver& rc);
// load_cluster.cpp: with [cluster] shards > 1, load() loads the whole model (so that every
// error is reported on every shard) and then this: `root` pruned to what the shard keeps
// (model/cluster.h), loaded again, with `whole`'s [cluster].
LoadResult load_shard(const Model& whole, toml::table root, std::string_view path, const LoadOptions& options);
// load.cpp: the assembled TOML tree (assemble(): includes, ${VAR}) into a model.
LoadResult load_assembled(LoadContext& ctx, toml::table& root);

// load_components.cpp: one [components.ID] with its signals (and their probe specs).
// The ids of all components must be known first (collect_ids in load.cpp), so that
// depends_on and members may name components declared further down.
void load_component(LoadContext& ctx, const std::string& id, const toml::node& n);

// A step or dependency: "id" (impact critical) or { component = "id", impact = "..." }.
// `what` ("depends_on", "step") starts the messages. Nothing when it is invalid (reported).
struct ComponentRef {
  ComponentIndex first;  // the component
  Impact second;         // the edge's impact
  std::string id;
};
std::optional<ComponentRef> component_ref(LoadContext& ctx, TableReader& r, const toml::node& n,
                                          std::string_view what);

// load_probes.cpp: the keys of `s.kind`'s probe in the signal's table `r`, into `s.spec`
// (and, for heartbeat, file_age and tls, into `s.thresholds`).
void load_probe(LoadContext& ctx, TableReader& r, Signal& s);

// load_inventory.cpp: each redundancy group's members_from, before the ids are collected:
// a member component per file_sd target is added to [components] and the group's
// "members" set, and model.inventories says what was read.
void expand_members_from(LoadContext& ctx, toml::table& root);

// load_templates.cpp: `use = "NAME"` in the signal read by `r`: the keys the signal does
// not set come from [signal_templates.NAME].
void use_template(LoadContext& ctx, TableReader& r);
// The names of the [signal_templates], and every component id, for "did you mean".
std::vector<std::string> template_names(const LoadContext& ctx);
std::vector<std::string> component_ids(const LoadContext& ctx);
// load_templates.cpp: the keys of every probe kind in signal table `t` (so that a wrong
// `probe` is one error, not one more per key of the signal); reports nothing.
std::vector<std::string> every_probe_key(LoadContext& ctx, const toml::table& t);

// load_flows.cpp: one [flows.ID]; model.flows_of_component must be sized already.
void load_flow(LoadContext& ctx, const std::string& id, const toml::node& n);

// load_objectives.cpp (SPEC 6.2): a flow's `objective` table and `rto`, read through the
// flow's reader; a signal's `trend` (after its thresholds and probe); the burn alerts'
// list (Model::slo_alerts) once all flows are read.
void load_objective(LoadContext& ctx, TableReader& flow_reader, Flow& f);
void load_trend(LoadContext& ctx, TableReader& r, Signal& s);
void collect_slo_alerts(Model& m);

// load_alerting.cpp: [alerting] (severity, flapping, receivers, routes, silences).
void load_alerting(LoadContext& ctx, const toml::table& t);

// load_actions.cpp: the [[actions]] entry at 1-based `position`; `names` holds the names
// seen so far, to report duplicates.
void load_action(LoadContext& ctx, const toml::node& n, std::size_t position, std::set<std::string>& names);

}  // namespace greenlight::model
