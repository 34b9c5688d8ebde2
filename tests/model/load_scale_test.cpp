// Config at scale (SPEC 6.6): did-you-mean and no cascades, include, ${VAR}, signal
// templates and members_from, through model::load with the file reader and the
// environment passed in as options (an in-memory file system here).

#include <catch2/catch.hpp>

#include <map>

#include "model/inventory.h"
#include "model/load.h"
#include "model/toml_reader.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::read_source_file;
using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {

constexpr const char* kDb = R"([components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
)";

// Files in memory; a pattern "dir/*.ext" matches by suffix in that directory.
struct FakeFiles {
  std::map<std::string, std::string> files;

  FileRead operator()(const std::string& pattern) const {
    FileRead out;
    const auto star = pattern.find('*');
    if (star == std::string::npos) {
      const auto it = files.find(pattern);
      if (it == files.end()) {
        out.error = "no such file " + pattern;
      } else {
        out.files.push_back({it->first, it->second});
      }
      return out;
    }
    const std::string dir = pattern.substr(0, star), suffix = pattern.substr(star + 1);
    for (const auto& [path, text] : files) {
      const bool in_dir = path.starts_with(dir) && path.find('/', dir.size()) == std::string::npos;
      if (in_dir && path.ends_with(suffix)) out.files.push_back({path, text});
    }
    return out;
  }
};

LoadOptions with(const FakeFiles& fs, std::map<std::string, std::string> env = {}) {
  LoadOptions o;
  o.read_files = [fs](const std::string& p) { return fs(p); };
  o.env = [env](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return o;
}

std::string all_errors(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += format(e) + "\n";
  return out;
}

}  // namespace

// ---- did you mean, no cascades --------------------------------------------------------

TEST_CASE("nearest: a close key is suggested, a far one is not", "[model][load][suggest]") {
  const std::vector<std::string> keys{"timeout", "interval", "failures", "stale_after", "target"};
  CHECK(nearest("timout", keys) == "timeout");
  CHECK(nearest("tiemout", keys) == "timeout");  // two letters swapped: one edit
  CHECK(nearest("intervall", keys) == "interval");
  CHECK(nearest("colour", keys) == std::nullopt);
  CHECK(nearest("ab", keys) == std::nullopt);
  CHECK(did_you_mean("failure", keys) == R"(; did you mean "failures"?)");
  CHECK(did_you_mean("zzz", keys).empty());
}

TEST_CASE("an unknown key names the nearest key valid at that place", "[model][load][suggest]") {
  require_config_error(HM_HERE, std::string(kDb) + "  timout = \"1s\"\n", 6, 3,
                       R"(component "db" signal "tcp": unknown key "timout"; did you mean "timeout"?)");
  require_config_error(HM_HERE, std::string(kDb) + "[daemon]\nlisten = \"127.0.0.1:1\"\nlog_levl = \"info\"\n", 8,
                       1, R"([daemon]: unknown key "log_levl"; did you mean "log_level"?)");
  // The keys valid in a tcp signal, not those of another probe kind.
  require_config_error(HM_HERE, std::string(kDb) + "  expect_statu = [200]\n", 6, 3, R"(unknown key "expect_statu")");
  const LoadResult r = load(std::string(kDb) + "  expect_statu = [200]\n", "test.toml");
  CHECK(all_errors(r).find("did you mean") == std::string::npos);
}

TEST_CASE("an unknown component names the nearest component id", "[model][load][suggest]") {
  require_config_error(HM_HERE, std::string(kDb) + "[components.web]\ndepends_on = [\"bd\", \"dv\"]\n", 7, 15,
                       R"(component "web": depends_on references unknown component "bd"; did you mean "db"?)");
  require_config_error(HM_HERE, std::string(kDb) + "[flows.f]\nsteps = [{ component = \"dbb\" }]\n", 7, 24,
                       R"(step references unknown component "dbb"; did you mean "db"?)");
  require_config_error(HM_HERE, std::string(kDb) + "[components.g]\nmembers = [\"xy\"]\n", 7, 12,
                       R"(members references unknown component "xy")");
}

