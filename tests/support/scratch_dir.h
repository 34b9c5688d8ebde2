#pragma once

// A fresh directory under the system's temporary directory that outlives the daemons a
// test starts one after the other (a state_dir shared by a daemon and its restart), and is
// removed when the test ends, passed or failed.

#include <unistd.h>

#include <filesystem>
#include <string>

namespace greenlight::test {

struct ScratchDir {
  explicit ScratchDir(const std::string& name)
      : path((std::filesystem::temp_directory_path() / ("greenlight-" + name + "-" + std::to_string(::getpid())))
                 .string()) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string path;
};

}  // namespace greenlight::test
