#pragma once

// Internal to model::load (SPEC section 5): reading TOML tables with typed getters that
// report every problem as a ConfigError at the offending node's file:line:col, and the value
// formats that several sections share. Not thread-safe; one reader per table, on one thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "model/config_error.h"
#include "model/model.h"

namespace greenlight::model {

// "\"s\"": how messages name keys and values.
std::string quote(std::string_view s);
// "a string", "an integer", ...: what a node is, for "must be X, not Y" messages.
std::string_view type_name(toml::node_type t);

// Ids appear in URLs, metric labels and file names: keep them to a safe alphabet.
bool valid_id(std::string_view id);
// "host:port" or "[v6]:port", port 1-65535.
bool valid_host_port(std::string_view s);
// "http://x..." or "https://x...", with something after the scheme.
bool valid_http_url(std::string_view s);

// The nearest of `candidates` to `word` by edit distance (insert, delete, substitute, swap
// two neighbours), when it is close enough to be a likely typo: at most a third of the
// word's length, at least 1, as rustc's and cargo's "did you mean" do. Ties: the first.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);
// "; did you mean \"x\"?" for nearest(), or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// The errors of one load, in the order they were found (load() sorts them at the end).
// A position's file is the node's own (an included file's), else the main file.
class ErrorList {
 public:
  explicit ErrorList(std::string_view file) : file_(file) {}

  const std::string& file() const { return file_; }
  bool empty() const { return errors_.empty(); }
  // Reports `message` at the beginning of `at`.
  void add(const toml::source_region& at, std::string message);
  std::vector<ConfigError> take() { return std::move(errors_); }

  // Told of every key a TableReader asks for, with the table it asked (the configuration
  // reference's test collects the keys the loader accepts this way). Unset: nothing.
  std::function<void(const toml::table&, std::string_view key)> on_key;

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

// Reads the keys of one TOML table, records what it read, and reports the rest as
// unknown keys in finish(). Every error names the table's context and the key.
// A getter returns nothing both when the key is absent and when its value is wrong (after
// reporting it); `required` getters also report an absent key.
class TableReader {
 public:
  TableReader(ErrorList& errors, const toml::table& table, std::string context)
      : errors_(errors), table_(table), context_(std::move(context)) {}

  const toml::table& table() const { return table_; }
  const std::string& context() const { return context_; }

  // Marks `key` as known and returns its node, or null when absent. A key the table lacks
  // comes from its template (set_template), if that has it.
  const toml::node* node(std::string_view key);
  // Keys that are not read but must not be reported as unknown (the keys of every probe
  // kind when the kind itself is wrong: one error, not one more per key).
  void mark_known(const std::vector<std::string>& keys) { known_.insert(known_.end(), keys.begin(), keys.end()); }
  const std::vector<std::string>& known() const { return known_; }
  // [signal_templates.NAME]: the keys this table does not set are read from `t`; its
  // unknown keys are reported once, as the template's.
  void set_template(const toml::table* t, std::string name) {
    template_ = t;
    template_name_ = std::move(name);
  }
  const toml::node* required(std::string_view key);

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<double> number(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  // A duration string such as "250ms", "10s", "5m", "26h"; 0s only when `allow_zero`.
  std::optional<Duration> duration(std::string_view key, bool allow_zero = false);
  // A TOML date-time with a UTC offset, e.g. 2026-11-26T22:00:00Z.
  std::optional<TimePoint> timestamp(std::string_view key);
  const toml::array* array(std::string_view key, bool required = false);
  const toml::table* subtable(std::string_view key);
  std::vector<std::string> string_array(std::string_view key, bool required = false);
  std::optional<Labels> string_table(std::string_view key);
  // A string key naming one of an enum's values, parsed by `parse`; `expected` lists them.
  template <typename Parse>
  auto choice(std::string_view key, Parse parse, std::string_view expected) -> decltype(parse(std::string_view{})) {
    const toml::node* n = node(key);
    auto v = string(key);
    if (!v) return std::nullopt;
    auto parsed = parse(*v);
    if (!parsed) error(*n, std::string(key) + " must be " + std::string(expected) + ", not \"" + *v + "\"");
    return parsed;
  }

  // "CONTEXT: message" at `at`, or at the table itself.
  void error(const toml::node& at, const std::string& message);
  void error_here(const std::string& message);
  // "CONTEXT: message" at a position of its own (inside a string value, say).
  void error_at(const toml::source_region& at, const std::string& message);
  void wrong_type(std::string_view key, const toml::node& n, std::string_view expected);

  // Reports every key that nothing asked for, with the nearest known key if one is close.
  void finish();

 private:
  void unknown_keys(const toml::table& t, const std::string& context);

  ErrorList& errors_;
  const toml::table& table_;
  std::string context_;
  std::vector<std::string> known_;  // owned: some keys are built at run time ("url" + "_file")
  const toml::table* template_ = nullptr;
  std::string template_name_;
};

}  // namespace greenlight::model
