#pragma once

#include <string>
#include <vector>

namespace greenlight::model {

// One problem found while loading a configuration. Positions are 1-based, as editors show
// them; 0 means "no position" (e.g. an error about the file as a whole).
struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  bool operator==(const ConfigError&) const = default;
};

// "FILE:LINE:COL: error: message", the format `greenlight validate` prints.
std::string format(const ConfigError& e);

// Sorted by position, so that errors read top to bottom like the file.
// Exact duplicates (a template's error, once per signal using it) are kept once.
void sort_by_position(std::vector<ConfigError>& errors);

}  // namespace greenlight::model
