#include <catch2/catch.hpp>
#include <cmath>

#include "probes/nagios.h"

using namespace greenlight::probes;
using greenlight::model::Health;

TEST_CASE("ranges follow the monitoring-plugins guideline examples", "[probes][nagios][range]") {
  // Table from the Development Guidelines, "Threshold and ranges": range, value, alerts?
  struct Row {
    const char* range;
    double value;
    bool alerts;
  };
  const Row rows[] = {
      {"10", -1, true},     {"10", 0, false},    {"10", 10, false},   {"10", 11, true},    // < 0 or > 10
      {"10:", 9.9, true},   {"10:", 10, false},  {"10:", 1e9, false},                       // < 10
      {"~:10", -1e9, false}, {"~:10", 10, false}, {"~:10", 10.1, true},                     // > 10
      {"10:20", 9, true},   {"10:20", 10, false}, {"10:20", 20, false}, {"10:20", 21, true}, // outside 10..20
      {"@10:20", 9, false}, {"@10:20", 10, true}, {"@10:20", 20, true}, {"@10:20", 21, false}, // inside 10..20
  };
  for (const Row& r : rows) {
    INFO(r.range << " with " << r.value);
    const auto range = parse_range(r.range);
    REQUIRE(range.has_value());
    CHECK(range->alerts(r.value) == r.alerts);
  }
  for (const char* bad : {"", "abc", "20:10", "@", "1:2:3", "~"}) {
    INFO(bad);
    CHECK_FALSE(parse_range(bad).has_value());
  }
}

TEST_CASE("plugin output is split into text and performance data", "[probes][nagios][perfdata]") {
  // Real check_http output.
  const PluginOutput http = parse_plugin_output(
      "HTTP OK: HTTP/1.1 200 OK - 612 bytes in 0.002 second response time |time=0.002451s;;;0.000000;10.000000 "
      "size=612B;;;0\n");
  CHECK(http.text == "HTTP OK: HTTP/1.1 200 OK - 612 bytes in 0.002 second response time");
  REQUIRE(http.perfdata.size() == 2);
  CHECK(http.perfdata[0].label == "time");
  CHECK(http.perfdata[0].value == Approx(0.002451));
  CHECK(http.perfdata[0].uom == "s");
  CHECK(http.perfdata[0].min == 0.0);
  CHECK(http.perfdata[0].max == 10.0);
  CHECK(http.perfdata[1].uom == "B");
  CHECK(http.errors.empty());

  // check_load style: warn and crit ranges.
  const PluginOutput load =
      parse_plugin_output("OK - load average: 0.01, 0.05, 0.10|load1=0.010;15.000;30.000;0; load5=0.050;10.000;25.000;0;");
  REQUIRE(load.perfdata.size() == 2);
  REQUIRE(load.perfdata[0].warn.has_value());
  CHECK(load.perfdata[0].warn->end == 15);
  CHECK(load.perfdata[0].crit->end == 30);
  CHECK_FALSE(load.perfdata[0].max.has_value());

  // Quoted labels with spaces, U for unknown, long text with more perfdata.
  const PluginOutput disk = parse_plugin_output(
      "DISK WARNING - free space: / 3326 MB (56%); | '/ usage'=80%;90;95\n"
      "/home: 100 MB free\n"
      "/var: 20 MB free | 'home free'=100MB;;;0;2000\n"
      "'var free'=U\n");
  CHECK(disk.text == "DISK WARNING - free space: / 3326 MB (56%);");
  REQUIRE(disk.perfdata.size() == 3);
  CHECK(disk.perfdata[0].label == "/ usage");
  CHECK(disk.perfdata[0].value == 80);
  CHECK(disk.perfdata[0].uom == "%");
  CHECK(disk.perfdata[1].label == "home free");
  CHECK(disk.perfdata[2].label == "var free");
  CHECK_FALSE(disk.perfdata[2].value.has_value());

  const PluginOutput bad = parse_plugin_output("OK | novalue= x=;; y=abc");
  CHECK(bad.perfdata.empty());
  CHECK(bad.errors.size() == 3);
}

TEST_CASE("plugin exit codes map to states", "[probes][nagios]") {
  CHECK(health_of_exit_code(0) == Health::Green);
  CHECK(health_of_exit_code(1) == Health::Yellow);
  CHECK(health_of_exit_code(2) == Health::Red);
  CHECK(health_of_exit_code(3) == Health::Unknown);
  CHECK(health_of_exit_code(127) == Health::Unknown);
}
