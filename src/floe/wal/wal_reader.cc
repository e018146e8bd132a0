#include "floe/wal/wal_reader.h"

namespace floe::wal {

Result<std::unique_ptr<WalReader>> WalReader::Open(const std::string& dir, Lsn from,
                                                   const WalReaderOptions& options) {
  FLOE_ASSIGN_OR_RETURN(std::vector<SegmentFile> segments, ListSegments(dir));
  std::unique_ptr<WalReader> r(new WalReader(std::move(segments), options));
  if (r->segments_.empty()) {
    r->done_ = true;
    return r;
  }
  if (from < r->segments_.front().base) {
    return Status::NotFound("WAL {}: position {} was released (the oldest segment starts at {})",
                            dir, from, r->segments_.front().base);
  }
  size_t i = r->segments_.size() - 1;
  while (r->segments_[i].base > from) --i;
  FLOE_RETURN_IF_ERROR(
      r->OpenSegment(i, std::max<uint64_t>(from - r->segments_[i].base, kSegmentHeaderSize)));
  return r;
}

Status WalReader::OpenSegment(size_t index, uint64_t offset) {
  index_ = index;
  const SegmentFile& seg = segments_[index];
  FLOE_ASSIGN_OR_RETURN(cursor_, SegmentCursor::Open(seg, options_.max_record_bytes));
  if (index + 1 < segments_.size()) {
    limit_ = segments_[index + 1].base - seg.base;
    if (limit_ < kSegmentHeaderSize || limit_ > cursor_->file_size()) {
      return Status::Corruption(
          "WAL segment {}: the next segment starts at LSN {}, so this one should hold {} bytes, "
          "but it has {}",
          seg.path, segments_[index + 1].base, limit_, cursor_->file_size());
    }
  } else {
    limit_ = cursor_->file_size();
  }
  if (offset > limit_) {
    return Status::InvalidArgument("WAL segment {}: position {} is past the segment's end {}",
                                   seg.path, seg.base + offset, seg.base + limit_);
  }
  cursor_->Seek(offset);
  return Status::OK();
}

Result<bool> WalReader::Next(WalRecord* record) {
  while (!done_) {
    const bool last = index_ + 1 == segments_.size();
    if (cursor_->base() + cursor_->offset() >= options_.end_lsn) break;
    if (cursor_->offset() >= limit_) {
      if (last) break;
      FLOE_RETURN_IF_ERROR(OpenSegment(index_ + 1, kSegmentHeaderSize));
      continue;
    }
    FLOE_ASSIGN_OR_RETURN(DecodedRecord d, cursor_->Next(limit_));
    if (d.check == RecordCheck::kOk) {
      record->lsn = d.record.lsn;
      record->end_lsn = d.record.lsn + d.record.size();
      record->stream_id = d.record.stream_id;
      record->payload = d.record.payload;
      return true;
    }
    const std::string problem =
        d.check == RecordCheck::kZero ? "zero bytes inside the log" : d.problem;
    if (!last) {
      return Status::Corruption("WAL segment {} offset {}: {}", cursor_->path(), cursor_->offset(),
                                problem);
    }
    if (d.check != RecordCheck::kZero) end_reason_ = problem;
    break;
  }
  done_ = true;
  return false;
}

}  // namespace floe::wal
