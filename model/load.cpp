#include "model/load.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <toml++/toml.h>

namespace greenlight::model {

namespace {

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

constexpr std::string_view kCriticalities = "\"high\", \"medium\" or \"low\"";

std::string_view type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// Ids appear in URLs, metric labels and file names: keep them to a safe alphabet.
bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

bool valid_host_port(std::string_view s) {
  std::string_view host, port;
  if (s.starts_with('[')) {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return false;  // IPv6 needs brackets
  }
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  return !host.empty() && ec == std::errc{} && end == port.data() + port.size() && p >= 1 && p <= 65535;
}

bool is_loopback_listen(std::string_view listen) {
  return listen.starts_with("127.") || listen.starts_with("localhost:") || listen.starts_with("[::1]:");
}

bool valid_http_url(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (s.starts_with(scheme) && s.size() > scheme.size() && s[scheme.size()] != '/') return true;
  }
  return false;
}

std::optional<Quota> parse_quota(const toml::node& n) {
  if (auto i = n.value_exact<std::int64_t>()) {
    if (*i < 0 || *i > UINT32_MAX) return std::nullopt;
    return Quota{false, static_cast<std::uint32_t>(*i)};
  }
  if (auto s = n.value_exact<std::string>()) {
    if (!s->ends_with('%')) return std::nullopt;
    std::uint32_t v = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size() - 1, v);
    if (ec != std::errc{} || end != s->data() + s->size() - 1 || v > 100) return std::nullopt;
    return Quota{true, v};
  }
  return std::nullopt;
}

class Loader;

// Reads the keys of one TOML table, records what it read, and reports the rest as
// unknown keys in finish(). Every error names the table's context and the key.
class TableReader {
 public:
  TableReader(Loader& loader, const toml::table& table, std::string context)
      : loader_(loader), table_(table), context_(std::move(context)) {}

  const toml::table& table() const { return table_; }
  const std::string& context() const { return context_; }

  // Marks `key` as known and returns its node, or null when absent.
  const toml::node* node(std::string_view key) {
    known_.emplace_back(key);
    return table_.get(key);
  }
  const toml::node* required(std::string_view key);

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<double> number(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<Duration> duration(std::string_view key, bool allow_zero = false);
  const toml::array* array(std::string_view key, bool required = false);
  const toml::table* subtable(std::string_view key);
  std::vector<std::string> string_array(std::string_view key, bool required = false);
  std::optional<Labels> string_table(std::string_view key);
  // A string key naming one of an enum's values, parsed by `parse`; `expected` lists them.
  template <typename Parse>
  auto choice(std::string_view key, Parse parse, std::string_view expected) -> decltype(parse(std::string_view{})) {
    const toml::node* n = node(key);
    auto v = string(key);
    if (!v) return std::nullopt;
    auto parsed = parse(*v);
    if (!parsed) error(*n, std::string(key) + " must be " + std::string(expected) + ", not \"" + *v + "\"");
    return parsed;
  }

  void error(const toml::node& at, const std::string& message);
  void error_here(const std::string& message);
  void wrong_type(std::string_view key, const toml::node& n, std::string_view expected);

  // Reports every key that nothing asked for.
  void finish();

 private:
  Loader& loader_;
  const toml::table& table_;
  std::string context_;
  std::vector<std::string> known_;  // owned: some keys are built at run time ("url" + "_file")
};

class Loader {
 public:
  explicit Loader(std::string_view path) : file_(path) {
    base_dir_ = std::filesystem::path(std::string(path)).parent_path();
  }

  void error(const toml::source_region& at, std::string message) {
    errors_.push_back({file_, static_cast<int>(at.begin.line), static_cast<int>(at.begin.column), std::move(message)});
  }

  // Relative paths in a config file are relative to that file's directory (SPEC 5a).
  std::string resolve(std::string_view p) const {
    if (p.empty()) return {};
    std::filesystem::path path{std::string(p)};
    if (path.is_absolute() || base_dir_.empty()) return path.lexically_normal().string();
    return (base_dir_ / path).lexically_normal().string();
  }

  LoadResult run(std::string_view text);

 private:
  void load_daemon(const toml::table& t);
  void collect_ids(const toml::table& root);
  void load_component(const std::string& id, const toml::node& n);
  void load_signal(Component& c, ComponentIndex ci, const toml::node& n, std::set<std::string>& ids);
  void load_probe(TableReader& r, Signal& s);
  void load_flow(const std::string& id, const toml::node& n);
  void load_alerting(const toml::table& t);
  std::optional<Route> load_route(const toml::node& n, const std::string& context, bool top_level);
  void load_action(const toml::node& n, std::size_t position, std::set<std::string>& names);
  struct ComponentRef {
    ComponentIndex first;  // the component
    Impact second;         // the edge's impact
    std::string id;
  };
  std::optional<ComponentRef> component_ref(TableReader& r, const toml::node& n, std::string_view what);
  std::optional<TimePoint> timestamp(TableReader& r, std::string_view key);
  void build_graph();

