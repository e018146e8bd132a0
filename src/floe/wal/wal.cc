#include "floe/wal/wal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "floe/wal/crc32c.h"

namespace floe::wal {
namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError("{} {}: {}", what, path, std::strerror(errno));
}

size_t Log2Bucket(uint64_t v, size_t buckets) {
  const size_t b = v == 0 ? 0 : static_cast<size_t>(std::bit_width(v)) - 1;
  return std::min(b, buckets - 1);
}

void AtomicMax(std::atomic<uint64_t>& a, uint64_t v) {
  uint64_t cur = a.load(std::memory_order_relaxed);
  while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace

Result<std::unique_ptr<Wal>> Wal::Open(const std::string& dir, const WalOptions& options) {
  if (options.segment_bytes < kSegmentHeaderSize + kRecordHeaderSize) {
    return Status::InvalidArgument("WAL segment_bytes {} is below the minimum {}",
                                   options.segment_bytes, kSegmentHeaderSize + kRecordHeaderSize);
  }
  if (options.max_record_bytes == 0) {
    return Status::InvalidArgument("WAL max_record_bytes must be positive");
  }
  std::unique_ptr<Wal> wal(new Wal(dir, options));
  if (options.max_concurrent_syncs < 1) {
    return Status::InvalidArgument("WAL max_concurrent_syncs must be at least 1");
  }
  FLOE_RETURN_IF_ERROR(wal->Recover());
  return wal;
}

Status Wal::Recover() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError("create WAL directory {}: {}", dir_, ec.message());
  // Segments whose creation was interrupted (never renamed into place, so never used).
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == 24 && name.ends_with(".tmp") &&
        ParseSegmentFileName(std::string_view(name).substr(0, 20))) {
      std::filesystem::remove(it->path(), ec);
      if (ec) return Status::IOError("remove {}: {}", it->path().string(), ec.message());
    }
  }
  if (ec) return Status::IOError("list WAL directory {}: {}", dir_, ec.message());

  FLOE_ASSIGN_OR_RETURN(segments_, ListSegments(dir_));
  recovery_.segments = segments_.size();
  if (segments_.empty()) {
    FLOE_ASSIGN_OR_RETURN(int fd, CreateSegment(dir_, 0, options_.segment_bytes));
    current_ = std::make_shared<OpenFile>(fd);
    segments_.push_back({0, dir_ + "/" + SegmentFileName(0)});
    counters_.segments_created.fetch_add(1, std::memory_order_relaxed);
    file_base_ = 0;
    file_offset_ = kSegmentHeaderSize;
  } else {
    for (size_t i = 0; i + 1 < segments_.size(); ++i) {
      const SegmentFile& seg = segments_[i];
      FLOE_ASSIGN_OR_RETURN(auto cursor, SegmentCursor::Open(seg, options_.max_record_bytes));
      const uint64_t span = segments_[i + 1].base - seg.base;
      if (span < kSegmentHeaderSize || cursor->file_size() < span) {
        return Status::Corruption(
            "WAL segment {}: the next segment starts at LSN {}, so this one should hold {} "
            "bytes, but it has {}",
            seg.path, segments_[i + 1].base, span, cursor->file_size());
      }
      if (!options_.verify_all_segments_on_open) continue;
      while (cursor->offset() < span) {
        FLOE_ASSIGN_OR_RETURN(DecodedRecord d, cursor->Next(span));
        if (d.check != RecordCheck::kOk) {
          return Status::Corruption(
              "WAL segment {} offset {}: {}", seg.path, cursor->offset(),
              d.check == RecordCheck::kZero ? "zero bytes inside the log" : d.problem);
        }
      }
    }
    const SegmentFile& last = segments_.back();
    FLOE_ASSIGN_OR_RETURN(auto cursor, SegmentCursor::Open(last, options_.max_record_bytes));
    const uint64_t size = cursor->file_size();
    while (cursor->offset() < size) {
      FLOE_ASSIGN_OR_RETURN(DecodedRecord d, cursor->Next(size));
      if (d.check == RecordCheck::kOk) continue;
      if (d.check != RecordCheck::kZero) {
        recovery_.tail_cut = true;
        recovery_.cut_offset = cursor->offset();
        recovery_.cut_reason = std::move(d.problem);
      }
      break;
    }
    file_base_ = last.base;
    file_offset_ = cursor->offset();
    cursor.reset();
    const int fd = ::open(last.path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return Errno("open WAL segment", last.path);
    current_ = std::make_shared<OpenFile>(fd);
    // Whatever lies past the last valid record (a torn write, stale bytes, or zeros) is
    // replaced with zeros, so no later scan can mistake old bytes for new records.
    if (::ftruncate(fd, static_cast<off_t>(file_offset_)) != 0) return Errno("truncate", last.path);
    if (options_.segment_bytes > file_offset_) {
      (void)::fallocate(fd, 0, 0, static_cast<off_t>(options_.segment_bytes));
    }
    if (options_.sync && ::fsync(fd) != 0) return Errno("fsync", last.path);
  }
  assign_base_ = file_base_;
  next_lsn_ = written_lsn_ = syncing_lsn_ = durable_lsn_ = file_base_ + file_offset_;
  released_lsn_ = segments_.front().base;
  recovery_.end_lsn = next_lsn_;
  return Status::OK();
}

