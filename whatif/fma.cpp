#include "whatif/fma.h"

#include <algorithm>
#include <sstream>
#include <tuple>

#include "whatif/simulate.h"

namespace greenlight::whatif {

using namespace model;
using nlohmann::json;

namespace {

// Lower is worse: high red 0, high yellow 1, medium red 2, ... ; 6 when it breaks nothing.
int worst_rank(const Model& m, const FailureMode& f) {
  int rank = 6;
  for (FlowIndex i : f.red) rank = std::min(rank, 2 * static_cast<int>(m.flows[i].criticality));
  for (FlowIndex i : f.yellow) rank = std::min(rank, 2 * static_cast<int>(m.flows[i].criticality) + 1);
  return rank;
}

std::string flow_list(const Model& m, const std::vector<FlowIndex>& flows) {
  if (flows.empty()) return "none";
  std::string out;
  for (FlowIndex f : flows) out += (out.empty() ? "" : ", ") + m.flows[f].id + " (" + std::string(to_string(m.flows[f].criticality)) + ")";
  return out;
}

std::string what_fails(const Component& c) {
  if (!c.is_group()) return c.name;
  return c.name + ": all " + std::to_string(c.members.size()) + " members";
}

std::string redundancy(const Model& m, const FailureMode& f) {
  const Component& c = m.components[f.component];
  if (c.is_group()) {
    const std::uint32_t n = static_cast<std::uint32_t>(c.members.size());
    const std::uint32_t healthy = c.healthy_min ? c.healthy_min->resolve(n) : n;
    const std::uint32_t available = c.available_min ? c.available_min->resolve(n) : 1;
    return "redundant: group of " + std::to_string(n) + ", yellow below " + std::to_string(healthy) +
           " green, red below " + std::to_string(available) + " up";
  }
  if (f.single_point) return "single point of failure";
  if (f.group != kNoIndex) return "redundant: a member of " + m.components[f.group].id;
  return f.yellow.empty() ? "no flow depends on it" : "degrades only";
}

// How long a failure of signal `s` takes to turn it red: interval x failures; for a push
// heartbeat, its deadline (red_after, or the schedule's grace after a missed run).
Duration time_to_detect(const Signal& s) {
  if (const auto* h = std::get_if<HeartbeatSpec>(&s.spec)) {
    if (h->red_after) return *h->red_after;
    if (h->scheduled() || h->period) return h->grace;
  }
  return s.interval * s.failures;
}

std::string detect_words(const Signal& s) {
  if (const auto* h = std::get_if<HeartbeatSpec>(&s.spec)) {
    if (h->red_after) return s.id + ": no heartbeat for " + format_duration(*h->red_after);
    return s.id + ": a missed run, after its grace of " + format_duration(h->grace);
  }
  return s.id + " every " + format_duration(s.interval) + " x " + std::to_string(s.failures) + " = " +
         format_duration(s.interval * s.failures);
}

std::string detection_text(const Model& m, const FailureMode& f) {
  const Component& c = m.components[f.component];
  if (c.is_group()) return "through its members' signals";
  if (c.signal_count == 0) return "none of its own: only through its dependencies";
  std::string out;
  for (SignalIndex s = c.first_signal; s < c.first_signal + c.signal_count; ++s) {
    out += (out.empty() ? "" : "; ") + detect_words(m.signals[s]);
  }
  return out;
}

std::string mitigation_text(const Model& m, const FailureMode& f) {
  const Component& c = m.components[f.component];
  std::string out;
  for (std::size_t a : f.actions) out += (out.empty() ? "action " : ", action ") + m.actions[a].name;
  if (!c.runbook.empty()) out += (out.empty() ? "" : "; ") + std::string("runbook ") + c.runbook;
  if (!c.owner.empty()) out += (out.empty() ? "" : "; ") + std::string("owner ") + c.owner;
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<FailureMode> failure_modes(const Model& m) {
  const TimePoint t0{};
  const HealthState base = all_green(m, t0);
  HealthState work = base;
  std::vector<ComponentIndex> group(m.components.size(), kNoIndex);
  for (ComponentIndex g = 0; g < m.components.size(); ++g) {
    for (ComponentIndex member : m.components[g].members) group[member] = g;
  }
  std::vector<FailureMode> rows;
  rows.reserve(m.components.size());
  Resolved r;
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    FailureMode f;
    f.component = c;
    r.components.assign(1, {c, Health::Red});
    const Changes changes = apply(m, work, r, t0);
    for (const StateChange& ch : changes.flows) (ch.to == Health::Red ? f.red : f.yellow).push_back(ch.index);
    std::erase_if(f.yellow, [&](FlowIndex i) { return work.flows[i].state != Health::Yellow; });
    // The most critical flows first.
    const auto by_criticality = [&](FlowIndex a, FlowIndex b) {
      return std::pair(m.flows[a].criticality, a) < std::pair(m.flows[b].criticality, b);
    };
    std::sort(f.red.begin(), f.red.end(), by_criticality);
    std::sort(f.yellow.begin(), f.yellow.end(), by_criticality);
    // Back to all green: only what this failure touched.
    const Component& comp = m.components[c];
    for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) work.signals[s] = base.signals[s];
    if (!work.simulated.empty()) work.simulated[c].reset();
    for (const StateChange& ch : changes.components) work.components[ch.index] = base.components[ch.index];
    for (const StateChange& ch : changes.flows) work.flows[ch.index] = base.flows[ch.index];
    work.overall = base.overall;

    f.single_point = !comp.is_group() && !f.red.empty();
    f.group = group[c];
    f.redundant = comp.is_group() || (!f.single_point && f.group != kNoIndex);
    for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
      const Duration d = time_to_detect(m.signals[s]);
      f.detect = f.detect.count() == 0 ? d : std::min(f.detect, d);
    }
    for (std::size_t a = 0; a < m.actions.size(); ++a) {
      if (m.actions[a].component == c) f.actions.push_back(a);
    }
    rows.push_back(std::move(f));
  }
  // Sorted by the worst flow broken, then by how many turn red and yellow (keys computed once).
  std::vector<std::pair<std::tuple<int, long, long>, std::size_t>> keys;
  keys.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    keys.push_back({{worst_rank(m, rows[i]), -static_cast<long>(rows[i].red.size()),
                     -static_cast<long>(rows[i].yellow.size())}, i});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<FailureMode> sorted;
  sorted.reserve(rows.size());
  for (const auto& k : keys) sorted.push_back(std::move(rows[k.second]));
  rows = std::move(sorted);
  return rows;
}

