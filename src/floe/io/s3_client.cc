#include "floe/io/s3_client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "floe/io/retry.h"
#include "floe/io/xml.h"

namespace floe::io {
namespace {

bool IsDnsCompatibleBucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return b.front() != '-' && b.back() != '-';
}

std::string StripQuotes(std::string_view etag) {
  while (!etag.empty() && etag.front() == '"') etag.remove_prefix(1);
  while (!etag.empty() && etag.back() == '"') etag.remove_suffix(1);
  return std::string(etag);
}

// "2024-02-29T23:59:59.000Z" (XML) or "Thu, 29 Feb 2024 23:59:59 GMT" (headers) -> ms.
int64_t ParseTimeMs(const std::string& text) {
  struct tm tm = {};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) {
    tm = {};
    end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  }
  if (end == nullptr) return 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (*end == '.') {
    int64_t frac = 0, scale = 100;
    for (++end; *end >= '0' && *end <= '9'; ++end) {
      frac += (*end - '0') * scale;
      scale /= 10;
    }
    ms += frac;
  }
  return ms;
}

bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

// Percent-decoding with '+' as space (S3's encoding-type=url).
std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Md5Base64(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

bool IsThrottle(std::string_view code) {
  return code == "SlowDown" || code == "Throttling" || code == "ThrottlingException" ||
         code == "TooManyRequestsException" || code == "RequestLimitExceeded" ||
         code == "BandwidthLimitExceeded" || code == "EC2ThrottledException";
}

bool IsRetryableCode(std::string_view code) {
  return IsThrottle(code) || code == "RequestTimeout" || code == "InternalError" ||
         code == "ServiceUnavailable" || code == "ConditionalRequestConflict" ||
         code == "OperationAborted" || code == "RequestTimeTooSkewed";
}

std::string DefaultCodeFor(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 403:
      return "AccessDenied";
    case 404:
      return "NoSuchKey";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 412:
      return "PreconditionFailed";
    case 416:
      return "InvalidRange";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 501:
      return "NotImplemented";
    case 503:
      return "ServiceUnavailable";
    default:
      return fmt::format("HTTP{}", status);
  }
}

bool XmlSafe(std::string_view key) {
  return std::none_of(key.begin(), key.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
}

}  // namespace

Result<std::shared_ptr<S3Client>> S3Client::Make(S3Options options) {
  std::string endpoint = options.endpoint;
  if (endpoint.empty()) endpoint = fmt::format("https://s3.{}.amazonaws.com", options.region);
  std::string scheme = "https";
  std::string_view rest = endpoint;
  if (const size_t sep = rest.find("://"); sep != std::string_view::npos) {
    scheme = std::string(rest.substr(0, sep));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(sep + 3);
  }
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("S3 endpoint '{}': scheme must be http or https", endpoint);
  }
  const size_t slash = rest.find('/');
  std::string host(rest.substr(0, slash));
  std::string base_path(slash == std::string_view::npos ? "" : rest.substr(slash));
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host.empty() || host.find_first_of("@?# ") != std::string::npos) {
    return Status::InvalidArgument("S3 endpoint '{}': bad host", endpoint);
  }
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (host.ends_with(default_port)) host.resize(host.size() - default_port.size());
  if (options.region.empty()) return Status::InvalidArgument("S3 region is empty");
  if (options.part_size == 0 || options.part_size > (5ull << 30)) {
    return Status::InvalidArgument("S3 part_size {} is outside (0, 5 GiB]", options.part_size);
  }
  options.upload_concurrency = std::max(1, options.upload_concurrency);
  options.read_concurrency = std::max(1, options.read_concurrency);
  options.retry.max_attempts = std::max(1, options.retry.max_attempts);
  return std::shared_ptr<S3Client>(
      new S3Client(std::move(options), std::move(scheme), std::move(host), std::move(base_path)));
}

