// [daemon] keys of SPEC 6.6: TLS files and the read token, resolved and checked at load.

#include <catch2/catch.hpp>

#include "tests/support/world.h"

using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {
constexpr const char* kComponent = R"(
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
)";
}  // namespace

TEST_CASE("tls files and token files resolve relative to the model's directory", "[model][load][daemon]") {
  const auto m = require_model(HM_HERE, R"([daemon]
listen = "0.0.0.0:9750"
auth_token_file = "admin.token"
read_token_file = "read.token"
tls_cert_file = "tls/cert.pem"
tls_key_file = "/etc/greenlight/key.pem"
)" + std::string(kComponent),
                               "/etc/greenlight/model.toml");
  CHECK(m->daemon.read_token_file == "/etc/greenlight/read.token");
  CHECK(m->daemon.tls_cert_file == "/etc/greenlight/tls/cert.pem");
  CHECK(m->daemon.tls_key_file == "/etc/greenlight/key.pem");
  CHECK(m->daemon.external_url == "https://0.0.0.0:9750/");  // with TLS, links are https
  CHECK(require_model(HM_HERE, "[daemon]\nlisten = \"127.0.0.1:9750\"\n" + std::string(kComponent))->daemon.external_url ==
        "http://127.0.0.1:9750/");
}

TEST_CASE("tls files go in pairs, and a read token needs an admin token", "[model][load][daemon]") {
  require_config_error(HM_HERE, "[daemon]\ntls_cert_file = \"cert.pem\"\n", 2, 17, "set both or neither");
  require_config_error(HM_HERE, "[daemon]\ntls_key_file = \"key.pem\"\n", 2, 16, "set both or neither");
  require_config_error(HM_HERE, "[daemon]\nread_token_file = \"read.token\"\n", 2, 19, "needs \"auth_token_file\"");
  CHECK(greenlight::model::is_loopback_listen("127.0.0.1:9750"));
  CHECK(greenlight::model::is_loopback_listen("[::1]:9750"));
  CHECK_FALSE(greenlight::model::is_loopback_listen("0.0.0.0:9750"));
}
