#pragma once

// One fuzz target: GREENLIGHT_FUZZ_TARGET(name) { ... } defines the body that gets the
// input. Built with clang and -fsanitize=fuzzer (GREENLIGHT_FUZZ=ON) it is
// LLVMFuzzerTestOneInput, one executable per target; built into the ordinary sanitized
// build (GREENLIGHT_FUZZ_REPLAY) every target registers itself by name with the one
// replay driver (replay_main.cpp), which feeds it the files of its corpus.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace greenlight::fuzz {

using Entry = int (*)(const std::uint8_t* data, std::size_t size);
// Returns true; used by GREENLIGHT_FUZZ_TARGET in the replay build.
bool register_target(const char* name, Entry entry);

// A fuzz input as text (bytes, not necessarily UTF-8).
inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property a target checks: a failed one aborts, which both libFuzzer and the replay
// driver report as a crash (with the input).
[[noreturn]] void property_failed(const char* what, const char* file, int line);

}  // namespace greenlight::fuzz

#define GREENLIGHT_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::greenlight::fuzz::property_failed(#cond, __FILE__, __LINE__))

#ifdef GREENLIGHT_FUZZ_REPLAY
#define GREENLIGHT_FUZZ_TARGET(name)                                                            \
  static int fuzz_target_##name(const std::uint8_t* data, std::size_t size);                    \
  [[maybe_unused]] static const bool fuzz_registered_##name =                                   \
      ::greenlight::fuzz::register_target(#name, fuzz_target_##name);                           \
  static int fuzz_target_##name(const std::uint8_t* data, std::size_t size)
#else
#define GREENLIGHT_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif
