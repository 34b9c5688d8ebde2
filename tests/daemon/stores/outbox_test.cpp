#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "daemon/stores/files.h"
#include "daemon/stores/outbox.h"

// Found while writing bench/soak (issue 18), which samples the outbox's size: the journal
// was compacted only when the daemon started, so a daemon that ran for weeks kept every
// notification and its "done" line for ever. It is now compacted while it runs, keeping exactly what a restart needs.

using namespace greenlight::daemon;
using greenlight::alerting::Notification;
using greenlight::alerting::NotifyReason;

namespace {
struct TempDir {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("greenlight-outbox-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand())))
                         .string();
  ~TempDir() { std::filesystem::remove_all(path); }
};

Notification note(const std::string& alert, NotifyReason reason, int incident) {
  Notification n;
  n.alert_id = "component/" + alert;
  n.receiver = "oncall";
  n.reason = reason;
  n.id = "gl-" + alert + "-" + std::to_string(incident) + (reason == NotifyReason::Resolved ? "r" : "f");
  n.record = {{"id", n.alert_id}, {"dedup_key", "greenlight/" + n.alert_id + "/" + std::to_string(incident)},
              {"severity", "critical"}, {"labels", {{"root_cause", alert + "-cause"}}}};
  return n;
}

std::size_t lines(const std::string& path) {
  std::string content;
  REQUIRE(read_file(path, content));
  return static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
}
}  // namespace

TEST_CASE("the outbox journal is compacted while the daemon runs, keeping what a restart needs",
          "[daemon][outbox]") {
  TempDir dir;
  const std::string file = dir.path + "/outbox.jsonl";
  {
    Outbox box(dir.path, 20);
    box.replay();
    REQUIRE(box.append({note("told", NotifyReason::Firing, 1)}).empty());
    REQUIRE(box.done("gl-told-1f", "delivered").empty());
    REQUIRE(box.append({note("pending", NotifyReason::Firing, 1)}).empty());
    std::size_t most = 0;
    for (int i = 0; i < 150; ++i) {  // incidents that fire and resolve, each delivered
      const std::string alert = "flap" + std::to_string(i % 7);
      REQUIRE(box.append({note(alert, NotifyReason::Firing, i)}).empty());
      REQUIRE(box.done(note(alert, NotifyReason::Firing, i).id, "delivered").empty());
      REQUIRE(box.append({note(alert, NotifyReason::Resolved, i)}).empty());
      REQUIRE(box.done(note(alert, NotifyReason::Resolved, i).id, "delivered").empty());
      most = std::max(most, lines(file));
    }
    CHECK(most <= 40);  // 600 lines written; without compaction the file had them all
  }
  Outbox again(dir.path, 20);
  const Outbox::Replay r = again.replay();
  CHECK(r.damaged_lines == 0);
  REQUIRE(r.pending.size() == 1);
  CHECK(r.pending[0].id == "gl-pending-1f");
  std::vector<std::string> told;
  for (const auto& t : r.told) {
    told.push_back(t.alert_id);
    CHECK(t.root_cause == t.alert_id.substr(t.alert_id.find('/') + 1) + "-cause");  // for its resolve's labels
  }
  std::sort(told.begin(), told.end());
  CHECK(told == std::vector<std::string>{"component/pending", "component/told"});
}
