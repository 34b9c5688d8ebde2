#pragma once

// Headless Chromium (Debian `chromium`) driven over the Chrome DevTools Protocol, for the
// dashboard test: open a page, evaluate JavaScript in it, change the viewport, take a
// screenshot. The protocol's WebSocket is Boost.Beast's (already used by the probes).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/process.h"

namespace greenlight::test {

class Browser {
 public:
  // Starts chromium with its profile and log in `dir`. ok() tells whether it came up.
  explicit Browser(const std::string& dir);
  ~Browser();
  bool ok() const { return ws_ != nullptr; }
  const std::string& error() const { return error_; }

  void open(const std::string& url);
  // The value of a JavaScript expression (awaited when it is a promise); null on an exception.
  nlohmann::json evaluate(const std::string& expression);
  void viewport(int width, int height, bool mobile = false);
  // Writes a PNG of the page as shown; returns its size in bytes (0 on failure).
  std::size_t screenshot(const std::string& path);

 private:
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object());
  std::unique_ptr<Child> chromium_;
  struct Socket;
  std::unique_ptr<Socket> ws_;
  std::string error_;
  int next_id_ = 1;
};

}  // namespace greenlight::test
