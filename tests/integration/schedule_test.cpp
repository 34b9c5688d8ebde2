// `greenlight schedule` (SPEC 6.4), the real binary as a user runs it.

#include <catch2/catch.hpp>

#include "tests/support/process.h"

using greenlight::test::run_process;

namespace {

const std::string kBinary = GREENLIGHT_BINARY;

}  // namespace

TEST_CASE("greenlight schedule prints the next due times in UTC, then local time", "[integration][cli][schedule]") {
  const auto r = run_process({kBinary, "schedule", "30 2 * * *", "--timezone", "Europe/Berlin", "--from",
                              "2025-03-28T12:00:00Z", "--count", "3"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "2025-03-29T01:30:00Z  Sat 2025-03-29 02:30:00 CET\n"
        "2025-03-30T01:00:00Z  Sun 2025-03-30 03:00:00 CEST\n"  // the skipped hour: right after the jump
        "2025-03-31T00:30:00Z  Mon 2025-03-31 02:30:00 CEST\n");
}

TEST_CASE("greenlight schedule: the repeated hour in New York is due once", "[integration][cli][schedule]") {
  const auto r = run_process({kBinary, "schedule", "30 1 * * *", "--timezone", "America/New_York", "--from",
                              "2025-11-01T12:00:00-04:00", "--count", "2"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "2025-11-02T05:30:00Z  Sun 2025-11-02 01:30:00 EDT\n"
        "2025-11-03T06:30:00Z  Mon 2025-11-03 01:30:00 EST\n");
}

TEST_CASE("greenlight schedule defaults to UTC, five lines, from now", "[integration][cli][schedule]") {
  const auto r = run_process({kBinary, "schedule", "@hourly"});
  CHECK(r.exit_code == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 5);
  CHECK(r.out.find(":00:00Z  ") == 13);
  CHECK(r.out.find(" UTC\n") != std::string::npos);
}

TEST_CASE("greenlight schedule: a bad expression or zone exits 2 with the column on stderr",
          "[integration][cli][schedule]") {
  const auto bad = run_process({kBinary, "schedule", "0 2 * * 8"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
  CHECK(bad.err ==
        "greenlight schedule: column 9: day-of-week: 8 is out of range 0-7 or sun-sat\n"
        "  0 2 * * 8\n"
        "          ^\n");

  const auto zero = run_process({kBinary, "schedule", "*/0 * * * *"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("column 3: minute: a step of 0 never advances") != std::string::npos);

  const auto fields = run_process({kBinary, "schedule", "* * * *"});
  CHECK(fields.exit_code == 2);
  CHECK(fields.err.find("expected five fields") != std::string::npos);

  const auto zone = run_process({kBinary, "schedule", "0 2 * * *", "--timezone", "Europe/Berlyn"});
  CHECK(zone.exit_code == 2);
  CHECK(zone.out.empty());
  CHECK(zone.err == "greenlight schedule: unknown time zone \"Europe/Berlyn\" (use an IANA name such as "
                    "\"Europe/Berlin\", or \"UTC\")\n");
}

TEST_CASE("greenlight schedule: usage errors exit 64", "[integration][cli][schedule]") {
  CHECK(run_process({kBinary, "schedule"}).exit_code == 64);
  CHECK(run_process({kBinary, "schedule", "0 2 * * *", "--count", "0"}).exit_code == 64);
  CHECK(run_process({kBinary, "schedule", "0 2 * * *", "--count", "many"}).exit_code == 64);
  CHECK(run_process({kBinary, "schedule", "0 2 * * *", "--from", "yesterday"}).exit_code == 64);
  CHECK(run_process({kBinary, "schedule", "0", "2", "*", "*", "*"}).exit_code == 64);  // unquoted fields
}
