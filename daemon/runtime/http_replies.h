#pragma once

// What every handler of the HTTP API (http_api.cpp, http_heartbeats.cpp) answers with:
// a JSON body (errors as dashboards::error_json), and the token comparison.

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "dashboards/render.h"
#include "model/json_text.h"

namespace greenlight::daemon {

inline void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(model::json_text(body, 2) + "\n", "application/json");
}

inline void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, dashboards::error_json(status, message));
}

// Constant-time comparison: a token check must not leak how many characters matched.
inline bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace greenlight::daemon