json fma_json(const Model& m, const std::vector<FailureMode>& rows) {
  json out = json::array();
  const auto flows = [&](const std::vector<FlowIndex>& fs) {
    json j = json::array();
    for (FlowIndex f : fs) j.push_back({{"id", m.flows[f].id}, {"criticality", to_string(m.flows[f].criticality)}});
    return j;
  };
  for (const FailureMode& f : rows) {
    const Component& c = m.components[f.component];
    json signals = json::array();
    for (SignalIndex s = c.first_signal; s < c.first_signal + c.signal_count; ++s) {
      const Signal& sig = m.signals[s];
      signals.push_back({{"signal", sig.id},
                         {"interval", format_duration(sig.interval)},
                         {"failures", sig.failures},
                         {"time_to_detect", format_duration(time_to_detect(sig))}});
    }
    json actions = json::array();
    for (std::size_t a : f.actions) actions.push_back(m.actions[a].name);
    out.push_back({{"component", c.id},
                   {"name", c.name},
                   {"what_fails", what_fails(c)},
                   {"flows_red", flows(f.red)},
                   {"flows_yellow", flows(f.yellow)},
                   {"redundant", f.redundant},
                   {"single_point_of_failure", f.single_point},
                   {"redundancy", redundancy(m, f)},
                   {"detection",
                    {{"signals", std::move(signals)},
                     {"time_to_detect", f.detect.count() ? json(format_duration(f.detect)) : json(nullptr)},
                     {"text", detection_text(m, f)}}},
                   {"mitigation",
                    {{"actions", std::move(actions)},
                     {"runbook", c.runbook.empty() ? json(nullptr) : json(c.runbook)},
                     {"owner", c.owner.empty() ? json(nullptr) : json(c.owner)}}}});
  }
  return {{"failure_modes", std::move(out)}};
}

std::string fma_markdown(const Model& m, const std::vector<FailureMode>& rows) {
  // A '|' inside a cell would end it.
  const auto cell = [](std::string s) {
    for (std::size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
    return s;
  };
  std::ostringstream out;
  out << "| Component | What fails | Flows red | Flows yellow | Redundancy | Detection | Mitigation |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (const FailureMode& f : rows) {
    const Component& c = m.components[f.component];
    out << "| " << cell(c.id) << " | " << cell(what_fails(c)) << " | " << cell(flow_list(m, f.red)) << " | "
        << cell(flow_list(m, f.yellow)) << " | " << (f.single_point ? "**" : "") << cell(redundancy(m, f))
        << (f.single_point ? "**" : "") << " | " << cell(detection_text(m, f)) << " | " << cell(mitigation_text(m, f))
        << " |\n";
  }
  return out.str();
}

}  // namespace greenlight::whatif
