#pragma once

// Test helpers for the pure core: load a model from inline TOML, drive its signals to
// chosen states at chosen times, and assert on config errors with the caller's location.

#include <memory>
#include <string>
#include <string_view>

#include "model/load.h"
#include "model/propagate.h"

namespace greenlight::test {

struct Here {
  const char* file;
  int line;
};
#define HM_HERE ::greenlight::test::Here{__FILE__, __LINE__}

// Loads `toml` (as file "test.toml") and requires an error at line:column whose message
// contains `needle`. On failure, prints every error that was reported.
void require_config_error(Here here, std::string_view toml, int line, int column, std::string_view needle);

// Loads `toml` and requires it to be valid.
std::shared_ptr<const model::Model> require_model(Here here, std::string_view toml, std::string_view path = "test.toml");

std::string read_source_file(std::string_view relative_path);

// A model plus its evaluation state at a fake time.
class World {
 public:
  explicit World(std::shared_ptr<const model::Model> m);

  const model::Model& model() const { return *model_; }
  model::HealthState& state() { return st_; }
  model::TimePoint now() const { return now_; }
  void advance(model::Duration d) { now_ += d; }

  // Feeds one probe result that by itself is `h` (red: a failed run) to component/signal.
  model::Changes set(std::string_view component, std::string_view signal, model::Health h);
  // Feeds as many such runs as the signal's failures/successes need to settle on `h`.
  model::Changes settle(std::string_view component, std::string_view signal, model::Health h);
  // Every signal of every component green.
  void all_green();

  model::Health component(std::string_view id) const;
  model::Health flow(std::string_view id) const;
  std::string component_reason(std::string_view id) const;
  // Root causes rendered as "component/signal", sorted.
  std::vector<std::string> component_root_causes(std::string_view id) const;
  std::vector<std::string> flow_root_causes(std::string_view id) const;

 private:
  std::shared_ptr<const model::Model> model_;
  model::HealthState st_;
  model::TimePoint now_;
};

}  // namespace greenlight::test
