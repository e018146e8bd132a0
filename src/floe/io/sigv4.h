// AWS Signature Version 4 for S3 requests: header signing and presigned URLs.
// Written from the AWS "Signature Version 4 signing process" documentation; the
// tests compare it with botocore on a table of requests (tests/s3/sigv4_vectors.py).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floe::io::sigv4 {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

// The parts of an HTTP request that are signed. Strings are raw (not percent-encoded):
// the signer encodes the path and query as S3 expects.
struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string host;    // Host header value: lowercase, ":port" only when not 80/443
  std::string path;    // "/bucket/key with spaces" (path-style) or "/key"; starts with '/'
  KeyValues query;     // in any order; repeated keys allowed
  KeyValues headers;   // extra headers to sign (any case); host/x-amz-* are added by Sign
};

// The payload hash value that skips body signing (allowed by S3, and used for
// presigned URLs).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// S3 URI encoding (RFC 3986 unreserved bytes A-Z a-z 0-9 - _ . ~ stay, every other
// byte becomes %XX in uppercase hex); '/' stays when !encode_slash.
std::string UriEncode(std::string_view s, bool encode_slash);
// "20240102T030405Z" for a Unix time.
std::string AmzDate(std::time_t t);
// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// The canonical query string: pairs encoded, sorted by key then value, "k=v" joined by '&'.
std::string CanonicalQuery(const KeyValues& query);

// Signs requests for one (credentials, region, service). Immutable, thread-safe.
class Signer {
 public:
  Signer(Credentials credentials, std::string region, std::string service = "s3");

  // The headers to send with `req` for authentication: x-amz-date,
  // x-amz-content-sha256 (= payload_hash), x-amz-security-token (with a session
  // token) and authorization. Every header of `req.headers` except user-agent,
  // expect and x-amzn-trace-id is signed, plus host.
  KeyValues Sign(const Request& req, std::string_view payload_hash, std::time_t now) const;

  // The query string (encoded, without '?') of a presigned URL for `req`, valid
  // `expires_seconds` (1..604800) from `now`: req.query followed by the X-Amz-* auth
  // parameters and X-Amz-Signature. Signs host and req.headers; the payload is unsigned.
  std::string PresignQuery(const Request& req, int64_t expires_seconds, std::time_t now) const;

  // The intermediate strings, exposed for tests and error messages.
  std::string CanonicalRequest(const Request& req, const KeyValues& signed_headers,
                               const KeyValues& query, std::string_view payload_hash) const;
  std::string StringToSign(std::string_view amz_date, std::string_view canonical_request) const;
  // Hex HMAC of `string_to_sign` with the key derived for the date of `amz_date`.
  std::string Signature(std::string_view amz_date, std::string_view string_to_sign) const;

  const Credentials& credentials() const { return credentials_; }
  const std::string& region() const { return region_; }

 private:
  std::string Scope(std::string_view amz_date) const;

  Credentials credentials_;
  std::string region_;
  std::string service_;
};

}  // namespace floe::io::sigv4
