#include "net/http_async.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
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

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {
// Idle keep-alive connections kept per origin: more than a batch of probes started together
// (probes/scheduler.h, kSlotBatch = 50). At 16, two in three of a batch of 50 kept-alive
// https probes to one origin paid a new handshake each time (302 us a probe instead of 55).
constexpr std::size_t kIdlePerOrigin = 64;
}  // namespace

struct ClientCache::Idle {
  std::map<std::string, std::vector<tcp::socket>> plain;  // by host|port
  std::map<std::string, std::vector<std::unique_ptr<TlsStream>>> tls;
  std::map<std::string, std::shared_ptr<ssl::context>> contexts;  // by CA file
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
         u.port.size() <= 5 && std::stoi(u.port) <= 65535;  // not wrapped into another port
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

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The request as sent, written once: the target with its query, Host, User-Agent,
// Connection, the signal's headers (a name given again replaces the default, as Beast's
// `set` did), Content-Type for a body, and Content-Length whenever there is a body or the
// method is not one that goes without (a bodyless POST without it stalls some servers).
// "" and `error` set when a header or the method would break the request's framing.
std::string wire_request(const HttpRequest& req, const UrlParts& url, std::string& error) {
  std::string target = url.target;
  for (const auto& [k, v] : req.query) {
    target += (target.find('?') == std::string::npos ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
  }
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  auto set = [&fields](std::string_view name, std::string_view value) {
    for (auto& f : fields) {
      if (same_name(f.first, name)) {
        f.second = value;
        return;
      }
    }
    fields.emplace_back(name, value);
  };
  const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]:" + url.port
                                                                    : url.host + ":" + url.port;
  set("Host", host);
  set("User-Agent", "greenlight");
  if (!req.keepalive) set("Connection", "close");
  for (const auto& [k, v] : req.headers) {
    if (same_name(k, "Content-Length") || same_name(k, "Transfer-Encoding")) continue;  // from the body
    if (k.empty() || has_line_break(k) || has_line_break(v) || k.find(':') != std::string::npos) {
      error = "header " + k + " is not a valid HTTP header";
      return {};
    }
    set(k, v);
  }
  if (req.method.empty() || req.method.find_first_of(" \r\n") != std::string::npos) {
    error = "method " + req.method + " is not a valid HTTP method";
    return {};
  }
  const bool bodyless = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS" ||
                        req.method == "TRACE" || req.method == "CONNECT";
  const std::string length = std::to_string(req.body.size());
  if (!req.body.empty()) {
    bool typed = false;
    for (const auto& f : fields) typed = typed || same_name(f.first, "Content-Type");
    if (!typed) fields.emplace_back("Content-Type", "application/json");
  }
  if (!req.body.empty() || !bodyless) fields.emplace_back("Content-Length", length);
  std::string out;
  out.reserve(64 + target.size() + req.body.size() + 32 * fields.size());
  out.append(req.method).append(" ").append(target).append(" HTTP/1.1\r\n");
  for (const auto& [k, v] : fields) out.append(k).append(": ").append(v).append("\r\n");
  out.append("\r\n").append(req.body);
  return out;
}

std::string errno_text(int e) { return std::error_code(e, std::system_category()).message(); }

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

using Parser = http::response_parser<http::string_body>;

// A parser for the answer to `req`: bodies capped at kMaxResponseBody, and none read after
// a HEAD (its Content-Length is the GET's, and no body follows).
void new_parser(std::optional<Parser>& p, const HttpRequest& req) {
  p.emplace();
  p->body_limit(kMaxResponseBody);
  if (req.method == "HEAD") p->skip(true);
}

// A 1xx answer other than 101 (Switching Protocols) is interim: the real one follows.
bool interim(const Parser& p) {
  const unsigned status = p.get().result_int();
  return status >= 100 && status < 200 && status != 101;
}

// The complete answer `p` read, for a request started at `start`; and a request that got none.
HttpResponse answer(Parser& p, std::chrono::steady_clock::time_point start) {
  HttpResponse r;
  auto& res = p.get();
  r.status = static_cast<int>(res.result_int());
  if (auto it = res.find(http::field::retry_after); it != res.end()) r.retry_after = std::string(it->value());
  r.body = std::move(res.body());
  r.seconds = seconds_since(start);
  return r;
}
HttpResponse failed(std::string error, std::chrono::steady_clock::time_point start) {
  HttpResponse r;
  r.error = std::move(error);
  r.seconds = seconds_since(start);
  return r;
}

// Plain HTTP on a bare non-blocking socket, the probes' common case, kept to the system
// calls the work needs: socket, connect, send, recv, close (and epoll's registration).
// On loopback and on most LANs the handshake is done by the time connect() returns, so the
// request goes out at once; otherwise the session waits until the socket is writable. The
// response is read into a buffer and fed to Beast's parser. One timer is the deadline.
class PlainSession : public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(asio::io_context& ioc, ClientCache& cache, HttpRequest req, UrlParts url, std::string wire,
               std::function<void(HttpResponse)> done)
      : ioc_(ioc), cache_(cache), socket_(ioc), timer_(ioc), req_(std::move(req)), url_(std::move(url)),
        wire_(std::move(wire)), done_(std::move(done)) {}

