// Segment files on local disk: listing a log directory, creating a preallocated
// segment, and reading one segment's records sequentially with buffered preads.
// Internal to the WAL (wal.h and wal_reader.h are the public faces).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/wal/wal_format.h"

namespace floe::wal {

struct SegmentFile {
  Lsn base = 0;
  std::string path;
};

// The segment files of `dir` ("<16 hex>.wal"), sorted by base. Other names are ignored.
Result<std::vector<SegmentFile>> ListSegments(const std::string& dir);

// fsyncs the directory itself, so created, renamed and removed names are durable.
Status SyncDirectory(const std::string& dir);

// Creates the segment with base `base` in `dir` and returns its descriptor open for
// writing: the header and `prealloc_bytes` of zeroed space (fallocate; skipped where the
// file system lacks it) are written to "<name>.tmp", synced, renamed into place, and the
// directory is synced, so a segment name is never seen without a valid header.
Result<int> CreateSegment(const std::string& dir, Lsn base, uint64_t prealloc_bytes);

// Reads the records of one segment file in order. Not thread-safe. Owns its descriptor.
// Memory: one buffer of max(1 MiB, largest record read), never more than the file size.
class SegmentCursor {
 public:
  // Opens `file` and checks its header (Corruption, naming the file, if the header is bad
  // or holds another base than the name).
  static Result<std::unique_ptr<SegmentCursor>> Open(const SegmentFile& file, uint32_t max_payload);
  ~SegmentCursor();
  SegmentCursor(const SegmentCursor&) = delete;
  SegmentCursor& operator=(const SegmentCursor&) = delete;

  Lsn base() const { return file_.base; }
  const std::string& path() const { return file_.path; }
  uint64_t file_size() const { return file_size_; }
  // The file offset of the next record to read.
  uint64_t offset() const { return pos_; }
  // Moves to file offset `offset` (>= kSegmentHeaderSize).
  void Seek(uint64_t offset) { pos_ = offset; }

  // Decodes the record at offset(), reading no byte at or past file offset `limit`
  // (<= file_size()). On kOk the cursor advances and the payload stays valid until the
  // next call; otherwise it stays put. The caller must not call it with offset() >= limit.
  Result<DecodedRecord> Next(uint64_t limit);

 private:
  SegmentCursor(SegmentFile file, int fd, uint64_t size, uint32_t max_payload)
      : file_(std::move(file)), fd_(fd), file_size_(size), max_payload_(max_payload) {}
  // Makes file bytes [pos_, pos_ + n) buffered (n <= limit - pos_), reading ahead.
  Status Fill(uint64_t n, uint64_t limit);

  SegmentFile file_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  uint32_t max_payload_ = 0;
  uint64_t pos_ = kSegmentHeaderSize;
  Buffer buf_;  // file bytes [buf_offset_, buf_offset_ + buf_.size())
  uint64_t buf_offset_ = 0;
};

}  // namespace floe::wal
