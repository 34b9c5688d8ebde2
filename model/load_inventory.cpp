// members_from = { file_sd = "...", signal = "TEMPLATE" } (SPEC 6.6): a redundancy group's
// members from Prometheus file_sd files. The members are written as TOML at the
// members_from's position (parse_at), so that their errors point there, and then loaded
// like any component.

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "model/config_source.h"
#include "model/inventory.h"
#include "model/load_sections.h"

namespace greenlight::model {

namespace {

constexpr std::string_view kPlaceholder = "{{target}}";

std::string replace_all(std::string s, std::string_view what, std::string_view with) {
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
  return s;
}

std::string labels_toml(const std::map<std::string, std::string>& labels) {
  std::string out = "{";
  for (const auto& [k, v] : labels) out += (out.size() > 1 ? ", " : " ") + toml_string(k) + " = " + toml_string(v);
  return out + " }";
}

// One member component, as an inline table: its name, labels, the group's depends_on and
// one signal that uses the template, with {{target}} replaced in the template's strings.
std::string member_toml(const InventoryTarget& target, const std::string& signal, const toml::table& tmpl,
                        const toml::node* depends_on) {
  std::string sig = "{ id = " + toml_string(signal) + ", use = " + toml_string(signal);
  for (const auto& [k, v] : tmpl) {
    const auto s = v.value_exact<std::string>();
    if (s && s->find(kPlaceholder) != std::string::npos) {
      sig += ", " + toml_string(k.str()) + " = " + toml_string(replace_all(*s, kPlaceholder, target.address));
    }
  }
  const auto probe = tmpl.get_as<std::string>("probe");
  if (probe && (probe->get() == "tcp" || probe->get() == "tls") && !tmpl.contains("target")) {
    sig += ", target = " + toml_string(target.address);
  }
  sig += " }";
  std::string out = "{ name = " + toml_string(target.address) + ", labels = " + labels_toml(target.labels);
  if (depends_on != nullptr) {
    std::ostringstream deps;
    deps << toml::toml_formatter{*depends_on, toml::format_flags::none};
    out += ", depends_on = " + deps.str();
  }
  return out + ", signals = [ " + sig + " ] }";
}

std::string members_toml(const std::string& group, const std::vector<InventoryTarget>& targets) {
  std::string out = "[";
  for (const InventoryTarget& t : targets) out += toml_string(member_id(group, t.address)) + ", ";
  return out + "]";
}

// The targets the files name now, or why they cannot be used.
TargetsRead read_inventory(LoadContext& ctx, Inventory& inv) {
  const std::string& pattern = inv.file_sd;
  const FileRead got = ctx.options.read_files(pattern);
  inv.digest = files_digest(got);
  if (!got.error.empty()) return {{}, got.error};
  std::vector<std::pair<std::string, std::string>> files;
  for (const SourceFile& f : got.files) files.emplace_back(f.path, f.text);
  TargetsRead read = read_file_sd(files);
  if (read.error.empty() && read.targets.empty()) read.error = quote(pattern) + " names no targets";
  return read;
}

const Inventory* last_good(const LoadContext& ctx, const Inventory& now) {
  if (ctx.options.previous == nullptr) return nullptr;
  for (const Inventory& was : ctx.options.previous->inventories) {
    if (was.group == now.group && was.file_sd == now.file_sd && !was.targets.empty()) return &was;
  }
  return nullptr;
}

// The template named by `signal`, or null (reported).
const toml::table* find_template(LoadContext& ctx, TableReader& r, const std::string& signal) {
  const toml::node* t = ctx.signal_templates ? ctx.signal_templates->get(signal) : nullptr;
  if (t == nullptr || !t->is_table()) {
    r.error(*r.node("signal"), "\"signal\" must name a [signal_templates.NAME] table, not " + quote(signal) +
                                   did_you_mean(signal, template_names(ctx)));
    return nullptr;
  }
  return t->as_table();
}

// The members are unknown after an error: the quotas cannot be checked against them (one
// error, not one more per quota).
void no_members(toml::table& group) {
  group.erase("healthy_min");
  group.erase("available_min");
}

// One group's members_from: its members appended to `members`, its inventory to the model.
void expand_group(LoadContext& ctx, const std::string& id, toml::table& group, const toml::node& from,
                  std::vector<std::pair<std::string, toml::table>>& members) {
  const std::string context = "component " + quote(id) + " members_from";
  const toml::table* spec = from.as_table();
  if (spec == nullptr) {
    ctx.error(from.source(), context + " must be { file_sd = \"targets/*.json\", signal = \"TEMPLATE\" }, not " +
                                 std::string(type_name(from.type())));
    return;
  }
  TableReader r(ctx.errors, *spec, context);
  const auto pattern = r.string("file_sd", true);
  const auto signal = r.string("signal", true);
  const toml::node* depends_on = r.node("depends_on");
  r.finish();
  if (const toml::node* m = group.get("members")) r.error(*m, "give \"members\" or \"members_from\", not both");
  if (group.contains("members")) return;
  const toml::table* tmpl = signal ? find_template(ctx, r, *signal) : nullptr;
  if (!pattern || tmpl == nullptr) {
    no_members(group);
    return;
  }
  if (!ctx.options.read_files) {
    r.error_here("no files can be read here (file_sd " + quote(*pattern) + ")");
    no_members(group);
    return;
  }
  Inventory inv;
  inv.group = id;
  inv.file_sd = ctx.resolve(*pattern);
  TargetsRead read = read_inventory(ctx, inv);
  if (!read.error.empty()) {
    const Inventory* was = last_good(ctx, inv);
    if (was == nullptr) {
      r.error_here(read.error);
      no_members(group);
      return;
    }
    inv.targets = was->targets;
    inv.stale = true;
    inv.error = read.error;
  } else {
    inv.targets = std::move(read.targets);
  }
  if (auto list = parse_at("members", members_toml(id, inv.targets), from.source())) {
    group.insert("members", std::move(*list->get("members")));
  }
  for (const InventoryTarget& t : inv.targets) {
    auto member = parse_at("m", member_toml(t, *signal, *tmpl, depends_on), from.source());
    if (member && member->get("m")->is_table()) {
      members.emplace_back(member_id(id, t.address), std::move(*member->get("m")->as_table()));
    } else {
      r.error_here("target " + quote(t.address) + " cannot be written as a member component");
    }
  }
  ctx.model->inventories.push_back(std::move(inv));
}

}  // namespace

TargetsRead read_file_sd(const std::vector<std::pair<std::string, std::string>>& files) {
  TargetsRead out;
  for (const auto& [path, text] : files) {
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) {
      return {{}, path + ": not a file_sd file: a JSON array of {\"targets\": [\"host:port\", ...], \"labels\": {...}}"};
    }
    for (std::size_t i = 0; i < j.size(); ++i) {
      const nlohmann::json& g = j[i];
      const std::string where = path + ": target group " + std::to_string(i + 1);
      if (!g.is_object() || !g.contains("targets") || !g["targets"].is_array()) {
        return {{}, where + " has no \"targets\" array"};
      }
      InventoryTarget proto;
      if (g.contains("labels")) {
        if (!g["labels"].is_object()) return {{}, where + ": \"labels\" must be an object of strings"};
        for (const auto& [k, v] : g["labels"].items()) {
          if (!v.is_string()) return {{}, where + ": label " + quote(k) + " must be a string"};
          proto.labels.emplace(k, v.get<std::string>());
        }
      }
      for (const nlohmann::json& t : g["targets"]) {
        if (!t.is_string() || !valid_host_port(t.get<std::string>())) {
          return {{}, where + ": target " + (t.is_string() ? quote(t.get<std::string>()) : t.dump()) +
                          " is not HOST:PORT"};
        }
        proto.address = t.get<std::string>();
        const bool seen = std::any_of(out.targets.begin(), out.targets.end(),
                                      [&](const InventoryTarget& x) { return x.address == proto.address; });
        if (!seen) out.targets.push_back(proto);
      }
    }
  }
  return out;
}

std::string files_digest(const FileRead& read) {
  std::string out;
  for (const SourceFile& f : read.files) {
    out += f.path + "\t" + std::to_string(f.text.size()) + "\t" + std::to_string(std::hash<std::string>{}(f.text)) + "\n";
  }
  return out + read.error;
}

std::string member_id(std::string_view group, std::string_view address) {
  std::string out = std::string(group) + "-";
  for (const char c : address) {
    if (c == '[' || c == ']') continue;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

void expand_members_from(LoadContext& ctx, toml::table& root) {
  toml::table* components = root.get_as<toml::table>("components");
  if (components == nullptr) return;
  std::vector<std::pair<std::string, toml::table>> members;
  for (auto&& [k, v] : *components) {
    toml::table* group = v.as_table();
    const toml::node* from = group ? group->get("members_from") : nullptr;
    if (from != nullptr) expand_group(ctx, std::string(k.str()), *group, *from, members);
  }
  for (auto& [id, table] : members) {
    if (const auto it = components->find(id); it != components->end()) {
      ctx.error(it->first.source(), "component " + quote(id) + " is also a member taken from a file_sd file");
      continue;
    }
    components->insert(id, std::move(table));
  }
}

}  // namespace greenlight::model
