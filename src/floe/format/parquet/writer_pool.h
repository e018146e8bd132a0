// WriterPool: the worker threads a FileWriter encodes columns and compresses pages on
// (WriterOptions::threads > 1).
//
// Tasks are grouped: Wait(group) returns once every task submitted to the group has
// run, and the waiting thread runs the group's queued tasks meanwhile, so a pool of N
// threads has N - 1 workers plus the caller. A waiter runs only its own group's tasks by
// default: one that took up an unrelated long task (compressing a large page) would hold
// up the caller long after its group was done. Tasks must not throw, and may block only
// in Wait. Submit and Wait are thread-safe (tasks may submit more tasks); a Group must
// outlive its tasks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace floe::parquet {

class WriterPool {
 public:
  class Group {
   public:
    Group() = default;
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;

   private:
    friend class WriterPool;
    int64_t pending_ = 0;  // guarded by the pool's mutex
  };

  // `threads` >= 1 counts the caller: threads - 1 workers are started.
  explicit WriterPool(int threads);
  ~WriterPool();
  WriterPool(const WriterPool&) = delete;
  WriterPool& operator=(const WriterPool&) = delete;

  // `leaf`: the task never waits (on Wait), so a waiter may run it nested in any frame.
  void Submit(Group* group, std::function<void()> task, bool leaf = false);
  // Runs the group's queued tasks until every task of `group` has finished. With
  // `help_others`, runs other groups' queued leaf tasks while the group's own are running
  // elsewhere (for waits that would otherwise leave a thread idle behind a long task).
  void Wait(Group* group, bool help_others = false);
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

 private:
  struct Task {
    Group* group;
    std::function<void()> fn;
    bool leaf;
  };
  void WorkerLoop();
  // Runs the queued task at `it`; `lock` is held on entry and exit.
  void RunOne(std::unique_lock<std::mutex>& lock, std::deque<Task>::iterator it);

  std::mutex mu_;
  std::condition_variable work_;  // a task was queued, or stopping
  std::condition_variable done_;  // a task finished
  std::deque<Task> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace floe::parquet
