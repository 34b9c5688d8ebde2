#include "daemon/stores/events.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "daemon/stores/files.h"
#include "daemon/stores/memory.h"
#include "dashboards/render.h"
#include "model/json_text.h"
#include "model/types.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {
// An event as a line of events.jsonl: the API's form with the time as epoch milliseconds.
std::string line_of(const Event& e) {
  json j = dashboards::event_json(e);
  j.erase("time");
  j["at"] = model::to_epoch_ms(e.at);
  return model::json_text(j) + "\n";
}
}  // namespace

EventLog::EventLog(std::string state_dir, std::size_t capacity)
    : path_(state_dir.empty() ? "" : state_dir + "/events.jsonl"), capacity_(std::max<std::size_t>(capacity, 1)) {}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t EventLog::load() {
  std::lock_guard lock(mutex_);
  if (path_.empty()) return 0;
  std::string content;
  std::size_t damaged = 0;
  if (read_file(path_, content)) {
    std::istringstream in(content);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      try {
        const json j = json::parse(line);
        Event e{j.at("seq").get<std::uint64_t>(), model::from_epoch_ms(j.at("at").get<std::int64_t>()),
                j.at("type").get<std::string>(), j.at("message").get<std::string>(), j.value("detail", json::object())};
        next_seq_ = std::max(next_seq_, e.seq + 1);
        events_.push_back(std::move(e));
        if (events_.size() > capacity_) events_.pop_front();
      } catch (const json::exception&) {
        ++damaged;  // a torn last line after a crash, or a hand edit
      }
    }
  }
  rewrite_locked();  // start from a compact file: the kept events only
  return damaged;
}

void EventLog::rewrite_locked() {
  std::string compact;
  for (const Event& e : events_) compact += line_of(e);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  write_file_atomically(path_, compact);  // creates state_dir if missing
  lines_in_file_ = events_.size();
  give_back_free_memory();  // daemon/stores/memory.h
}

void EventLog::write_locked(const std::vector<Event>& events) {
  if (path_.empty()) return;
  // Twice the capacity on disk: rewrite with what is kept in memory (`events` included).
  if (lines_in_file_ + events.size() > 2 * capacity_) return rewrite_locked();
  std::string lines;
  for (const Event& e : events) lines += line_of(e);
  if (fd_ < 0) {
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return;  // history is best effort; the in-memory events still serve
  }
  if (write_all(fd_, lines) == 0) lines_in_file_ += events.size();
}

void EventLog::record(std::vector<Event> events) {
  if (events.empty()) return;
  std::lock_guard lock(mutex_);
  // More than the capacity at once (a reload of a huge model): keep the newest.
  if (events.size() > capacity_) events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(capacity_));
  for (Event& e : events) {
    e.seq = next_seq_++;
    events_.push_back(e);
    if (events_.size() > capacity_) events_.pop_front();
  }
  write_locked(events);
}

std::vector<Event> EventLog::query(std::uint64_t after_seq, model::TimePoint since, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<Event> out;
  for (auto it = events_.rbegin(); it != events_.rend() && out.size() < limit; ++it) {
    if (it->seq <= after_seq) break;
    if (it->at < since) break;
    out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::uint64_t EventLog::last_seq() const {
  std::lock_guard lock(mutex_);
  return next_seq_ - 1;
}

}  // namespace greenlight::daemon
