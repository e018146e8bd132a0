// S3Options: everything the S3 client needs to reach a bucket, with the loaders
// for floe.toml's [storage.s3] table, the standard AWS environment variables and
// the shared credentials file. Precedence (highest first): floe.toml, environment,
// shared credentials/config files, the defaults below.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "floe/common/status.h"
#include "floe/io/http_client.h"
#include "floe/io/sigv4.h"

namespace floe::io {

enum class S3Addressing {
  kAuto,         // path-style for IP-address and localhost endpoints, else virtual-host
  kPath,         // https://endpoint/bucket/key
  kVirtualHost,  // https://bucket.endpoint/key
};

enum class PayloadSigning {
  kAuto,      // sign bodies (SHA-256) over http, UNSIGNED-PAYLOAD over https (as botocore)
  kAlways,    // always SHA-256 the body
  kUnsigned,  // always UNSIGNED-PAYLOAD
};

struct RetryOptions {
  // Attempts per request, the first included (1: no retries).
  int max_attempts = 8;
  // Backoff before retry n (n = 1, 2, ...) is uniform in [0, min(max, initial * 2^(n-1))]
  // ("full jitter").
  int64_t initial_backoff_ms = 50;
  int64_t max_backoff_ms = 5000;
};

struct S3Options {
  // "https://s3.us-east-1.amazonaws.com", "http://127.0.0.1:9000", an R2 account
  // endpoint... Empty: https://s3.<region>.amazonaws.com. (AWS_ENDPOINT_URL_S3,
  // AWS_ENDPOINT_URL)
  std::string endpoint;
  // Signing region. (AWS_REGION, AWS_DEFAULT_REGION, the profile's region; R2: "auto")
  std::string region = "us-east-1";
  S3Addressing addressing = S3Addressing::kAuto;
  // Static credentials; empty access key: anonymous (unsigned) requests.
  // (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, else the
  // AWS_PROFILE section of AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)
  sigv4::Credentials credentials;
  PayloadSigning payload_signing = PayloadSigning::kAuto;
  // Objects up to this size are written with one PUT; larger ones as multipart
  // uploads of this part size (S3 requires >= 5 MiB except for the last part; the
  // config loader enforces that, tests against local servers may go lower). After
  // every 1000 parts the part size doubles, so the 10,000-part limit is never hit.
  uint64_t part_size = 8 << 20;
  // Parts uploaded at once by one writer (each holds part_size bytes of memory).
  int upload_concurrency = 4;
  // Ranged GETs issued at once by ReadRanges.
  int read_concurrency = 8;
  // Send `If-None-Match: *` for PutIfAbsent. AWS S3 (since 2024-08), R2 and MinIO
  // honour it. Set false for stores that ignore it: PutIfAbsent then fails with
  // kNotSupported instead of silently overwriting (docs/storage.md).
  bool conditional_put = true;
  RetryOptions retry;
  HttpOptions http;
};

// The defaults overlaid with the environment and shared files (never fails on
// absent files; malformed values are kInvalidArgument naming the variable).
Result<S3Options> S3OptionsFromEnvironment();

// Overlays the [storage.s3] table of the TOML document `toml_text` onto `opts`.
// Keys: endpoint, region, addressing ("auto"|"path"|"virtual"), access_key_id,
// secret_access_key, session_token, profile (reads that profile's credentials),
// payload_signing ("auto"|"always"|"unsigned"), part_size (bytes, >= 5 MiB),
// upload_concurrency, read_concurrency, conditional_put, max_attempts,
// initial_backoff_ms, max_backoff_ms, connect_timeout_ms, request_timeout_ms,
// verify_tls, ca_file. Unknown keys are an error (they are usually typos).
// `source` names the document in errors.
Status ApplyS3Config(std::string_view toml_text, std::string_view source, S3Options& opts);

// The environment, then the floe config file at `config_path` when not empty.
Result<S3Options> LoadS3Options(const std::string& config_path);

// Reads `profile`'s credentials (and region from the config file) from the shared
// AWS files into `opts`; OK and unchanged when the files or the profile are absent.
Status ApplyAwsProfile(std::string_view profile, S3Options& opts);

// True when `host` (no port) is an IPv4/IPv6 literal or localhost.
bool IsIpOrLocalhost(std::string_view host);

}  // namespace floe::io
