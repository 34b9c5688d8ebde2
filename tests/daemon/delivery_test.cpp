#include <catch2/catch.hpp>

#include "daemon/delivery.h"

using greenlight::daemon::standard_webhooks_signature;

TEST_CASE("webhook signatures follow the Standard Webhooks test vector", "[daemon][delivery][signature]") {
  // The example of the Standard Webhooks specification (whsec_ secrets are base64 keys).
  CHECK(standard_webhooks_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                    1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // A secret without the prefix is used as bytes: python3 hmac.new(b"plain", b"id.1.{}", sha256).
  CHECK(standard_webhooks_signature("plain", "id", 1, "{}") == "v1,yTTW8Qg6igsIG1niV/XYLLnQdSip56u7rxeVX1lHYSk=");
}
