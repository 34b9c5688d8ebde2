#pragma once

// The queries of dashboards/grafana/greenlight.json, for the tests that check them against
// a running daemon's /metrics and a real Prometheus.

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace greenlight::test {

inline nlohmann::json grafana_dashboard() {
  std::ifstream in(std::string(GREENLIGHT_SOURCE_DIR) + "/dashboards/grafana/greenlight.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);  // discarded (is_discarded()) when invalid
}

// Every panel query, with the dashboard's variables given values Prometheus understands.
inline std::vector<std::string> grafana_panel_queries(const nlohmann::json& dashboard) {
  std::vector<std::string> out;
  for (const auto& panel : dashboard.at("panels")) {
    for (const auto& target : panel.value("targets", nlohmann::json::array())) {
      std::string expr = target.at("expr");
      expr = std::regex_replace(expr, std::regex(R"(\$__rate_interval)"), "1m");
      expr = std::regex_replace(expr, std::regex(R"(\$(flow|component))"), ".*");
      out.push_back(expr);
    }
  }
  return out;
}

// The greenlight_* metric names the dashboard reads (panels and variables), histogram
// series (_bucket, _sum, _count) named by their family.
inline std::set<std::string> grafana_metric_names(const nlohmann::json& dashboard) {
  std::string text;
  for (const auto& panel : dashboard.at("panels")) {
    for (const auto& target : panel.value("targets", nlohmann::json::array())) text += target.at("expr").get<std::string>() + "\n";
  }
  for (const auto& var : dashboard.at("templating").at("list")) text += var.value("definition", "") + "\n";
  std::set<std::string> names;
  const std::regex name(R"(greenlight_[a-z_]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator(); ++it) {
    std::string n = it->str();
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (n.ends_with(suffix)) n.resize(n.size() - std::string(suffix).size());
    }
    names.insert(n);
  }
  return names;
}

}  // namespace greenlight::test
