// GET /api/v1/openapi.json (SPEC 6.6) against what the server really answers: every route
// registered in daemon/runtime/ is described in docs/openapi.json, and every described
// route answers (is routed: no "no such endpoint" 404, no 405) on the real binary.
//
// To add a route: register it in daemon/runtime/ (s.Get/Post/Put/Delete(...)) and add its
// path and method under "paths" in docs/openapi.json, with an `example` for each path
// parameter (this test requests it); the binary embeds the file at build time.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/daemon_process.h"

using greenlight::test::DaemonProcess;
using nlohmann::json;

namespace {

struct Route {
  std::string method;  // GET, POST, ...
  std::string pattern;  // cpp-httplib's regex of the path
  std::string where;    // file:line
};

// Routes answered before cpp-httplib's routing (http_api.cpp's pre-routing handler) and so
// registered with no s.Post(...): they are listed here.
const std::vector<Route> kPreRouted{{"POST", "/-/reload", "daemon/runtime/http_api.cpp (pre-routing)"}};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Every `.Get("...")`, `.Post(R"(...)")`, ... in daemon/runtime/*.cpp. A path built as
// "/assets/" + name is the prefix followed by anything.
std::vector<Route> registered_routes() {
  std::vector<Route> out = kPreRouted;
  const std::regex call(R"(\b(?:s|server|server_)(?:\.|->)(Get|Post|Put|Delete|Patch)\(\s*)");
  const std::filesystem::path dir = std::filesystem::path(GREENLIGHT_SOURCE_DIR) / "daemon" / "runtime";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string src = text.str();
    for (auto it = std::sregex_iterator(src.begin(), src.end(), call); it != std::sregex_iterator(); ++it) {
      std::size_t pos = static_cast<std::size_t>(it->position() + it->length());
      std::string pattern;
      if (src.compare(pos, 3, "R\"(") == 0) {
        const std::size_t end = src.find(")\"", pos + 3);
        pattern = src.substr(pos + 3, end - pos - 3);
        pos = end + 2;
      } else if (src[pos] == '"') {
        const std::size_t end = src.find('"', pos + 1);
        pattern = src.substr(pos + 1, end - pos - 1);
        pos = end + 1;
      } else {
        continue;  // not a literal path
      }
      while (pos < src.size() && src[pos] == ' ') ++pos;
      if (src[pos] == '+') pattern += ".+";
      const auto line = std::count(src.begin(), src.begin() + it->position(), '\n') + 1;
      out.push_back({upper((*it)[1].str()), pattern,
                     "daemon/runtime/" + entry.path().filename().string() + ":" + std::to_string(line)});
    }
  }
  return out;
}

// The described path with each {parameter} replaced by its example.
std::string sample_path(const std::string& path, const json& op, const json& path_item) {
  std::string out = path;
  json params = path_item.value("parameters", json::array());
  for (const json& p : op.value("parameters", json::array())) params.push_back(p);
  for (const json& p : params) {
    if (p.value("in", "") != "path") continue;
    const std::string key = "{" + p["name"].get<std::string>() + "}";
    REQUIRE(p.contains("example"));
    out.replace(out.find(key), key.size(), p["example"].get<std::string>());
  }
  INFO(path << ": a path parameter without an example");
  CHECK(out.find('{') == std::string::npos);
  return out;
}

struct Described {
  std::string method, path, sample;
};

std::vector<Described> described(const json& doc) {
  std::vector<Described> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      out.push_back({upper(method), path, sample_path(path, op, item)});
    }
  }
  return out;
}

json source_document() {
  std::ifstream in(std::string(GREENLIGHT_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// The examples of docs/openapi.json exist here: component database, flow checkout,
// heartbeat backup/nightly.
constexpr const char* kModel = R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"

[components.database]
  [[components.database.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:1"

[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "1h"

[flows.checkout]
criticality = "high"
steps = ["database"]
)";

}  // namespace

TEST_CASE("every route the server registers is in docs/openapi.json", "[integration][openapi]") {
  const json doc = source_document();
  CHECK(doc.at("openapi").get<std::string>().rfind("3.", 0) == 0);
  const std::vector<Described> docs = described(doc);
  const std::vector<Route> routes = registered_routes();
  REQUIRE(routes.size() > 20);  // the scan found the routes
  for (const Route& r : routes) {
    const std::regex re(r.pattern);
    const bool found = std::any_of(docs.begin(), docs.end(), [&](const Described& d) {
      return d.method == r.method && std::regex_match(d.sample, re);
    });
    INFO("route " << r.method << " " << r.pattern << " (" << r.where
                  << ") is not in docs/openapi.json: add it under \"paths\", with an example for each path parameter");
    CHECK(found);
  }
}

TEST_CASE("every route of GET /api/v1/openapi.json answers on the real binary", "[integration][openapi]") {
  DaemonProcess d(kModel);
  REQUIRE(d.wait_ready());
  // The document served is docs/openapi.json as built in, with the address used.
  json served = d.get_json("/api/v1/openapi.json");
  REQUIRE(served.is_object());
  CHECK(served["servers"][0]["url"] == "http://127.0.0.1:" + std::to_string(d.port()));
  json source = source_document();
  served.erase("servers");
  source.erase("servers");
  INFO("the binary serves another docs/openapi.json than the source's: rebuild (it is embedded at build time)");
  CHECK(served == source);

  httplib::Client c("127.0.0.1", d.port());
  c.set_read_timeout(std::chrono::seconds(10));
  for (const Described& x : described(served.is_object() ? source_document() : json())) {
    httplib::Result r = x.method == "GET"      ? c.Get(x.sample)
                        : x.method == "POST"   ? c.Post(x.sample, "", "application/json")
                        : x.method == "DELETE" ? c.Delete(x.sample)
                        : x.method == "PUT"    ? c.Put(x.sample, "", "application/json")
                                               : c.Patch(x.sample, "", "application/json");
    INFO(x.method << " " << x.path << " (requested as " << x.sample << ") is described but the server does not answer it");
    REQUIRE(r);
    CHECK(r->status != 405);
    CHECK((r->status != 404 || r->body.find("no such endpoint") == std::string::npos));
  }
}
