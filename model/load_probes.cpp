// The probe keys of a signal (SPEC section 5): one spec per probe kind.

#include <cmath>
#include <regex>
#include <set>
#include <string>

#include "model/load_sections.h"
#include "model/user_regex.h"

namespace greenlight::model {

namespace {

std::string url_key(TableReader& r, std::string_view key) {
  std::string url = r.string(key, true).value_or("");
  if (!url.empty() && !valid_http_url(url)) {
    r.error(*r.node(key), quote(key) + " must be an http:// or https:// URL, not " + quote(url));
  }
  return url;
}

std::string target_key(TableReader& r) {
  std::string target = r.string("target", true).value_or("");
  if (!target.empty() && !valid_host_port(target)) {
    r.error(*r.node("target"), "\"target\" must be HOST:PORT, not " + quote(target));
  }
  return target;
}

// heartbeat and file_age: "no news for red_after" is a threshold on the age in seconds.
// Returns whether red_after was given (and valid).
bool age_thresholds(TableReader& r, Signal& s) {
  const auto red = r.duration("red_after");
  const auto yellow = r.duration("yellow_after");
  if (red) s.thresholds.red_above = static_cast<double>(red->count()) / 1000.0;
  if (yellow) s.thresholds.yellow_above = static_cast<double>(yellow->count()) / 1000.0;
  if (red && yellow && *yellow > *red) r.error(*r.node("yellow_after"), "yellow_after must not be after red_after");
  return red.has_value();
}

// A cron problem is reported where it is inside the string: the string's node begins at
// its opening quote, so the expression's column c is at the node's column + c.
void cron_errors(TableReader& r, const toml::node& at, const std::vector<schedule::CronError>& errors) {
  for (const schedule::CronError& e : errors) {
    toml::source_region where = at.source();
    where.begin.column = static_cast<toml::source_index>(where.begin.column + e.column);
    r.error_at(where, "\"schedule\" is not a valid cron expression: " + e.message);
  }
}

std::optional<schedule::Zone> zone_key(LoadContext& ctx, TableReader& r, HeartbeatSpec& h) {
  const toml::node* n = r.node("timezone");
  const auto name = r.string("timezone");
  if (name) h.timezone = *name;
  if (!name || *name == "UTC") return schedule::Zone::utc();
  const schedule::ZoneLookup z = ctx.options.zone_lookup
                                     ? ctx.options.zone_lookup(*name)
                                     : schedule::ZoneLookup{std::nullopt, "unknown time zone " + quote(*name) +
                                                                              " (only \"UTC\" without the tzdb)"};
  if (!z.zone) r.error(*n, "\"timezone\": " + z.error);
  return z.zone;
}

// Keys that only one kind of heartbeat takes: reported where they are written.
void misplaced(TableReader& r, std::string_view key, const std::string& why) {
  if (const toml::node* n = r.node(key)) r.error(*n, quote(key) + " " + why);
}

// schedule or period, timezone, grace, max_runtime, token_file / token_env (SPEC 6.4).
HeartbeatSpec load_heartbeat(LoadContext& ctx, TableReader& r, Signal& s) {
  HeartbeatSpec h;
  const toml::node* cron_node = r.node("schedule");
  const toml::node* period_node = r.node("period");
  const auto cron = r.string("schedule");
  h.period = r.duration("period");
  if (auto v = r.duration("grace", true)) h.grace = *v;
  h.max_runtime = r.duration("max_runtime");
  if (auto v = r.string("token_file")) h.token.file = ctx.resolve(*v);
  if (auto v = r.string("token_env")) h.token.env = *v;
  if (cron_node && period_node) r.error(*period_node, "give \"schedule\" or \"period\", not both");
  if (cron_node || period_node) {
    const auto zone = zone_key(ctx, r, h);
    if (cron) {
      h.schedule_text = *cron;
      const schedule::CronParse parsed = schedule::parse_cron(*cron);
      cron_errors(r, *cron_node, parsed.errors);
      if (parsed.ok() && zone) {
        h.when = std::make_shared<const schedule::Schedule>(schedule::CronSchedule{*parsed.expr, *zone});
      }
    } else if (h.period) {
      h.when = std::make_shared<const schedule::Schedule>(schedule::Period{*h.period, TimePoint{}});
    }
    if (period_node && !cron_node) misplaced(r, "timezone", "applies to a cron \"schedule\", not to a period");
    const std::string why = "applies to an unscheduled heartbeat; a scheduled one is red once late past its grace";
    misplaced(r, "red_after", why);
    misplaced(r, "yellow_after", why);
    misplaced(r, "rpo", why + " (as its red_after)");
    return h;
  }
  const std::string why = "applies to a scheduled heartbeat (give \"schedule\" or \"period\")";
  misplaced(r, "timezone", why);
  misplaced(r, "grace", why);
  // rpo (SPEC 6.2): the deadline of a heartbeat that protects data, by its recovery
  // point objective's name: red once the last successful run is older than that.
  const toml::node* rpo_node = r.node("rpo");
  if (auto v = r.duration("rpo")) {
    s.rpo = *v;
    if (r.node("red_after")) r.error(*rpo_node, "give \"rpo\" or \"red_after\", not both");
    s.thresholds.red_above = static_cast<double>(v->count()) / 1000.0;
  }
  if (!age_thresholds(r, s) && !s.thresholds.red_above) {
    r.error_here("missing required key \"red_after\" (or a \"schedule\" or \"period\")");
  }
  if (s.thresholds.red_above) h.red_after = Duration{std::llround(*s.thresholds.red_above * 1000)};
  return h;
}

HttpSpec load_http(LoadContext& ctx, TableReader& r) {
  HttpSpec h;
  h.url = url_key(r, "url");
  const toml::node* method_node = r.node("method");
  if (auto v = r.string("method")) {
    static const std::set<std::string> kMethods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    if (kMethods.count(*v)) {
      h.method = *v;
    } else {
      r.error(*method_node, "method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }
  }
  if (auto v = r.string_table("headers")) h.headers.assign(v->begin(), v->end());
  if (auto v = r.string("body")) h.body = *v;
  if (const toml::array* codes = r.array("expect_status")) {
    for (const toml::node& code : *codes) {
      auto c = code.value_exact<std::int64_t>();
      if (!c || *c < 100 || *c > 599) {
        r.error(code, "every expect_status element must be an HTTP status code (100-599)");
      } else {
        h.expect_status.push_back(static_cast<int>(*c));
      }
    }
  }
  if (auto v = r.string("expect_body")) {
    std::regex check;
    if (const std::string error = compile_user_regex(*v, check); !error.empty()) {
      r.error(*r.node("expect_body"), "expect_body is not a valid regular expression: " + error);
    } else {
      h.expect_body = *v;
    }
  }
  if (auto v = r.string("ca_file")) h.ca_file = ctx.resolve(*v);
  if (auto v = r.boolean("tls_verify")) h.tls_verify = *v;
  if (auto v = r.boolean("keepalive")) h.keepalive = *v;
  return h;
}

ExecSpec load_exec(LoadContext& ctx, TableReader& r) {
  ExecSpec e;
  e.command = r.string_array("command", true);
  if (r.node("command") && e.command.empty()) {
    r.error(*r.node("command"), "\"command\" must not be empty: [\"/path/to/plugin\", \"arg\", ...]");
  }
  if (!e.command.empty() && e.command[0].find('/') != std::string::npos) e.command[0] = ctx.resolve(e.command[0]);
  return e;
}

TlsSpec load_tls(LoadContext& ctx, TableReader& r, Signal& s) {
  TlsSpec t;
  t.target = target_key(r);
  if (auto v = r.string("server_name")) t.server_name = *v;
  if (auto v = r.string("ca_file")) t.ca_file = ctx.resolve(*v);
  // Days to expiry: sensible defaults when no threshold is given.
  if (s.thresholds.empty()) {
    s.thresholds.yellow_below = 14;
    s.thresholds.red_below = 3;
  }
  return t;
}

}  // namespace

void load_probe(LoadContext& ctx, TableReader& r, Signal& s) {
  switch (s.kind) {
    case ProbeKind::Http:
      s.spec = load_http(ctx, r);
      break;
    case ProbeKind::Tcp:
      s.spec = TcpSpec{target_key(r)};
      break;
    case ProbeKind::Exec:
      s.spec = load_exec(ctx, r);
      break;
    case ProbeKind::Tls:
      s.spec = load_tls(ctx, r, s);
      break;
    case ProbeKind::Heartbeat:
      s.spec = load_heartbeat(ctx, r, s);
      break;
    case ProbeKind::FileAge: {
      FileAgeSpec f;
      if (auto v = r.string("path", true)) f.path = ctx.resolve(*v);
      age_thresholds(r, s);
      s.spec = std::move(f);
      break;
    }
    case ProbeKind::Prometheus: {
      PromQuerySpec p;
      p.url = url_key(r, "url");
      p.query = r.string("query", true).value_or("");
      s.spec = std::move(p);
      break;
    }
    case ProbeKind::Scrape: {
      ScrapeSpec sc;
      sc.url = url_key(r, "url");
      sc.metric = r.string("metric", true).value_or("");
      if (auto v = r.string_table("labels")) sc.labels = std::move(*v);
      s.spec = std::move(sc);
      break;
    }
  }
}

}  // namespace greenlight::model
