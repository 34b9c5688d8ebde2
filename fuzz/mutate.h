#pragma once

// The replay driver's blind mutation mode (fuzz/mutate.cpp): not coverage-guided, a few
// seconds of libFuzzer-like mutations of a corpus so that ./test.sh fuzzes without clang.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz.h"

namespace greenlight::fuzz {

struct MutateOptions {
  double seconds = 3;
  std::uint64_t seed = 1;
  std::string dict;              // a libFuzzer dictionary file, or ""
  unsigned hang_seconds = 20;    // an input running longer is a hang (its input is kept)
};

// Runs `input` through `entry` from a heap block of exactly its size (a read past its end
// is an ASan report); a crash meanwhile writes it to ./fuzz-crash-* once mutate() has set
// the death handlers up.
int run_one(Entry entry, std::string_view input);

// Runs every `corpus` input, then mutated ones, through `entry` until `opt.seconds` have
// passed (the corpus pass included, and complete however long it takes). Returns 0;
// a crash or failed property kills the process after writing ./fuzz-crash-<target>-<hash>.
int mutate(const char* target, Entry entry, const MutateOptions& opt, const std::vector<std::string>& corpus);

}  // namespace greenlight::fuzz