Wal::OpenFile::~OpenFile() {
  if (fd >= 0) ::close(fd);
}

Wal::~Wal() {
  std::unique_lock lock(mu_);
  (void)DriveLocked(lock, next_lsn_, /*durable=*/true);
}

Result<WalPosition> Wal::Append(uint32_t stream_id, std::span<const uint8_t> payload) {
  if (payload.size() > options_.max_record_bytes) {
    return Status::InvalidArgument("WAL record of {} bytes exceeds max_record_bytes {}",
                                   payload.size(), options_.max_record_bytes);
  }
  const uint32_t crc = Crc32c(payload);  // outside the lock: the expensive part
  std::unique_lock lock(mu_);
  return AppendLocked(lock, stream_id, crc, payload);
}

Result<WalPosition> Wal::AppendDurable(uint32_t stream_id, std::span<const uint8_t> payload) {
  if (payload.size() > options_.max_record_bytes) {
    return Status::InvalidArgument("WAL record of {} bytes exceeds max_record_bytes {}",
                                   payload.size(), options_.max_record_bytes);
  }
  const uint32_t crc = Crc32c(payload);
  std::unique_lock lock(mu_);
  FLOE_ASSIGN_OR_RETURN(WalPosition pos, AppendLocked(lock, stream_id, crc, payload));
  FLOE_RETURN_IF_ERROR(DriveLocked(lock, pos.end_lsn, /*durable=*/true));
  return pos;
}

Result<WalPosition> Wal::AppendLocked(std::unique_lock<std::mutex>& lock, uint32_t stream_id,
                                      uint32_t payload_crc, std::span<const uint8_t> payload) {
  const size_t rec = kRecordHeaderSize + payload.size();
  // Backpressure: past the pending limit, write what is pending (or wait for the writer).
  while (error_.ok() && !pending_.empty() && pending_.size() + rec > options_.max_pending_bytes) {
    if (writing_) {
      cv_.wait(lock);
    } else {
      FLOE_RETURN_IF_ERROR(DriveLocked(lock, next_lsn_, /*durable=*/false));
    }
  }
  if (!error_.ok()) return error_;

  const uint64_t used = next_lsn_ - assign_base_;
  if (used > kSegmentHeaderSize && used + rec > options_.segment_bytes) {
    pending_rolls_.push_back({pending_.size(), next_lsn_});
    assign_base_ = next_lsn_;
    next_lsn_ += kSegmentHeaderSize;
  }
  WalPosition pos{next_lsn_, next_lsn_ + rec};
  const size_t at = pending_.size();
  pending_.Resize(at + rec);
  EncodeRecordHeader(payload_crc, static_cast<uint32_t>(payload.size()), stream_id, pos.lsn,
                     pending_.data() + at);
  if (!payload.empty()) {
    std::memcpy(pending_.data() + at + kRecordHeaderSize, payload.data(), payload.size());
  }
  next_lsn_ = pos.end_lsn;
  ++pending_records_;
  counters_.bytes_appended.fetch_add(rec, std::memory_order_relaxed);
  counters_.records_appended.fetch_add(1, std::memory_order_relaxed);
  return pos;
}

Status Wal::WaitDurable(Lsn end_lsn) {
  std::unique_lock lock(mu_);
  if (end_lsn > next_lsn_) {
    return Status::InvalidArgument("WAL {}: WaitDurable({}) past the end of the log {}", dir_,
                                   end_lsn, next_lsn_);
  }
  return DriveLocked(lock, end_lsn, /*durable=*/true);
}

Status Wal::DriveLocked(std::unique_lock<std::mutex>& lock, Lsn end, bool durable) {
  while (true) {
    if (!error_.ok()) return error_;
    if (durable_lsn_ >= end || (!durable && written_lsn_ >= end)) return Status::OK();
    if (written_lsn_ < end) {
      if (!writing_) {
        // Take the writer turn: write everything pending, ours included.
        writing_ = true;
        flushing_.Clear();
        flushing_rolls_.clear();
        std::swap(pending_, flushing_);
        std::swap(pending_rolls_, flushing_rolls_);
        const uint64_t records = std::exchange(pending_records_, 0);
        const Lsn target = next_lsn_;
        lock.unlock();
        cv_.notify_all();  // appenders blocked on the pending limit
        Status s = WriteRound();
        lock.lock();
        writing_ = false;
        if (s.ok()) {
          written_lsn_ = target;
          written_records_ += records;
        } else {
          error_ = s;
        }
        cv_.notify_all();
        continue;
      }
    } else if (end > syncing_lsn_ && syncs_in_flight_ < options_.max_concurrent_syncs) {
      // Written, not durable, and no sync in flight covers it: sync everything written.
      const Lsn target = written_lsn_;
      const uint64_t records = written_records_;
      std::shared_ptr<OpenFile> file = current_;
      syncing_lsn_ = std::max(syncing_lsn_, target);
      ++syncs_in_flight_;
      lock.unlock();
      Status s = SyncFile(file->fd);
      file.reset();
      lock.lock();
      --syncs_in_flight_;
      if (s.ok()) {
        if (target > durable_lsn_) {
          const uint64_t group = records - durable_records_;
          durable_lsn_ = target;
          durable_records_ = records;
          counters_.group_records_log2[Log2Bucket(group, 24)].fetch_add(1,
                                                                        std::memory_order_relaxed);
          AtomicMax(counters_.max_group_records, group);
        }
      } else {
        error_ = s;
      }
      cv_.notify_all();
      continue;
    }
    cv_.wait(lock);
  }
}

