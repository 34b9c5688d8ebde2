// docs/configuration.md against the loader, both ways: every key the loader asks for is
// documented in its section, and every documented key is one the loader asks for there.
// The loader's keys are not listed here: model::load reports every key its TableReaders ask
// for (LoadOptions::on_key) while it loads the document's own examples, the repository's
// example models and one signal of every probe kind and one receiver of every type (the
// kinds and types from the model's own name tables). A key a branch adds to a loader is asked
// for there, and this test names it until the document has it.

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "model/load.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::read_source_file;

namespace {

using Keys = std::map<std::string, std::set<std::string>>;  // section -> keys

// "[[components.ID.signals]]" -> "components.*.signals[]"; "`top level`" -> "".
std::string section_name(std::string code) {
  if (code == "top level") return "";
  std::string suffix;
  if (code.starts_with("[[") && code.ends_with("]]")) {
    code = code.substr(2, code.size() - 4);
    suffix = "[]";
  } else if (code.starts_with("[") && code.ends_with("]")) {
    code = code.substr(1, code.size() - 2);
  }
  std::string out;
  std::istringstream parts(code);
  for (std::string part; std::getline(parts, part, '.');) {
    const bool placeholder = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || c == '_';
    });
    out += (out.empty() ? "" : ".") + (placeholder ? std::string("*") : part);
  }
  return out + suffix;
}

// The keys of the document's tables, by the section of the heading above them.
Keys documented(const std::string& doc) {
  static const std::regex kHeading(R"(^#+ [^`]*`([^`]+)`)");
  static const std::regex kRow(R"(^\| `([^`]+)` \|)");
  Keys out;
  std::string section = "?";
  std::istringstream lines(doc);
  bool in_code = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("```")) in_code = !in_code;
    if (in_code) continue;
    std::smatch m;
    if (std::regex_search(line, m, kHeading)) {
      section = section_name(m[1]);
    } else if (std::regex_search(line, m, kRow)) {
      out[section].insert(m[1]);
    }
  }
  return out;
}

std::vector<std::string> toml_blocks(const std::string& doc) {
  std::vector<std::string> out;
  std::istringstream lines(doc);
  std::string block;
  bool in = false;
  for (std::string line; std::getline(lines, line);) {
    if (line == "```toml") {
      in = true;
      block.clear();
    } else if (in && line == "```") {
      in = false;
      out.push_back(block);
    } else if (in) {
      block += line + "\n";
    }
  }
  return out;
}

// Configurations that reach every branch of the loaders.
std::vector<std::string> corpus(const std::string& doc) {
  std::vector<std::string> out = toml_blocks(doc);
  out.push_back(read_source_file("examples/shop.toml"));
  out.push_back(read_source_file("tests/data/spec_example.toml"));
  for (const std::string& kind : probe_kind_names()) {
    out.push_back("[components.x]\n[[components.x.signals]]\nid = \"s\"\nprobe = \"" + kind + "\"\n");
  }
  for (const std::string& type : receiver_type_names()) {
    out.push_back("[components.x]\n[alerting.receivers.r]\ntype = \"" + type + "\"\n");
  }
  return out;
}

Keys accepted(const std::vector<std::string>& configs) {
  Keys out;
  LoadOptions options;
  options.on_key = [&](const std::string& section, std::string_view key) { out[section].emplace(key); };
  for (const std::string& c : configs) (void)load(c, "/etc/greenlight/reference.toml", options);
  return out;
}

std::string missing(const Keys& from, const Keys& in, const std::string& what) {
  std::string out;
  for (const auto& [section, keys] : from) {
    for (const std::string& k : keys) {
      const auto it = in.find(section);
      if (it == in.end() || !it->second.count(k)) {
        out += "  " + what + ": [" + (section.empty() ? "top level" : section) + "] " + k + "\n";
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("section names of the reference's headings", "[model][reference]") {
  CHECK(section_name("[[components.ID.signals]]") == "components.*.signals[]");
  CHECK(section_name("[alerting.severity.CRITICALITY]") == "alerting.severity.*");
  CHECK(section_name("components.ID.depends_on[]") == "components.*.depends_on[]");
  CHECK(section_name("[daemon]") == "daemon");
  CHECK(section_name("top level") == "");
}

TEST_CASE("docs/configuration.md documents every key the loader accepts, and only those", "[model][reference]") {
  const std::string doc = read_source_file("docs/configuration.md");
  const Keys in_doc = documented(doc);
  const Keys in_code = accepted(corpus(doc));
  REQUIRE(in_code.count("components.*.signals[]"));  // the recorder works
  const std::string undocumented = missing(in_code, in_doc, "accepted by the loader, not in docs/configuration.md");
  const std::string unaccepted = missing(in_doc, in_code, "in docs/configuration.md, not accepted by the loader");
  INFO("Add a row | `key` | type | default | meaning | example | under the section's heading in "
       "docs/configuration.md (or remove the row of a key the loader no longer takes):\n"
       << undocumented << unaccepted);
  CHECK(undocumented.empty());
  CHECK(unaccepted.empty());
}

TEST_CASE("the reference's examples use no unknown key", "[model][reference]") {
  const std::string doc = read_source_file("docs/configuration.md");
  for (const std::string& block : toml_blocks(doc)) {
    const LoadResult r = load(block, "/etc/greenlight/example.toml");
    for (const ConfigError& e : r.errors) {
      INFO(block);
      CHECK(e.message.find("unknown key") == std::string::npos);
      CHECK(e.message.find("TOML syntax") == std::string::npos);
    }
  }
}
