#pragma once

// Sharding a model's flows over replicas (SPEC 6.5), pure.
//
// shard_of(flow id) = FNV-1a 64-bit hash of the id's bytes (offset basis
// 14695981039346656037, prime 1099511628211: model::stable_hash) modulo `shards`. It
// depends on nothing but the id and the shard count, so every replica, every restart and
// `greenlight` on any machine agree. Worked example: shard_of("checkout", 2) is
// stable_hash("checkout") % 2.
//
// A shard keeps
//   - its flows;
//   - every component they need: their steps, and what those depend on or group,
//     transitively (shared components are probed by every shard that needs them, and
//     their alerts, identical on each, are merged by receivers as replicas' are);
//   - a component no flow needs, on shard_of(component id);
//   - an action on a flow with its flow; an action on a component on the lowest-numbered
//     shard that keeps the component (an action runs on one shard only).

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "model/model.h"

namespace greenlight::model {

std::uint32_t shard_of(std::string_view id, std::uint32_t shards);

struct ShardPlan {
  std::set<std::string> flows, components, actions;  // ids (action names) this shard keeps
};
// What shard `shard` of `shards` keeps of `m` (a whole, unsharded model).
ShardPlan plan_shard(const Model& m, std::uint32_t shards, std::uint32_t shard);

}  // namespace greenlight::model
