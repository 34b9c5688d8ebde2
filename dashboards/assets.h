#pragma once

// The dashboard's files (dashboards/web), built into the binary: no CDN, no files to
// install. Served at / (index.html) and /assets/NAME.

#include <string>
#include <vector>

namespace greenlight::dashboards {

struct Asset {
  std::string name;  // "index.html", "app.js", ...
  std::string content_type;
  std::string body;
};

const std::vector<Asset>& assets();
// Files of `greenlight demo`: shop.toml (examples/shop.toml).
const std::vector<Asset>& demo_files();
// Files of `greenlight grafana`: greenlight.json (dashboards/grafana).
const std::vector<Asset>& grafana_files();
// GET /api/v1/openapi.json: openapi.json (docs/openapi.json).
const std::vector<Asset>& api_files();

}  // namespace greenlight::dashboards
