#include "model/graph_export.h"

#include <nlohmann/json.hpp>

#include "model/json_text.h"

namespace greenlight::model {

namespace {

// DOT and Mermaid identifiers: component ids are [A-Za-z0-9_.-]; prefix to keep flows apart.
std::string node_id(std::string_view prefix, std::string_view id) {
  std::string out(prefix);
  for (char c : id) out += (c == '.' || c == '-') ? '_' : c;
  return out;
}

// Escapes a string for a DOT double-quoted label.
std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A DOT label of two lines: each is escaped, and the line break between them is DOT's own
// `\n` escape (escaping it too made Graphviz print a literal "\n").
std::string dot_lines(std::string_view first, std::string_view second) {
  const std::string a = dot_quote(first), b = dot_quote(second);
  return a.substr(0, a.size() - 1) + "\\n" + b.substr(1);
}

// Mermaid labels: quotes become #quot; so that any name survives.
std::string mermaid_label(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') {
      out += "#quot;";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string_view fill_colour(Health h) {
  switch (h) {
    case Health::Green: return "#2e7d32";
    case Health::Yellow: return "#f9a825";
    case Health::Red: return "#c62828";
    case Health::Unknown: return "#9e9e9e";
  }
  return "#9e9e9e";
}

std::string_view dot_edge_style(Impact i) {
  switch (i) {
    case Impact::Critical: return "solid";
    case Impact::Degrading: return "dashed";
    case Impact::Informational: return "dotted";
  }
  return "solid";
}

std::string label_with_state(std::string_view name, const HealthState* st, Health h) {
  std::string out(name);
  if (st != nullptr) out += " (" + std::string(to_string(h)) + ")";
  return out;
}

std::string to_dot(const Model& m, const HealthState* st) {
  std::string out = "digraph greenlight {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    const Flow& flow = m.flows[f];
    out += "  " + node_id("flow_", flow.id) + " [shape=box, style=\"rounded,filled\", label=" +
           dot_lines(label_with_state(flow.name, st, st ? st->flows[f].state : Health::Unknown),
                     std::string(to_string(flow.kind)) + " flow, " + std::string(to_string(flow.criticality))) +
           ", fillcolor=" + dot_quote(st ? fill_colour(st->flows[f].state) : "#e3f2fd") +
           (st ? ", fontcolor=white" : "") + "];\n";
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    const Component& comp = m.components[c];
    out += "  " + node_id("c_", comp.id) + " [shape=" + (comp.is_group() ? "box3d" : "ellipse") +
           ", style=filled, label=" +
           dot_quote(label_with_state(comp.name, st, st ? st->components[c].state : Health::Unknown)) +
           ", fillcolor=" + dot_quote(st ? fill_colour(st->components[c].state) : "#ffffff") +
           (st ? ", fontcolor=white" : "") + "];\n";
  }
  for (const Flow& flow : m.flows) {
    for (const FlowStep& step : flow.steps) {
      out += "  " + node_id("flow_", flow.id) + " -> " + node_id("c_", m.components[step.component].id) +
             " [style=" + std::string(dot_edge_style(step.impact)) + ", color=\"#1565c0\"];\n";
    }
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    const auto deps = m.graph.dependencies(c);
    const auto edges = m.graph.dependency_edges(c);
    for (std::size_t i = 0; i < deps.size(); ++i) {
      out += "  " + node_id("c_", m.components[c].id) + " -> " + node_id("c_", m.components[deps[i]].id);
      if (edges[i].member) {
        out += " [style=bold, arrowhead=odiamond, label=\"member\"];\n";
      } else {
        out += " [style=" + std::string(dot_edge_style(edges[i].impact)) +
               (edges[i].impact == Impact::Critical ? "" : ", label=" + dot_quote(to_string(edges[i].impact))) + "];\n";
      }
    }
  }
  return out + "}\n";
}

std::string to_mermaid(const Model& m, const HealthState* st) {
  std::string out = "flowchart TD\n";
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    const Flow& flow = m.flows[f];
    out += "  " + node_id("flow_", flow.id) + "([" +
           mermaid_label(label_with_state(flow.name, st, st ? st->flows[f].state : Health::Unknown)) + "])\n";
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    const Component& comp = m.components[c];
    const std::string label = mermaid_label(label_with_state(comp.name, st, st ? st->components[c].state : Health::Unknown));
    out += "  " + node_id("c_", comp.id) + (comp.is_group() ? "[[" + label + "]]" : "[" + label + "]") + "\n";
  }
  auto arrow = [](Impact i) -> std::string {
    switch (i) {
      case Impact::Critical: return " --> ";
      case Impact::Degrading: return " -. degrading .-> ";
      case Impact::Informational: return " -. informational .- ";
    }
    return " --> ";
  };
  for (const Flow& flow : m.flows) {
    for (const FlowStep& step : flow.steps) {
      out += "  " + node_id("flow_", flow.id) + arrow(step.impact) + node_id("c_", m.components[step.component].id) + "\n";
    }
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    const auto deps = m.graph.dependencies(c);
    const auto edges = m.graph.dependency_edges(c);
    for (std::size_t i = 0; i < deps.size(); ++i) {
      out += "  " + node_id("c_", m.components[c].id) + (edges[i].member ? " == member ==> " : arrow(edges[i].impact)) +
             node_id("c_", m.components[deps[i]].id) + "\n";
    }
  }
  if (st != nullptr) {
    for (Health h : {Health::Green, Health::Unknown, Health::Yellow, Health::Red}) {
      out += "  classDef " + std::string(to_string(h)) + " fill:" + std::string(fill_colour(h)) + ",color:#fff\n";
    }
    for (FlowIndex f = 0; f < m.flows.size(); ++f) {
      out += "  class " + node_id("flow_", m.flows[f].id) + " " + std::string(to_string(st->flows[f].state)) + "\n";
    }
    for (ComponentIndex c = 0; c < m.components.size(); ++c) {
      out += "  class " + node_id("c_", m.components[c].id) + " " + std::string(to_string(st->components[c].state)) +
             "\n";
    }
  }
  return out;
}

}  // namespace

