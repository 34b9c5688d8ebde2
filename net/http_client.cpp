#include "net/http_client.h"

#include <httplib.h>

#include <chrono>
#include <cstdint>

namespace greenlight::net {

namespace {

// "https://host:port/path?q" -> ("https://host:port", "/path?q").
std::pair<std::string, std::string> split_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (path_start == std::string_view::npos) return {std::string(url), "/"};
  return {std::string(url.substr(0, path_start)), std::string(url.substr(path_start))};
}

// cpp-httplib names its errors tersely ("Connection"); on-call engineers get a sentence.
std::string describe(httplib::Error e, model::Duration timeout) {
  switch (e) {
    case httplib::Error::Connection: return "cannot connect (refused or unreachable)";
    case httplib::Error::ConnectionTimeout: return "connect timed out after " + model::format_duration(timeout);
    case httplib::Error::Read: return "no complete response within " + model::format_duration(timeout);
    case httplib::Error::Write: return "sending the request failed";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load the CA certificates";
    case httplib::Error::SSLServerVerification: return "server certificate verification failed";
    case httplib::Error::ExceedRedirectCount: return "too many redirects";
    case httplib::Error::BindIPAddress: return "cannot bind the local address";
    default: return "request failed (" + httplib::to_string(e) + ")";
  }
}

}  // namespace

HttpResponse http_request(const HttpRequest& req) {
  HttpResponse out;
  const auto [origin, path] = split_url(req.url);
  httplib::Client cli(origin);
  cli.set_connection_timeout(req.timeout);
  cli.set_read_timeout(req.timeout);
  cli.set_write_timeout(req.timeout);
  cli.set_keep_alive(false);
  cli.enable_server_certificate_verification(req.tls_verify);
  if (!req.ca_file.empty()) cli.set_ca_cert_path(req.ca_file);
  httplib::Headers headers(req.headers.begin(), req.headers.end());

  std::string full_path = path;
  if (!req.query.empty()) {
    httplib::Params params(req.query.begin(), req.query.end());
    full_path += (path.find('?') == std::string::npos ? "?" : "&") + httplib::detail::params_to_query_str(params);
  }
  httplib::Request r;
  r.method = req.method;
  r.path = full_path;
  r.headers = headers;
  r.body = req.body;
  if (!req.body.empty() && !r.has_header("Content-Type")) r.set_header("Content-Type", "application/json");

  const auto start = std::chrono::steady_clock::now();
  // The body is collected here rather than by cpp-httplib, whose timeouts are per read:
  // a cap on its size and one deadline for all of it.
  std::string body;
  bool too_large = false;
  r.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
    if (body.size() + n > kMaxResponseBody) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return std::chrono::steady_clock::now() - start <= req.timeout;
  };
  httplib::Result res = cli.send(r);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!res) {
    out.error = too_large                               ? kResponseTooLarge
                : res.error() == httplib::Error::Canceled ? describe(httplib::Error::Read, req.timeout)
                                                          : describe(res.error(), req.timeout);
    return out;
  }
  out.status = res->status;
  out.retry_after = res->get_header_value("Retry-After");
  out.body = std::move(body);
  return out;
}

}  // namespace greenlight::net
