// [alerting] (SPEC section 5): the severity matrix, flapping, receivers, routes and silences.

#include <algorithm>
#include <regex>
#include <string>

#include "model/load_sections.h"
#include "model/user_regex.h"

namespace greenlight::model {

namespace {

// "30", "27.5": a percentage as the config wrote it.
std::string format_percent(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.ends_with('.')) s.pop_back();
  return s;
}

void load_severity(LoadContext& ctx, const toml::table& sev, SeverityMatrix& matrix) {
  TableReader sr(ctx.errors, sev, "[alerting.severity]");
  for (Criticality c : {Criticality::High, Criticality::Medium, Criticality::Low}) {
    const toml::table* row = sr.subtable(to_string(c));
    if (row == nullptr) continue;
    TableReader rr(ctx.errors, *row, "[alerting.severity] " + std::string(to_string(c)));
    for (Health h : {Health::Unknown, Health::Yellow, Health::Red}) {
      const toml::node* cell = rr.node(to_string(h));
      if (auto v = rr.string(to_string(h))) {
        if (auto s = parse_severity(*v)) {
          matrix.at[static_cast<int>(c)][static_cast<int>(h)] = *s;
        } else {
          rr.error(*cell, "severity must be none, info, warning, error or critical, not " + quote(*v));
        }
      }
    }
    rr.finish();
  }
  sr.finish();
}

// high / low in percent (SPEC 6.1). The old "max_changes" / "window" counted changes per
// time, which a window of results cannot mean: they are errors that say what replaced
// them, not silently ignored (a config that set them expects them to apply).
void load_flapping(LoadContext& ctx, const toml::table& flap, FlappingPolicy& flapping) {
  TableReader fr(ctx.errors, flap, "[alerting.flapping]");
  for (const char* old : {"max_changes", "window"}) {
    if (const toml::node* n = fr.node(old)) {
      fr.error(*n, quote(old) + " is no longer supported: flapping is the weighted share of state changes over "
                   "a signal's last 21 results, set \"high\" and \"low\" (percent; high = 100 turns it off)");
    }
  }
  const toml::node* high_node = fr.node("high");
  const toml::node* low_node = fr.node("low");
  const auto high = fr.number("high");
  const auto low = fr.number("low");
  bool ok = true;
  if (high && !(*high > 0 && *high <= 100)) {
    fr.error(*high_node, "\"high\" must be a percentage above 0 and at most 100");
    ok = false;
  }
  if (low && !(*low > 0 && *low <= 100)) {
    fr.error(*low_node, "\"low\" must be a percentage above 0 and at most 100");
    ok = false;
  }
  if (ok) {
    const double h = high.value_or(flapping.high), l = low.value_or(flapping.low);
    if (l > h) {
      fr.error(low_node ? *low_node : *high_node,
               "\"low\" (" + format_percent(l) + ") must not be above \"high\" (" + format_percent(h) + ")");
    } else {
      flapping.high = h;
      flapping.low = l;
    }
  }
  fr.finish();
}

// Nothing when `v` is not a table (reported).
std::optional<Receiver> load_receiver(LoadContext& ctx, std::string name, const toml::node& v) {
  Receiver rc;
  rc.name = std::move(name);
  const toml::table* rt = v.as_table();
  if (rt == nullptr) {
    ctx.error(v.source(), "receiver " + quote(rc.name) + " must be a table");
    return std::nullopt;
  }
  TableReader rr(ctx.errors, *rt, "receiver " + quote(rc.name));
  const toml::node* type_node = rr.required("type");
  const auto type = rr.string("type");
  if (auto v2 = rr.duration("timeout")) rc.timeout = *v2;
  auto url = [&](bool required) {
    const toml::node* n = required ? rr.required("url") : rr.node("url");
    if (auto u = rr.string("url")) {
      if (valid_http_url(*u)) {
        rc.url = *u;
      } else {
        rr.error(*n, "\"url\" must be an http:// or https:// URL");
      }
    }
  };
  // `*_file` / `*_env`: at most one of the two; `required` when no other source exists.
  auto secret = [&](std::string_view base, bool required) {
    const std::string file_key = std::string(base) + "_file", env_key = std::string(base) + "_env";
    if (auto f = rr.string(file_key)) rc.secret.file = ctx.resolve(*f);
    if (auto e = rr.string(env_key)) rc.secret.env = *e;
    if (!rc.secret.file.empty() && !rc.secret.env.empty()) {
      rr.error(*rr.node(env_key), "set either " + quote(file_key) + " or " + quote(env_key) + ", not both");
    }
    if (required && rc.secret.empty()) {
      rr.error_here("missing " + quote(file_key) + " or " + quote(env_key));
    }
  };
  if (type == "webhook") {
    rc.type = ReceiverType::Webhook;
    url(true);
    secret("secret", false);
    if (auto h = rr.string_table("headers")) rc.headers.assign(h->begin(), h->end());
  } else if (type == "alertmanager") {
    rc.type = ReceiverType::Alertmanager;
    load_alertmanager_urls(rr, rc);
  } else if (type == "pagerduty") {
    rc.type = ReceiverType::PagerDuty;
    url(false);
    if (rc.url.empty()) rc.url = "https://events.pagerduty.com/v2/enqueue";
    secret("routing_key", true);
  } else if (type == "slack") {
    rc.type = ReceiverType::Slack;
    url(false);
    secret("url", rc.url.empty());
    if (!rc.url.empty() && !rc.secret.empty()) rr.error_here("set \"url\" or \"url_file\"/\"url_env\", not both");
  } else if (type) {
    rr.error(*type_node, "receiver type must be webhook, alertmanager, pagerduty or slack, not " + quote(*type));
  }
  rr.finish();
  return rc;
}

// A top-level route must name its receiver; a child route inherits its parent's, and its
// group_by when it has none.
std::optional<Route> load_route(LoadContext& ctx, const toml::node& n, const std::string& context,
                                const Route* parent) {
  const bool top_level = parent == nullptr;
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    ctx.error(n.source(), context + " must be a table");
    return std::nullopt;
  }
  TableReader r(ctx.errors, *t, context);
  Route route;
  const toml::node* receiver_node = top_level ? r.required("receiver") : r.node("receiver");
  if (auto v = r.string("receiver")) {
    const auto& rs = ctx.model->alerting.receivers;
    if (std::none_of(rs.begin(), rs.end(), [&](const Receiver& x) { return x.name == *v; })) {
      r.error(*receiver_node, "route references unknown receiver " + quote(*v));
    }
    route.receiver = *v;
  }
  if (auto v = r.string_table("match")) route.match = std::move(*v);
  if (auto v = r.string_table("match_re")) {
    for (const auto& [label, pattern] : *v) {
      std::regex re;
      if (const std::string error = compile_user_regex(pattern, re, "^(?:", ")$"); !error.empty()) {
        r.error(*r.node("match_re"), "match_re." + label + " is not a valid regular expression: " + error);
      } else {
        route.match_re.push_back({label, pattern, std::move(re)});
      }
    }
  }
  const toml::node* sev_node = r.node("min_severity");
  if (auto v = r.string("min_severity")) {
    auto s = parse_severity(*v);
    if (!s || *s == Severity::None) {
      r.error(*sev_node, "min_severity must be info, warning, error or critical, not " + quote(*v));
    } else {
      route.min_severity = *s;
    }
  }
  if (parent != nullptr) {
    route.group_by = parent->group_by;
    route.group_by_all = parent->group_by_all;
  }
  if (const toml::node* gb = r.node("group_by")) {
    route.group_by = r.string_array("group_by");
    route.group_by_all = std::find(route.group_by.begin(), route.group_by.end(), "...") != route.group_by.end();
    if (route.group_by_all && route.group_by.size() > 1) {
      r.error(*gb, "group_by = [\"...\"] (one group per alert) cannot name other labels");
    }
    if (route.group_by_all) route.group_by.clear();
  }
  if (auto v = r.duration("group_wait", true)) route.group_wait = *v;
  if (auto v = r.duration("group_interval")) route.group_interval = *v;
  if (auto v = r.duration("repeat_interval")) route.repeat_interval = *v;
  if (auto v = r.boolean("continue")) route.continue_matching = *v;
  if (const toml::array* children = r.array("routes")) {
    for (std::size_t i = 0; i < children->size(); ++i) {
      if (auto child = load_route(ctx, *children->get(i), context + " route " + std::to_string(i + 1), &route)) {
        route.routes.push_back(std::move(*child));
      }
    }
  }
  r.finish();
  return route;
}

