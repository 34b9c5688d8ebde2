// [cluster] (SPEC 6.5), an alertmanager receiver's `urls`, and keeping one shard's part of
// the model (model/cluster.h).

#include <set>
#include <string>

#include "model/cluster.h"
#include "model/load_sections.h"

namespace greenlight::model {

namespace {

std::string without_slash(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// A peer that is this replica itself: its listen address or its external URL.
bool is_self(const DaemonConfig& d, const std::string& peer) {
  const std::string p = without_slash(peer);
  return p == "http://" + d.listen || p == "https://" + d.listen || p == without_slash(d.external_url);
}

void load_peers(TableReader& r, const DaemonConfig& d, ClusterConfig& c) {
  const toml::array* peers = r.array("peers");
  if (peers == nullptr) return;
  std::set<std::string> seen;
  for (const toml::node& e : *peers) {
    const auto url = e.value_exact<std::string>();
    if (!url) {
      r.error(e, "every element of \"peers\" must be a string, not " + std::string(type_name(e.type())));
    } else if (!valid_http_url(*url)) {
      r.error(e, "peer " + quote(*url) + " must be an http:// or https:// URL");
    } else if (is_self(d, *url)) {
      r.error(e, "peer " + quote(*url) + " is this replica itself ([daemon] listen " + d.listen +
                     "): list only the other replicas");
    } else if (!seen.insert(without_slash(*url)).second) {
      r.error(e, "peer " + quote(*url) + " is listed twice");
    } else {
      c.peers.push_back(without_slash(*url));
    }
  }
}

}  // namespace

void load_cluster(LoadContext& ctx, const toml::table& t) {
  TableReader r(ctx.errors, t, "[cluster]");
  ClusterConfig& c = ctx.model->cluster;
  const toml::node* replica_node = r.node("replica");
  if (auto v = r.string("replica")) {
    if (valid_id(*v)) {
      c.replica = *v;
    } else {
      r.error(*replica_node, "\"replica\" may only use letters, digits, '_', '-' and '.', not " + quote(*v));
    }
  }
  load_peers(r, ctx.model->daemon, c);
  if (!c.peers.empty() && c.replica.empty() && replica_node == nullptr) {
    r.error_here("\"peers\" needs \"replica\", this replica's name (it is in every forwarded fact and annotation)");
  }
  if (auto v = r.integer("shards", 1, 1024)) c.shards = static_cast<std::uint32_t>(*v);
  const toml::node* shard_node = r.node("shard");
  if (auto v = r.integer("shard", 0, 1023)) {
    if (static_cast<std::uint32_t>(*v) >= c.shards) {
      r.error(*shard_node, "\"shard\" is " + std::to_string(*v) + " but there are " + std::to_string(c.shards) +
                               " shards: it must be 0 to " + std::to_string(c.shards - 1));
    } else {
      c.shard = static_cast<std::uint32_t>(*v);
    }
  } else if (c.shards > 1 && shard_node == nullptr) {
    r.error_here("\"shards\" = " + std::to_string(c.shards) + " needs \"shard\", this replica's shard (0 to " +
                 std::to_string(c.shards - 1) + ")");
  }
  r.finish();
}

void load_alertmanager_urls(TableReader& rr, Receiver& rc) {
  const toml::node* one = rr.node("url");
  const toml::node* many = rr.node("urls");
  if (one && many) rr.error(*many, "set \"url\" or \"urls\", not both");
  if (!one && !many) rr.error_here("missing \"url\" (or \"urls\", every Alertmanager of a cluster)");
  std::vector<std::string> urls;
  if (auto u = rr.string("url")) urls.push_back(*u);
  if (many) {
    if (many->is_array() && many->as_array()->empty()) rr.error(*many, "\"urls\" is empty");
    for (std::string& u : rr.string_array("urls")) urls.push_back(std::move(u));
  }
  std::set<std::string> seen;
  for (const std::string& u : urls) {
    const toml::node& at = many ? *many : *one;
    if (!valid_http_url(u)) {
      rr.error(at, "Alertmanager URL " + quote(u) + " must be an http:// or https:// URL");
    } else if (!seen.insert(without_slash(u)).second) {
      rr.error(at, "Alertmanager URL " + quote(u) + " is listed twice");
    } else {
      rc.urls.push_back(u);
    }
  }
  if (!rc.urls.empty()) rc.url = rc.urls.front();
}

LoadResult load_shard(const Model& whole, toml::table root, std::string_view path, const LoadOptions& options) {
  const ClusterConfig& c = whole.cluster;
  const ShardPlan plan = plan_shard(whole, c.shards, c.shard);
  if (plan.components.empty()) {
    ErrorList errors(path);
    const toml::node* at = root["cluster"]["shard"].node();
    errors.add(at ? at->source() : root.source(),
               "[cluster]: shard " + std::to_string(c.shard) + " of " + std::to_string(c.shards) +
                   " gets no flow and no component (hash(flow id) mod shards): use fewer shards");
    return {nullptr, errors.take()};
  }
  auto prune = [&](const char* key, const std::set<std::string>& keep) {
    if (toml::table* t = root[key].as_table()) {
      for (auto it = t->begin(); it != t->end();) {
        it = keep.count(std::string(it->first.str())) ? std::next(it) : t->erase(it);
      }
    }
  };
  prune("flows", plan.flows);
  prune("components", plan.components);
  if (toml::array* actions = root["actions"].as_array()) {
    for (auto it = actions->begin(); it != actions->end();) {
      const toml::table* action = it->as_table();
      const auto name = action ? action->get_as<std::string>("name") : nullptr;
      it = name && plan.actions.count(name->get()) ? std::next(it) : actions->erase(it);
    }
  }
  root.insert_or_assign("cluster", toml::table{});  // loaded as a whole model, then given back
  // The tree is the assembled one (includes merged, ${VAR} expanded) and its groups'
  // members_from are expanded into members already: loaded as it is, not printed and
  // parsed again (that expanded $${ twice and met members_from beside its members).
  if (toml::table* components = root["components"].as_table()) {
    for (auto&& [id, component] : *components) {
      if (toml::table* t = component.as_table()) t->erase("members_from");
    }
  }
  LoadContext ctx(path, options);
  LoadResult part = load_assembled(ctx, root);
  // load_assembled() built it and nothing else holds it yet: give it back its [cluster]
  // and the inventories its members came from.
  if (part.model) {
    Model& m = *std::const_pointer_cast<Model>(part.model);
    m.cluster = c;
    m.inventories = whole.inventories;
  }
  return part;
}

}  // namespace greenlight::model
