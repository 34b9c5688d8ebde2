// model::compile_user_regex: the checks and the linear-time matcher that keep libstdc++'s
// std::regex defined and on the stack with patterns and texts users and the network send.

#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "model/load.h"
#include "model/user_regex.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::require_config_error;

TEST_CASE("user regexes: a valid pattern compiles and matches, an invalid one is an error and not a throw",
          "[model][regex]") {
  std::regex re;
  CHECK(compile_user_regex("ok|healthy", re) == "");
  CHECK(std::regex_search("status: healthy", re));
  CHECK(compile_user_regex("db|cache", re, "^(?:", ")$") == "");
  CHECK(std::regex_match("db", re));
  CHECK_FALSE(std::regex_match("dbx", re));
  CHECK(compile_user_regex("a{2,3}\\d{4}", re) == "");
  CHECK(std::regex_match("aa2026", re));
  CHECK_FALSE(compile_user_regex("(", re).empty());
  // No back-references (neither has RE2, which Prometheus and Alertmanager use).
  CHECK_FALSE(compile_user_regex("(a)\\1", re).empty());
}

TEST_CASE("user regexes: numbers libstdc++ would overflow and patterns its compiler would recurse on are refused",
          "[model][regex]") {
  std::regex re;
  // Found by fuzzing model_load: a back-reference of 50 digits was signed overflow (UBSan).
  CHECK(compile_user_regex("(a)\\" + std::string(50, '4'), re).find("more than 6 digits") != std::string::npos);
  CHECK(compile_user_regex("a{" + std::string(30, '9') + "}", re).find("more than 6 digits") != std::string::npos);
  CHECK(compile_user_regex("a{1," + std::string(30, '9') + "}", re) != "");
  // An escaped backslash followed by digits is a literal backslash and digits.
  CHECK(compile_user_regex("\\\\" + std::string(20, '4'), re) == "");
  CHECK(std::regex_search("x\\" + std::string(20, '4'), re));
  CHECK(compile_user_regex("id: " + std::string(20, '7'), re) == "");  // long literal numbers are fine
  CHECK(compile_user_regex(std::string(kMaxUserRegex, 'a'), re) == "");
  CHECK(compile_user_regex(std::string(kMaxUserRegex + 1, 'a'), re).find("longer than 4096") != std::string::npos);
}

TEST_CASE("user regexes: matching a long text stays off the stack and linear", "[model][regex]") {
  // With std::regex's default matcher `ok.*` against 40 KB overflowed an 8 MiB stack (one
  // frame per character), and `(a*)*b` took exponential time.
  std::regex re;
  REQUIRE(compile_user_regex("ok.*", re) == "");
  CHECK(std::regex_search("ok" + std::string(256 << 10, 'a'), re));  // six times the 40 KB
  REQUIRE(compile_user_regex("(a*)*b", re) == "");
  CHECK_FALSE(std::regex_search(std::string(1000, 'a'), re));  // exponential: hopeless past 30
}

TEST_CASE("an expect_body or match_re that compile_user_regex refuses is a config error at its position",
          "[model][regex][load]") {
  const std::string http = "[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"http\"\n"
                           "  url = \"http://127.0.0.1/\"\n  expect_body = '";
  require_config_error(HM_HERE, http + "(a)\\" + std::string(40, '4') + "'\n", 6, 17,
                       "expect_body is not a valid regular expression: a repeat count or back-reference of more");
  require_config_error(HM_HERE, http + std::string(5000, 'x') + "'\n", 6, 17,
                       "expect_body is not a valid regular expression: longer than 4096 characters (5000)");
}
