#include "probes/http_engine.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

namespace greenlight::probes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using net::kMaxResponseBody;
using net::kResponseTooLarge;

namespace {

struct Target {
  std::string host, port, path;
};

// "http://host[:port]/path" -> parts; IPv6 hosts in brackets.
Target parse(const std::string& url) {
  Target t;
  std::string rest = url.substr(7);
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    t.host = authority.substr(1, close - 1);
    t.port = close + 1 < authority.size() && authority[close + 1] == ':' ? authority.substr(close + 2) : "80";
  } else {
    const auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    t.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  }
  return t;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& ioc, HttpRequest req, HttpEngine::Callback done)
      : resolver_(ioc), stream_(ioc), req_(std::move(req)), done_(std::move(done)) {}

  void start() {
    start_ = std::chrono::steady_clock::now();
    target_ = parse(req_.url);
    // One deadline for the whole request: tcp_stream's expiry is a point in time.
    stream_.expires_after(req_.timeout);
    beast::error_code ec;
    const auto address = asio::ip::make_address(target_.host, ec);
    if (!ec) {  // an IP literal (the common case for probes): no resolver round trip
      const auto port = static_cast<unsigned short>(std::stoi(target_.port));
      stream_.async_connect(tcp::endpoint(address, port),
                            [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
      return;
    }
    resolver_.async_resolve(target_.host, target_.port,
                            [self = shared_from_this()](beast::error_code e, tcp::resolver::results_type r) {
                              if (e) return self->finish("cannot resolve " + self->target_.host + ": " + e.message());
                              self->stream_.async_connect(r, [self](beast::error_code e2, const tcp::endpoint&) {
                                self->on_connect(e2);
                              });
                            });
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) return finish("connect timed out after " + model::format_duration(req_.timeout));
      return finish("cannot connect (" + ec.message() + ")");
    }
    request_.method_string(req_.method);
    request_.target(target_.path);
    request_.version(11);
    request_.set(http::field::host, target_.host + ":" + target_.port);
    request_.set(http::field::user_agent, "greenlight");
    request_.set(http::field::connection, "close");
    for (const auto& [k, v] : req_.headers) request_.set(k, v);
    if (!req_.body.empty()) {
      if (request_.find(http::field::content_type) == request_.end()) {
        request_.set(http::field::content_type, "application/json");
      }
      request_.body() = req_.body;
    }
    request_.prepare_payload();
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (e) return self->finish("sending the request failed (" + e.message() + ")");
      self->parser_.body_limit(kMaxResponseBody);
      // The header on its own first: Beast 1.74 skips the body limit when the header and
      // the start of the body arrive in one read of an eager parse (which async_read is).
      http::async_read_header(self->stream_, self->buffer_, self->parser_, [self](beast::error_code e2, std::size_t) {
        if (e2) return self->on_read(e2);
        http::async_read(self->stream_, self->buffer_, self->parser_,
                         [self](beast::error_code e3, std::size_t) { self->on_read(e3); });
      });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) {
        return finish("no complete response within " + model::format_duration(req_.timeout));
      }
      if (ec == http::error::body_limit) return finish(kResponseTooLarge);
      return finish("reading the response failed (" + ec.message() + ")");
    }
    HttpResponse r;
    r.status = static_cast<int>(parser_.get().result_int());
    r.body = std::move(parser_.get().body());
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    done_(std::move(r));
  }

  void finish(std::string error) {
    HttpResponse r;
    r.error = std::move(error);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    done_(std::move(r));
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  HttpRequest req_;
  HttpEngine::Callback done_;
  Target target_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

struct HttpEngine::Impl {
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::thread thread;
};

HttpEngine::HttpEngine() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

HttpEngine::~HttpEngine() { stop(); }

void HttpEngine::submit(HttpRequest req, Callback done) {
  asio::post(impl_->ioc, [this, req = std::move(req), done = std::move(done)]() mutable {
    std::make_shared<Session>(impl_->ioc, std::move(req), std::move(done))->start();
  });
}

void HttpEngine::submit(std::vector<std::pair<HttpRequest, Callback>> batch) {
  if (batch.empty()) return;
  asio::post(impl_->ioc, [this, batch = std::move(batch)]() mutable {
    for (auto& [req, done] : batch) std::make_shared<Session>(impl_->ioc, std::move(req), std::move(done))->start();
  });
}

void HttpEngine::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

}  // namespace greenlight::probes
