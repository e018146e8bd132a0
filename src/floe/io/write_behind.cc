#include "floe/io/write_behind.h"

#include <utility>

namespace floe::io {

WriteBehind::WriteBehind(WritableFile* file, size_t max_queued_bytes)
    : file_(file), max_queued_bytes_(max_queued_bytes) {}

WriteBehind::~WriteBehind() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

void WriteBehind::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  changed_.notify_all();
}

Status WriteBehind::Append(Buffer bytes) {
  if (bytes.empty()) return Status::OK();
  std::unique_lock<std::mutex> l(mu_);
  changed_.wait(l, [&] {
    return !status_.ok() || stop_ || queued_bytes_ == 0 ||
           queued_bytes_ + bytes.size() <= max_queued_bytes_;
  });
  if (!status_.ok()) return status_;
  if (stop_) return Status::Internal("{}: append after the write-behind stopped", file_->name());
  queued_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (!running_) {
    // The last thread found the queue empty and has ended (or is ending: it released the
    // lock for good, so joining it under the lock cannot wait for it).
    if (thread_.joinable()) thread_.join();
    running_ = true;
    thread_ = std::thread([this] { Run(); });
  }
  l.unlock();
  changed_.notify_all();
  return Status::OK();
}

Status WriteBehind::Drain() {
  std::unique_lock<std::mutex> l(mu_);
  changed_.wait(l, [&] { return queued_bytes_ == 0 || stop_; });
  if (!status_.ok()) return status_;
  if (queued_bytes_ > 0) {
    return Status::Internal("{}: the write-behind stopped with bytes unwritten", file_->name());
  }
  return Status::OK();
}

void WriteBehind::Run() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_ && !queue_.empty()) {
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
  running_ = false;  // idle: a later Append starts a new thread
}

}  // namespace floe::io
