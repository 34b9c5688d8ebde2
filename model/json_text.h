#pragma once

// JSON text that never throws. A string that is not valid UTF-8 (a plugin's Latin-1
// output, a URL path or a header from the network) would make nlohmann::json::dump throw;
// here its bad bytes become U+FFFD instead. Every JSON the daemon writes or sends goes
// through this.

#include <nlohmann/json.hpp>
#include <string>

namespace greenlight::model {

inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace greenlight::model
