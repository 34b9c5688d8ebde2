#include "model/config_error.h"

#include <algorithm>
#include <tuple>

namespace greenlight::model {

std::string format(const ConfigError& e) {
  std::string out = e.file;
  if (e.line > 0) {
    out += ':' + std::to_string(e.line) + ':' + std::to_string(e.column);
  }
  out += ": error: ";
  out += e.message;
  return out;
}

void sort_by_position(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  std::vector<ConfigError> once;
  once.reserve(errors.size());
  for (ConfigError& e : errors) {
    if (std::find(once.begin(), once.end(), e) == once.end()) once.push_back(std::move(e));
  }
  errors = std::move(once);
}

}  // namespace greenlight::model
