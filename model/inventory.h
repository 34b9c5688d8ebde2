#pragma once

// A redundancy group's members taken from an inventory (SPEC 6.6): `members_from = {
// file_sd = "targets/*.json", signal = "TEMPLATE" }` reads Prometheus file_sd files, one
// member component per target, each with one signal from the template. What the loader
// read is kept in the model, so that the next load can keep the last good list when the
// files turn bad, and the status can say the inventory is stale.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace greenlight::model {

struct InventoryTarget {
  std::string address;  // "host:port", as in the file
  std::map<std::string, std::string> labels;  // the target group's labels
  bool operator==(const InventoryTarget&) const = default;
};

struct Inventory {
  std::string group;    // the redundancy group's component id
  std::string file_sd;  // the pattern, resolved against the config file's directory
  std::vector<InventoryTarget> targets;  // in force: the files' or, when stale, the last good
  // The files could not be used (bad JSON, a bad target, none left): `targets` are the
  // last good list and `error` says why, "FILE: message".
  bool stale = false;
  std::string error;
  // files_digest of what the files held when this model was loaded: the daemon reloads when
  // the files' digest differs.
  std::string digest;
};

// The targets of the file_sd files `files` (path, JSON text): an error message naming the
// file (and the target) on the first problem, else the targets in file order, duplicates
// dropped.
struct TargetsRead {
  std::vector<InventoryTarget> targets;
  std::string error;
};
TargetsRead read_file_sd(const std::vector<std::pair<std::string, std::string>>& files);

// The paths, sizes and content hashes of the files a pattern matched (and its error).
struct FileRead;
std::string files_digest(const FileRead& read);

// A component id for a target: GROUP-ADDRESS with ':' and other characters an id may not
// hold as '_', e.g. catalog-10.0.0.7_8080.
std::string member_id(std::string_view group, std::string_view address);

}  // namespace greenlight::model
