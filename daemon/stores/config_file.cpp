#include "daemon/stores/config_file.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "schedule/tzdb.h"

namespace greenlight::daemon {

namespace {

bool has_glob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// The paths `pattern` names, sorted; an error for a plain path that is not there.
std::vector<std::string> matching_paths(const std::string& pattern, std::string& error) {
  const std::filesystem::path p(pattern);
  const std::string last = p.filename().string();
  if (!has_glob(last)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      error = "no such file " + pattern;
      return {};
    }
    return {pattern};
  }
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::error_code ec2;
    if (entry.is_regular_file(ec2) && fnmatch(last.c_str(), name.c_str(), FNM_PERIOD) == 0) {
      out.push_back((dir / name).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

model::FileRead read_matching_files(const std::string& pattern) {
  model::FileRead out;
  for (const std::string& path : matching_paths(pattern, out.error)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      out.error = "cannot read " + path + ": " + std::strerror(errno);
      return out;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out.files.push_back({path, text.str()});
  }
  return out;
}

model::LoadResult load_file(const std::string& path, const model::Model* previous) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {nullptr, {{path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno)}}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  model::LoadOptions options;
  options.zone_lookup = [](std::string_view name) { return schedule::load_zone(name); };
  options.read_files = read_matching_files;
  options.env = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  options.previous = previous;
  return model::load(text.str(), path, options);
}

}  // namespace greenlight::daemon
