#include "schedule/cron.h"

#include <array>
#include <cctype>
#include <cstdint>

namespace greenlight::schedule {

namespace {

struct FieldSpec {
  const char* name;
  int low;
  int high;
  const std::array<const char*, 12>* names;  // month: names[i] is i + 1; day-of-week: i
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
                                                   nullptr, nullptr, nullptr, nullptr, nullptr};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr},
    {"hour", 0, 23, nullptr},
    {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, &kMonthNames},
    {"day-of-week", 0, 7, &kDayNames},
};

// Debian's macros (Vixie cron entry.c), expanded to the fields they set.
struct Macro {
  std::string_view name;
  std::string_view fields;
};
constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string range_text(const FieldSpec& f) {
  std::string r = std::to_string(f.low) + "-" + std::to_string(f.high);
  if (f.names == &kMonthNames) r += " or jan-dec";
  if (f.names == &kDayNames) r += " or sun-sat";
  return r;
}

// Parses one field (`text` starts at 1-based column `column` of the expression) into
// `bits` (bit v = value v). On a problem, returns false and sets `error`.
class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, std::string_view text, int column) : f_(spec), text_(text), column_(column) {}

  bool parse(std::uint64_t& bits, CronError& error) {
    std::size_t pos = 0;
    while (true) {
      const std::size_t end = std::min(text_.find(',', pos), text_.size());
      if (end == pos) return fail(pos, "empty list item", error);
      if (!item(text_.substr(pos, end - pos), pos, bits, error)) return false;
      if (end == text_.size()) return true;
      pos = end + 1;
    }
  }

 private:
  bool fail(std::size_t pos, const std::string& what, CronError& error) const {
    error = {column_ + static_cast<int>(pos), std::string(f_.name) + ": " + what};
    return false;
  }

  // A number or (month, day-of-week) a three-letter name, at item[i]; advances i.
  bool value(std::string_view item, std::size_t at, std::size_t& i, int& v, CronError& error) const {
    const std::size_t start = i;
    if (i < item.size() && is_digit(item[i])) {
      while (i < item.size() && is_digit(item[i])) ++i;
      const std::string_view digits = item.substr(start, i - start);
      if (digits.size() > 4) return fail(at + start, std::string(digits) + " is out of range " + range_text(f_), error);
      v = std::stoi(std::string(digits));
    } else if (i < item.size() && is_alpha(item[i])) {
      while (i < item.size() && (is_alpha(item[i]) || is_digit(item[i]))) ++i;
      const std::string word = lower(item.substr(start, i - start));
      if (f_.names == nullptr) {
        return fail(at + start, "\"" + std::string(item.substr(start, i - start)) + "\" is not a number " +
                                    range_text(f_), error);
      }
      int found = -1;
      for (std::size_t k = 0; k < f_.names->size(); ++k) {
        if ((*f_.names)[k] != nullptr && word == (*f_.names)[k]) found = static_cast<int>(k);
      }
      if (found < 0) {
        return fail(at + start, "unknown name \"" + std::string(item.substr(start, i - start)) + "\" (use " +
                                    range_text(f_) + ")", error);
      }
      v = f_.names == &kMonthNames ? found + 1 : found;
      return true;
    } else {
      const std::string got = i < item.size() ? "\"" + std::string(1, item[i]) + "\"" : "the end of the item";
      return fail(at + start, "expected a number, a name or * but found " + got, error);
    }
    if (v < f_.low || v > f_.high) return fail(at + start, std::to_string(v) + " is out of range " + range_text(f_), error);
    return true;
  }

  bool item(std::string_view item, std::size_t at, std::uint64_t& bits, CronError& error) const {
    std::size_t i = 0;
    int first = f_.low, last = f_.high;
    bool range = true;
    if (item[0] == '*') {
      i = 1;
    } else {
      if (!value(item, at, i, first, error)) return false;
      last = first;
      range = i < item.size() && item[i] == '-';
      if (range) {
        const std::size_t dash = i++;
        if (!value(item, at, i, last, error)) return false;
        if (last < first) {
          return fail(at + dash, "range " + std::string(item.substr(0, i)) + " runs backwards (write " +
                                     std::to_string(last) + "-" + std::to_string(first) + ")", error);
        }
      }
    }
    int step = 1;
    if (i < item.size() && item[i] == '/') {
      if (!range) {
        // Debian's cron reads `5/15` as minute 5 and ignores the rest; other crons read
        // 5-59/15. Neither is what everyone expects, so it is refused.
        return fail(at + i, "a step needs a range or *: write " + std::to_string(first) + "-" +
                                std::to_string(f_.high) + "/" + std::string(item.substr(i + 1)) + " or */" +
                                std::string(item.substr(i + 1)), error);
      }
      const std::size_t start = ++i;
      while (i < item.size() && is_digit(item[i])) ++i;
      const std::string_view digits = item.substr(start, i - start);
      if (digits.empty()) return fail(at + start, "a step must be a number of 1 or more", error);
      if (digits.size() > 4) return fail(at + start, "step " + std::string(digits) + " is too large", error);
      step = std::stoi(std::string(digits));
      if (step == 0) return fail(at + start, "a step of 0 never advances (use a step of 1 or more)", error);
    }
    if (i < item.size()) return fail(at + i, "unexpected \"" + std::string(1, item[i]) + "\"", error);
    for (int v = first; v <= last; v += step) bits |= std::uint64_t{1} << v;
    return true;
  }

  const FieldSpec& f_;
  std::string_view text_;
  int column_;
};

