#include "model/slo_history.h"

#include <algorithm>

#include "model/bytes.h"

namespace greenlight::model {

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kFineMs = SloHistory::kFine.count();
constexpr std::int64_t kFineSpan = kFineMs * static_cast<std::int64_t>(SloHistory::kFineCount);
constexpr std::string_view kMagic = "GLSLO1";

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -ceil_div(-a, b); }
std::size_t slot(std::int64_t bucket, std::size_t count) {
  const auto n = static_cast<std::int64_t>(count);
  return static_cast<std::size_t>(((bucket % n) + n) % n);
}

// One ring of buckets (the fine or the coarse one, its windows those with `coarse` alike)
// moved on to bucket `to`: the buckets that leave each window come out of its running sum,
// and the buckets entered start empty. A jump past the whole ring empties it.
template <typename Windows, typename Ring>
void rotate_ring(Windows& windows, bool coarse, std::int64_t& cur, Ring& bad, Ring& measured, std::int64_t to) {
  const std::size_t count = bad.size();
  if (to - cur >= static_cast<std::int64_t>(count)) {
    bad.fill(0);
    measured.fill(0);
    for (auto& w : windows) {
      if (w.coarse == coarse) w.sum = {};
    }
    cur = to;
    return;
  }
  while (cur < to) {
    ++cur;
    for (auto& w : windows) {  // the bucket that leaves each window
      if (w.coarse != coarse) continue;
      const std::size_t s = slot(cur - w.buckets, count);
      w.sum.bad -= bad[s];
      w.sum.measured -= measured[s];
    }
    const std::size_t s = slot(cur, count);
    bad[s] = 0;
    measured[s] = 0;
  }
}

// Coarse buckets: an hour, or window / 720 rounded up to whole hours, so that the
// objective's window fits in the ring (720 buckets plus the one being filled).
Duration coarse_width_of(const Objective& o) {
  const std::int64_t hours = std::max<std::int64_t>(1, ceil_div(o.window.count(), 720 * kHourMs));
  return Duration(hours * kHourMs);
}

std::vector<Duration> window_lengths(const Objective& o) {
  std::vector<Duration> out{o.window};
  for (const BurnAlert& b : o.burn_alerts) {
    out.push_back(b.long_window);
    out.push_back(b.short_window);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

using bytes::get;
using bytes::put;

}  // namespace

SliState sli_state(Health h) {
  switch (h) {
    case Health::Unknown: return SliState::Unknown;
    case Health::Red: return SliState::Bad;
    default: return SliState::Good;
  }
}

std::string window_name(Duration w) {
  const std::int64_t ms = w.count();
  if (ms % (24 * kHourMs) == 0) return std::to_string(ms / (24 * kHourMs)) + "d";
  if (ms % kHourMs == 0) return std::to_string(ms / kHourMs) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1'000 == 0) return std::to_string(ms / 1'000) + "s";
  return std::to_string(ms) + "ms";
}

SloHistory::SloHistory(const Objective& o, TimePoint now) : objective_(o), coarse_width_(coarse_width_of(o)) {
  last_ = to_epoch_ms(now);
  fine_cur_ = floor_div(last_, kFineMs);
  coarse_cur_ = floor_div(last_, coarse_width_.count());
  for (Duration w : window_lengths(o)) {
    Window win;
    win.length = w;
    win.coarse = w.count() > kFineSpan;
    win.buckets = std::min<std::int64_t>(ceil_div(w.count(), win.coarse ? coarse_width_.count() : kFineMs),
                                         win.coarse ? kCoarseCount : kFineCount);
    windows_.push_back(win);
  }
}

bool SloHistory::same_shape(const Objective& a, const Objective& b) {
  return window_lengths(a) == window_lengths(b) && coarse_width_of(a) == coarse_width_of(b);
}

void SloHistory::add(std::int64_t ms, bool bad) {
  const std::size_t f = slot(fine_cur_, kFineCount);
  const std::size_t c = slot(coarse_cur_, kCoarseCount);
  fine_measured_[f] = static_cast<std::uint16_t>(fine_measured_[f] + ms);
  coarse_measured_[c] = static_cast<std::uint32_t>(coarse_measured_[c] + ms);
  if (bad) {
    fine_bad_[f] = static_cast<std::uint16_t>(fine_bad_[f] + ms);
    coarse_bad_[c] = static_cast<std::uint32_t>(coarse_bad_[c] + ms);
  }
  for (Window& w : windows_) {
    w.sum.measured += ms;
    if (bad) w.sum.bad += ms;
  }
}

void SloHistory::rotate_fine(std::int64_t to) { rotate_ring(windows_, false, fine_cur_, fine_bad_, fine_measured_, to); }

void SloHistory::rotate_coarse(std::int64_t to) {
  rotate_ring(windows_, true, coarse_cur_, coarse_bad_, coarse_measured_, to);
}

