#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/stores/events.h"
#include "daemon/stores/files.h"

using namespace greenlight::daemon;
using greenlight::model::Duration;
using greenlight::model::TimePoint;

namespace {
struct TempDir {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("greenlight-events-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand())))
                         .string();
  ~TempDir() { std::filesystem::remove_all(path); }
};
Event at(std::int64_t ms, const std::string& message) { return {0, TimePoint(Duration(ms)), "state", message, {}}; }
std::size_t lines(const std::string& path) {
  std::string content;
  REQUIRE(read_file(path, content));
  return static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
}
}  // namespace

TEST_CASE("the event log keeps the newest `capacity` events, numbered on across restarts",
          "[daemon][events]") {
  TempDir dir;
  {
    EventLog log(dir.path, 3);
    CHECK(log.load() == 0);
    for (int i = 1; i <= 5; ++i) log.record(at(i * 1000, "e" + std::to_string(i)));
    const auto all = log.query(0, {}, 100);
    REQUIRE(all.size() == 3);
    CHECK(all.front().message == "e3");
    CHECK(all.back().seq == 5);
    CHECK(log.query(4, {}, 100).size() == 1);                          // after seq 4
    CHECK(log.query(0, TimePoint(Duration(4000)), 100).size() == 2);   // at or after 4 s
    CHECK(log.query(0, {}, 1).front().message == "e5");                // the newest when limited
    // The file is compacted when it holds twice the capacity.
    CHECK(lines(dir.path + "/events.jsonl") <= 6);
  }
  // A torn last line (a crash mid-write) is skipped; the rest is history.
  std::ofstream(dir.path + "/events.jsonl", std::ios::app) << "{\"seq\": 6, \"at\":";
  EventLog again(dir.path, 3);
  CHECK(again.load() == 1);
  const auto kept = again.query(0, {}, 100);
  REQUIRE(kept.size() == 3);
  CHECK(kept.back().message == "e5");
  again.record(at(6000, "e6"));
  CHECK(again.last_seq() == 6);
  CHECK(lines(dir.path + "/events.jsonl") == 4);
}
