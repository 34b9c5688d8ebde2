#pragma once

#include <string>
#include <string_view>

namespace greenlight::daemon {

// Writes `content` to `path` atomically: a temporary file in the same directory, fsync,
// rename, fsync of the directory. Creates the directory if missing. Returns "" or an error.
std::string write_file_atomically(const std::string& path, const std::string& content);

// Writes all of `data` to `fd`, retrying short writes and EINTR. Returns 0 or the errno.
int write_all(int fd, std::string_view data);

// The whole file, or nullopt-like empty with `ok` false.
bool read_file(const std::string& path, std::string& out);

}  // namespace greenlight::daemon
