#include "model/cluster.h"

#include <vector>

namespace greenlight::model {

std::uint32_t shard_of(std::string_view id, std::uint32_t shards) {
  return shards <= 1 ? 0 : static_cast<std::uint32_t>(stable_hash(id) % shards);
}

namespace {

// The components each shard needs: the closure of its flows' steps over depends_on and
// members, and the components no flow needs by their own hash.
std::vector<std::vector<bool>> needed_by_shard(const Model& m, std::uint32_t shards) {
  std::vector<std::vector<bool>> need(shards, std::vector<bool>(m.components.size(), false));
  std::vector<bool> any(m.components.size(), false);
  for (const Flow& f : m.flows) {
    std::vector<bool>& mine = need[shard_of(f.id, shards)];
    std::vector<ComponentIndex> todo;
    for (const FlowStep& s : f.steps) todo.push_back(s.component);
    while (!todo.empty()) {
      const ComponentIndex c = todo.back();
      todo.pop_back();
      if (c >= m.components.size() || mine[c]) continue;
      mine[c] = any[c] = true;
      for (const Dependency& d : m.components[c].depends_on) todo.push_back(d.component);
      for (ComponentIndex member : m.components[c].members) todo.push_back(member);
    }
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (!any[c]) need[shard_of(m.components[c].id, shards)][c] = true;
  }
  return need;
}

}  // namespace

ShardPlan plan_shard(const Model& m, std::uint32_t shards, std::uint32_t shard) {
  ShardPlan plan;
  if (shards == 0 || shard >= shards) return plan;
  const auto need = needed_by_shard(m, shards);
  for (const Flow& f : m.flows) {
    if (shard_of(f.id, shards) == shard) plan.flows.insert(f.id);
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (need[shard][c]) plan.components.insert(m.components[c].id);
  }
  for (const Action& a : m.actions) {
    if (a.flow != kNoIndex) {
      if (plan.flows.count(m.flows[a.flow].id)) plan.actions.insert(a.name);
      continue;
    }
    std::uint32_t first = shards;
    for (std::uint32_t s = 0; s < shards && first == shards; ++s) {
      if (a.component != kNoIndex && need[s][a.component]) first = s;
    }
    if (first == shard) plan.actions.insert(a.name);
  }
  return plan;
}

}  // namespace greenlight::model
