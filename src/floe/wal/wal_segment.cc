#include "floe/wal/wal_segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace floe::wal {
namespace {

constexpr uint64_t kReadAhead = 1 << 20;

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError("{} {}: {}", what, path, std::strerror(errno));
}

Status WriteAll(int fd, const uint8_t* p, size_t n, uint64_t off, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
    off += static_cast<uint64_t>(w);
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<SegmentFile>> ListSegments(const std::string& dir) {
  std::vector<SegmentFile> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  if (ec) return Status::IOError("list WAL directory {}: {}", dir, ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IOError("list WAL directory {}: {}", dir, ec.message());
    const std::string name = it->path().filename().string();
    if (auto base = ParseSegmentFileName(name)) out.push_back({*base, it->path().string()});
  }
  std::sort(out.begin(), out.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.base < b.base; });
  return out;
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open directory", dir);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return Errno("fsync directory", dir);
  return Status::OK();
}

Result<int> CreateSegment(const std::string& dir, Lsn base, uint64_t prealloc_bytes) {
  const std::string path = dir + "/" + SegmentFileName(base);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create WAL segment", tmp);
  auto fail = [&](Status s) -> Result<int> {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  uint8_t header[kSegmentHeaderSize];
  EncodeSegmentHeader(base, header);
  if (Status s = WriteAll(fd, header, sizeof header, 0, tmp); !s.ok()) return fail(s);
  if (prealloc_bytes > kSegmentHeaderSize) {
    // Unsupported or failing preallocation only costs speed: appends then extend the file.
    (void)::fallocate(fd, 0, 0, static_cast<off_t>(prealloc_bytes));
  }
  if (::fsync(fd) != 0) return fail(Errno("fsync", tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(Errno("rename to", path));
  if (Status s = SyncDirectory(dir); !s.ok()) {
    ::close(fd);
    return s;
  }
  return fd;
}

Result<std::unique_ptr<SegmentCursor>> SegmentCursor::Open(const SegmentFile& file,
                                                           uint32_t max_payload) {
  const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("WAL segment {} does not exist", file.path);
    return Errno("open WAL segment", file.path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("stat", file.path);
    ::close(fd);
    return s;
  }
  std::unique_ptr<SegmentCursor> c(
      new SegmentCursor(file, fd, static_cast<uint64_t>(st.st_size), max_payload));
  if (c->file_size_ < kSegmentHeaderSize) {
    return Status::Corruption("WAL segment {}: {} bytes, shorter than its header", file.path,
                              c->file_size_);
  }
  uint8_t header[kSegmentHeaderSize];
  size_t got = 0;
  while (got < sizeof header) {
    const ssize_t r = ::pread(fd, header + got, sizeof header - got, static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("read WAL segment", file.path);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  FLOE_ASSIGN_OR_RETURN(Lsn base, DecodeSegmentHeader(std::span<const uint8_t>(header, got),
                                                      "WAL segment " + file.path));
  if (base != file.base) {
    return Status::Corruption("WAL segment {}: header base LSN {} differs from the name", file.path,
                              base);
  }
  return c;
}

SegmentCursor::~SegmentCursor() {
  if (fd_ >= 0) ::close(fd_);
}

Status SegmentCursor::Fill(uint64_t n, uint64_t limit) {
  if (pos_ >= buf_offset_ && pos_ + n <= buf_offset_ + buf_.size()) return Status::OK();
  const uint64_t want = std::min(std::max(n, kReadAhead), limit - pos_);
  buf_.Resize(static_cast<size_t>(want));
  size_t got = 0;
  while (got < want) {
    const ssize_t r = ::pread(fd_, buf_.data() + got, want - got, static_cast<off_t>(pos_ + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Errno("read WAL segment", file_.path);
    }
    if (r == 0) break;  // the file shrank under us: decode what is there
    got += static_cast<size_t>(r);
  }
  buf_.Resize(got);
  buf_offset_ = pos_;
  return Status::OK();
}

Result<DecodedRecord> SegmentCursor::Next(uint64_t limit) {
  limit = std::min(limit, file_size_);
  if (pos_ >= limit) return Status::Internal("SegmentCursor::Next at or past its limit");
  const uint64_t left = limit - pos_;
  FLOE_RETURN_IF_ERROR(Fill(std::min<uint64_t>(kRecordHeaderSize, left), limit));
  auto avail = [&] {
    const uint64_t start = pos_ - buf_offset_;
    const uint64_t n = std::min<uint64_t>(buf_.size() - start, left);
    return std::span<const uint8_t>(buf_.data() + start, static_cast<size_t>(n));
  };
  DecodedRecord d = DecodeRecord(avail(), file_.base + pos_, max_payload_);
  if (d.check == RecordCheck::kTruncated && d.needed <= left && avail().size() < d.needed) {
    FLOE_RETURN_IF_ERROR(Fill(d.needed, limit));
    d = DecodeRecord(avail(), file_.base + pos_, max_payload_);
  }
  if (d.check == RecordCheck::kOk) pos_ += d.record.size();
  return d;
}

}  // namespace floe::wal
