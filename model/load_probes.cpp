// The probe keys of a signal (SPEC section 5): one spec per probe kind.

#include <regex>
#include <set>
#include <string>

#include "model/load_sections.h"

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
    try {
      std::regex check(*v);
      h.expect_body = *v;
    } catch (const std::regex_error& e) {
      r.error(*r.node("expect_body"), "expect_body is not a valid regular expression: " + std::string(e.what()));
    }
  }
  if (auto v = r.string("ca_file")) h.ca_file = ctx.resolve(*v);
  if (auto v = r.boolean("tls_verify")) h.tls_verify = *v;
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
      if (!age_thresholds(r, s) && !s.thresholds.red_above) r.error_here("missing required key \"red_after\"");
      s.spec = HeartbeatSpec{};
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
