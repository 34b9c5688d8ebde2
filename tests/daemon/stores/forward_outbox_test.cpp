// The facts a replica owes its peers, and the facts it applied (SPEC 6.5), on real files.

#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

#include "daemon/stores/forward_outbox.h"

using namespace greenlight::daemon;
using greenlight::model::Duration;
using greenlight::model::TimePoint;
using nlohmann::json;

namespace {
struct TempDir {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("greenlight-forward-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand())))
                         .string();
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};
const TimePoint kCreated{Duration(1'795'680'000'000)};
}  // namespace

TEST_CASE("a fact waits for each peer until that peer acknowledged it, across restarts", "[daemon][cluster]") {
  TempDir dir;
  const std::vector<std::string> peers{"http://b:9750", "http://c:9750"};
  std::string error;
  {
    ForwardOutbox out(dir.path, peers, kCreated);
    const json first = out.add("a", "silence", {{"id", "a-s1"}}, error);
    CHECK(error.empty());
    CHECK(first.at("id") == "a:1795680000000:1");
    CHECK(first.at("seq") == 1);
    out.add("a", "heartbeat", {{"component", "backup"}}, error);
    CHECK(out.pending("http://b:9750") == 2);
    CHECK(out.done("http://b:9750", "a:1795680000000:1").empty());
    CHECK(out.front("http://b:9750")->at("seq") == 2);  // in order
    CHECK(out.front("http://c:9750")->at("seq") == 1);  // c has not acknowledged anything
  }
  // After a restart (c no longer a peer): b still owes fact 2; the epoch and the numbering
  // go on, so ids stay unique.
  ForwardOutbox again(dir.path, {"http://b:9750"}, kCreated + std::chrono::hours(1));
  CHECK(again.pending("http://b:9750") == 1);
  CHECK(again.pending("http://c:9750") == 0);
  CHECK(again.add("a", "silence", {}, error).at("id") == "a:1795680000000:3");
  CHECK(again.done("http://b:9750", "a:1795680000000:2").empty());
  CHECK(again.done("http://b:9750", "a:1795680000000:3").empty());
  CHECK_FALSE(again.front("http://b:9750"));
  CHECK(again.dropped() == 0);
  // Many acknowledgements compact the journal (1,200 lines); the numbering survives it.
  for (int i = 0; i < 600; ++i) {
    const json f = again.add("a", "heartbeat", {}, error);
    CHECK(again.done("http://b:9750", f.at("id")).empty());
  }
  ForwardOutbox third(dir.path, {"http://b:9750"}, kCreated + std::chrono::hours(2));
  CHECK(third.pending("http://b:9750") == 0);
  CHECK(third.add("a", "silence", {}, error).at("id") == "a:1795680000000:604");
}

TEST_CASE("a full outbox drops its oldest facts and counts them", "[daemon][cluster]") {
  TempDir dir;
  std::string error;
  {
    ForwardOutbox out(dir.path, {"http://b:9750"}, kCreated, 5);
    for (int i = 0; i < 8; ++i) out.add("a", "heartbeat", {}, error);
    CHECK(out.pending("http://b:9750") == 5);
    CHECK(out.dropped() == 3);
    CHECK(out.front("http://b:9750")->at("seq") == 4);
  }
  ForwardOutbox again(dir.path, {"http://b:9750"}, kCreated, 5);  // the journal holds all 8
  CHECK(again.pending("http://b:9750") == 5);
  CHECK(again.front("http://b:9750")->at("seq") == 4);
  CHECK(again.add("a", "heartbeat", {}, error).at("seq") == 9);
}

TEST_CASE("a fact is new once per origin, epoch and sequence number, across restarts", "[daemon][cluster]") {
  TempDir dir;
  {
    SeenFacts seen(dir.path);
    // Each row: origin, epoch, seq, whether it is new (then applied).
    CHECK(seen.is_new("a", 100, 1));
    CHECK(seen.applied("a", 100, 1).empty());
    CHECK_FALSE(seen.is_new("a", 100, 1));  // the same fact again
    CHECK(seen.is_new("b", 100, 1));        // another origin counts on its own
    CHECK(seen.applied("a", 100, 2).empty());
  }
  SeenFacts seen(dir.path);
  CHECK_FALSE(seen.is_new("a", 100, 2));  // remembered
  CHECK_FALSE(seen.is_new("a", 99, 7));   // an older outbox of that origin
  CHECK(seen.is_new("a", 100, 3));
  CHECK(seen.is_new("a", 200, 1));        // the origin lost its state_dir: a new epoch starts
}
