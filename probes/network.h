#pragma once

// A TCP connection with a deadline, shared by the tcp and tls probes.

#include <string>

#include "model/types.h"

namespace greenlight::probes {

struct Connection {
  int fd = -1;          // connected, blocking socket; -1 on failure
  std::string error;    // why not
  double seconds = 0;   // connect time
};

// Connects to "host:port" (IPv4, IPv6 in brackets, or a name) within `timeout`.
// The caller closes fd.
Connection tcp_connect(const std::string& target, model::Duration timeout);

}  // namespace greenlight::probes
