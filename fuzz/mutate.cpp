// Blind mutation for the replay driver (`greenlight_fuzz_replay --mutate SECONDS ...`): the
// corpus inputs, mutated the way libFuzzer mutates (bit and byte flips, random and
// repeated bytes, erased, duplicated and shuffled ranges, interesting integers in binary
// and in ASCII, dictionary tokens, two inputs spliced), fed to one target for a time.
// It is NOT coverage-guided: nothing it finds is kept, so it only walks a few mutations
// away from the corpus. It exists so that ./test.sh (gcc, no clang) fuzzes every target
// for a few seconds; the real campaign is libFuzzer, fuzz/run.sh (fuzz/README.md).
//
// Deterministic for a seed: the same seed gives the same inputs in the same order (a run
// stops at its deadline, so a longer run only goes further). On a crash, a sanitizer
// report or a failed property the input being run is written to
// ./fuzz-crash-<target>-<fnv1a64> (before the process dies: a SIGABRT handler and the
// sanitizers' death callback) and that path is printed; replay it with
// `greenlight_fuzz_replay TARGET FILE`.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz.h"
#include "fuzz/mutate.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace greenlight::fuzz {

namespace {

// What is running now, for the death handlers (which may only use async-signal-safe calls).
const std::uint8_t* g_data = nullptr;
std::size_t g_size = 0;
const char* g_target = "";
volatile sig_atomic_t g_written = 0;

void say(const char* s) { (void)!::write(2, s, std::strlen(s)); }

void write_current_input() {
  if (g_written || g_data == nullptr) return;
  g_written = 1;
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  for (std::size_t i = 0; i < g_size; ++i) h = (h ^ g_data[i]) * 0x100000001b3ULL;
  char path[256] = "fuzz-crash-";
  std::size_t n = std::strlen(path);
  for (const char* t = g_target; *t != '\0' && n < 200; ++t) path[n++] = *t;
  path[n++] = '-';
  for (int shift = 60; shift >= 0; shift -= 4) path[n++] = "0123456789abcdef"[(h >> shift) & 0xf];
  path[n] = '\0';
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return say("fuzz --mutate: cannot write the crashing input\n");
  for (std::size_t off = 0; off < g_size;) {
    const ssize_t w = ::write(fd, g_data + off, g_size - off);
    if (w <= 0) break;
    off += static_cast<std::size_t>(w);
  }
  ::close(fd);
  say("fuzz --mutate: the crashing input is in ");
  say(path);
  say("\n");
}

void on_fatal_signal(int sig) {
  write_current_input();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_death_handlers() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_set_death_callback(write_current_input);  // ASan and UBSan reports
#else
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, on_fatal_signal);
#endif
  ::signal(SIGABRT, on_fatal_signal);  // failed properties; sanitizers with abort_on_error
  ::signal(SIGALRM, on_fatal_signal);  // an input that hangs (alarm below)
}

// libFuzzer dictionary: `"token"` or `name="token"` per line, \\ \" and \xNN escapes, # comments.
std::vector<std::string> read_dict(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "fuzz --mutate: cannot read the dictionary %s\n", path.c_str());
    std::exit(2);
  }
  for (std::string line; std::getline(in, line);) {
    const auto open = line.find('"');
    const auto close = line.rfind('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) continue;
    std::string tok;
    for (std::size_t i = open + 1; i < close; ++i) {
      if (line[i] != '\\' || i + 1 >= close) {
        tok += line[i];
      } else if (line[i + 1] == 'x' && i + 3 < close) {
        tok += static_cast<char>(std::stoi(line.substr(i + 2, 2), nullptr, 16));
        i += 3;
      } else {
        tok += line[++i];
      }
    }
    if (!tok.empty()) out.push_back(tok);
  }
  return out;
}

const char* const kAsciiInts[] = {"0", "-1", "1", "255", "256", "65535", "65536", "2147483647", "2147483648",
                                  "-2147483649", "4294967296", "9223372036854775807", "18446744073709551616",
                                  "1e308", "1e309", "-0", "0.0000001", "NaN", "inf", "-inf", "0x7f", "99999999999999999999"};
const std::uint64_t kBinInts[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
                                  0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL};

class Mutator {
 public:
  Mutator(std::uint64_t seed, const std::vector<std::string>& corpus, std::vector<std::string> dict, std::size_t max_len)
      : rng_(seed), corpus_(corpus), dict_(std::move(dict)), max_len_(max_len) {}