S3Client::S3Client(S3Options options, std::string scheme, std::string host, std::string base_path)
    : options_(std::move(options)),
      scheme_(std::move(scheme)),
      host_(std::move(host)),
      base_path_(std::move(base_path)),
      signer_(options_.credentials, options_.region),
      http_(options_.http) {}

bool S3Client::UsePathStyle(std::string_view bucket) const {
  switch (options_.addressing) {
    case S3Addressing::kPath:
      return true;
    case S3Addressing::kVirtualHost:
      return false;
    case S3Addressing::kAuto:
      break;
  }
  std::string_view hostname = host_;
  if (!hostname.empty() && hostname.front() == '[') {
    hostname = hostname.substr(0, hostname.find(']') + 1);
  } else if (const size_t colon = hostname.rfind(':'); colon != std::string_view::npos) {
    hostname = hostname.substr(0, colon);
  }
  return IsIpOrLocalhost(hostname) || !IsDnsCompatibleBucket(bucket);
}

std::pair<std::string, std::string> S3Client::PathAndHost(std::string_view bucket,
                                                          std::string_view key) const {
  std::string path = base_path_;
  std::string host = host_;
  if (UsePathStyle(bucket)) {
    path += "/";
    path += bucket;
    if (!key.empty()) {
      path += "/";
      path += key;
    }
  } else {
    host = fmt::format("{}.{}", bucket, host_);
    path += "/";
    path += key;
  }
  return {std::move(path), std::move(host)};
}

std::string S3Client::ObjectUrl(std::string_view bucket, std::string_view key) const {
  auto [path, host] = PathAndHost(bucket, key);
  return fmt::format("{}://{}{}", scheme_, host, sigv4::UriEncode(path, false));
}

std::string S3Client::PresignedUrl(std::string_view method, std::string_view bucket,
                                   std::string_view key, int64_t expires_seconds) const {
  auto [path, host] = PathAndHost(bucket, key);
  sigv4::Request req{std::string(method), host, path, {}, {}};
  return fmt::format("{}://{}{}?{}", scheme_, host, sigv4::UriEncode(path, false),
                     signer_.PresignQuery(req, expires_seconds, std::time(nullptr)));
}

Result<HttpResponse> S3Client::SendOnce(const Call& call) {
  auto [path, host] = PathAndHost(call.bucket, call.key);
  HttpRequest req;
  req.method = call.method;
  req.url = fmt::format("{}://{}{}", scheme_, host, sigv4::UriEncode(path, false));
  if (!call.query.empty()) req.url += "?" + sigv4::CanonicalQuery(call.query);
  req.headers = call.headers;
  req.body = call.body;
  req.on_body = call.on_body;
  req.on_start = call.on_start;
  if (!options_.credentials.access_key_id.empty()) {
    std::string payload_hash;
    const bool sign_body = options_.payload_signing == PayloadSigning::kAlways ||
                           (options_.payload_signing == PayloadSigning::kAuto && scheme_ == "http");
    payload_hash = sign_body ? sigv4::Sha256Hex(call.body) : std::string(sigv4::kUnsignedPayload);
    sigv4::Request sreq{call.method, host, path, call.query, call.headers};
    for (auto& h : signer_.Sign(sreq, payload_hash, std::time(nullptr))) {
      req.headers.push_back(std::move(h));
    }
  }
  requests_.fetch_add(1, std::memory_order_relaxed);
  bytes_sent_.fetch_add(call.body.size(), std::memory_order_relaxed);
  return http_.Send(req);
}

