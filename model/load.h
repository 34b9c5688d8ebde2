#pragma once

// Builds a Model from TOML text (SPEC section 5). Pure: the caller reads the file; `path`
// is used for error positions and to resolve relative paths (state_dir, *_file, exec
// commands) against the file's directory, as strings, without touching the filesystem.

#include <memory>
#include <string_view>
#include <vector>

#include "model/config_error.h"
#include "model/model.h"

namespace greenlight::model {

struct LoadResult {
  std::shared_ptr<const Model> model;  // null when errors is not empty
  std::vector<ConfigError> errors;     // every problem found, in file order
  bool ok() const { return errors.empty(); }
};

[[nodiscard]] LoadResult load(std::string_view text, std::string_view path);

}  // namespace greenlight::model
