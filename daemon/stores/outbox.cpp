#include "daemon/stores/outbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "daemon/stores/files.h"
#include "daemon/stores/memory.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using namespace alerting;
using nlohmann::json;

namespace {
NotifyReason reason_of(const std::string& s) {
  if (s == "resolved") return NotifyReason::Resolved;
  if (s == "severity_change") return NotifyReason::SeverityChange;
  if (s == "flapping") return NotifyReason::Flapping;
  return NotifyReason::Firing;
}

// The journal's lines: a notification enqueued, and its outcome.
std::string enqueue_line(const Notification& n) { return model::json_text(to_json(n)) + "\n"; }
std::string done_line(const std::string& id, const std::string& outcome) {
  return model::json_text(json{{"op", "done"}, {"id", id}, {"outcome", outcome}}) + "\n";
}
}  // namespace

json to_json(const Notification& n) {
  return {{"op", "enqueue"},
          {"id", n.id},
          {"receiver", n.receiver},
          {"reason", to_string(n.reason)},
          {"alert_id", n.alert_id},
          {"severity", to_string(n.severity)},
          {"created_at", model::to_epoch_ms(n.created_at)},
          {"not_before", model::to_epoch_ms(n.not_before)},
          {"group_key", n.group_key},
          {"starts_at", model::to_epoch_ms(n.starts_at)},
          {"record", n.record},
          {"incident", n.incident}};
}

Notification notification_from_json(const json& j) {
  Notification n;
  n.id = j.at("id");
  n.receiver = j.at("receiver");
  n.reason = reason_of(j.at("reason"));
  n.alert_id = j.at("alert_id");
  n.severity = model::parse_severity(j.at("severity").get<std::string>()).value_or(model::Severity::None);
  n.created_at = model::from_epoch_ms(j.at("created_at"));
  n.not_before = model::from_epoch_ms(j.at("not_before"));
  n.group_key = j.value("group_key", "");
  n.starts_at = model::from_epoch_ms(j.at("starts_at"));
  n.record = j.at("record");
  n.incident = j.value("incident", json());  // null in journals written before incidents
  return n;
}

Outbox::Outbox(std::string state_dir, std::size_t compact_lines)
    : path_(std::move(state_dir) + "/outbox.jsonl"), min_compact_(compact_lines) {
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

Outbox::~Outbox() {
  if (fd_ >= 0) close(fd_);
}

std::string Outbox::write_lines(const std::string& lines) {
  if (fd_ < 0) return "cannot open " + path_ + ": " + std::strerror(errno);
  if (const int err = write_all(fd_, lines); err != 0) return "cannot write " + path_ + ": " + std::strerror(err);
  if (fdatasync(fd_) != 0) return "cannot sync " + path_ + ": " + std::strerror(errno);
  return {};
}

std::string Outbox::append(const std::vector<Notification>& ns) {
  if (ns.empty()) return {};
  std::string lines;
  for (const Notification& n : ns) lines += enqueue_line(n);
  std::lock_guard lock(mutex_);
  if (std::string err = write_lines(lines); !err.empty()) return err;
  maybe_compact_locked(ns.size());
  return {};
}

std::string Outbox::done(const std::string& id, const std::string& outcome) {
  const std::string line = done_line(id, outcome);
  std::lock_guard lock(mutex_);
  if (std::string err = write_lines(line); !err.empty()) return err;
  maybe_compact_locked(1);
  return {};
}

Outbox::Replay Outbox::replay() {
  std::lock_guard lock(mutex_);
  std::string compact;
  Replay r = read_locked(compact);
  rewrite_locked(compact);
  return r;
}

// The journal only grows between starts but for this: once it holds twice what its
// compact form held (and at least `compact_lines`), it is rewritten compactly, as a
// start does; a daemon that runs for months keeps a journal of what is pending or firing.
void Outbox::maybe_compact_locked(std::size_t lines_written) {
  lines_ += lines_written;
  if (lines_ < std::max(min_compact_, 2 * compact_lines_)) return;
  std::string compact;
  read_locked(compact);
  rewrite_locked(compact);
  give_back_free_memory();  // the parse of every line, freed (daemon/stores/memory.h)
}

void Outbox::rewrite_locked(const std::string& compact) {
  if (fd_ >= 0) close(fd_);
  write_file_atomically(path_, compact);
  fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  compact_lines_ = lines_ = static_cast<std::size_t>(std::count(compact.begin(), compact.end(), '\n'));
}

Outbox::Replay Outbox::read_locked(std::string& compact) {
  Replay r;
  std::vector<std::pair<std::string, Notification>> enqueued;  // journal order
  std::map<std::string, bool> is_done;
  // alert -> receiver -> the latest firing/severity notification told
  std::map<std::string, std::map<std::string, Notification>> told;
  std::ifstream in(path_);
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("op")) {
      ++r.damaged_lines;  // a torn last line after a crash: that write never completed
      continue;
    }
    try {
      if (j["op"] == "done") {
        is_done[j.at("id").get<std::string>()] = true;
        continue;
      }
      Notification n = notification_from_json(j);
      if (n.reason == NotifyReason::Resolved) {
        told[n.alert_id].erase(n.receiver);
      } else if (n.id.find("-r") == std::string::npos) {  // reminders do not change who was told
        told[n.alert_id][n.receiver] = n;
      }
      enqueued.emplace_back(n.id, std::move(n));
    } catch (const json::exception&) {
      ++r.damaged_lines;
    }
  }
  for (auto& [id, n] : enqueued) {
    if (is_done.count(id)) continue;
    compact += enqueue_line(n);
    r.pending.push_back(std::move(n));
  }
  for (auto& [alert, receivers] : told) {
    for (auto& [receiver, n] : receivers) {
      const json& labels = n.record.is_object() ? n.record.value("labels", json::object()) : json::object();
      const json rc = labels.is_object() ? labels.value("root_cause", json()) : json();
      r.told.push_back({alert, receiver, n.severity, n.starts_at, n.created_at, n.group_key,
                        rc.is_string() ? rc.get<std::string>() : ""});
      // Keep the firing line (marked done if it was) so that the next replay still knows.
      if (is_done.count(n.id)) {
        compact += enqueue_line(n) + done_line(n.id, "delivered");
      }
    }
  }
  return r;
}

}  // namespace greenlight::daemon
