#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "fuzz/fuzz.h"

namespace greenlight::fuzz {

std::map<std::string, Entry>& targets() {
  static std::map<std::string, Entry> all;
  return all;
}

bool register_target(const char* name, Entry entry) {
  targets()[name] = entry;
  return true;
}

void property_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace greenlight::fuzz