Status Wal::WriteRound() {
  size_t off = 0;
  for (const Roll& roll : flushing_rolls_) {
    FLOE_RETURN_IF_ERROR(WriteToSegment(flushing_.data() + off, roll.pending_offset - off));
    off = roll.pending_offset;
    // The finished segment becomes durable before the next one exists, so durability
    // only ever needs a sync of the newest segment.
    FLOE_RETURN_IF_ERROR(SyncFile(current_->fd));
    // Give back the unused preallocation (not synced: the segment's end is defined by the
    // next segment's base, whatever the file size).
    (void)::ftruncate(current_->fd, static_cast<off_t>(file_offset_));
    FLOE_ASSIGN_OR_RETURN(int fd, CreateSegment(dir_, roll.base, options_.segment_bytes));
    auto file = std::make_shared<OpenFile>(fd);
    file_base_ = roll.base;
    file_offset_ = kSegmentHeaderSize;
    counters_.segments_created.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    current_ = std::move(file);
    segments_.push_back({roll.base, dir_ + "/" + SegmentFileName(roll.base)});
  }
  return WriteToSegment(flushing_.data() + off, flushing_.size() - off);
}

Status Wal::WriteToSegment(const uint8_t* p, size_t n) {
  // current_ changes only in WriteRound, on this thread, so reading it unlocked is safe.
  const int fd = current_->fd;
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(file_offset_));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("write WAL segment", dir_ + "/" + SegmentFileName(file_base_));
    }
    p += w;
    n -= static_cast<size_t>(w);
    file_offset_ += static_cast<uint64_t>(w);
  }
  return Status::OK();
}

Status Wal::SyncFile(int fd) {
  counters_.syncs.fetch_add(1, std::memory_order_relaxed);
  if (!options_.sync) return Status::OK();
  const auto start = std::chrono::steady_clock::now();
  if (::fdatasync(fd) != 0) return Errno("fdatasync WAL segment in", dir_);
  const auto micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
  counters_.sync_micros_total.fetch_add(micros, std::memory_order_relaxed);
  counters_.sync_micros_log2[Log2Bucket(micros, 24)].fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

Status Wal::ReleaseUpTo(Lsn lsn) {
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(mu_);
    if (lsn > durable_lsn_) {
      return Status::InvalidArgument("WAL {}: ReleaseUpTo({}) past the durable end {}", dir_, lsn,
                                     durable_lsn_);
    }
    released_lsn_ = std::max(released_lsn_, lsn);
    size_t n = 0;
    while (n + 1 < segments_.size() && segments_[n + 1].base <= lsn) {
      doomed.push_back(segments_[n].path);
      ++n;
    }
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(n));
  }
  // Oldest first, so a crash midway leaves a contiguous log. Not synced: a deletion undone
  // by a crash only leaves a segment that replay skips and the next release removes.
  for (const std::string& path : doomed) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("remove WAL segment", path);
    counters_.segments_deleted.fetch_add(1, std::memory_order_relaxed);
  }
  return Status::OK();
}

Lsn Wal::durable_lsn() const {
  std::lock_guard lock(mu_);
  return durable_lsn_;
}

Lsn Wal::next_lsn() const {
  std::lock_guard lock(mu_);
  return next_lsn_;
}

uint64_t Wal::UnreleasedBytes() const {
  std::lock_guard lock(mu_);
  return next_lsn_ - std::max(released_lsn_, segments_.front().base);
}

uint64_t Wal::SizeBytes() const {
  std::lock_guard lock(mu_);
  return next_lsn_ - segments_.front().base;
}

WalStats Wal::stats() const {
  WalStats s;
  const Counters& c = counters_;
  s.bytes_appended = c.bytes_appended.load(std::memory_order_relaxed);
  s.records_appended = c.records_appended.load(std::memory_order_relaxed);
  s.syncs = c.syncs.load(std::memory_order_relaxed);
  s.segments_created = c.segments_created.load(std::memory_order_relaxed);
  s.segments_deleted = c.segments_deleted.load(std::memory_order_relaxed);
  s.max_group_records = c.max_group_records.load(std::memory_order_relaxed);
  s.sync_micros_total = c.sync_micros_total.load(std::memory_order_relaxed);
  for (size_t i = 0; i < s.group_records_log2.size(); ++i) {
    s.group_records_log2[i] = c.group_records_log2[i].load(std::memory_order_relaxed);
    s.sync_micros_log2[i] = c.sync_micros_log2[i].load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace floe::wal