TEST_CASE("a misspelt probe kind is one error, not one per key of the signal", "[model][load][suggest]") {
  const LoadResult r = load(R"([components.web]
  [[components.web.signals]]
  id = "h"
  probe = "tpc"
  target = "127.0.0.1:80"
  timeout = "1s"
  [[components.web.signals]]
  id = "g"
  probe = "htp"
  url = "http://127.0.0.1/"
  expect_status = [200]
  headers = { a = "b" }
  timout = "1s"
)",
                            "test.toml");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 3);
  CHECK(format(r.errors[0]) ==
        R"(test.toml:4:11: error: component "web" signal "h": unknown probe "tpc" (use http, tcp, exec, tls, heartbeat, file_age, prometheus or scrape); did you mean "tcp"?)");
  CHECK(r.errors[1].line == 9);
  CHECK(r.errors[1].message.find(R"(did you mean "http"?)") != std::string::npos);
  // A typo of a key every signal has is still reported.
  CHECK(r.errors[2].line == 13);
  CHECK(r.errors[2].message.find(R"(unknown key "timout"; did you mean "timeout"?)") != std::string::npos);
}

// ---- ${VAR} --------------------------------------------------------------------------

TEST_CASE("${VAR} and ${VAR:-default} in string values", "[model][load][env]") {
  const std::string toml = R"([daemon]
state_dir = "${STATE:-/var/lib/greenlight}"
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "${DB_HOST}:${DB_PORT:-5432}"
  description = "literal $${NOT_A_VAR} and $$ and $x"
)";
  const LoadResult r = load(toml, "/etc/gl/test.toml", with({}, {{"DB_HOST", "10.0.0.5"}}));
  INFO(all_errors(r));
  REQUIRE(r.ok());
  CHECK(r.model->daemon.state_dir == "/var/lib/greenlight");
  const Signal& s = r.model->signals[0];
  CHECK(std::get<TcpSpec>(s.spec).target == "10.0.0.5:5432");
  CHECK(s.description == "literal ${NOT_A_VAR} and $$ and $x");

  const LoadResult set = load(toml, "/etc/gl/test.toml", with({}, {{"DB_HOST", "h"}, {"DB_PORT", "1"}, {"STATE", "/s"}}));
  REQUIRE(set.ok());
  CHECK(std::get<TcpSpec>(set.model->signals[0].spec).target == "h:1");
  CHECK(set.model->daemon.state_dir == "/s");
}

TEST_CASE("an unset ${VAR} without a default is an error naming it and its place", "[model][load][env]") {
  const LoadResult r = load(std::string(kDb) + "  description = \"on ${HOST_NAME} now\"\n", "test.toml");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 1);
  // The string starts at column 17; "${" is its 4th character.
  CHECK(format(r.errors[0]) ==
        R"(test.toml:6:21: error: environment variable "HOST_NAME" is not set (give a default: ${HOST_NAME:-default}))");
  require_config_error(HM_HERE, std::string(kDb) + "  description = \"${1X}\"\n", 6, 18, R"(must start ${NAME})");
  require_config_error(HM_HERE, std::string(kDb) + "  description = \"${X\"\n", 6, 18, R"(write $${ for a literal)");
}

// ---- include -------------------------------------------------------------------------

TEST_CASE("include merges conf.d files and errors name the included file's line and column", "[model][load][include]") {
  FakeFiles fs;
  fs.files["/etc/gl/conf.d/a.toml"] = R"([components.web]
depends_on = ["db"]
  [[components.web.signals]]
  id = "h"
  probe = "http"
  url = "http://127.0.0.1/"
)";
  fs.files["/etc/gl/conf.d/b.toml"] = R"([flows.shop]
steps = ["web"]
[[alerting.silences]]
match = { component = "db" }
starts_at = 2026-01-01T00:00:00Z
ends_at = 2026-01-02T00:00:00Z
author = "me"
)";
  fs.files["/etc/gl/conf.d/ignored.txt"] = "not toml";
  const std::string main = "include = [\"conf.d/*.toml\"]\n" + std::string(kDb);
  const LoadResult r = load(main, "/etc/gl/main.toml", with(fs));
  INFO(all_errors(r));
  REQUIRE(r.ok());
  CHECK(r.model->components.size() == 2);
  CHECK(r.model->find_flow("shop").has_value());
  CHECK(r.model->alerting.silences.size() == 1);

  fs.files["/etc/gl/conf.d/b.toml"] = "[flows.shop]\nsteps = [\"web\"]\nstepz = 1\n";
  const LoadResult bad = load(main, "/etc/gl/main.toml", with(fs));
  REQUIRE(bad.errors.size() == 1);
  CHECK(format(bad.errors[0]) ==
        R"(/etc/gl/conf.d/b.toml:3:1: error: flow "shop": unknown key "stepz"; did you mean "steps"?)");
}

