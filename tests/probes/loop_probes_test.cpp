// Every probe kind on the event loop (issue 16): https and tls against certificates made
// here with openssl (trusted, self-signed, expired, for another host), one deadline for a
// peer that never answers, hung commands killed with their grandchildren and reaped while
// the loop goes on, and opt-in keep-alive.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "net/http_client.h"
#include "net/process.h"
#include "probes/loop.h"
#include "probes/probe.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"
#include "tests/support/scratch_dir.h"

using namespace greenlight;
using namespace std::chrono_literals;

namespace {

const std::string& dir() {
  static const greenlight::test::ScratchDir d("loop-probes");
  return d.path;
}

model::TimePoint wall_now() { return std::chrono::time_point_cast<model::Duration>(std::chrono::system_clock::now()); }

// A certificate for DNS:localhost: valid for 10 days, or expired (2020-01-01 to -02),
// self-signed either way. Returns the directory holding cert.pem and key.pem.
std::string make_cert(const std::string& name, bool expired) {
  const std::string d = dir() + "/" + name;
  std::filesystem::create_directories(d);
  if (!expired) {
    const auto r = greenlight::test::run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                                                  "10", "-subj", "/CN=localhost", "-addext",
                                                  "subjectAltName=DNS:localhost", "-keyout", d + "/key.pem", "-out",
                                                  d + "/cert.pem"});
    REQUIRE(r.exit_code == 0);
    return d;
  }
  // `openssl req` refuses a past validity; `openssl ca` takes explicit dates.
  std::ofstream(d + "/index.txt").flush();
  std::ofstream(d + "/serial") << "01\n";
  std::ofstream(d + "/ca.cnf") << "[ca]\ndefault_ca = d\n[d]\ndatabase = " << d << "/index.txt\nnew_certs_dir = " << d
                               << "\nserial = " << d << "/serial\ndefault_md = sha256\npolicy = p\n"
                               << "copy_extensions = copy\n[p]\ncommonName = supplied\n";
  auto r = greenlight::test::run_process({"openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj",
                                          "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout",
                                          d + "/key.pem", "-out", d + "/req.csr"});
  REQUIRE(r.exit_code == 0);
  r = greenlight::test::run_process({"openssl", "ca", "-batch", "-config", d + "/ca.cnf", "-selfsign", "-keyfile",
                                     d + "/key.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
                                     "-in", d + "/req.csr", "-out", d + "/cert.pem"});
  REQUIRE(r.exit_code == 0);
  return d;
}

// An HTTPS server with the certificate in `cert_dir`.
struct TlsServer {
  explicit TlsServer(const std::string& cert_dir)
      : server((cert_dir + "/cert.pem").c_str(), (cert_dir + "/key.pem").c_str()) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~TlsServer() {
    server.stop();
    thread.join();
  }
  httplib::SSLServer server;
  int port = 0;
  std::thread thread;
};

// Accepts connections (in the kernel's backlog) and never says a word.
struct Silent {
  int fd = -1, port = 0;
  Silent() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd, 16);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Silent() { close(fd); }
};

model::Signal signal_of(model::ProbeSpec spec, model::Duration timeout) {
  model::Signal s;
  s.spec = std::move(spec);
  s.timeout = timeout;
  return s;
}

// Runs every signal at once on one loop and waits for all outcomes.
std::vector<model::ProbeOutcome> run_all(probes::ProbeLoop& loop, const std::vector<model::Signal>& signals) {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::optional<model::ProbeOutcome>> out(signals.size());
  for (std::size_t i = 0; i < signals.size(); ++i) {
    loop.submit(signals[i], probes::ProbeContext{wall_now(), {}}, [&, i](probes::ProbeRun r) {
      std::lock_guard lock(m);
      out[i] = std::move(r.outcome);
      cv.notify_all();
    });
  }
  std::unique_lock lock(m);
  REQUIRE(cv.wait_for(lock, 20s, [&] { return std::all_of(out.begin(), out.end(), [](auto& o) { return o.has_value(); }); }));
  std::vector<model::ProbeOutcome> done;
  for (auto& o : out) done.push_back(*o);
  return done;
}

