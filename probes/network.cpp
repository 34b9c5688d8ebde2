#include "probes/network.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace greenlight::probes {

Connection tcp_connect(const std::string& target, model::Duration timeout) {
  Connection c;
  std::string host, port;
  if (!target.empty() && target.front() == '[') {
    const auto close = target.find(']');
    host = target.substr(1, close - 1);
    port = target.substr(close + 2);
  } else {
    const auto colon = target.rfind(':');
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addrs = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &addrs); rc != 0) {
    c.error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return c;
  }
  for (addrinfo* a = addrs; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      c.error = std::strerror(errno);
      continue;
    }
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLOUT, 0};
      rc = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (rc == 0) {
        c.error = "connect timed out after " + model::format_duration(timeout);
        close(fd);
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc != 0) {
      c.error = std::strerror(errno);
      close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    c.fd = fd;
    c.error.clear();
    break;
  }
  freeaddrinfo(addrs);
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return c;
}

}  // namespace greenlight::probes
