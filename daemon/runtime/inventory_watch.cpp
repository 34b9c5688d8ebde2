#include "daemon/runtime/inventory_watch.h"

#include <string>

#include "daemon/stores/config_file.h"

namespace greenlight::daemon {

namespace {

// Whether the files of an inventory of `m` differ from what `m` was loaded from; the
// first such inventory's digest now in `now`.
bool changed(const model::Model& m, std::string& now) {
  for (const model::Inventory& inv : m.inventories) {
    now = model::files_digest(read_matching_files(inv.file_sd));
    if (now != inv.digest) return true;
  }
  return false;
}

}  // namespace

void report_inventories(const model::Model& m, Log& log, Metrics& metrics) {
  for (const model::Inventory& inv : m.inventories) {
    metrics.inventory(inv.group, inv.stale);
    if (inv.stale) {
      log.warn("inventory_stale",
               "group " + inv.group + " keeps its last good " + std::to_string(inv.targets.size()) +
                   " members: its file_sd files are bad: " + inv.error,
               {{"group", inv.group}, {"file_sd", inv.file_sd}});
    }
  }
}

InventoryWatch::InventoryWatch(Runtime& runtime, Log& log, std::chrono::milliseconds every)
    : runtime_(runtime), log_(log), every_(every), thread_([this](std::stop_token stop) { run(stop); }) {}

InventoryWatch::~InventoryWatch() {
  thread_.request_stop();
  wake_.notify_all();
}

void InventoryWatch::run(std::stop_token stop) {
  // The files' digest a reload was asked for: one that fails (the model has other errors)
  // is not asked again until the files change again.
  std::string asked;
  while (!stop.stop_requested()) {
    const auto snap = runtime_.snapshot();
    std::string now;
    if (snap && snap->model && changed(*snap->model, now) && now != asked) {
      asked = now;
      log_.info("inventory_changed", "a file_sd file changed; reloading the model");
      runtime_.request_reload().wait();
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, every_, [] { return false; });
  }
}

}  // namespace greenlight::daemon
