#include "floe/io/fault_store.h"

#include <thread>

namespace floe::io {
namespace {

size_t Index(FaultStore::Op op) { return static_cast<size_t>(op); }

class FaultFile final : public RandomAccessFile {
 public:
  FaultFile(std::unique_ptr<RandomAccessFile> inner, std::shared_ptr<FaultStore::State> state)
      : inner_(std::move(inner)), state_(std::move(state)) {}
  const std::string& name() const override { return inner_->name(); }
  Result<uint64_t> Size() override { return inner_->Size(); }
  Result<std::string> ReadAt(uint64_t offset, uint64_t length) override {
    FLOE_RETURN_IF_ERROR(state_->Check(FaultStore::Op::kRead));
    return inner_->ReadAt(offset, length);
  }

 private:
  std::unique_ptr<RandomAccessFile> inner_;
  std::shared_ptr<FaultStore::State> state_;
};

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(std::unique_ptr<WritableFile> inner, std::shared_ptr<FaultStore::State> state,
                    uint64_t cut_after)
      : inner_(std::move(inner)), state_(std::move(state)), cut_after_(cut_after) {}
  const std::string& name() const override { return inner_->name(); }
  uint64_t Tell() const override { return inner_->Tell(); }

  Status Append(std::string_view data) override {
    if (Status st = state_->Check(FaultStore::Op::kWrite); !st.ok()) return Fail(st);
    const uint64_t written = inner_->Tell();
    if (written + data.size() > cut_after_) {
      (void)inner_->Append(data.substr(0, cut_after_ - written));
      {
        std::lock_guard lock(state_->mu);
        ++state_->injected;
      }
      return Fail(Status::IOError("{}: injected write cut after {} bytes", name(), cut_after_));
    }
    return inner_->Append(data);
  }

  Status Close() override {
    if (Status st = state_->Check(FaultStore::Op::kWrite); !st.ok()) return Fail(st);
    return inner_->Close();
  }

  void Abort() override { inner_->Abort(); }

 private:
  Status Fail(Status st) {
    inner_->Abort();
    return st;
  }

  std::unique_ptr<WritableFile> inner_;
  std::shared_ptr<FaultStore::State> state_;
  const uint64_t cut_after_;
};

}  // namespace

Status FaultStore::State::Check(Op op) {
  std::chrono::microseconds sleep{0};
  Status fault;
  {
    std::lock_guard lock(mu);
    const uint64_t n = ++calls[Index(op)];
    ++calls[Index(Op::kAny)];
    sleep = latency;
    for (auto it = fail_at.begin(); it != fail_at.end(); ++it) {
      if ((it->op == op && it->call == n) ||
          (it->op == Op::kAny && it->call == calls[Index(Op::kAny)])) {
        fault = it->status;
        fail_at.erase(it);
        break;
      }
    }
    auto slow = [&](size_t i) {
      return slow_down[i] > 0 ||
             (throttle_every[i] > 0 && calls[i] % static_cast<uint64_t>(throttle_every[i]) == 0);
    };
    if (fault.ok() && (slow(Index(op)) || slow(Index(Op::kAny)))) {
      if (slow_down[Index(op)] > 0) {
        --slow_down[Index(op)];
      } else if (slow_down[Index(Op::kAny)] > 0) {
        --slow_down[Index(Op::kAny)];
      }
      fault =
          Status(StatusCode::kResourceExhausted,
                 "injected 503 SlowDown: Please reduce your request rate.",
                 /*retryable=*/true)
              .WithDetail(fmt::format("S3 SlowDown, HTTP 503, request id fault-{}", injected + 1));
    }
    if (!fault.ok()) ++injected;
  }
  if (sleep.count() > 0) std::this_thread::sleep_for(sleep);
  return fault;
}

FaultStore::FaultStore(std::shared_ptr<ObjectStore> inner)
    : inner_(std::move(inner)), state_(std::make_shared<State>()) {}