  std::shared_ptr<PlainSession> self() { return shared_from_this(); }

  void start() {
    start_ = std::chrono::steady_clock::now();
    timer_.expires_at(start_ + req_.timeout);
    timer_.async_wait([s = self()](beast::error_code e) {
      if (e || !s->done_) return;
      s->timed_out_ = true;
      beast::error_code ignored;
      s->socket_.close(ignored);  // the operation waiting completes with operation_aborted
      if (s->resolver_) s->resolver_->cancel();
    });
    if (req_.keepalive) {
      key_ = url_.host + "|" + url_.port;
      auto& pool = cache_.idle->plain[key_];
      if (!pool.empty()) {
        socket_ = std::move(pool.back());
        pool.pop_back();
        reused_ = connected_ = true;
        return send();
      }
    }
    open_connection();
  }

 private:
  int fd() { return socket_.native_handle(); }

  void open_connection() {
    endpoints_.clear();
    next_endpoint_ = 0;
    beast::error_code ec;
    const auto address = asio::ip::make_address(url_.host, ec);
    if (!ec) {  // an IP literal (the common case for probes): no resolver round trip
      endpoints_.emplace_back(address, static_cast<unsigned short>(std::stoi(url_.port)));
      return connect_next();
    }
    resolver_.emplace(ioc_);
    resolver_->async_resolve(url_.host, url_.port, [s = self()](beast::error_code e, tcp::resolver::results_type r) {
      if (s->timed_out_) return s->finish_timeout();
      if (e) return s->finish("cannot resolve " + s->url_.host + ": " + e.message());
      for (const auto& entry : r) s->endpoints_.push_back(entry.endpoint());
      if (s->endpoints_.empty()) return s->finish("cannot resolve " + s->url_.host);
      s->connect_next();
    });
  }

  // The next address to try (a name may resolve to several, e.g. ::1 and 127.0.0.1).
  void connect_next() {
    const tcp::endpoint ep = endpoints_[next_endpoint_++];
    beast::error_code ec;
    if (socket_.is_open()) socket_.close(ec);
    socket_.open(ep.protocol(), ec);
    if (!ec) socket_.non_blocking(true, ec);
    if (ec) return connect_failed(ec.value());  // e.g. no IPv6 here: the next address
    if (::connect(fd(), ep.data(), static_cast<socklen_t>(ep.size())) != 0 && errno != EINPROGRESS) {
      return connect_failed(errno);
    }
    send();
  }

  void connect_failed(int e) {
    if (next_endpoint_ < endpoints_.size()) return connect_next();
    finish("cannot connect (" + errno_text(e) + ")");
  }

