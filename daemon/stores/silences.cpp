#include "daemon/stores/silences.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "daemon/stores/files.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {

std::vector<alerting::Silence> from_config(const std::vector<model::SilenceConfig>& configured) {
  std::vector<alerting::Silence> out;
  for (std::size_t i = 0; i < configured.size(); ++i) {
    const auto& c = configured[i];
    out.push_back({"config-" + std::to_string(i + 1), c.match, c.starts_at, c.ends_at, c.author, c.comment});
  }
  return out;
}
// The matchers of a saved silence (those the Alertmanager API made): false if damaged.
bool read_matchers(const json& list, std::vector<alerting::LabelMatcher>& out) {
  using Op = alerting::LabelMatcher::Op;
  for (const json& m : list) {
    if (!m.is_object()) return false;
    const std::string op = m.value("op", "=");
    std::string error;
    auto made = alerting::LabelMatcher::make(m.value("name", ""), m.value("value", ""),
                                             op == "!=" ? Op::NotEqual : op == "=~" ? Op::Regex : op == "!~" ? Op::NotRegex : Op::Equal,
                                             error);
    if (!made) return false;
    out.push_back(std::move(*made));
  }
  return true;
}

}  // namespace

SilenceStore::SilenceStore(std::string state_dir, const std::vector<model::SilenceConfig>& configured)
    : path_(std::move(state_dir) + "/silences.json"), configured_(from_config(configured)) {
  std::string text;
  if (!read_file(path_, text)) return;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  next_id_ = j.value("next_id", 1);
  for (const auto& s : j.value("silences", json::array())) {
    try {
      alerting::Silence x;
      x.id = s.at("id");
      for (const auto& [k, v] : s.at("match").items()) x.match[k] = v.get<std::string>();
      x.starts_at = model::from_epoch_ms(s.at("starts_at"));
      x.ends_at = model::from_epoch_ms(s.at("ends_at"));
      x.author = s.value("author", "");
      x.comment = s.value("comment", "");
      if (!read_matchers(s.value("matchers", json::array()), x.matchers)) continue;
      api_.push_back(std::move(x));
    } catch (const json::exception&) {
      continue;
    }
  }
}

std::vector<alerting::Silence> SilenceStore::all() const {
  std::lock_guard lock(mutex_);
  std::vector<alerting::Silence> out = configured_;
  out.insert(out.end(), api_.begin(), api_.end());
  return out;
}

void SilenceStore::replace_configured(const std::vector<model::SilenceConfig>& configured) {
  std::lock_guard lock(mutex_);
  configured_ = from_config(configured);
  version_.fetch_add(1);
}

std::string SilenceStore::add(alerting::Silence s, model::TimePoint now, std::string& error) {
  if (s.match.empty() && s.matchers.empty()) {
    error = "a silence needs \"match\" with at least one label";
    return {};
  }
  if (s.starts_at == model::TimePoint{}) s.starts_at = now;
  if (s.ends_at <= s.starts_at) {
    error = "ends_at must be after starts_at";
    return {};
  }
  if (s.ends_at <= now) {
    error = "the silence would already be over";
    return {};
  }
  std::lock_guard lock(mutex_);
  s.id = id_prefix_ + "s" + std::to_string(next_id_++);
  // Expired silences older than a day are forgotten.
  std::erase_if(api_, [&](const alerting::Silence& x) { return now - x.ends_at > std::chrono::hours(24); });
  api_.push_back(s);
  save_locked();
  return s.id;
}

void SilenceStore::put(const alerting::Silence& s) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(api_.begin(), api_.end(), [&](const alerting::Silence& x) { return x.id == s.id; });
  if (it == api_.end()) {
    api_.push_back(s);
  } else {
    *it = s;
  }
  save_locked();
}

void SilenceStore::set_id_prefix(std::string prefix) {
  std::lock_guard lock(mutex_);
  id_prefix_ = std::move(prefix);
}

bool SilenceStore::expire(const std::string& id, model::TimePoint now) {
  std::lock_guard lock(mutex_);
  for (auto& s : api_) {
    if (s.id != id) continue;
    if (s.ends_at > now) s.ends_at = now;
    save_locked();
    return true;
  }
  return false;
}

void SilenceStore::save_locked() const {
  version_.fetch_add(1);
  json list = json::array();
  for (const auto& s : api_) {
    json matchers = json::array();
    for (const auto& m : s.matchers) {
      matchers.push_back({{"name", m.name}, {"value", m.value}, {"op", alerting::to_string(m.op)}});
    }
    list.push_back({{"id", s.id},
                    {"match", s.match},
                    {"starts_at", model::to_epoch_ms(s.starts_at)},
                    {"ends_at", model::to_epoch_ms(s.ends_at)},
                    {"author", s.author},
                    {"comment", s.comment},
                    {"matchers", std::move(matchers)}});
  }
  write_file_atomically(path_, model::json_text(json{{"next_id", next_id_}, {"silences", list}}, 2) + "\n");
}

}  // namespace greenlight::daemon
