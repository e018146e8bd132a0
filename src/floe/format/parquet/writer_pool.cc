#include "floe/format/parquet/writer_pool.h"

#include <algorithm>

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

void WriterPool::Submit(Group* group, std::function<void()> task, bool leaf) {
  if (workers_.empty()) {
    task();  // no workers: run inline
    return;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    ++group->pending_;
    queue_.push_back(Task{group, std::move(task), leaf});
  }
  work_.notify_one();
}

void WriterPool::RunOne(std::unique_lock<std::mutex>& lock, std::deque<Task>::iterator it) {
  Task t = std::move(*it);
  queue_.erase(it);
  lock.unlock();
  t.fn();
  lock.lock();
  if (--t.group->pending_ == 0) done_.notify_all();
}

void WriterPool::Wait(Group* group, bool help_others) {
  std::unique_lock<std::mutex> lock(mu_);
  while (group->pending_ > 0) {
    auto next = std::find_if(queue_.begin(), queue_.end(),
                             [group](const Task& t) { return t.group == group; });
    if (next == queue_.end() && help_others) {
      next = std::find_if(queue_.begin(), queue_.end(), [](const Task& t) { return t.leaf; });
    }
    if (next != queue_.end()) {
      RunOne(lock, next);
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
    RunOne(lock, queue_.begin());
  }
}

}  // namespace floe::parquet
