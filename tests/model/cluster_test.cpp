// [cluster] (SPEC 6.5): its config errors, an alertmanager receiver's `urls`, and sharding
// by hashmod(flow id).

#include <catch2/catch.hpp>
#include <set>

#include "model/cluster.h"
#include "model/load.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::read_source_file;
using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {

constexpr const char* kBase = R"([daemon]
listen = "127.0.0.1:9750"
[components.db]
[flows.checkout]
steps = ["db"]
)";

std::string with_base(const std::string& more) { return kBase + more; }

// The shop (examples/shop.toml) as shard `shard` of `shards`, or whole (shards = 1).
std::shared_ptr<const Model> shop(int shards, int shard) {
  return require_model(HM_HERE,
                       "[cluster]\nreplica = \"a\"\nshards = " + std::to_string(shards) + "\nshard = " +
                           std::to_string(shard) + "\n" + read_source_file("examples/shop.toml"),
                       "examples/shop.toml");
}

std::set<std::string> flow_ids(const Model& m) {
  std::set<std::string> out;
  for (const Flow& f : m.flows) out.insert(f.id);
  return out;
}
std::set<std::string> component_ids(const Model& m) {
  std::set<std::string> out;
  for (const Component& c : m.components) out.insert(c.id);
  return out;
}

}  // namespace

