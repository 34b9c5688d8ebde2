// The probe adapters against real local servers, processes and files.

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <thread>
#include <filesystem>
#include <condition_variable>
#include <fstream>
#include <mutex>

#include "probes/probe.h"
#include "net/http_client.h"
#include "probes/loop.h"
#include "net/process.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"
#include "tests/support/scratch_dir.h"

using namespace greenlight;
using namespace std::chrono_literals;
using greenlight::test::HttpFixture;
using model::Health;

namespace {

// A listening TCP socket on an ephemeral loopback port (closed on destruction).
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
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
  ~Listener() { close(fd); }
};

// A port nothing listens on: bound, then closed.
int closed_port() {
  Listener l;
  return l.port;
}

// Removed when the test program exits.
const std::string& temp_dir() {
  static const greenlight::test::ScratchDir dir("probe");
  return dir.path;
}

std::string script(const std::string& name, const std::string& body) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body;
  chmod(path.c_str(), 0755);
  return path;
}

// The service both HTTP client tests probe: healthy, broken, slow, and an order endpoint
// that wants a token header and a JSON body.
void install_routes(HttpFixture& f) {
  f.server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\": \"ok\"}", "application/json");
  });
  f.server.Get("/broken", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  f.server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(1500ms);
    res.set_content("late", "text/plain");
  });
  // 40 bytes, one every 50 ms: each read is quick, the whole body is not.
  f.server.Get("/drip", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
      if (offset >= 40) {
        sink.done();
        return true;
      }
      std::this_thread::sleep_for(50ms);
      return sink.write("x", 1);
    });
  });
  f.server.Get("/huge", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(net::kMaxResponseBody + 1, 'x'), "text/plain");
  });
  // Without a length: 64 KiB chunks until past the cap.
  f.server.Get("/huge-chunked", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
      if (offset > net::kMaxResponseBody) {
        sink.done();
        return true;
      }
      const std::string chunk(64 * 1024, 'x');
      return sink.write(chunk.data(), chunk.size());
    });
  });
  f.server.Post("/order", [](const httplib::Request& req, httplib::Response& res) {
    res.status = req.get_header_value("X-Token") == "t" && req.body == "{}" ? 201 : 403;
    res.set_content(R"({"status": "accepted"})", "application/json");
  });
}

model::TimePoint wall_now() { return std::chrono::time_point_cast<model::Duration>(std::chrono::system_clock::now()); }

}  // namespace

TEST_CASE("the http probe reports status and latency", "[probes][http]") {
  HttpFixture f;
  install_routes(f);

  model::HttpSpec spec;
  spec.url = f.url("/health");
  auto o = probes::probe_http(spec, 2s);
  CHECK(o.ok);
  REQUIRE(o.value.has_value());
  CHECK(*o.value > 0);
  CHECK(*o.value < 1);
  CHECK(o.message.rfind("HTTP 200 in ", 0) == 0);

  spec.url = f.url("/broken");
  o = probes::probe_http(spec, 2s);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("HTTP 500") != std::string::npos);
  CHECK(o.message.find("expected 2xx") != std::string::npos);

  spec.url = f.url("/health");
  spec.expect_body = "\"status\":\\s*\"down\"";
  o = probes::probe_http(spec, 2s);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("body does not match") != std::string::npos);

  model::HttpSpec post;
  post.url = f.url("/order");
  post.method = "POST";
  post.headers = {{"X-Token", "t"}};
  post.body = "{}";
  post.expect_status = {201};
  post.expect_body = "\"status\":\\s*\"accepted\"";
  CHECK(probes::probe_http(post, 2s).ok);

  model::HttpSpec slow;
  slow.url = f.url("/slow");
  o = probes::probe_http(slow, 300ms);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("no complete response within 300ms") != std::string::npos);

  model::HttpSpec refused;
  refused.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
  o = probes::probe_http(refused, 1s);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("cannot connect") != std::string::npos);
}

TEST_CASE("the tcp probe connects, or says why not", "[probes][tcp]") {
  Listener l;
  auto o = probes::probe_tcp({"127.0.0.1:" + std::to_string(l.port)}, 1s);
  CHECK(o.ok);
  CHECK(o.value.has_value());
  o = probes::probe_tcp({"127.0.0.1:" + std::to_string(closed_port())}, 1s);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("Connection refused") != std::string::npos);
  o = probes::probe_tcp({"no-such-host.invalid:80"}, 1s);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("cannot resolve") != std::string::npos);
}

