// The Alertmanager v2 shapes of greenlight's alerts and silences (alertmanager_api.h).

#include "dashboards/alertmanager_api.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "alerting/content.h"
#include "alerting/routing.h"

namespace greenlight::dashboards {

using alerting::LabelMatcher;
using model::TimePoint;
using nlohmann::json;

namespace {

using Op = LabelMatcher::Op;

// Alertmanager's own resolve_timeout default: an alert it has not heard of for this long
// ends; greenlight reports endsAt this far after the last evaluation, as Alertmanager does.
constexpr auto kResolveTimeout = std::chrono::minutes(5);

// The value of a matcher after its operator: an optional pair of quotes, with \" \\ \n
// escapes inside (pkg/labels/parse.go ParseMatcher). false: a stray quote.
bool unquote(std::string raw, std::string& out) {
  const bool quoted = !raw.empty() && raw.front() == '"';
  if (quoted) raw.erase(0, 1);
  bool closed = !quoted;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      const char n = raw[++i];
      if (n == 'n') {
        out += '\n';
      } else if (n == '"' || n == '\\') {
        out += n;
      } else {
        out += '\\';
        out += n;
      }
    } else if (c == '"') {
      if (!quoted || i + 1 != raw.size()) return false;
      closed = true;
    } else {
      out += c;
    }
  }
  return closed;
}

json matcher_json(const std::string& name, const std::string& value, Op op) {
  return {{"name", name},
          {"value", value},
          {"isRegex", op == Op::Regex || op == Op::NotRegex},
          {"isEqual", op == Op::Equal || op == Op::Regex}};
}

// Alertmanager's CheckSilenceMatchesFilterLabels: every filter matcher has a twin in the
// silence (same name, kind and value).
bool silence_has(const alerting::Silence& s, const LabelMatcher& f) {
  if (f.op == Op::Equal) {
    const auto it = s.match.find(f.name);
    if (it != s.match.end() && it->second == f.value) return true;
  }
  return std::any_of(s.matchers.begin(), s.matchers.end(),
                     [&](const LabelMatcher& m) { return m.name == f.name && m.op == f.op && m.value == f.value; });
}

std::string silence_state(const alerting::Silence& s, TimePoint now) {
  return s.ends_at <= now ? "expired" : s.starts_at > now ? "pending" : "active";
}

// The alert as greenlight's alertmanager receiver posts it, plus the v2 read fields.
json one_alert(const engine::Snapshot& snap, const alerting::Alert& a, const std::vector<std::string>& receivers,
               const json& status) {
  const alerting::Notice n{0, alerting::NotifyReason::Firing, a.severity, a.state, snap.evaluated_at};
  json am = alerting::alertmanager_payload(alerting::alert_record(*snap.model, snap.state, a, n), n.reason).at(0);
  json names = json::array();
  for (const std::string& r : receivers) names.push_back({{"name", r}});
  am["receivers"] = std::move(names);
  am["fingerprint"] = alert_fingerprint(a.id);
  am["updatedAt"] = model::format_rfc3339(snap.evaluated_at);
  am["endsAt"] = model::format_rfc3339(snap.evaluated_at + kResolveTimeout);
  am["status"] = status;
  return am;
}

// The status of a firing alert: its silences, and the alerts of its root causes that
// explain it when greenlight holds it as a symptom.
json alert_status(const engine::Snapshot& snap, const alerting::Alert& a,
                  const std::vector<alerting::Silence>& silences) {
  json silenced_by = json::array(), inhibited_by = json::array();
  model::Labels seen = a.labels;
  seen["alertname"] = std::string(alerting::alertname(a.kind));
  for (const auto& s : silences) {
    if (a.silenced && s.active(snap.evaluated_at) && s.matches(seen)) silenced_by.push_back(s.id);
  }
  if (a.suppressed || a.held_down) {
    const auto rc = a.labels.find("root_cause");
    std::string ids = rc == a.labels.end() ? "" : rc->second;
    for (std::size_t start = 0; start <= ids.size();) {
      const std::size_t end = std::min(ids.find(',', start), ids.size());
      const std::string cause = "component/" + ids.substr(start, end - start);
      const bool fires = std::any_of(snap.alerts.begin(), snap.alerts.end(), [&](const alerting::Alert& o) {
        return o.id == cause && o.id != a.id && o.status == alerting::AlertStatus::Firing;
      });
      if (fires) inhibited_by.push_back(alert_fingerprint(cause));
      start = end + 1;
    }
  }
  const bool suppressed = !silenced_by.empty() || a.suppressed || a.held_down;
  return {{"state", suppressed ? "suppressed" : "active"},
          {"silencedBy", std::move(silenced_by)},
          {"inhibitedBy", std::move(inhibited_by)}};
}