constexpr unsigned kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// With day-of-week a star, day-of-month alone decides: some month must have one of its days.
bool some_day_exists(const CronExpr& e) {
  for (unsigned m = 1; m <= 12; ++m) {
    for (unsigned d = 1; d <= kMaxDays[m] && e.months[m]; ++d) {
      if (e.days_of_month[d]) return true;
    }
  }
  return false;
}

CronParse parse_fields(std::string_view text) {
  CronParse r;
  struct Token {
    std::string_view text;
    int column;
  };
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < text.size();) {
    if (is_blank(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    tokens.push_back({text.substr(start, i - start), static_cast<int>(start) + 1});
  }
  const std::string expected = "expected five fields (minute hour day-of-month month day-of-week)";
  if (tokens.empty()) {
    r.errors.push_back({1, "empty cron expression: " + expected});
    return r;
  }
  if (tokens.size() > 5) {
    r.errors.push_back({tokens[5].column, expected + ", found " + std::to_string(tokens.size())});
    return r;
  }
  if (tokens.size() < 5) {
    r.errors.push_back({static_cast<int>(text.size()) + 1, expected + ", found " + std::to_string(tokens.size()) +
                                                               ": " + kFields[tokens.size()].name + " is missing"});
    return r;
  }
  std::uint64_t bits[5] = {0, 0, 0, 0, 0};
  for (int k = 0; k < 5; ++k) {
    CronError error;
    if (!FieldParser(kFields[k], tokens[k].text, tokens[k].column).parse(bits[k], error)) r.errors.push_back(error);
  }
  if (!r.ok()) return r;
  CronExpr e;
  e.minutes = std::bitset<60>(bits[0]);
  e.hours = std::bitset<24>(bits[1]);
  e.days_of_month = std::bitset<32>(bits[2]);
  e.months = std::bitset<13>(bits[3]);
  e.days_of_week = std::bitset<7>((bits[4] | (bits[4] >> 7)) & 0x7f);  // 7 is Sunday, as 0
  e.minute_star = tokens[0].text[0] == '*';
  e.hour_star = tokens[1].text[0] == '*';
  e.day_of_month_star = tokens[2].text[0] == '*';
  e.day_of_week_star = tokens[4].text[0] == '*';
  if (!e.day_of_month_star && e.day_of_week_star && !some_day_exists(e)) {
    r.errors.push_back({tokens[2].column, "day-of-month: never due: no day " + std::string(tokens[2].text) +
                                              " in month " + std::string(tokens[3].text)});
    return r;
  }
  r.expr = std::move(e);
  return r;
}

}  // namespace

bool CronExpr::matches_day(std::chrono::year_month_day day) const {
  if (!months[static_cast<unsigned>(day.month())]) return false;
  const bool dom = days_of_month[static_cast<unsigned>(day.day())];
  const bool dow = days_of_week[std::chrono::weekday{std::chrono::sys_days{day}}.c_encoding()];
  return day_of_month_star || day_of_week_star ? dom && dow : dom || dow;
}

CronParse parse_cron(std::string_view text) {
  std::size_t first = 0;
  while (first < text.size() && is_blank(text[first])) ++first;
  CronParse r;
  if (first < text.size() && text[first] == '@') {
    std::size_t end = first;
    while (end < text.size() && !is_blank(text[end])) ++end;
    const std::string word = lower(text.substr(first, end - first));
    std::size_t rest = end;
    while (rest < text.size() && is_blank(text[rest])) ++rest;
    const int column = static_cast<int>(first) + 1;
    if (rest < text.size()) {
      r.errors.push_back({static_cast<int>(rest) + 1, word + " takes no fields after it"});
      return r;
    }
    if (word == "@reboot") {
      r.errors.push_back({column, "@reboot has no due time: use a schedule or a period"});
      return r;
    }
    for (const Macro& m : kMacros) {
      if (word == m.name) {
        r = parse_fields(m.fields);
        r.expr->text = std::string(text);
        return r;
      }
    }
    r.errors.push_back({column, "unknown macro " + std::string(text.substr(first, end - first)) +
                                    " (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"});
    return r;
  }
  r = parse_fields(text);
  if (r.expr) r.expr->text = std::string(text);
  return r;
}

}  // namespace greenlight::schedule