// `position` is 1-based. Nothing when `n` is not a table (reported).
std::optional<SilenceConfig> load_silence(LoadContext& ctx, const toml::node& n, std::size_t position) {
  const toml::table* st = n.as_table();
  if (st == nullptr) {
    ctx.error(n.source(), "silence " + std::to_string(position) + " must be a table");
    return std::nullopt;
  }
  TableReader sr(ctx.errors, *st, "silence " + std::to_string(position));
  SilenceConfig s;
  sr.required("match");
  if (auto m = sr.string_table("match")) {
    s.match = std::move(*m);
    if (s.match.empty()) sr.error(*sr.node("match"), "\"match\" must name at least one label");
  }
  const toml::node* start_node = sr.required("starts_at");
  const toml::node* end_node = sr.required("ends_at");
  auto starts = sr.timestamp("starts_at");
  auto ends = sr.timestamp("ends_at");
  if (starts) s.starts_at = *starts;
  if (ends) s.ends_at = *ends;
  if (starts && ends && *ends <= *starts && start_node && end_node) {
    sr.error(*end_node, "ends_at must be after starts_at");
  }
  if (auto v = sr.string("author")) s.author = *v;
  if (auto v = sr.string("comment")) s.comment = *v;
  sr.finish();
  return s;
}

}  // namespace

void load_alerting(LoadContext& ctx, const toml::table& t) {
  TableReader r(ctx.errors, t, "[alerting]");
  AlertingConfig& a = ctx.model->alerting;

  if (const toml::table* sev = r.subtable("severity")) load_severity(ctx, *sev, a.severity);
  if (const toml::table* flap = r.subtable("flapping")) load_flapping(ctx, *flap, a.flapping);
  if (auto v = r.duration("hold_down")) a.hold_down = *v;
  if (const toml::table* receivers = r.subtable("receivers")) {
    for (const auto& [k, v] : *receivers) {
      if (auto rc = load_receiver(ctx, std::string(k.str()), v)) a.receivers.push_back(std::move(*rc));
    }
  }
  if (const toml::array* routes = r.array("routes")) {
    for (std::size_t i = 0; i < routes->size(); ++i) {
      if (auto route = load_route(ctx, *routes->get(i), "route " + std::to_string(i + 1), nullptr)) {
        a.routes.push_back(std::move(*route));
      }
    }
  }
  if (const toml::array* silences = r.array("silences")) {
    for (std::size_t i = 0; i < silences->size(); ++i) {
      if (auto s = load_silence(ctx, *silences->get(i), i + 1)) a.silences.push_back(std::move(*s));
    }
  }
  r.finish();
}

}  // namespace greenlight::model
