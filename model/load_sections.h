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

// load_flows.cpp: one [flows.ID]; model.flows_of_component must be sized already.
void load_flow(LoadContext& ctx, const std::string& id, const toml::node& n);

// load_alerting.cpp: [alerting] (severity, flapping, receivers, routes, silences).
void load_alerting(LoadContext& ctx, const toml::table& t);

// load_actions.cpp: the [[actions]] entry at 1-based `position`; `names` holds the names
// seen so far, to report duplicates.
void load_action(LoadContext& ctx, const toml::node& n, std::size_t position, std::set<std::string>& names);

}  // namespace greenlight::model
