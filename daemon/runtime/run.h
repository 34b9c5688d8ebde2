#pragma once

#include <functional>
#include <string>

#include "daemon/runtime/log.h"

namespace httplib {
class Server;
}

namespace greenlight::daemon {

// `greenlight run FILE`: the daemon in the foreground until SIGTERM/SIGINT (graceful);
// SIGHUP reloads. Returns the process exit code: 0 after a clean stop, 2 for an invalid
// model at start, 1 when it cannot start (listen address in use, unreadable token).
// What `greenlight demo` adds around the daemon: routes of its own on the daemon's HTTP
// server, and a call once the daemon listens (to print the dashboard's URL).
struct RunHooks {
  std::function<void(httplib::Server&)> routes;
  std::function<void(const std::string& url)> listening;
};
int run_daemon(const std::string& path, LogFormat format, const RunHooks& hooks = {});

}  // namespace greenlight::daemon
