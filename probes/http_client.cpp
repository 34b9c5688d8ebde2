#include "probes/http_client.h"

#include <httplib.h>

#include <chrono>

namespace greenlight::probes {

namespace {

// "https://host:port/path?q" -> ("https://host:port", "/path?q").
std::pair<std::string, std::string> split_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  if (path_start == std::string_view::npos) return {std::string(url), "/"};
  return {std::string(url.substr(0, path_start)), std::string(url.substr(path_start))};
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
  httplib::Result res = cli.send(r);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!res) {
    out.error = httplib::to_string(res.error());
    if (res.error() == httplib::Error::SSLServerVerification) {
      out.error += " (certificate verification failed)";
    }
    return out;
  }
  out.status = res->status;
  out.body = std::move(res->body);
  return out;
}

}  // namespace greenlight::probes