TEST_CASE("an id defined twice across files names both places", "[model][load][include]") {
  FakeFiles fs;
  fs.files["/etc/gl/more.toml"] = "\n[components.db]\nalert = true\n";
  const LoadResult r = load("include = [\"more.toml\"]\n" + std::string(kDb), "/etc/gl/main.toml", with(fs));
  REQUIRE(r.errors.size() == 1);
  CHECK(format(r.errors[0]) ==
        R"(/etc/gl/more.toml:2:13: error: component "db" is defined twice: here and at /etc/gl/main.toml:2:13)");
  fs.files["/etc/gl/more.toml"] = "[daemon]\ninterval = \"5s\"\n";
  const LoadResult twice = load("include = [\"more.toml\"]\n[daemon]\ninterval = \"9s\"\n" + std::string(kDb),
                                "/etc/gl/main.toml", with(fs));
  REQUIRE(twice.errors.size() == 1);
  CHECK(format(twice.errors[0]) ==
        R"(/etc/gl/more.toml:2:1: error: "daemon.interval" is set twice: here and at /etc/gl/main.toml:3:1)");
}

TEST_CASE("a missing include and an include cycle name the chain", "[model][load][include]") {
  FakeFiles fs;
  fs.files["/etc/gl/a.toml"] = "include = [\"sub/b.toml\"]\n";
  fs.files["/etc/gl/sub/b.toml"] = "\ninclude = [\"nope.toml\"]\n";
  const std::string main = "include = [\"a.toml\"]\n" + std::string(kDb);
  const LoadResult missing = load(main, "/etc/gl/main.toml", with(fs));
  REQUIRE(missing.errors.size() == 1);
  CHECK(format(missing.errors[0]) == "/etc/gl/sub/b.toml:2:12: error: include \"nope.toml\": no such file "
                                     "/etc/gl/sub/nope.toml\n"
                                     "  included from /etc/gl/a.toml:1:12\n"
                                     "  included from /etc/gl/main.toml:1:12");

  fs.files["/etc/gl/sub/b.toml"] = "\ninclude = [\"../main.toml\"]\n";
  fs.files["/etc/gl/main.toml"] = main;
  const LoadResult cycle = load(main, "/etc/gl/main.toml", with(fs));
  REQUIRE(cycle.errors.size() == 1);
  CHECK(format(cycle.errors[0]) == "/etc/gl/sub/b.toml:2:12: error: include cycle:\n"
                                   "  /etc/gl/main.toml:1:12: includes /etc/gl/a.toml\n"
                                   "  /etc/gl/a.toml:1:12: includes /etc/gl/sub/b.toml\n"
                                   "  /etc/gl/sub/b.toml:2:12: includes /etc/gl/main.toml");

  // Without a file reader (a pure load of one string), an include is an error, not ignored.
  require_config_error(HM_HERE, "include = [\"x.toml\"]\n" + std::string(kDb), 1, 12, "no files can be read here");
}

TEST_CASE("a syntax error in an included file is reported there", "[model][load][include]") {
  FakeFiles fs;
  fs.files["/etc/gl/x.toml"] = "\n\n[components.q\n";
  const LoadResult r = load("include = [\"x.toml\"]\n" + std::string(kDb), "/etc/gl/main.toml", with(fs));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == "/etc/gl/x.toml");
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].message.find("TOML syntax") == 0);
  CHECK(r.errors[0].message.find("included from /etc/gl/main.toml:1:12") != std::string::npos);
}

// ---- signal templates ----------------------------------------------------------------

TEST_CASE("a signal uses a template and its own keys win", "[model][load][template]") {
  auto m = require_model(HM_HERE, R"([signal_templates.api]
probe = "http"
timeout = "2s"
failures = 2
expect_status = [200, 204]
[components.a]
  [[components.a.signals]]
  id = "health"
  use = "api"
  url = "http://127.0.0.1:1/health"
[components.b]
  [[components.b.signals]]
  id = "health"
  use = "api"
  url = "http://127.0.0.1:2/health"
  timeout = "3s"
)");
  const Signal& a = m->signals[*m->find_signal("a", "health")];
  const Signal& b = m->signals[*m->find_signal("b", "health")];
  CHECK(a.kind == ProbeKind::Http);
  CHECK(a.timeout == std::chrono::seconds(2));
  CHECK(b.timeout == std::chrono::seconds(3));
  CHECK(a.failures == 2);
  CHECK(std::get<HttpSpec>(b.spec).expect_status == std::vector<int>{200, 204});
  CHECK(std::get<HttpSpec>(b.spec).url == "http://127.0.0.1:2/health");
}

