#include "daemon/stores/heartbeats.h"

#include <nlohmann/json.hpp>

#include "daemon/stores/files.h"
#include "model/json_text.h"

namespace greenlight::daemon {

HeartbeatStore::HeartbeatStore(std::string state_dir) : path_(std::move(state_dir) + "/heartbeats.json") {
  std::string text;
  if (!read_file(path_, text)) return;
  try {
    const nlohmann::json doc = nlohmann::json::parse(text);
    for (const auto& [key, ms] : doc.items()) {
      last_[key] = model::from_epoch_ms(ms.get<std::int64_t>());
    }
  } catch (const std::exception&) {
    last_.clear();  // a damaged file counts as no heartbeats: they count from now
  }
}

void HeartbeatStore::record(const std::string& key, model::TimePoint at) {
  std::lock_guard lock(mutex_);
  last_[key] = at;
}

std::optional<model::TimePoint> HeartbeatStore::last(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = last_.find(key);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

std::string HeartbeatStore::save() const {
  nlohmann::json j = nlohmann::json::object();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, at] : last_) j[key] = model::to_epoch_ms(at);
  }
  return write_file_atomically(path_, model::json_text(j, 2) + "\n");
}

}  // namespace greenlight::daemon