Status S3Client::ErrorFrom(const Call& call, const HttpResponse& response) const {
  std::string code, message, request_id;
  if (!response.body.empty() && response.body.find('<') != std::string::npos) {
    auto xml = ParseXml(response.body);
    if (xml.ok() && xml->name == "Error") {
      code = xml->ChildText("Code");
      message = xml->ChildText("Message");
      request_id = xml->ChildText("RequestId");
    }
  }
  if (code.empty()) code = DefaultCodeFor(response.status);
  if (request_id.empty()) {
    if (const std::string* rid = response.Header("x-amz-request-id")) request_id = *rid;
  }
  const std::string uri = call.key.empty() ? fmt::format("s3://{}", call.bucket)
                                           : fmt::format("s3://{}/{}", call.bucket, call.key);
  std::string text = fmt::format("{} {}: {} (HTTP {})", call.op, uri, code, response.status);
  if (!message.empty()) text += ": " + message;
  StatusCode sc = StatusCode::kIOError;
  if (code == "NoSuchKey" || code == "NoSuchBucket" || code == "NoSuchUpload" ||
      (response.status == 404 && code.starts_with("HTTP"))) {
    sc = StatusCode::kNotFound;
  } else if (response.status == 412) {
    sc = StatusCode::kAlreadyExists;
  } else if (response.status == 416) {
    sc = StatusCode::kCorruption;
  } else if (IsThrottle(code) || response.status == 429) {
    sc = StatusCode::kResourceExhausted;
  } else if (response.status == 501) {
    sc = StatusCode::kNotSupported;
  }
  const bool retryable = (response.status >= 500 && response.status != 501) ||
                         response.status == 429 || IsRetryableCode(code);
  return Status(sc, std::move(text), retryable)
      .WithDetail(fmt::format("S3 {}, HTTP {}, request id {}", code, response.status,
                              request_id.empty() ? "-" : request_id));
}