TEST_CASE("template errors: unknown template, and a template's bad key reported once", "[model][load][template]") {
  const std::string tmpl = "[signal_templates.api]\nprobe = \"tcp\"\ntimout = \"1s\"\n";
  const LoadResult r = load(tmpl + R"([components.a]
  [[components.a.signals]]
  id = "x"
  use = "api"
  target = "127.0.0.1:1"
  [[components.a.signals]]
  id = "y"
  use = "api"
  target = "127.0.0.1:2"
  [[components.a.signals]]
  id = "z"
  use = "apj"
  probe = "tcp"
  target = "127.0.0.1:3"
)",
                            "test.toml");
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 2);
  CHECK(format(r.errors[0]) ==
        R"(test.toml:3:1: error: signal template "api": unknown key "timout"; did you mean "timeout"?)");
  CHECK(format(r.errors[1]) ==
        R"(test.toml:15:9: error: component "a" signal "z": unknown signal template "apj" (define it as [signal_templates.apj]); did you mean "api"?)");
}

TEST_CASE("the shop example's catalog instances come from one template", "[model][load][template][seed]") {
  auto m = require_model(HM_HERE, read_source_file("examples/shop.toml"), "examples/shop.toml");
  for (int i = 1; i <= 3; ++i) {
    const std::string id = "catalog-" + std::to_string(i);
    INFO(id);
    const Signal& s = m->signals[*m->find_signal(id, "health")];
    CHECK(s.kind == ProbeKind::Http);
    CHECK(std::get<HttpSpec>(s.spec).url == "http://127.0.0.1:1808" + std::to_string(i + 1) + "/health");
    CHECK(s.timeout == std::chrono::seconds(2));
    const Component& c = m->components[*m->find_component(id)];
    CHECK(c.owner == "team-catalog");
    REQUIRE(c.depends_on.size() == 1);
    CHECK(m->components[c.depends_on[0].component].id == "database");
  }
}

// ---- members_from --------------------------------------------------------------------

namespace {

const std::string kGroup = std::string(kDb) + R"([signal_templates.node]
probe = "http"
url = "http://{{target}}/health"
timeout = "2s"
[components.catalog]
members_from = { file_sd = "targets/*.json", signal = "node", depends_on = ["db"] }
healthy_min = "100%"
available_min = 1
[flows.browse]
steps = ["catalog"]
)";

}  // namespace

TEST_CASE("read_file_sd: targets and labels, or the first problem", "[model][load][file_sd]") {
  const TargetsRead ok = read_file_sd(
      {{"a.json", R"([{"targets": ["10.0.0.1:80", "10.0.0.2:80"], "labels": {"zone": "a"}}, {"targets": ["10.0.0.1:80"]}])"}});
  REQUIRE(ok.error.empty());
  REQUIRE(ok.targets.size() == 2);  // the repeated target once
  CHECK(ok.targets[0].labels.at("zone") == "a");
  CHECK(read_file_sd({{"a.json", "[{\"targets\": ["}}).error == R"(a.json: not a file_sd file: a JSON array of {"targets": ["host:port", ...], "labels": {...}})");
  CHECK(read_file_sd({{"a.json", R"([{"targets": ["no-port"]}])"}}).error ==
        R"(a.json: target group 1: target "no-port" is not HOST:PORT)");
  CHECK(read_file_sd({{"a.json", R"([{"targets": [1]}])"}}).error == "a.json: target group 1: target 1 is not HOST:PORT");
  CHECK(read_file_sd({{"a.json", R"([{"labels": {}}])"}}).error == R"(a.json: target group 1 has no "targets" array)");
  CHECK(member_id("catalog", "[::1]:8080") == "catalog-__1_8080");
  CHECK(member_id("catalog", "10.0.0.7:8080") == "catalog-10.0.0.7_8080");
}

