#pragma once

// Little-endian fixed-size values in a byte string, for the objectives' history files
// (model/slo_history.h, engine/objectives.h). The hosts are little-endian (Debian amd64
// and arm64); a file is checked (magic, sizes, checksum) before it is trusted.

#include <cstring>
#include <string>
#include <string_view>

namespace greenlight::model::bytes {

template <typename T>
void put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

// Reads a T from the front of `in` and drops it; false when `in` is too short.
template <typename T>
bool get(std::string_view& in, T& v) {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(&v, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return true;
}

}  // namespace greenlight::model::bytes
