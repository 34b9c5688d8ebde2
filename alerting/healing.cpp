#include "alerting/healing.h"

#include <algorithm>

namespace greenlight::alerting {

using namespace model;

namespace {

bool condition_holds(Health target, Health wanted) {
  if (wanted == Health::Yellow) return target == Health::Yellow || target == Health::Red;
  return target == wanted;
}

}  // namespace

Healer::Healer(const Model& m) : status_(m.actions.size()) {}

std::vector<ActionStart> Healer::due(const Model& m, const HealthState& st, const std::vector<Silence>& silences,
                                     TimePoint now) {
  std::vector<ActionStart> out;
  for (std::size_t i = 0; i < m.actions.size(); ++i) {
    const Action& a = m.actions[i];
    ActionStatus& s = status_[i];
    const bool flow = a.flow != kNoIndex;
    const NodeState& target = flow ? st.flows[a.flow] : st.components[a.component];

    if (s.verify_until != TimePoint{}) verify(m, i, target, now);
    const bool holds = condition_holds(target.state, a.state);
    if (holds && !s.condition) s.condition_since = std::min(target.since, now);
    if (!holds) {
      s.condition = false;
      s.held.clear();
      if (target.state == Health::Green) {  // healthy (again): nothing left to escalate
        s.failing = false;                  // (unknown is no news: a restart, stale data)
        s.consecutive_failures = 0;
      }
      continue;
    }
    s.condition = true;
    while (!s.attempts.empty() && now - s.attempts.front() >= a.window) s.attempts.pop_front();
    if (s.running || now - s.condition_since < a.for_duration) continue;

    std::string held;
    if (s.last_started != TimePoint{} && now - s.last_started < a.cooldown) {
      held = "cooldown";
    } else if (s.attempts.size() >= static_cast<std::size_t>(std::max(a.max_attempts, 0))) {
      held = "max_attempts";
    } else if (!a.during_silence) {
      Labels labels = labels_of(m, flow ? SubjectKind::Flow : SubjectKind::Component, flow ? a.flow : a.component);
      labels["state"] = std::string(to_string(target.state));
      labels["alertname"] = std::string(alertname(flow ? SubjectKind::Flow : SubjectKind::Component));
      if (std::any_of(silences.begin(), silences.end(),
                      [&](const Silence& x) { return x.active(now) && x.matches(labels); })) {
        held = "silenced";
      }
    }
    s.held = held;
    if (!held.empty()) continue;
    s.running = true;
    s.last_started = now;
    s.attempts.push_back(now);
    const std::string target_name = std::string(flow ? "flow \"" : "component \"") +
                                    (flow ? m.flows[a.flow].id : m.components[a.component].id) + "\"";
    out.push_back({i, target_name + " has been " + std::string(to_string(target.state)) + " for " +
                          format_duration(std::chrono::duration_cast<std::chrono::seconds>(now - s.condition_since))});
  }
  return out;
}

void Healer::finished(const Model& m, std::size_t action, bool ok, const std::string& message, TimePoint now) {
  if (action >= status_.size() || action >= m.actions.size()) return;
  ActionStatus& s = status_[action];
  s.running = false;
  s.last_finished = now;
  s.last_ok = ok;
  s.last_message = message;
  s.verdict.clear();  // this run's, once verified
  if (ok) {
    // Exit 0 is a claim; the target's state is the proof (verify()).
    s.verify_until = now + m.actions[action].verify_within;
    return;
  }
  s.verify_until = {};
  ++s.consecutive_failures;
  s.failing = s.consecutive_failures >= std::max(m.actions[action].max_attempts, 1);
}

void Healer::verify(const Model& m, std::size_t action, const NodeState& target, TimePoint now) {
  const Action& a = m.actions[action];
  ActionStatus& s = status_[action];
  const std::string name = a.flow != kNoIndex ? "flow \"" + m.flows[a.flow].id + "\""
                                               : "component \"" + m.components[a.component].id + "\"";
  if (target.state == Health::Green) {
    s.verify_until = {};
    s.verdict = "helped";
    s.consecutive_failures = 0;
    s.failing = false;
    verdicts_.push_back({action, true, name + " is green again"});
  } else if (now >= s.verify_until) {
    s.verify_until = {};
    s.verdict = "did not help";
    s.last_ok = false;
    s.last_message += "; " + name + " is still " + std::string(to_string(target.state)) + " after " +
                      format_duration(a.verify_within);
    ++s.consecutive_failures;
    s.failing = s.consecutive_failures >= std::max(a.max_attempts, 1);
    verdicts_.push_back({action, false, name + " is still " + std::string(to_string(target.state)) + " " +
                                            format_duration(a.verify_within) + " after it"});
  }
}

std::vector<std::uint8_t> Healer::failing() const {
  std::vector<std::uint8_t> out;
  out.reserve(status_.size());
  for (const ActionStatus& s : status_) out.push_back(s.failing ? 1 : 0);
  return out;
}

nlohmann::json Healer::to_json(const Model& m) const {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < m.actions.size() && i < status_.size(); ++i) {
    const ActionStatus& s = status_[i];
    nlohmann::json attempts = nlohmann::json::array();
    for (TimePoint t : s.attempts) attempts.push_back(to_epoch_ms(t));
    out[m.actions[i].name] = {{"attempts", attempts},
                              {"last_started", to_epoch_ms(s.last_started)},
                              {"last_finished", to_epoch_ms(s.last_finished)},
                              {"running", s.running},
                              {"last_ok", s.last_ok ? nlohmann::json(*s.last_ok) : nlohmann::json(nullptr)},
                              {"last_message", s.last_message},
                              {"consecutive_failures", s.consecutive_failures},
                              {"failing", s.failing},
                              {"verify_until", to_epoch_ms(s.verify_until)},
                              {"verdict", s.verdict}};
  }
  return out;
}

