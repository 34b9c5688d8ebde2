// The probes on an event loop: tcp, tls and exec here; http, prometheus and scrape through
// net/http_async.h; the dispatcher; and the blocking probe_* functions on a private loop.

#include "probes/loop_probes.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>

#include "net/http_async.h"
#include "net/process.h"

namespace greenlight::probes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using model::ProbeOutcome;
using Clock = std::chrono::steady_clock;
using OutcomeDone = std::function<void(ProbeOutcome)>;

namespace {

constexpr std::size_t kMaxCommandOutput = 64 * 1024;
constexpr auto kReapFor = std::chrono::seconds(1);  // after a kill, the group's dead are reaped this long

ProbeOutcome failure(std::string message) { return {false, std::nullopt, std::move(message), std::nullopt}; }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// "host:port", "[v6]:port" -> host, port.
std::pair<std::string, std::string> split_target(const std::string& target) {
  if (!target.empty() && target.front() == '[') {
    const auto close = target.find(']');
    if (close == std::string::npos || close + 2 > target.size()) return {target, ""};
    return {target.substr(1, close - 1), target.substr(close + 2)};
  }
  const auto colon = target.rfind(':');
  if (colon == std::string::npos) return {target, ""};
  return {target.substr(0, colon), target.substr(colon + 1)};
}

// Connects `stream` (its expiry already set: the probe's one deadline) to host:port; an IP
// literal without a resolver round trip. `then` gets "" or why not.
void connect_to(beast::tcp_stream& stream, tcp::resolver& resolver, const std::string& target, model::Duration timeout,
                std::function<void(std::string)> then) {
  auto on_connect = [then, timeout](beast::error_code e) {
    if (e == beast::error::timeout) return then("connect timed out after " + model::format_duration(timeout));
    then(e ? e.message() : "");
  };
  const auto parts = split_target(target);
  const std::string& host = parts.first;
  const std::string& port = parts.second;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec && !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos) {
    stream.async_connect(tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port))), on_connect);
    return;
  }
  resolver.async_resolve(host, port, [&stream, host, then, on_connect](beast::error_code e, tcp::resolver::results_type r) {
    if (e) return then("cannot resolve " + host + ": " + e.message());
    stream.async_connect(r, [on_connect](beast::error_code e2, const tcp::endpoint&) { on_connect(e2); });
  });
}

class TcpRun : public std::enable_shared_from_this<TcpRun> {
 public:
  TcpRun(asio::io_context& ioc, const model::TcpSpec& spec, model::Duration timeout, OutcomeDone done)
      : stream_(ioc), resolver_(ioc), spec_(spec), timeout_(timeout), done_(std::move(done)) {}
  void start() {
    start_ = Clock::now();
    stream_.expires_after(timeout_);
    connect_to(stream_, resolver_, spec_.target, timeout_, [s = shared_from_this()](const std::string& error) {
      const double seconds = std::chrono::duration<double>(Clock::now() - s->start_).count();
      if (!error.empty()) return s->done_(failure("connect " + s->spec_.target + ": " + error));
      beast::error_code ignored;
      s->stream_.socket().close(ignored);
      s->done_({true, seconds, "connected to " + s->spec_.target + " in " + latency_text(seconds), {}});
    });
  }

 private:
  beast::tcp_stream stream_;
  tcp::resolver resolver_;
  const model::TcpSpec& spec_;
  model::Duration timeout_;
  OutcomeDone done_;
  Clock::time_point start_;
};

// Days until the peer's certificate expires, and whether it verified (an expired one
// still reports its negative days).
ProbeOutcome certificate_outcome(SSL* ssl, const std::string& target, const std::string& host, model::TimePoint now) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return failure("no certificate from " + target);
  int days = 0, secs = 0;
  ASN1_TIME* at_now = ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(now));
  ASN1_TIME_diff(&days, &secs, at_now, X509_get0_notAfter(cert));
  ASN1_TIME_free(at_now);
  X509_free(cert);
  const double left = days + secs / 86400.0;
  const long verify = SSL_get_verify_result(ssl);
  ProbeOutcome o{true, left, "certificate for " + host + " expires in " + fixed(left, 1) + " days", {}};
  if (verify != X509_V_OK && verify != X509_V_ERR_CERT_HAS_EXPIRED) {
    o.ok = false;
    o.message += "; verification failed: " + std::string(X509_verify_cert_error_string(verify));
  }
  return o;
}

