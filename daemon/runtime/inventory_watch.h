#pragma once

// members_from's file_sd files, re-read on change (SPEC 6.6): a thread compares the
// fingerprint (paths, sizes, change times) of the files each inventory's pattern names,
// every `every`, and asks the runtime for a reload when it changed: the ordinary reload
// path, so a bad file keeps the last good members (model::load with the model in force).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "daemon/runtime/log.h"
#include "daemon/runtime/metrics.h"
#include "daemon/runtime/runtime.h"
#include "model/model.h"

namespace greenlight::daemon {

// After a (re)load of `m`: each stale inventory logged (warn) and counted, the stale gauges set.
void report_inventories(const model::Model& m, Log& log, Metrics& metrics);

class InventoryWatch {
 public:
  // Watches the inventories of the model in force (the runtime's snapshot), whatever
  // reloads change; polls nothing while there is none.
  InventoryWatch(Runtime& runtime, Log& log, std::chrono::milliseconds every);
  ~InventoryWatch();

 private:
  void run(std::stop_token stop);

  Runtime& runtime_;
  Log& log_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace greenlight::daemon
