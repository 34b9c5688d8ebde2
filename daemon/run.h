#pragma once

#include <string>

#include "daemon/log.h"

namespace greenlight::daemon {

// `greenlight run FILE`: the daemon in the foreground until SIGTERM/SIGINT (graceful);
// SIGHUP reloads. Returns the process exit code: 0 after a clean stop, 2 for an invalid
// model at start, 1 when it cannot start (listen address in use, unreadable token).
int run_daemon(const std::string& path, LogFormat format);

}  // namespace greenlight::daemon