void S3Client::Backoff(int attempt) const {
  const int64_t ms = BackoffMs(options_.retry, attempt);
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Result<HttpResponse> S3Client::Execute(Call& call,
                                       const std::function<void(Call&, int)>& before_attempt) {
  const int max = options_.retry.max_attempts;
  Status last;
  for (int attempt = 1; attempt <= max; ++attempt) {
    if (attempt > 1) {
      retries_.fetch_add(1, std::memory_order_relaxed);
      Backoff(attempt - 1);
    }
    if (before_attempt) before_attempt(call, attempt);
    Result<HttpResponse> r = SendOnce(call);
    if (r.ok()) {
      bytes_received_.fetch_add(r->body.size(), std::memory_order_relaxed);
      if (r->status >= 200 && r->status < 300) {
        last = call.check ? call.check(*r) : Status::OK();
        if (last.ok()) return r;
      } else {
        last = ErrorFrom(call, *r);
      }
    } else {
      last = r.status();
    }
    if (!last.retryable()) break;
    if (attempt == max) {
      last = last.WithContext(fmt::format("gave up after {} attempts", max));
    }
  }
  return last;
}

Result<S3ObjectMeta> S3Client::Head(std::string_view bucket, std::string_view key) {
  Call call("HeadObject", "HEAD", bucket, key);
  FLOE_ASSIGN_OR_RETURN(HttpResponse r, Execute(call));
  S3ObjectMeta meta;
  const std::string* len = r.Header("content-length");
  if (len == nullptr || !ParseU64(*len, meta.size)) {
    return Status::IOError("HeadObject s3://{}/{}: response without a valid Content-Length", bucket,
                           key);
  }
  if (const std::string* etag = r.Header("etag")) meta.etag = StripQuotes(*etag);
  if (const std::string* lm = r.Header("last-modified")) meta.mtime_ms = ParseTimeMs(*lm);
  meta.headers = std::move(r.headers);
  return meta;
}

Status S3Client::Get(std::string_view bucket, std::string_view key, uint64_t offset,
                     std::optional<uint64_t> length, std::string_view if_match,
                     const std::function<Status(std::string_view)>& sink) {
  if (length && *length == 0) return Status::OK();
  uint64_t delivered = 0;               // bytes passed to the sink over all attempts
  uint64_t skip = 0;                    // bytes of the current response to drop before delivering
  std::optional<uint64_t> object_size;  // from Content-Range or Content-Length
  Call call("GetObject", "GET", bucket, key);
  call.on_start = [&](const HttpResponse& r) -> Status {
    // 206: the body starts where we asked; 200: the server sent the whole object.
    skip = r.status == 206 ? 0 : offset + delivered;
    uint64_t n = 0;
    if (const std::string* range = r.Header("content-range")) {
      const size_t slash = range->rfind('/');
      if (slash != std::string::npos && ParseU64(range->substr(slash + 1), n)) object_size = n;
    } else if (const std::string* len = r.Header("content-length")) {
      if (r.status == 200 && ParseU64(*len, n)) object_size = n;
    }
    return Status::OK();
  };
  // A response that ended early (the connection closed cleanly mid-body) is retried
  // from where it stopped, like a broken transfer.
  call.check = [&](const HttpResponse&) -> Status {
    std::optional<uint64_t> end;
    if (length) {
      end = offset + *length;
      if (object_size && *object_size < *end) {
        return Status::Corruption(
            "GetObject s3://{}/{}: range of {} bytes at offset {} is past the end ({} bytes)",
            bucket, key, *length, offset, *object_size);
      }
    } else if (object_size) {
      end = *object_size;
    }
    if (end && offset + delivered < *end) {
      return Status(StatusCode::kIOError,
                    fmt::format("GetObject s3://{}/{}: response ended after {} of {} bytes", bucket,
                                key, offset + delivered, *end),
                    /*retryable=*/true);
    }
    return Status::OK();
  };
  call.on_body = [&](std::string_view chunk) -> Status {
    if (skip > 0) {
      const uint64_t n = std::min<uint64_t>(skip, chunk.size());
      chunk.remove_prefix(n);
      skip -= n;
    }
    if (length) {
      const uint64_t want = *length - delivered;
      if (chunk.size() > want) chunk = chunk.substr(0, want);
    }
    if (chunk.empty()) return Status::OK();
    delivered += chunk.size();
    bytes_received_.fetch_add(chunk.size(), std::memory_order_relaxed);
    return sink(chunk);
  };
  auto before = [&](Call& c, int) {
    c.headers.clear();
    const uint64_t from = offset + delivered;
    if (length) {
      c.headers.emplace_back("Range", fmt::format("bytes={}-{}", from, offset + *length - 1));
    } else if (from > 0) {
      c.headers.emplace_back("Range", fmt::format("bytes={}-", from));
    }
    if (!if_match.empty()) c.headers.emplace_back("If-Match", fmt::format("\"{}\"", if_match));
    skip = 0;
  };
  FLOE_ASSIGN_OR_RETURN(HttpResponse r, Execute(call, before));
  (void)r;
  if (length && delivered != *length) {
    return Status::Corruption("GetObject s3://{}/{}: got {} of the {} bytes at offset {}", bucket,
                              key, delivered, *length, offset);
  }
  return Status::OK();
}

Result<std::string> S3Client::GetRange(std::string_view bucket, std::string_view key,
                                       uint64_t offset, uint64_t length,
                                       std::string_view if_match) {
  std::string out;
  out.reserve(length);
  FLOE_RETURN_IF_ERROR(Get(bucket, key, offset, length, if_match, [&](std::string_view chunk) {
    out.append(chunk);
    return Status::OK();
  }));
  return out;
}

Result<std::string> S3Client::Put(std::string_view bucket, std::string_view key,
                                  std::string_view body, const PutOptions& opts) {
  Call call("PutObject", "PUT", bucket, key);
  call.body = body;
  if (!opts.content_type.empty()) call.headers.emplace_back("Content-Type", opts.content_type);
  if (opts.if_none_match) call.headers.emplace_back("If-None-Match", "*");
  if (!opts.put_id.empty()) call.headers.emplace_back("x-amz-meta-floe-put-id", opts.put_id);
  int attempts = 0;
  Result<HttpResponse> r = Execute(call, [&](Call&, int n) { attempts = n; });
  if (!r.ok()) {
    if (r.status().IsAlreadyExists() && attempts > 1 && !opts.put_id.empty()) {
      // Did an earlier attempt of ours win before its response was lost?
      auto meta = Head(bucket, key);
      if (meta.ok()) {
        for (const auto& [name, value] : meta->headers) {
          if (name == "x-amz-meta-floe-put-id" && value == opts.put_id) return meta->etag;
        }
      }
    }
    return r.status();
  }
  const std::string* etag = r->Header("etag");
  return etag ? StripQuotes(*etag) : std::string();
}

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket, std::string_view key) {
  Call call("CreateMultipartUpload", "POST", bucket, key);
  call.query = {{"uploads", ""}};
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  FLOE_ASSIGN_OR_RETURN(HttpResponse r, Execute(call));
  FLOE_ASSIGN_OR_RETURN(XmlElement xml, ParseXml(r.body));
  const std::string& id = xml.ChildText("UploadId");
  if (id.empty()) {
    return Status::IOError("CreateMultipartUpload s3://{}/{}: response without an UploadId", bucket,
                           key);
  }
  return id;
}

