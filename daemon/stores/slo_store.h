#pragma once

// state_dir/slo.bin: the objectives' histories (engine/objectives.h, SPEC 6.2), written
// atomically every minute and at shutdown. A file that is not one (corrupt, truncated,
// another program's) is renamed aside to slo.bin.bad-<epoch ms>, never deleted, and the
// daemon starts with empty histories.

#include <string>

#include "model/types.h"

namespace greenlight::daemon {

struct SloFile {
  std::string bytes;      // the file, when it is a valid one; else empty
  std::string set_aside;  // the path a bad file was renamed to
  std::string error;      // why it was set aside, or why renaming failed
};

SloFile load_slo(const std::string& state_dir, model::TimePoint now);
// "" or an error.
std::string save_slo(const std::string& state_dir, const std::string& bytes);

}  // namespace greenlight::daemon
