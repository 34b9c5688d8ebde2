#include "model/toml_reader.h"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace greenlight::model {

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string_view type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

bool valid_host_port(std::string_view s) {
  std::string_view host, port;
  if (s.starts_with('[')) {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return false;  // IPv6 needs brackets
  }
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  return !host.empty() && ec == std::errc{} && end == port.data() + port.size() && p >= 1 && p <= 65535;
}

bool valid_http_url(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (s.starts_with(scheme) && s.size() > scheme.size() && s[scheme.size()] != '/') return true;
  }
  return false;
}

// ---- ErrorList -----------------------------------------------------------------------

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  // Optimal string alignment distance, rows of the dynamic programme rolled.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
      before = prev;
      prev = cur;
    }
    return prev[b.size()];
  };
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c == word) continue;
    const std::size_t d = distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const auto best = nearest(word, candidates);
  return best ? "; did you mean " + quote(*best) + "?" : std::string();
}

void ErrorList::add(const toml::source_region& at, std::string message) {
  errors_.push_back({at.path && !at.path->empty() ? *at.path : file_, static_cast<int>(at.begin.line),
                     static_cast<int>(at.begin.column), std::move(message)});
}

// ---- TableReader ---------------------------------------------------------------------

const toml::node* TableReader::node(std::string_view key) {
  known_.emplace_back(key);
  if (errors_.on_key) errors_.on_key(table_, key);
  if (const toml::node* n = table_.get(key)) return n;
  return template_ != nullptr ? template_->get(key) : nullptr;
}

const toml::node* TableReader::required(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) error_here("missing required key " + quote(key));
  return n;
}

void TableReader::error(const toml::node& at, const std::string& message) {
  errors_.add(at.source(), context_ + ": " + message);
}

void TableReader::error_at(const toml::source_region& at, const std::string& message) {
  errors_.add(at, context_ + ": " + message);
}

void TableReader::error_here(const std::string& message) { errors_.add(table_.source(), context_ + ": " + message); }

void TableReader::wrong_type(std::string_view key, const toml::node& n, std::string_view expected) {
  error(n, quote(key) + " must be " + std::string(expected) + ", not " + std::string(type_name(n.type())));
}

std::optional<std::string> TableReader::string(std::string_view key, bool req) {
  const toml::node* n = req ? required(key) : node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value_exact<std::string>()) return *v;
  wrong_type(key, *n, "a string");
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  auto v = n->value_exact<std::int64_t>();
  if (!v) {
    wrong_type(key, *n, "an integer");
    return std::nullopt;
  }
  if (*v < min || *v > max) {
    error(*n, quote(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                  std::to_string(*v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> TableReader::number(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value_exact<double>()) return v;
  if (auto v = n->value_exact<std::int64_t>()) return static_cast<double>(*v);
  wrong_type(key, *n, "a number");
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value_exact<bool>()) return v;
  wrong_type(key, *n, "a boolean");
  return std::nullopt;
}

std::optional<Duration> TableReader::duration(std::string_view key, bool allow_zero) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  auto s = n->value_exact<std::string>();
  if (!s) {
    wrong_type(key, *n, "a duration string such as \"10s\"");
    return std::nullopt;
  }
  auto d = parse_duration(*s);
  if (!d) {
    error(*n, "bad duration " + quote(*s) + " for " + quote(key) + " (use e.g. \"250ms\", \"10s\", \"5m\", \"26h\")");
    return std::nullopt;
  }
  if (!allow_zero && d->count() == 0) {
    error(*n, quote(key) + " must be longer than 0s");
    return std::nullopt;
  }
  return d;
}

std::optional<TimePoint> TableReader::timestamp(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  const auto* dt = n->as_date_time();
  if (dt == nullptr || !dt->get().offset) {
    error(*n, quote(key) + " must be a date-time with a UTC offset, e.g. 2026-11-26T22:00:00Z");
    return std::nullopt;
  }
  const toml::date_time& v = dt->get();
  using namespace std::chrono;
  const sys_days day = year{v.date.year} / month{v.date.month} / v.date.day;
  TimePoint tp = time_point_cast<Duration>(day + hours{v.time.hour} + minutes{v.time.minute} +
                                           seconds{v.time.second} + nanoseconds{v.time.nanosecond});
  return tp - minutes{v.offset->minutes};
}

const toml::array* TableReader::array(std::string_view key, bool req) {
  const toml::node* n = req ? required(key) : node(key);
  if (n == nullptr) return nullptr;
  if (const toml::array* a = n->as_array()) return a;
  wrong_type(key, *n, "an array");
  return nullptr;
}

const toml::table* TableReader::subtable(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  wrong_type(key, *n, "a table");
  return nullptr;
}

std::vector<std::string> TableReader::string_array(std::string_view key, bool req) {
  std::vector<std::string> out;
  const toml::array* a = array(key, req);
  if (a == nullptr) return out;
  for (const toml::node& e : *a) {
    if (auto s = e.value_exact<std::string>()) {
      out.push_back(*s);
    } else {
      error(e, "every element of " + quote(key) + " must be a string, not " + std::string(type_name(e.type())));
    }
  }
  return out;
}

std::optional<Labels> TableReader::string_table(std::string_view key) {
  const toml::table* t = subtable(key);
  if (t == nullptr) return std::nullopt;
  Labels out;
  for (const auto& [k, v] : *t) {
    if (auto s = v.value_exact<std::string>()) {
      out.emplace(std::string(k.str()), *s);
    } else {
      errors_.add(v.source(), context_ + ": " + quote(key) + "." + std::string(k.str()) + " must be a string, not " +
                                  std::string(type_name(v.type())));
    }
  }
  return out;
}

void TableReader::unknown_keys(const toml::table& t, const std::string& context) {
  for (const auto& [k, v] : t) {
    if (std::find(known_.begin(), known_.end(), k.str()) == known_.end()) {
      errors_.add(k.source(), context + ": unknown key " + quote(k.str()) + did_you_mean(k.str(), known_));
    }
  }
}

void TableReader::finish() {
  unknown_keys(table_, context_);
  // The same message at the same place for each user of the template: load() keeps one.
  if (template_ != nullptr) unknown_keys(*template_, "signal template " + quote(template_name_));
}

}  // namespace greenlight::model