class TlsRun : public std::enable_shared_from_this<TlsRun> {
 public:
  TlsRun(asio::io_context& ioc, std::shared_ptr<ssl::context> ctx, const model::TlsSpec& spec,
         model::Duration timeout, model::TimePoint now, OutcomeDone done)
      : ctx_(std::move(ctx)), stream_(ioc, *ctx_), resolver_(ioc), spec_(spec), timeout_(timeout), now_(now),
        done_(std::move(done)) {}

  void start() {
    host_ = !spec_.server_name.empty() ? spec_.server_name : split_target(spec_.target).first;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    connect_to(beast::get_lowest_layer(stream_), resolver_, spec_.target, timeout_,
               [s = shared_from_this()](const std::string& error) {
                 if (!error.empty()) return s->done_(failure("connect " + s->spec_.target + ": " + error));
                 s->handshake();
               });
  }

 private:
  void handshake() {
    SSL* ssl = stream_.native_handle();
    // Verify, but finish the handshake either way: an expired certificate must still
    // report its (negative) days, so verification is read afterwards.
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    SSL_set_tlsext_host_name(ssl, host_.c_str());
    SSL_set1_host(ssl, host_.c_str());
    stream_.async_handshake(ssl::stream_base::client, [s = shared_from_this()](beast::error_code e) {
      if (!e) {
        ProbeOutcome o = certificate_outcome(s->stream_.native_handle(), s->spec_.target, s->host_, s->now_);
        beast::error_code ignored;
        beast::get_lowest_layer(s->stream_).socket().close(ignored);
        return s->done_(std::move(o));
      }
      std::string why = "TLS handshake with " + s->spec_.target + " failed";
      if (e == beast::error::timeout) {
        why += ": no handshake within " + model::format_duration(s->timeout_);
      } else {
        why += ": " + e.message();
      }
      ERR_clear_error();
      s->done_(failure(std::move(why)));
    });
  }

  std::shared_ptr<ssl::context> ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  tcp::resolver resolver_;
  const model::TlsSpec& spec_;
  model::Duration timeout_;
  model::TimePoint now_;
  OutcomeDone done_;
  std::string host_;
};

// A command on the loop: its pipes and pidfd watched, its group killed at the deadline and
// the group's dead reaped (we are the subreaper of its orphans in the daemon).
class ExecRun : public std::enable_shared_from_this<ExecRun> {
 public:
  ExecRun(asio::io_context& ioc, const model::ExecSpec& spec, model::Duration timeout, OutcomeDone done)
      : out_(ioc), err_(ioc), pidfd_(ioc), timer_(ioc), spec_(spec), timeout_(timeout), done_(std::move(done)) {}
  ~ExecRun() {
    if (pid_ > 0 && !finished_) kill(-pid_, SIGKILL);  // the loop stopped under it
  }
  ExecRun(const ExecRun&) = delete;
  ExecRun& operator=(const ExecRun&) = delete;

  void start() {
    start_ = Clock::now();
    const net::Spawned sp = net::spawn_command(spec_.command);
    if (sp.pid < 0) return done_(failure(sp.error));
    r_.started = true;
    pid_ = sp.pid;
    out_.assign(sp.out);
    err_.assign(sp.err);
    read(out_, r_.out, out_open_);
    read(err_, r_.err, err_open_);
    if (sp.pidfd >= 0) {
      pidfd_.assign(sp.pidfd);
      pidfd_.async_wait(asio::posix::descriptor_base::wait_read, [s = shared_from_this()](beast::error_code e) {
        if (!e) s->on_exit();
      });
    }
    timer_.expires_at(start_ + timeout_);
    timer_.async_wait([s = shared_from_this()](beast::error_code e) {
      if (!e) s->on_deadline();
    });
    if (sp.pidfd < 0) poll_exit();  // kernels before 5.3: no pidfd
  }

