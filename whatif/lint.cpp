#include "whatif/lint.h"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "alerting/alerts.h"
#include "alerting/routing.h"
#include "whatif/simulate.h"

namespace greenlight::whatif {

using namespace model;
using nlohmann::json;

namespace {

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// Where things are in the TOML text: the key that names a component, flow, receiver, or
// a key inside a signal, route or action table. A position of 0:0 when not found.
class Locator {
 public:
  Locator(std::string_view text, std::string_view path) {
    try {
      root_ = toml::parse(text, std::string(path));
    } catch (const toml::parse_error&) {
    }
  }

  const toml::table* table(const toml::table* parent, std::string_view key) const {
    return parent ? parent->get_as<toml::table>(key) : nullptr;
  }
  const toml::table* section(std::string_view a, std::string_view b = {}) const {
    const toml::table* t = table(&root_, a);
    return b.empty() ? t : table(t, b);
  }
  // The position of `key` in `t`, or of `t` itself when it has no such key.
  std::pair<int, int> key(const toml::table* t, std::string_view key) const {
    if (t == nullptr) return {0, 0};
    const auto it = t->find(key);
    const toml::source_region& at = it == t->end() ? t->source() : it->first.source();
    return {static_cast<int>(at.begin.line), static_cast<int>(at.begin.column)};
  }
  // The first table of the array `key` of `t` whose `field` is `value`.
  const toml::table* element(const toml::table* t, std::string_view key, std::string_view field,
                             std::string_view value) const {
    const toml::array* a = t ? t->get_as<toml::array>(key) : nullptr;
    if (a == nullptr) return nullptr;
    for (const toml::node& n : *a) {
      const toml::table* e = n.as_table();
      if (e && e->get(field) && e->get(field)->value_or(std::string_view{}) == value) return e;
    }
    return nullptr;
  }
  // The route at `path` (indexes from the top of [[alerting.routes]]).
  const toml::table* route(const std::vector<std::size_t>& path) const {
    const toml::table* t = section("alerting");
    for (std::size_t i : path) {
      const toml::array* a = t ? t->get_as<toml::array>("routes") : nullptr;
      t = a && i < a->size() ? a->get(i)->as_table() : nullptr;
    }
    return t;
  }
  const toml::table& root() const { return root_; }

 private:
  toml::table root_;
};

class Linter {
 public:
  Linter(const Model& m, std::string_view text, std::string_view path) : m_(m), at_(text, path), file_(path) {}

