#include "engine/narrate.h"

#include "model/redact.h"

namespace greenlight::engine {

using namespace model;

namespace {

Event change(Effects& fx, std::string_view kind, const std::string& name, const StateChange& c,
             const std::string& reason, LogFields ids, TimePoint now) {
  const std::string from(to_string(c.from)), to(to_string(c.to));
  std::string prefix(kind);
  if (!name.empty()) prefix += " " + name;
  ids.insert(ids.begin(), {"kind", std::string(kind)});
  ids.insert(ids.end(), {{"from", from}, {"to", to}, {"reason", reason}});
  const std::string message = prefix + ": " + from + " -> " + to + ": " + reason;
  fx.logs.push_back({LogLevel::Info, "state_change", message, std::move(ids)});
  return {0, now, "state", message, {{"kind", kind}, {"id", name}, {"from", from}, {"to", to}, {"reason", reason}}};
}

}  // namespace

void narrate_changes(const Model& m, const HealthState& st, const Changes& changes, TimePoint now, Effects& fx) {
  for (const StateChange& c : changes.signals) {
    const Signal& s = m.signals[c.index];
    change(fx, "signal", m.signal_key(c.index), c, describe(st.signals[c.index], s),
           {{"component", m.components[s.component].id}, {"signal", s.id}}, now);
  }
  for (const StateChange& c : changes.components) {
    fx.events.push_back(change(fx, "component", m.components[c.index].id, c, describe_component(m, st, c.index),
                               {{"component", m.components[c.index].id}}, now));
  }
  for (const StateChange& c : changes.flows) {
    fx.events.push_back(change(fx, "flow", m.flows[c.index].id, c, describe_flow(m, st, c.index),
                               {{"flow", m.flows[c.index].id}}, now));
  }
  if (changes.overall) {
    fx.events.push_back(change(fx, "overall", "", *changes.overall, describe_overall(m, st), {}, now));
  }
}

LogLine reloaded_line(const Model& m, std::size_t signals_kept) {
  return {LogLevel::Info, "reloaded",
          "configuration reloaded: " + std::to_string(m.components.size()) + " components, " +
              std::to_string(m.signals.size()) + " signals (" + std::to_string(signals_kept) +
              " kept their state), " + std::to_string(m.flows.size()) + " flows",
          {{"components", std::to_string(m.components.size())}}};
}

LogLine alert_line(const alerting::Alert& a, const alerting::Notice& n) {
  return {LogLevel::Info, "alert",
          a.id + " " + std::string(alerting::to_string(n.reason)) + " (" + std::string(to_string(n.severity)) + ", " +
              std::string(to_string(a.state)) + ")",
          {{"alert", a.id},
           {"reason", std::string(alerting::to_string(n.reason))},
           {"severity", std::string(to_string(n.severity))}}};
}

nlohmann::json action_trigger(const Model& m, const HealthState& st, const alerting::ActionStart& start,
                              std::size_t attempt, TimePoint now) {
  const Action& a = m.actions[start.action];
  const bool flow = a.flow != kNoIndex;
  const NodeState& node = flow ? st.flows[a.flow] : st.components[a.component];
  return {{"action", a.name},
          {"trigger", start.trigger},
          {"target",
           {{"kind", flow ? "flow" : "component"},
            {"id", flow ? m.flows[a.flow].id : m.components[a.component].id},
            {"state", to_string(node.state)},
            {"since", format_rfc3339(node.since)},
            {"reason", flow ? describe_flow(m, st, a.flow) : describe_component(m, st, a.component)}}},
          {"time", format_rfc3339(now)},
          {"attempt", attempt}};
}

void narrate_action_start(const Model& m, const alerting::ActionStart& start, TimePoint now, Effects& fx) {
  const Action& a = m.actions[start.action];
  const std::string target = a.flow != kNoIndex ? m.flows[a.flow].id : m.components[a.component].id;
  const std::string what = a.run.empty() ? "POST " + redact_url(a.url) : a.run[0];
  fx.logs.push_back({LogLevel::Info, "action_started", "action " + a.name + ": " + start.trigger + "; running " + what,
                     {{"action", a.name}, {"target", target}}});
  fx.events.push_back({0, now, "action", "action " + a.name + " started: " + start.trigger,
                       {{"action", a.name}, {"target", target}, {"status", "started"}, {"trigger", start.trigger}}});
}

void narrate_action_held(const Action& a, const std::string& held, TimePoint now, Effects& fx) {
  const char* why = held == "silenced" ? "the target is silenced" : "max_attempts reached in its window";
  fx.logs.push_back({LogLevel::Info, "action_held", "action " + a.name + " is due but held: " + why,
                     {{"action", a.name}, {"held", held}}});
  fx.events.push_back({0, now, "action", "action " + a.name + " held: " + why,
                       {{"action", a.name}, {"status", "held"}, {"held", held}}});
}

void narrate_action_verdict(const Action& a, const alerting::Verdict& v, TimePoint now, Effects& fx) {
  const std::string message = "action " + a.name + (v.helped ? " helped: " : " did not help: ") + v.message;
  fx.logs.push_back({v.helped ? LogLevel::Info : LogLevel::Warn, "action_verified", message,
                     {{"action", a.name}, {"helped", v.helped ? "true" : "false"}}});
  fx.events.push_back({0, now, "action", message,
                       {{"action", a.name}, {"status", "verified"}, {"helped", v.helped}}});
}

void narrate_action_end(const ActionDone& r, TimePoint now, Effects& fx) {
  const std::string message = "action " + r.action + " " + (r.ok() ? "succeeded" : r.outcome) + ": " + r.message;
  fx.logs.push_back({r.ok() ? LogLevel::Info : LogLevel::Warn, "action_finished", message,
                     {{"action", r.action}, {"outcome", r.outcome}}});
  fx.events.push_back({0, now, "action", message,
                       {{"action", r.action},
                        {"status", "finished"},
                        {"outcome", r.outcome},
                        {"message", r.message},
                        {"output", r.output},
                        {"seconds", r.seconds}}});
}

}  // namespace greenlight::engine