  std::string file_;
  std::filesystem::path base_dir_;
  std::vector<ConfigError> errors_;
  std::shared_ptr<Model> model_ = std::make_shared<Model>();
  // Where each dependency was declared, for cycle errors: (from, to) -> source.
  std::map<std::pair<ComponentIndex, ComponentIndex>, toml::source_region> edge_source_;

  friend class TableReader;
};

// ---- TableReader ---------------------------------------------------------------------

const toml::node* TableReader::required(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) error_here("missing required key " + quote(key));
  return n;
}

void TableReader::error(const toml::node& at, const std::string& message) {
  loader_.error(at.source(), context_ + ": " + message);
}

void TableReader::error_here(const std::string& message) { loader_.error(table_.source(), context_ + ": " + message); }

void TableReader::wrong_type(std::string_view key, const toml::node& n, std::string_view expected) {
  error(n, quote(key) + " must be " + std::string(expected) + ", not " + std::string(type_name(n.type())));
}

std::optional<std::string> TableReader::string(std::string_view key, bool req) {
  const toml::node* n = req ? required(key) : node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value_exact<std::string>()) return *v;
  wrong_type(key, *n, "a string");
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  auto v = n->value_exact<std::int64_t>();
  if (!v) {
    wrong_type(key, *n, "an integer");
    return std::nullopt;
  }
  if (*v < min || *v > max) {
    error(*n, quote(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                  std::to_string(*v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> TableReader::number(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value_exact<double>()) return v;
  if (auto v = n->value_exact<std::int64_t>()) return static_cast<double>(*v);
  wrong_type(key, *n, "a number");
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value_exact<bool>()) return v;
  wrong_type(key, *n, "a boolean");
  return std::nullopt;
}

std::optional<Duration> TableReader::duration(std::string_view key, bool allow_zero) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  auto s = n->value_exact<std::string>();
  if (!s) {
    wrong_type(key, *n, "a duration string such as \"10s\"");
    return std::nullopt;
  }
  auto d = parse_duration(*s);
  if (!d) {
    error(*n, "bad duration " + quote(*s) + " for " + quote(key) + " (use e.g. \"250ms\", \"10s\", \"5m\", \"26h\")");
    return std::nullopt;
  }
  if (!allow_zero && d->count() == 0) {
    error(*n, quote(key) + " must be longer than 0s");
    return std::nullopt;
  }
  return d;
}

const toml::array* TableReader::array(std::string_view key, bool req) {
  const toml::node* n = req ? required(key) : node(key);
  if (n == nullptr) return nullptr;
  if (const toml::array* a = n->as_array()) return a;
  wrong_type(key, *n, "an array");
  return nullptr;
}

const toml::table* TableReader::subtable(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  wrong_type(key, *n, "a table");
  return nullptr;
}

std::vector<std::string> TableReader::string_array(std::string_view key, bool req) {
  std::vector<std::string> out;
  const toml::array* a = array(key, req);
  if (a == nullptr) return out;
  for (const toml::node& e : *a) {
    if (auto s = e.value_exact<std::string>()) {
      out.push_back(*s);
    } else {
      error(e, "every element of " + quote(key) + " must be a string, not " + std::string(type_name(e.type())));
    }
  }
  return out;
}

std::optional<Labels> TableReader::string_table(std::string_view key) {
  const toml::table* t = subtable(key);
  if (t == nullptr) return std::nullopt;
  Labels out;
  for (const auto& [k, v] : *t) {
    if (auto s = v.value_exact<std::string>()) {
      out.emplace(std::string(k.str()), *s);
    } else {
      loader_.error(v.source(), context_ + ": " + quote(key) + "." + std::string(k.str()) + " must be a string, not " +
                                    std::string(type_name(v.type())));
    }
  }
  return out;
}

void TableReader::finish() {
  for (const auto& [k, v] : table_) {
    if (std::find(known_.begin(), known_.end(), k.str()) == known_.end()) {
      loader_.error(k.source(), context_ + ": unknown key " + quote(k.str()));
    }
  }
}

// ---- Loader --------------------------------------------------------------------------

LoadResult Loader::run(std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, file_);
  } catch (const toml::parse_error& e) {
    error(e.source(), "TOML syntax: " + std::string(e.description()));
    return {nullptr, std::move(errors_)};
  }
  model_->source_path = file_;

  TableReader top(*this, root, "top level");
  const toml::table* daemon = top.subtable("daemon");
  const toml::table* components = top.subtable("components");
  const toml::table* flows = top.subtable("flows");
  const toml::table* alerting = top.subtable("alerting");
  const toml::array* actions = top.array("actions");
  top.finish();

  if (daemon) {
    load_daemon(*daemon);
  } else {
    model_->daemon.state_dir = resolve(model_->daemon.state_dir);
  }
  collect_ids(root);
  if (components) {
    for (const auto& [k, v] : *components) load_component(std::string(k.str()), v);
  }
  if (components == nullptr || components->empty()) {
    error(root.source(), "the model has no components (add a [components.ID] table)");
  }
  model_->flows_of_component.resize(model_->components.size());
  if (flows) {
    for (const auto& [k, v] : *flows) load_flow(std::string(k.str()), v);
  }
  if (alerting) load_alerting(*alerting);
  if (actions) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < actions->size(); ++i) load_action(*actions->get(i), i + 1, names);
  }
  build_graph();

  if (!errors_.empty()) {
    sort_by_position(errors_);
    return {nullptr, std::move(errors_)};
  }
  return {std::move(model_), {}};
}

