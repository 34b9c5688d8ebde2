#include "alerting/routing.h"

#include <regex>

namespace greenlight::alerting {

using namespace model;

namespace {

std::string group_key(const Route& r, const std::string& receiver, const std::vector<std::size_t>& path,
                      const Labels& labels) {
  if (!r.grouped()) return "";  // group_by = ["..."]: each alert alone
  std::string key = receiver + "@";
  for (std::size_t i = 0; i < path.size(); ++i) key += (i ? "." : "") + std::to_string(path[i]);
  key += "{";
  for (std::size_t i = 0; i < r.group_by.size(); ++i) {
    const auto it = labels.find(r.group_by[i]);
    key += (i ? "," : "") + r.group_by[i] + "=" + (it == labels.end() ? "" : it->second);
  }
  return key + "}";
}

// Returns whether any of `routes` took the alert.
bool match_siblings(const std::vector<Route>& routes, const Labels& labels, Severity severity,
                    const std::string& parent_receiver, std::vector<std::size_t>& path, std::vector<RouteMatch>& out) {
  bool matched = false;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const Route& r = routes[i];
    if (!route_matches(r, labels, severity)) continue;
    const std::string receiver = r.receiver.empty() ? parent_receiver : r.receiver;
    path.push_back(i);
    if (!match_siblings(r.routes, labels, severity, receiver, path, out) && !receiver.empty()) {
      out.push_back({receiver, &r, path, group_key(r, receiver, path, labels)});
    }
    path.pop_back();
    matched = true;
    if (!r.continue_matching) break;
  }
  return matched;
}

}  // namespace

bool route_matches(const Route& route, const Labels& labels, Severity severity) {
  if (severity == Severity::None || severity < route.min_severity) return false;
  for (const auto& [k, v] : route.match) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const LabelRegex& m : route.match_re) {
    auto it = labels.find(m.label);
    if (!std::regex_match(it == labels.end() ? std::string() : it->second, m.re)) return false;
  }
  return true;
}

std::vector<RouteMatch> route_alert(const std::vector<Route>& routes, const Labels& labels, Severity severity) {
  std::vector<RouteMatch> out;
  std::vector<std::size_t> path;
  match_siblings(routes, labels, severity, "", path, out);
  return out;
}

}  // namespace greenlight::alerting
