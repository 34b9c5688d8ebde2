#include "daemon/stores/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "schedule/tzdb.h"

namespace greenlight::daemon {

model::LoadResult load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {nullptr, {{path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno)}}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  model::LoadOptions options;
  options.zone_lookup = [](std::string_view name) { return schedule::load_zone(name); };
  return model::load(text.str(), path, options);
}

}  // namespace greenlight::daemon
