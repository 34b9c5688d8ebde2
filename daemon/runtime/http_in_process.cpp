#include "daemon/runtime/http_in_process.h"

#include <algorithm>
#include <cstring>

#include "daemon/runtime/http_api.h"

namespace greenlight::daemon {

namespace {

// A connection whose peer sent `in` and then closed its side.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 9750;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string take() { return std::move(out_); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string out_;
};

}  // namespace

std::string InProcessServer::serve(std::string_view request) {
  MemoryStream stream(request);
  bool closed = false;
  process_request(stream, true, closed, nullptr);
  return stream.take();
}

std::string HttpApi::serve_in_process(std::string_view request) {
  // Only a plain HTTP server is one (HTTPS is httplib::SSLServer): "" then.
  auto* in_process = dynamic_cast<InProcessServer*>(server_.get());
  return in_process ? in_process->serve(request) : std::string();
}

}  // namespace greenlight::daemon
