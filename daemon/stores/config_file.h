#pragma once

// Reads a model file from disk and loads it: the file-I/O edge around model::load().

#include <string>

#include "model/load.h"

namespace greenlight::daemon {

// Errors include the unreadable-file case as a ConfigError without a position.
model::LoadResult load_file(const std::string& path);

}  // namespace greenlight::daemon
