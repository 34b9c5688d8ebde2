#include "daemon/core.h"

#include <algorithm>

#include "daemon/config_file.h"
#include "daemon/files.h"
#include "daemon/state_store.h"
#include "model/carry_over.h"
#include "model/json_text.h"
#include "probes/http_engine.h"
#include "probes/probe.h"
#include "probes/scheduler.h"

namespace greenlight::daemon {

using namespace model;

struct Core::SchedulerBox {
  probes::Scheduler scheduler;
};

namespace {
constexpr auto kStaleCheckEvery = std::chrono::seconds(1);
// Readers see new values (latencies, messages) at most this late; state changes at once.
// Publishing copies the whole state, so it must not happen once per probe result.
constexpr auto kPublishEvery = std::chrono::seconds(1);
// The core works in ticks: it dispatches every probe due and applies every result that
// arrived, then sleeps until the next tick. Probe results do not wake it one by one
// (at 1,000 probes/s that costs more CPU than the probes); they wait at most one tick.
constexpr auto kTick = std::chrono::milliseconds(10);
// Alert decisions also depend on time alone (alert_after, silences ending, flapping
// windows, reminders): they are re-checked at least this often.
constexpr auto kAlertPassEvery = std::chrono::seconds(1);

}  // namespace

Core::Core(std::shared_ptr<const Model> model, std::string config_path, const Clock& clock, Log& log,
           Metrics& metrics, HeartbeatStore& heartbeats, ProbePool& pool, probes::HttpEngine& http_engine,
           Outbox& outbox, Delivery& delivery, SilenceStore& silences, EventLog& events,
           ActionRunner& actions, const Outbox::Replay& replay)
    : model_(std::move(model)),
      config_path_(std::move(config_path)),
      clock_(clock),
      log_(log),
      metrics_(metrics),
      heartbeats_(heartbeats),
      pool_(pool),
      http_engine_(http_engine),
      outbox_(outbox),
      delivery_(delivery),
      silences_(silences),
      events_(events),
      actions_(actions),
      book_(std::make_unique<alerting::AlertBook>(*model_)),
      healer_(std::make_unique<alerting::Healer>(*model_)) {
  // Receivers told of firings before this start: held firing, no second page.
  for (const Outbox::Told& t : replay.told) {
    book_->restore_told(t.alert_id, t.severity, t.starts_at);
    dispatcher_.restore_told(t.alert_id, t.receiver, t.last_sent, t.group_key);
  }
  // Action attempts survive restarts (state_dir/actions.json).
  if (std::string text; read_file(model_->daemon.state_dir + "/actions.json", text)) {
    healer_->restore(*model_, nlohmann::json::parse(text, nullptr, false));
  }
  started_at_ = clock_.now_system();
  state_ = HealthState::initial(*model_, started_at_);
  restored_ = restore_state(model_->daemon.state_dir, *model_, state_, started_at_);  // evaluates too
  has_run_.assign(model_->signals.size(), 0);
  const auto steady = clock_.now_steady();
  scheduler_ = std::make_unique<SchedulerBox>(SchedulerBox{probes::Scheduler(*model_, steady)});
  Duration max_timeout{0};
  for (const Signal& s : model_->signals) max_timeout = std::max(max_timeout, s.timeout);
  first_round_deadline_ = steady + probes::kFirstRoundSpread + max_timeout;
  publish();
}

Core::~Core() = default;

std::future<ReloadResult> Core::request_reload() {
  std::promise<ReloadResult> p;
  auto f = p.get_future();
  {
    std::lock_guard lock(mutex_);
    inbox_.reloads.push_back(std::move(p));
  }
  wake_.notify_all();
  return f;
}

void Core::heartbeat_received(const std::string& component, const std::string& signal) {
  {
    std::lock_guard lock(mutex_);
    inbox_.heartbeats.emplace_back(component, signal);
  }
  wake_.notify_all();
}

void Core::start_probe(SignalIndex s, std::chrono::steady_clock::time_point slot) {
  const Signal& sig = model_->signals[s];
  probes::ProbeContext ctx{clock_.now_system(), {}};
  if (sig.kind == ProbeKind::Heartbeat) {
    // Never pushed: count from the daemon's start (SPEC 5a).
    ctx.last_heartbeat = heartbeats_.last(model_->signal_key(s)).value_or(started_at_);
  }
  ++in_flight_;
  if (const auto* http = std::get_if<HttpSpec>(&sig.spec); http && probes::HttpEngine::handles(http->url)) {
    metrics_.schedule_lag(std::chrono::duration<double>(clock_.now_steady() - slot).count());
    http_batch_.emplace_back(probes::http_request_for(*http, sig.timeout),
                             [this, model = model_, generation = generation_, s](net::HttpResponse res) {
                               const auto& spec = std::get<HttpSpec>(model->signals[s].spec);
                               ProbeOutcome outcome = probes::http_outcome(spec, res);
                               metrics_.probe_run(ProbeKind::Http, outcome.ok, res.seconds);
                               std::lock_guard lock(mutex_);
                               inbox_.results.push_back({generation, s, std::move(outcome), res.seconds});
                             });
    return;
  }
  pool_.submit([this, model = model_, generation = generation_, s, ctx, slot] {
    metrics_.schedule_lag(std::chrono::duration<double>(clock_.now_steady() - slot).count());
    probes::ProbeRun run = probes::run_probe(model->signals[s], ctx);
    metrics_.probe_run(model->signals[s].kind, run.outcome.ok, run.duration.count());
    std::lock_guard lock(mutex_);
    inbox_.results.push_back({generation, s, std::move(run.outcome), run.duration.count()});
    // No notify: the core collects results on its next tick.
  });
}

void Core::apply(std::vector<Result>& results, bool& changed) {
  const auto start = std::chrono::steady_clock::now();
  const TimePoint now = clock_.now_system();
  for (Result& r : results) {
    --in_flight_;
    if (r.generation != generation_) continue;  // probed under a model since replaced
    scheduler_->scheduler.finished(r.signal);
    if (!has_run_[r.signal]) {
      has_run_[r.signal] = 1;
      ++first_results_;
    }
    r.outcome.seconds = static_cast<float>(r.seconds);
    const Changes c = apply_result(*model_, state_, r.signal, r.outcome, now);
    if (!c.empty()) {
      log_changes(c);
      changed = true;
    }
    dirty_ = true;  // values and messages change without a state change
  }
  metrics_.evaluation(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void Core::reload(std::vector<std::promise<ReloadResult>>& waiting, bool& changed) {
  ReloadResult result;
  LoadResult loaded = load_file(config_path_);
  const TimePoint now = clock_.now_system();
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) result.errors.push_back(format(e));
    metrics_.reload(false, now);
    log_.error("reload_failed",
               "configuration reload failed; the running model is kept (" + std::to_string(result.errors.size()) +
                   " errors): " + result.errors.front(),
               {{"path", config_path_}, {"errors", std::to_string(result.errors.size())}});
    events_.record({0, now, "reload", "configuration reload failed; the running model is kept: " + result.errors.front(),
                    {{"ok", false}, {"errors", result.errors}}});
  } else {
    CarriedState carried = carry_over(*model_, state_, *loaded.model, now);
    auto book = std::make_unique<alerting::AlertBook>(*loaded.model);
    for (const alerting::Alert& a : book_->alerts()) {
      if (a.told_firing) book->restore_told(a.id, a.told_severity, a.starts_at);
    }
    book_ = std::move(book);
    auto healer = std::make_unique<alerting::Healer>(*loaded.model);
    healer->carry_over(*model_, *healer_, *loaded.model);
    healer_ = std::move(healer);
    silences_.replace_configured(loaded.model->alerting.silences);
    model_ = loaded.model;
    state_ = std::move(carried.state);
    ++generation_;
    const auto steady = clock_.now_steady();
    scheduler_ = std::make_unique<SchedulerBox>(SchedulerBox{probes::Scheduler(*model_, steady)});
    has_run_.assign(model_->signals.size(), 0);
    for (SignalIndex s = 0; s < model_->signals.size(); ++s) {
      if (state_.signals[s].last_result != TimePoint{}) has_run_[s] = 1;
    }
    first_results_ = static_cast<std::size_t>(std::count(has_run_.begin(), has_run_.end(), 1));
    log_changes(carried.changes);
    metrics_.reload(true, now);
    log_.info("reloaded",
              "configuration reloaded: " + std::to_string(model_->components.size()) + " components, " +
                  std::to_string(model_->signals.size()) + " signals (" + std::to_string(carried.signals_kept) +
                  " kept their state), " + std::to_string(model_->flows.size()) + " flows",
              {{"path", config_path_}, {"components", std::to_string(model_->components.size())}});
    events_.record({0, now, "reload",
                    "configuration reloaded: " + std::to_string(model_->components.size()) + " components, " +
                        std::to_string(model_->flows.size()) + " flows",
                    {{"ok", true}}});
    result.ok = true;
    changed = true;
  }
  for (auto& p : waiting) p.set_value(result);
}

namespace {

// One log line per state change: `<kind> <name>: <from> -> <to>: <reason>`, with the
// same facts as fields for JSON logs. Returns the change as an event for the history.
Event log_change(Log& log, std::string_view kind, const std::string& name, const StateChange& c,
                 const std::string& reason, LogFields ids, TimePoint now) {
  const std::string from(to_string(c.from)), to(to_string(c.to));
  std::string prefix(kind);
  if (!name.empty()) prefix += " " + name;
  ids.insert(ids.begin(), {"kind", std::string(kind)});
  ids.insert(ids.end(), {{"from", from}, {"to", to}, {"reason", reason}});
  const std::string message = prefix + ": " + from + " -> " + to + ": " + reason;
  log.info("state_change", message, ids);
  return {0, now, "state", message,
          {{"kind", kind}, {"id", name}, {"from", from}, {"to", to}, {"reason", reason}}};
}

}  // namespace

void Core::log_changes(const Changes& changes) {
  const Model& m = *model_;
  const TimePoint now = clock_.now_system();
  for (const StateChange& c : changes.signals) {
    const Signal& s = m.signals[c.index];
    log_change(log_, "signal", m.signal_key(c.index), c, describe(state_.signals[c.index], s),
               {{"component", m.components[s.component].id}, {"signal", s.id}}, now);
  }
  // Signals are in the log; the history keeps what the dashboard's timeline shows.
  std::vector<Event> events;
  for (const StateChange& c : changes.components) {
    events.push_back(log_change(log_, "component", m.components[c.index].id, c, describe_component(m, state_, c.index),
                                {{"component", m.components[c.index].id}}, now));
  }
  for (const StateChange& c : changes.flows) {
    events.push_back(log_change(log_, "flow", m.flows[c.index].id, c, describe_flow(m, state_, c.index),
                                {{"flow", m.flows[c.index].id}}, now));
  }
  if (changes.overall) {
    events.push_back(log_change(log_, "overall", "", *changes.overall, describe_overall(m, state_), {}, now));
  }
  events_.record(std::move(events));
}

void Core::heal(const std::vector<alerting::Silence>& silences, TimePoint now) {
  const Model& m = *model_;
  std::vector<std::string> held_before;
  for (const auto& s : healer_->status()) held_before.push_back(s.held);
  for (const alerting::ActionStart& start : healer_->due(m, state_, silences, now)) {
    const Action& a = m.actions[start.action];
    const bool flow = a.flow != kNoIndex;
    const std::string target = flow ? m.flows[a.flow].id : m.components[a.component].id;
    const NodeState& node = flow ? state_.flows[a.flow] : state_.components[a.component];
    const nlohmann::json trigger{
        {"action", a.name},
        {"trigger", start.trigger},
        {"target",
         {{"kind", flow ? "flow" : "component"},
          {"id", target},
          {"state", to_string(node.state)},
          {"since", format_rfc3339(node.since)},
          {"reason", flow ? describe_flow(m, state_, a.flow) : describe_component(m, state_, a.component)}}},
        {"time", format_rfc3339(now)},
        {"attempt", healer_->status()[start.action].attempts.size()}};
    const std::string what = a.run.empty() ? "POST " + redact_url(a.url) : a.run[0];
    log_.info("action_started", "action " + a.name + ": " + start.trigger + "; running " + what,
              {{"action", a.name}, {"target", target}});
    events_.record({0, now, "action", "action " + a.name + " started: " + start.trigger,
                    {{"action", a.name}, {"target", target}, {"status", "started"}, {"trigger", start.trigger}}});
    save_actions();  // the attempt counts before it runs: a crash loop cannot exceed max_attempts
    actions_.start(a, trigger, [this](ActionResult r) {
      {
        std::lock_guard lock(mutex_);
        inbox_.actions.push_back(std::move(r));
      }
      wake_.notify_all();
    });
  }
  for (std::size_t i = 0; i < healer_->status().size() && i < held_before.size(); ++i) {
    const std::string& held = healer_->status()[i].held;
    // A cooldown is the expected pause between runs; silences and max_attempts are news.
    if (held.empty() || held == "cooldown" || held == held_before[i]) continue;
    const char* why = held == "silenced" ? "the target is silenced" : "max_attempts reached in its window";
    log_.info("action_held", "action " + m.actions[i].name + " is due but held: " + why,
              {{"action", m.actions[i].name}, {"held", held}});
    events_.record({0, now, "action", "action " + m.actions[i].name + " held: " + why,
                    {{"action", m.actions[i].name}, {"status", "held"}, {"held", held}}});
  }
}

void Core::save_actions() {
  const std::string path = model_->daemon.state_dir + "/actions.json";
  if (const std::string err = write_file_atomically(path, model::json_text(healer_->to_json(*model_)) + "\n"); !err.empty()) {
    log_.error("actions_not_saved", err);
  }
}

void Core::action_finished(const ActionResult& r) {
  const Model& m = *model_;
  const TimePoint now = clock_.now_system();
  metrics_.action_run(r.action, r.outcome);
  for (std::size_t i = 0; i < m.actions.size(); ++i) {
    if (m.actions[i].name == r.action) healer_->finished(m, i, r.ok(), r.message, now);
  }
  save_actions();
  const std::string message = "action " + r.action + " " + (r.ok() ? "succeeded" : r.outcome) + ": " + r.message;
  LogFields fields{{"action", r.action}, {"outcome", r.outcome}};
  if (r.ok()) {
    log_.info("action_finished", message, fields);
  } else {
    log_.warn("action_finished", message, fields);
  }
  events_.record({0, now, "action", message,
                  {{"action", r.action},
                   {"status", "finished"},
                   {"outcome", r.outcome},
                   {"message", r.message},
                   {"output", r.output},
                   {"seconds", r.seconds}}});
}

void Core::alert_pass(TimePoint now) {
  const std::vector<alerting::Silence> silences = silences_.all();
  heal(silences, now);
  const auto notices = book_->update(*model_, state_, silences, now, healer_->failing());
  auto ns = dispatcher_.dispatch(*model_, state_, *book_, notices, now);
  auto reminders = dispatcher_.repeats(*model_, state_, *book_, now);
  auto released = dispatcher_.release(now);
  ns.insert(ns.end(), std::make_move_iterator(released.begin()), std::make_move_iterator(released.end()));
  ns.insert(ns.end(), std::make_move_iterator(reminders.begin()), std::make_move_iterator(reminders.end()));
  for (const alerting::Notice& n : notices) {
    const alerting::Alert& a = book_->alerts()[n.alert];
    log_.info("alert",
              a.id + " " + std::string(alerting::to_string(n.reason)) + " (" + std::string(to_string(n.severity)) +
                  ", " + std::string(to_string(a.state)) + ")",
              {{"alert", a.id},
               {"reason", std::string(alerting::to_string(n.reason))},
               {"severity", std::string(to_string(n.severity))}});
  }
  if (ns.empty()) return;
  // Written before the first attempt: a crash from here on neither loses nor repeats it
  // (a repeat carries the same id).
  if (const std::string err = outbox_.append(ns); !err.empty()) log_.error("outbox", err);
  delivery_.submit(ns);
}

void Core::publish() {
  auto snap = std::make_shared<engine::Snapshot>();
  snap->model = model_;
  snap->state = state_;
  snap->evaluated_at = clock_.now_system();
  snap->ready = ready_;
  snap->generation = generation_;
  snap->alerts = book_->alerts();
  snap->actions = healer_->status();
  for (const auto& [alert, receivers] : dispatcher_.told()) {
    for (const auto& [receiver, told] : receivers) snap->told[alert].push_back(receiver);
  }
  snapshot_.store(std::move(snap));
}

void Core::run(std::stop_token stop) {
  auto next_stale_check = clock_.now_steady() + kStaleCheckEvery;
  auto next_alert_pass = clock_.now_steady();
  log_.info("started",
            "watching " + std::to_string(model_->signals.size()) + " signals of " +
                std::to_string(model_->components.size()) + " components and " + std::to_string(model_->flows.size()) +
                " flows (" + std::to_string(restored_) + " signal states restored from " + model_->daemon.state_dir +
                ")",
            {{"path", config_path_}, {"restored", std::to_string(restored_)}});
  while (!stop.stop_requested()) {
    bool changed = false;
    const auto now = clock_.now_steady();
    for (const auto& due : scheduler_->scheduler.take_due(now)) start_probe(due.signal, due.slot);

    Inbox inbox;
    {
      std::lock_guard lock(mutex_);
      std::swap(inbox, inbox_);
    }
    if (!inbox.results.empty()) apply(inbox.results, changed);
    for (const auto& [component, signal] : inbox.heartbeats) {
      const auto s = model_->find_signal(component, signal);
      if (s && !scheduler_->scheduler.in_flight(*s)) start_probe(*s, now);  // the result arrives through the inbox
    }
    for (const ActionResult& r : inbox.actions) {
      action_finished(r);
      changed = true;
    }
    if (!inbox.reloads.empty()) reload(inbox.reloads, changed);
    http_engine_.submit(std::exchange(http_batch_, {}));

    if (now >= next_stale_check) {
      const Changes c = expire_stale(*model_, state_, clock_.now_system());
      if (!c.empty()) {
        log_changes(c);
        changed = true;
      }
      next_stale_check = now + kStaleCheckEvery;
    }
    if (changed || now >= next_alert_pass) {
      alert_pass(clock_.now_system());
      next_alert_pass = now + kAlertPassEvery;
      changed = true;  // alert flags are part of the snapshot
    }
    if (!ready_ && (first_results_ == model_->signals.size() || now >= first_round_deadline_)) {
      ready_ = true;
      changed = true;
      log_.info("ready", "first evaluation finished: overall " + std::string(to_string(state_.overall.state)) +
                             " (" + describe_overall(*model_, state_) + ")");
    }
    if (changed || (dirty_ && now - last_publish_ >= kPublishEvery)) {
      publish();
      metrics_.skipped(scheduler_->scheduler.skipped());
      last_publish_ = now;
      dirty_ = false;
    }

    std::unique_lock lock(mutex_);
    auto wake_at = std::min({scheduler_->scheduler.next_due(), next_stale_check, next_alert_pass});
    if (dirty_) wake_at = std::min(wake_at, last_publish_ + kPublishEvery);
    if (in_flight_ > 0) wake_at = std::min(wake_at, now + kTick);  // results to collect
    wake_at = std::max(wake_at, now + kTick);                      // at most one pass per tick
    wake_.wait_until(lock, stop, wake_at, [&] {
      return !inbox_.reloads.empty() || !inbox_.heartbeats.empty() || !inbox_.actions.empty();
    });
  }
  if (const std::string err = save_state(model_->daemon.state_dir, *model_, state_, clock_.now_system()); !err.empty()) {
    log_.error("state_not_saved", err);
  }
  // Whoever still waits for a reload gets an answer.
  std::lock_guard lock(mutex_);
  for (auto& p : inbox_.reloads) p.set_value({false, {"the daemon is shutting down"}});
  inbox_.reloads.clear();
}

}  // namespace greenlight::daemon
