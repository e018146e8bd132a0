// The byte-level I/O seam. Every part of floe reads through RandomAccessFile and
// writes through WritableFile; object_store.h opens them by URI. Implementations:
// local disk (local_file.h), memory (this header), S3 and fault injection (io/).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"

namespace floe::io {

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

// How ReadRanges merges nearby ranges into fewer, larger reads.
struct CoalesceOptions {
  // Two ranges closer than this are read as one (the gap bytes are fetched and dropped).
  uint64_t max_gap = 32 * 1024;
  // A merged read never grows past this many bytes (unless one range alone is larger).
  uint64_t max_read = 16 * 1024 * 1024;
};

// Merges sorted-or-not `ranges` per `opts`; returns the reads to issue, sorted by offset.
std::vector<ByteRange> CoalesceRanges(std::vector<ByteRange> ranges, const CoalesceOptions& opts);

// A readable object of known size. Implementations are thread-safe: ReadAt and
// ReadRanges may be called concurrently from several threads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  // The name errors should mention (a path or URI).
  virtual const std::string& name() const = 0;
  virtual Result<uint64_t> Size() = 0;
  // Reads exactly `length` bytes at `offset`. Reading past the end is an error
  // (kCorruption when the caller trusted a length it read from the file itself,
  // so callers bound lengths against Size() first).
  virtual Result<std::string> ReadAt(uint64_t offset, uint64_t length) = 0;
  // Reads every range; result i holds range i. Default: coalesce, then ReadAt each merged read.
  virtual Result<std::vector<std::string>> ReadRanges(const std::vector<ByteRange>& ranges,
                                                      const CoalesceOptions& opts = {});
};

// RandomAccessFile::ReadRanges with the merged reads issued by up to `parallelism`
// threads at once (remote files use this; the default ReadRanges reads one at a time).
// Every range must lie inside the file (ReadAt's bounds rule). Result i holds range i.
Result<std::vector<std::string>> ReadRangesParallel(RandomAccessFile& file,
                                                    const std::vector<ByteRange>& ranges,
                                                    const CoalesceOptions& opts, int parallelism);

// A sequential writer. Nothing is visible under the final name until Close()
// returns OK; Abort() (or destruction without Close) discards everything.
// Not thread-safe: one writer, one thread at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual const std::string& name() const = 0;
  virtual Status Append(std::string_view data) = 0;
  // Bytes appended so far.
  virtual uint64_t Tell() const = 0;
  // Makes the object durable and visible atomically.
  virtual Status Close() = 0;
  virtual void Abort() = 0;
};

// In-memory implementations: a RandomAccessFile over owned bytes, and a
// WritableFile that collects bytes into a string the caller can take.
class BufferFile final : public RandomAccessFile {
 public:
  explicit BufferFile(std::string data, std::string name = "<memory>")
      : data_(std::move(data)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Result<uint64_t> Size() override { return static_cast<uint64_t>(data_.size()); }
  Result<std::string> ReadAt(uint64_t offset, uint64_t length) override;
  const std::string& data() const { return data_; }

 private:
  std::string data_;
  std::string name_;
};

class BufferSink final : public WritableFile {
 public:
  explicit BufferSink(std::string name = "<memory>") : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Status Append(std::string_view data) override {
    if (closed_) return Status::IOError("{}: append after close", name_);
    buf_.append(data);
    return Status::OK();
  }
  uint64_t Tell() const override { return buf_.size(); }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  void Abort() override { buf_.clear(); }
  std::string& buffer() { return buf_; }
  bool closed() const { return closed_; }

 private:
  std::string name_;
  std::string buf_;
  bool closed_ = false;
};

}  // namespace floe::io
