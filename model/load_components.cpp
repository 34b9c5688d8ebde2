// [components.ID] and their [[components.ID.signals]] (SPEC section 5); the probe keys of a
// signal are in load_probes.cpp.

#include <algorithm>
#include <charconv>
#include <set>
#include <string>

#include "model/load_sections.h"

namespace greenlight::model {

namespace {

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

void load_depends_on(LoadContext& ctx, TableReader& r, Component& c, ComponentIndex ci) {
  const toml::array* deps = r.array("depends_on");
  if (deps == nullptr) return;
  for (const toml::node& d : *deps) {
    auto ref = component_ref(ctx, r, d, "depends_on");
    if (!ref) continue;
    const bool dup = std::any_of(c.depends_on.begin(), c.depends_on.end(),
                                 [&](const Dependency& x) { return x.component == ref->first; });
    if (dup) {
      r.error(d, "depends_on lists component " + quote(ref->id) + " twice");
      continue;
    }
    c.depends_on.push_back({ref->first, ref->second});
    ctx.edge_source.emplace(std::pair{ci, ref->first}, d.source());
  }
}

// Returns the "members" array (null when absent), which the quotas and signals check.
const toml::array* load_members(LoadContext& ctx, TableReader& r, Component& c, ComponentIndex ci) {
  const toml::array* members = r.array("members");
  if (members == nullptr) return nullptr;
  if (members->empty()) r.error(*members, "\"members\" of a redundancy group must not be empty");
  for (const toml::node& m : *members) {
    auto s = m.value_exact<std::string>();
    if (!s) {
      r.error(m, "every member must be a component id, not " + std::string(type_name(m.type())));
      continue;
    }
    const auto& index = ctx.model->component_index;
    auto it = index.find(*s);
    if (it == index.end()) {
      r.error(m, "members references unknown component " + quote(*s) + did_you_mean(*s, component_ids(ctx)));
    } else if (std::find(c.members.begin(), c.members.end(), it->second) != c.members.end()) {
      r.error(m, "members lists " + quote(*s) + " twice");
    } else {
      c.members.push_back(it->second);
      ctx.edge_source.emplace(std::pair{ci, it->second}, m.source());
    }
  }
  return members;
}

void load_quotas(TableReader& r, Component& c, const toml::array* members) {
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
}

void load_signal(LoadContext& ctx, Component& c, ComponentIndex ci, const toml::node& n,
                 std::set<std::string>& ids) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    ctx.error(n.source(), "component " + quote(c.id) + ": every signal must be a table");
    return;
  }
  Signal s;
  s.component = ci;
  const auto id = t->get_as<std::string>("id");
  TableReader r(ctx.errors, *t, "component " + quote(c.id) + " signal " + (id ? quote(id->get()) : std::string("?")));
  use_template(ctx, r);
  if (auto v = r.string("id", true)) {
    s.id = *v;
    if (!valid_id(*v)) r.error(*r.node("id"), "signal id may only use letters, digits, '_', '-' and '.'");
    if (!ids.insert(*v).second) r.error(*r.node("id"), "signal id " + quote(*v) + " is used twice in this component");
  }
  if (auto v = r.string("description")) s.description = *v;
  s.interval = ctx.model->daemon.interval;
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
      load_probe(ctx, r, s);
    } else {
      r.error(*probe_node, "unknown probe " + quote(*v) +
                               " (use http, tcp, exec, tls, heartbeat, file_age, prometheus or scrape)" +
                               did_you_mean(*v, probe_kind_names()));
      r.mark_known(every_probe_key(ctx, *t));
    }
  }
  load_trend(ctx, r, s);
  const Thresholds& th = s.thresholds;
  // An age signal's yellow_after / red_after are folded into the thresholds and checked
  // where they are read; only keys written as such are reported here.
  if (const toml::node* n = r.node("yellow_above"); n && th.yellow_above && th.red_above &&
                                                    *th.yellow_above > *th.red_above) {
    r.error(*n, "yellow_above (" + std::to_string(*th.yellow_above) +
                                         ") must not be above red_above (" + std::to_string(*th.red_above) + ")");
  }
  if (const toml::node* n = r.node("yellow_below"); n && th.yellow_below && th.red_below &&
                                                    *th.yellow_below < *th.red_below) {
    r.error(*n, "yellow_below (" + std::to_string(*th.yellow_below) +
                                         ") must not be below red_below (" + std::to_string(*th.red_below) + ")");
  }
  r.finish();
  ctx.model->signals.push_back(std::move(s));
}

}  // namespace

std::optional<ComponentRef> component_ref(LoadContext& ctx, TableReader& r, const toml::node& n,
                                          std::string_view what) {
  std::string id;
  Impact impact = Impact::Critical;
  const toml::node* id_node = &n;
  if (auto s = n.value_exact<std::string>()) {
    id = *s;
  } else if (const toml::table* t = n.as_table()) {
    TableReader inner(ctx.errors, *t, r.context() + " " + std::string(what));
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
  const auto& index = ctx.model->component_index;
  auto it = index.find(id);
  if (it == index.end()) {
    r.error(*id_node, std::string(what) + " references unknown component " + quote(id) +
                          did_you_mean(id, component_ids(ctx)));
    return std::nullopt;
  }
  return ComponentRef{it->second, impact, id};
}

void load_component(LoadContext& ctx, const std::string& id, const toml::node& n) {
  Model& model = *ctx.model;
  const ComponentIndex ci = static_cast<ComponentIndex>(model.components.size());
  Component& c = model.components.emplace_back();
  c.id = id;
  c.name = id;
  c.first_signal = static_cast<SignalIndex>(model.signals.size());
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    ctx.error(n.source(), "component " + quote(id) + " must be a table");
    return;
  }
  TableReader r(ctx.errors, *t, "component " + quote(id));
  if (auto v = r.string("name")) c.name = *v;
  if (auto v = r.string("description")) c.description = *v;
  if (auto v = r.string("runbook")) c.runbook = *v;
  if (auto v = r.string("owner")) c.owner = *v;
  if (auto v = r.boolean("alert")) c.alert = *v;
  if (auto v = r.choice("criticality", parse_criticality, kCriticalities)) c.criticality = *v;
  if (auto v = r.string_table("labels")) c.labels = std::move(*v);

  load_depends_on(ctx, r, c, ci);
  r.node("members_from");  // turned into "members" by expand_members_from
  const toml::array* members = load_members(ctx, r, c, ci);
  load_quotas(r, c, members);

  if (const toml::array* signals = r.array("signals")) {
    if (members) r.error(*signals, "a redundancy group takes its state from its members and cannot have signals");
    std::set<std::string> ids;
    for (const toml::node& s : *signals) load_signal(ctx, c, ci, s, ids);
  }
  r.finish();
  // load_signal appended to model.signals; `c` may not be touched after a reallocation
  // of components, which cannot happen here (reserved in collect_ids).
  c.signal_count = static_cast<std::uint32_t>(model.signals.size() - c.first_signal);
}

}  // namespace greenlight::model
