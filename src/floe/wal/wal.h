// Wal: floe's write-ahead log for streaming ingest. An ingest request's payload (a batch
// of events) is appended as one record; it is acknowledged once the record is on disk
// (fdatasync). Group commit without a dedicated thread: an appender copies its record into
// the pending buffer under a mutex; then the first waiting appender that finds unwritten
// bytes writes everything pending with one pwrite (the "writer"; one at a time), and a
// waiting appender whose record is written but not durable calls fdatasync for everything
// written so far, unless a sync already in flight covers it. Up to max_concurrent_syncs
// fdatasyncs run at once (the device overlaps them; see docs/wal.md), each covering every
// record written before it started, so concurrent appenders share syncs and no syscall
// is made per event.
//
// Positions (Lsn, wal_format.h) grow monotonically across restarts. Tables record in their
// snapshot summary the end position their commit covers; after a restart the server
// replays from the smallest such position with WalReader (wal_reader.h) and then calls
// ReleaseUpTo, which deletes segments that lie wholly below it.
//
// On-disk format and recovery rules: docs/wal.md.
//
// Thread-safety: every method may be called from any thread, concurrently. Open and
// destruction excepted: no call may race with the destructor.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/wal/wal_format.h"
#include "floe/wal/wal_segment.h"

namespace floe::wal {

struct WalOptions {
  // A segment rolls when the next record would take it past this size; a record larger
  // than a segment gets a segment of its own. Each segment is preallocated to this size.
  uint64_t segment_bytes = 64ull << 20;
  // Appends with a larger payload fail with InvalidArgument; readers treat larger
  // lengths as corruption. At most kMaxPayloadBytes.
  uint32_t max_record_bytes = 256u << 20;
  // Appended bytes not yet written; appenders write them or wait past this (memory
  // bound; the server's 429 limit should sit on SizeBytes() well before it).
  uint64_t max_pending_bytes = 256ull << 20;
  // fdatasync after each write round. Off only in tests and benchmarks of the CPU path:
  // appends are then "durable" once in the page cache (survive a process crash, not a
  // power cut).
  bool sync = true;
  // fdatasync calls that may run at once (each covers everything written before it
  // started). 1 gives classic one-at-a-time group commit.
  int max_concurrent_syncs = 4;
  // Open checks every record of every segment, not just the last segment (older
  // segments are otherwise checked when a WalReader reads them).
  bool verify_all_segments_on_open = false;
};

// Where an appended record landed: [lsn, end_lsn) in the log.
struct WalPosition {
  Lsn lsn = 0;
  Lsn end_lsn = 0;
};

// What Open found.
struct WalRecoveryInfo {
  size_t segments = 0;      // segment files found (0: a new log)
  Lsn end_lsn = 0;          // where appending resumes
  bool tail_cut = false;    // the last segment ended in a torn or corrupt record, now cut
  uint64_t cut_offset = 0;  // file offset of the cut in the last segment
  std::string cut_reason;   // why (the decoder's message), empty when nothing was cut
};

// Counters for the metrics module; a snapshot, each field read atomically on its own.
struct WalStats {
  uint64_t bytes_appended = 0;  // record bytes (headers included) appended since Open
  uint64_t records_appended = 0;
  // fdatasync calls: one per write round, one more per segment rolled (counted even when
  // sync is off).
  uint64_t syncs = 0;
  uint64_t segments_created = 0;
  uint64_t segments_deleted = 0;
  uint64_t max_group_records = 0;
  // group_records_log2[i]: rounds that carried [2^i, 2^(i+1)) records.
  std::array<uint64_t, 24> group_records_log2{};
  // sync_micros_log2[i]: fdatasync calls that took [2^i, 2^(i+1)) microseconds.
  std::array<uint64_t, 24> sync_micros_log2{};
  uint64_t sync_micros_total = 0;
};

class Wal {
 public:
  // Opens (creating if needed) the log in directory `dir` on local disk. Recovery:
  // leftover "*.tmp" files are removed; every segment's header is checked; the last
  // segment is scanned and a torn or corrupt tail is cut (truncated to the last valid
  // record, then preallocated again with zeros) so the log is appendable. A bad header,
  // a gap between segments, or (with verify_all_segments_on_open) a bad record in an
  // older segment is Corruption naming the file and offset.
  // Only one Wal may have a directory open at a time (not checked).
  static Result<std::unique_ptr<Wal>> Open(const std::string& dir, const WalOptions& options = {});

  // Makes what is pending durable (errors are dropped) and closes the files.
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Appends one record and blocks until it is durable. InvalidArgument when the payload is
  // over max_record_bytes; IOError when a write or fdatasync failed (after which every
  // append fails: an fsync failure leaves the page cache state unknown, so the Wal does
  // not retry; reopen to recover).
  Result<WalPosition> AppendDurable(uint32_t stream_id, std::span<const uint8_t> payload);

