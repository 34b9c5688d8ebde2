#include "model/config_source.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>

namespace greenlight::model {

namespace {

std::string where(const toml::source_region& at) {
  return (at.path ? *at.path : std::string()) + ":" + std::to_string(at.begin.line) + ":" +
         std::to_string(at.begin.column);
}

// ---- ${VAR} --------------------------------------------------------------------------

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// The string's node begins at its opening quote: character i is at column + 1 + i (exact
// for a one-line string without escapes before it).
void string_error(ErrorList& errors, const toml::node& at, std::size_t offset, const std::string& message) {
  toml::source_region r = at.source();
  r.begin.column = static_cast<toml::source_index>(r.begin.column + 1 + offset);
  errors.add(r, message);
}

void expand_string(toml::value<std::string>& v, const LoadOptions& options, ErrorList& errors) {
  const std::string& s = v.get();
  if (s.find('$') == std::string::npos) return;
  std::string out;
  bool ok = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 2;
      continue;
    }
    if (s.compare(i, 2, "${") != 0) {
      out += s[i];
      continue;
    }
    std::size_t j = i + 2;
    while (j < s.size() && name_char(s[j])) ++j;
    const std::string name = s.substr(i + 2, j - i - 2);
    const bool has_default = s.compare(j, 2, ":-") == 0;
    const std::size_t close = s.find('}', has_default ? j + 2 : j);
    if (name.empty() || !name_start(name[0]) || close == std::string::npos || (!has_default && close != j)) {
      string_error(errors, v, i,
                   "\"${\" must start ${NAME} or ${NAME:-default} (NAME: letters, digits, '_'); write $${ for a "
                   "literal ${");
      return;
    }
    std::optional<std::string> value = options.env ? options.env(name) : std::nullopt;
    if (!value && has_default) value = s.substr(j + 2, close - j - 2);
    if (!value) {
      string_error(errors, v, i,
                   "environment variable " + quote(name) + " is not set (give a default: ${" + name + ":-default})");
      ok = false;
    } else {
      out += *value;
    }
    i = close;
  }
  if (ok) v.get() = std::move(out);
}

void expand_node(toml::node& n, const LoadOptions& options, ErrorList& errors) {
  if (auto* s = n.as_string()) {
    expand_string(*s, options, errors);
  } else if (auto* t = n.as_table()) {
    expand_env(*t, options, errors);
  } else if (auto* a = n.as_array()) {
    for (toml::node& e : *a) expand_node(e, options, errors);
  }
}

// ---- include -------------------------------------------------------------------------

// The include edges from the main file down to the file being read: its file and the
// position of the include element that named the next one.
using Chain = std::vector<toml::source_region>;

std::string chain_text(const Chain& chain) {
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) out += "\n  included from " + where(*it);
  return out;
}

// The id maps: a second definition of an id is an error, not a merge.
const std::map<std::string, std::string, std::less<>> kIdMaps{{"components", "component"},
                                                              {"flows", "flow"},
                                                              {"signal_templates", "signal template"},
                                                              {"alerting.receivers", "receiver"}};

void merge(toml::table& into, toml::table& from, const std::string& path, ErrorList& errors) {
  for (auto&& [k, v] : from) {
    const auto existing = into.find(k.str());
    if (existing == into.end()) {
      into.insert(k, std::move(v));
      continue;
    }
    const std::string child = path.empty() ? std::string(k.str()) : path + "." + std::string(k.str());
    toml::node& was = existing->second;
    if (const auto id_map = kIdMaps.find(path); id_map != kIdMaps.end()) {
      errors.add(k.source(), id_map->second + " " + quote(k.str()) + " is defined twice: here and at " +
                                 where(existing->first.source()));
    } else if (was.is_table() && v.is_table()) {
      merge(*was.as_table(), *v.as_table(), child, errors);
    } else if (was.is_array() && v.is_array()) {
      for (toml::node& e : *v.as_array()) was.as_array()->push_back(std::move(e));
    } else {
      errors.add(k.source(), quote(child) + " is set twice: here and at " + where(existing->first.source()));
    }
  }
}

struct Includer {
  const LoadOptions& options;
  ErrorList& errors;
  std::set<std::string> read;  // every file merged so far (a file matched twice is merged once)

