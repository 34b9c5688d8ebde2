#include "daemon/stores/slo_store.h"

#include <filesystem>
#include <system_error>

#include "daemon/stores/files.h"
#include "engine/objectives.h"

namespace greenlight::daemon {

namespace {
std::string path_in(const std::string& state_dir) { return state_dir + "/slo.bin"; }
}  // namespace

SloFile load_slo(const std::string& state_dir, model::TimePoint now) {
  SloFile out;
  const std::string path = path_in(state_dir);
  std::string bytes;
  if (!read_file(path, bytes)) return out;  // none yet
  if (engine::Objectives::valid_file(bytes)) {
    out.bytes = std::move(bytes);
    return out;
  }
  out.set_aside = path + ".bad-" + std::to_string(model::to_epoch_ms(now));
  std::error_code ec;
  std::filesystem::rename(path, out.set_aside, ec);
  out.error = ec ? "cannot rename " + path + " aside: " + ec.message()
                 : path + " is not a greenlight objectives history (corrupt or foreign)";
  if (ec) out.set_aside.clear();
  return out;
}

std::string save_slo(const std::string& state_dir, const std::string& bytes) {
  return write_file_atomically(path_in(state_dir), bytes);
}

}  // namespace greenlight::daemon
