// FaultStore: wraps any ObjectStore and injects failures, for the tests of every
// layer above io/: fail the Nth call, cut a write short, add latency, answer
// "503 SlowDown" (once, N times, or every Kth call).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "floe/io/object_store.h"

namespace floe::io {

// Thread-safe; faults may be changed while calls are running. Files it returns
// share its fault state (and the inner store's files) and may outlive it.
class FaultStore final : public ObjectStore {
 public:
  // The kinds of calls faults apply to. A writer's Append and Close are kWrite (as
  // are Put and the default Put through a writer); a file's ReadAt (and so
  // ReadRanges) and Get/Stream/ReadAt on the store are kRead.
  enum class Op { kHead, kOpen, kRead, kWrite, kPutIfAbsent, kList, kDelete, kCopy, kAny };

  explicit FaultStore(std::shared_ptr<ObjectStore> inner);

  // The nth call of `op` from now (n = 1: the next one) fails with `status`
  // (default: a non-retryable IOError "injected failure").
  void FailNth(Op op, int n, Status status = {});
  // The next `count` calls of `op` fail like S3's "503 SlowDown": kResourceExhausted,
  // retryable, detail "S3 SlowDown, HTTP 503, request id fault-N".
  void SlowDown(Op op, int count);
  // From now on every kth call of `op` answers SlowDown (k = 0 turns this off).
  void ThrottleEvery(Op op, int k);
  // Every call first sleeps this long.
  void SetLatency(std::chrono::microseconds latency);
  // Writers opened from now on fail once more than `bytes` have been appended: the
  // Append crossing the limit passes on only the bytes up to it and returns an
  // IOError, and the inner writer is aborted, so nothing is published.
  void CutWritesAfter(uint64_t bytes);
  // Removes every fault (counters stay).
  void ClearFaults();

  // Calls of `op` seen so far (kAny: all calls).
  uint64_t calls(Op op) const;
  // Calls that failed because of an injected fault.
  uint64_t injected() const;

  ObjectStore& inner() { return *inner_; }

  const std::string& root_uri() const override { return inner_->root_uri(); }
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(std::string_view key,
                                                        const ReadOptions& opts = {}) override;
  Result<std::string> ReadAt(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<std::string> Get(std::string_view key) override;
  Status Stream(std::string_view key, const ByteSink& sink,
                std::optional<ByteRange> range = std::nullopt) override;
  Result<std::unique_ptr<WritableFile>> OpenForWrite(std::string_view key) override;
  Status Put(std::string_view key, std::string_view data) override;
  Status PutIfAbsent(std::string_view key, std::string_view data) override;
  Result<ListResult> ListPage(std::string_view prefix, std::string_view page_token,
                              size_t max_keys = 1000) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  Status Copy(std::string_view src, std::string_view dst) override;

  // The shared fault state; internal, public for the wrapped files.
  struct State {
    static constexpr size_t kOps = static_cast<size_t>(Op::kAny) + 1;
    struct FailAt {
      Op op;
      uint64_t call;  // the value calls[op] will have at the failing call
      Status status;
    };
    mutable std::mutex mu;
    std::array<uint64_t, kOps> calls{};
    std::array<int, kOps> slow_down{};       // remaining SlowDown answers
    std::array<int, kOps> throttle_every{};  // 0: off
    std::vector<FailAt> fail_at;
    std::chrono::microseconds latency{0};
    uint64_t cut_after = UINT64_MAX;
    uint64_t injected = 0;

    // Counts a call of `op` and returns the fault to inject, if any (after the latency).
    Status Check(Op op);
  };

 private:
  std::shared_ptr<ObjectStore> inner_;
  std::shared_ptr<State> state_;
};

}  // namespace floe::io