void SloHistory::advance(TimePoint now) {
  const std::int64_t to = to_epoch_ms(now);
  if (to <= last_) return;
  if (state_ == SliState::Unknown) {  // nothing to count: jump
    last_ = to;
    rotate_fine(floor_div(to, kFineMs));
    rotate_coarse(floor_div(to, coarse_width_.count()));
    return;
  }
  const bool bad = state_ == SliState::Bad;
  while (last_ < to) {
    // Coarse widths are whole hours, so every coarse boundary is a fine one.
    const std::int64_t end = std::min(to, (floor_div(last_, kFineMs) + 1) * kFineMs);
    add(end - last_, bad);
    last_ = end;
    rotate_fine(floor_div(last_, kFineMs));
    rotate_coarse(floor_div(last_, coarse_width_.count()));
  }
}

void SloHistory::record(SliState s, TimePoint now) {
  advance(now);
  state_ = s;
}

SloHistory::Totals SloHistory::recount(bool coarse, std::int64_t buckets) const {
  Totals t;
  const std::int64_t cur = coarse ? coarse_cur_ : fine_cur_;
  for (std::int64_t b = cur - buckets + 1; b <= cur; ++b) {
    if (coarse) {
      const std::size_t s = slot(b, kCoarseCount);
      t.bad += coarse_bad_[s];
      t.measured += coarse_measured_[s];
    } else {
      const std::size_t s = slot(b, kFineCount);
      t.bad += fine_bad_[s];
      t.measured += fine_measured_[s];
    }
  }
  return t;
}

void SloHistory::resum() {
  for (Window& w : windows_) w.sum = recount(w.coarse, w.buckets);
}

SloHistory::Totals SloHistory::totals(Duration w) const {
  for (const Window& win : windows_) {
    if (win.length == w) return win.sum;
  }
  const bool coarse = w.count() > kFineSpan;
  const std::int64_t width = coarse ? coarse_width_.count() : kFineMs;
  const std::int64_t n = std::min<std::int64_t>(ceil_div(w.count(), width), coarse ? kCoarseCount : kFineCount);
  return recount(coarse, n);
}

double SloHistory::burn_rate(Duration w) const {
  const Totals t = totals(w);
  if (t.measured <= 0) return 0;
  return (static_cast<double>(t.bad) / static_cast<double>(t.measured)) / objective_.budget();
}

double SloHistory::budget_remaining() const { return 1.0 - burn_rate(objective_.window); }

std::vector<SloHistory::Totals> SloHistory::bars(std::size_t count) const {
  count = std::min(count, kCoarseCount);
  std::vector<Totals> out;
  out.reserve(count);
  for (std::int64_t b = coarse_cur_ - static_cast<std::int64_t>(count) + 1; b <= coarse_cur_; ++b) {
    const std::size_t s = slot(b, kCoarseCount);
    out.push_back({coarse_bad_[s], coarse_measured_[s]});
  }
  return out;
}

std::string SloHistory::to_bytes() const {
  std::string out(kMagic);
  put(out, static_cast<std::int64_t>(coarse_width_.count()));
  put(out, last_);
  put(out, fine_cur_);
  put(out, coarse_cur_);
  put(out, static_cast<std::uint8_t>(state_));
  for (std::size_t i = 0; i < kFineCount; ++i) {
    put(out, fine_bad_[i]);
    put(out, fine_measured_[i]);
  }
  for (std::size_t i = 0; i < kCoarseCount; ++i) {
    put(out, coarse_bad_[i]);
    put(out, coarse_measured_[i]);
  }
  return out;
}

std::optional<SloHistory> SloHistory::from_bytes(const Objective& o, std::string_view in) {
  if (in.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  in.remove_prefix(kMagic.size());
  SloHistory h(o, TimePoint{});
  std::int64_t width = 0;
  std::uint8_t state = 0;
  if (!get(in, width) || width != h.coarse_width_.count() || !get(in, h.last_) || !get(in, h.fine_cur_) ||
      !get(in, h.coarse_cur_) || !get(in, state) || state > static_cast<std::uint8_t>(SliState::Bad)) {
    return std::nullopt;
  }
  if (h.fine_cur_ != floor_div(h.last_, kFineMs) || h.coarse_cur_ != floor_div(h.last_, width)) return std::nullopt;
  // What happened between the save and now is not known (the daemon was down): the
  // engine records the flow's state again when it starts counting.
  h.state_ = SliState::Unknown;
  for (std::size_t i = 0; i < kFineCount; ++i) {
    if (!get(in, h.fine_bad_[i]) || !get(in, h.fine_measured_[i])) return std::nullopt;
    if (h.fine_bad_[i] > h.fine_measured_[i] || h.fine_measured_[i] > kFineMs) return std::nullopt;
  }
  for (std::size_t i = 0; i < kCoarseCount; ++i) {
    if (!get(in, h.coarse_bad_[i]) || !get(in, h.coarse_measured_[i])) return std::nullopt;
    if (h.coarse_bad_[i] > h.coarse_measured_[i] || h.coarse_measured_[i] > width) return std::nullopt;
  }
  if (!in.empty()) return std::nullopt;
  h.resum();
  return h;
}

}  // namespace greenlight::model