void Loader::load_daemon(const toml::table& t) {
  TableReader r(*this, t, "[daemon]");
  DaemonConfig& d = model_->daemon;
  const toml::node* listen_node = r.node("listen");
  if (auto v = r.string("listen")) {
    if (valid_host_port(*v)) {
      d.listen = *v;
    } else {
      r.error(*listen_node, "\"listen\" must be HOST:PORT, e.g. \"127.0.0.1:9750\", not " + quote(*v));
    }
  }
  if (auto v = r.string("state_dir")) d.state_dir = *v;
  d.state_dir = resolve(d.state_dir);
  if (auto v = r.duration("interval")) d.interval = *v;
  if (auto v = r.string("auth_token_file")) d.auth_token_file = resolve(*v);
  if (auto v = r.string("external_url")) {
    if (valid_http_url(*v)) {
      d.external_url = *v;
    } else {
      r.error(*r.node("external_url"), "\"external_url\" must be an http:// or https:// URL");
    }
  }
  if (d.external_url.empty()) d.external_url = "http://" + d.listen + "/";
  const toml::node* level_node = r.node("log_level");
  if (auto v = r.string("log_level")) {
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (kLevels.count(*v)) {
      d.log_level = *v;
    } else {
      r.error(*level_node, "\"log_level\" must be one of trace, debug, info, warn, error, critical, off");
    }
  }
  if (!is_loopback_listen(d.listen) && d.auth_token_file.empty() && listen_node) {
    r.error(*listen_node, "listening beyond loopback (" + d.listen + ") requires \"auth_token_file\"");
  }
  r.finish();
}

void Loader::collect_ids(const toml::table& root) {
  if (const toml::table* components = root["components"].as_table()) {
    for (const auto& [k, v] : *components) {
      const std::string id(k.str());
      if (!valid_id(id)) {
        error(k.source(), "component id " + quote(id) + " may only use letters, digits, '_', '-' and '.'");
      }
      model_->component_index.emplace(id, static_cast<ComponentIndex>(model_->component_index.size()));
    }
  }
  if (const toml::table* flows = root["flows"].as_table()) {
    for (const auto& [k, v] : *flows) {
      const std::string id(k.str());
      if (!valid_id(id)) error(k.source(), "flow id " + quote(id) + " may only use letters, digits, '_', '-' and '.'");
      model_->flow_index.emplace(id, static_cast<FlowIndex>(model_->flow_index.size()));
    }
  }
  model_->components.reserve(model_->component_index.size());
}

// A step or dependency: "id" (impact critical) or { component = "id", impact = "..." }.
std::optional<Loader::ComponentRef> Loader::component_ref(TableReader& r, const toml::node& n,
                                                          std::string_view what) {
  std::string id;
  Impact impact = Impact::Critical;
  const toml::node* id_node = &n;
  if (auto s = n.value_exact<std::string>()) {
    id = *s;
  } else if (const toml::table* t = n.as_table()) {
    TableReader inner(*this, *t, r.context() + " " + std::string(what));
    id_node = inner.required("component");
    if (auto s = inner.string("component")) id = *s;
    const toml::node* impact_node = inner.node("impact");
    if (auto s = inner.string("impact")) {
      if (auto i = parse_impact(*s)) {
        impact = *i;
      } else {
        inner.error(*impact_node, "impact must be \"critical\", \"degrading\" or \"informational\", not " + quote(*s));
      }
    }
    inner.finish();
    if (id_node == nullptr || id.empty()) return std::nullopt;
  } else {
    r.error(n, std::string(what) + " must be a component id or { component = \"id\", impact = \"...\" }, not " +
                   std::string(type_name(n.type())));
    return std::nullopt;
  }
  auto it = model_->component_index.find(id);
  if (it == model_->component_index.end()) {
    r.error(*id_node, std::string(what) + " references unknown component " + quote(id));
    return std::nullopt;
  }
  return ComponentRef{it->second, impact, id};
}

