#include "alerting/retry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace greenlight::alerting {

Delivery classify(int status) {
  if (status >= 200 && status < 300) return Delivery::Delivered;
  if (status >= 400 && status < 500 && status != 408 && status != 429) return Delivery::Permanent;
  return Delivery::Retry;  // 0 (no answer), 408, 429, 5xx, and anything unexpected
}

std::optional<model::Duration> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return model::Duration(std::min<std::int64_t>(seconds, 86'400) * 1000);
}

model::Duration backoff(int attempt, double jitter01, std::optional<model::Duration> retry_after) {
  const double base = static_cast<double>(kFirstRetry.count()) * std::pow(2.0, std::max(0, attempt - 1));
  const double capped = std::min(base, static_cast<double>(kMaxRetry.count()));
  const auto delay = model::Duration(static_cast<std::int64_t>(capped * (0.5 + std::clamp(jitter01, 0.0, 1.0))));
  return retry_after && *retry_after > delay ? *retry_after : delay;
}

}  // namespace greenlight::alerting
