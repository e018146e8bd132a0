#include "floe/io/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace floe::io::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr char kHex[] = "0123456789abcdef";

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Trims the value and turns each run of whitespace inside it into one space.
std::string TrimAll(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool IsUnsignedHeader(std::string_view lname) {
  return lname == "user-agent" || lname == "expect" || lname == "x-amzn-trace-id";
}

// Lowercased name -> values in order of appearance, sorted by name.
using HeaderMap = std::map<std::string, std::vector<std::string>>;

HeaderMap HeadersToSign(const std::string& host, const KeyValues& headers) {
  HeaderMap out;
  for (const auto& [name, value] : headers) {
    std::string lname = Lower(name);
    if (IsUnsignedHeader(lname)) continue;
    out[std::move(lname)].push_back(value);
  }
  if (!out.contains("host")) out["host"].push_back(host);
  return out;
}

std::string SignedHeaderList(const HeaderMap& headers) {
  std::string out;
  for (const auto& [name, values] : headers) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

KeyValues Flatten(const HeaderMap& headers) {
  KeyValues out;
  for (const auto& [name, values] : headers) {
    for (const std::string& v : values) out.emplace_back(name, v);
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[c >> 4]);
      out.push_back("0123456789ABCDEF"[c & 15]);
    }
  }
  return out;
}

std::string AmzDate(std::time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

std::string CanonicalQuery(const KeyValues& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(UriEncode(k, true), UriEncode(v, true));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

Signer::Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string Signer::Scope(std::string_view amz_date) const {
  return fmt::format("{}/{}/{}/aws4_request", amz_date.substr(0, 8), region_, service_);
}

std::string Signer::CanonicalRequest(const Request& req, const KeyValues& signed_headers,
                                     const KeyValues& query, std::string_view payload_hash) const {
  HeaderMap headers;
  for (const auto& [name, value] : signed_headers) headers[Lower(name)].push_back(value);
  std::string out;
  out.reserve(256);
  out += req.method;
  out.push_back('\n');
  out += UriEncode(req.path.empty() ? "/" : req.path, /*encode_slash=*/false);
  out.push_back('\n');
  out += CanonicalQuery(query);
  out.push_back('\n');
  for (const auto& [name, values] : headers) {
    out += name;
    out.push_back(':');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += TrimAll(values[i]);
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  out += SignedHeaderList(headers);
  out.push_back('\n');
  out += payload_hash;
  return out;
}

std::string Signer::StringToSign(std::string_view amz_date,
                                 std::string_view canonical_request) const {
  return fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, Scope(amz_date),
                     Sha256Hex(canonical_request));
}

std::string Signer::Signature(std::string_view amz_date, std::string_view string_to_sign) const {
  const std::string k_date = Hmac("AWS4" + credentials_.secret_access_key, amz_date.substr(0, 8));
  const std::string k_region = Hmac(k_date, region_);
  const std::string k_service = Hmac(k_region, service_);
  const std::string k_signing = Hmac(k_service, "aws4_request");
  const std::string sig = Hmac(k_signing, string_to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

KeyValues Signer::Sign(const Request& req, std::string_view payload_hash, std::time_t now) const {
  const std::string amz_date = AmzDate(now);
  KeyValues headers;
  headers.reserve(req.headers.size() + 3);
  for (const auto& h : req.headers) {
    const std::string lname = Lower(h.first);
    if (lname == "x-amz-date" || lname == "x-amz-content-sha256" ||
        lname == "x-amz-security-token" || lname == "authorization") {
      continue;  // replaced below, as on a retry
    }
    headers.push_back(h);
  }
  KeyValues added = {{"x-amz-date", amz_date}, {"x-amz-content-sha256", std::string(payload_hash)}};
  if (!credentials_.session_token.empty()) {
    added.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  headers.insert(headers.end(), added.begin(), added.end());
  const HeaderMap to_sign = HeadersToSign(req.host, headers);
  const std::string canonical = CanonicalRequest(req, Flatten(to_sign), req.query, payload_hash);
  const std::string signature = Signature(amz_date, StringToSign(amz_date, canonical));
  added.emplace_back("authorization",
                     fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                                 credentials_.access_key_id, Scope(amz_date),
                                 SignedHeaderList(to_sign), signature));
  return added;
}

std::string Signer::PresignQuery(const Request& req, int64_t expires_seconds,
                                 std::time_t now) const {
  const std::string amz_date = AmzDate(now);
  const HeaderMap to_sign = HeadersToSign(req.host, req.headers);
  KeyValues auth = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", credentials_.access_key_id + "/" + Scope(amz_date)},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(std::clamp<int64_t>(expires_seconds, 1, 604800))},
      {"X-Amz-SignedHeaders", SignedHeaderList(to_sign)},
  };
  if (!credentials_.session_token.empty()) {
    auth.emplace_back("X-Amz-Security-Token", credentials_.session_token);
  }
  KeyValues query = req.query;
  query.insert(query.end(), auth.begin(), auth.end());
  const std::string canonical = CanonicalRequest(req, Flatten(to_sign), query, kUnsignedPayload);
  const std::string signature = Signature(amz_date, StringToSign(amz_date, canonical));
  std::string out;
  for (const auto& [k, v] : query) {
    if (!out.empty()) out.push_back('&');
    out += UriEncode(k, true);
    out.push_back('=');
    out += UriEncode(v, true);
  }
  out += "&X-Amz-Signature=" + signature;
  return out;
}

}  // namespace floe::io::sigv4