void Loader::load_component(const std::string& id, const toml::node& n) {
  const ComponentIndex ci = static_cast<ComponentIndex>(model_->components.size());
  Component& c = model_->components.emplace_back();
  c.id = id;
  c.name = id;
  c.first_signal = static_cast<SignalIndex>(model_->signals.size());
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    error(n.source(), "component " + quote(id) + " must be a table");
    return;
  }
  TableReader r(*this, *t, "component " + quote(id));
  if (auto v = r.string("name")) c.name = *v;
  if (auto v = r.string("description")) c.description = *v;
  if (auto v = r.string("runbook")) c.runbook = *v;
  if (auto v = r.string("owner")) c.owner = *v;
  if (auto v = r.boolean("alert")) c.alert = *v;
  if (auto v = r.choice("criticality", parse_criticality, kCriticalities)) c.criticality = *v;
  if (auto v = r.string_table("labels")) c.labels = std::move(*v);

  if (const toml::array* deps = r.array("depends_on")) {
    for (const toml::node& d : *deps) {
      auto ref = component_ref(r, d, "depends_on");
      if (!ref) continue;
      const bool dup = std::any_of(c.depends_on.begin(), c.depends_on.end(),
                                   [&](const Dependency& x) { return x.component == ref->first; });
      if (dup) {
        r.error(d, "depends_on lists component " + quote(ref->id) + " twice");
        continue;
      }
      c.depends_on.push_back({ref->first, ref->second});
      edge_source_.emplace(std::pair{ci, ref->first}, d.source());
    }
  }

  const toml::array* members = r.array("members");
  if (members) {
    if (members->empty()) r.error(*members, "\"members\" of a redundancy group must not be empty");
    for (const toml::node& m : *members) {
      auto s = m.value_exact<std::string>();
      if (!s) {
        r.error(m, "every member must be a component id, not " + std::string(type_name(m.type())));
        continue;
      }
      auto it = model_->component_index.find(*s);
      if (it == model_->component_index.end()) {
        r.error(m, "members references unknown component " + quote(*s));
      } else if (std::find(c.members.begin(), c.members.end(), it->second) != c.members.end()) {
        r.error(m, "members lists " + quote(*s) + " twice");
      } else {
        c.members.push_back(it->second);
        edge_source_.emplace(std::pair{ci, it->second}, m.source());
      }
    }
  }
  for (std::string_view key : {"healthy_min", "available_min"}) {
    const toml::node* q = r.node(key);
    if (q == nullptr) continue;
    auto quota = parse_quota(*q);
    if (!quota) {
      r.error(*q, quote(key) + " must be a member count or a percentage such as \"50%\"");
    } else if (members == nullptr) {
      r.error(*q, quote(key) + " applies only to a redundancy group (a component with \"members\")");
    } else if (!quota->percent && quota->value > members->size()) {
      r.error(*q, quote(key) + " is " + std::to_string(quota->value) + " but the group has only " +
                      std::to_string(members->size()) + " members");
    } else {
      (key == "healthy_min" ? c.healthy_min : c.available_min) = quota;
    }
  }

  if (const toml::array* signals = r.array("signals")) {
    if (members) r.error(*signals, "a redundancy group takes its state from its members and cannot have signals");
    std::set<std::string> ids;
    for (const toml::node& s : *signals) load_signal(c, ci, s, ids);
  }
  r.finish();
  // load_signal appended to model_->signals; `c` may not be touched after a reallocation
  // of components, which cannot happen here (reserved in collect_ids).
  c.signal_count = static_cast<std::uint32_t>(model_->signals.size() - c.first_signal);
}

