#include "tests/engine/sim.h"

#include <algorithm>

namespace greenlight::test {

using namespace model;

namespace {
// 2026-11-29T10:00:00Z, a fixed start so that times in failures read naturally.
constexpr std::int64_t kStartMs = 1'795'946'400'000;
}  // namespace

TimePoint Sim::start() { return TimePoint{Duration{kStartMs}}; }

Sim::Sim(std::shared_ptr<const Model> m, engine::Restored restored)
    : now_{start(), engine::SteadyTime{std::chrono::hours(1000)}}, t0_(now_.wall) {
  engine_ = std::make_unique<engine::Engine>(std::move(m), now_, std::move(restored));
  wake_at_ = now_.steady;
}

void Sim::answer(const std::string& key, ProbeOutcome outcome) {
  answers_[key] = std::move(outcome);
  hung_.erase(key);
}
void Sim::fail(const std::string& key, const std::string& message) { answer(key, {false, std::nullopt, message, {}}); }
void Sim::pass(const std::string& key, double value) { answer(key, {true, value, "ok", {}}); }
void Sim::hang(const std::string& key) { hung_[key] = true; }

void Sim::resume(const std::string& key) {
  hung_.erase(key);
  std::erase_if(hung_runs_, [&](const auto& run) {
    if (run.first != key) return false;
    pending_.results.push_back({run.second.generation, run.second.signal, answer_of(key)});
    return true;
  });
}

ProbeOutcome Sim::answer_of(const std::string& key) const {
  const auto it = answers_.find(key);
  return it == answers_.end() ? ProbeOutcome{true, 0.01, "ok", {}} : it->second;
}

void Sim::heartbeat(const std::string& component, const std::string& signal, probes::PingKind kind,
                    const std::string& message, std::optional<int> exit_code) {
  pending_.heartbeats.push_back({component, signal, now_.wall, kind, exit_code, message});
}

void Sim::action_done(const std::string& action, bool ok, const std::string& message) {
  pending_.actions.push_back({action, ok ? "ok" : "failed", message, "", 0.1});
}

void Sim::record(engine::Effects& fx) {
  ++steps;
  if (fx.publish) ++publishes;
  for (auto& n : fx.notifications) {
    notifications.push_back(std::move(n));
    sent_at.push_back(now_.wall);
  }
  for (auto& a : fx.actions) {
    actions.push_back(std::move(a));
    started_at.push_back(now_.wall);
  }
  for (auto& l : fx.logs) logs.push_back(std::move(l));
  for (auto& e : fx.events) events.push_back(std::move(e));
  for (auto& a : fx.heartbeat_anchors) heartbeat_anchors.push_back(std::move(a));
  probes_started += fx.probes.size();
  // Probes answer at once: their results are the next step's inputs.
  const Model& m = engine_->model();
  for (const engine::ProbeStart& p : fx.probes) {
    const std::string key = m.signal_key(p.signal);
    if (hung_.count(key)) {
      hung_runs_.emplace_back(key, p);
      continue;
    }
    pending_.results.push_back({p.generation, p.signal, answer_of(key)});
  }
  wake_at_ = pending_.empty() ? fx.wake_at : now_.steady;
}

engine::Effects Sim::step(engine::Inputs in) {
  for (auto& r : pending_.results) in.results.push_back(std::move(r));
  for (auto& h : pending_.heartbeats) in.heartbeats.push_back(std::move(h));
  for (auto& a : pending_.actions) in.actions.push_back(std::move(a));
  if (pending_.silences) in.silences = std::move(pending_.silences);
  if (pending_.reload) in.reload = std::move(pending_.reload);
  pending_ = {};
  engine::Effects fx = engine_->step(std::move(in), now_);
  engine::Effects copy = fx;
  record(copy);
  return fx;
}

void Sim::run_for(Duration d) {
  const engine::SteadyTime until = now_.steady + d;
  while (true) {
    if (!pending_.empty()) {
      step();
      continue;
    }
    if (wake_at_ > until) break;
    const auto advance = std::max(wake_at_ - now_.steady, std::chrono::steady_clock::duration::zero());
    now_.steady += advance;
    now_.wall += std::chrono::duration_cast<Duration>(advance);
    step();
  }
  const auto rest = until - now_.steady;
  now_.steady = until;
  now_.wall += std::chrono::duration_cast<Duration>(rest);
}

std::vector<std::string> Sim::sent() const {
  std::vector<std::string> out;
  for (const auto& n : notifications) {
    out.push_back(n.receiver + " " + std::string(alerting::to_string(n.reason)) + " " + n.alert_id);
  }
  return out;
}

std::vector<std::string> Sim::logged(const std::string& event) const {
  std::vector<std::string> out;
  for (const auto& l : logs) {
    if (l.event == event) out.push_back(l.message);
  }
  return out;
}

Health Sim::flow(const std::string& id) const {
  const auto f = engine_->model().find_flow(id);
  return f ? engine_->state().flows[*f].state : Health::Unknown;
}

Health Sim::component(const std::string& id) const {
  const auto c = engine_->model().find_component(id);
  return c ? engine_->state().components[*c].state : Health::Unknown;
}

}  // namespace greenlight::test
