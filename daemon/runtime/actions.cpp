#include "daemon/runtime/actions.h"

#include <cstdio>
#include <thread>

#include "model/json_text.h"
#include "net/http_client.h"
#include "net/process.h"

namespace greenlight::daemon {

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

// The last line of `text` that says something, for a one-line message.
std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  const std::size_t start = text.find_last_of('\n', end);
  std::string line = text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
  if (line.size() > 200) line = line.substr(0, 200) + "…";
  return line;
}

}  // namespace

ActionResult run_action(const model::Action& a, const nlohmann::json& trigger) {
  ActionResult r;
  r.action = a.name;
  if (!a.run.empty()) {
    const net::CommandResult c = net::run_command(a.run, a.timeout, ActionRunner::kMaxOutput);
    r.seconds = c.seconds;
    r.output = c.out + (c.err.empty() ? "" : (c.out.empty() ? "" : "\n") + c.err);
    if (c.truncated) r.output += "\n[output truncated]";
    if (!c.started) {
      r.outcome = "failed";
      r.message = "could not start " + a.run[0] + ": " + c.error;
    } else if (c.timed_out) {
      r.outcome = "timeout";
      r.message = "timed out after " + model::format_duration(a.timeout) + ": process group killed";
    } else if (c.signal != 0) {
      r.outcome = "failed";
      r.message = "killed by signal " + std::to_string(c.signal) + " after " + seconds_text(c.seconds);
    } else {
      r.outcome = c.exit_code == 0 ? "ok" : "failed";
      r.message = "exit " + std::to_string(c.exit_code) + " in " + seconds_text(c.seconds);
      if (c.exit_code != 0) {
        const std::string why = last_line(c.err.empty() ? c.out : c.err);
        if (!why.empty()) r.message += ": " + why;
      }
    }
    return r;
  }
  net::HttpRequest req;
  req.method = "POST";
  req.url = a.url;
  req.timeout = a.timeout;
  req.headers = {{"Content-Type", "application/json"}, {"User-Agent", "greenlight"}};
  req.body = model::json_text(trigger);
  const auto started = std::chrono::steady_clock::now();
  const net::HttpResponse res = net::http_request(req);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.output = res.body.substr(0, ActionRunner::kMaxOutput);
  if (res.status == 0) {
    r.outcome = res.error.find("timed out") != std::string::npos || res.error.find("Timeout") != std::string::npos
                    ? "timeout"
                    : "failed";
    r.message = "POST " + redact_url(a.url) + ": " + res.error;
  } else {
    r.outcome = res.status >= 200 && res.status < 300 ? "ok" : "failed";
    r.message = "POST " + redact_url(a.url) + ": HTTP " + std::to_string(res.status) + " in " + seconds_text(r.seconds);
  }
  return r;
}

void ActionRunner::start(const model::Action& action, const nlohmann::json& trigger,
                         std::function<void(ActionResult)> done) {
  ++*running_;
  std::thread([running = running_, action, trigger, done = std::move(done)] {
    ActionResult r = run_action(action, trigger);
    done(std::move(r));
    --*running;
  }).detach();
}

std::size_t ActionRunner::stop(std::chrono::milliseconds grace) {
  const auto until = std::chrono::steady_clock::now() + grace;
  while (running_->load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return static_cast<std::size_t>(std::max(running_->load(), 0));
}

}  // namespace greenlight::daemon
