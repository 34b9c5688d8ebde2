#pragma once

// Internal to model::load (SPEC section 5): reading TOML tables with typed getters that
// report every problem as a ConfigError at the offending node's file:line:col, and the value
// formats that several sections share. Not thread-safe; one reader per table, on one thread.

#include <cstdint>
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

// The errors of one file, in the order they were found (load() sorts them at the end).
class ErrorList {
 public:
  explicit ErrorList(std::string_view file) : file_(file) {}

  const std::string& file() const { return file_; }
  bool empty() const { return errors_.empty(); }
  // Reports `message` at the beginning of `at`.
  void add(const toml::source_region& at, std::string message);
  std::vector<ConfigError> take() { return std::move(errors_); }

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

  // Marks `key` as known and returns its node, or null when absent.
  const toml::node* node(std::string_view key) {
    known_.emplace_back(key);
    return table_.get(key);
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

  // Reports every key that nothing asked for.
  void finish();

 private:
  ErrorList& errors_;
  const toml::table& table_;
  std::string context_;
  std::vector<std::string> known_;  // owned: some keys are built at run time ("url" + "_file")
};

}  // namespace greenlight::model
