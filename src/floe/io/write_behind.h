// WriteBehind: appends buffers to a WritableFile on a thread of its own, in the order they
// are handed over, so that the caller goes on producing the next bytes while earlier ones
// are written (the Parquet writer encodes a row group while the one before it is written).
//
// Buffers are taken by value: the caller gives them up. At most `max_queued_bytes` wait to
// be written (counting the buffer being written); Append blocks until there is room, but
// always takes a buffer when nothing is queued, however large. The first error is sticky:
// buffers queued after it are dropped, and Append and Drain return it.
//
// While a WriteBehind is alive nothing else may use the file. The thread runs only while
// there is something to write (a file that waits for its next bytes holds no thread).
// Stop, or destroying the object, ends the writing after the buffer being written; buffers
// still queued are dropped (the caller is giving up on the file, or has drained it).
//
// Example:
//   io::WriteBehind behind(file.get(), 64 << 20);
//   FLOE_RETURN_IF_ERROR(behind.Append(std::move(page)));
//   ...
//   FLOE_RETURN_IF_ERROR(behind.Drain());  // every byte handed over is in the file
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/io/file.h"

namespace floe::io {

class WriteBehind {
 public:
  // `file` must outlive this object.
  WriteBehind(WritableFile* file, size_t max_queued_bytes);
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // Queues `bytes` to be appended after everything handed over before. Returns the first
  // write error so far (the bytes are then dropped).
  Status Append(Buffer bytes);
  // Waits until everything handed over is in the file; returns the first write error.
  Status Drain();
  // Asks the thread to stop after the buffer being written, without waiting for it (the
  // destructor waits). Append and Drain fail from then on.
  void Stop();

 private:
  void Run();

  WritableFile* const file_;
  const size_t max_queued_bytes_;
  std::mutex mu_;
  std::condition_variable changed_;  // a buffer was queued or written, or stopping
  std::deque<Buffer> queue_;
  size_t queued_bytes_ = 0;  // in queue_, plus the buffer being written
  Status status_;
  bool stop_ = false;
  bool running_ = false;  // thread_ is writing (it clears this, under mu_, as it ends)
  std::thread thread_;
};

}  // namespace floe::io
