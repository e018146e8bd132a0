// S3Client: the S3 REST operations floe uses, over HttpClient, signed with SigV4,
// retried with exponential backoff and full jitter. Written from the Amazon S3 API
// reference; works with AWS S3, Cloudflare R2, MinIO and s3rver.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"
#include "floe/io/http_client.h"
#include "floe/io/object_store.h"
#include "floe/io/s3_options.h"
#include "floe/io/sigv4.h"

namespace floe::io {

struct S3ObjectMeta {
  uint64_t size = 0;
  std::string etag;  // without quotes
  int64_t mtime_ms = 0;
  HttpHeaders headers;  // all response headers (x-amz-meta-* included), names lowercase
};

// Counters over the life of a client (or since ResetStats), for benchmarks and tests.
struct S3Stats {
  uint64_t requests = 0;        // HTTP requests sent, retries included
  uint64_t retries = 0;         // requests that were repeats of a failed attempt
  uint64_t bytes_sent = 0;      // request body bytes
  uint64_t bytes_received = 0;  // response body bytes delivered (object data and XML)
};

// Thread-safe; share one client (and its connection pool) between stores and threads.
//
// Errors: a failed request returns a Status naming the operation and s3://bucket/key,
// with the S3 error code and message in the message and "S3 <Code>, HTTP <status>,
// request id <id>" in detail(). NoSuchKey/NoSuchBucket/NoSuchUpload -> kNotFound,
// 412 -> kAlreadyExists, 416 -> kCorruption (range past the end), SlowDown/429/
// throttling -> kResourceExhausted, 501 -> kNotSupported, others kIOError. retryable()
// is set for 5xx, 429, SlowDown, throttling, RequestTimeout, 409 conditional-request
// conflicts and connection failures; these were already retried max_attempts times.
class S3Client {
 public:
  // Validates the options (endpoint URL, part size, concurrency) and creates the client.
  static Result<std::shared_ptr<S3Client>> Make(S3Options options);

  const S3Options& options() const { return options_; }

  // HEAD: kNotFound when absent.
  Result<S3ObjectMeta> Head(std::string_view bucket, std::string_view key);

  // GET of bytes [offset, offset + length) (length nullopt: to the end), passed to
  // `sink` in order. A transfer that breaks is resumed from the last byte delivered,
  // so the sink sees every byte exactly once. With `if_match` (an ETag) the read
  // fails instead of mixing two versions when the object is replaced meanwhile.
  Status Get(std::string_view bucket, std::string_view key, uint64_t offset,
             std::optional<uint64_t> length, std::string_view if_match,
             const std::function<Status(std::string_view)>& sink);
  // Exactly `length` bytes at `offset` (kCorruption when the object is shorter).
  Result<std::string> GetRange(std::string_view bucket, std::string_view key, uint64_t offset,
                               uint64_t length, std::string_view if_match = {});

  struct PutOptions {
    // Send `If-None-Match: *`: kAlreadyExists when the key exists.
    bool if_none_match = false;
    // A unique token stored as x-amz-meta-floe-put-id. When a retried conditional
    // PUT meets 412, the client reads the object back: the same token means an
    // earlier attempt of this call created it, which is success.
    std::string put_id;
    std::string content_type = "application/octet-stream";
  };
  // PUT of a whole object; returns its ETag.
  Result<std::string> Put(std::string_view bucket, std::string_view key, std::string_view body,
                          const PutOptions& opts);

  // Multipart upload steps. Complete takes the part ETags in part order (part 1
  // first) and the object's total size (to recognise, after a retry, that an
  // earlier attempt already completed it).
  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key);
  Result<std::string> UploadPart(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, int part_number,
                                 std::string_view body);
  Status CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id,
                                 const std::vector<std::string>& part_etags, uint64_t total_size);
  // Best effort: a missing upload is OK.
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);

  // ListObjectsV2: one page (max_keys capped at 1000).
  Result<ListResult> List(std::string_view bucket, std::string_view prefix,
                          std::string_view continuation_token, size_t max_keys);
  // DELETE of one key; absent keys are OK.
  Status Delete(std::string_view bucket, std::string_view key);
  // DeleteObjects in batches of 1000 keys.
  Status DeleteMany(std::string_view bucket, const std::vector<std::string>& keys);
  // Server-side CopyObject (objects up to 5 GiB).
  Status Copy(std::string_view bucket, std::string_view src_key, std::string_view dst_key);

  // A presigned URL for `method` ("GET" or "PUT") on the key, valid `expires_seconds`.
  std::string PresignedUrl(std::string_view method, std::string_view bucket, std::string_view key,
                           int64_t expires_seconds) const;
  // The URL a request for bucket/key goes to (no query).
  std::string ObjectUrl(std::string_view bucket, std::string_view key) const;

  S3Stats stats() const;
  void ResetStats();

  // One request, as S3Client sends it. Public for tests.
  struct Call {
    Call(std::string_view op_, std::string method_, std::string_view bucket_,
         std::string_view key_ = {})
        : op(op_), method(std::move(method_)), bucket(bucket_), key(key_) {}
    std::string_view op;  // "GetObject", ... for messages
    std::string method;
    std::string_view bucket;
    std::string_view key;  // empty for bucket operations
    sigv4::KeyValues query;
    HttpHeaders headers;
    std::string_view body;
    std::function<Status(std::string_view)> on_body;
    std::function<Status(const HttpResponse&)> on_start;
    // Checks a 2xx response (some S3 errors arrive with status 200).
    std::function<Status(const HttpResponse&)> check;
  };
  // Sends `call` with retries; `before_attempt(n)` (n from 1) may adjust it.
  Result<HttpResponse> Execute(Call& call,
                               const std::function<void(Call&, int)>& before_attempt = nullptr);

 private:
  S3Client(S3Options options, std::string scheme, std::string host, std::string base_path);

  Result<HttpResponse> SendOnce(const Call& call);
  bool UsePathStyle(std::string_view bucket) const;
  // The raw (unencoded) request path and the Host header for bucket/key.
  std::pair<std::string, std::string> PathAndHost(std::string_view bucket,
                                                  std::string_view key) const;
  Status ErrorFrom(const Call& call, const HttpResponse& response) const;
  void Backoff(int attempt) const;

  const S3Options options_;
  const std::string scheme_;     // "http" or "https"
  const std::string host_;       // host[:port], lowercase, default port dropped
  const std::string base_path_;  // endpoint path prefix without trailing '/', usually ""
  const sigv4::Signer signer_;
  HttpClient http_;
  std::atomic<uint64_t> requests_{0}, retries_{0}, bytes_sent_{0}, bytes_received_{0};
};

}  // namespace floe::io
