#pragma once

// The regular expressions users write: a probe's expect_body, a route's match_re, silence
// and Alertmanager API matchers (some from the network). libstdc++ 12's std::regex is
// unsafe on them as it comes:
//   - its default (depth-first) matcher recurses once per character it repeats over, so
//     `ok.*` against a 40 KB body overflows an 8 MiB stack, and `(a*)*b` takes exponential
//     time. kUserRegexFlags selects its linear-time matcher (libstdc++'s __polynomial, a
//     Thompson NFA), which has no back-references: neither has RE2, which Prometheus and
//     Alertmanager use, so no pattern valid there is lost;
//   - its compiler recurses once per term: a pattern of 100,000 characters overflows the
//     stack, so patterns are capped at kMaxUserRegex characters;
//   - it reads the number of a back-reference (`\12`) or a repeat (`{3}`) into a long with
//     no overflow check (undefined behaviour, found by fuzzing model_load), so such numbers
//     are capped at 6 digits before it sees them.

#include <cstddef>
#include <regex>
#include <string>
#include <string_view>

namespace greenlight::model {

inline constexpr std::size_t kMaxUserRegex = 4096;
inline constexpr std::regex::flag_type kUserRegexFlags = std::regex::ECMAScript | std::regex_constants::__polynomial;

// Compiles `pattern` (wrapped as prefix + pattern + suffix, e.g. "^(?:" and ")$") into
// `out`. Returns "" or what is wrong with the pattern; never throws.
std::string compile_user_regex(std::string_view pattern, std::regex& out, std::string_view prefix = "",
                               std::string_view suffix = "");

}  // namespace greenlight::model