  // Appends one record without waiting: it becomes durable, with every record before it,
  // once durable_lsn() >= its end_lsn. Nothing is written until some thread waits
  // (WaitDurable, AppendDurable), max_pending_bytes fill up, or the Wal is destroyed. The
  // payload is copied; the caller may reuse it on return.
  Result<WalPosition> Append(uint32_t stream_id, std::span<const uint8_t> payload);

  // Blocks until every record ending at or before `end_lsn` is durable, or the log failed.
  Status WaitDurable(Lsn end_lsn);

  // Declares every record ending at or before `lsn` committed to all its sinks (with
  // several sinks, pass the smallest of their committed positions). Deletes segments
  // that end at or before `lsn`; the segment being appended to is always kept, so the
  // position survives restarts. A WalReader still reading a deleted segment keeps its
  // open file; one that has not reached it yet gets NotFound.
  Status ReleaseUpTo(Lsn lsn);

  // The end of the last durable record: records below it survive a crash.
  Lsn durable_lsn() const;
  // The end of the last appended record, durable or not. The next record starts here, or
  // kSegmentHeaderSize later when it opens a new segment.
  Lsn next_lsn() const;
  // Log bytes not yet released: next_lsn() - max(ReleaseUpTo position, oldest base).
  // The ingest server compares it with its limit to answer 429.
  uint64_t UnreleasedBytes() const;
  // Bytes of the segments still on disk (their logical size, not their preallocation).
  uint64_t SizeBytes() const;

  const WalRecoveryInfo& recovery() const { return recovery_; }
  WalStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  struct Roll {
    size_t pending_offset;  // where in the pending bytes the new segment's records start
    Lsn base;
  };
  // An open segment file; shared so a sync in flight keeps it open across a roll.
  struct OpenFile {
    explicit OpenFile(int f) : fd(f) {}
    ~OpenFile();
    int fd;
  };
  struct Counters {
    std::atomic<uint64_t> bytes_appended{0}, records_appended{0}, syncs{0}, segments_created{0},
        segments_deleted{0}, max_group_records{0}, sync_micros_total{0};
    std::array<std::atomic<uint64_t>, 24> group_records_log2{}, sync_micros_log2{};
  };

  Wal(std::string dir, const WalOptions& options) : dir_(std::move(dir)), options_(options) {}
  Status Recover();
  Result<WalPosition> AppendLocked(std::unique_lock<std::mutex>& lock, uint32_t stream_id,
                                   uint32_t payload_crc, std::span<const uint8_t> payload);
  // Takes turns writing and syncing until every record ending at or before `end` is
  // written (and durable when `durable`). Called and returns with `lock` held.
  Status DriveLocked(std::unique_lock<std::mutex>& lock, Lsn end, bool durable);
  // Writes flushing_ (records from file_offset_ of the current segment on), rolling
  // segments at flushing_rolls_. Only the thread holding the writer turn.
  Status WriteRound();
  Status WriteToSegment(const uint8_t* p, size_t n);
  Status SyncFile(int fd);

  const std::string dir_;
  const WalOptions options_;
  WalRecoveryInfo recovery_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // any change of written_lsn_, durable_lsn_, turns, error_
  // Guarded by mu_.
  Buffer pending_;  // encoded records not yet taken by a writer
  std::vector<Roll> pending_rolls_;
  uint64_t pending_records_ = 0;
  Lsn assign_base_ = 0;  // base of the segment the next record goes to
  Lsn next_lsn_ = 0;     // end of the last appended record
  Lsn written_lsn_ = 0;  // end of the last record handed to the kernel (pwrite)
  Lsn syncing_lsn_ = 0;  // the largest position a sync in flight will make durable
  Lsn durable_lsn_ = 0;
  Lsn released_lsn_ = 0;
  uint64_t written_records_ = 0;  // records written / durable since Open (group sizes)
  uint64_t durable_records_ = 0;
  bool writing_ = false;  // a thread holds the writer turn
  int syncs_in_flight_ = 0;
  Status error_;                       // sticky: the first write or sync failure
  std::shared_ptr<OpenFile> current_;  // the segment written last
  std::vector<SegmentFile> segments_;  // on disk, by base; the last one is being written

  // Owned by the thread holding the writer turn (and by Open).
  Lsn file_base_ = 0;
  uint64_t file_offset_ = 0;  // where the next byte goes in the current segment
  Buffer flushing_;
  std::vector<Roll> flushing_rolls_;

  Counters counters_;
};

}  // namespace floe::wal
