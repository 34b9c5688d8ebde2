#include "model/redact.h"

namespace greenlight::model {

std::string redact_url(const std::string& url) {
  std::string out = url;
  const auto scheme = out.find("://");
  const auto host_start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto path_start = out.find_first_of("/?#", host_start);
  const auto at = out.rfind('@', path_start == std::string::npos ? out.size() : path_start);
  if (at != std::string::npos && at >= host_start) out.replace(host_start, at - host_start, "…");
  if (const auto q = out.find('?'); q != std::string::npos) out = out.substr(0, q) + "?…";
  return out;
}

}  // namespace greenlight::model