bool wanted(const AmAlertQuery& q, const json& status, const json& labels, const std::vector<std::string>& receivers) {
  const bool silenced = !status["silencedBy"].empty();
  const bool inhibited = status["state"] == "suppressed" && !silenced;
  if (!q.active && status["state"] == "active") return false;
  if (!q.silenced && silenced) return false;
  if (!q.inhibited && inhibited) return false;
  model::Labels l;
  for (const auto& [k, v] : labels.items()) l[k] = v.get<std::string>();
  if (!std::all_of(q.filter.begin(), q.filter.end(), [&](const LabelMatcher& m) { return m.matches(l); })) return false;
  return !q.receiver || std::any_of(receivers.begin(), receivers.end(),
                                    [&](const std::string& r) { return std::regex_match(r, *q.receiver); });
}

std::string parse_am_matchers(const json& list, alerting::Silence& out) {
  if (!list.is_array() || list.empty()) return "at least one matcher required";
  bool all_match_empty = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& m = list[i];
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string() || !m.contains("value") ||
        !m["value"].is_string() || !m.value("isRegex", json(false)).is_boolean() ||
        !m.value("isEqual", json(true)).is_boolean()) {
      return "invalid label matcher " + std::to_string(i) + ": name and value must be strings, isRegex and isEqual booleans";
    }
    const bool regex = m.value("isRegex", false), equal = m.value("isEqual", true);
    const Op op = regex ? (equal ? Op::Regex : Op::NotRegex) : (equal ? Op::Equal : Op::NotEqual);
    std::string error;
    auto made = LabelMatcher::make(m["name"], m["value"], op, error);
    if (!made) return "invalid label matcher " + std::to_string(i) + ": " + error;
    all_match_empty = all_match_empty && made->matches_empty();
    if (op == Op::Equal && !made->value.empty() && !out.match.contains(made->name)) {
      out.match[made->name] = made->value;
    } else {
      out.matchers.push_back(std::move(*made));
    }
  }
  if (all_match_empty) return "at least one matcher must not match the empty string";
  return "";
}

std::optional<TimePoint> time_field(const json& body, const char* key) {
  if (!body.contains(key) || !body[key].is_string()) return std::nullopt;
  return model::parse_rfc3339(body[key].get<std::string>());
}

}  // namespace

std::optional<LabelMatcher> parse_matcher(const std::string& text, std::string& error) {
  static const std::regex kForm(R"(^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$)");
  std::smatch m;
  std::string value;
  if (!std::regex_match(text, m, kForm) || !unquote(m[3].str(), value)) {
    error = "bad matcher format: " + text;
    return std::nullopt;
  }
  const std::string op = m[2].str();
  return LabelMatcher::make(m[1].str(), value,
                            op == "=" ? Op::Equal : op == "!=" ? Op::NotEqual : op == "=~" ? Op::Regex : Op::NotRegex,
                            error);
}

std::string alert_fingerprint(const std::string& alert_id) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(model::stable_hash(alert_id)));
  return hex;
}

json am_alerts_json(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences,
                    const AmAlertQuery& q) {
  json list = json::array();
  for (const alerting::Alert& a : snap.alerts) {
    if (a.status != alerting::AlertStatus::Firing) continue;
    std::vector<std::string> receivers;
    for (const auto& r : alerting::route_alert(snap.model->alerting.routes, a.labels, a.severity)) {
      if (std::find(receivers.begin(), receivers.end(), r.receiver) == receivers.end()) receivers.push_back(r.receiver);
    }
    json status = alert_status(snap, a, silences);
    json one = one_alert(snap, a, receivers, status);
    if (wanted(q, status, one["labels"], receivers)) list.push_back(std::move(one));
  }
  std::sort(list.begin(), list.end(),
            [](const json& x, const json& y) { return x["fingerprint"].get<std::string>() < y["fingerprint"].get<std::string>(); });
  return list;
}

json am_alert_groups_json(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences,
                          const AmAlertQuery& q) {
  std::map<std::pair<std::string, std::string>, json> groups;  // (receiver, group key) -> group
  for (const alerting::Alert& a : snap.alerts) {
    if (a.status != alerting::AlertStatus::Firing) continue;
    const auto routes = alerting::route_alert(snap.model->alerting.routes, a.labels, a.severity);
    std::vector<std::string> receivers;
    for (const auto& r : routes) receivers.push_back(r.receiver);
    const json status = alert_status(snap, a, silences);
    const json one = one_alert(snap, a, receivers, status);
    if (!wanted(q, status, one["labels"], receivers)) continue;
    for (const auto& r : routes) {
      json labels = json::object();
      if (r.route->group_by_all) {
        labels = one["labels"];
      } else {
        for (const std::string& k : r.route->group_by) {
          if (one["labels"].contains(k)) labels[k] = one["labels"][k];
        }
      }
      json& g = groups[{r.receiver, r.group_key.empty() ? one["fingerprint"].get<std::string>() : r.group_key}];
      if (g.is_null()) g = {{"labels", labels}, {"receiver", {{"name", r.receiver}}}, {"alerts", json::array()}};
      g["alerts"].push_back(one);
    }
  }
  json list = json::array();
  for (auto& [key, g] : groups) list.push_back(std::move(g));
  return list;
}

