#include "daemon/runtime/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

namespace greenlight::daemon {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

std::string check_tls_files(const std::string& cert_file, const std::string& key_file) {
  File cf(std::fopen(cert_file.c_str(), "r"));
  if (!cf) return "cannot read tls_cert_file " + cert_file;
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_X509(cf.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) {
    ERR_clear_error();
    return "tls_cert_file " + cert_file + " holds no PEM certificate";
  }
  File kf(std::fopen(key_file.c_str(), "r"));
  if (!kf) return "cannot read tls_key_file " + key_file;
  // No passphrase callback: an encrypted key cannot be used unattended.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_PrivateKey(kf.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr), EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();
    return "tls_key_file " + key_file + " holds no unencrypted PEM private key";
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return "tls_key_file " + key_file + " does not match the certificate in tls_cert_file " + cert_file;
  }
  return "";
}

}  // namespace greenlight::daemon
