#include "engine/objectives.h"

#include <algorithm>
#include <cstdio>

#include "model/bytes.h"

namespace greenlight::engine {

using namespace model;

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::string_view kFileMagic = "GLSLOF1\n";

std::string rate_text(double rate, Duration w) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", rate);
  return "error budget burning at " + std::string(buf) + "\u00d7 over " + window_name(w);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

using model::bytes::get;
using model::bytes::put;

}  // namespace

Objectives::Objectives(const Model& m, const HealthState& st, TimePoint now) : of_flow_(m.flows.size(), kNone) {
  std::size_t count = 0;
  for (const Flow& f : m.flows) count += f.objective ? 1 : 0;
  entries_.reserve(count);
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (!m.flows[f].objective) continue;
    const Objective& o = *m.flows[f].objective;
    of_flow_[f] = entries_.size();
    entries_.push_back({f, SloHistory(o, now), std::vector<std::uint8_t>(o.burn_alerts.size(), 0)});
    entries_.back().history.record(sli_state(st.flows[f].state), now);
  }
  burns_.resize(m.slo_alerts.size());
  trends_.resize(entries_.size());
}

void Objectives::carry_over(const Model& old_model, Objectives&& old, const Model& m, const HealthState& st,
                            TimePoint now) {
  *this = Objectives(m, st, now);
  for (Entry& e : entries_) {
    const auto of = old_model.find_flow(m.flows[e.flow].id);
    if (!of || *of >= old.of_flow_.size() || old.of_flow_[*of] == kNone) continue;
    Entry& o = old.entries_[old.of_flow_[*of]];
    const Objective& now_objective = *m.flows[e.flow].objective;
    if (!SloHistory::same_shape(o.history.objective(), now_objective)) continue;
    o.history.set_objective(now_objective);
    o.history.record(e.history.state(), now);
    e.history = std::move(o.history);
    if (o.firing.size() == e.firing.size()) e.firing = std::move(o.firing);
  }
}

void Objectives::record(const Changes& changes, TimePoint now) {
  for (const StateChange& c : changes.flows) {
    if (c.index < of_flow_.size() && of_flow_[c.index] != kNone) {
      entries_[of_flow_[c.index]].history.record(sli_state(c.to), now);
    }
  }
}

void Objectives::evaluate(const Model& m, TimePoint now) {
  for (alerting::BurnStatus& b : burns_) b = {};
  std::vector<double> strongest(burns_.size(), -1);  // per slo alert: the best rate / factor
  std::size_t alert = 0;  // Model::slo_alerts is in flow order, severities descending
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    e.history.advance(now);
    const Objective& o = *m.flows[e.flow].objective;
    while (alert < m.slo_alerts.size() && m.slo_alerts[alert].flow < e.flow) ++alert;
    double trend_rate = -1;
    trends_[i].clear();
    for (std::size_t j = 0; j < o.burn_alerts.size(); ++j) {
      const BurnAlert& b = o.burn_alerts[j];
      const double long_rate = e.history.burn_rate(b.long_window);
      const double short_rate = e.history.burn_rate(b.short_window);
      if (!e.firing[j]) {
        e.firing[j] = long_rate > b.factor && short_rate > b.factor;
      } else if (short_rate < b.factor) {
        e.firing[j] = 0;
      }
      if (!e.firing[j]) continue;
      for (std::size_t k = alert; k < m.slo_alerts.size() && m.slo_alerts[k].flow == e.flow; ++k) {
        if (m.slo_alerts[k].severity != b.severity || long_rate / b.factor <= strongest[k]) continue;
        strongest[k] = long_rate / b.factor;
        burns_[k] = {true, rate_text(long_rate, b.long_window)};
      }
      if (b.severity <= Severity::Warning && long_rate > trend_rate) {
        trend_rate = long_rate;
        trends_[i] = rate_text(long_rate, b.long_window);
      }
    }
  }
}

