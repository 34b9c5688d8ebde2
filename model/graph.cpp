#include "model/graph.h"

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <deque>
#include <iterator>

namespace greenlight::model {

using Csr = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, Graph::Edge,
                                               boost::no_property, std::uint32_t, std::uint32_t>;

struct Graph::Impl {
  Csr csr;
};

Graph::Graph() = default;
Graph::~Graph() = default;
Graph::Graph(Graph&&) noexcept = default;
Graph& Graph::operator=(Graph&&) noexcept = default;

namespace {

// The shortest cycle through `start` that stays inside its strongly connected component:
// a breadth-first search from start's dependencies back to start.
std::vector<std::uint32_t> cycle_through(const Graph& g, std::uint32_t start,
                                         const std::vector<std::uint32_t>& component_of) {
  const std::uint32_t scc = component_of[start];
  std::vector<std::uint32_t> parent(g.vertex_count(), kNoIndex);
  std::deque<std::uint32_t> queue{start};
  bool found = false;
  while (!queue.empty() && !found) {
    const std::uint32_t u = queue.front();
    queue.pop_front();
    for (std::uint32_t v : g.dependencies(u)) {
      if (component_of[v] != scc) continue;
      if (v == start) {
        parent[start] = u;
        found = true;
        break;
      }
      if (parent[v] == kNoIndex) {
        parent[v] = u;
        queue.push_back(v);
      }
    }
  }
  // Walk back from start's predecessor to start, then reverse into forward order.
  std::vector<std::uint32_t> path{start};
  for (std::uint32_t v = parent[start]; v != start; v = parent[v]) path.push_back(v);
  path.push_back(start);
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

Graph Graph::build(std::uint32_t vertex_count, const std::vector<EdgeSpec>& edges) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<Edge> props;
  pairs.reserve(edges.size());
  props.reserve(edges.size());
  for (const auto& e : edges) {
    pairs.emplace_back(e.from, e.to);
    props.push_back(e.edge);
  }

  Graph g;
  g.impl_ = std::make_unique<Impl>(Impl{Csr(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), props.begin(),
                                            vertex_count)});
  const Csr& csr = g.impl_->csr;
  g.vertex_count_ = vertex_count;
  g.edge_count_ = static_cast<std::uint32_t>(edges.size());
  g.out_start_ = csr.m_forward.m_rowstart.data();
  g.out_targets_ = csr.m_forward.m_column.data();
  g.out_edges_ = csr.m_forward.m_edge_properties.data();
  g.in_start_ = csr.m_backward.m_rowstart.data();
  g.in_sources_ = csr.m_backward.m_column.data();

  // Cycles: every strongly connected component with more than one vertex, or a self-loop.
  std::vector<std::uint32_t> component_of(vertex_count);
  const auto scc_count = boost::strong_components(
      csr, boost::make_iterator_property_map(component_of.begin(), boost::get(boost::vertex_index, csr)));
  std::vector<std::uint32_t> scc_size(scc_count, 0);
  for (std::uint32_t c : component_of) ++scc_size[c];
  std::vector<bool> reported(scc_count, false);
  for (std::uint32_t v = 0; v < vertex_count; ++v) {
    const std::uint32_t c = component_of[v];
    if (reported[c]) continue;
    const auto deps = g.dependencies(v);
    const bool self_loop = std::find(deps.begin(), deps.end(), v) != deps.end();
    if (scc_size[c] > 1 || self_loop) {
      reported[c] = true;
      g.cycles_.push_back(cycle_through(g, v, component_of));
    }
  }
  if (!g.cycles_.empty()) return g;

  // topological_sort emits each vertex after everything it reaches: dependencies first.
  g.order_.reserve(vertex_count);
  boost::topological_sort(csr, std::back_inserter(g.order_));
  g.rank_.resize(vertex_count);
  for (std::uint32_t i = 0; i < vertex_count; ++i) g.rank_[g.order_[i]] = i;
  return g;
}

std::size_t Graph::memory_bytes() const {
  if (!impl_) return 0;
  const Csr& csr = impl_->csr;
  return csr.m_forward.m_rowstart.capacity() * sizeof(std::uint32_t) +
         csr.m_forward.m_column.capacity() * sizeof(std::uint32_t) +
         csr.m_forward.m_edge_properties.capacity() * sizeof(Edge) +
         csr.m_backward.m_rowstart.capacity() * sizeof(std::uint32_t) +
         csr.m_backward.m_column.capacity() * sizeof(std::uint32_t) +
         csr.m_backward.m_edge_properties.capacity() * sizeof(std::uint32_t) +
         (order_.capacity() + rank_.capacity()) * sizeof(std::uint32_t);
}

}  // namespace greenlight::model