TEST_CASE("the exec probe follows the plugin API", "[probes][exec]") {
  // Table: exit code, expected state; each plugin prints a line with perfdata.
  const std::pair<int, Health> rows[] = {
      {0, Health::Green}, {1, Health::Yellow}, {2, Health::Red}, {3, Health::Unknown}};
  for (const auto& [code, state] : rows) {
    const auto plugin = script("plugin" + std::to_string(code),
                               "echo 'THING status " + std::to_string(code) + " | time=0.25s;1;2;0;10 size=5B'\nexit " +
                                   std::to_string(code) + "\n");
    const auto o = probes::probe_exec({{plugin}}, 5s);
    INFO("exit " << code);
    CHECK(o.reported == state);
    CHECK(o.message == "THING status " + std::to_string(code));
    CHECK(o.value == Approx(0.25));
  }
  const auto args = script("args", "echo \"got $# args: $1|$2\"\n");
  CHECK(probes::probe_exec({{args, "a b", "c;d"}}, 5s).message == "got 2 args: a b");  // argv, no shell splitting

  const auto quiet = script("quiet", "echo 'only stderr' >&2\nexit 2\n");
  CHECK(probes::probe_exec({{quiet}}, 5s).message == "only stderr");

  auto missing = probes::probe_exec({{"/nonexistent/check_thing"}}, 5s);
  CHECK_FALSE(missing.ok);
  CHECK(missing.message.find("cannot run /nonexistent/check_thing") != std::string::npos);
}

TEST_CASE("a hung command is killed with its whole process group at the timeout", "[probes][exec][process]") {
  const std::string pidfile = temp_dir() + "/child.pid";
  // The plugin starts a grandchild that would outlive it, then hangs.
  const auto hung = script("hung", "sleep 300 &\necho $! > " + pidfile + "\nsleep 300\n");
  net::become_subreaper();
  const auto start = std::chrono::steady_clock::now();
  const auto r = net::run_command({hung}, 300ms);
  CHECK(r.timed_out);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  std::string pid;
  std::ifstream(pidfile) >> pid;
  REQUIRE_FALSE(pid.empty());
  // Killed and reaped: no process, not even a zombie, is left.
  CHECK_FALSE(std::filesystem::exists("/proc/" + pid));
  const auto o = probes::probe_exec({{hung}}, 200ms);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("timed out after 200ms (process group killed)") != std::string::npos);
}

// Found by bench/chaos/exec_timeouts.py (issue 18): a plugin that exits leaving a child
// behind ("helper &") made that child ours (we are a subreaper), and when it exited nobody
// waited for it: one zombie per run, for ever.
TEST_CASE("a child a command leaves behind is reaped when it exits, not left a zombie", "[probes][exec][process]") {
  net::become_subreaper();
  const std::string pidfile = temp_dir() + "/orphan.pid";
  const auto leaves = script("leaves", "sleep 0.3 &\necho $! > " + pidfile + "\nexit 0\n");
  const auto r = net::run_command({leaves}, 5s);
  CHECK(r.exit_code == 0);
  std::string pid;
  std::ifstream(pidfile) >> pid;
  REQUIRE_FALSE(pid.empty());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::filesystem::exists("/proc/" + pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);  // polling, with a deadline
  }
  CHECK_FALSE(std::filesystem::exists("/proc/" + pid));  // exited and reaped
  // The reaper leaves run_command's own children alone: each still gets its exit code.
  std::atomic<int> wrong{0};
  std::vector<std::thread> runs;
  for (int i = 0; i < 8; ++i) {
    runs.emplace_back([i, &wrong] {
      if (net::run_command({"/bin/sh", "-c", "exit " + std::to_string(i)}, 5s).exit_code != i) ++wrong;
    });
  }
  for (auto& t : runs) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("command output is captured and truncated", "[probes][process]") {
  const auto chatty = script("chatty", "yes x | head -c 200000\necho err >&2\nexit 4\n");
  const auto r = net::run_command({chatty}, 5s, 1000);
  CHECK(r.exit_code == 4);
  CHECK(r.out.size() == 1000);
  CHECK(r.truncated);
  CHECK(r.err == "err\n");
}

TEST_CASE("the file_age probe reports a file's age in seconds", "[probes][file_age]") {
  const std::string path = temp_dir() + "/backup.tar";
  std::ofstream(path) << "x";
  const auto now = wall_now();
  timespec times[2] = {{0, UTIME_OMIT}, {std::chrono::system_clock::to_time_t(now) - 7200, 0}};
  utimensat(AT_FDCWD, path.c_str(), times, 0);
  auto o = probes::probe_file_age({path}, now);
  CHECK(o.ok);
  CHECK(*o.value == Approx(7200).margin(1));
  o = probes::probe_file_age({path + ".missing"}, now);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("No such file") != std::string::npos);
}