void Loader::load_signal(Component& c, ComponentIndex ci, const toml::node& n, std::set<std::string>& ids) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    error(n.source(), "component " + quote(c.id) + ": every signal must be a table");
    return;
  }
  Signal s;
  s.component = ci;
  const auto id = t->get_as<std::string>("id");
  TableReader r(*this, *t, "component " + quote(c.id) + " signal " + (id ? quote(id->get()) : std::string("?")));
  if (auto v = r.string("id", true)) {
    s.id = *v;
    if (!valid_id(*v)) r.error(*r.node("id"), "signal id may only use letters, digits, '_', '-' and '.'");
    if (!ids.insert(*v).second) r.error(*r.node("id"), "signal id " + quote(*v) + " is used twice in this component");
  }
  if (auto v = r.string("description")) s.description = *v;
  s.interval = model_->daemon.interval;
  if (auto v = r.duration("interval")) s.interval = *v;
  s.timeout = std::min(Duration{10'000}, s.interval);
  if (auto v = r.duration("timeout")) s.timeout = *v;
  s.stale_after = 3 * s.interval;
  if (auto v = r.duration("stale_after")) s.stale_after = *v;
  if (auto v = r.integer("failures", 1, 1000)) s.failures = static_cast<int>(*v);
  if (auto v = r.integer("successes", 1, 1000)) s.successes = static_cast<int>(*v);
  s.thresholds.yellow_above = r.number("yellow_above");
  s.thresholds.red_above = r.number("red_above");
  s.thresholds.yellow_below = r.number("yellow_below");
  s.thresholds.red_below = r.number("red_below");
  const toml::node* probe_node = r.required("probe");
  if (auto v = r.string("probe")) {
    if (auto k = parse_probe_kind(*v)) {
      s.kind = *k;
      load_probe(r, s);
    } else {
      r.error(*probe_node, "unknown probe " + quote(*v) +
                               " (use http, tcp, exec, tls, heartbeat, file_age, prometheus or scrape)");
    }
  }
  const Thresholds& th = s.thresholds;
  if (th.yellow_above && th.red_above && *th.yellow_above > *th.red_above) {
    r.error(*r.node("yellow_above"), "yellow_above (" + std::to_string(*th.yellow_above) +
                                         ") must not be above red_above (" + std::to_string(*th.red_above) + ")");
  }
  if (th.yellow_below && th.red_below && *th.yellow_below < *th.red_below) {
    r.error(*r.node("yellow_below"), "yellow_below (" + std::to_string(*th.yellow_below) +
                                         ") must not be below red_below (" + std::to_string(*th.red_below) + ")");
  }
  r.finish();
  model_->signals.push_back(std::move(s));
}

void Loader::load_probe(TableReader& r, Signal& s) {
  auto url_key = [&](std::string_view key) {
    std::string url = r.string(key, true).value_or("");
    if (!url.empty() && !valid_http_url(url)) {
      r.error(*r.node(key), quote(key) + " must be an http:// or https:// URL, not " + quote(url));
    }
    return url;
  };
  auto target_key = [&]() {
    std::string target = r.string("target", true).value_or("");
    if (!target.empty() && !valid_host_port(target)) {
      r.error(*r.node("target"), "\"target\" must be HOST:PORT, not " + quote(target));
    }
    return target;
  };
  // heartbeat and file_age: "no news for red_after" is a threshold on the age in seconds.
  auto age_thresholds = [&]() {
    const auto red = r.duration("red_after");
    const auto yellow = r.duration("yellow_after");
    if (red) s.thresholds.red_above = static_cast<double>(red->count()) / 1000.0;
    if (yellow) s.thresholds.yellow_above = static_cast<double>(yellow->count()) / 1000.0;
    if (red && yellow && *yellow > *red) r.error(*r.node("yellow_after"), "yellow_after must not be after red_after");
    return red.has_value();
  };

  switch (s.kind) {
    case ProbeKind::Http: {
      HttpSpec h;
      h.url = url_key("url");
      const toml::node* method_node = r.node("method");
      if (auto v = r.string("method")) {
        static const std::set<std::string> kMethods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
        if (kMethods.count(*v)) {
          h.method = *v;
        } else {
          r.error(*method_node, "method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        }
      }
      if (auto v = r.string_table("headers")) h.headers.assign(v->begin(), v->end());
      if (auto v = r.string("body")) h.body = *v;
      if (const toml::array* codes = r.array("expect_status")) {
        for (const toml::node& code : *codes) {
          auto c = code.value_exact<std::int64_t>();
          if (!c || *c < 100 || *c > 599) {
            r.error(code, "every expect_status element must be an HTTP status code (100-599)");
          } else {
            h.expect_status.push_back(static_cast<int>(*c));
          }
        }
      }
      if (auto v = r.string("expect_body")) {
        try {
          std::regex check(*v);
          h.expect_body = *v;
        } catch (const std::regex_error& e) {
          r.error(*r.node("expect_body"), "expect_body is not a valid regular expression: " + std::string(e.what()));
        }
      }
      if (auto v = r.string("ca_file")) h.ca_file = resolve(*v);
      if (auto v = r.boolean("tls_verify")) h.tls_verify = *v;
      s.spec = std::move(h);
      break;
    }
    case ProbeKind::Tcp:
      s.spec = TcpSpec{target_key()};
      break;
    case ProbeKind::Exec: {
      ExecSpec e;
      e.command = r.string_array("command", true);
      if (r.node("command") && e.command.empty()) {
        r.error(*r.node("command"), "\"command\" must not be empty: [\"/path/to/plugin\", \"arg\", ...]");
      }
      if (!e.command.empty() && e.command[0].find('/') != std::string::npos) e.command[0] = resolve(e.command[0]);
      s.spec = std::move(e);
      break;
    }
    case ProbeKind::Tls: {
      TlsSpec t;
      t.target = target_key();
      if (auto v = r.string("server_name")) t.server_name = *v;
      if (auto v = r.string("ca_file")) t.ca_file = resolve(*v);
      // Days to expiry: sensible defaults when no threshold is given.
      if (s.thresholds.empty()) {
        s.thresholds.yellow_below = 14;
        s.thresholds.red_below = 3;
      }
      s.spec = std::move(t);
      break;
    }
    case ProbeKind::Heartbeat:
      if (!age_thresholds() && !s.thresholds.red_above) r.error_here("missing required key \"red_after\"");
      s.spec = HeartbeatSpec{};
      break;
    case ProbeKind::FileAge: {
      FileAgeSpec f;
      if (auto v = r.string("path", true)) f.path = resolve(*v);
      age_thresholds();
      s.spec = std::move(f);
      break;
    }
    case ProbeKind::Prometheus: {
      PromQuerySpec p;
      p.url = url_key("url");
      p.query = r.string("query", true).value_or("");
      s.spec = std::move(p);
      break;
    }
    case ProbeKind::Scrape: {
      ScrapeSpec sc;
      sc.url = url_key("url");
      sc.metric = r.string("metric", true).value_or("");
      if (auto v = r.string_table("labels")) sc.labels = std::move(*v);
      s.spec = std::move(sc);
      break;
    }
  }
}

void Loader::load_flow(const std::string& id, const toml::node& n) {
  const FlowIndex fi = static_cast<FlowIndex>(model_->flows.size());
  Flow& f = model_->flows.emplace_back();
  f.id = id;
  f.name = id;
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    error(n.source(), "flow " + quote(id) + " must be a table");
    return;
  }
  TableReader r(*this, *t, "flow " + quote(id));
  if (auto v = r.string("name")) f.name = *v;
  if (auto v = r.string("description")) f.description = *v;
  if (auto v = r.string("runbook")) f.runbook = *v;
  if (auto v = r.string("owner")) f.owner = *v;
  if (auto v = r.string_table("labels")) f.labels = std::move(*v);
  if (auto v = r.duration("alert_after", true)) f.alert_after = *v;
  if (auto v = r.choice("kind", parse_flow_kind, "\"user\" or \"system\"")) f.kind = *v;
  if (auto v = r.choice("criticality", parse_criticality, kCriticalities)) f.criticality = *v;
  if (const toml::array* steps = r.array("steps", true)) {
    if (steps->empty()) r.error(*steps, "a flow needs at least one step");
    for (const toml::node& s : *steps) {
      auto ref = component_ref(r, s, "step");
      if (!ref) continue;
      f.steps.push_back({ref->first, ref->second});
      auto& flows_of = model_->flows_of_component[ref->first];
      if (flows_of.empty() || flows_of.back() != fi) flows_of.push_back(fi);
    }
  }
  r.finish();
}

std::optional<TimePoint> Loader::timestamp(TableReader& r, std::string_view key) {
  const toml::node* n = r.node(key);
  if (n == nullptr) return std::nullopt;
  const auto* dt = n->as_date_time();
  if (dt == nullptr || !dt->get().offset) {
    r.error(*n, quote(key) + " must be a date-time with a UTC offset, e.g. 2026-11-26T22:00:00Z");
    return std::nullopt;
  }
  const toml::date_time& v = dt->get();
  using namespace std::chrono;
  const sys_days day = year{v.date.year} / month{v.date.month} / v.date.day;
  TimePoint tp = time_point_cast<Duration>(day + hours{v.time.hour} + minutes{v.time.minute} +
                                           seconds{v.time.second} + nanoseconds{v.time.nanosecond});
  return tp - minutes{v.offset->minutes};
}

std::optional<Route> Loader::load_route(const toml::node& n, const std::string& context, bool top_level) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    error(n.source(), context + " must be a table");
    return std::nullopt;
  }
  TableReader r(*this, *t, context);
  Route route;
  const toml::node* receiver_node = top_level ? r.required("receiver") : r.node("receiver");
  if (auto v = r.string("receiver")) {
    const auto& rs = model_->alerting.receivers;
    if (std::none_of(rs.begin(), rs.end(), [&](const Receiver& x) { return x.name == *v; })) {
      r.error(*receiver_node, "route references unknown receiver " + quote(*v));
    }
    route.receiver = *v;
  }
  if (auto v = r.string_table("match")) route.match = std::move(*v);
  if (auto v = r.string_table("match_re")) {
    for (const auto& [label, pattern] : *v) {
      try {
        route.match_re.push_back({label, pattern, std::regex("^(?:" + pattern + ")$")});
      } catch (const std::regex_error& e) {
        r.error(*r.node("match_re"), "match_re." + label + " is not a valid regular expression: " + e.what());
      }
    }
  }
  const toml::node* sev_node = r.node("min_severity");
  if (auto v = r.string("min_severity")) {
    auto s = parse_severity(*v);
    if (!s || *s == Severity::None) {
      r.error(*sev_node, "min_severity must be info, warning, error or critical, not " + quote(*v));
    } else {
      route.min_severity = *s;
    }
  }
  route.group_by = r.string_array("group_by");
  if (auto v = r.duration("group_wait", true)) route.group_wait = *v;
  if (auto v = r.duration("group_interval")) route.group_interval = *v;
  if (auto v = r.duration("repeat_interval")) route.repeat_interval = *v;
  if (auto v = r.boolean("continue")) route.continue_matching = *v;
  if (const toml::array* children = r.array("routes")) {
    for (std::size_t i = 0; i < children->size(); ++i) {
      if (auto child = load_route(*children->get(i), context + " route " + std::to_string(i + 1), false)) {
        route.routes.push_back(std::move(*child));
      }
    }
  }
  r.finish();
  return route;
}

