#include "alerting/encode.h"

#include "alerting/content.h"
#include "model/json_text.h"

namespace greenlight::alerting {

namespace {

using Encoder = Encoded (*)(const model::Receiver&, const std::string&, const std::vector<Notification>&,
                            model::TimePoint);

// The items keep references to `ids`, which must outlive them.
std::vector<GroupItem> group_items(const std::vector<Notification>& batch, std::vector<std::string>& ids) {
  ids.clear();
  for (const Notification& n : batch) ids.push_back(wire_id(n));
  std::vector<GroupItem> items;
  items.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) items.push_back({batch[i].record, batch[i].reason, ids[i]});
  return items;
}

ReceiverRequest request_to(const model::Receiver& r, std::string url, const nlohmann::json& body) {
  ReceiverRequest req;
  req.url = std::move(url);
  req.headers = {{"Content-Type", "application/json"}, {"User-Agent", "greenlight"}};
  req.body = model::json_text(body);
  req.timeout = r.timeout;
  return req;
}

// A notification of a route with group_by = ["..."] goes alone, as the single payload;
// one with a group_key goes as a group payload (even alone), whose id derives from its
// members', with the group as it stands (the newest notification's incident).
Encoded encode_webhook(const model::Receiver& r, const std::string& secret, const std::vector<Notification>& batch,
                       model::TimePoint now) {
  const Notification& first = batch.front();
  std::vector<std::string> ids;
  const nlohmann::json payload =
      first.group_key.empty()
          ? webhook_payload(first.record, first.reason, wire_id(first), r.name)
          : webhook_group_payload(group_items(batch, ids), r.name, first.group_key, batch.back().incident);
  const std::string id = first.group_key.empty() ? wire_id(first) : payload.at("id").get<std::string>();
  ReceiverRequest req = request_to(r, r.url, payload);
  for (const auto& h : r.headers) req.headers.push_back(h);
  req.headers.push_back({"webhook-id", id});
  if (!secret.empty()) {
    const auto ts = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    req.headers.push_back({"webhook-timestamp", std::to_string(ts)});
    req.sign = ReceiverRequest::Sign{id, ts};
  }
  return {std::move(req), {}};
}

Encoded encode_alertmanager(const model::Receiver& r, const std::string&, const std::vector<Notification>& batch,
                            model::TimePoint now) {
  const std::string url = r.url + (r.url.ends_with('/') ? "" : "/") + "api/v2/alerts";
  std::vector<std::string> ids;
  nlohmann::json alerts = alertmanager_payload(group_items(batch, ids));
  // A firing alert ends at now + 4 re-send intervals unless re-sent (as Prometheus sends
  // them): greenlight re-sends every kAlertmanagerResend, well before, whatever the
  // Alertmanagers' resolve_timeout; if every replica is gone, they resolve it by then.
  for (nlohmann::json& a : alerts) {
    if (!a.contains("endsAt")) a["endsAt"] = model::format_rfc3339(now + 4 * kAlertmanagerResend);
  }
  return {request_to(r, url, alerts), {}};
}

Encoded encode_pagerduty(const model::Receiver& r, const std::string& secret, const std::vector<Notification>& batch,
                         model::TimePoint) {
  if (secret.empty()) return {std::nullopt, "no routing key (routing_key_file / routing_key_env)"};
  // A group notification is one event for the group (its newest state); an alert alone
  // (group_by = ["..."], or journalled before groups had incidents) is its own event.
  const Notification& last = batch.back();
  if (!last.group_key.empty() && !last.incident.is_null()) {
    return {request_to(r, r.url, pagerduty_group_payload(last.incident, secret)), {}};
  }
  const Notification& first = batch.front();
  return {request_to(r, r.url, pagerduty_payload(first.record, first.reason, secret)), {}};
}

Encoded encode_slack(const model::Receiver& r, const std::string& secret, const std::vector<Notification>& batch,
                     model::TimePoint) {
  const std::string& url = r.url.empty() ? secret : r.url;
  if (url.empty()) return {std::nullopt, "no incoming-webhook URL (url_file / url_env)"};
  std::vector<std::string> ids;
  return {request_to(r, url, slack_payload(group_items(batch, ids), batch.back().incident)), {}};
}

Encoder encoder_for(model::ReceiverType type) {
  switch (type) {
    case model::ReceiverType::Webhook:
      return encode_webhook;
    case model::ReceiverType::Alertmanager:
      return encode_alertmanager;
    case model::ReceiverType::PagerDuty:
      return encode_pagerduty;
    case model::ReceiverType::Slack:
      return encode_slack;
  }
  return encode_webhook;
}

}  // namespace

Encoded encode(const model::Receiver& r, const std::string& secret, const std::vector<Notification>& batch,
               model::TimePoint now) {
  return encoder_for(r.type)(r, secret, batch, now);
}

}  // namespace greenlight::alerting
