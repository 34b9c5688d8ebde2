// [daemon] (SPEC section 5).

#include <set>
#include <string>

#include "model/load_sections.h"

namespace greenlight::model {

bool is_loopback_listen(std::string_view listen) {
  return listen.starts_with("127.") || listen.starts_with("localhost:") || listen.starts_with("[::1]:");
}

namespace {

// read_token_file, tls_cert_file and tls_key_file (SPEC 6.6); the files are read at start.
void load_daemon_tls(LoadContext& ctx, TableReader& r, DaemonConfig& d) {
  if (auto v = r.string("read_token_file")) d.read_token_file = ctx.resolve(*v);
  const toml::node* cert_node = r.node("tls_cert_file");
  const toml::node* key_node = r.node("tls_key_file");
  if (auto v = r.string("tls_cert_file")) d.tls_cert_file = ctx.resolve(*v);
  if (auto v = r.string("tls_key_file")) d.tls_key_file = ctx.resolve(*v);
  if (!d.read_token_file.empty() && d.auth_token_file.empty()) {
    // Reads behind a token and mutations open to anyone: surely not what was meant.
    r.error(*r.node("read_token_file"), "\"read_token_file\" needs \"auth_token_file\": without it anyone may silence "
                                        "and reload while reads need a token");
  }
  if (d.tls_cert_file.empty() != d.tls_key_file.empty()) {
    r.error(cert_node ? *cert_node : *key_node, "\"tls_cert_file\" and \"tls_key_file\" go together: set both or neither");
  }
}

}  // namespace

void load_daemon(LoadContext& ctx, const toml::table& t) {
  TableReader r(ctx.errors, t, "[daemon]");
  DaemonConfig& d = ctx.model->daemon;
  const toml::node* listen_node = r.node("listen");
  if (auto v = r.string("listen")) {
    if (valid_host_port(*v)) {
      d.listen = *v;
    } else {
      r.error(*listen_node, "\"listen\" must be HOST:PORT, e.g. \"127.0.0.1:9750\", not " + quote(*v));
    }
  }
  if (auto v = r.string("state_dir")) d.state_dir = *v;
  d.state_dir = ctx.resolve(d.state_dir);
  if (auto v = r.duration("interval")) d.interval = *v;
  if (auto v = r.string("auth_token_file")) d.auth_token_file = ctx.resolve(*v);
  load_daemon_tls(ctx, r, d);
  if (auto v = r.string("external_url")) {
    if (valid_http_url(*v)) {
      d.external_url = *v;
    } else {
      r.error(*r.node("external_url"), "\"external_url\" must be an http:// or https:// URL");
    }
  }
  if (d.external_url.empty()) d.external_url = (d.tls_cert_file.empty() ? "http://" : "https://") + d.listen + "/";
  const toml::node* level_node = r.node("log_level");
  if (auto v = r.string("log_level")) {
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (kLevels.count(*v)) {
      d.log_level = *v;
    } else {
      r.error(*level_node, "\"log_level\" must be one of trace, debug, info, warn, error, critical, off");
    }
  }
  if (!is_loopback_listen(d.listen) && d.auth_token_file.empty() && listen_node) {
    r.error(*listen_node, "listening beyond loopback (" + d.listen + ") requires \"auth_token_file\"");
  }
  r.finish();
}

}  // namespace greenlight::model