void Loader::load_alerting(const toml::table& t) {
  TableReader r(*this, t, "[alerting]");
  AlertingConfig& a = model_->alerting;

  if (const toml::table* sev = r.subtable("severity")) {
    TableReader sr(*this, *sev, "[alerting.severity]");
    for (Criticality c : {Criticality::High, Criticality::Medium, Criticality::Low}) {
      const toml::table* row = sr.subtable(to_string(c));
      if (row == nullptr) continue;
      TableReader rr(*this, *row, "[alerting.severity] " + std::string(to_string(c)));
      for (Health h : {Health::Unknown, Health::Yellow, Health::Red}) {
        const toml::node* cell = rr.node(to_string(h));
        if (auto v = rr.string(to_string(h))) {
          if (auto s = parse_severity(*v)) {
            a.severity.at[static_cast<int>(c)][static_cast<int>(h)] = *s;
          } else {
            rr.error(*cell, "severity must be none, info, warning, error or critical, not " + quote(*v));
          }
        }
      }
      rr.finish();
    }
    sr.finish();
  }
  if (const toml::table* flap = r.subtable("flapping")) {
    TableReader fr(*this, *flap, "[alerting.flapping]");
    if (auto v = fr.integer("max_changes", 0, 1000)) a.flapping.max_changes = static_cast<int>(*v);
    if (auto v = fr.duration("window")) a.flapping.window = *v;
    fr.finish();
  }
  if (const toml::table* receivers = r.subtable("receivers")) {
    for (const auto& [k, v] : *receivers) {
      Receiver rc;
      rc.name = std::string(k.str());
      const toml::table* rt = v.as_table();
      if (rt == nullptr) {
        error(v.source(), "receiver " + quote(rc.name) + " must be a table");
        continue;
      }
      TableReader rr(*this, *rt, "receiver " + quote(rc.name));
      const toml::node* type_node = rr.required("type");
      const auto type = rr.string("type");
      if (auto v2 = rr.duration("timeout")) rc.timeout = *v2;
      auto url = [&](bool required) {
        const toml::node* n = required ? rr.required("url") : rr.node("url");
        if (auto u = rr.string("url")) {
          if (valid_http_url(*u)) {
            rc.url = *u;
          } else {
            rr.error(*n, "\"url\" must be an http:// or https:// URL");
          }
        }
      };
      // `*_file` / `*_env`: at most one of the two; `required` when no other source exists.
      auto secret = [&](std::string_view base, bool required) {
        const std::string file_key = std::string(base) + "_file", env_key = std::string(base) + "_env";
        if (auto f = rr.string(file_key)) rc.secret.file = resolve(*f);
        if (auto e = rr.string(env_key)) rc.secret.env = *e;
        if (!rc.secret.file.empty() && !rc.secret.env.empty()) {
          rr.error(*rr.node(env_key), "set either " + quote(file_key) + " or " + quote(env_key) + ", not both");
        }
        if (required && rc.secret.empty()) {
          rr.error_here("missing " + quote(file_key) + " or " + quote(env_key));
        }
      };
      if (type == "webhook") {
        rc.type = ReceiverType::Webhook;
        url(true);
        secret("secret", false);
        if (auto h = rr.string_table("headers")) rc.headers.assign(h->begin(), h->end());
      } else if (type == "alertmanager") {
        rc.type = ReceiverType::Alertmanager;
        url(true);
      } else if (type == "pagerduty") {
        rc.type = ReceiverType::PagerDuty;
        url(false);
        if (rc.url.empty()) rc.url = "https://events.pagerduty.com/v2/enqueue";
        secret("routing_key", true);
      } else if (type == "slack") {
        rc.type = ReceiverType::Slack;
        url(false);
        secret("url", rc.url.empty());
        if (!rc.url.empty() && !rc.secret.empty()) rr.error_here("set \"url\" or \"url_file\"/\"url_env\", not both");
      } else if (type) {
        rr.error(*type_node, "receiver type must be webhook, alertmanager, pagerduty or slack, not " + quote(*type));
      }
      rr.finish();
      a.receivers.push_back(std::move(rc));
    }
  }
  if (const toml::array* routes = r.array("routes")) {
    for (std::size_t i = 0; i < routes->size(); ++i) {
      if (auto route = load_route(*routes->get(i), "route " + std::to_string(i + 1), true)) {
        a.routes.push_back(std::move(*route));
      }
    }
  }
  if (const toml::array* silences = r.array("silences")) {
    for (std::size_t i = 0; i < silences->size(); ++i) {
      const toml::node& n = *silences->get(i);
      const toml::table* st = n.as_table();
      if (st == nullptr) {
        error(n.source(), "silence " + std::to_string(i + 1) + " must be a table");
        continue;
      }
      TableReader sr(*this, *st, "silence " + std::to_string(i + 1));
      SilenceConfig s;
      sr.required("match");
      if (auto m = sr.string_table("match")) {
        s.match = std::move(*m);
        if (s.match.empty()) sr.error(*sr.node("match"), "\"match\" must name at least one label");
      }
      const toml::node* start_node = sr.required("starts_at");
      const toml::node* end_node = sr.required("ends_at");
      auto starts = timestamp(sr, "starts_at");
      auto ends = timestamp(sr, "ends_at");
      if (starts) s.starts_at = *starts;
      if (ends) s.ends_at = *ends;
      if (starts && ends && *ends <= *starts && start_node && end_node) {
        sr.error(*end_node, "ends_at must be after starts_at");
      }
      if (auto v = sr.string("author")) s.author = *v;
      if (auto v = sr.string("comment")) s.comment = *v;
      sr.finish();
      a.silences.push_back(std::move(s));
    }
  }
  r.finish();
}

