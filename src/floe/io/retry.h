// WithRetries: repeats an operation while it fails with a retryable Status, sleeping
// with exponential backoff and full jitter in between. The S3 client retries its
// requests itself; upper layers use this around whole-store operations (for
// example a WAL upload through a FaultStore or any other store).
#pragma once

#include <functional>

#include "floe/common/status.h"
#include "floe/io/s3_options.h"

namespace floe::io {

// Calls `op` up to opts.max_attempts times until it returns OK or a Status that is
// not retryable(); returns the last Status. Sleeps before attempt n (n >= 2) a
// uniform random time in [0, min(max_backoff_ms, initial_backoff_ms * 2^(n-2))].
Status WithRetries(const RetryOptions& opts, const std::function<Status()>& op);

// The sleep before retry number `retry` (1 for the second attempt), drawn as above.
int64_t BackoffMs(const RetryOptions& opts, int retry);

}  // namespace floe::io
