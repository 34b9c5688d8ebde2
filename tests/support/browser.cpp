#include "tests/support/browser.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <thread>

namespace greenlight::test {

namespace net = boost::asio;
namespace beast = boost::beast;
using nlohmann::json;

struct Browser::Socket {
  net::io_context ioc;
  beast::websocket::stream<net::ip::tcp::socket> ws{ioc};
};

namespace {

std::string decode_base64(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    const auto pos = chars.find(static_cast<char>(c));
    if (pos == std::string::npos) continue;  // padding
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace

Browser::Browser(const std::string& dir) {
  std::filesystem::create_directories(dir + "/profile");
  chromium_ = std::make_unique<Child>(
      std::vector<std::string>{"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage",
                               "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                               "--user-data-dir=" + dir + "/profile", "--window-size=1280,1000", "about:blank"},
      dir + "/chromium.log");
  // Chromium writes the port it chose into DevToolsActivePort.
  int port = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (port == 0 && std::chrono::steady_clock::now() < until) {
    std::ifstream in(dir + "/profile/DevToolsActivePort");
    if (!(in >> port)) port = 0;
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (port == 0) {
    error_ = "chromium did not start (see " + dir + "/chromium.log)";
    return;
  }
  // The page target's WebSocket.
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(2);
  http.set_read_timeout(5);
  std::string path;
  while (path.empty() && std::chrono::steady_clock::now() < until) {
    if (auto r = http.Get("/json/list"); r && r->status == 200) {
      const json targets = json::parse(r->body, nullptr, false);
      for (const auto& t : targets.is_array() ? targets : json::array()) {
        if (t.value("type", "") == "page") {
          const std::string url = t.value("webSocketDebuggerUrl", "");
          path = url.substr(url.find('/', std::string("ws://").size()));
          break;
        }
      }
    }
    if (path.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (path.empty()) {
    error_ = "chromium has no page target";
    return;
  }
  auto s = std::make_unique<Socket>();
  try {
    net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    s->ws.next_layer().connect(ep);
    // Every read has a deadline: a browser that hangs fails the test instead of blocking it.
    timeval tv{30, 0};
    setsockopt(s->ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    s->ws.read_message_max(64 * 1024 * 1024);
    s->ws.handshake("127.0.0.1:" + std::to_string(port), path);
  } catch (const std::exception& e) {
    error_ = std::string("cannot connect to chromium: ") + e.what();
    return;
  }
  ws_ = std::move(s);
  call("Page.enable");
  call("Runtime.enable");
}

Browser::~Browser() {
  if (ws_) {
    beast::error_code ec;
    ws_->ws.next_layer().close(ec);
  }
}

json Browser::call(const std::string& method, const json& params) {
  if (!ws_) return nullptr;
  const int id = next_id_++;
  try {
    ws_->ws.text(true);
    ws_->ws.write(net::buffer(json{{"id", id}, {"method", method}, {"params", params}}.dump()));
    while (true) {
      beast::flat_buffer buffer;
      ws_->ws.read(buffer);
      const json msg = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
      if (msg.is_object() && msg.value("id", 0) == id) {
        if (msg.contains("error")) {
          error_ = msg["error"].dump();
          return nullptr;
        }
        return msg.value("result", json::object());
      }
      // Anything else is an event we did not ask about.
    }
  } catch (const std::exception& e) {
    error_ = method + ": " + e.what();
    return nullptr;
  }
}

void Browser::open(const std::string& url) { call("Page.navigate", {{"url", url}}); }

json Browser::evaluate(const std::string& expression) {
  const json r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (!r.is_object() || r.contains("exceptionDetails")) return nullptr;
  const json& result = r["result"];
  return result.contains("value") ? result["value"] : json(nullptr);
}

void Browser::viewport(int width, int height, bool mobile) {
  call("Emulation.setDeviceMetricsOverride",
       {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", mobile}});
}

std::size_t Browser::screenshot(const std::string& path) {
  const json r = call("Page.captureScreenshot", {{"format", "png"}});
  if (!r.is_object() || !r.contains("data")) return 0;
  const std::string png = decode_base64(r["data"].get<std::string>());
  std::ofstream(path, std::ios::binary) << png;
  return png.size();
}

}  // namespace greenlight::test