  void send() {
    while (sent_ < wire_.size()) {
      const ssize_t n = ::send(fd(), wire_.data() + sent_, wire_.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
        connected_ = true;
        continue;
      }
      const int e = n == 0 ? EPIPE : errno;
      if (n < 0 && e == EINTR) continue;
      if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK)) {
        // Still connecting, or the send buffer is full: on when the socket is writable.
        socket_.async_wait(tcp::socket::wait_write, [s = self()](beast::error_code w) {
          if (s->timed_out_) return s->finish_timeout();
          if (w) return s->finish("cannot connect (" + w.message() + ")");
          if (!s->connected_) {
            int err = 0;
            socklen_t len = sizeof err;
            if (::getsockopt(s->fd(), SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) return s->connect_failed(err);
          }
          s->send();
        });
        return;
      }
      if (!connected_) return connect_failed(e);
      return retry_or_finish("sending the request failed (" + errno_text(e) + ")");
    }
    new_parser(parser_, req_);
    read();
  }

  void read() {
    socket_.async_read_some(buffer_.prepare(kReadSize), [s = self()](beast::error_code e, std::size_t n) {
      s->buffer_.commit(n);
      s->received_ += n;
      s->on_read(e);
    });
  }

  void on_read(beast::error_code ec) {
    if (timed_out_) return finish_timeout();
    if (!ec && !parse()) return;  // parse() finished the request
    if (!ec) return read();
    const bool in_header = !parser_->is_header_done();
    if (ec == asio::error::eof) {
      if (parser_->got_some()) {  // a body that ends with the connection
        beast::error_code pec;
        parser_->put_eof(pec);
        if (!pec && parser_->is_done()) return complete();
      }
      ec = http::error::end_of_stream;
    }
    const std::string why = "reading the response failed (" + ec.message() + ")";
    if (in_header && received_ == 0) return retry_or_finish(why);
    finish(why);
  }

  // Feeds what arrived to the parser; false once the request is finished (complete or not).
  bool parse() {
    while (buffer_.size() > 0) {
      // The header on its own first: Beast 1.74 skips the body limit when the header and
      // the start of the body are parsed in one eager put.
      parser_->eager(parser_->is_header_done());
      beast::error_code pec;
      const std::size_t used = parser_->put(buffer_.data(), pec);
      buffer_.consume(used);
      if (pec == http::error::need_more) break;
      if (pec == http::error::body_limit) return finish(kResponseTooLarge), false;
      if (pec) return finish("reading the response failed (" + pec.message() + ")"), false;
      if (parser_->is_done() && interim(*parser_)) {
        new_parser(parser_, req_);  // 100 Continue, 103 Early Hints: the answer follows
        continue;
      }
      if (parser_->is_done()) return complete(), false;
    }
    return true;
  }

  void complete() {
    HttpResponse r = answer(*parser_, start_);
    if (req_.keepalive && parser_->keep_alive() && buffer_.size() == 0) {  // not a body read to its EOF
      auto& pool = cache_.idle->plain[key_];
      if (pool.size() < kIdlePerOrigin) pool.push_back(std::move(socket_));
    }
    reply(std::move(r));
  }

  // A kept-alive connection the server closed meanwhile: once more on a fresh one.
  void retry_or_finish(std::string error) {
    if (!reused_ || std::chrono::steady_clock::now() >= timer_.expiry()) return finish(std::move(error));
    reused_ = connected_ = false;
    sent_ = received_ = 0;
    buffer_.clear();
    beast::error_code ignored;
    socket_.close(ignored);
    open_connection();
  }

  void finish_timeout() {
    const std::string limit = model::format_duration(req_.timeout);
    finish(connected_ ? "no complete response within " + limit : "connect timed out after " + limit);
  }

  void finish(std::string error) { reply(failed(std::move(error), start_)); }

  void reply(HttpResponse r) {
    if (!done_) return;
    timer_.cancel();
    beast::error_code ignored;
    if (socket_.is_open()) socket_.close(ignored);
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(r));
  }

  static constexpr std::size_t kReadSize = 16 * 1024;
  asio::io_context& ioc_;
  ClientCache& cache_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::optional<tcp::resolver> resolver_;
  std::vector<tcp::endpoint> endpoints_;
  std::size_t next_endpoint_ = 0;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  HttpRequest req_;
  UrlParts url_;
  std::string wire_;
  std::function<void(HttpResponse)> done_;
  std::string key_;
  std::size_t sent_ = 0, received_ = 0;
  bool reused_ = false, connected_ = false, timed_out_ = false;
  std::chrono::steady_clock::time_point start_;
};

// HTTPS: Beast's TLS stream (Asio SSL over OpenSSL), the same request bytes.
class TlsSession : public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(asio::io_context& ioc, ClientCache& cache, HttpRequest req, UrlParts url, std::string wire,
             std::function<void(HttpResponse)> done)
      : ioc_(ioc), cache_(cache), resolver_(ioc), req_(std::move(req)), url_(std::move(url)), wire_(std::move(wire)),
        done_(std::move(done)) {}

  void start() {
    start_ = std::chrono::steady_clock::now();
    deadline_ = start_ + req_.timeout;
    key_ = url_.host + "|" + url_.port + "|" + req_.ca_file + "|" + (req_.tls_verify ? "v" : "n");
    if (req_.keepalive) {
      auto& pool = cache_.idle->tls[key_];
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
  auto self() { return shared_from_this(); }
  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(*stream_); }

  void connect() {
    std::string error;
    tls_ = cache_.tls_context(req_.ca_file, error);
    if (!tls_) return finish(error);
    stream_ = std::make_unique<TlsStream>(ioc_, *tls_);
    // One deadline for the whole request: tcp_stream's expiry is a point in time.
    tcp_layer().expires_at(deadline_);
    beast::error_code ec;
    const auto address = asio::ip::make_address(url_.host, ec);
    if (!ec) {
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
  }

  void send() {
    asio::async_write(*stream_, asio::buffer(wire_), [s = self()](beast::error_code e, std::size_t) {
      if (e) return s->retry_or_finish("sending the request failed (" + e.message() + ")");
      new_parser(s->parser_, s->req_);
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
    HttpResponse r = answer(*parser_, start_);
    auto& pool = cache_.idle->tls[key_];
    if (req_.keepalive && parser_->keep_alive() && buffer_.size() == 0 && pool.size() < kIdlePerOrigin) {
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

  void finish(std::string error) { reply(failed(std::move(error), start_)); }

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
  std::unique_ptr<TlsStream> stream_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  HttpRequest req_;
  UrlParts url_;
  std::string wire_;
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
  std::string error;
  std::string wire = wire_request(req, url, error);
  if (!error.empty()) {
    HttpResponse r;
    r.error = std::move(error);
    return done(std::move(r));
  }
  if (url.tls) {
    std::make_shared<TlsSession>(ioc, cache, std::move(req), std::move(url), std::move(wire), std::move(done))->start();
  } else {
    std::make_shared<PlainSession>(ioc, cache, std::move(req), std::move(url), std::move(wire), std::move(done))->start();
  }
}

}  // namespace greenlight::net