Result<std::string> S3Client::UploadPart(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id, int part_number,
                                         std::string_view body) {
  Call call("UploadPart", "PUT", bucket, key);
  call.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  call.body = body;
  FLOE_ASSIGN_OR_RETURN(HttpResponse r, Execute(call));
  const std::string* etag = r.Header("etag");
  if (etag == nullptr) {
    return Status::IOError("UploadPart {} of s3://{}/{}: response without an ETag", part_number,
                           bucket, key);
  }
  return StripQuotes(*etag);
}

Status S3Client::CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id,
                                         const std::vector<std::string>& part_etags,
                                         uint64_t total_size) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < part_etags.size(); ++i) {
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>\"{}\"</ETag></Part>", i + 1,
                        XmlEscape(part_etags[i]));
  }
  body += "</CompleteMultipartUpload>";
  Call call("CompleteMultipartUpload", "POST", bucket, key);
  call.query = {{"uploadId", std::string(upload_id)}};
  call.body = body;
  call.headers.emplace_back("Content-Type", "application/xml");
  // S3 may answer 200 and report the failure in the body.
  call.check = [&call, this](const HttpResponse& r) -> Status {
    if (r.body.find("<Error>") == std::string::npos) return Status::OK();
    return ErrorFrom(call, r);
  };
  int attempts = 0;
  Result<HttpResponse> r = Execute(call, [&](Call&, int n) { attempts = n; });
  if (!r.ok() && r.status().IsNotFound() && attempts > 1) {
    // NoSuchUpload after a retry: an earlier attempt completed the upload.
    auto meta = Head(bucket, key);
    if (meta.ok() && meta->size == total_size) return Status::OK();
  }
  return r.status();
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  Call call("AbortMultipartUpload", "DELETE", bucket, key);
  call.query = {{"uploadId", std::string(upload_id)}};
  Result<HttpResponse> r = Execute(call);
  if (!r.ok() && r.status().IsNotFound()) return Status::OK();
  return r.status();
}

Result<ListResult> S3Client::List(std::string_view bucket, std::string_view prefix,
                                  std::string_view continuation_token, size_t max_keys) {
  max_keys = std::clamp<size_t>(max_keys, 1, 1000);
  Call call("ListObjectsV2", "GET", bucket);
  call.query = {
      {"list-type", "2"}, {"max-keys", std::to_string(max_keys)}, {"encoding-type", "url"}};
  if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
  if (!continuation_token.empty()) {
    call.query.emplace_back("continuation-token", std::string(continuation_token));
  }
  FLOE_ASSIGN_OR_RETURN(HttpResponse r, Execute(call));
  auto xml = ParseXml(r.body);
  if (!xml.ok()) return xml.status().WithContext(fmt::format("ListObjectsV2 s3://{}", bucket));
  const bool url_encoded = xml->ChildText("EncodingType") == "url";
  ListResult out;
  for (const XmlElement& c : xml->children) {
    if (c.name != "Contents") continue;
    ObjectInfo info;
    info.key = url_encoded ? UrlDecode(c.ChildText("Key")) : c.ChildText("Key");
    if (!ParseU64(c.ChildText("Size"), info.size)) {
      return Status::Corruption("ListObjectsV2 s3://{}: bad Size for key '{}'", bucket, info.key);
    }
    info.mtime_ms = ParseTimeMs(c.ChildText("LastModified"));
    info.etag = StripQuotes(c.ChildText("ETag"));
    out.objects.push_back(std::move(info));
  }
  if (xml->ChildText("IsTruncated") == "true") {
    out.next_token = xml->ChildText("NextContinuationToken");
    if (out.next_token.empty()) {
      return Status::Corruption("ListObjectsV2 s3://{}: truncated page without a token", bucket);
    }
  }
  return out;
}