void FaultStore::FailNth(Op op, int n, Status status) {
  if (status.ok()) status = Status::IOError("injected failure");
  std::lock_guard lock(state_->mu);
  state_->fail_at.push_back(
      {op, state_->calls[Index(op)] + static_cast<uint64_t>(std::max(1, n)), std::move(status)});
}

void FaultStore::SlowDown(Op op, int count) {
  std::lock_guard lock(state_->mu);
  state_->slow_down[Index(op)] = std::max(0, count);
}

void FaultStore::ThrottleEvery(Op op, int k) {
  std::lock_guard lock(state_->mu);
  state_->throttle_every[Index(op)] = std::max(0, k);
}

void FaultStore::SetLatency(std::chrono::microseconds latency) {
  std::lock_guard lock(state_->mu);
  state_->latency = latency;
}

void FaultStore::CutWritesAfter(uint64_t bytes) {
  std::lock_guard lock(state_->mu);
  state_->cut_after = bytes;
}

void FaultStore::ClearFaults() {
  std::lock_guard lock(state_->mu);
  state_->slow_down.fill(0);
  state_->throttle_every.fill(0);
  state_->fail_at.clear();
  state_->latency = std::chrono::microseconds(0);
  state_->cut_after = UINT64_MAX;
}

uint64_t FaultStore::calls(Op op) const {
  std::lock_guard lock(state_->mu);
  return state_->calls[Index(op)];
}

uint64_t FaultStore::injected() const {
  std::lock_guard lock(state_->mu);
  return state_->injected;
}

Result<ObjectInfo> FaultStore::Head(std::string_view key) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kHead));
  return inner_->Head(key);
}

Result<std::unique_ptr<RandomAccessFile>> FaultStore::OpenForRead(std::string_view key,
                                                                  const ReadOptions& opts) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kOpen));
  FLOE_ASSIGN_OR_RETURN(auto file, inner_->OpenForRead(key, opts));
  return std::unique_ptr<RandomAccessFile>(std::make_unique<FaultFile>(std::move(file), state_));
}

Result<std::string> FaultStore::ReadAt(std::string_view key, uint64_t offset, uint64_t length) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kRead));
  return inner_->ReadAt(key, offset, length);
}

Result<std::string> FaultStore::Get(std::string_view key) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kRead));
  return inner_->Get(key);
}

Status FaultStore::Stream(std::string_view key, const ByteSink& sink,
                          std::optional<ByteRange> range) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kRead));
  return inner_->Stream(key, sink, range);
}

Result<std::unique_ptr<WritableFile>> FaultStore::OpenForWrite(std::string_view key) {
  FLOE_ASSIGN_OR_RETURN(auto writer, inner_->OpenForWrite(key));
  uint64_t cut;
  {
    std::lock_guard lock(state_->mu);
    cut = state_->cut_after;
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(std::move(writer), state_, cut));
}

Status FaultStore::Put(std::string_view key, std::string_view data) {
  return ObjectStore::Put(key, data);  // through the faulty writer
}

Status FaultStore::PutIfAbsent(std::string_view key, std::string_view data) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kPutIfAbsent));
  return inner_->PutIfAbsent(key, data);
}

Result<ListResult> FaultStore::ListPage(std::string_view prefix, std::string_view page_token,
                                        size_t max_keys) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kList));
  return inner_->ListPage(prefix, page_token, max_keys);
}

Status FaultStore::Delete(std::string_view key) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kDelete));
  return inner_->Delete(key);
}

Status FaultStore::DeleteMany(const std::vector<std::string>& keys) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kDelete));
  return inner_->DeleteMany(keys);
}

Status FaultStore::Copy(std::string_view src, std::string_view dst) {
  FLOE_RETURN_IF_ERROR(state_->Check(Op::kCopy));
  return inner_->Copy(src, dst);
}

}  // namespace floe::io
