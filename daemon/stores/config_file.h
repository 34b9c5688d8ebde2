#pragma once

// Reads a model file from disk and loads it: the file-I/O edge around model::load(). It
// hands model::load the files that `include` and `members_from` name, and the environment
// for ${VAR}.

#include <string>

#include "model/load.h"

namespace greenlight::daemon {

// Errors include the unreadable-file case as a ConfigError without a position. `previous`
// (the model in force, on a reload) keeps a group's last good file_sd members when its
// files turn bad.
model::LoadResult load_file(const std::string& path, const model::Model* previous = nullptr);

// model::LoadOptions::read_files: the files `pattern` names. A pattern whose last part has
// * ? or [ matches the files of its directory (fnmatch; none is no error, hidden files
// only when the pattern starts with '.'); a plain path must be a readable file.
model::FileRead read_matching_files(const std::string& pattern);


}  // namespace greenlight::daemon
