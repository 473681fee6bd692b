// TLS for the remoting port, configured like the Java servers (shared protocol remoting.md
// section 12): tls.server.mode = disabled | permissive (default) | enforcing, with plaintext and
// TLS on the same port told apart by the first byte (0x16 starts a TLS handshake).
//
// Without certificate paths (Java's tls.test.mode.enable) the server makes a self-signed
// certificate at start-up; the standard clients do not verify server certificates in that mode.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "common/properties.h"
#include "common/status.h"

namespace rmq::remoting {

enum class TlsMode { DISABLED, PERMISSIVE, ENFORCING };

struct TlsConfig {
  TlsMode mode = TlsMode::PERMISSIVE;
  bool testMode = true;
  std::string certPath;                 // tls.server.certPath
  std::string keyPath;                  // tls.server.keyPath
  std::string keyPassword;              // tls.server.keyPassword
  std::string trustCertPath;            // tls.server.trustCertPath
  std::string needClientAuth = "none";  // tls.server.need.client.auth: none | optional | require

  // Reads the Java keys from `props` (system-property style keys, e.g. from the config file),
  // then from the file named by tls.config.file when that key is present.
  static TlsConfig fromProperties(const Properties& props);
};

TlsMode parseTlsMode(const std::string& text);  // anything unknown is PERMISSIVE, as in Java
const char* tlsModeName(TlsMode mode);

// Builds the server context, or nullptr (with an error) when the certificate cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> makeServerTlsContext(const TlsConfig& config,
                                                                Status& status);
// A client context that, like the Java and Go clients in test mode, trusts any server.
std::shared_ptr<boost::asio::ssl::context> makeClientTlsContext();

}  // namespace rmq::remoting