  std::vector<Warning> run() {
    unused_components();
    flows_without_signals();
    routes_and_receivers();
    threshold_order();
    groups();
    actions();
    std::stable_sort(out_.begin(), out_.end(), [](const Warning& a, const Warning& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return std::move(out_);
  }

 private:
  void warn(std::pair<int, int> at, std::string rule, std::string message) {
    out_.push_back({file_, at.first, at.second, std::move(rule), std::move(message)});
  }

  // Every component reachable from `starts` through dependencies and members.
  std::vector<std::uint8_t> reachable(const std::vector<ComponentIndex>& starts) const {
    std::vector<std::uint8_t> seen(m_.components.size(), 0);
    std::vector<ComponentIndex> stack = starts;
    while (!stack.empty()) {
      const ComponentIndex c = stack.back();
      stack.pop_back();
      if (seen[c]) continue;
      seen[c] = 1;
      for (ComponentIndex d : m_.graph.dependencies(c)) stack.push_back(d);
    }
    return seen;
  }

  void unused_components() {
    if (m_.flows.empty()) return;
    std::vector<ComponentIndex> steps;
    for (const Flow& f : m_.flows) {
      for (const FlowStep& s : f.steps) steps.push_back(s.component);
    }
    std::vector<std::uint8_t> used = reachable(steps);
    for (const Action& a : m_.actions) {
      if (a.component != kNoIndex) used[a.component] = 1;
    }
    for (ComponentIndex c = 0; c < m_.components.size(); ++c) {
      if (used[c] || m_.components[c].alert) continue;
      warn(at_.key(at_.section("components"), m_.components[c].id), "unused-component",
           "component " + quote(m_.components[c].id) +
               " is on no flow, directly or through dependencies, and does not alert: its state reaches nobody");
    }
  }

  void flows_without_signals() {
    for (const Flow& f : m_.flows) {
      std::vector<ComponentIndex> steps;
      for (const FlowStep& s : f.steps) steps.push_back(s.component);
      const auto seen = reachable(steps);
      bool measured = false;
      for (ComponentIndex c = 0; c < m_.components.size() && !measured; ++c) {
        measured = seen[c] && m_.components[c].signal_count > 0;
      }
      if (measured) continue;
      warn(at_.key(at_.section("flows"), f.id), "flow-without-signals",
           "flow " + quote(f.id) + " has no signal on its steps or anything they depend on: nothing measures it");
    }
  }

  // The alerts the model can raise, as routes see them: labels and severity, for each
  // state the severity matrix pages for. The root_cause label takes every value a route
  // matches on literally and every component id (a superset: no false warnings).
  struct Candidate {
    Labels labels;
    Severity severity;
  };
  std::vector<Candidate> candidates() const {
    std::set<std::string> causes{""};
    bool by_cause = false;
    std::function<void(const std::vector<Route>&)> scan = [&](const std::vector<Route>& routes) {
      for (const Route& r : routes) {
        if (auto it = r.match.find("root_cause"); it != r.match.end()) causes.insert(it->second);
        for (const LabelRegex& re : r.match_re) by_cause = by_cause || re.label == "root_cause";
        by_cause = by_cause || r.match.count("root_cause") > 0;
        scan(r.routes);
      }
    };
    scan(m_.alerting.routes);
    if (by_cause) {
      for (const Component& c : m_.components) causes.insert(c.id);
    }
    std::vector<Candidate> out;
    const auto add = [&](alerting::SubjectKind kind, std::uint32_t index, Criticality crit) {
      for (Health h : {Health::Unknown, Health::Yellow, Health::Red}) {
        const Severity sev = m_.alerting.severity.of(crit, h);
        if (sev == Severity::None) continue;
        if (kind == alerting::SubjectKind::Action && h != Health::Red) continue;
        Labels l = alerting::labels_of(m_, kind, index);
        l["severity"] = std::string(to_string(sev));
        l["state"] = std::string(to_string(h));
        for (const std::string& cause : causes) {
          l["root_cause"] = cause;
          out.push_back({l, sev});
        }
      }
    };
    for (FlowIndex f = 0; f < m_.flows.size(); ++f) add(alerting::SubjectKind::Flow, f, m_.flows[f].criticality);
    for (ComponentIndex c = 0; c < m_.components.size(); ++c) {
      if (m_.components[c].alert) add(alerting::SubjectKind::Component, c, m_.components[c].criticality);
    }
    for (std::uint32_t i = 0; i < m_.actions.size(); ++i) {
      const Action& a = m_.actions[i];
      add(alerting::SubjectKind::Action, i,
          a.flow != kNoIndex ? m_.flows[a.flow].criticality : m_.components[a.component].criticality);
    }
    return out;
  }

  // Marks every route an alert passes through, as alerting/routing.h walks the tree.
  static void walk(const std::vector<Route>& routes, const Candidate& c, std::vector<std::size_t>& path,
                   std::set<std::vector<std::size_t>>& reached) {
    for (std::size_t i = 0; i < routes.size(); ++i) {
      if (!alerting::route_matches(routes[i], c.labels, c.severity)) continue;
      path.push_back(i);
      reached.insert(path);
      walk(routes[i].routes, c, path, reached);
      path.pop_back();
      if (!routes[i].continue_matching) break;
    }
  }

  void routes_and_receivers() {
    std::set<std::vector<std::size_t>> reached;
    std::vector<std::size_t> path;
    for (const Candidate& c : candidates()) walk(m_.alerting.routes, c, path, reached);
    std::set<std::string> used;
    std::function<void(const std::vector<Route>&, const std::string&)> check = [&](const std::vector<Route>& routes,
                                                                                  const std::string& parent) {
      for (std::size_t i = 0; i < routes.size(); ++i) {
        path.push_back(i);
        const std::string receiver = routes[i].receiver.empty() ? parent : routes[i].receiver;
        if (reached.count(path)) {
          used.insert(receiver);
        } else {
          std::string where;
          for (std::size_t p : path) where += (where.empty() ? "" : ".") + std::to_string(p + 1);
          warn(at_.key(at_.route(path), "receiver"), "unreachable-route",
               "route " + where + " (receiver " + quote(receiver) +
                   ") matches no alert this model can raise: check its match, match_re and min_severity, and the "
                   "routes before it without continue = true");
        }
        check(routes[i].routes, receiver);
        path.pop_back();
      }
    };
    check(m_.alerting.routes, "");
    for (const Receiver& r : m_.alerting.receivers) {
      if (used.count(r.name)) continue;
      warn(at_.key(at_.section("alerting", "receivers"), r.name), "unused-receiver",
           "receiver " + quote(r.name) + " gets nothing: no route that an alert can reach sends to it");
    }
  }

  void threshold_order() {
    for (SignalIndex s = 0; s < m_.signals.size(); ++s) {
      const Signal& sig = m_.signals[s];
      const Thresholds& t = sig.thresholds;
      const std::string& comp = m_.components[sig.component].id;
      const toml::table* table = at_.element(at_.section("components", comp), "signals", "id", sig.id);
      const auto yellow_key = [&](std::string_view above, std::string_view after) {
        return table && table->contains(after) ? after : above;
      };
      if (t.yellow_above && t.red_above && *t.yellow_above >= *t.red_above) {
        const auto y = yellow_key("yellow_above", "yellow_after");
        warn(at_.key(table, y), "threshold-order",
             "signal " + quote(m_.signal_key(s)) + ": " + std::string(y) + " is not below red" +
                 std::string(y.substr(6)) + " (" + number(*t.yellow_above) + " >= " + number(*t.red_above) +
                 "): it goes from green to red, never yellow");
      }
      if (t.yellow_below && t.red_below && *t.yellow_below <= *t.red_below) {
        warn(at_.key(table, "yellow_below"), "threshold-order",
             "signal " + quote(m_.signal_key(s)) + ": yellow_below is not above red_below (" +
                 number(*t.yellow_below) + " <= " + number(*t.red_below) + "): it goes from green to red, never yellow");
      }
    }
  }

  void groups() {
    // With every signal green, what each member can be at best (evaluation is monotone).
    const HealthState best = all_green(m_, TimePoint{});
    for (ComponentIndex c = 0; c < m_.components.size(); ++c) {
      const Component& comp = m_.components[c];
      if (!comp.is_group()) continue;
      const GroupCounts g = count_group(comp, best);
      const toml::table* table = at_.section("components", comp.id);
      const std::uint32_t can_be_green = g.green, can_be_up = g.members - g.red - g.unknown;
      const auto why = " of its " + std::to_string(g.members) + " members can ever be green (the others have no signal "
                                                                "to decide on): it can never be ";
      if (g.healthy_min > can_be_green) {
        warn(at_.key(table, table && table->contains("healthy_min") ? "healthy_min" : "members"), "group-unsatisfiable",
             "group " + quote(comp.id) + ": healthy_min is " + std::to_string(g.healthy_min) + " but only " +
                 std::to_string(can_be_green) + why + "green");
      } else if (g.available_min > can_be_up) {
        warn(at_.key(table, table && table->contains("available_min") ? "available_min" : "members"),
             "group-unsatisfiable",
             "group " + quote(comp.id) + ": available_min is " + std::to_string(g.available_min) + " but only " +
                 std::to_string(can_be_up) + why + "yellow");
      }
    }
  }

  void actions() {
    for (const Action& a : m_.actions) {
      if (a.cooldown.count() > 0) continue;
      warn(at_.key(at_.element(&at_.root(), "actions", "name", a.name), "cooldown"), "action-without-cooldown",
           "action " + quote(a.name) + " has cooldown = \"0s\": it runs again at every evaluation while its condition "
                                       "holds, up to max_attempts (" +
               std::to_string(a.max_attempts) + ") per window (" + format_duration(a.window) + ")");
    }
  }

  const Model& m_;
  Locator at_;
  std::string file_;
  std::vector<Warning> out_;
};

}  // namespace

std::vector<Warning> lint(const Model& m, std::string_view text, std::string_view path) {
  return Linter(m, text, path).run();
}

std::string format(const Warning& w) {
  return w.file + ":" + std::to_string(w.line) + ":" + std::to_string(w.column) + ": warning: [" + w.rule + "] " +
         w.message;
}

json lint_json(const std::vector<Warning>& warnings) {
  json out = json::array();
  for (const Warning& w : warnings) {
    out.push_back({{"file", w.file}, {"line", w.line}, {"column", w.column}, {"rule", w.rule}, {"message", w.message}});
  }
  return {{"warnings", std::move(out)}};
}

}  // namespace greenlight::whatif
