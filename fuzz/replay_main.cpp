// The replay driver of the sanitized gcc build (no libFuzzer needed): feeds every file of
// the given corpus directories (or single files) to one fuzz target, as libFuzzer does
// when it is given a corpus and -runs=0. A crash or a failed property aborts with the
// file's name printed first; exit 0 when every input ran.
//
//   greenlight_fuzz_replay model_load fuzz/corpus/model_load [more dirs or files]
//
// With --mutate SECONDS it instead mutates the corpus inputs blindly for that long
// (fuzz/mutate.cpp: libFuzzer's mutations without its coverage guidance), from --seed N
// (default: the time, printed) and with --dict FILE's tokens:
//
//   greenlight_fuzz_replay --mutate 3 --dict fuzz/http_api.dict http_api fuzz/corpus/http_api

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz/fuzz.h"
#include "fuzz/mutate.h"

namespace greenlight::fuzz {
std::map<std::string, Entry>& targets();
}

namespace {

std::string read_all(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--mutate SECONDS [--seed N] [--dict FILE]] TARGET CORPUS_DIR_OR_FILE...\ntargets:", argv0);
  for (const auto& [name, entry] : greenlight::fuzz::targets()) std::fprintf(stderr, " %s", name.c_str());
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const auto& all = greenlight::fuzz::targets();
  bool mutating = false;
  greenlight::fuzz::MutateOptions opt;
  opt.seed = static_cast<std::uint32_t>(std::chrono::system_clock::now().time_since_epoch().count() ^ ::getpid());
  int i = 1;
  try {
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
      const std::string flag = argv[i];
      if (flag == "--mutate") {
        mutating = true;
        opt.seconds = std::stod(argv[i + 1]);
      } else if (flag == "--seed") {
        opt.seed = std::stoull(argv[i + 1]);
      } else if (flag == "--dict") {
        opt.dict = argv[i + 1];
      } else {
        return usage(argv[0]);
      }
    }
  } catch (const std::exception&) {
    return usage(argv[0]);
  }
  if (argc - i < 2 || all.count(argv[i]) == 0) return usage(argv[0]);
  const char* target = argv[i];
  const greenlight::fuzz::Entry entry = all.at(target);
  std::vector<fs::path> files;
  for (++i; i < argc; ++i) {
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
  if (mutating) {
    std::vector<std::string> corpus;
    for (const fs::path& f : files) corpus.push_back(read_all(f));
    return greenlight::fuzz::mutate(target, entry, opt, corpus);
  }
  for (const fs::path& f : files) {
    const std::string bytes = read_all(f);
    std::fprintf(stderr, "%s\n", f.c_str());  // the last name printed is the input of a crash
    greenlight::fuzz::run_one(entry, bytes);
  }
  std::printf("%s: %zu inputs ran\n", target, files.size());
  return 0;
}