  // One input: a corpus input (or the last mutant, to walk further) with 1 to 5 mutations.
  const std::string& next() {
    if (cur_.empty() || pick(4) != 0) cur_ = corpus_[pick(corpus_.size())];
    for (std::size_t k = 1 + pick(5); k > 0; --k) mutate_once();
    if (cur_.size() > max_len_) cur_.resize(max_len_);
    return cur_;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  std::size_t pos(bool inclusive_end = false) { return pick(cur_.size() + (inclusive_end ? 1 : 0)); }
  char byte() { return static_cast<char>(rng_() & 0xff); }

  void mutate_once() {
    const std::size_t n = cur_.size();
    const std::size_t at = pos();  // 0 when empty
    switch (pick(13)) {
      case 0:  // flip a bit
        if (n) cur_[at] = static_cast<char>(cur_[at] ^ (1 << pick(8)));
        break;
      case 1:  // change a byte
        if (n) cur_[at] = byte();
        break;
      case 2:  // insert a byte
        cur_.insert(pos(true), 1, byte());
        break;
      case 3:  // insert a run of one byte
        cur_.insert(pos(true), 1 + pick(64), pick(2) ? byte() : '\0');
        break;
      case 4:  // erase a range
        if (n) cur_.erase(at, 1 + pick(std::min<std::size_t>(n - at, 64)));
        break;
      case 5:  // copy a range elsewhere
        if (n) cur_.insert(pos(true), cur_.substr(at, 1 + pick(n - at)));
        break;
      case 6:  // shuffle a few bytes
        if (n) {
          const auto first = cur_.begin() + static_cast<std::ptrdiff_t>(at);
          std::shuffle(first, first + static_cast<std::ptrdiff_t>(1 + pick(std::min<std::size_t>(n - at, 8))), rng_);
        }
        break;
      case 7:
        binary_int();
        break;
      case 8:
        ascii_int();
        break;
      case 9:
      case 10:
        dict_token();
        break;
      case 11:
        splice();
        break;
      default:  // a byte one up or down
        if (n) cur_[at] = static_cast<char>(cur_[at] + (pick(2) ? 1 : -1));
    }
  }
  void binary_int() {
    const std::size_t width = std::size_t{1} << pick(4);
    std::uint64_t v = kBinInts[pick(std::size(kBinInts))];
    if (pick(2)) v = __builtin_bswap64(v) >> (64 - 8 * width);
    char bytes[8];
    std::memcpy(bytes, &v, sizeof v);
    if (cur_.size() >= width && pick(2)) {
      std::memcpy(cur_.data() + pick(cur_.size() - width + 1), bytes, width);
    } else {
      cur_.insert(pos(true), bytes, width);
    }
  }
  void ascii_int() {  // replace a run of digits with an interesting number, or insert one
    const std::string v = kAsciiInts[pick(std::size(kAsciiInts))];
    const std::size_t at = cur_.find_first_of("0123456789", pos());
    if (at == std::string::npos || pick(4) == 0) return (void)cur_.insert(pos(true), v);
    const std::size_t end = cur_.find_first_not_of("0123456789.", at);
    cur_.replace(at, (end == std::string::npos ? cur_.size() : end) - at, v);
  }
  void dict_token() {
    if (dict_.empty()) return ascii_int();
    const std::string& t = dict_[pick(dict_.size())];
    if (pick(3) == 0 && cur_.size() >= t.size()) return (void)cur_.replace(pick(cur_.size() - t.size() + 1), t.size(), t);
    cur_.insert(pos(true), t);
  }
  void splice() {  // a prefix of this one and a suffix of another (libFuzzer's crossover)
    const std::string& other = corpus_[pick(corpus_.size())];
    cur_ = cur_.substr(0, pos(true)) + other.substr(pick(other.size() + 1));
  }

  std::mt19937_64 rng_;
  const std::vector<std::string>& corpus_;
  std::vector<std::string> dict_;
  std::size_t max_len_;
  std::string cur_;
};

}  // namespace

int run_one(Entry entry, std::string_view input) {
  // A heap block of exactly the input's size (as libFuzzer does), so that ASan sees a read
  // past its end: a std::string has a terminator and spare capacity there.
  const std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[input.size()]);
  if (!input.empty()) std::memcpy(copy.get(), input.data(), input.size());
  g_data = copy.get();
  g_size = input.size();
  const int rc = entry(g_data, g_size);
  g_data = nullptr;
  return rc;
}

int mutate(const char* target, Entry entry, const MutateOptions& opt, const std::vector<std::string>& corpus) {
  std::vector<std::string> inputs = corpus;
  if (inputs.empty()) inputs.emplace_back();
  std::size_t longest = 0;
  for (const std::string& s : inputs) longest = std::max(longest, s.size());
  const std::vector<std::string> dict = opt.dict.empty() ? std::vector<std::string>{} : read_dict(opt.dict);
  std::printf("%s: --mutate %.1f s, --seed %llu, %zu corpus inputs, %zu dictionary tokens (blind mutation, no coverage)\n",
              target, opt.seconds, static_cast<unsigned long long>(opt.seed), inputs.size(), dict.size());
  std::fflush(stdout);
  g_target = target;
  install_death_handlers();
  // Every corpus input once first, as libFuzzer does, within the time (at least once).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opt.seconds);
  for (const std::string& in : inputs) {
    ::alarm(opt.hang_seconds);
    run_one(entry, in);
  }
  Mutator m(opt.seed, inputs, dict, std::max<std::size_t>(2 * longest, 4096));
  std::size_t runs = 0;
  do {
    if ((runs & 63) == 0) ::alarm(opt.hang_seconds);  // a hang dies by SIGALRM, its input saved
    run_one(entry, m.next());
    ++runs;
  } while ((runs & 15) != 0 || std::chrono::steady_clock::now() < deadline);
  ::alarm(0);
  std::printf("%s: %zu corpus inputs and %zu mutated inputs ran, no crash\n", target, inputs.size(), runs);
  return 0;
}

}  // namespace greenlight::fuzz

// A deliberately broken toy target, registered in the replay driver only, so that a test
// proves --mutate fails when a target fails: a failed property on "BOOM", a heap overflow
// (caught by ASan) on "OVERFLOW". The tests give each token in a dictionary.
namespace {
int selftest_broken(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = greenlight::fuzz::text_of(data, size);
  GREENLIGHT_FUZZ_CHECK(in.find("BOOM") == std::string_view::npos);
  if (in.find("OVERFLOW") != std::string_view::npos) {
    std::vector<char> v(size);
    volatile char past_the_end = v.data()[size];
    (void)past_the_end;
  }
  return 0;
}
[[maybe_unused]] const bool selftest_registered = greenlight::fuzz::register_target("selftest_broken", selftest_broken);
}  // namespace
