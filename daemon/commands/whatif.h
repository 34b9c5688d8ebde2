#pragma once

// The what-if commands (SPEC 6.3), registered on the command line by main.cpp:
//   greenlight simulate FILE --set ID=STATE ... [--format text|json]
//       the model with everything green but the overrides (whatif/simulate.h): what would
//       change and who would be paged; exit 0 green, 1 yellow, 2 red, 3 unknown by the
//       simulated overall state (as check), 3 for an invalid model, 64 for a bad --set
//       (an unknown id or state, with the message POST /api/v1/simulate gives);
//   greenlight lint FILE [--format text|json]
//       FILE:LINE:COL: warning: [rule] message (whatif/lint.h); exit 0 none, 1 warnings,
//       2 an invalid model (its errors as validate prints them);
//   greenlight fma FILE [--format markdown|json]
//       the failure mode analysis table (whatif/fma.h); exit 0, or 2 for an invalid model.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace greenlight::daemon {

int simulate_command(const std::string& path, const std::vector<std::string>& sets, const std::string& format,
                     std::ostream& out, std::ostream& err);
int lint_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err);
int fma_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err);

// Adds the three subcommands to `app`; run() runs the one that was chosen, if any.
class WhatifCommands {
 public:
  explicit WhatifCommands(CLI::App& app);
  std::optional<int> run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* simulate_ = nullptr;
  CLI::App* lint_ = nullptr;
  CLI::App* fma_ = nullptr;
  std::string file_;
  std::vector<std::string> sets_;
  std::string format_ = "text";
  std::string fma_format_ = "markdown";
};

}  // namespace greenlight::daemon
