#pragma once

// Secrets out of what is shown: logs, events, the API.

#include <string>

namespace greenlight::model {

// A URL as it may be shown: user:password and the query, where a token may sit, replaced
// by "…". "https://u:pw@hooks.example/x?token=1" -> "https://…@hooks.example/x?…".
std::string redact_url(const std::string& url);

}  // namespace greenlight::model
