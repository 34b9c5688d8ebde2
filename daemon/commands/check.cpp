#include "daemon/commands/check.h"

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "daemon/stores/config_file.h"
#include "daemon/stores/heartbeats.h"
#include "dashboards/render.h"
#include "model/json_text.h"
#include "probes/probe.h"

namespace greenlight::daemon {

using namespace model;

int exit_code_of(Health h) {
  switch (h) {
    case Health::Green: return 0;
    case Health::Yellow: return 1;
    case Health::Red: return 2;
    case Health::Unknown: return 3;
  }
  return 3;
}

namespace {

std::string_view plugin_word(Health h) {
  switch (h) {
    case Health::Green: return "OK";
    case Health::Yellow: return "WARNING";
    case Health::Red: return "CRITICAL";
    case Health::Unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

// Runs every signal once on a small pool of threads and applies the results.
void run_all(const Model& m, HealthState& st, HeartbeatStore& heartbeats) {
  const TimePoint started = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  std::vector<probes::ProbeRun> runs(m.signals.size());
  std::atomic<std::size_t> next{0};
  const std::size_t workers = std::min<std::size_t>(32, std::max<std::size_t>(1, m.signals.size()));
  {
    std::vector<std::jthread> pool;
    for (std::size_t w = 0; w < workers; ++w) {
      pool.emplace_back([&] {
        for (std::size_t s; (s = next.fetch_add(1)) < m.signals.size();) {
          const Signal& sig = m.signals[s];
          probes::ProbeContext ctx{std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()), {}};
          if (sig.kind == ProbeKind::Heartbeat) {
            // Judged as the daemon does, from what state_dir holds; a heartbeat the daemon
            // never ran counts from now (SPEC 5a): unknown until its deadline.
            auto h = heartbeats.history(m.signal_key(static_cast<SignalIndex>(s))).value_or(probes::HeartbeatHistory{});
            if (!h.first_seen) h.first_seen = started;
            runs[s].outcome = probes::judge_heartbeat(sig, h, ctx.now).outcome;
            continue;
          }
          runs[s] = probes::run_probe(sig, ctx);
        }
      });
    }
  }
  const TimePoint now = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    runs[s].outcome.seconds = static_cast<float>(runs[s].duration.count());
    st.signals[s] = step(st.signals[s], m.signals[s], runs[s].outcome, now, Tolerance::Ignore).next;
  }
  evaluate_all(m, st, now);
}

void print_text(const Model& m, const HealthState& st, std::ostream& out) {
  std::array<int, kHealthCount> flow_counts{};
  for (const NodeState& f : st.flows) ++flow_counts[static_cast<int>(f.state)];
  const auto causes = root_causes_overall(m, st);
  // First line: the plugin output that Nagios/Icinga shows, with counts as perfdata.
  out << "GREENLIGHT " << plugin_word(st.overall.state) << " - " << describe_overall(m, st);
  if (!causes.empty()) out << "; root cause " << describe_root_cause(m, st, causes.front());
  out << " | flows_red=" << flow_counts[3] << " flows_yellow=" << flow_counts[2]
      << " flows_unknown=" << flow_counts[1] << " flows_green=" << flow_counts[0] << "\n";

  if (!causes.empty()) {
    out << "\nRoot causes:\n";
    for (const RootCause& rc : causes) {
      out << "  " << describe_root_cause(m, st, rc);
      if (!m.components[rc.component].runbook.empty()) out << "  (runbook " << m.components[rc.component].runbook << ")";
      out << "\n";
    }
  }
  auto by_state = [](const std::vector<NodeState>& nodes) {
    std::vector<std::uint32_t> order(nodes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return nodes[a].state > nodes[b].state; });
    return order;
  };
  out << "\nFlows:\n";
  for (FlowIndex f : by_state(st.flows)) {
    const Flow& flow = m.flows[f];
    out << "  " << std::left << std::setw(8) << plugin_word(st.flows[f].state) << " " << std::setw(20) << flow.id
        << " " << flow.name << " (" << to_string(flow.kind) << ", " << to_string(flow.criticality)
        << "): " << describe_flow(m, st, f) << "\n";
  }
  out << "\nComponents:\n";
  for (ComponentIndex c : by_state(st.components)) {
    out << "  " << std::left << std::setw(8) << plugin_word(st.components[c].state) << " " << std::setw(20)
        << m.components[c].id << " " << describe_component(m, st, c) << "\n";
  }
}

}  // namespace

HealthState evaluate_once(const Model& m) {
  HeartbeatStore heartbeats(m.daemon.state_dir);
  HealthState st = HealthState::initial(m, std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()));
  run_all(m, st, heartbeats);
  return st;
}

int check_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err) {
  const LoadResult r = load_file(path);
  if (!r.ok()) {
    for (const auto& e : r.errors) err << model::format(e) << '\n';
    out << "GREENLIGHT UNKNOWN - " << path << " is not a valid model (" << r.errors.size() << " errors)\n";
    return 3;
  }
  const Model& m = *r.model;
  const HealthState st = evaluate_once(m);
  if (format == "json") {
    out << model::json_text(dashboards::status_json(m, st), 2) << "\n";
  } else {
    print_text(m, st, out);
  }
  return exit_code_of(st.overall.state);
}

}  // namespace greenlight::daemon
