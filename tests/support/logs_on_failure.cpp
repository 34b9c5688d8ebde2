// When an assertion of an integration test fails, print the end of the log of every
// greenlight daemon the test has running, once per test case: a failure on CI then says
// what the daemon did, though its directory is removed when the test ends.

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>
#include <deque>
#include <fstream>
#include <iostream>

#include "tests/support/daemon_process.h"

namespace {

constexpr std::size_t kTailLines = 60;

struct LogsOnFailure : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    TestEventListenerBase::testCaseStarting(info);
    shown_ = false;
  }

  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (shown_ || stats.assertionResult.succeeded()) return false;
    shown_ = true;
    for (const std::string& path : greenlight::test::live_daemon_logs()) {
      std::ifstream in(path);
      std::deque<std::string> tail;
      for (std::string line; std::getline(in, line);) {
        tail.push_back(std::move(line));
        if (tail.size() > kTailLines) tail.pop_front();
      }
      std::cerr << "---- the last " << tail.size() << " lines of " << path << " at the failure:\n";
      for (const std::string& line : tail) std::cerr << line << '\n';
      std::cerr << "----\n";
    }
    return false;
  }

 private:
  bool shown_ = false;
};

}  // namespace

CATCH_REGISTER_LISTENER(LogsOnFailure)