std::string Objectives::trend(FlowIndex f) const {
  return f < of_flow_.size() && of_flow_[f] != kNone ? trends_[of_flow_[f]] : std::string();
}

SloViews Objectives::views(const Model& m, TimePoint now) const {
  SloViews out;
  out.objectives.reserve(entries_.size());
  for (const Entry& e : entries_) {
    const Objective& o = *m.flows[e.flow].objective;
    SloView v{e.flow, o.target, o.window, e.history.budget_remaining(), {}, {}};
    std::vector<Duration> windows{o.window};
    for (std::size_t j = 0; j < o.burn_alerts.size(); ++j) {
      const BurnAlert& b = o.burn_alerts[j];
      windows.push_back(b.long_window);
      windows.push_back(b.short_window);
      v.alerts.push_back({b, e.history.burn_rate(b.long_window), e.history.burn_rate(b.short_window), e.firing[j] != 0});
    }
    std::sort(windows.begin(), windows.end());
    windows.erase(std::unique(windows.begin(), windows.end()), windows.end());
    for (Duration w : windows) v.burn_rates.emplace_back(w, e.history.burn_rate(w));
    out.objectives.push_back(std::move(v));
  }
  const auto hour_of = [&](TimePoint t) { return to_epoch_ms(t) / std::max<std::int64_t>(1, bars_->width.count()); };
  if (!bars_ || hour_of(now) != hour_of(bars_->at) || bars_->per_objective.size() != entries_.size()) {
    auto bars = std::make_shared<SloBars>();
    bars->at = now;
    if (!entries_.empty()) bars->width = entries_.front().history.bar_width();
    for (const Entry& e : entries_) bars->per_objective.push_back(e.history.bars(kBars));
    bars_ = std::move(bars);
  }
  out.bars = bars_;
  out.current.reserve(entries_.size());
  for (const Entry& e : entries_) out.current.push_back(e.history.current_bar());
  return out;
}

std::string Objectives::to_file(const Model& m) const {
  std::string out(kFileMagic);
  put(out, static_cast<std::uint32_t>(entries_.size()));
  for (const Entry& e : entries_) {
    const std::string& id = m.flows[e.flow].id;
    const std::string bytes = e.history.to_bytes();
    put(out, static_cast<std::uint32_t>(id.size()));
    out += id;
    put(out, static_cast<std::uint32_t>(bytes.size()));
    out += bytes;
  }
  put(out, fnv1a(out));
  return out;
}

bool Objectives::valid_file(std::string_view file) {
  if (file.size() < kFileMagic.size() + 12 || file.substr(0, kFileMagic.size()) != kFileMagic) return false;
  std::string_view tail = file.substr(file.size() - 8);
  std::uint64_t sum = 0;
  get(tail, sum);
  return sum == fnv1a(file.substr(0, file.size() - 8));
}

std::optional<std::size_t> Objectives::restore(const Model& m, std::string_view file, TimePoint now) {
  if (!valid_file(file)) return std::nullopt;
  std::string_view in = file.substr(kFileMagic.size(), file.size() - kFileMagic.size() - 8);
  std::uint32_t count = 0;
  if (!get(in, count)) return std::nullopt;
  std::size_t kept = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t id_size = 0, size = 0;
    if (!get(in, id_size) || in.size() < id_size) return std::nullopt;
    const std::string_view id = in.substr(0, id_size);
    in.remove_prefix(id_size);
    if (!get(in, size) || in.size() < size) return std::nullopt;
    const std::string_view bytes = in.substr(0, size);
    in.remove_prefix(size);
    const auto f = m.find_flow(id);
    if (!f || of_flow_[*f] == kNone) continue;  // no longer an objective
    Entry& e = entries_[of_flow_[*f]];
    auto h = SloHistory::from_bytes(*m.flows[*f].objective, bytes);
    if (!h) continue;  // its objective changed shape while the daemon was down
    h->record(e.history.state(), now);  // the time while down stays unknown
    e.history = std::move(*h);
    ++kept;
  }
  return kept;
}

}  // namespace greenlight::engine
