#pragma once

// The daemon's log: spdlog to stderr, as human text (default) or JSON lines
// (--log-format json). Every line has an event name; JSON lines carry the fields too.
// Secrets are never passed here. Thread-safety: safe from any thread (spdlog _mt sink).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace greenlight::daemon {

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warn, Error };

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Log {
 public:
  // `level` is a [daemon] log_level name: trace, debug, info, warn, error, critical, off.
  Log(LogFormat format, std::string_view level);
  ~Log();
  void set_level(std::string_view level);

  void write(LogLevel level, std::string_view event, std::string_view message, const LogFields& fields = {});
  void debug(std::string_view event, std::string_view message, const LogFields& fields = {}) {
    write(LogLevel::Debug, event, message, fields);
  }
  void info(std::string_view event, std::string_view message, const LogFields& fields = {}) {
    write(LogLevel::Info, event, message, fields);
  }
  void warn(std::string_view event, std::string_view message, const LogFields& fields = {}) {
    write(LogLevel::Warn, event, message, fields);
  }
  void error(std::string_view event, std::string_view message, const LogFields& fields = {}) {
    write(LogLevel::Error, event, message, fields);
  }

 private:
  LogFormat format_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace greenlight::daemon
