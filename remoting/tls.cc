#include "remoting/tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/logging.h"

namespace rmq::remoting {

namespace ssl = boost::asio::ssl;

TlsMode parseTlsMode(const std::string& text) {
  if (text == "disabled") return TlsMode::DISABLED;
  if (text == "enforcing") return TlsMode::ENFORCING;
  return TlsMode::PERMISSIVE;
}

const char* tlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::DISABLED:
      return "disabled";
    case TlsMode::ENFORCING:
      return "enforcing";
    default:
      return "permissive";
  }
}

TlsConfig TlsConfig::fromProperties(const Properties& props) {
  Properties merged = props;
  if (auto file = props.get("tls.config.file")) {
    Properties fromFile;
    if (Properties::loadFile(*file, fromFile).ok()) {
      for (const auto& [k, v] : fromFile.entries()) {
        if (!merged.contains(k)) merged.set(k, v);
      }
    }
  }
  TlsConfig c;
  c.mode = parseTlsMode(merged.get("tls.server.mode").value_or("permissive"));
  c.testMode = merged.get("tls.test.mode.enable").value_or("true") == "true";
  c.certPath = merged.get("tls.server.certPath").value_or("");
  c.keyPath = merged.get("tls.server.keyPath").value_or("");
  c.keyPassword = merged.get("tls.server.keyPassword").value_or("");
  c.trustCertPath = merged.get("tls.server.trustCertPath").value_or("");
  c.needClientAuth = merged.get("tls.server.need.client.auth").value_or("none");
  return c;
}

namespace {

// Generates an EC P-256 key and a self-signed certificate valid for ten years.
bool useSelfSigned(ssl::context& ctx) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) return false;
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("rocketmq-cpp"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0 &&
            SSL_CTX_use_certificate(ctx.native_handle(), cert) == 1 &&
            SSL_CTX_use_PrivateKey(ctx.native_handle(), key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

std::shared_ptr<ssl::context> makeServerTlsContext(const TlsConfig& config, Status& status) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3);
  boost::system::error_code ec;
  if (!config.certPath.empty() && !config.keyPath.empty()) {
    if (!config.keyPassword.empty()) {
      std::string pw = config.keyPassword;
      ctx->set_password_callback([pw](size_t, ssl::context::password_purpose) { return pw; });
    }
    ctx->use_certificate_chain_file(config.certPath, ec);
    if (!ec) ctx->use_private_key_file(config.keyPath, ssl::context::pem, ec);
    if (ec) {
      status = Status::Error("cannot load TLS certificate/key: " + ec.message());
      return nullptr;
    }
  } else if (!useSelfSigned(*ctx)) {
    status = Status::Error("cannot create a self-signed TLS certificate");
    return nullptr;
  }
  if (!config.trustCertPath.empty()) {
    ctx->load_verify_file(config.trustCertPath, ec);
    if (ec) {
      status = Status::Error("cannot load TLS trust certificates: " + ec.message());
      return nullptr;
    }
  }
  if (config.needClientAuth == "require") {
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  } else if (config.needClientAuth == "optional") {
    ctx->set_verify_mode(ssl::verify_peer);
    ctx->set_verify_callback([](bool, ssl::verify_context&) { return true; });
  } else {
    ctx->set_verify_mode(ssl::verify_none);
  }
  status = Status::Ok();
  return ctx;
}

std::shared_ptr<ssl::context> makeClientTlsContext() {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_verify_mode(ssl::verify_none);
  return ctx;
}

}  // namespace rmq::remoting