TEST_CASE("the cluster table is read, and its mistakes are config errors at their place", "[model][load][cluster]") {
  const auto m = require_model(HM_HERE, with_base(R"([cluster]
replica = "a"
peers = ["http://10.0.0.2:9750/", "http://10.0.0.3:9750"]
)"));
  CHECK(m->cluster.replica == "a");
  CHECK(m->cluster.peers == std::vector<std::string>{"http://10.0.0.2:9750", "http://10.0.0.3:9750"});
  CHECK(m->cluster.shards == 1);
  CHECK(m->cluster.shard == 0);
  CHECK(require_model(HM_HERE, kBase)->cluster.replica.empty());

  // Each row: the [cluster] body, where the error is, and what it says.
  require_config_error(HM_HERE, with_base("[cluster]\nreplica = \"a\"\npeers = [\"http://127.0.0.1:9750\"]\n"), 8, 10,
                       "is this replica itself");
  require_config_error(HM_HERE,
                       with_base("[cluster]\nreplica = \"a\"\npeers = [\"http://x:1\", \"http://x:1/\"]\n"), 8,
                       24, "listed twice");
  require_config_error(HM_HERE, with_base("[cluster]\nreplica = \"a\"\npeers = [\"x:1\"]\n"), 8, 10,
                       "must be an http:// or https:// URL");
  require_config_error(HM_HERE, with_base("[cluster]\npeers = [\"http://x:1\"]\n"), 6, 1, "needs \"replica\"");
  require_config_error(HM_HERE, with_base("[cluster]\nreplica = \"a b\"\n"), 7, 11, "may only use letters");
  require_config_error(HM_HERE, with_base("[cluster]\nshards = 2\nshard = 2\n"), 8, 9,
                       "\"shard\" is 2 but there are 2 shards: it must be 0 to 1");
  require_config_error(HM_HERE, with_base("[cluster]\nshards = 2\n"), 6, 1, "needs \"shard\"");
  require_config_error(HM_HERE, with_base("[cluster]\nshards = 0\n"), 7, 10, "shards");
  require_config_error(HM_HERE, with_base("[cluster]\nleader = true\n"), 7, 1, R"(unknown key "leader")");
}

TEST_CASE("an alertmanager receiver takes url or urls, every Alertmanager of a cluster", "[model][load][cluster]") {
  const auto m = require_model(HM_HERE, with_base(R"([alerting.receivers.am]
type = "alertmanager"
urls = ["http://am-0:9093", "http://am-1:9093"]
)"));
  REQUIRE(m->alerting.receivers.size() == 1);
  CHECK(m->alerting.receivers[0].urls == std::vector<std::string>{"http://am-0:9093", "http://am-1:9093"});
  CHECK(m->alerting.receivers[0].url == "http://am-0:9093");
  const auto one = require_model(HM_HERE, with_base("[alerting.receivers.am]\ntype = \"alertmanager\"\nurl = \"http://am:9093\"\n"));
  CHECK(one->alerting.receivers[0].urls == std::vector<std::string>{"http://am:9093"});

  const std::string head = "[alerting.receivers.am]\ntype = \"alertmanager\"\n";
  require_config_error(HM_HERE, with_base(head + "url = \"http://a:1\"\nurls = [\"http://b:1\"]\n"), 9, 8,
                       "set \"url\" or \"urls\", not both");
  require_config_error(HM_HERE, with_base(head + "urls = []\n"), 8, 8, "\"urls\" is empty");
  require_config_error(HM_HERE, with_base(head + "urls = [\"http://a:1\", \"http://a:1/\"]\n"), 8, 8, "listed twice");
  require_config_error(HM_HERE, with_base(head + "urls = [\"a:1\"]\n"), 8, 8, "must be an http://");
  require_config_error(HM_HERE, with_base(head), 6, 1, "missing \"url\"");
}

TEST_CASE("shard_of is FNV-1a 64 of the flow id modulo the shard count, the same everywhere", "[model][cluster]") {
  // Pinned values: changing the hash would move every flow of every sharded installation.
  CHECK(stable_hash("checkout") == 4826647318084854873ull);
  CHECK(shard_of("checkout", 2) == 1);
  CHECK(shard_of("checkout", 3) == 0);
  CHECK(shard_of("email-preferences", 2) == 0);
  CHECK(shard_of("anything", 1) == 0);
}

TEST_CASE("two shards cover every flow exactly once and keep the components their flows need",
          "[model][cluster]") {
  const auto whole = shop(1, 0);
  const auto s0 = shop(2, 0), s1 = shop(2, 1);
  CHECK(s0->cluster.shard == 0);
  CHECK(s1->cluster.shard == 1);
  CHECK(s1->cluster.shards == 2);
  CHECK(s1->cluster.replica == "a");
  // Every flow on exactly one shard, the one its hash names.
  std::set<std::string> both = flow_ids(*s0);
  for (const std::string& f : flow_ids(*s1)) CHECK(both.insert(f).second);
  CHECK(both == flow_ids(*whole));
  for (const auto* part : {s0.get(), s1.get()}) {
    for (const Flow& f : part->flows) CHECK(shard_of(f.id, 2) == part->cluster.shard);
  }
  // email-preferences (shard 0) needs web and profile, and what profile depends on.
  CHECK(flow_ids(*s0) == std::set<std::string>{"email-preferences"});
  CHECK(component_ids(*s0) == std::set<std::string>{"web", "profile", "database"});
  // Shard 1 keeps the catalog group's members with the group, and what the flows depend on.
  const auto c1 = component_ids(*s1);
  for (const char* id : {"catalog", "catalog-1", "catalog-2", "catalog-3", "database", "backup", "web"}) {
    CHECK(c1.count(id) == 1);
  }
  CHECK(c1.count("profile") == 1);  // cart depends on it (degrading)
  CHECK(s1->components.size() == whole->components.size());
  // Together they probe everything the whole model probes.
  std::set<std::string> all = component_ids(*s0);
  all.insert(c1.begin(), c1.end());
  CHECK(all == component_ids(*whole));
}

TEST_CASE("a shard with nothing to do is a config error, and actions run on one shard only", "[model][cluster]") {
  // Both flows hash to shard 1 of 2 (pinned above): shard 0 would have nothing.
  require_config_error(HM_HERE, R"([cluster]
shards = 2
shard = 0
[components.db]
[components.web]
[flows.checkout]
steps = ["web", "db"]
[flows.browse]
steps = ["web"]
)", 3, 9, "shard 0 of 2 gets no flow and no component");

  // A component no flow needs goes by its own hash; an action on a shared component runs
  // on the lowest shard that keeps it.
  const std::string model = R"([components.db]
[components.web]
[components.profile]
[components.lonely]
[flows.checkout]
steps = ["web", "db"]
[flows.email-preferences]
steps = ["web", "profile"]
[[actions]]
name = "restart-web"
component = "web"
run = ["/bin/true"]
[[actions]]
name = "restart-db"
component = "db"
run = ["/bin/true"]
)";
  std::set<std::string> actions, lonely;
  for (int shard : {0, 1}) {
    const auto m = require_model(HM_HERE, "[cluster]\nshards = 2\nshard = " + std::to_string(shard) + "\n" + model);
    for (const Action& a : m->actions) CHECK(actions.insert(a.name).second);
    if (m->find_component("lonely")) lonely.insert(std::to_string(shard));
    CHECK(m->find_component("web"));  // both shards' flows need it
  }
  CHECK(actions == std::set<std::string>{"restart-web", "restart-db"});
  CHECK(lonely == std::set<std::string>{std::to_string(shard_of("lonely", 2))});
}

TEST_CASE("a shard is loaded from the assembled tree: $${ stays a literal ${, once", "[model][cluster]") {
  // load_shard printed the pruned tree and parsed it again, which expanded "$${" a second
  // time (here into an unset variable: a config error) and met members_from beside the
  // members it had been expanded into.
  const std::string text = R"([cluster]
replica = "a"
shards = 2
shard = 0
[components.db]
runbook = "https://wiki/db?q=$${NOT_SET}"
[components.cache]
runbook = "https://wiki/cache?q=$${NOT_SET}"
[flows.checkout]
steps = ["db"]
[flows.email-preferences]
steps = ["cache"]
)";
  for (int shard = 0; shard < 2; ++shard) {
    std::string t = text;
    t.replace(t.find("shard = 0"), 9, "shard = " + std::to_string(shard));
    const auto m = require_model(HM_HERE, t, "model.toml");
    REQUIRE(m->components.size() == 1);
    CHECK(m->components[0].runbook.ends_with("?q=${NOT_SET}"));
    CHECK(m->cluster.shard == static_cast<std::uint32_t>(shard));
  }
}
