#include "daemon/stores/forward_outbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "daemon/stores/files.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using nlohmann::json;

ForwardOutbox::ForwardOutbox(std::string state_dir, std::vector<std::string> peers, model::TimePoint now,
                             std::size_t max_facts)
    : path_(std::move(state_dir) + "/forward_outbox.jsonl"), peers_(std::move(peers)), max_facts_(max_facts) {
  epoch_ = model::to_epoch_ms(now);
  read_journal();
  std::lock_guard lock(mutex_);
  compact_locked();
}

ForwardOutbox::~ForwardOutbox() {
  if (fd_ >= 0) close(fd_);
}

// The epoch line first ({"op": "epoch", "epoch", "next_seq"}), then add and done lines; a
// torn or damaged line is skipped (its write never completed).
void ForwardOutbox::read_journal() {
  std::ifstream in(path_);
  std::vector<Entry> added;
  std::map<std::string, std::set<std::string>> acknowledged;  // fact id -> peers
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    try {
      const std::string op = j.at("op");
      if (op == "epoch") {
        epoch_ = j.at("epoch").get<std::int64_t>();
        next_seq_ = std::max(next_seq_, j.at("next_seq").get<std::uint64_t>());
      } else if (op == "add") {
        Entry e{j.at("fact"), {}};
        for (const json& p : j.at("to")) {
          if (std::find(peers_.begin(), peers_.end(), p.get<std::string>()) != peers_.end()) e.to.insert(p);
        }
        next_seq_ = std::max(next_seq_, e.fact.at("seq").get<std::uint64_t>() + 1);
        added.push_back(std::move(e));
      } else if (op == "done") {
        acknowledged[j.at("id")].insert(j.at("peer").get<std::string>());
      }
    } catch (const json::exception&) {
      continue;
    }
  }
  for (Entry& e : added) {
    const auto ack = acknowledged.find(e.fact.at("id"));
    if (ack != acknowledged.end()) {
      for (const std::string& p : ack->second) e.to.erase(p);
    }
    if (!e.to.empty()) entries_.push_back(std::move(e));
  }
  while (entries_.size() > max_facts_) {
    entries_.pop_front();
    ++dropped_;
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
  if (peers_.empty()) return fact;
  entries_.push_back({fact, std::set<std::string>(peers_.begin(), peers_.end())});
  while (entries_.size() > max_facts_) {  // dropped from the journal at the next compaction
    entries_.pop_front();
    ++dropped_;
  }
  error = append_locked(model::json_text(json{{"op", "add"}, {"fact", fact}, {"to", peers_}}) + "\n", true);
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
    std::string err =
        append_locked(model::json_text(json{{"op", "done"}, {"peer", peer}, {"id", id}}) + "\n", false);
    if (err.empty() && lines_ > 2 * entries_.size() + 1000) err = compact_locked();
    return err;
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

std::string ForwardOutbox::append_locked(const std::string& lines, bool sync) {
  if (fd_ < 0) return "cannot open " + path_ + ": " + std::strerror(errno);
  if (const int err = write_all(fd_, lines); err != 0) return "cannot write " + path_ + ": " + std::strerror(err);
  if (sync && fdatasync(fd_) != 0) return "cannot sync " + path_ + ": " + std::strerror(errno);
  ++lines_;
  return {};
}

std::string ForwardOutbox::compact_locked() {
  std::string text =
      model::json_text(json{{"op", "epoch"}, {"epoch", epoch_}, {"next_seq", next_seq_}}) + "\n";
  for (const Entry& e : entries_) text += model::json_text(json{{"op", "add"}, {"fact", e.fact}, {"to", e.to}}) + "\n";
  if (fd_ >= 0) close(fd_);
  const std::string err = write_file_atomically(path_, text);
  fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  lines_ = entries_.size() + 1;
  return err;
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
