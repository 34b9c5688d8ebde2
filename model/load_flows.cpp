// [flows.ID] (SPEC section 5).

#include <string>

#include "model/load_sections.h"

namespace greenlight::model {

void load_flow(LoadContext& ctx, const std::string& id, const toml::node& n) {
  Model& model = *ctx.model;
  const FlowIndex fi = static_cast<FlowIndex>(model.flows.size());
  Flow& f = model.flows.emplace_back();
  f.id = id;
  f.name = id;
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    ctx.error(n.source(), "flow " + quote(id) + " must be a table");
    return;
  }
  TableReader r(ctx.errors, *t, "flow " + quote(id));
  if (auto v = r.string("name")) f.name = *v;
  if (auto v = r.string("description")) f.description = *v;
  if (auto v = r.string("runbook")) f.runbook = *v;
  if (auto v = r.string("owner")) f.owner = *v;
  if (auto v = r.string_table("labels")) f.labels = std::move(*v);
  if (auto v = r.duration("alert_after", true)) f.alert_after = *v;
  if (auto v = r.choice("kind", parse_flow_kind, "\"user\" or \"system\"")) f.kind = *v;
  if (auto v = r.choice("criticality", parse_criticality, kCriticalities)) f.criticality = *v;
  load_objective(ctx, r, f);
  if (const toml::array* steps = r.array("steps", true)) {
    if (steps->empty()) r.error(*steps, "a flow needs at least one step");
    for (const toml::node& s : *steps) {
      auto ref = component_ref(ctx, r, s, "step");
      if (!ref) continue;
      f.steps.push_back({ref->first, ref->second});
      auto& flows_of = model.flows_of_component[ref->first];
      if (flows_of.empty() || flows_of.back() != fi) flows_of.push_back(fi);
    }
  }
  r.finish();
}

}  // namespace greenlight::model
