// Objectives (SPEC 6.2): [flows.X.objective] with its burn_alerts, a flow's `rto`, a
// numeric signal's `trend = { window, horizon }`, a heartbeat's `rpo`.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <string>

#include "model/load_sections.h"

namespace greenlight::model {

std::vector<BurnAlert> default_burn_alerts() {
  constexpr Duration kMinute{60'000};
  constexpr Duration kHour{3'600'000};
  return {{Severity::Critical, 14.4, kHour, 5 * kMinute},
          {Severity::Critical, 6, 6 * kHour, 30 * kMinute},
          {Severity::Warning, 3, 24 * kHour, 2 * kHour},
          {Severity::Warning, 1, 72 * kHour, 6 * kHour}};
}

namespace {

// The shortest burn window: the history's finest bucket is 10 s (slo/history.h).
constexpr Duration kShortestWindow{60'000};
// The longest objective window the fixed-size history covers in hour buckets or coarser.
constexpr Duration kLongestWindow{400LL * 24 * 3'600'000};

// "99.9%" -> 0.999; nothing unless it is digits, at most one '.', then '%'.
std::optional<double> parse_percent(const std::string& s) {
  if (s.size() < 2 || s.back() != '%') return std::nullopt;
  const std::string digits = s.substr(0, s.size() - 1);
  if (digits.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  // "99.9e-2": the fraction correctly rounded (99.9 / 100 is 0.9990000000000001).
  const std::string scaled = digits + "e-2";
  double v = 0;
  const auto [end, ec] = std::from_chars(scaled.data(), scaled.data() + scaled.size(), v);
  if (ec != std::errc{} || end != scaled.data() + scaled.size() || digits.empty() || digits == ".") return std::nullopt;
  return v;
}

std::string percent_text(double target) {
  std::string s = std::to_string(target * 100);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

std::optional<double> load_target(TableReader& r) {
  const toml::node* n = r.required("target");
  if (n == nullptr) return std::nullopt;
  const auto text = n->value_exact<std::string>();
  const auto v = text ? parse_percent(*text) : std::nullopt;
  if (!v) {
    r.error(*n, "target must be a percentage such as \"99.9%\"");
    return std::nullopt;
  }
  if (*v <= 0 || *v >= 1) {
    r.error(*n, "target must be above 0% and below 100%, not " + quote(*text));
    return std::nullopt;
  }
  return v;
}

// One [[...burn_alerts]] entry; checked against the objective's window and target.
std::optional<BurnAlert> load_burn_alert(LoadContext& ctx, const toml::node& n, const std::string& context,
                                         const Objective& o, bool target_ok) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    ctx.error(n.source(), context + ": a burn alert must be a table");
    return std::nullopt;
  }
  TableReader r(ctx.errors, *t, context);
  BurnAlert b;
  bool ok = true;
  if (auto v = r.choice("severity", parse_severity, "\"critical\", \"error\", \"warning\" or \"info\"")) {
    b.severity = *v;
    if (*v == Severity::None) r.error(*r.node("severity"), "severity must not be \"none\"");
  } else {
    ok = false;
    if (!r.node("severity")) r.required("severity");
  }
  const toml::node* factor_node = r.required("factor");
  if (auto v = r.number("factor")) {
    b.factor = *v;
    if (*v <= 0) {
      r.error(*factor_node, "factor must be above 0");
      ok = false;
    } else if (target_ok && *v * o.budget() >= 1 - 1e-9) {
      r.error(*factor_node, "factor " + std::to_string(*v) + " can never fire at target " + percent_text(o.target) +
                                ": factor x (1 - target) must be below 1 (a burn rate that high needs more than "
                                "all of the time bad)");
    }
  } else {
    ok = false;
  }
  const toml::node* long_node = r.required("long");
  const toml::node* short_node = r.required("short");
  const auto lw = r.duration("long");
  const auto sw = r.duration("short");
  if (!lw || !sw) return std::nullopt;
  b.long_window = *lw;
  b.short_window = *sw;
  if (*sw < kShortestWindow) r.error(*short_node, "short must be at least 1m");
  if (*sw >= *lw) {
    r.error(*short_node, "short (" + format_duration(*sw) + ") must be shorter than long (" + format_duration(*lw) + ")");
  }
  if (*lw > o.window) {
    r.error(*long_node, "long (" + format_duration(*lw) + ") must not be longer than the objective's window (" +
                            format_duration(o.window) + ")");
  }
  r.finish();
  return ok ? std::optional<BurnAlert>(b) : std::nullopt;
}

void check_defaults(TableReader& r, const toml::node* window_node, const Objective& o, bool target_ok) {
  for (const BurnAlert& b : o.burn_alerts) {
    if (b.long_window > o.window) {
      r.error(window_node ? *window_node : r.table(),
              "window (" + format_duration(o.window) + ") is shorter than the default burn alerts' longest window (" +
                  format_duration(b.long_window) + "); give [[...objective.burn_alerts]] of your own");
      return;
    }
    if (target_ok && b.factor * o.budget() >= 1 - 1e-9) {
      r.error(*r.node("target"), "target " + percent_text(o.target) + " is too low for the default burn alerts (" +
                                     std::to_string(b.factor) + "x would need more than all of the time bad); give "
                                     "[[...objective.burn_alerts]] of your own");
      return;
    }
  }
}

}  // namespace

void load_objective(LoadContext& ctx, TableReader& flow_reader, Flow& f) {
  if (auto v = flow_reader.duration("rto")) f.rto = *v;
  const toml::table* t = flow_reader.subtable("objective");
  if (t == nullptr) return;
  const std::string context = flow_reader.context() + " objective";
  TableReader r(ctx.errors, *t, context);
  Objective o;
  const auto target = load_target(r);
  if (target) o.target = *target;
  const toml::node* window_node = r.node("window");
  if (auto v = r.duration("window")) {
    o.window = *v;
    if (*v < kShortestWindow || *v > kLongestWindow) r.error(*window_node, "window must be between 1m and 400d");
  }
  if (const toml::array* alerts = r.array("burn_alerts")) {
    if (alerts->empty()) r.error(*alerts, "burn_alerts must not be empty (leave it out for the defaults)");
    for (std::size_t i = 0; i < alerts->size(); ++i) {
      auto b = load_burn_alert(ctx, *alerts->get(i), context + " burn_alerts[" + std::to_string(i) + "]", o,
                               target.has_value());
      if (b) o.burn_alerts.push_back(*b);
    }
  } else {
    o.burn_alerts = default_burn_alerts();
    check_defaults(r, window_node, o, target.has_value());
  }
  r.finish();
  f.objective = std::move(o);
}

void load_trend(LoadContext& ctx, TableReader& r, Signal& s) {
  const toml::table* t = r.subtable("trend");
  if (t == nullptr) return;
  TableReader tr(ctx.errors, *t, r.context() + " trend");
  const auto window = tr.duration("window");
  const auto horizon = tr.duration("horizon");
  if (!tr.node("window")) tr.required("window");
  if (!tr.node("horizon")) tr.required("horizon");
  tr.finish();
  if (!s.thresholds.red_above && !s.thresholds.red_below) {
    r.error(*r.node("trend"), "trend needs a red threshold (red_above or red_below) to head for");
    return;
  }
  if (s.kind == ProbeKind::Heartbeat) {
    r.error(*r.node("trend"), "trend applies to a measured value, not to a heartbeat");
    return;
  }
  if (window && horizon) s.trend = Trend{*window, *horizon};
}

void collect_slo_alerts(Model& m) {
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (!m.flows[f].objective) continue;
    std::vector<Severity> severities;
    for (const BurnAlert& b : m.flows[f].objective->burn_alerts) severities.push_back(b.severity);
    std::sort(severities.begin(), severities.end(), std::greater<>());
    severities.erase(std::unique(severities.begin(), severities.end()), severities.end());
    for (Severity s : severities) m.slo_alerts.push_back({f, s});
  }
}

}  // namespace greenlight::model
