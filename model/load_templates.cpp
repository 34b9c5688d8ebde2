// [signal_templates.NAME] and `use` in a signal (SPEC 6.6), the probe keys of every kind,
// which keep a wrong `probe` to one error, and the names "did you mean" chooses from.

#include <algorithm>
#include <string>
#include <vector>

#include "model/load_sections.h"

namespace greenlight::model {

std::vector<std::string> template_names(const LoadContext& ctx) {
  std::vector<std::string> names;
  if (ctx.signal_templates) {
    for (const auto& [k, v] : *ctx.signal_templates) names.emplace_back(k.str());
  }
  return names;
}

std::vector<std::string> component_ids(const LoadContext& ctx) {
  std::vector<std::string> ids;
  for (const auto& [id, index] : ctx.model->component_index) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // ties go to the first: the same one every time
  return ids;
}

void use_template(LoadContext& ctx, TableReader& r) {
  const toml::node* n = r.node("use");
  const auto name = r.string("use");
  if (!name) return;
  const toml::node* t = ctx.signal_templates ? ctx.signal_templates->get(*name) : nullptr;
  if (t == nullptr) {
    r.error(*n, "unknown signal template " + quote(*name) + " (define it as [signal_templates." + *name + "])" +
                    did_you_mean(*name, template_names(ctx)));
    return;
  }
  const toml::table* tt = t->as_table();
  if (tt == nullptr) {
    r.error(*t, "signal template " + quote(*name) + " must be a table, not " + std::string(type_name(t->type())));
    return;
  }
  if (const toml::node* nested = tt->get("use")) {
    r.error(*nested, "signal template " + quote(*name) + " cannot itself \"use\" a template");
  }
  r.set_template(tt, *name);
}

std::vector<std::string> every_probe_key(LoadContext& ctx, const toml::table& t) {
  LoadContext scratch(ctx.errors.file(), ctx.options);
  scratch.model->daemon = ctx.model->daemon;
  TableReader keys(scratch.errors, t, "");
  for (const std::string& name : probe_kind_names()) {
    Signal s;
    s.kind = *parse_probe_kind(name);
    load_probe(scratch, keys, s);
  }
  return keys.known();
}

}  // namespace greenlight::model