std::string script(const std::string& name, const std::string& body) {
  const std::string path = dir() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body;
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

}  // namespace

TEST_CASE("https and tls probes check the certificate: trusted, self-signed, expired, another host",
          "[probes][tls][https][loop]") {
  const std::string good = make_cert("good", false);
  const std::string old = make_cert("expired", true);
  TlsServer ok_server(good), expired_server(old);
  const std::string ok_url = "https://localhost:" + std::to_string(ok_server.port) + "/";
  const std::string expired_url = "https://localhost:" + std::to_string(expired_server.port) + "/";
  auto https = [](const std::string& url, const std::string& ca, bool verify = true) {
    model::HttpSpec h;
    h.url = url;
    h.ca_file = ca;
    h.tls_verify = verify;
    return signal_of(h, 2s);
  };
  auto tls = [](int port, const std::string& name, const std::string& ca) {
    return signal_of(model::TlsSpec{"127.0.0.1:" + std::to_string(port), name, ca}, 2s);
  };
  model::HttpSpec head_spec;  // a Content-Length, and no body after it
  head_spec.url = ok_url;
  head_spec.ca_file = good + "/cert.pem";
  head_spec.method = "HEAD";
  const model::Signal head = signal_of(head_spec, 2s);
  probes::ProbeLoop loop;
  const auto o = run_all(
      loop, {https(ok_url, good + "/cert.pem"), https(ok_url, ""), https(ok_url, "", false),
             https("https://127.0.0.1:" + std::to_string(ok_server.port) + "/", good + "/cert.pem"),
             https(expired_url, old + "/cert.pem"), tls(ok_server.port, "localhost", good + "/cert.pem"),
             tls(ok_server.port, "other.example", good + "/cert.pem"), tls(expired_server.port, "localhost", old + "/cert.pem"),
             https(ok_url, dir() + "/no-such-ca.pem"), head});
  std::string all;
  for (const auto& x : o) all += x.message + "\n";
  INFO(all);
  CHECK(o[0].ok);  // trusted through its CA file
  CHECK(o[0].message.rfind("HTTP 200 in ", 0) == 0);
  CHECK_FALSE(o[1].ok);  // self-signed, not in the system's store
  CHECK(o[1].message.find("server certificate verification failed: self") != std::string::npos);
  CHECK(o[2].ok);  // tls_verify = false
  CHECK_FALSE(o[3].ok);  // the certificate names localhost, not 127.0.0.1
  CHECK(o[3].message.find("server certificate verification failed: IP address mismatch") != std::string::npos);
  CHECK_FALSE(o[4].ok);
  CHECK(o[4].message.find("server certificate verification failed: certificate has expired") != std::string::npos);
  CHECK(o[5].ok);
  CHECK(*o[5].value == Approx(10).margin(0.1));
  CHECK_FALSE(o[6].ok);
  CHECK(o[6].message.find("verification failed: hostname mismatch") != std::string::npos);
  CHECK(o[7].ok);  // expired: its negative days go to the thresholds
  CHECK(*o[7].value < -365);
  CHECK_FALSE(o[8].ok);
  CHECK(o[8].message.find("cannot load the CA certificates from") != std::string::npos);
  CHECK(o[9].ok);  // HEAD over TLS: no body awaited
  CHECK(o[9].message.rfind("HTTP 200 in ", 0) == 0);
}

TEST_CASE("a peer that never answers costs each probe one deadline", "[probes][loop][timeout]") {
  Silent silent;
  const std::string target = "127.0.0.1:" + std::to_string(silent.port);
  model::HttpSpec plain, tls_http;
  plain.url = "http://" + target + "/";
  tls_http.url = "https://" + target + "/";
  model::PromQuerySpec prom{"http://" + target, "up"};
  probes::ProbeLoop loop;
  const auto start = std::chrono::steady_clock::now();
  const auto o = run_all(loop, {signal_of(plain, 300ms), signal_of(tls_http, 300ms),
                                signal_of(model::TlsSpec{target, "localhost", ""}, 300ms), signal_of(prom, 300ms)});
  CHECK(std::chrono::steady_clock::now() - start < 2s);  // concurrently, each within its deadline
  CHECK(o[0].message.find("no complete response within 300ms") != std::string::npos);
  CHECK(o[1].message.find("TLS handshake timed out after 300ms") != std::string::npos);
  CHECK(o[2].message.find("no handshake within 300ms") != std::string::npos);
  CHECK(o[3].message.find("no complete response within 300ms") != std::string::npos);
  for (const auto& x : o) CHECK_FALSE(x.ok);
}

