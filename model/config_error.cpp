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
  // Equal errors have equal positions: compare each with those of its position kept so far.
  std::vector<ConfigError> once;
  once.reserve(errors.size());
  std::size_t run = 0;  // where the kept errors at the current position begin
  for (ConfigError& e : errors) {
    if (!once.empty() && std::tie(e.file, e.line, e.column) != std::tie(once.back().file, once.back().line,
                                                                           once.back().column)) {
      run = once.size();
    }
    if (std::find(once.begin() + static_cast<std::ptrdiff_t>(run), once.end(), e) == once.end()) {
      once.push_back(std::move(e));
    }
  }
  errors = std::move(once);
}

}  // namespace greenlight::model