TEST_CASE("members_from makes one member per file_sd target, with the template's signal", "[model][load][file_sd]") {
  FakeFiles fs;
  fs.files["/etc/gl/targets/a.json"] = R"([{"targets": ["10.0.0.1:8080", "10.0.0.2:8080"], "labels": {"zone": "a"}}])";
  fs.files["/etc/gl/targets/b.json"] = R"([{"targets": ["10.0.0.3:8080"]}])";
  const LoadResult r = load(kGroup, "/etc/gl/main.toml", with(fs));
  INFO(all_errors(r));
  REQUIRE(r.ok());
  const Model& m = *r.model;
  const Component& g = m.components[*m.find_component("catalog")];
  REQUIRE(g.members.size() == 3);
  const Component& first = m.components[g.members[0]];
  CHECK(first.id == "catalog-10.0.0.1_8080");
  CHECK(first.labels.at("zone") == "a");
  REQUIRE(first.depends_on.size() == 1);
  CHECK(m.components[first.depends_on[0].component].id == "db");
  const Signal& s = m.signals[*m.find_signal("catalog-10.0.0.3_8080", "node")];
  CHECK(std::get<HttpSpec>(s.spec).url == "http://10.0.0.3:8080/health");
  CHECK(s.timeout == std::chrono::seconds(2));
  REQUIRE(m.inventories.size() == 1);
  CHECK(m.inventories[0].group == "catalog");
  CHECK(m.inventories[0].file_sd == "/etc/gl/targets/*.json");
  CHECK_FALSE(m.inventories[0].stale);
  CHECK(m.inventories[0].targets.size() == 3);
}

TEST_CASE("a bad file_sd file keeps the last good members, marked stale", "[model][load][file_sd]") {
  FakeFiles fs;
  fs.files["/etc/gl/targets/a.json"] = R"([{"targets": ["10.0.0.1:8080", "10.0.0.2:8080"]}])";
  const LoadResult good = load(kGroup, "/etc/gl/main.toml", with(fs));
  REQUIRE(good.ok());

  fs.files["/etc/gl/targets/a.json"] = R"([{"targets": ["10.0.0.1:8080", "10.0.0.9"]}])";
  // On a first load there is nothing to keep: an error at members_from.
  const LoadResult first = load(kGroup, "/etc/gl/main.toml", with(fs));
  INFO(all_errors(first));
  REQUIRE(first.errors.size() == 1);
  CHECK(format(first.errors[0]) ==
        R"(/etc/gl/main.toml:11:16: error: component "catalog" members_from: /etc/gl/targets/a.json: target group 1: target "10.0.0.9" is not HOST:PORT)");

  LoadOptions reload = with(fs);
  reload.previous = good.model.get();
  const LoadResult kept = load(kGroup, "/etc/gl/main.toml", reload);
  INFO(all_errors(kept));
  REQUIRE(kept.ok());
  REQUIRE(kept.model->inventories.size() == 1);
  const Inventory& inv = kept.model->inventories[0];
  CHECK(inv.stale);
  CHECK(inv.error == R"(/etc/gl/targets/a.json: target group 1: target "10.0.0.9" is not HOST:PORT)");
  CHECK(inv.targets == good.model->inventories[0].targets);
  CHECK(kept.model->components[*kept.model->find_component("catalog")].members.size() == 2);
  CHECK(inv.digest != good.model->inventories[0].digest);

  fs.files.clear();  // no file at all: no targets, stale too
  reload.read_files = [fs](const std::string& p) { return fs(p); };
  const LoadResult none = load(kGroup, "/etc/gl/main.toml", reload);
  REQUIRE(none.ok());
  CHECK(none.model->inventories[0].stale);
  CHECK(none.model->inventories[0].error == R"("/etc/gl/targets/*.json" names no targets)");
}

TEST_CASE("members_from errors point at the group", "[model][load][file_sd]") {
  FakeFiles fs;
  fs.files["/etc/gl/targets/a.json"] = R"([{"targets": ["10.0.0.1:8080"]}])";
  std::string toml = kGroup;
  toml.replace(toml.find("signal = \"node\""), 15, "signal = \"nod\"");
  const LoadResult r = load(toml, "/etc/gl/main.toml", with(fs));
  INFO(all_errors(r));
  REQUIRE(r.errors.size() == 1);  // not one more per quota of the group
  CHECK(r.errors[0].line == 11);
  CHECK(r.errors[0].message.find(R"(must name a [signal_templates.NAME] table, not "nod"; did you mean "node"?)") !=
        std::string::npos);
}
