// The network and file probes, and the dispatcher. The exec probe is in exec_probe.cpp.

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <regex>

#include "probes/exposition.h"
#include "net/http_client.h"
#include "probes/network.h"
#include "probes/probe.h"
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

std::string ms(double seconds) { return fixed(seconds * 1000.0, seconds < 0.01 ? 2 : 0) + " ms"; }

}  // namespace

HttpRequest http_request_for(const model::HttpSpec& spec, model::Duration timeout) {
  HttpRequest req;
  req.method = spec.method;
  req.url = spec.url;
  req.headers = spec.headers;
  req.body = spec.body;
  req.timeout = timeout;
  req.ca_file = spec.ca_file;
  req.tls_verify = spec.tls_verify;
  return req;
}

ProbeOutcome http_outcome(const model::HttpSpec& spec, const HttpResponse& res) {
  if (res.status == 0) return failure(spec.method + " " + spec.url + ": " + res.error);
  const bool status_ok = spec.expect_status.empty()
                             ? res.status >= 200 && res.status < 300
                             : std::find(spec.expect_status.begin(), spec.expect_status.end(), res.status) !=
                                   spec.expect_status.end();
  ProbeOutcome o{status_ok, res.seconds, "HTTP " + std::to_string(res.status) + " in " + ms(res.seconds), {}};
  if (!status_ok) {
    o.message += spec.expect_status.empty() ? " (expected 2xx)" : " (unexpected status)";
    return o;
  }
  if (!spec.expect_body.empty()) {
    try {
      if (!std::regex_search(res.body, std::regex(spec.expect_body))) {
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

ProbeOutcome probe_tcp(const model::TcpSpec& spec, model::Duration timeout) {
  Connection c = tcp_connect(spec.target, timeout);
  if (c.fd < 0) return failure("connect " + spec.target + ": " + c.error);
  close(c.fd);
  return {true, c.seconds, "connected to " + spec.target + " in " + ms(c.seconds), {}};
}

ProbeOutcome probe_tls(const model::TlsSpec& spec, model::Duration timeout, model::TimePoint now) {
  Connection c = tcp_connect(spec.target, timeout);
  if (c.fd < 0) return failure("connect " + spec.target + ": " + c.error);
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  const std::string host = !spec.server_name.empty()
                               ? spec.server_name
                               : spec.target.substr(spec.target.front() == '[' ? 1 : 0,
                                                    spec.target.rfind(spec.target.front() == '[' ? "]:" : ":") -
                                                        (spec.target.front() == '[' ? 1 : 0));
  ProbeOutcome o = failure("TLS handshake with " + spec.target + " failed");
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = ctx ? SSL_new(ctx) : nullptr;
  if (ssl != nullptr) {
    // Verify, but finish the handshake either way: an expired certificate must still
    // report its (negative) days, so verification is read afterwards.
    if (spec.ca_file.empty()) {
      SSL_CTX_set_default_verify_paths(ctx);
    } else {
      SSL_CTX_load_verify_locations(ctx, spec.ca_file.c_str(), nullptr);
    }
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
    SSL_set_fd(ssl, c.fd);
    if (SSL_connect(ssl) == 1) {
      X509* cert = SSL_get1_peer_certificate(ssl);
      if (cert == nullptr) {
        o = failure("no certificate from " + spec.target);
      } else {
        int days = 0, secs = 0;
        ASN1_TIME* at_now = ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(now));
        ASN1_TIME_diff(&days, &secs, at_now, X509_get0_notAfter(cert));
        ASN1_TIME_free(at_now);
        const double left = days + secs / 86400.0;
        const long verify = SSL_get_verify_result(ssl);
        o = {true, left, "certificate for " + host + " expires in " + fixed(left, 1) + " days", {}};
        if (verify != X509_V_OK && verify != X509_V_ERR_CERT_HAS_EXPIRED) {
          o.ok = false;
          o.message += "; verification failed: " + std::string(X509_verify_cert_error_string(verify));
        }
        X509_free(cert);
      }
    } else {
      const unsigned long err = ERR_get_error();
      if (err != 0) {
        char buf[256];
        ERR_error_string_n(err, buf, sizeof buf);
        o.message += std::string(": ") + buf;
      }
    }
    SSL_free(ssl);
  }
  if (ctx) SSL_CTX_free(ctx);
  ERR_clear_error();
  close(c.fd);
  return o;
}

ProbeOutcome probe_file_age(const model::FileAgeSpec& spec, model::TimePoint now) {
  struct stat st{};
  if (stat(spec.path.c_str(), &st) != 0) return failure(spec.path + ": " + std::strerror(errno));
  const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec) +
                     std::chrono::nanoseconds(st.st_mtim.tv_nsec);
  const double age = std::chrono::duration<double>(now - mtime).count();
  return {true, age, spec.path + " modified " + model::format_duration(model::Duration(static_cast<std::int64_t>(age) * 1000)) + " ago", {}};
}

ProbeOutcome probe_prometheus(const model::PromQuerySpec& spec, model::Duration timeout) {
  HttpRequest req;
  req.url = spec.url + (spec.url.ends_with('/') ? "" : "/") + "api/v1/query";
  req.query = {{"query", spec.query}};
  req.timeout = timeout;
  const HttpResponse res = http_request(req);
  if (res.status == 0) return failure("query " + spec.url + ": " + res.error);
  return read_query_answer(res.status, res.body, spec.query);
}

ProbeOutcome probe_scrape(const model::ScrapeSpec& spec, model::Duration timeout) {
  HttpRequest req;
  req.url = spec.url;
  req.timeout = timeout;
  req.headers = {{"Accept", "text/plain;version=0.0.4"}};
  const HttpResponse res = http_request(req);
  if (res.status == 0) return failure("scrape " + spec.url + ": " + res.error);
  if (res.status != 200) return failure("scrape " + spec.url + ": HTTP " + std::to_string(res.status));
  const SampleLookup s = find_sample(res.body, spec.metric, spec.labels);
  if (!s.value) return failure(s.error);
  return {true, *s.value, spec.metric + " = " + fixed(*s.value, std::fabs(*s.value) < 100 ? 3 : 0), {}};
}

ProbeRun run_probe(const model::Signal& signal, const ProbeContext& ctx) noexcept {
  const auto start = std::chrono::steady_clock::now();
  ProbeRun run;
  try {
    run.outcome = std::visit(
        [&](const auto& spec) -> ProbeOutcome {
          using T = std::decay_t<decltype(spec)>;
          if constexpr (std::is_same_v<T, model::HttpSpec>) return probe_http(spec, signal.timeout);
          if constexpr (std::is_same_v<T, model::TcpSpec>) return probe_tcp(spec, signal.timeout);
          if constexpr (std::is_same_v<T, model::ExecSpec>) return probe_exec(spec, signal.timeout);
          if constexpr (std::is_same_v<T, model::TlsSpec>) return probe_tls(spec, signal.timeout, ctx.now);
          if constexpr (std::is_same_v<T, model::HeartbeatSpec>) return probe_heartbeat(ctx.last_heartbeat, ctx.now);
          if constexpr (std::is_same_v<T, model::FileAgeSpec>) return probe_file_age(spec, ctx.now);
          if constexpr (std::is_same_v<T, model::PromQuerySpec>) return probe_prometheus(spec, signal.timeout);
          if constexpr (std::is_same_v<T, model::ScrapeSpec>) return probe_scrape(spec, signal.timeout);
        },
        signal.spec);
  } catch (const std::exception& e) {
    run.outcome = failure(std::string("probe error: ") + e.what());
  } catch (...) {
    run.outcome = failure("probe error");
  }
  run.duration = std::chrono::steady_clock::now() - start;
  return run;
}

}  // namespace greenlight::probes
