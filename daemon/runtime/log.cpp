#include "daemon/runtime/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "model/json_text.h"
#include "model/types.h"

namespace greenlight::daemon {

namespace {
spdlog::level::level_enum to_spdlog(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warn: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}
}  // namespace

Log::Log(LogFormat format, std::string_view level) : format_(format) {
  // Not registered in spdlog's global registry: the logger is passed down explicitly.
  logger_ = std::make_shared<spdlog::logger>("greenlight", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format_ == LogFormat::Text) {
    logger_->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  } else {
    logger_->set_pattern("%v");
  }
  logger_->flush_on(spdlog::level::trace);  // every line reaches the journal at once
  set_level(level);
}

Log::~Log() = default;

void Log::set_level(std::string_view level) { logger_->set_level(spdlog::level::from_str(std::string(level))); }

void Log::write(LogLevel level, std::string_view event, std::string_view message, const LogFields& fields) {
  const auto lvl = to_spdlog(level);
  if (!logger_->should_log(lvl)) return;
  if (format_ == LogFormat::Text) {
    logger_->log(lvl, "{}: {}", event, message);
    return;
  }
  nlohmann::json j{{"ts", model::format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now()))},
                   {"level", spdlog::level::to_string_view(lvl).data()},
                   {"event", event},
                   {"msg", message}};
  for (const auto& [k, v] : fields) j[k] = v;
  logger_->log(lvl, "{}", model::json_text(j));
}

}  // namespace greenlight::daemon
