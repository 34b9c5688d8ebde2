#include "daemon/stores/heartbeats.h"

#include <nlohmann/json.hpp>

#include "daemon/stores/files.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {

std::optional<model::TimePoint> time_of(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number_integer()) return std::nullopt;
  return model::from_epoch_ms(j[key].get<std::int64_t>());
}

probes::HeartbeatHistory from_json(const json& j) {
  probes::HeartbeatHistory h;
  if (j.is_number_integer()) {  // the older file: the last push
    h.last_ping = h.last_finish = model::from_epoch_ms(j.get<std::int64_t>());
    return h;
  }
  h.first_seen = time_of(j, "first_seen");
  h.last_ping = time_of(j, "last_ping");
  h.last_start = time_of(j, "last_start");
  h.last_finish = time_of(j, "last_finish");
  h.failed = j.value("failed", false);
  h.message = j.value("message", "");
  if (j.contains("run_seconds") && j["run_seconds"].is_number()) h.run_seconds = j["run_seconds"].get<double>();
  return h;
}

json to_json(const probes::HeartbeatHistory& h) {
  json j = json::object();
  const auto put = [&](const char* key, const std::optional<model::TimePoint>& t) {
    if (t) j[key] = model::to_epoch_ms(*t);
  };
  put("first_seen", h.first_seen);
  put("last_ping", h.last_ping);
  put("last_start", h.last_start);
  put("last_finish", h.last_finish);
  if (h.failed) j["failed"] = true;
  if (!h.message.empty()) j["message"] = h.message;
  if (h.run_seconds) j["run_seconds"] = *h.run_seconds;
  return j;
}

}  // namespace

HeartbeatStore::HeartbeatStore(std::string state_dir) : path_(std::move(state_dir) + "/heartbeats.json") {
  std::string text;
  if (!read_file(path_, text)) return;
  try {
    const json doc = json::parse(text);
    for (const auto& [key, v] : doc.items()) history_[key] = from_json(v);
  } catch (const std::exception&) {
    history_.clear();  // a damaged file counts as no heartbeats: they count from now
  }
}

void HeartbeatStore::record(const std::string& key, probes::PingKind kind, std::optional<int> exit_code,
                            std::string_view message, model::TimePoint at) {
  std::lock_guard lock(mutex_);
  probes::record_ping(history_[key], kind, exit_code, message, at);
}

void HeartbeatStore::anchor(const std::string& key, model::TimePoint at) {
  std::lock_guard lock(mutex_);
  probes::HeartbeatHistory& h = history_[key];
  if (!h.first_seen) h.first_seen = at;
}

std::optional<model::TimePoint> HeartbeatStore::last(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = history_.find(key);
  if (it == history_.end()) return std::nullopt;
  return it->second.last_ping;
}

std::optional<probes::HeartbeatHistory> HeartbeatStore::history(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = history_.find(key);
  if (it == history_.end()) return std::nullopt;
  return it->second;
}

std::string HeartbeatStore::save() const {
  std::lock_guard save_lock(save_mutex_);
  json j = json::object();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, h] : history_) j[key] = to_json(h);
  }
  return write_file_atomically(path_, model::json_text(j, 2) + "\n");
}

}  // namespace greenlight::daemon
