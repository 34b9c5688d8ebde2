#pragma once

// Delivery retry decisions (SPEC 2, "Delivery"), pure: what an HTTP answer means for a
// notification, and when to try again. Exponential backoff with jitter (the random draw
// is passed in), capped; 429 and 503 honour Retry-After; any 4xx other than 408 and 429 is
// a permanent failure (the request itself is wrong, retrying cannot help).

#include <chrono>
#include <optional>
#include <string_view>

#include "model/types.h"

namespace greenlight::alerting {

enum class Delivery { Delivered, Retry, Permanent };

// `status` 0 means no HTTP answer (connection refused, timeout): retry.
Delivery classify(int status);

// Retry-After in seconds ("120") or as an HTTP date is accepted; only the seconds form is
// parsed here (dates are rare for webhooks); nullopt otherwise.
std::optional<model::Duration> parse_retry_after(std::string_view value);

inline constexpr model::Duration kFirstRetry{1'000};
inline constexpr model::Duration kMaxRetry{300'000};

// Delay before attempt `attempt` + 1 (attempt >= 1 failed attempts so far): 1s, 2s, 4s, ...
// capped at 5 min, times a jitter factor in [0.5, 1.5) from `jitter01` in [0, 1). A
// Retry-After from the receiver wins when it is longer.
model::Duration backoff(int attempt, double jitter01, std::optional<model::Duration> retry_after = std::nullopt);

}  // namespace greenlight::alerting
