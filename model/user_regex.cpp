#include "model/user_regex.h"

#include <cctype>

namespace greenlight::model {

namespace {

constexpr std::size_t kMaxDigits = 6;

// The length of the run of digits at `at`.
std::size_t digits_at(std::string_view s, std::size_t at) {
  std::size_t n = 0;
  while (at + n < s.size() && std::isdigit(static_cast<unsigned char>(s[at + n]))) ++n;
  return n;
}

}  // namespace

std::string compile_user_regex(std::string_view pattern, std::regex& out, std::string_view prefix,
                               std::string_view suffix) {
  if (pattern.size() > kMaxUserRegex) {
    return "longer than " + std::to_string(kMaxUserRegex) + " characters (" + std::to_string(pattern.size()) + ")";
  }
  const std::string too_long = "a repeat count or back-reference of more than " + std::to_string(kMaxDigits) + " digits";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (digits_at(pattern, i + 1) > kMaxDigits) return too_long;  // \12: a back-reference
      ++i;                                                           // the escaped character is not special
    } else if (pattern[i] == '{') {  // {3} or {2,5}
      for (std::size_t j = i + 1; j < pattern.size(); ++j) {
        const std::size_t n = digits_at(pattern, j);
        if (n > kMaxDigits) return too_long;
        if (n == 0 && pattern[j] != ',') break;
        if (n > 0) j += n - 1;
      }
    }
  }
  try {
    std::string full;
    full.reserve(prefix.size() + pattern.size() + suffix.size());
    full.append(prefix).append(pattern).append(suffix);
    out = std::regex(full, kUserRegexFlags);
  } catch (const std::regex_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace greenlight::model
