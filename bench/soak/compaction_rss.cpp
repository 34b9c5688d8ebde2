// Does RSS stay flat across compactions of events.jsonl? (issue 18's soak: a lasting
// +0.9 MiB step at the second compaction, daemon/stores/memory.h.) Records 12,000
// soak-like events into an EventLog of capacity 2,000 from a thread (as the runtime does:
// a thread's malloc arena), so events.jsonl is rewritten at 4,000, 6,000, ... lines, and
// compares VmRSS after the first compaction (the ring full) with the end.
//
//   greenlight_compaction_rss [--default]   # --default: without keep_large_allocations_out_of_the_heap
//
// Exit 1 when RSS grew by more than 256 KiB after the first compaction. Meaningful with
// glibc's malloc only (not under ASan), so ctest runs it in non-sanitized builds.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "daemon/stores/events.h"
#include "daemon/stores/memory.h"

namespace {

long rss_kib() {
  std::ifstream f("/proc/self/status");
  for (std::string l; std::getline(f, l);) {
    if (l.rfind("VmRSS:", 0) == 0) return std::atol(l.c_str() + 6);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace greenlight;
  const bool tuned = !(argc > 1 && std::string(argv[1]) == "--default");
  if (tuned) daemon::keep_large_allocations_out_of_the_heap();
  const auto dir = std::filesystem::temp_directory_path() / ("greenlight-compaction-rss-" + std::to_string(::getpid()));
  long after_first = 0, end = 0;
  std::thread t([&] {
    daemon::EventLog log(dir.string(), 2000);
    log.load();
    const model::TimePoint now{std::chrono::milliseconds(1'700'000'000'000)};
    for (int i = 1; i <= 12000; ++i) {
      nlohmann::json d = {{"id", "component/payments-db-" + std::to_string(i % 40)}, {"from", "green"}, {"to", "red"},
                          {"reason", "signal http_check failed: connection refused, attempt " + std::to_string(i)},
                          {"root_cause", "database"}, {"flow", "checkout"}};
      log.record(engine::Event{0, now, "component", "payments-db went red: connection refused", std::move(d)});
      if (i == 5000) after_first = rss_kib();  // the ring is full and events.jsonl was rewritten once
      if (i % 1000 == 0) std::printf("%5d events: VmRSS %ld KiB\n", i, rss_kib());
    }
    end = rss_kib();
  });
  t.join();
  std::filesystem::remove_all(dir);
  const long growth = end - after_first;
  std::printf("%s: VmRSS %ld KiB after the first compaction, %ld KiB after five more: %+ld KiB\n",
              tuned ? "pinned thresholds" : "glibc's default", after_first, end, growth);
  return growth > 256 ? 1 : 0;
}