void Loader::load_action(const toml::node& n, std::size_t position, std::set<std::string>& names) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    error(n.source(), "action " + std::to_string(position) + " must be a table");
    return;
  }
  const auto name = t->get_as<std::string>("name");
  TableReader r(*this, *t, "action " + (name ? quote(name->get()) : std::to_string(position)));
  Action a;
  if (auto v = r.string("name", true)) {
    a.name = *v;
    if (!valid_id(*v)) r.error(*r.node("name"), "action name may only use letters, digits, '_', '-' and '.'");
    if (!names.insert(*v).second) r.error(*r.node("name"), "action name " + quote(*v) + " is used twice");
  }
  const toml::node* comp_node = r.node("component");
  const toml::node* flow_node = r.node("flow");
  if (auto v = r.string("component")) {
    if (auto c = model_->find_component(*v)) {
      a.component = *c;
    } else {
      r.error(*comp_node, "action references unknown component " + quote(*v));
    }
  }
  if (auto v = r.string("flow")) {
    if (auto f = model_->find_flow(*v)) {
      a.flow = *f;
    } else {
      r.error(*flow_node, "action references unknown flow " + quote(*v));
    }
  }
  if ((comp_node == nullptr) == (flow_node == nullptr)) {
    r.error_here("set exactly one of \"component\" and \"flow\" as the action's target");
  }
  const toml::node* state_node = r.node("state");
  if (auto v = r.string("state")) {
    auto h = parse_health(*v);
    if (!h || *h == Health::Green) {
      r.error(*state_node, "state must be \"red\", \"yellow\" or \"unknown\", not " + quote(*v));
    } else {
      a.state = *h;
    }
  }
  if (auto v = r.duration("for", true)) a.for_duration = *v;
  const toml::node* run_node = r.node("run");
  if (run_node) {
    a.run = r.string_array("run");
    if (a.run.empty()) r.error(*run_node, "\"run\" must not be empty: [\"/path/to/command\", \"arg\", ...]");
    if (!a.run.empty() && a.run[0].find('/') != std::string::npos) a.run[0] = resolve(a.run[0]);
  }
  const toml::node* url_node = r.node("url");
  if (auto v = r.string("url")) {
    if (valid_http_url(*v)) {
      a.url = *v;
    } else {
      r.error(*url_node, "\"url\" must be an http:// or https:// URL");
    }
  }
  if ((run_node == nullptr) == (url_node == nullptr)) r.error_here("set exactly one of \"run\" and \"url\"");
  if (auto v = r.duration("timeout")) a.timeout = *v;
  if (auto v = r.duration("cooldown", true)) a.cooldown = *v;
  if (auto v = r.integer("max_attempts", 1, 1000)) a.max_attempts = static_cast<int>(*v);
  if (auto v = r.duration("window")) a.window = *v;
  if (auto v = r.boolean("during_silence")) a.during_silence = *v;
  r.finish();
  model_->actions.push_back(std::move(a));
}