json am_silence_json(const alerting::Silence& s, TimePoint now) {
  json matchers = json::array();
  for (const auto& [name, value] : s.match) matchers.push_back(matcher_json(name, value, Op::Equal));
  for (const auto& m : s.matchers) matchers.push_back(matcher_json(m.name, m.value, m.op));
  const std::string state = silence_state(s, now);
  return {{"id", s.id},
          {"status", {{"state", state}}},
          // greenlight keeps no edit time: a silence changes only when it is expired.
          {"updatedAt", model::format_rfc3339(state == "expired" ? s.ends_at : s.starts_at)},
          {"matchers", std::move(matchers)},
          {"startsAt", model::format_rfc3339(s.starts_at)},
          {"endsAt", model::format_rfc3339(s.ends_at)},
          {"createdBy", s.author},
          {"comment", s.comment}};
}

json am_silences_json(const std::vector<alerting::Silence>& silences, const std::vector<LabelMatcher>& filter,
                      TimePoint now) {
  std::vector<const alerting::Silence*> kept;
  for (const auto& s : silences) {
    if (std::all_of(filter.begin(), filter.end(), [&](const LabelMatcher& f) { return silence_has(s, f); })) {
      kept.push_back(&s);
    }
  }
  static const std::map<std::string, int> kOrder{{"active", 0}, {"pending", 1}, {"expired", 2}};
  std::stable_sort(kept.begin(), kept.end(), [&](const alerting::Silence* a, const alerting::Silence* b) {
    const std::string sa = silence_state(*a, now), sb = silence_state(*b, now);
    if (sa != sb) return kOrder.at(sa) < kOrder.at(sb);
    if (sa == "active") return a->ends_at < b->ends_at;
    if (sa == "pending") return a->starts_at < b->starts_at;
    return a->ends_at > b->ends_at;
  });
  json list = json::array();
  for (const auto* s : kept) list.push_back(am_silence_json(*s, now));
  return list;
}

std::string parse_am_silence(const std::string& text, TimePoint now, alerting::Silence& out, std::string& id) {
  const json body = json::parse(text, nullptr, false);
  if (!body.is_object()) return "the body must be a JSON object (a postableSilence)";
  if (body.contains("id") && !body["id"].is_null()) {
    if (!body["id"].is_string()) return "id must be a string";
    id = body["id"];
  }
  if (std::string error = parse_am_matchers(body.value("matchers", json()), out); !error.empty()) {
    return "invalid silence: " + error;
  }
  const auto starts = time_field(body, "startsAt"), ends = time_field(body, "endsAt");
  if (!starts || !ends) return "startsAt and endsAt must be RFC 3339 times, e.g. 2026-11-29T22:00:00Z";
  out.starts_at = std::max(*starts, now);  // a start in the past is now, as in Alertmanager
  out.ends_at = *ends;
  if (*starts >= *ends) return "Failed to create silence: start time must be before end time";
  if (*ends < now) return "Failed to create silence: end time can't be in the past";
  if (!body.value("createdBy", json()).is_string() || body["createdBy"].get<std::string>().empty()) {
    return "invalid silence: createdBy is required: who silenced it";
  }
  if (body.contains("comment") && !body["comment"].is_string()) return "comment must be a string";
  out.author = body["createdBy"];
  out.comment = body.value("comment", "");
  return "";
}

json am_status_json(const std::string& version, TimePoint started) {
  return {{"cluster", {{"status", "disabled"}, {"peers", json::array()}}},
          {"versionInfo",
           {{"version", version},
            {"revision", ""},
            {"branch", "greenlight"},
            {"buildUser", "greenlight"},
            {"buildDate", ""},
            {"goVersion", "none (greenlight, C++)"}}},
          // No Alertmanager configuration: greenlight routes by its model's [alerting].
          {"config", {{"original", "# greenlight " + version + ": routes and receivers are the model's [alerting]\n"}}},
          {"uptime", model::format_rfc3339(started)}};
}

}  // namespace greenlight::dashboards