 private:
  void read(asio::posix::stream_descriptor& d, std::string& into, bool& open) {
    d.async_wait(asio::posix::descriptor_base::wait_read, [s = shared_from_this(), &d, &into, &open](beast::error_code e) {
      if (e || s->finished_) return;
      if (!net::read_available(d.native_handle(), into, kMaxCommandOutput, s->r_.truncated)) {
        open = false;
        return;
      }
      s->read(d, into, open);
    });
  }

  void poll_exit() {
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([s = shared_from_this()](beast::error_code e) {
      if (e || s->finished_) return;
      if (Clock::now() >= s->start_ + s->timeout_) return s->on_deadline();
      int status = 0;
      if (waitpid(s->pid_, &status, WNOHANG) == s->pid_) return s->exited(status);
      s->poll_exit();
    });
  }

  void on_exit() {
    int status = 0;
    const pid_t w = waitpid(pid_, &status, WNOHANG);
    if (w == 0) return;  // not yet (the deadline still comes)
    if (timed_out_) return reap();
    if (w < 0) status = 0;  // reaped elsewhere: its status is lost
    exited(status);
  }

  void exited(int status) {
    // What the command wrote just before exiting is already in the pipes.
    if (out_open_) net::read_available(out_.native_handle(), r_.out, kMaxCommandOutput, r_.truncated);
    if (err_open_) net::read_available(err_.native_handle(), r_.err, kMaxCommandOutput, r_.truncated);
    net::take_status(r_, status);
    finish();
  }

  void on_deadline() {
    if (finished_ || timed_out_) return;
    timed_out_ = true;
    r_.timed_out = true;
    kill(-pid_, SIGKILL);
    reap_until_ = Clock::now() + kReapFor;
    if (pidfd_.is_open()) {
      pidfd_.cancel();
      pidfd_.async_wait(asio::posix::descriptor_base::wait_read, [s = shared_from_this()](beast::error_code e) {
        if (!e) s->on_exit();
      });
    } else {
      reap();
    }
  }