TEST_CASE("the heartbeat probe reports the time since the last push", "[probes][heartbeat]") {
  const auto now = wall_now();
  const auto o = probes::probe_heartbeat(now - 90s, now);
  CHECK(o.ok);
  CHECK(*o.value == Approx(90));
  CHECK(o.message == "last heartbeat 1m30s ago");
}

TEST_CASE("the prometheus probe takes the first sample of an instant query", "[probes][prometheus]") {
  HttpFixture f;
  std::string answer;
  std::string last_query;
  f.server.Get("/api/v1/query", [&](const httplib::Request& req, httplib::Response& res) {
    last_query = req.get_param_value("query");
    res.set_content(answer, "application/json");
  });
  model::PromQuerySpec spec{"http://127.0.0.1:" + std::to_string(f.port()), "sum(rate(errors_total[5m])) > 0"};
  answer = R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000.1,"0.75"]}]}})";
  auto o = probes::probe_prometheus(spec, 2s);
  CHECK(o.ok);
  CHECK(o.value == 0.75);
  CHECK(last_query == "sum(rate(errors_total[5m])) > 0");  // encoded and decoded intact
  answer = R"({"status":"success","data":{"resultType":"scalar","result":[1700000000.1,"42"]}})";
  CHECK(probes::probe_prometheus(spec, 2s).value == 42);
  answer = R"({"status":"success","data":{"resultType":"vector","result":[]}})";
  o = probes::probe_prometheus(spec, 2s);
  CHECK(o.reported == Health::Unknown);
  answer = R"({"status":"error","errorType":"bad_data","error":"parse error"})";
  o = probes::probe_prometheus(spec, 2s);
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("parse error") != std::string::npos);
  answer = "not json";
  CHECK_FALSE(probes::probe_prometheus(spec, 2s).ok);
}

TEST_CASE("the scrape probe reads one metric from a /metrics endpoint", "[probes][scrape]") {
  HttpFixture f;
  f.server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("# TYPE queue_depth gauge\nqueue_depth{queue=\"orders\"} 17\nqueue_depth{queue=\"mail\"} 3\n",
                    "text/plain; version=0.0.4");
  });
  auto o = probes::probe_scrape({f.url("/metrics"), "queue_depth", {{"queue", "mail"}}}, 2s);
  CHECK(o.ok);
  CHECK(o.value == 3);
  o = probes::probe_scrape({f.url("/metrics"), "queue_depth", {{"queue", "sms"}}}, 2s);
  CHECK_FALSE(o.ok);
  CHECK(o.message == "no queue_depth sample matches the labels");
}

TEST_CASE("the tls probe reports days until the certificate expires", "[probes][tls]") {
  const std::string dir = temp_dir();
  const auto gen = greenlight::test::run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                                                  "10", "-subj", "/CN=localhost", "-addext",
                                                  "subjectAltName=DNS:localhost", "-keyout", dir + "/key.pem", "-out",
                                                  dir + "/cert.pem"});
  REQUIRE(gen.exit_code == 0);
  httplib::SSLServer server((dir + "/cert.pem").c_str(), (dir + "/key.pem").c_str());
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(1ms);

  model::TlsSpec spec{"127.0.0.1:" + std::to_string(port), "localhost", dir + "/cert.pem"};
  auto o = probes::probe_tls(spec, 2s, wall_now());
  CHECK(o.ok);
  REQUIRE(o.value.has_value());
  CHECK(*o.value == Approx(10).margin(0.1));
  // Twenty days from now it has expired: a negative number of days.
  o = probes::probe_tls(spec, 2s, wall_now() + std::chrono::hours(24 * 20));
  CHECK(*o.value == Approx(-10).margin(0.1));
  // Not trusted without its CA: still reports the days, but fails.
  model::TlsSpec untrusted{"127.0.0.1:" + std::to_string(port), "localhost", ""};
  o = probes::probe_tls(untrusted, 2s, wall_now());
  CHECK_FALSE(o.ok);
  CHECK(o.message.find("verification failed") != std::string::npos);
  server.stop();
  t.join();
}

