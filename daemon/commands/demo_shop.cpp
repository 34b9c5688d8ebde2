#include "daemon/commands/demo_shop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <httplib.h>
#include <iostream>

namespace greenlight::daemon {

using nlohmann::json;

const std::vector<DemoFault>& demo_faults() {
  static const std::vector<DemoFault> kFaults{
      {"database", "Database timeouts under load",
       "The orders database stops answering: connections time out. Everything that needs it turns red; the "
       "pages name the database, not the services in between."},
      {"recommendations", "Recommendations offline",
       "The optional recommendations service is down: the cart degrades (yellow) instead of failing. The "
       "self-healing action restarts it after two intervals."},
      {"pricing", "Intermittent pricing timeouts",
       "Pricing is slow and every third call times out. One timeout is not an outage (failures = 2): pricing "
       "and the flows through it are yellow, not red."},
      {"payments", "Payments failing with the site up",
       "Every page loads but payments decline each order: only the synthetic order sees it. Check out is red, "
       "browsing stays green."},
      {"backup", "Nightly backup not run",
       "The backup job stops sending heartbeats: the backup turns yellow, then red once the recovery point "
       "objective is missed (a demo night is a few intervals)."},
  };
  return kFaults;
}

// One simulated HTTP service.
struct DemoShop::Http {
  std::string name;
  int port = 0;
  httplib::Server server;
  std::thread thread;
};

// One simulated TCP service (a database, an event stream): accepts and closes. Under a
// "timeout" fault its accept queue is shrunk and filled and nobody accepts, so new
// connections hang until the prober's timeout, as an overloaded server's do.
struct DemoShop::Tcp {
  std::string name;
  int port = 0;
  std::mutex mutex;
  int listener = -1;           // guarded by mutex
  bool hanging = false;        // guarded by mutex
  std::vector<int> fillers;    // our own connections filling the accept queue
  std::thread thread;
};

namespace {

int listen_on(int port, int backlog) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, backlog) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_nonblocking(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  return fd;
}

std::mutex g_out;  // one page line at a time on stdout

void print_page(const json& n) {
  const json& a = n.value("alert", json::object());
  std::lock_guard lock(g_out);
  std::cout << "demo: page " << n.value("status", "?") << " [" << a.value("severity", "?") << "] "
            << a.value("summary", "?") << '\n'
            << std::flush;
}

// "demo: page firing [critical] Orders database is red: connect timed out — breaks ...".
void print_incident(const json& body) {
  const json& i = body["incident"];
  std::lock_guard lock(g_out);
  std::cout << "demo: page " << body.value("status", "?") << " [" << i.value("severity", "?") << "] "
            << body.value("summary", "?") << '\n'
            << std::flush;
}

}  // namespace

DemoShop::DemoShop(int port_offset, std::string heartbeat_url, model::Duration every)
    : offset_(port_offset), heartbeat_url_(std::move(heartbeat_url)), every_(every) {
  for (const DemoFault& f : demo_faults()) faults_[f.id] = false;
}

DemoShop::~DemoShop() { stop(); }

bool DemoShop::active(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = faults_.find(id);
  return it != faults_.end() && it->second;
}

namespace {
struct Spec {
  const char* name;
  int port;
};
constexpr Spec kHttpServices[] = {{"web", 18080},       {"cart", 18081},          {"catalog-1", 18082},
                                  {"catalog-2", 18083}, {"catalog-3", 18084},     {"pricing", 18085},
                                  {"profile", 18086},   {"recommendations", 18087}, {"payments", 18088},
                                  {"webhook-sink", 9099}};
constexpr Spec kTcpServices[] = {{"database", 15432}, {"event-stream", 19092}};

std::string cannot_listen(int port, const std::string& name) {
  return "cannot listen on 127.0.0.1:" + std::to_string(port) + " for the simulated " + name +
         " (in use? try --port-offset)";
}
}  // namespace

void DemoShop::webhook_sink(httplib::Server& server) {
  server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    if (body.is_object() && body.contains("incident")) {
      // A group: one page for one broken thing, however many alerts it holds.
      print_incident(body);
      ++pages_;
    } else if (body.is_object() && body.contains("notifications")) {
      for (const auto& n : body["notifications"]) print_page(n);
      pages_ += body["notifications"].size();
    } else if (body.is_object()) {
      print_page(body);
      ++pages_;
    }
    res.status = 204;
  });
}

