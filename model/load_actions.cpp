// [[actions]] (SPEC section 5, self-healing actions in SPEC section 3).

#include <algorithm>
#include <set>
#include <string>

#include "model/load_sections.h"

namespace greenlight::model {

namespace {

// The longest interval among the signals a run is judged by: the target component's own,
// or those of a flow's steps; the daemon's interval when there are none.
Duration slowest_interval(const Model& m, const Action& a) {
  Duration slowest{0};
  const auto of_component = [&](ComponentIndex c) {
    const Component& comp = m.components[c];
    for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
      slowest = std::max(slowest, m.signals[s].interval);
    }
  };
  if (a.component != kNoIndex) of_component(a.component);
  if (a.flow != kNoIndex) {
    for (const FlowStep& step : m.flows[a.flow].steps) of_component(step.component);
  }
  return slowest == Duration{0} ? m.daemon.interval : slowest;
}

}  // namespace

void load_action(LoadContext& ctx, const toml::node& n, std::size_t position, std::set<std::string>& names) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    ctx.error(n.source(), "action " + std::to_string(position) + " must be a table");
    return;
  }
  const Model& model = *ctx.model;
  const auto name = t->get_as<std::string>("name");
  TableReader r(ctx.errors, *t, "action " + (name ? quote(name->get()) : std::to_string(position)));
  Action a;
  if (auto v = r.string("name", true)) {
    a.name = *v;
    if (!valid_id(*v)) r.error(*r.node("name"), "action name may only use letters, digits, '_', '-' and '.'");
    if (!names.insert(*v).second) r.error(*r.node("name"), "action name " + quote(*v) + " is used twice");
  }
  const toml::node* comp_node = r.node("component");
  const toml::node* flow_node = r.node("flow");
  if (auto v = r.string("component")) {
    if (auto c = model.find_component(*v)) {
      a.component = *c;
    } else {
      r.error(*comp_node, "action references unknown component " + quote(*v) + did_you_mean(*v, component_ids(ctx)));
    }
  }
  if (auto v = r.string("flow")) {
    if (auto f = model.find_flow(*v)) {
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
    if (!a.run.empty() && a.run[0].find('/') != std::string::npos) a.run[0] = ctx.resolve(a.run[0]);
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
  if (auto v = r.duration("verify_within")) {
    a.verify_within = *v;
  } else {
    a.verify_within = 2 * slowest_interval(model, a);
  }
  r.finish();
  ctx.model->actions.push_back(std::move(a));
}

}  // namespace greenlight::model
