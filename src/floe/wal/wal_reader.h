// WalReader: reads the records of a write-ahead log directory in LSN order, from a given
// position, across segments (replay after a restart, or a sink catching up).
//
// The end of the log is the first position in the last segment that does not hold a valid
// record (zeros, a torn or corrupt record: exactly where Wal::Open would cut). A bad record
// inside an older segment is Corruption naming the segment file and offset. To read a log
// another thread is appending to, pass end_lsn = Wal::durable_lsn().
//
// Not thread-safe; one reader per thread. The segment list is taken at Open.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "floe/common/status.h"
#include "floe/wal/wal_format.h"
#include "floe/wal/wal_segment.h"

namespace floe::wal {

struct WalReaderOptions {
  // Lengths above this are corruption (match WalOptions::max_record_bytes).
  uint32_t max_record_bytes = 256u << 20;
  // Stop before any record at or past this position.
  Lsn end_lsn = std::numeric_limits<Lsn>::max();
};

struct WalRecord {
  Lsn lsn = 0;
  Lsn end_lsn = 0;  // where the next record starts (a commit covering this record records it)
  uint32_t stream_id = 0;
  std::span<const uint8_t> payload;  // valid until the next call to Next
};

class WalReader {
 public:
  // Reads `dir` from position `from`: a record's lsn or end_lsn (a committed position), a
  // segment base, or the log's start. NotFound when `from` lies before the oldest segment
  // (released). A position inside a record is found on the first Next (Corruption).
  static Result<std::unique_ptr<WalReader>> Open(const std::string& dir, Lsn from,
                                                 const WalReaderOptions& options = {});

  // Sets *record to the next record and returns true, or returns false at the end.
  Result<bool> Next(WalRecord* record);

  // Past the end: why the log ended where it did ("" when at zeros or end_lsn).
  const std::string& end_reason() const { return end_reason_; }

 private:
  WalReader(std::vector<SegmentFile> segments, const WalReaderOptions& options)
      : segments_(std::move(segments)), options_(options) {}
  Status OpenSegment(size_t index, uint64_t offset);

  std::vector<SegmentFile> segments_;
  WalReaderOptions options_;
  size_t index_ = 0;
  uint64_t limit_ = 0;  // file offset where the current segment's records end
  std::unique_ptr<SegmentCursor> cursor_;
  bool done_ = false;
  std::string end_reason_;
};

}  // namespace floe::wal