TEST_CASE("the event-loop HTTP engine gives the same outcomes as the blocking client", "[probes][http][engine]") {
  HttpFixture f;
  install_routes(f);
  probes::ProbeLoop engine;
  // Submits every spec at once (they run concurrently) and waits for all outcomes.
  auto run_all = [&](const std::vector<model::HttpSpec>& specs, model::Duration timeout) {
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::optional<model::ProbeOutcome>> out(specs.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
      engine.submit(probes::http_request_for(specs[i], timeout), [&, i](net::HttpResponse r) {
        std::lock_guard lock(m);
        out[i] = probes::http_outcome(specs[i], r);
        cv.notify_all();
      });
    }
    std::unique_lock lock(m);
    REQUIRE(cv.wait_for(lock, 10s, [&] { return std::all_of(out.begin(), out.end(), [](auto& o) { return o.has_value(); }); }));
    std::vector<model::ProbeOutcome> done;
    for (auto& o : out) done.push_back(*o);
    return done;
  };
  model::HttpSpec ok, broken, slow, post, refused, regex, by_name;
  ok.url = f.url("/health");
  broken.url = f.url("/broken");
  slow.url = f.url("/slow");
  post.url = f.url("/order");
  post.method = "POST";
  post.headers = {{"X-Token", "t"}};
  post.body = "{}";
  post.expect_status = {201};
  refused.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
  regex.url = f.url("/health");
  regex.expect_body = "\"status\":\\s*\"down\"";
  by_name.url = "http://localhost:" + std::to_string(f.port()) + "/health";  // through the resolver
  const auto o = run_all({ok, broken, slow, post, refused, regex, by_name}, 500ms);
  CHECK(o[0].ok);
  CHECK(o[0].value.has_value());
  CHECK(o[0].message.rfind("HTTP 200 in ", 0) == 0);
  CHECK_FALSE(o[1].ok);
  CHECK(o[1].message.find("HTTP 500") != std::string::npos);
  CHECK_FALSE(o[2].ok);
  CHECK(o[2].message.find("no complete response within 500ms") != std::string::npos);
  CHECK(o[3].ok);
  CHECK_FALSE(o[4].ok);
  CHECK(o[4].message.find("cannot connect") != std::string::npos);
  CHECK_FALSE(o[5].ok);
  CHECK(o[5].message.find("body does not match") != std::string::npos);
  CHECK(o[6].ok);
  // A second round, so that the test server's small accept backlog is not what fails.
  model::HttpSpec drip, huge, huge_chunked;
  drip.url = f.url("/drip");
  huge.url = f.url("/huge");
  huge_chunked.url = f.url("/huge-chunked");
  const auto big = run_all({drip, huge, huge_chunked}, 500ms);
  CHECK_FALSE(big[0].ok);
  CHECK(big[0].message.find("no complete response within 500ms") != std::string::npos);
  for (std::size_t i : {1, 2}) {
    INFO(big[i].message);
    CHECK_FALSE(big[i].ok);
    CHECK(big[i].message.find("response larger than 4 MiB") != std::string::npos);
  }
}

TEST_CASE("the blocking client gives a dripped body one deadline and caps a body's size", "[probes][http]") {
  HttpFixture f;
  install_routes(f);
  net::HttpRequest req;
  req.timeout = 500ms;
  req.url = f.url("/drip");
  net::HttpResponse r = net::http_request(req);
  CHECK(r.status == 0);
  CHECK(r.error == "no complete response within 500ms");
  for (const char* path : {"/huge", "/huge-chunked"}) {
    req.url = f.url(path);
    r = net::http_request(req);
    CHECK(r.status == 0);
    CHECK(r.error == "response larger than 4 MiB");
  }
  req.url = f.url("/health");  // and a normal answer still has its body
  r = net::http_request(req);
  CHECK(r.status == 200);
  CHECK(r.body == "{\"status\": \"ok\"}");
}

TEST_CASE("expect_body on a huge answer matches without overflowing the stack", "[probes][http]") {
  // libstdc++'s default regex matcher recursed once per character: `ok.*` against 200 KB
  // killed the daemon (SIGSEGV) on its first probe.
  model::HttpSpec spec;
  spec.url = "http://127.0.0.1:1/";
  spec.expect_body = "ok.*";
  net::HttpResponse res;
  res.status = 200;
  res.body = "ok" + std::string(256 << 10, 'x');  // ~40 KB overflowed 8 MiB of stack
  CHECK(probes::http_outcome(spec, res).ok);
  res.body = std::string(256 << 10, 'x');
  const auto miss = probes::http_outcome(spec, res);
  CHECK_FALSE(miss.ok);
  CHECK(miss.message.find("body does not match /ok.*/") != std::string::npos);
}
