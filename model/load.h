#pragma once

// Builds a Model from TOML text (SPEC section 5). Pure: the caller reads the file; `path`
// is used for error positions and to resolve relative paths (state_dir, *_file, exec
// commands) against the file's directory, as strings, without touching the filesystem.

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "model/config_error.h"
#include "model/model.h"
#include "schedule/tzdb.h"

namespace greenlight::model {

struct LoadResult {
  std::shared_ptr<const Model> model;  // null when errors is not empty
  std::vector<ConfigError> errors;     // every problem found, in file order
  bool ok() const { return errors.empty(); }
};

// What load() cannot do by itself and stay pure.
struct LoadOptions {
  // Resolves a heartbeat schedule's IANA time zone name (the daemon passes
  // schedule::load_zone, which reads the tzdb). Unset: "UTC" only, any other name is an error.
  std::function<schedule::ZoneLookup(std::string_view)> zone_lookup;
};

[[nodiscard]] LoadResult load(std::string_view text, std::string_view path, const LoadOptions& options = {});

}  // namespace greenlight::model
