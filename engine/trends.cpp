#include "engine/trends.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace greenlight::engine {

using namespace model;

std::optional<Crossing> trend_crossing(const std::deque<std::pair<std::int64_t, double>>& samples,
                                       const Thresholds& th, TimePoint now) {
  const std::size_t n = samples.size();
  if (n < 3) return std::nullopt;
  // Seconds since the first sample: small numbers, no cancellation.
  const std::int64_t t0 = samples.front().first;
  double mx = 0, my = 0;
  for (const auto& [t, v] : samples) {
    mx += static_cast<double>(t - t0) / 1000.0;
    my += v;
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (const auto& [t, v] : samples) {
    const double dx = static_cast<double>(t - t0) / 1000.0 - mx;
    sxx += dx * dx;
    sxy += dx * (v - my);
  }
  if (sxx <= 0) return std::nullopt;
  const double slope = sxy / sxx;  // per second
  const double x_now = static_cast<double>(to_epoch_ms(now) - t0) / 1000.0;
  const double y_now = my + slope * (x_now - mx);
  const auto crossing = [&](double threshold, bool above) -> std::optional<Crossing> {
    const double gap = threshold - y_now;  // > 0 when below a red_above
    if (above ? gap <= 0 : gap >= 0) return Crossing{threshold, above, Duration{0}};
    if (above ? slope <= 0 : slope >= 0) return std::nullopt;
    const double seconds = gap / slope;
    if (!std::isfinite(seconds) || seconds > 1e9) return std::nullopt;
    return Crossing{threshold, above, Duration{std::llround(seconds * 1000)}};
  };
  std::optional<Crossing> best;
  if (th.red_above) best = crossing(*th.red_above, true);
  if (th.red_below) {
    auto below = crossing(*th.red_below, false);
    if (below && (!best || below->in < best->in)) best = below;
  }
  return best;
}

std::string describe_crossing(const Crossing& c) {
  char value[32];
  std::snprintf(value, sizeof value, "%g", c.threshold);
  const std::string what = std::string("reaches ") + (c.above ? "red_above " : "red_below ") + value;
  if (c.in < std::chrono::seconds(30)) return what + " now";
  const auto minutes = std::chrono::round<std::chrono::minutes>(c.in);
  return what + " in about " + format_duration(std::chrono::duration_cast<Duration>(minutes));
}

void Trends::apply(const Model& m, SignalIndex s, ProbeOutcome& outcome, TimePoint now) {
  const Signal& sig = m.signals[s];
  if (!sig.trend || s >= samples_.size()) return;
  auto& samples = samples_[s];
  if (!outcome.ok || !outcome.value || !std::isfinite(*outcome.value)) return;
  const std::int64_t t = to_epoch_ms(now);
  if (!samples.empty() && t < samples.back().first) samples.clear();  // the clock went back
  samples.emplace_back(t, *outcome.value);
  while (!samples.empty() && samples.front().first < t - sig.trend->window.count()) samples.pop_front();
  const auto c = trend_crossing(samples, sig.thresholds, now);
  if (!c || c->in > sig.trend->horizon) return;
  if (outcome.reported && *outcome.reported != Health::Green) return;  // the probe said more
  outcome.reported = Health::Yellow;
  const std::string why = describe_crossing(*c);
  outcome.message = outcome.message.empty() ? why : outcome.message + "; " + why;
}

}  // namespace greenlight::engine
