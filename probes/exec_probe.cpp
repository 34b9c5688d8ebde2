#include <csignal>
#include <cstring>

#include "probes/nagios.h"
#include "probes/probe.h"
#include "net/process.h"

namespace greenlight::probes {

using net::CommandResult;

// The Nagios plugin API: exit code -> state, the first line -> message, the first
// performance value -> the signal's value.
model::ProbeOutcome exec_outcome(const model::ExecSpec& spec, model::Duration timeout, const CommandResult& r) {
  if (!r.started) return {false, std::nullopt, r.error, std::nullopt};
  if (r.timed_out) {
    return {false, std::nullopt,
            spec.command[0] + " timed out after " + model::format_duration(timeout) + " (process group killed)",
            std::nullopt};
  }
  if (r.signal != 0) {
    return {false, std::nullopt, spec.command[0] + " killed by signal " + std::string(strsignal(r.signal)),
            std::nullopt};
  }
  const PluginOutput out = parse_plugin_output(r.out);
  model::ProbeOutcome o;
  o.reported = health_of_exit_code(r.exit_code);
  o.ok = o.reported != model::Health::Red;
  o.message = out.text;
  if (o.message.empty()) {
    // Nothing on stdout: the first line of stderr says more than nothing.
    o.message = r.err.substr(0, r.err.find('\n'));
    if (o.message.empty()) o.message = spec.command[0] + " exited " + std::to_string(r.exit_code) + " without output";
  }
  if (r.exit_code < 0 || r.exit_code > 3) o.message += " (exit code " + std::to_string(r.exit_code) + ")";
  for (const PerfData& p : out.perfdata) {
    if (p.value) {
      o.value = p.value;
      break;
    }
  }
  return o;
}

}  // namespace greenlight::probes
