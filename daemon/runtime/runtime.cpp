#include "daemon/runtime/runtime.h"

#include <algorithm>

#include "daemon/runtime/inventory_watch.h"
#include "daemon/stores/config_file.h"
#include "daemon/stores/files.h"
#include "daemon/stores/memory.h"
#include "daemon/stores/slo_store.h"
#include "daemon/stores/state_store.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using engine::Effects;
using engine::Now;

engine::Restored restore(const model::Model& m, const Outbox::Replay& replay, const HeartbeatStore& heartbeats,
                         model::TimePoint now) {
  engine::Restored r;
  r.state = model::HealthState::initial(m, now);
  r.signals_restored = restore_state(m.daemon.state_dir, m, *r.state, now);  // evaluates too
  for (const Outbox::Told& t : replay.told) {
    r.told.push_back({t.alert_id, t.receiver, t.severity, t.starts_at, t.last_sent, t.group_key, t.root_cause});
  }
  // Action attempts survive restarts (state_dir/actions.json).
  if (std::string text; read_file(m.daemon.state_dir + "/actions.json", text)) {
    r.actions = nlohmann::json::parse(text, nullptr, false);
    if (r.actions.is_discarded()) r.actions = nullptr;
  }
  for (model::SignalIndex s = 0; s < m.signals.size(); ++s) {
    const std::string key = m.signal_key(s);
    if (auto h = heartbeats.history(key)) r.heartbeats[key] = std::move(*h);
  }
  return r;
}

std::string restore_slo(const std::string& state_dir, Log& log, model::TimePoint now) {
  SloFile f = load_slo(state_dir, now);
  if (!f.error.empty()) {
    log.error("slo_history_set_aside", f.error + "; the objectives start with an empty history",
              {{"path", f.set_aside}});
  }
  return std::move(f.bytes);
}

Runtime::Runtime(std::unique_ptr<engine::Engine> engine, std::string config_path, const model::Clock& clock,
                 Adapters io)
    : engine_(std::move(engine)), config_path_(std::move(config_path)), clock_(clock), io_(io) {
  publish(now());
}

Runtime::~Runtime() = default;

std::future<ReloadResult> Runtime::request_reload() {
  std::promise<ReloadResult> p;
  auto f = p.get_future();
  {
    std::lock_guard lock(mutex_);
    inbox_.reloads.push_back(std::move(p));
  }
  wake_.notify_all();
  return f;
}

void Runtime::heartbeat_received(engine::HeartbeatPing ping) {
  {
    std::lock_guard lock(mutex_);
    inbox_.heartbeats.push_back(std::move(ping));
  }
  wake_.notify_all();
}

std::shared_ptr<const model::Model> Runtime::load_for_reload(ReloadResult& result, model::TimePoint now) {
  model::LoadResult loaded = load_file(config_path_, &engine_->model());
  for (const auto& e : loaded.errors) result.errors.push_back(model::format(e));
  if (loaded.ok()) {
    // What the process has bound and opened cannot change under it (SPEC 5a).
    const model::DaemonConfig& was = engine_->model().daemon;
    const model::DaemonConfig& now_is = loaded.model->daemon;
    if (now_is.listen != was.listen) {
      result.errors.push_back(config_path_ + ": error: [daemon] listen cannot change on reload (" + was.listen +
                              " -> " + now_is.listen + "); restart greenlight");
    }
    if (now_is.state_dir != was.state_dir) {
      result.errors.push_back(config_path_ + ": error: [daemon] state_dir cannot change on reload (" +
                              was.state_dir + " -> " + now_is.state_dir + "); restart greenlight");
    }
  }
  if (result.errors.empty()) {
    result.ok = true;
    io_.metrics.reload(true, now);
    report_inventories(*loaded.model, io_.log, io_.metrics);
    return loaded.model;
  }
  io_.metrics.reload(false, now);
  io_.log.error("reload_failed",
                "configuration reload failed; the running model is kept (" + std::to_string(result.errors.size()) +
                    " errors): " + result.errors.front(),
                {{"path", config_path_}, {"errors", std::to_string(result.errors.size())}});
  io_.events.record({0, now, "reload", "configuration reload failed; the running model is kept: " + result.errors.front(),
                     {{"ok", false}, {"errors", result.errors}}});
  return nullptr;
}

engine::Inputs Runtime::collect(Inbox& inbox) {
  engine::Inputs in;
  in.results = std::move(inbox.results);
  in.heartbeats = std::move(inbox.heartbeats);
  for (ActionResult& r : inbox.actions) {
    io_.metrics.action_run(r.action, r.outcome);
    in.actions.push_back({r.action, r.outcome, std::move(r.message), std::move(r.output), r.seconds});
  }
  for (auto& waiting : inbox.reloads) {
    ReloadResult result;
    if (auto m = load_for_reload(result, clock_.now_system())) {
      io_.silences.replace_configured(m->alerting.silences);  // before the engine's next alert pass
      in.reload = std::move(m);
    }
    waiting.set_value(std::move(result));
  }
  if (const auto v = io_.silences.version(); v != silences_seen_) {
    silences_seen_ = v;
    in.silences = io_.silences.all();
  }
  return in;
}

