// `keepalive = true` on an http signal (issue 16): opt-in connection reuse.

#include <catch2/catch.hpp>

#include "model/load.h"
#include "tests/support/world.h"

using namespace greenlight;
using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {

// The signal's keys go on line 6 and on.
std::string http_signal(const std::string& keys) {
  return "[components.api]\n"
         "  [[components.api.signals]]\n"
         "  id = \"health\"\n"
         "  probe = \"http\"\n"
         "  url = \"http://127.0.0.1:8080/health\"\n" +
         keys;
}

bool keepalive_of(const model::Model& m) { return std::get<model::HttpSpec>(m.signals.at(0).spec).keepalive; }

}  // namespace

TEST_CASE("an http signal reuses its connection only when it says keepalive = true", "[model][load][keepalive]") {
  CHECK_FALSE(keepalive_of(*require_model(HM_HERE, http_signal(""))));
  CHECK(keepalive_of(*require_model(HM_HERE, http_signal("  keepalive = true\n"))));
  CHECK_FALSE(keepalive_of(*require_model(HM_HERE, http_signal("  keepalive = false\n"))));
  require_config_error(HM_HERE, http_signal("  keepalive = \"yes\"\n"), 6, 15, "a boolean");
}
