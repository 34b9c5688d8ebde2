#include "net/http_async.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <vector>

namespace greenlight::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {
constexpr std::size_t kIdlePerOrigin = 16;  // idle keep-alive connections kept per origin (a batch's worth)
}  // namespace

struct ClientCache::Idle {
  std::map<std::string, std::vector<std::unique_ptr<PlainStream>>> plain;
  std::map<std::string, std::vector<std::unique_ptr<TlsStream>>> tls;
  std::map<std::string, std::shared_ptr<ssl::context>> contexts;  // by CA file

  template <class Stream>
  std::map<std::string, std::vector<std::unique_ptr<Stream>>>& of() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return tls;
    } else {
      return plain;
    }
  }
};

ClientCache::ClientCache() : idle(std::make_unique<Idle>()) {}
ClientCache::~ClientCache() = default;

std::shared_ptr<ssl::context> ClientCache::tls_context(const std::string& ca_file, std::string& error) {
  if (auto it = idle->contexts.find(ca_file); it != idle->contexts.end()) return it->second;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
  } else {
    ctx->load_verify_file(ca_file, ec);
  }
  if (ec) {
    error = "cannot load the CA certificates" + (ca_file.empty() ? std::string() : " from " + ca_file) + " (" +
            ec.message() + ")";
    return nullptr;
  }
  idle->contexts.emplace(ca_file, ctx);
  return ctx;
}

UrlParts parse_url(const std::string& url) {
  UrlParts u;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
    u.tls = true;
  } else {
    return u;
  }
  const auto slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (u.target.front() == '?') u.target.insert(0, "/");
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);  // no userinfo
  const std::string default_port = u.tls ? "443" : "80";
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return u;
    u.host = authority.substr(1, close - 1);
    u.port = close + 1 < authority.size() && authority[close + 1] == ':' ? authority.substr(close + 2) : default_port;
  } else {
    const auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    u.port = colon == std::string::npos ? default_port : authority.substr(colon + 1);
  }
  u.ok = !u.host.empty() && !u.port.empty() && u.port.find_first_not_of("0123456789") == std::string::npos &&
         u.port.size() <= 5;
  return u;
}

