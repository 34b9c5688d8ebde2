#pragma once

// Builds a Model from TOML text (SPEC section 5). Pure: the caller reads the file; `path`
// is used for error positions and to resolve relative paths (state_dir, *_file, exec
// commands) against the file's directory, as strings, without touching the filesystem.

#include <functional>
#include <memory>
#include <optional>
#include <string>
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

// One file that an `include` or a `members_from` file_sd pattern matched.
struct SourceFile {
  std::string path;
  std::string text;
};
struct FileRead {
  std::vector<SourceFile> files;  // sorted by path; none when a pattern matched nothing
  std::string error;              // a file that could not be read, a plain path that does not exist
};

// What load() cannot do by itself and stay pure.
struct LoadOptions {
  // Resolves a heartbeat schedule's IANA time zone name (the daemon passes
  // schedule::load_zone, which reads the tzdb). Unset: "UTC" only, any other name is an error.
  std::function<schedule::ZoneLookup(std::string_view)> zone_lookup;
  // Reads the files a path names; * ? and [...] in its last part match many (include,
  // members_from). Relative paths are already resolved against the naming file's
  // directory. The daemon passes read_matching_files (daemon/stores/config_file.h).
  // Unset: include and members_from are errors.
  std::function<FileRead(const std::string& pattern)> read_files;
  // ${VAR} in string values: the variable's value, nothing when unset. The daemon passes
  // getenv. Unset: every variable is unset (a ${VAR:-default} takes its default).
  std::function<std::optional<std::string>(std::string_view name)> env;
  // The model in force, on a reload: a group whose file_sd files turned bad keeps the
  // members it has there (Model::inventories), marked stale. Null: such a group is an error.
  const Model* previous = nullptr;
  // Tells the configuration reference's test of every key the loader asks for, in the
  // section it asks it (SECTION is e.g. "components.*.signals[]"). Unset: nothing.
  std::function<void(const std::string& section, std::string_view key)> on_key;
};

[[nodiscard]] LoadResult load(std::string_view text, std::string_view path, const LoadOptions& options = {});

}  // namespace greenlight::model