TEST_CASE("hung commands on the loop are killed with their grandchildren and reaped, the others go on",
          "[probes][loop][exec]") {
  net::become_subreaper();
  std::vector<model::Signal> signals;
  std::vector<std::string> pidfiles;
  for (int i = 0; i < 4; ++i) {
    pidfiles.push_back(dir() + "/grandchild" + std::to_string(i) + ".pid");
    const auto hung = script("hung" + std::to_string(i), "sleep 300 &\necho $! > " + pidfiles.back() + "\nsleep 300\n");
    signals.push_back(signal_of(model::ExecSpec{{hung}}, 400ms));
  }
  const auto quick = script("quick", "echo 'QUICK OK | t=1'\n");
  signals.push_back(signal_of(model::ExecSpec{{quick}}, 5s));
  probes::ProbeLoop loop;
  const auto start = std::chrono::steady_clock::now();
  const auto o = run_all(loop, signals);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  for (int i = 0; i < 4; ++i) {
    CHECK(o[i].message.find("timed out after 400ms (process group killed)") != std::string::npos);
    std::string pid;
    std::ifstream(pidfiles[i]) >> pid;
    REQUIRE_FALSE(pid.empty());
    CHECK_FALSE(std::filesystem::exists("/proc/" + pid));  // killed and reaped: not even a zombie
  }
  CHECK(o[4].ok);
  CHECK(o[4].message == "QUICK OK");
  CHECK(o[4].value == Approx(1));
}