void Healer::restore(const Model& m, const nlohmann::json& saved) {
  if (!saved.is_object()) return;
  for (std::size_t i = 0; i < m.actions.size() && i < status_.size(); ++i) {
    const auto it = saved.find(m.actions[i].name);
    if (it == saved.end() || !it->is_object()) continue;
    try {
      ActionStatus s;
      for (const auto& t : it->at("attempts")) s.attempts.push_back(from_epoch_ms(t.get<std::int64_t>()));
      s.last_started = from_epoch_ms(it->at("last_started").get<std::int64_t>());
      s.last_finished = from_epoch_ms(it->at("last_finished").get<std::int64_t>());
      if (!it->at("last_ok").is_null()) s.last_ok = it->at("last_ok").get<bool>();
      s.last_message = it->at("last_message").get<std::string>();
      s.consecutive_failures = it->at("consecutive_failures").get<int>();
      s.failing = it->at("failing").get<bool>();
      s.verify_until = from_epoch_ms(it->value("verify_until", std::int64_t{0}));
      s.verdict = it->value("verdict", std::string{});
      if (it->at("running").get<bool>()) {  // interrupted: its outcome is unknown, count it failed
        s.last_ok = false;
        s.last_message = "interrupted by a restart of greenlight";
        ++s.consecutive_failures;
        s.failing = s.consecutive_failures >= std::max(m.actions[i].max_attempts, 1);
      }
      status_[i] = std::move(s);
    } catch (const nlohmann::json::exception&) {
      continue;  // a damaged entry starts afresh
    }
  }
}

void Healer::carry_over(const Model& old_model, const Healer& old, const Model& m) {
  for (std::size_t i = 0; i < m.actions.size(); ++i) {
    for (std::size_t j = 0; j < old_model.actions.size() && j < old.status_.size(); ++j) {
      if (old_model.actions[j].name == m.actions[i].name) status_[i] = old.status_[j];
    }
  }
}

}  // namespace greenlight::alerting