void Runtime::start_probes(const std::vector<engine::ProbeStart>& starts) {
  if (starts.empty()) return;
  std::vector<probes::ProbeRunner::Job> jobs;
  jobs.reserve(starts.size());
  for (const engine::ProbeStart& p : starts) {
    jobs.push_back({engine_->model_ptr(), p.signal, p.slot, [this, p](probes::ProbeRun run) {
                      run.outcome.seconds = static_cast<float>(run.duration.count());
                      bool wake = false;
                      {
                        std::lock_guard lock(mutex_);
                        // The first result of a batch wakes the runtime, unless it wakes
                        // within a tick anyway (the next slot): the rest join it.
                        wake = inbox_.results.empty() &&
                               sleeping_until_ > std::chrono::steady_clock::now() + engine::kTick;
                        inbox_.results.push_back({p.generation, p.signal, std::move(run.outcome)});
                      }
                      if (wake) wake_.notify_all();
                    }});
  }
  io_.probes.submit(std::move(jobs));
}

void Runtime::start_actions(std::vector<engine::ActionRun>& runs) {
  for (engine::ActionRun& run : runs) {
    io_.actions.start(run.action, run.trigger, [this](ActionResult r) {
      {
        std::lock_guard lock(mutex_);
        inbox_.actions.push_back(std::move(r));
      }
      wake_.notify_all();
    });
  }
}

void Runtime::apply_reload() {
  const model::Model& m = engine_->model();
  io_.delivery.reconfigure(m);
  io_.log.set_level(m.daemon.log_level);
  for (const model::Action& a : m.actions) io_.metrics.action(a.name);
}

void Runtime::carry_out(Effects& fx, Now now) {
  if (fx.actions_state) {
    const std::string path = engine_->model().daemon.state_dir + "/actions.json";
    if (const std::string err = write_file_atomically(path, model::json_text(*fx.actions_state) + "\n"); !err.empty()) {
      io_.log.error("actions_not_saved", err);
    }
  }
  if (fx.slo_state) {
    if (const std::string err = save_slo(engine_->model().daemon.state_dir, *fx.slo_state); !err.empty()) {
      io_.log.error("slo_not_saved", err);
    }
  }
  if (!fx.heartbeat_anchors.empty()) {
    for (const auto& [key, at] : fx.heartbeat_anchors) io_.heartbeats.anchor(key, at);
    if (const std::string err = io_.heartbeats.save(); !err.empty()) io_.log.error("heartbeats_not_saved", err);
  }
  for (const engine::LogLine& l : fx.logs) {
    io_.log.write(static_cast<LogLevel>(l.level), l.event, l.message, l.fields);
  }
  start_actions(fx.actions);
  if (!fx.notifications.empty()) {
    // Written before the first attempt: a crash from here on neither loses nor repeats it
    // (a repeat carries the same id).
    if (const std::string err = io_.outbox.append(fx.notifications); !err.empty()) io_.log.error("outbox", err);
    io_.delivery.submit(fx.notifications);
  }
  start_probes(fx.probes);
  if (!fx.events.empty()) io_.events.record(std::move(fx.events));
  if (fx.reloaded) apply_reload();
  if (fx.publish) publish(now);
  if (fx.reloaded || (!ready_seen_ && engine_->ready())) {
    ready_seen_ = engine_->ready();
    give_back_free_memory();
  }
}

void Runtime::publish(Now now) {
  snapshot_.store(engine_->snapshot(now));
  io_.metrics.skipped(engine_->skipped());
}

void Runtime::run(std::stop_token stop) {
  const model::Model& m = engine_->model();
  io_.log.info("started",
               "watching " + std::to_string(m.signals.size()) + " signals of " + std::to_string(m.components.size()) +
                   " components and " + std::to_string(m.flows.size()) + " flows (" +
                   std::to_string(engine_->signals_restored()) + " signal states restored from " + m.daemon.state_dir +
                   ")",
               {{"path", config_path_}, {"restored", std::to_string(engine_->signals_restored())}});
  while (!stop.stop_requested()) {
    Inbox inbox;
    {
      std::lock_guard lock(mutex_);
      std::swap(inbox, inbox_);
    }
    engine::Inputs in = collect(inbox);
    const bool evaluated = !in.results.empty();
    const Now t = now();
    const auto started = std::chrono::steady_clock::now();
    Effects fx = engine_->step(std::move(in), t);
    if (evaluated) {
      io_.metrics.evaluation(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    carry_out(fx, t);

    // Sleeps until something is due or arrives: no polling. A probe result wakes it only
    // when it would sleep longer than a tick; otherwise it joins the next step.
    std::unique_lock lock(mutex_);
    sleeping_until_ = fx.wake_at;
    wake_.wait_until(lock, stop, fx.wake_at, [&] {
      return !inbox_.reloads.empty() || !inbox_.heartbeats.empty() || !inbox_.actions.empty() ||
             (!inbox_.results.empty() && sleeping_until_ > std::chrono::steady_clock::now() + engine::kTick);
    });
    sleeping_until_ = engine::SteadyTime::min();
  }
  const model::Model& last = engine_->model();
  if (const std::string err = save_state(last.daemon.state_dir, last, engine_->state(), clock_.now_system());
      !err.empty()) {
    io_.log.error("state_not_saved", err);
  }
  if (engine_->objectives().size() > 0) {
    if (const std::string err = save_slo(last.daemon.state_dir, engine_->objectives().to_file(last)); !err.empty()) {
      io_.log.error("slo_not_saved", err);
    }
  }
  // Whoever still waits for a reload gets an answer.
  std::lock_guard lock(mutex_);
  for (auto& p : inbox_.reloads) p.set_value({false, {"the daemon is shutting down"}});
  inbox_.reloads.clear();
}

}  // namespace greenlight::daemon