TEST_CASE("keepalive = true reuses one connection, the default opens one per probe", "[probes][loop][keepalive]") {
  greenlight::test::HttpFixture f;
  std::mutex m;
  std::vector<int> ports;
  f.server.Get("/health", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m);
    ports.push_back(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  probes::ProbeLoop loop;
  model::HttpSpec spec;
  spec.url = f.url("/health");
  for (const bool keep : {false, true}) {
    spec.keepalive = keep;
    const model::Signal s = signal_of(spec, 2s);
    for (int i = 0; i < 3; ++i) REQUIRE(run_all(loop, {s})[0].ok);  // one after the other
  }
  REQUIRE(ports.size() == 6);
  CHECK(std::set<int>(ports.begin(), ports.begin() + 3).size() == 3);  // a connection each
  CHECK(std::set<int>(ports.begin() + 3, ports.end()).size() == 1);    // one, reused
}

TEST_CASE("a kept-alive connection the server closed is retried once on a fresh one", "[probes][loop][keepalive]") {
  // Answers each connection's first request (HTTP/1.1: keep-alive by default), then closes it.
  Silent server;
  std::atomic<int> accepted{0};
  std::thread t([&] {
    for (int i = 0; i < 2; ++i) {
      const int c = accept(server.fd, nullptr, nullptr);
      if (c < 0) return;
      ++accepted;
      char buf[4096];
      (void)!read(c, buf, sizeof buf);
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      (void)!write(c, reply.data(), reply.size());
      close(c);
    }
  });
  model::HttpSpec spec;
  spec.url = "http://127.0.0.1:" + std::to_string(server.port) + "/health";
  spec.keepalive = true;
  const model::Signal s = signal_of(spec, 2s);
  probes::ProbeLoop loop;
  const auto first = run_all(loop, {s});
  const auto second = run_all(loop, {s});
  shutdown(server.fd, SHUT_RDWR);  // wakes the accept of a test that failed
  t.join();
  CHECK(first[0].ok);
  INFO(second[0].message);
  CHECK(second[0].ok);
  CHECK(accepted == 2);
}

TEST_CASE("the plain HTTP client sends one well-formed request and reads every framing of an answer",
          "[probes][loop][http]") {
  // One raw connection per answer: records the request's bytes, sends `reply`, closes.
  Silent server;
  std::mutex m;
  std::vector<std::string> requests;
  const std::vector<std::string> replies = {
      "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the connection closes",  // no length
      "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n",                             // HEAD: no body follows
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",  // closed before its length
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",  // interim, then the answer
  };
  std::thread t([&] {
    for (const std::string& reply : replies) {
      const int c = accept(server.fd, nullptr, nullptr);
      if (c < 0) return;
      std::string got;
      char buf[4096];
      auto complete = [&got] {  // the header, and as many body bytes as Content-Length says
        const auto end = got.find("\r\n\r\n");
        if (end == std::string::npos) return false;
        const auto cl = got.find("Content-Length: ");
        return cl == std::string::npos || got.size() >= end + 4 + std::stoul(got.substr(cl + 16));
      };
      while (!complete()) {
        const ssize_t k = read(c, buf, sizeof buf);
        if (k <= 0) break;
        got.append(buf, static_cast<std::size_t>(k));
      }
      {
        std::lock_guard lock(m);
        requests.push_back(got);
      }
      (void)!write(c, reply.data(), reply.size());
      close(c);
    }
  });
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port);
  probes::ProbeLoop loop;
  auto one = [&](net::HttpRequest req) {
    std::mutex dm;
    std::condition_variable cv;
    std::optional<net::HttpResponse> out;
    loop.submit(std::move(req), [&](net::HttpResponse r) {
      std::lock_guard lock(dm);
      out = std::move(r);
      cv.notify_all();
    });
    std::unique_lock lock(dm);
    REQUIRE(cv.wait_for(lock, 10s, [&] { return out.has_value(); }));
    return *out;
  };
  net::HttpRequest get;
  get.url = base + "/a?x=1";
  get.query = {{"q", "a b"}};
  get.headers = {{"user-agent", "probe/1"}};
  get.timeout = 2s;
  auto r = one(get);
  CHECK(r.status == 200);
  CHECK(r.body == "until the connection closes");
  net::HttpRequest head = get;
  head.method = "HEAD";
  r = one(head);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  net::HttpRequest post;
  post.method = "POST";
  post.url = base + "/order";
  post.body = "{}";
  post.timeout = 2s;
  r = one(post);
  CHECK(r.status == 201);
  CHECK(r.body == "abc");
  r = one(get);
  CHECK(r.status == 0);
  CHECK(r.error.find("reading the response failed") != std::string::npos);
  r = one(get);
  CHECK(r.status == 200);
  CHECK(r.body == "ok");
  net::HttpRequest smuggled = get;  // never sent: it would split into two requests
  smuggled.headers = {{"X-A", "1\r\nX-B: 2"}};
  r = one(smuggled);
  CHECK(r.status == 0);
  CHECK(r.error == "header X-A is not a valid HTTP header");
  net::HttpRequest wrapped = get;  // port 70000 is not 4464
  wrapped.url = "http://127.0.0.1:70000/";
  r = one(wrapped);
  CHECK(r.status == 0);
  CHECK(r.error == "not an http:// or https:// URL");
  shutdown(server.fd, SHUT_RDWR);
  t.join();
  REQUIRE(requests.size() == 5);
  const std::string host = "Host: 127.0.0.1:" + std::to_string(server.port) + "\r\n";
  // A header given again replaces the default (one User-Agent); the query is encoded.
  CHECK(requests[0] == "GET /a?x=1&q=a%20b HTTP/1.1\r\n" + host + "User-Agent: probe/1\r\nConnection: close\r\n\r\n");
  CHECK(requests[1].rfind("HEAD /a?x=1&q=a%20b HTTP/1.1\r\n", 0) == 0);
  CHECK(requests[2] == "POST /order HTTP/1.1\r\n" + host +
                           "User-Agent: greenlight\r\nConnection: close\r\nContent-Type: application/json\r\n"
                           "Content-Length: 2\r\n\r\n{}");
}
