// Scheduled heartbeats in the configuration (SPEC 6.4): schedule or period, timezone,
// grace, max_runtime, token_file / token_env, and their errors at file:line:col. A cron
// error is reported inside the string, at the offending field.

#include <catch2/catch.hpp>

#include "model/config_error.h"
#include "model/load.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {

// The heartbeat's keys go on line 5 and on: `  KEY = ...`.
std::string heartbeat(const std::string& keys) {
  return "[components.backup]\n"
         "  [[components.backup.signals]]\n"
         "  id = \"nightly\"\n"
         "  probe = \"heartbeat\"\n" +
         keys;
}

const HeartbeatSpec& spec_of(const Model& m) { return std::get<HeartbeatSpec>(m.signals.at(0).spec); }

}  // namespace

TEST_CASE("a scheduled heartbeat loads its schedule, zone, grace, max_runtime and token", "[model][load][heartbeat]") {
  LoadOptions options;
  options.zone_lookup = [](std::string_view name) -> schedule::ZoneLookup {
    if (name != "Europe/Berlin") return {std::nullopt, "unknown time zone \"" + std::string(name) + "\""};
    return {schedule::Zone("Europe/Berlin", {{schedule::TimePoint::min(), 3600s, "CET"}}), ""};
  };
  const LoadResult r = load(heartbeat("  schedule = \"0 2 * * *\"\n  timezone = \"Europe/Berlin\"\n"
                                      "  grace = \"30m\"\n  max_runtime = \"2h\"\n  token_file = \"backup-token\"\n"),
                            "/etc/greenlight/model.toml", options);
  REQUIRE(r.ok());
  const HeartbeatSpec& h = spec_of(*r.model);
  CHECK(h.scheduled());
  CHECK(h.schedule_text == "0 2 * * *");
  CHECK(h.timezone == "Europe/Berlin");
  CHECK(h.grace == 30min);
  CHECK(h.max_runtime == 2h);
  CHECK(h.token.file == "/etc/greenlight/backup-token");
  CHECK(std::get<schedule::CronSchedule>(*h.when).zone.name() == "Europe/Berlin");
  CHECK(r.model->signals[0].thresholds.empty());  // the value is the run time, not the age
}

TEST_CASE("a period heartbeat and an unscheduled one load", "[model][load][heartbeat]") {
  auto m = require_model(HM_HERE, heartbeat("  period = \"1h\"\n  token_env = \"BACKUP_TOKEN\"\n"));
  CHECK(spec_of(*m).scheduled());
  CHECK(spec_of(*m).period == 1h);
  CHECK(spec_of(*m).token.env == "BACKUP_TOKEN");
  m = require_model(HM_HERE, heartbeat("  red_after = \"26h\"\n  max_runtime = \"1h\"\n"));
  CHECK_FALSE(spec_of(*m).scheduled());
  CHECK(spec_of(*m).red_after == 26h);
}

TEST_CASE("heartbeat schedule errors point at the field", "[model][load][heartbeat][errors]") {
  // `  schedule = "` : the string's quote is at column 14, its first character at 15.
  SECTION("an out-of-range hour, at the hour inside the string") {
    require_config_error(HM_HERE, heartbeat("  schedule = \"0 25 * * *\"\n"), 5, 17, "hour: 25 is out of range");
  }
  SECTION("a field missing, one past the end of the expression") {
    require_config_error(HM_HERE, heartbeat("  schedule = \"0 2 * *\"\n"), 5, 22, "day-of-week is missing");
  }
  SECTION("a step of 0") {
    require_config_error(HM_HERE, heartbeat("  schedule = \"*/0 * * * *\"\n"), 5, 17, "a step of 0");
  }
  SECTION("both schedule and period, at period") {
    require_config_error(HM_HERE, heartbeat("  schedule = \"0 2 * * *\"\n  period = \"1h\"\n"), 6, 12,
                         "give \"schedule\" or \"period\", not both");
  }
  SECTION("an unknown time zone, at timezone") {
    require_config_error(HM_HERE, heartbeat("  schedule = \"0 2 * * *\"\n  timezone = \"Europe/Berlyn\"\n"), 6, 14,
                         "unknown time zone \"Europe/Berlyn\"");
  }
  SECTION("grace that is not a duration") {
    require_config_error(HM_HERE, heartbeat("  schedule = \"0 2 * * *\"\n  grace = \"soon\"\n"), 6, 11,
                         "bad duration \"soon\" for \"grace\"");
  }
  SECTION("max_runtime that is not a duration") {
    require_config_error(HM_HERE, heartbeat("  period = \"1h\"\n  max_runtime = 5\n"), 6, 17,
                         "\"max_runtime\" must be a duration");
  }
  SECTION("red_after on a scheduled heartbeat") {
    require_config_error(HM_HERE, heartbeat("  period = \"1h\"\n  red_after = \"2h\"\n"), 6, 15,
                         "applies to an unscheduled heartbeat");
  }
  SECTION("grace without a schedule") {
    require_config_error(HM_HERE, heartbeat("  red_after = \"2h\"\n  grace = \"5m\"\n"), 6, 11,
                         "applies to a scheduled heartbeat");
  }
  SECTION("neither red_after nor a schedule") {
    require_config_error(HM_HERE, heartbeat(""), 2, 3, "missing required key \"red_after\"");
  }
}
