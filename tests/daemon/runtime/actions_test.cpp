#include <catch2/catch.hpp>

#include "daemon/runtime/actions.h"

using namespace greenlight::daemon;
using greenlight::model::Action;

TEST_CASE("action URLs are shown without credentials or query", "[daemon][actions]") {
  CHECK(redact_url("https://hooks.example/restart") == "https://hooks.example/restart");
  CHECK(redact_url("https://user:pw@hooks.example/restart?token=s3cret") == "https://…@hooks.example/restart?…");
  CHECK(redact_url("http://127.0.0.1:9750/demo/restart/x") == "http://127.0.0.1:9750/demo/restart/x");
  CHECK(redact_url("http://a.example?k=v") == "http://a.example?…");
}

TEST_CASE("a command action: exit status, the last stderr line, output truncated", "[daemon][actions]") {
  Action a;
  a.name = "t";
  a.timeout = std::chrono::seconds(5);
  a.run = {"/bin/sh", "-c", "head -c 10000 /dev/zero | tr '\\\\0' x; echo; echo 'disk full' >&2; exit 3"};
  const ActionResult r = run_action(a, {});
  CHECK(r.outcome == "failed");
  CHECK(r.message.rfind("exit 3 in ", 0) == 0);
  CHECK(r.message.find("disk full") != std::string::npos);
  CHECK(r.output.size() < 2 * ActionRunner::kMaxOutput);
  CHECK(r.output.find("[output truncated]") != std::string::npos);
  a.run = {"/no/such/program"};
  const ActionResult missing = run_action(a, {});
  CHECK(missing.outcome == "failed");
  CHECK(missing.message.find("/no/such/program") != std::string::npos);
}
