// HttpClient: blocking HTTP/1.1 requests over libcurl with connection reuse. The
// transport under the S3 client; knows nothing about S3.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floe/common/status.h"

namespace floe::io {

struct HttpOptions {
  // Give up connecting after this long.
  int64_t connect_timeout_ms = 5000;
  // Abort a transfer that moves fewer than `low_speed_bytes` per second for
  // `low_speed_seconds` (a stalled connection), whatever the object size.
  int64_t low_speed_seconds = 30;
  int64_t low_speed_bytes = 1;
  // Upper bound on one whole request; 0: none (large objects take what they take).
  int64_t request_timeout_ms = 0;
  // Idle easy handles (each keeping its connections alive) kept for reuse.
  size_t max_idle_handles = 64;
  // Verify TLS certificates; `ca_file` overrides the system bundle when set.
  bool verify_tls = true;
  std::string ca_file;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse;

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // already percent-encoded
  HttpHeaders headers;
  // Request body (PUT/POST); must stay valid during Send.
  std::string_view body;
  // When set, the body of a 2xx response is passed here chunk by chunk instead of
  // being collected; an error stops the transfer and Send returns it.
  std::function<Status(std::string_view)> on_body;
  // When set, called once before the first on_body chunk with the response's
  // status and headers (e.g. to tell 206 from a 200 that ignored a Range header).
  std::function<Status(const HttpResponse&)> on_start;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lowercased, in arrival order
  // Non-2xx bodies (at most 1 MiB kept), and 2xx bodies when there was no on_body.
  std::string body;
  // The value of header `name` (lowercase), or nullptr.
  const std::string* Header(std::string_view name) const;
};

// Thread-safe: any number of threads may Send at once; each takes an easy handle
// from the pool (reusing its open connection) and returns it afterwards.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request, no retries. An HTTP error status is a response, not an
  // error; transport failures (refused, reset, timed out, DNS) are kIOError with
  // retryable() set, naming the method and URL.
  Result<HttpResponse> Send(const HttpRequest& request);

  const HttpOptions& options() const { return options_; }

 private:
  void* Acquire();
  void Release(void* handle);

  const HttpOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

}  // namespace floe::io
