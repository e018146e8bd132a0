#include "floe/format/parquet/writer_pool.h"

namespace floe::parquet {

WriterPool::WriterPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WriterPool::~WriterPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  work_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WriterPool::Submit(Group* group, std::function<void()> task) {
  if (workers_.empty()) {
    task();  // no workers: run inline
    return;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    ++group->pending_;
    queue_.push_back(Task{group, std::move(task)});
  }
  work_.notify_one();
}

void WriterPool::RunOne(std::unique_lock<std::mutex>& lock) {
  Task t = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  t.fn();
  lock.lock();
  if (--t.group->pending_ == 0) done_.notify_all();
}

void WriterPool::Wait(Group* group) {
  std::unique_lock<std::mutex> lock(mu_);
  while (group->pending_ > 0) {
    if (!queue_.empty()) {
      RunOne(lock);
    } else {
      done_.wait(lock);
    }
  }
}

void WriterPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping
    RunOne(lock);
  }
}

}  // namespace floe::parquet
