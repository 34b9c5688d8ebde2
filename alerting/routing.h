#pragma once

// Which receivers an alert goes to (SPEC 2, "Routes"), as Alertmanager's routing tree:
// the configured [[alerting.routes]] are the children of an implicit root. Among sibling
// routes the first that matches (label `match`, anchored `match_re`, `min_severity`)
// takes the alert, and the search stops there unless that route has `continue = true`;
// within a matching route its children are searched the same way, and if none matches
// the route itself takes the alert. A route without a receiver uses its parent's.
// Pure.

#include <string>
#include <vector>

#include "model/model.h"

namespace greenlight::alerting {

struct RouteMatch {
  std::string receiver;
  const model::Route* route = nullptr;  // for group_wait, group_interval, repeat_interval
  std::vector<std::size_t> path;        // position in the tree: identifies the route
  // Receiver, route path and the group_by label values, e.g. "oncall@0{root_cause=database}";
  // "" on a route with group_by = ["..."] (each alert alone).
  std::string group_key;
};

bool route_matches(const model::Route& route, const model::Labels& labels, model::Severity severity);

// Empty when no route takes the alert (it is then listed but sent nowhere).
std::vector<RouteMatch> route_alert(const std::vector<model::Route>& routes, const model::Labels& labels,
                                    model::Severity severity);

}  // namespace greenlight::alerting