std::string url_encode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace {

std::string tls_error_text(const beast::error_code& ec, SSL* ssl) {
  if (ssl != nullptr) {
    if (const long v = SSL_get_verify_result(ssl); v != X509_V_OK) {
      return "server certificate verification failed: " + std::string(X509_verify_cert_error_string(v));
    }
  }
  return "TLS handshake failed (" + ec.message() + ")";
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(asio::io_context& ioc, ClientCache& cache, HttpRequest req, UrlParts url,
          std::function<void(HttpResponse)> done)
      : ioc_(ioc), cache_(cache), resolver_(ioc), req_(std::move(req)), url_(std::move(url)), done_(std::move(done)) {}

  void start() {
    start_ = std::chrono::steady_clock::now();
    deadline_ = start_ + req_.timeout;
    key_ = url_.host + "|" + url_.port + "|" + req_.ca_file + "|" + (req_.tls_verify ? "v" : "n");
    prepare_request();
    if (req_.keepalive) {
      auto& pool = cache_.idle->template of<Stream>()[key_];
      if (!pool.empty()) {
        stream_ = std::move(pool.back());
        pool.pop_back();
        reused_ = true;
        beast::get_lowest_layer(*stream_).expires_at(deadline_);
        return send();
      }
    }
    connect();
  }

 private:
  auto self() { return this->shared_from_this(); }
  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(*stream_); }

  void prepare_request() {
    std::string target = url_.target;
    for (const auto& [k, v] : req_.query) {
      target += (target.find('?') == std::string::npos ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
    }
    request_.method_string(req_.method);
    request_.target(target);
    request_.version(11);
    request_.set(http::field::host, url_.host.find(':') != std::string::npos ? "[" + url_.host + "]:" + url_.port
                                                                              : url_.host + ":" + url_.port);
    request_.set(http::field::user_agent, "greenlight");
    if (!req_.keepalive) request_.set(http::field::connection, "close");
    for (const auto& [k, v] : req_.headers) request_.set(k, v);
    if (!req_.body.empty()) {
      if (request_.find(http::field::content_type) == request_.end()) {
        request_.set(http::field::content_type, "application/json");
      }
      request_.body() = req_.body;
    }
    request_.prepare_payload();
  }

  void connect() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      std::string error;
      tls_ = cache_.tls_context(req_.ca_file, error);
      if (!tls_) return finish(error);
      stream_ = std::make_unique<Stream>(ioc_, *tls_);
    } else {
      stream_ = std::make_unique<Stream>(ioc_);
    }
    // One deadline for the whole request: tcp_stream's expiry is a point in time.
    tcp_layer().expires_at(deadline_);
    beast::error_code ec;
    const auto address = asio::ip::make_address(url_.host, ec);
    if (!ec) {  // an IP literal (the common case for probes): no resolver round trip
      const auto port = static_cast<unsigned short>(std::stoi(url_.port));
      tcp_layer().async_connect(tcp::endpoint(address, port), [s = self()](beast::error_code e) { s->on_connect(e); });
      return;
    }
    resolver_.async_resolve(url_.host, url_.port, [s = self()](beast::error_code e, tcp::resolver::results_type r) {
      if (e) return s->finish("cannot resolve " + s->url_.host + ": " + e.message());
      s->tcp_layer().async_connect(r, [s](beast::error_code e2, const tcp::endpoint&) { s->on_connect(e2); });
    });
  }

  void on_connect(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) return finish("connect timed out after " + model::format_duration(req_.timeout));
      return finish("cannot connect (" + ec.message() + ")");
    }
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      SSL* ssl = stream_->native_handle();
      SSL_set_tlsext_host_name(ssl, url_.host.c_str());
      if (req_.tls_verify) {
        SSL_set1_host(ssl, url_.host.c_str());
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
      } else {
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
      }
      stream_->async_handshake(ssl::stream_base::client, [s = self()](beast::error_code e) {
        if (!e) return s->send();
        if (e == beast::error::timeout) {
          return s->finish("TLS handshake timed out after " + model::format_duration(s->req_.timeout));
        }
        s->finish(tls_error_text(e, s->stream_->native_handle()));
      });
    } else {
      send();
    }
  }

  void send() {
    http::async_write(*stream_, request_, [s = self()](beast::error_code e, std::size_t) {
      if (e) return s->retry_or_finish("sending the request failed (" + e.message() + ")");
      s->parser_.emplace();
      s->parser_->body_limit(kMaxResponseBody);
      // The header on its own first: Beast 1.74 skips the body limit when the header and
      // the start of the body arrive in one read of an eager parse (which async_read is).
      http::async_read_header(*s->stream_, s->buffer_, *s->parser_, [s](beast::error_code e2, std::size_t) {
        if (e2) return s->on_read(e2, true);
        http::async_read(*s->stream_, s->buffer_, *s->parser_,
                         [s](beast::error_code e3, std::size_t) { s->on_read(e3, false); });
      });
    });
  }

  void on_read(beast::error_code ec, bool in_header) {
    if (ec) {
      if (ec == beast::error::timeout) {
        return finish("no complete response within " + model::format_duration(req_.timeout));
      }
      if (ec == http::error::body_limit) return finish(kResponseTooLarge);
      const std::string why = "reading the response failed (" + ec.message() + ")";
      return in_header ? retry_or_finish(why) : finish(why);
    }
    HttpResponse r;
    auto& res = parser_->get();
    r.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::retry_after); it != res.end()) r.retry_after = std::string(it->value());
    r.body = std::move(res.body());
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    auto& pool = cache_.idle->template of<Stream>()[key_];
    if (req_.keepalive && res.keep_alive() && buffer_.size() == 0 && pool.size() < kIdlePerOrigin) {
      tcp_layer().expires_never();
      pool.push_back(std::move(stream_));
    } else {
      beast::error_code ignored;
      tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
    reply(std::move(r));
  }

  // A kept-alive connection the server closed meanwhile: once more on a fresh one.
  void retry_or_finish(std::string error) {
    if (!reused_ || std::chrono::steady_clock::now() >= deadline_) return finish(std::move(error));
    reused_ = false;
    stream_.reset();
    buffer_.clear();
    connect();
  }

  void finish(std::string error) {
    HttpResponse r;
    r.error = std::move(error);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    reply(std::move(r));
  }

  void reply(HttpResponse r) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(r));
  }

  asio::io_context& ioc_;
  ClientCache& cache_;
  tcp::resolver resolver_;
  std::shared_ptr<ssl::context> tls_;  // outlives stream_ (declared before it)
  std::unique_ptr<Stream> stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  HttpRequest req_;
  UrlParts url_;
  std::function<void(HttpResponse)> done_;
  std::string key_;
  bool reused_ = false;
  std::chrono::steady_clock::time_point start_, deadline_;
};

}  // namespace

void async_http(asio::io_context& ioc, ClientCache& cache, HttpRequest req, std::function<void(HttpResponse)> done) {
  UrlParts url = parse_url(req.url);
  if (!url.ok) {
    HttpResponse r;
    r.error = "not an http:// or https:// URL";
    return done(std::move(r));
  }
  if (url.tls) {
    std::make_shared<Session<TlsStream>>(ioc, cache, std::move(req), std::move(url), std::move(done))->start();
  } else {
    std::make_shared<Session<PlainStream>>(ioc, cache, std::move(req), std::move(url), std::move(done))->start();
  }
}

}  // namespace greenlight::net