Status S3Client::Delete(std::string_view bucket, std::string_view key) {
  Call call("DeleteObject", "DELETE", bucket, key);
  Result<HttpResponse> r = Execute(call);
  if (!r.ok() && r.status().IsNotFound() &&
      r.status().detail().find("NoSuchBucket") == std::string::npos) {
    return Status::OK();
  }
  return r.status();
}

Status S3Client::DeleteMany(std::string_view bucket, const std::vector<std::string>& keys) {
  constexpr size_t kBatch = 1000;
  std::vector<std::string_view> batch;
  for (size_t i = 0; i < keys.size(); i += kBatch) {
    batch.clear();
    for (size_t j = i; j < std::min(keys.size(), i + kBatch); ++j) {
      if (XmlSafe(keys[j])) {
        batch.push_back(keys[j]);
      } else {
        FLOE_RETURN_IF_ERROR(Delete(bucket, keys[j]));  // not expressible in XML 1.0
      }
    }
    if (batch.empty()) continue;
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (std::string_view k : batch) body += "<Object><Key>" + XmlEscape(k) + "</Key></Object>";
    body += "</Delete>";
    Call call("DeleteObjects", "POST", bucket);
    call.query = {{"delete", ""}};
    call.body = body;
    call.headers.emplace_back("Content-MD5", Md5Base64(body));
    call.headers.emplace_back("Content-Type", "application/xml");
    FLOE_ASSIGN_OR_RETURN(HttpResponse r, Execute(call));
    FLOE_ASSIGN_OR_RETURN(XmlElement xml, ParseXml(r.body));
    std::vector<std::string> failed;
    for (const XmlElement& c : xml.children) {
      if (c.name != "Error") continue;
      if (c.ChildText("Code") == "NoSuchKey") continue;
      failed.push_back(fmt::format("'{}': {} {}", c.ChildText("Key"), c.ChildText("Code"),
                                   c.ChildText("Message")));
    }
    if (!failed.empty()) {
      return Status::IOError("DeleteObjects s3://{}: {} of {} keys failed, first {}", bucket,
                             failed.size(), batch.size(), failed.front());
    }
  }
  return Status::OK();
}

Status S3Client::Copy(std::string_view bucket, std::string_view src_key, std::string_view dst_key) {
  Call call("CopyObject", "PUT", bucket, dst_key);
  call.headers.emplace_back(
      "x-amz-copy-source",
      sigv4::UriEncode(fmt::format("/{}/{}", bucket, src_key), /*encode_slash=*/false));
  call.check = [&call, this](const HttpResponse& r) -> Status {
    if (r.body.find("<Error>") == std::string::npos) return Status::OK();
    return ErrorFrom(call, r);
  };
  return Execute(call).status();
}

S3Stats S3Client::stats() const {
  return S3Stats{requests_.load(), retries_.load(), bytes_sent_.load(), bytes_received_.load()};
}

void S3Client::ResetStats() {
  requests_ = 0;
  retries_ = 0;
  bytes_sent_ = 0;
  bytes_received_ = 0;
}

}  // namespace floe::io
