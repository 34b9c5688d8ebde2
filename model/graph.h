#pragma once

// The dependency graph: vertex i is component i; an edge u -> v means "u depends on v"
// (a dependency, or a redundancy group's member). Built once per model on a Boost.Graph
// compressed_sparse_row_graph (bidirectional, 32-bit indices: about 13 bytes per edge),
// which also provides the topological order and the strongly connected components used
// to report cycles. The accessors below are spans over that graph's own arrays, so the
// propagation loops iterate plain memory and this header stays free of Boost.
// Thread-safety: immutable after build(); any number of concurrent readers.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/types.h"

namespace greenlight::model {

class Graph {
 public:
  struct Edge {
    Impact impact = Impact::Critical;
    bool member = false;  // group -> member edge (the group rule applies, not the impact)
  };
  struct EdgeSpec {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    Edge edge;
  };

  Graph();
  ~Graph();
  Graph(Graph&&) noexcept;
  Graph& operator=(Graph&&) noexcept;

  // Within one vertex, edges keep the order they have in `edges`.
  static Graph build(std::uint32_t vertex_count, const std::vector<EdgeSpec>& edges);

  std::uint32_t vertex_count() const { return vertex_count_; }
  std::uint32_t edge_count() const { return edge_count_; }

  // What `v` depends on, and the edges' attributes (parallel spans).
  std::span<const std::uint32_t> dependencies(std::uint32_t v) const {
    return {out_targets_ + out_start_[v], out_targets_ + out_start_[v + 1]};
  }
  std::span<const Edge> dependency_edges(std::uint32_t v) const {
    return {out_edges_ + out_start_[v], out_edges_ + out_start_[v + 1]};
  }
  // What depends on `v`.
  std::span<const std::uint32_t> dependents(std::uint32_t v) const {
    return {in_sources_ + in_start_[v], in_sources_ + in_start_[v + 1]};
  }

  // Every vertex, dependencies before their dependents. Empty when the graph has cycles.
  const std::vector<std::uint32_t>& order() const { return order_; }
  // Position of `v` in order().
  std::uint32_t rank(std::uint32_t v) const { return rank_[v]; }

  // One cycle per strongly connected component that has one, as a vertex path
  // v0 -> v1 -> ... -> v0 (the first vertex repeated at the end). Empty for a DAG.
  const std::vector<std::vector<std::uint32_t>>& cycles() const { return cycles_; }

  // Approximate heap bytes held (for the memory benchmark).
  std::size_t memory_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint32_t vertex_count_ = 0;
  std::uint32_t edge_count_ = 0;
  const std::uint32_t* out_start_ = nullptr;
  const std::uint32_t* out_targets_ = nullptr;
  const Edge* out_edges_ = nullptr;
  const std::uint32_t* in_start_ = nullptr;
  const std::uint32_t* in_sources_ = nullptr;
  std::vector<std::uint32_t> order_;
  std::vector<std::uint32_t> rank_;
  std::vector<std::vector<std::uint32_t>> cycles_;
};

}  // namespace greenlight::model
