#pragma once

// `greenlight demo` (SPEC 4): the seed's e-commerce shop simulated on loopback (HTTP and
// TCP services, a nightly backup job that sends heartbeats, a webhook sink that prints the
// pages), the embedded examples/shop.toml pointed at them, and the daemon with its
// dashboard. Failure modes of the seed are injected from the dashboard or with
// POST /demo/faults; a self-healing action restarts the recommendations service.

#include <string>

#include "daemon/runtime/log.h"
#include "model/types.h"

namespace greenlight::daemon {

struct DemoOptions {
  std::string listen = "127.0.0.1:9750";
  int port_offset = 0;  // added to every simulated service's port (several demos on one machine)
  std::string state_dir;  // default: a directory under the system's temporary directory
  model::Duration interval{5'000};
  LogFormat log_format = LogFormat::Text;
};

int demo_command(const DemoOptions& options);

// The demo's model: examples/shop.toml (embedded) with the options applied, the backup's
// "night" and the route's group_interval compressed to a few intervals, and the
// self-healing action added. Pure.
std::string demo_model(const std::string& shop_toml, const DemoOptions& options);

}  // namespace greenlight::daemon
