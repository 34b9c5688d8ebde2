#pragma once

// The listener's certificate and key (SPEC 6.6, [daemon] tls_cert_file / tls_key_file),
// checked before the daemon starts so that a mistake is a clear refusal, not a server that
// fails every handshake.

#include <string>

namespace greenlight::daemon {

// "" when `cert_file` holds a PEM certificate (a chain may follow) and `key_file` the PEM
// private key of that certificate; else what is wrong, naming the file, e.g.
// "tls_key_file /etc/greenlight/key.pem does not match the certificate in tls_cert_file
// /etc/greenlight/cert.pem". Secrets never appear in the message.
std::string check_tls_files(const std::string& cert_file, const std::string& key_file);

}  // namespace greenlight::daemon
