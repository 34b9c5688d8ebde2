// Does RSS stay flat across compactions of events.jsonl? (issue 18's soak: a lasting
// +0.9 MiB step at the second compaction, daemon/stores/memory.h.) Records 12,000
// soak-like events into an EventLog of capacity 2,000 from a thread (as the runtime does:
// a thread's malloc arena), so events.jsonl is rewritten at 4,000, 6,000, ... lines, and
// compares VmRSS after the first compaction (the ring full) with the end.
//
//   greenlight_compaction_rss [--default]   # --default: without pinned thresholds (the trim stays)
//
// Then the same for outbox.jsonl: 2,100 notifications (with their done lines) through an
// Outbox, which compacts at 2,000 lines; RSS before that compaction against the end.
// Exit 1 when RSS grew by more than 256 KiB after either. Meaningful with
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
#include "daemon/stores/outbox.h"

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
  long before_outbox = 0, outbox_end = 0;
  std::thread o([&] {
    daemon::Outbox outbox(dir.string());
    outbox.replay();
    for (int i = 1; i <= 2100; ++i) {
      alerting::Notification n;
      n.id = "gl-" + std::to_string(i);
      n.receiver = "pager";
      n.alert_id = "component/payments-" + std::to_string(i % 7);
      n.incident = {{"summary", std::string(600, 'x')}, {"n", i}, {"labels", {{"team", "payments"}}}};
      outbox.append({n});
      if (i % 2 == 0) outbox.done("gl-" + std::to_string(i - 1), "delivered");
      if (i == 1200) before_outbox = rss_kib();  // before the compaction at 2,000 lines
    }
    outbox_end = rss_kib();
  });
  o.join();
  std::filesystem::remove_all(dir);
  const long growth = end - after_first;
  std::printf("%s: VmRSS %ld KiB after the first compaction, %ld KiB after five more: %+ld KiB\n",
              tuned ? "pinned thresholds" : "glibc's default", after_first, end, growth);
  const long outbox_growth = outbox_end - before_outbox;
  std::printf("%s: VmRSS %ld KiB before the outbox's compaction, %ld KiB after: %+ld KiB\n",
              tuned ? "pinned thresholds, trimmed" : "glibc's default", before_outbox, outbox_end, outbox_growth);
  return growth > 256 || outbox_growth > 256 ? 1 : 0;
}
