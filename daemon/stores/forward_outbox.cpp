#include "daemon/stores/forward_outbox.h"

#include <algorithm>
#include <filesystem>

#include "daemon/stores/files.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using nlohmann::json;

ForwardOutbox::ForwardOutbox(std::string state_dir, std::vector<std::string> peers, model::TimePoint now)
    : path_(std::move(state_dir) + "/forward_outbox.json"), peers_(std::move(peers)) {
  epoch_ = model::to_epoch_ms(now);
  std::string text;
  if (!read_file(path_, text)) return;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  try {
    epoch_ = j.at("epoch").get<std::int64_t>();
    next_seq_ = j.at("next_seq").get<std::uint64_t>();
    for (const json& e : j.at("facts")) {
      Entry entry{e.at("fact"), {}};
      for (const json& p : e.at("to")) {
        const std::string peer = p.get<std::string>();
        if (std::find(peers_.begin(), peers_.end(), peer) != peers_.end()) entry.to.insert(peer);
      }
      if (!entry.to.empty()) entries_.push_back(std::move(entry));
    }
  } catch (const json::exception&) {
    entries_.clear();  // a damaged file: start afresh (the epoch stays, ids stay unique)
  }
}

json ForwardOutbox::add(const std::string& origin, const std::string& kind, json data, std::string& error) {
  std::lock_guard lock(mutex_);
  const std::uint64_t seq = next_seq_++;
  json fact{{"id", origin + ":" + std::to_string(epoch_) + ":" + std::to_string(seq)},
            {"origin", origin},
            {"epoch", epoch_},
            {"seq", seq},
            {"kind", kind},
            {"data", std::move(data)}};
  if (!peers_.empty()) {
    entries_.push_back({fact, std::set<std::string>(peers_.begin(), peers_.end())});
    while (entries_.size() > kMaxFacts) {
      entries_.pop_front();
      ++dropped_;
    }
  }
  error = save_locked();
  return fact;
}

std::optional<json> ForwardOutbox::front(const std::string& peer) const {
  std::lock_guard lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.to.count(peer)) return e.fact;
  }
  return std::nullopt;
}

std::string ForwardOutbox::done(const std::string& peer, const std::string& id) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->fact.at("id") != id) continue;
    it->to.erase(peer);
    if (it->to.empty()) entries_.erase(it);
    return save_locked();
  }
  return {};
}

std::size_t ForwardOutbox::pending(const std::string& peer) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.to.count(peer) > 0; }));
}

std::uint64_t ForwardOutbox::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::string ForwardOutbox::save_locked() const {
  json facts = json::array();
  for (const Entry& e : entries_) facts.push_back({{"fact", e.fact}, {"to", e.to}});
  return write_file_atomically(path_, model::json_text(json{{"epoch", epoch_}, {"next_seq", next_seq_}, {"facts", facts}}) + "\n");
}

SeenFacts::SeenFacts(std::string state_dir) : path_(std::move(state_dir) + "/cluster_seen.json") {
  std::string text;
  if (!read_file(path_, text)) return;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  for (const auto& [origin, m] : j.items()) {
    if (m.is_object()) marks_[origin] = {m.value("epoch", std::int64_t{0}), m.value("seq", std::uint64_t{0})};
  }
}

bool SeenFacts::is_new(const std::string& origin, std::int64_t epoch, std::uint64_t seq) const {
  std::lock_guard lock(mutex_);
  const auto it = marks_.find(origin);
  if (it == marks_.end()) return true;
  return epoch > it->second.epoch || (epoch == it->second.epoch && seq > it->second.seq);
}

std::string SeenFacts::applied(const std::string& origin, std::int64_t epoch, std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  marks_[origin] = {epoch, seq};
  json j = json::object();
  for (const auto& [o, m] : marks_) j[o] = {{"epoch", m.epoch}, {"seq", m.seq}};
  return write_file_atomically(path_, model::json_text(j) + "\n");
}

}  // namespace greenlight::daemon
