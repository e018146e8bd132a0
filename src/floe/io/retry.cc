#include "floe/io/retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace floe::io {

int64_t BackoffMs(const RetryOptions& opts, int retry) {
  const int shift = std::clamp(retry - 1, 0, 30);
  const int64_t cap = std::min(opts.max_backoff_ms, opts.initial_backoff_ms << shift);
  if (cap <= 0) return 0;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(0, cap)(rng);
}

Status WithRetries(const RetryOptions& opts, const std::function<Status()>& op) {
  Status st;
  const int max = std::max(1, opts.max_attempts);
  for (int attempt = 1; attempt <= max; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMs(opts, attempt - 1)));
    }
    st = op();
    if (st.ok() || !st.retryable()) return st;
  }
  return st;
}

}  // namespace floe::io
