#include <catch2/catch.hpp>

#include "model/types.h"

using namespace greenlight::model;
using namespace std::chrono_literals;

TEST_CASE("durations parse as in the config examples", "[model][types][duration]") {
  // Table: text, expected milliseconds (-1: rejected).
  const std::pair<const char*, std::int64_t> rows[] = {
      {"250ms", 250}, {"10s", 10'000}, {"5m", 300'000}, {"26h", 93'600'000}, {"1h30m", 5'400'000},
      {"2d", 172'800'000}, {"1w", 604'800'000}, {"0s", 0}, {"1m30s500ms", 90'500},
      {"", -1}, {"10", -1}, {"s", -1}, {"-5s", -1}, {"10 s", -1}, {"1.5s", -1}, {"10x", -1},
      {"99999999999999999999h", -1},
  };
  for (const auto& [text, ms] : rows) {
    INFO(text);
    const auto d = parse_duration(text);
    if (ms < 0) {
      CHECK_FALSE(d.has_value());
    } else {
      REQUIRE(d.has_value());
      CHECK(d->count() == ms);
    }
  }
}

TEST_CASE("durations format back to their shortest spelling", "[model][types][duration]") {
  CHECK(format_duration(0ms) == "0s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(5400s) == "1h30m");
  CHECK(format_duration(26h) == "26h");
  CHECK(format_duration(31s) == "31s");
}

TEST_CASE("state names round-trip and order for worst-of", "[model][types]") {
  for (Health h : {Health::Green, Health::Unknown, Health::Yellow, Health::Red}) {
    CHECK(parse_health(to_string(h)) == h);
  }
  CHECK(Health::Green < Health::Unknown);
  CHECK(Health::Unknown < Health::Yellow);
  CHECK(Health::Yellow < Health::Red);
  CHECK_FALSE(parse_health("amber").has_value());
  CHECK(parse_impact("degrading") == Impact::Degrading);
  CHECK(apply_impact(Health::Red, Impact::Degrading) == Health::Yellow);
}