void DemoShop::service(httplib::Server& server, const std::string& name) {
  server.Get(name == "web" ? "/" : "/health", [this, name](const httplib::Request&, httplib::Response& res) {
    if (name == "recommendations" && active("recommendations")) {
      res.status = 503;
      res.set_content(R"({"status":"offline"})", "application/json");
      return;
    }
    if (name == "pricing" && active("pricing")) {
      const unsigned n = ++pricing_calls_;
      std::this_thread::sleep_for(std::chrono::milliseconds(n % 3 == 0 ? 2500 : 500));
    }
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  if (name != "payments") return;
  server.Post("/synthetic-order", [this](const httplib::Request&, httplib::Response& res) {
    if (active("payments")) {
      res.status = 502;
      res.set_content(R"({"status":"declined","error":"card processor: upstream error"})", "application/json");
    } else {
      res.status = 201;
      res.set_content(R"({"status":"accepted"})", "application/json");
    }
  });
}

// A TCP service accepts and closes connections, or hangs (stops accepting) on a fault.
void DemoShop::serve_tcp(Tcp& t) {
  while (!stopping_) {
    int fd;
    bool hanging;
    {
      std::lock_guard lock(t.mutex);
      fd = t.listener;
      hanging = t.hanging;
    }
    pollfd p{fd, POLLIN, 0};
    if (hanging || ::poll(&p, 1, 100) <= 0) {
      if (hanging) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    std::lock_guard lock(t.mutex);
    if (t.hanging || t.listener != fd) continue;
    const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c >= 0) ::close(c);
  }
}

std::string DemoShop::start() {
  for (const Spec& s : kHttpServices) {
    auto h = std::make_unique<Http>();
    h->name = s.name;
    h->port = s.port + offset_;
    h->server.new_task_queue = [] { return new httplib::ThreadPool(4); };
    if (h->name == "webhook-sink") {
      webhook_sink(h->server);
    } else {
      service(h->server, h->name);
    }
    if (!h->server.bind_to_port("127.0.0.1", h->port)) return cannot_listen(h->port, h->name);
    Http* raw = h.get();
    h->thread = std::thread([raw] { raw->server.listen_after_bind(); });
    http_.push_back(std::move(h));
  }
  for (const Spec& s : kTcpServices) {
    auto t = std::make_unique<Tcp>();
    t->name = s.name;
    t->port = s.port + offset_;
    t->listener = listen_on(t->port, 64);
    if (t->listener < 0) return cannot_listen(t->port, t->name);
    Tcp* raw = t.get();
    t->thread = std::thread([this, raw] { serve_tcp(*raw); });
    tcp_.push_back(std::move(t));
  }
  for (const auto& h : http_) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!h->server.is_running() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  backup_ = std::thread([this] { backup_job(); });
  return "";
}

void DemoShop::backup_job() {
  // The nightly job: one run per demo "night", reported as a push heartbeat.
  const auto slash = heartbeat_url_.find('/', std::string("http://").size());
  httplib::Client client(heartbeat_url_.substr(0, slash));
  client.set_connection_timeout(2);
  client.set_read_timeout(2);
  const std::string path = heartbeat_url_.substr(slash);
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    if (std::chrono::steady_clock::now() >= next) {
      if (!active("backup")) client.Post(path, "", "application/json");
      next += every_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void DemoShop::stop() {
  if (stopping_.exchange(true)) return;
  for (auto& h : http_) h->server.stop();
  for (auto& h : http_) {
    if (h->thread.joinable()) h->thread.join();
  }
  for (auto& t : tcp_) {
    if (t->thread.joinable()) t->thread.join();
    std::lock_guard lock(t->mutex);
    if (t->listener >= 0) ::close(t->listener);
    for (int fd : t->fillers) ::close(fd);
  }
  if (backup_.joinable()) backup_.join();
}

bool DemoShop::set_fault(const std::string& id, bool on) {
  {
    std::lock_guard lock(mutex_);
    const auto it = faults_.find(id);
    if (it == faults_.end()) return false;
    it->second = on;
  }
  if (id == "database") {
    for (auto& t : tcp_) {
      if (t->name != "database") continue;
      std::lock_guard lock(t->mutex);
      if (on == t->hanging) break;
      // The same listener with a backlog of 0 and nobody accepting: once our own
      // connections fill its queue, the kernel drops new SYNs and connects hang.
      ::listen(t->listener, on ? 0 : 64);
      t->hanging = on;
      for (int fd : t->fillers) ::close(fd);
      t->fillers.clear();
      if (on) {
        for (int i = 0; i < 4; ++i) t->fillers.push_back(connect_nonblocking(t->port));
      }
    }
  }
  if (id == "pricing") pricing_calls_ = 0;
  return true;
}

bool DemoShop::restart(const std::string& service) {
  for (const DemoFault& f : demo_faults()) {
    if (f.id == service) {
      std::cout << "demo: restarting " << service << " (self-healing action)\n" << std::flush;
      return set_fault(service, false);
    }
  }
  return false;
}

json DemoShop::faults_json() const {
  json out = json::array();
  std::lock_guard lock(mutex_);
  for (const DemoFault& f : demo_faults()) {
    out.push_back({{"id", f.id}, {"title", f.title}, {"description", f.description}, {"active", faults_.at(f.id)}});
  }
  return json{{"faults", out}};
}

}  // namespace greenlight::daemon
