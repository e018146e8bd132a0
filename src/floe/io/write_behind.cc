#include "floe/io/write_behind.h"

#include <utility>

namespace floe::io {

WriteBehind::WriteBehind(WritableFile* file, size_t max_queued_bytes)
    : file_(file), max_queued_bytes_(max_queued_bytes), thread_([this] { Run(); }) {}

WriteBehind::~WriteBehind() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status WriteBehind::Append(Buffer bytes) {
  if (bytes.empty()) return Status::OK();
  std::unique_lock<std::mutex> l(mu_);
  changed_.wait(l, [&] {
    return !status_.ok() || queued_bytes_ == 0 || queued_bytes_ + bytes.size() <= max_queued_bytes_;
  });
  if (!status_.ok()) return status_;
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  l.unlock();
  changed_.notify_all();
  return Status::OK();
}

Status WriteBehind::Drain() {
  std::unique_lock<std::mutex> l(mu_);
  changed_.wait(l, [&] { return queued_bytes_ == 0; });
  return status_;
}

void WriteBehind::Run() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    changed_.wait(l, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Buffer bytes = std::move(queue_.front());
    queue_.pop_front();
    const bool write = status_.ok();
    l.unlock();
    Status s = write ? file_->Append(bytes.view()) : Status::OK();
    const size_t size = bytes.size();
    bytes = Buffer();  // freed outside the lock
    l.lock();
    if (!s.ok() && status_.ok()) status_ = std::move(s);
    queued_bytes_ -= size;
    changed_.notify_all();
  }
}

}  // namespace floe::io
