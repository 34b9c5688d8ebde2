#include "probes/promql_answer.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace greenlight::probes {

namespace {

model::ProbeOutcome failure(std::string message) { return {false, std::nullopt, std::move(message), std::nullopt}; }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

model::ProbeOutcome read_query_answer(int status, std::string_view body, const std::string& query) {
  try {
    const auto j = nlohmann::json::parse(body);
    if (status != 200 || j.value("status", "") != "success") {
      return failure("query failed: HTTP " + std::to_string(status) + " " + j.value("error", ""));
    }
    const auto& data = j.at("data");
    const std::string type = data.at("resultType");
    const nlohmann::json* sample = nullptr;
    if (type == "vector" && !data.at("result").empty()) {
      sample = &data.at("result").at(0).at("value");
    } else if (type == "scalar") {
      sample = &data.at("result");
    } else if (type == "vector") {
      return {true, std::nullopt, "query returned no samples", model::Health::Unknown};
    } else {
      return failure("query returned a " + type + ", not an instant vector or scalar");
    }
    const double v = std::stod(sample->at(1).get<std::string>());
    return {true, v, query + " = " + fixed(v, std::fabs(v) < 100 ? 3 : 0), {}};
  } catch (const std::exception& e) {
    return failure(std::string("unreadable query response: ") + e.what());
  }
}

}  // namespace greenlight::probes
