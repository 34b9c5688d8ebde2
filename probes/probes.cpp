// The halves of the HTTP-based probes (the request, and the outcome of its response) and
// the file_age probe. The event-loop probes and the dispatcher are in loop_probes.cpp.

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <regex>

#include "probes/exposition.h"
#include "net/http_client.h"
#include "probes/probe.h"

#include "model/user_regex.h"
#include "probes/promql_answer.h"

namespace greenlight::probes {

using net::HttpRequest;
using net::HttpResponse;
using net::http_request;

using model::ProbeOutcome;

namespace {

ProbeOutcome failure(std::string message) { return {false, std::nullopt, std::move(message), std::nullopt}; }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string latency_text(double seconds) { return fixed(seconds * 1000.0, seconds < 0.01 ? 2 : 0) + " ms"; }

HttpRequest http_request_for(const model::HttpSpec& spec, model::Duration timeout) {
  HttpRequest req;
  req.method = spec.method;
  req.url = spec.url;
  req.headers = spec.headers;
  req.body = spec.body;
  req.timeout = timeout;
  req.ca_file = spec.ca_file;
  req.tls_verify = spec.tls_verify;
  req.keepalive = spec.keepalive;
  return req;
}

ProbeOutcome http_outcome(const model::HttpSpec& spec, const HttpResponse& res) {
  if (res.status == 0) return failure(spec.method + " " + spec.url + ": " + res.error);
  const bool status_ok = spec.expect_status.empty()
                             ? res.status >= 200 && res.status < 300
                             : std::find(spec.expect_status.begin(), spec.expect_status.end(), res.status) !=
                                   spec.expect_status.end();
  ProbeOutcome o{status_ok, res.seconds, "HTTP " + std::to_string(res.status) + " in " + latency_text(res.seconds), {}};
  if (!status_ok) {
    o.message += spec.expect_status.empty() ? " (expected 2xx)" : " (unexpected status)";
    return o;
  }
  if (!spec.expect_body.empty()) {
    // Compiled as the loader checked it (model/user_regex.h): the linear-time matcher. The
    // default one recursed once per body character, and `ok.*` against a 200 KB answer
    // overflowed the stack and killed the daemon.
    std::regex re;
    if (const std::string error = model::compile_user_regex(spec.expect_body, re); !error.empty()) {
      o.ok = false;
      o.message += ", body match failed: " + error;
      return o;
    }
    try {
      if (!std::regex_search(res.body, re)) {
        o.ok = false;
        o.message += ", body does not match /" + spec.expect_body + "/";
      }
    } catch (const std::exception& e) {  // regex complexity limits on hostile bodies
      o.ok = false;
      o.message += std::string(", body match failed: ") + e.what();
    }
  }
  return o;
}

ProbeOutcome probe_http(const model::HttpSpec& spec, model::Duration timeout) {
  return http_outcome(spec, http_request(http_request_for(spec, timeout)));
}

ProbeOutcome probe_file_age(const model::FileAgeSpec& spec, model::TimePoint now) {
  struct stat st{};
  if (stat(spec.path.c_str(), &st) != 0) return failure(spec.path + ": " + std::strerror(errno));
  const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec) +
                     std::chrono::nanoseconds(st.st_mtim.tv_nsec);
  const double age = std::chrono::duration<double>(now - mtime).count();
  return {true, age, spec.path + " modified " + model::format_duration(model::Duration(static_cast<std::int64_t>(age) * 1000)) + " ago", {}};
}

HttpRequest prometheus_request(const model::PromQuerySpec& spec, model::Duration timeout) {
  HttpRequest req;
  req.url = spec.url + (spec.url.ends_with('/') ? "" : "/") + "api/v1/query";
  req.query = {{"query", spec.query}};
  req.timeout = timeout;
  return req;
}

ProbeOutcome prometheus_outcome(const model::PromQuerySpec& spec, const HttpResponse& res) {
  if (res.status == 0) return failure("query " + spec.url + ": " + res.error);
  return read_query_answer(res.status, res.body, spec.query);
}

HttpRequest scrape_request(const model::ScrapeSpec& spec, model::Duration timeout) {
  HttpRequest req;
  req.url = spec.url;
  req.timeout = timeout;
  req.headers = {{"Accept", "text/plain;version=0.0.4"}};
  return req;
}

ProbeOutcome scrape_outcome(const model::ScrapeSpec& spec, const HttpResponse& res) {
  if (res.status == 0) return failure("scrape " + spec.url + ": " + res.error);
  if (res.status != 200) return failure("scrape " + spec.url + ": HTTP " + std::to_string(res.status));
  const SampleLookup s = find_sample(res.body, spec.metric, spec.labels);
  if (!s.value) return failure(s.error);
  return {true, *s.value, spec.metric + " = " + fixed(*s.value, std::fabs(*s.value) < 100 ? 3 : 0), {}};
}

}  // namespace greenlight::probes
