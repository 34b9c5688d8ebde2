// The replay driver of the sanitized gcc build (no libFuzzer needed): feeds every file of
// the given corpus directories (or single files) to one fuzz target, as libFuzzer does
// when it is given a corpus and -runs=0. A crash or a failed property aborts with the
// file's name printed first; exit 0 when every input ran.
//
//   greenlight_fuzz_replay model_load fuzz/corpus/model_load [more dirs or files]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz/fuzz.h"

namespace greenlight::fuzz {
std::map<std::string, Entry>& targets();
}

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const auto& all = greenlight::fuzz::targets();
  if (argc < 3 || all.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s TARGET CORPUS_DIR_OR_FILE...\ntargets:", argv[0]);
    for (const auto& [name, entry] : all) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  const greenlight::fuzz::Entry entry = all.at(argv[1]);
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    const fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\n", f.c_str());  // the last name printed is the input of a crash
    entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%s: %zu inputs ran\n", argv[1], files.size());
  return 0;
}