void Loader::build_graph() {
  std::vector<Graph::EdgeSpec> edges;
  for (ComponentIndex v = 0; v < model_->components.size(); ++v) {
    const Component& c = model_->components[v];
    for (const Dependency& d : c.depends_on) edges.push_back({v, d.component, {d.impact, false}});
    for (ComponentIndex m : c.members) edges.push_back({v, m, {Impact::Critical, true}});
  }
  model_->graph = Graph::build(static_cast<std::uint32_t>(model_->components.size()), edges);
  for (const auto& cycle : model_->graph.cycles()) {
    // One error at the first edge, then one line per edge with its own position.
    std::string path;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      if (i > 0) path += " -> ";
      path += model_->components[cycle[i]].id;
    }
    std::string message = "dependency cycle: " + path;
    toml::source_region first{};
    for (std::size_t i = 0; i + 1 < cycle.size(); ++i) {
      const auto it = edge_source_.find({cycle[i], cycle[i + 1]});
      if (it == edge_source_.end()) continue;
      if (i == 0) first = it->second;
      message += "\n  " + file_ + ":" + std::to_string(it->second.begin.line) + ":" +
                 std::to_string(it->second.begin.column) + ": " + model_->components[cycle[i]].id + " -> " +
                 model_->components[cycle[i + 1]].id;
    }
    error(first, std::move(message));
  }
}

}  // namespace

LoadResult load(std::string_view text, std::string_view path) { return Loader(path).run(text); }

}  // namespace greenlight::model
