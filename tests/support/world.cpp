#include "tests/support/world.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace greenlight::test {

using namespace model;

void require_config_error(Here here, std::string_view toml, int line, int column, std::string_view needle) {
  INFO("expected at " << here.file << ":" << here.line);
  const LoadResult r = load(toml, "test.toml");
  std::string all;
  bool found = false;
  for (const auto& e : r.errors) {
    all += format(e) + "\n";
    if (e.line == line && e.column == column && e.message.find(needle) != std::string::npos) found = true;
  }
  INFO("wanted test.toml:" << line << ":" << column << ": ... " << needle << "\nreported:\n" << all);
  CHECK_FALSE(r.ok());
  CHECK(r.model == nullptr);
  CHECK(found);
}

std::shared_ptr<const Model> require_model(Here here, std::string_view toml, std::string_view path) {
  INFO("model from " << here.file << ":" << here.line);
  LoadResult r = load(toml, path);
  std::string all;
  for (const auto& e : r.errors) all += format(e) + "\n";
  INFO(all);
  REQUIRE(r.ok());
  return r.model;
}

std::string read_source_file(std::string_view relative_path) {
  std::ifstream in(std::string(GREENLIGHT_SOURCE_DIR) + "/" + std::string(relative_path));
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

World::World(std::shared_ptr<const Model> m)
    : model_(std::move(m)), now_(TimePoint{std::chrono::hours(24 * 365 * 56)}) {
  st_ = HealthState::initial(*model_, now_);
  evaluate_all(*model_, st_, now_);
}

Changes World::set(std::string_view component, std::string_view signal, Health h) {
  const auto s = model_->find_signal(component, signal);
  INFO("signal " << component << "/" << signal);
  REQUIRE(s.has_value());
  ProbeOutcome o;
  o.ok = h != Health::Red;
  o.reported = h;
  o.message = "forced " + std::string(to_string(h));
  return apply_result(*model_, st_, *s, o, now_);
}

Changes World::settle(std::string_view component, std::string_view signal, Health h) {
  const auto s = model_->find_signal(component, signal);
  REQUIRE(s.has_value());
  const int runs = std::max(model_->signals[*s].failures, model_->signals[*s].successes);
  Changes all;
  for (int i = 0; i < runs; ++i) {
    Changes c = set(component, signal, h);
    all.signals.insert(all.signals.end(), c.signals.begin(), c.signals.end());
    all.components.insert(all.components.end(), c.components.begin(), c.components.end());
    all.flows.insert(all.flows.end(), c.flows.begin(), c.flows.end());
    if (c.overall) all.overall = c.overall;
  }
  return all;
}

void World::all_green() {
  for (const Signal& s : model_->signals) settle(model_->components[s.component].id, s.id, Health::Green);
}

Health World::component(std::string_view id) const {
  const auto c = model_->find_component(id);
  REQUIRE(c.has_value());
  return st_.components[*c].state;
}

Health World::flow(std::string_view id) const {
  const auto f = model_->find_flow(id);
  REQUIRE(f.has_value());
  return st_.flows[*f].state;
}

std::string World::component_reason(std::string_view id) const {
  return describe_component(*model_, st_, *model_->find_component(id));
}

namespace {
std::vector<std::string> render(const Model& m, const std::vector<RootCause>& causes) {
  std::vector<std::string> out;
  for (const auto& rc : causes) {
    out.push_back(m.components[rc.component].id + (rc.signal == kNoIndex ? "" : "/" + m.signals[rc.signal].id));
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::vector<std::string> World::component_root_causes(std::string_view id) const {
  return render(*model_, root_causes_of_component(*model_, st_, *model_->find_component(id)));
}

std::vector<std::string> World::flow_root_causes(std::string_view id) const {
  return render(*model_, root_causes_of_flow(*model_, st_, *model_->find_flow(id)));
}

}  // namespace greenlight::test
