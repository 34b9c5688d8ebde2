#include <catch2/catch.hpp>
#include <cmath>

#include "probes/exposition.h"

using namespace greenlight::probes;

namespace {
constexpr const char* kText = R"(# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000
http_requests_total_created{method="post"} 1.6e9
queue_depth{queue="orders", shard="a\"b"} 42
queue_depth{queue="emails"} 7
up 1
temperature -Inf
)";
}  // namespace

TEST_CASE("a scrape finds the first sample matching name and labels", "[probes][exposition]") {
  CHECK(find_sample(kText, "http_requests_total", {{"code", "400"}}).value == 3);
  CHECK(find_sample(kText, "http_requests_total", {}).value == 1027);
  CHECK(find_sample(kText, "queue_depth", {{"queue", "orders"}}).value == 42);
  CHECK(find_sample(kText, "queue_depth", {{"shard", "a\"b"}}).value == 42);  // escaped quote
  CHECK(find_sample(kText, "up", {}).value == 1);
  CHECK(std::isinf(*find_sample(kText, "temperature", {}).value));
}

TEST_CASE("a scrape says why a sample is missing", "[probes][exposition]") {
  const SampleLookup none = find_sample(kText, "queue_depth", {{"queue", "payments"}});
  CHECK_FALSE(none.value.has_value());
  CHECK(none.error == "no queue_depth sample matches the labels");
  CHECK(find_sample(kText, "http_requests", {}).error == "no metric http_requests in the exposition");
  CHECK(find_sample("broken{a=\"x\" 1\n", "broken", {}).error == "line 1: malformed labels");
  CHECK(find_sample("x abc\n", "x", {}).error == "line 1: bad sample value");
}