  // The includes of `t`, a file at `path` reached through `chain`, merged into `root`.
  void include(toml::table& root, toml::table& t, const std::string& path, Chain& chain) {
    const toml::node* n = t.get("include");
    if (n == nullptr) return;
    const toml::array* patterns = n->as_array();
    if (patterns == nullptr) {
      errors.add(n->source(), "\"include\" must be an array of file patterns, e.g. [\"conf.d/*.toml\"], not " +
                                  std::string(type_name(n->type())) + chain_text(chain));
      return;
    }
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    for (const toml::node& p : *patterns) {
      const auto pattern = p.value_exact<std::string>();
      if (!pattern) {
        errors.add(p.source(), "every element of \"include\" must be a string, not " +
                                   std::string(type_name(p.type())) + chain_text(chain));
        continue;
      }
      if (!options.read_files) {
        errors.add(p.source(), "include " + quote(*pattern) + ": no files can be read here" + chain_text(chain));
        continue;
      }
      std::filesystem::path full(*pattern);
      if (full.is_relative() && !dir.empty()) full = dir / full;
      const FileRead got = options.read_files(full.lexically_normal().string());
      if (!got.error.empty()) {
        errors.add(p.source(), "include " + quote(*pattern) + ": " + got.error + chain_text(chain));
      }
      for (const SourceFile& f : got.files) include_file(root, f, p.source(), path, chain);
    }
  }

  void include_file(toml::table& root, const SourceFile& f, const toml::source_region& at, const std::string& path,
                    Chain& chain) {
    const bool cycle = f.path == path || std::any_of(chain.begin(), chain.end(), [&](const toml::source_region& r) {
                         return r.path && *r.path == f.path;
                       });
    if (cycle) {
      Chain whole = chain;
      whole.push_back(at);
      std::string message = "include cycle:";
      for (std::size_t i = 0; i < whole.size(); ++i) {
        const std::string next = i + 1 < whole.size() && whole[i + 1].path ? *whole[i + 1].path : f.path;
        message += "\n  " + where(whole[i]) + ": includes " + next;
      }
      errors.add(at, std::move(message));
      return;
    }
    if (!read.insert(f.path).second) return;
    toml::table t;
    try {
      t = toml::parse(f.text, std::string_view(f.path));
    } catch (const toml::parse_error& e) {
      Chain whole = chain;
      whole.push_back(at);
      errors.add(e.source(), "TOML syntax: " + std::string(e.description()) + chain_text(whole));
      return;
    }
    expand_env(t, options, errors);
    chain.push_back(at);
    include(root, t, f.path, chain);
    chain.pop_back();
    t.erase("include");
    merge(root, t, "", errors);
  }
};

void sections(const toml::table& t, const std::string& path, std::map<const toml::table*, std::string>& out);

void section_of_node(const toml::node& v, const std::string& parent, std::string_view key,
                     std::map<const toml::table*, std::string>& out) {
  const bool id_map = kIdMaps.count(parent) > 0 || parent == "alerting.severity";
  std::string child = parent.empty() ? std::string(key) : parent + "." + (id_map ? "*" : std::string(key));
  if (const toml::table* t = v.as_table()) {
    sections(*t, child, out);
  } else if (const toml::array* a = v.as_array()) {
    // Nested routes are routes: one section.
    if (key == "routes" && parent.ends_with("routes[]")) child = parent.substr(0, parent.size() - 2);
    for (const toml::node& e : *a) {
      if (const toml::table* et = e.as_table()) sections(*et, child + "[]", out);
    }
  }
}

void sections(const toml::table& t, const std::string& path, std::map<const toml::table*, std::string>& out) {
  out.emplace(&t, path);
  for (const auto& [k, v] : t) section_of_node(v, path, k.str(), out);
}

}  // namespace

void expand_env(toml::table& t, const LoadOptions& options, ErrorList& errors) {
  for (auto&& [k, v] : t) expand_node(v, options, errors);
}

std::optional<toml::table> assemble(std::string_view text, const std::string& path, const LoadOptions& options,
                                    ErrorList& errors) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    errors.add(e.source(), "TOML syntax: " + std::string(e.description()));
    return std::nullopt;
  }
  expand_env(root, options, errors);
  Includer includer{options, errors, {}};
  Chain chain;
  includer.include(root, root, path, chain);
  return root;
}

std::map<const toml::table*, std::string> schema_sections(const toml::table& root) {
  std::map<const toml::table*, std::string> out;
  sections(root, "", out);
  return out;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::optional<toml::table> parse_at(std::string_view key, const std::string& value_toml, const toml::source_region& at) {
  const std::size_t line = std::max<std::size_t>(at.begin.line, 1);
  const std::size_t column = std::max<std::size_t>(at.begin.column, 3);
  // "k=" ends two columns before the value; a longer key goes on with a quoted key of its own.
  std::string text(line - 1, '\n');
  text += std::string(column - 3, ' ') + "k=" + value_toml + "\n";
  try {
    toml::table parsed = at.path ? toml::parse(text, std::string_view(*at.path)) : toml::parse(text);
    toml::table out;
    if (toml::node* v = parsed.get("k")) out.insert(key, std::move(*v));
    return out;
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

}  // namespace greenlight::model