  // The leader and the orphans of its group (SIGKILLed: they die at once), without waiting.
  void reap() {
    waitpid(pid_, nullptr, WNOHANG);
    if (net::reap_group(pid_) || Clock::now() >= reap_until_) return finish();
    timer_.expires_after(std::chrono::milliseconds(5));
    timer_.async_wait([s = shared_from_this()](beast::error_code e) {
      if (!e) s->reap();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    if (pid_ > 0) net::forget_child(pid_);  // reaped (or left to the daemon's orphan reaper)
    beast::error_code ignored;
    out_.close(ignored);
    err_.close(ignored);
    pidfd_.close(ignored);
    timer_.cancel();
    r_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    done_(exec_outcome(spec_, timeout_, r_));
  }

  asio::posix::stream_descriptor out_, err_, pidfd_;
  asio::steady_timer timer_;
  const model::ExecSpec& spec_;
  model::Duration timeout_;
  OutcomeDone done_;
  net::CommandResult r_;
  int pid_ = -1;
  bool out_open_ = true, err_open_ = true, timed_out_ = false, finished_ = false;
  Clock::time_point start_, reap_until_;
};

// The outcome of an HTTP-based probe: its request, and its verdict on the response.
template <class Spec, class Verdict>
void start_http_probe(asio::io_context& ioc, net::ClientCache& cache, const Spec& spec, net::HttpRequest req,
                      Verdict verdict, OutcomeDone done) {
  net::async_http(ioc, cache, std::move(req), [&spec, verdict, done = std::move(done)](net::HttpResponse res) {
    ProbeOutcome o;
    try {
      o = verdict(spec, res);
    } catch (const std::exception& e) {
      o = failure(std::string("probe error: ") + e.what());
    }
    done(std::move(o));
  });
}

}  // namespace

void start_probe(asio::io_context& ioc, net::ClientCache& cache, const model::Signal& signal, const ProbeContext& ctx,
                 std::function<void(ProbeRun)> done) {
  const auto start = Clock::now();
  OutcomeDone finish = [start, done = std::move(done)](ProbeOutcome o) {
    done(ProbeRun{std::move(o), Clock::now() - start});
  };
  const model::Duration timeout = signal.timeout;
  try {
    std::visit(
        [&](const auto& spec) {
          using T = std::decay_t<decltype(spec)>;
          if constexpr (std::is_same_v<T, model::HttpSpec>) {
            start_http_probe(ioc, cache, spec, http_request_for(spec, timeout), http_outcome, std::move(finish));
          } else if constexpr (std::is_same_v<T, model::PromQuerySpec>) {
            start_http_probe(ioc, cache, spec, prometheus_request(spec, timeout), prometheus_outcome, std::move(finish));
          } else if constexpr (std::is_same_v<T, model::ScrapeSpec>) {
            start_http_probe(ioc, cache, spec, scrape_request(spec, timeout), scrape_outcome, std::move(finish));
          } else if constexpr (std::is_same_v<T, model::TcpSpec>) {
            std::make_shared<TcpRun>(ioc, spec, timeout, std::move(finish))->start();
          } else if constexpr (std::is_same_v<T, model::ExecSpec>) {
            std::make_shared<ExecRun>(ioc, spec, timeout, std::move(finish))->start();
          } else if constexpr (std::is_same_v<T, model::TlsSpec>) {
            std::string error;
            auto tls = cache.tls_context(spec.ca_file, error);
            if (!tls) return finish(failure(error));
            std::make_shared<TlsRun>(ioc, std::move(tls), spec, timeout, ctx.now, std::move(finish))->start();
          } else if constexpr (std::is_same_v<T, model::HeartbeatSpec>) {
            finish(probe_heartbeat(ctx.last_heartbeat, ctx.now));
          } else if constexpr (std::is_same_v<T, model::FileAgeSpec>) {
            finish(probe_file_age(spec, ctx.now));
          }
        },
        signal.spec);
  } catch (const std::exception& e) {  // a socket or descriptor that could not be made
    if (finish) finish(failure(std::string("probe error: ") + e.what()));
  }
}

namespace {

// A signal of one spec, run on a loop of its own on the caller's thread.
ProbeOutcome run_alone(model::ProbeSpec spec, model::Duration timeout, model::TimePoint now) {
  model::Signal s;
  s.spec = std::move(spec);
  s.timeout = timeout;
  asio::io_context ioc{1};
  ProbeOutcome out = failure("probe did not finish");
  {
    net::ClientCache cache;
    start_probe(ioc, cache, s, ProbeContext{now, {}}, [&out](ProbeRun r) { out = std::move(r.outcome); });
    ioc.run();
  }
  return out;
}

model::TimePoint wall_now() {
  return std::chrono::time_point_cast<model::Duration>(std::chrono::system_clock::now());
}

}  // namespace

ProbeRun run_probe(const model::Signal& signal, const ProbeContext& ctx) noexcept {
  ProbeRun run{failure("probe did not finish"), {}};
  try {
    asio::io_context ioc{1};
    net::ClientCache cache;
    start_probe(ioc, cache, signal, ctx, [&run](ProbeRun r) { run = std::move(r); });
    ioc.run();
  } catch (const std::exception& e) {
    run.outcome = failure(std::string("probe error: ") + e.what());
  }
  return run;
}

ProbeOutcome probe_tcp(const model::TcpSpec& spec, model::Duration timeout) {
  return run_alone(spec, timeout, wall_now());
}
ProbeOutcome probe_exec(const model::ExecSpec& spec, model::Duration timeout) {
  return run_alone(spec, timeout, wall_now());
}
ProbeOutcome probe_tls(const model::TlsSpec& spec, model::Duration timeout, model::TimePoint now) {
  return run_alone(spec, timeout, now);
}
ProbeOutcome probe_prometheus(const model::PromQuerySpec& spec, model::Duration timeout) {
  return run_alone(spec, timeout, wall_now());
}
ProbeOutcome probe_scrape(const model::ScrapeSpec& spec, model::Duration timeout) {
  return run_alone(spec, timeout, wall_now());
}

}  // namespace greenlight::probes
