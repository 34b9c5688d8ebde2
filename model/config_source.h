#pragma once

// Internal to model::load (SPEC 6.6, config at scale): the one TOML tree a configuration is,
// assembled from the main file's text, the files its top-level `include` names (read through
// LoadOptions::read_files, so load() stays pure) and ${VAR} references in string values
// (LoadOptions::env). Every node keeps its own file, line and column.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "model/load.h"
#include "model/toml_reader.h"

namespace greenlight::model {

// The main file with its includes merged in: ids defined twice, keys set twice, include
// cycles, missing includes, syntax errors and unset variables are reported. Nothing when
// the main file is not TOML (reported).
std::optional<toml::table> assemble(std::string_view text, const std::string& path, const LoadOptions& options,
                                    ErrorList& errors);

// ${NAME} and ${NAME:-default} in every string value of `t` (not in keys); $${ is a literal
// ${. An unset variable without a default, or a ${ that is not a reference, is reported
// at its place in the string.
void expand_env(toml::table& t, const LoadOptions& options, ErrorList& errors);

// Where each table sits in the configuration's schema, for LoadOptions::on_key: "" for the
// top level, "daemon", "components.*", "components.*.signals[]", "alerting.routes[]" (the
// nested routes too), ... An id's place is "*" in the id maps (components, flows,
// signal_templates, alerting.receivers, alerting.severity).
std::map<const toml::table*, std::string> schema_sections(const toml::table& root);

// A TOML document holding `key = value_toml` whose value node is at `at` (file, line and
// column; at least column 3): how generated nodes (file_sd members) get a position that
// errors can name. Nothing when value_toml is not a TOML value.
std::optional<toml::table> parse_at(std::string_view key, const std::string& value_toml, const toml::source_region& at);
// A TOML basic string: "..." with \ " and control characters escaped.
std::string toml_string(std::string_view s);

}  // namespace greenlight::model