std::optional<GraphFormat> parse_graph_format(std::string_view s) {
  if (s == "dot") return GraphFormat::Dot;
  if (s == "json") return GraphFormat::Json;
  if (s == "mermaid") return GraphFormat::Mermaid;
  return std::nullopt;
}

nlohmann::json graph_json(const Model& m, const HealthState* st) {
  nlohmann::json nodes = nlohmann::json::array();
  nlohmann::json edges = nlohmann::json::array();
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    const Flow& flow = m.flows[f];
    nlohmann::json n{{"id", flow.id},
                     {"type", "flow"},
                     {"name", flow.name},
                     {"kind", to_string(flow.kind)},
                     {"criticality", to_string(flow.criticality)}};
    if (st) n["state"] = to_string(st->flows[f].state);
    nodes.push_back(std::move(n));
    for (const FlowStep& step : flow.steps) {
      edges.push_back({{"from", flow.id},
                       {"to", m.components[step.component].id},
                       {"type", "step"},
                       {"impact", to_string(step.impact)}});
    }
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    const Component& comp = m.components[c];
    nlohmann::json n{{"id", comp.id}, {"type", comp.is_group() ? "group" : "component"}, {"name", comp.name}};
    if (st) n["state"] = to_string(st->components[c].state);
    nodes.push_back(std::move(n));
    const auto deps = m.graph.dependencies(c);
    const auto es = m.graph.dependency_edges(c);
    for (std::size_t i = 0; i < deps.size(); ++i) {
      nlohmann::json e{{"from", comp.id}, {"to", m.components[deps[i]].id}, {"type", es[i].member ? "member" : "dependency"}};
      if (!es[i].member) e["impact"] = to_string(es[i].impact);
      edges.push_back(std::move(e));
    }
  }
  return {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

std::string export_graph(const Model& m, const HealthState* st, GraphFormat format) {
  switch (format) {
    case GraphFormat::Dot: return to_dot(m, st);
    case GraphFormat::Mermaid: return to_mermaid(m, st);
    case GraphFormat::Json: return model::json_text(graph_json(m, st), 2) + "\n";
  }
  return {};
}

}  // namespace greenlight::model
