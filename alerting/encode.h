#pragma once

// A batch of notifications as the HTTP request one receiver type expects (SPEC 2,
// "Receivers"), pure: one encoder per type, each from the receiver's settings, its secret
// (read by the daemon, never logged), the batch (head first) and the time.
//   - webhook: the greenlight payload (docs/webhook.md), one or a group, to `url`, with
//     the configured headers and webhook-id; with a secret, webhook-timestamp too, and
//     `sign` says what the daemon signs (Standard Webhooks HMAC, which needs OpenSSL);
//   - alertmanager: POST <url>/api/v2/alerts with every notification's alerts;
//   - pagerduty: an Events API v2 event keyed by the secret: one for a group notification
//     (the group's dedup_key; resolve once nothing in the group fires), else one for
//     the head;
//   - slack: one message, to `url` or else to the URL the secret holds, led by the
//     group's summary for a group notification.
// An encoder that cannot build a request (no routing key, no URL) returns an error: the
// notification is unsendable, a permanent failure.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerting/dispatch.h"
#include "model/model.h"

namespace greenlight::alerting {

struct ReceiverRequest {
  std::string url;
  model::Headers headers;  // Content-Type and User-Agent first
  std::string body;
  model::Duration timeout{10'000};
  // Standard Webhooks: the daemon adds webhook-signature over "<id>.<timestamp>.<body>"
  // with the receiver's secret.
  struct Sign {
    std::string id;
    std::int64_t timestamp = 0;  // seconds since the epoch, as in webhook-timestamp
  };
  std::optional<Sign> sign;
};

struct Encoded {
  std::optional<ReceiverRequest> request;
  std::string error;  // when there is no request
};

// `batch` is not empty; `secret` is "" when the receiver has none.
Encoded encode(const model::Receiver& r, const std::string& secret, const std::vector<Notification>& batch,
               model::TimePoint now);

}  // namespace greenlight::alerting
