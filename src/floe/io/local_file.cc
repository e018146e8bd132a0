#include "floe/io/local_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>
#include <system_error>

namespace floe::io {
namespace {

std::string ErrnoText(int err) { return std::system_category().message(err); }

// Maps an errno from an operation on `path` to a Status.
Status ErrnoStatus(int err, std::string_view what, const std::string& path) {
  std::string msg = fmt::format("{}: {} failed: {}", path, what, ErrnoText(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status(StatusCode::kNotFound, std::move(msg));
    case EEXIST:
      return Status(StatusCode::kAlreadyExists, std::move(msg));
    case ENOSPC:
    case EDQUOT:
      return Status(StatusCode::kResourceExhausted, std::move(msg));
    case EINTR:
    case EAGAIN:
      return Status(StatusCode::kIOError, std::move(msg), /*retryable=*/true);
    default:
      return Status(StatusCode::kIOError, std::move(msg));
  }
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", dir);
  Status st;
  if (::fsync(fd) != 0 && errno != EINVAL) st = ErrnoStatus(errno, "fsync directory", dir);
  ::close(fd);
  return st;
}

std::string TempNameFor(const std::string& path) {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(::getpid()) << 32)};
  return fmt::format("{}.tmp.{:016x}", path, rng());
}

Status WriteAll(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

class LocalRandomAccessFile final : public RandomAccessFile {
 public:
  LocalRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }

  const std::string& name() const override { return path_; }
  Result<uint64_t> Size() override { return size_; }

  Result<std::string> ReadAt(uint64_t offset, uint64_t length) override {
    if (offset > size_ || length > size_ - offset) {
      return Status::Corruption("{}: read of {} bytes at offset {} is past the end ({} bytes)",
                                path_, length, offset, size_);
    }
    std::string out;
    out.resize(length);
    uint64_t done = 0;
    while (done < length) {
      const ssize_t r =
          ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, fmt::format("pread at offset {}", offset + done), path_);
      }
      if (r == 0) {
        return Status::IOError("{}: file shrank while reading: end of file at offset {}", path_,
                               offset + done);
      }
      done += static_cast<uint64_t>(r);
    }
    return out;
  }

 private:
  const std::string path_;
  const int fd_;
  const uint64_t size_;
};

class LocalWritableFile final : public WritableFile {
 public:
  LocalWritableFile(std::string path, std::string temp, int fd, const LocalWriteOptions& opts)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), opts_(opts) {
    buf_.reserve(opts_.buffer_size);
  }
  ~LocalWritableFile() override { Abort(); }

  const std::string& name() const override { return path_; }
  uint64_t Tell() const override { return flushed_ + buf_.size(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError("{}: append after close or abort", path_);
    if (buf_.size() + data.size() <= opts_.buffer_size) {
      buf_.append(data);
      return Status::OK();
    }
    FLOE_RETURN_IF_ERROR(Flush());
    if (data.size() >= opts_.buffer_size) {
      FLOE_RETURN_IF_ERROR(WriteAll(fd_, data.data(), data.size(), temp_));
      flushed_ += data.size();
      StartWriteBack();
      return Status::OK();
    }
    buf_.append(data);
    return Status::OK();
  }

  Status Close() override { return Commit(/*exclusive=*/false); }

  // Flushes and syncs the temp file, then publishes it under the final name: rename
  // (replacing any old object) or, when `exclusive`, link (AlreadyExists if present).
  Status Commit(bool exclusive) {
    if (fd_ < 0) return Status::IOError("{}: close after close or abort", path_);
    Status st = Flush();
    if (st.ok() && opts_.sync && ::fsync(fd_) != 0) st = ErrnoStatus(errno, "fsync", temp_);
    if (::close(fd_) != 0 && st.ok()) st = ErrnoStatus(errno, "close", temp_);
    fd_ = -1;
    if (st.ok()) {
      if (!exclusive) {
        if (::rename(temp_.c_str(), path_.c_str()) != 0) {
          st = ErrnoStatus(errno, "rename of temp file", path_);
        }
      } else {
        st = PublishExclusive();
      }
    }
    if (!st.ok() || exclusive) ::unlink(temp_.c_str());  // ENOENT after a renameat2: fine
    temp_.clear();
    if (st.ok() && opts_.sync) st = SyncDir(ParentDir(path_));
    return st;
  }

  // link(2) the temp file to the final name: fails with EEXIST, atomically, when the
  // name is taken. File systems without hard links get renameat2(RENAME_NOREPLACE).
  Status PublishExclusive() {
    int err = ::link(temp_.c_str(), path_.c_str()) == 0 ? 0 : errno;
    if (err == EPERM || err == EOPNOTSUPP || err == EMLINK) {
      err = ::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE) == 0
                ? 0
                : errno;
    }
    if (err == 0) return Status::OK();
    if (err == EEXIST) return Status::AlreadyExists("{}: object already exists", path_);
    return ErrnoStatus(err, "exclusive link of temp file", path_);
  }

  void Abort() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!temp_.empty()) {
      ::unlink(temp_.c_str());
      temp_.clear();
    }
    buf_.clear();
  }

 private:
  Status Flush() {
    Status st = WriteAll(fd_, buf_.data(), buf_.size(), temp_);
    if (st.ok()) flushed_ += buf_.size();
    buf_.clear();
    if (st.ok()) StartWriteBack();
    return st;
  }

  // Write-behind for files that will be synced: once kWriteBackBytes more are written, asks
  // the kernel to start writing them out (without waiting), so that the fsync at Commit
  // finds little left to do instead of the whole file. Only a hint: fsync still decides.
  void StartWriteBack() {
    static constexpr uint64_t kWriteBackBytes = uint64_t{8} << 20;
    if (!opts_.sync || flushed_ - write_back_from_ < kWriteBackBytes) return;
#ifdef SYNC_FILE_RANGE_WRITE
    ::sync_file_range(fd_, static_cast<off_t>(write_back_from_),
                      static_cast<off_t>(flushed_ - write_back_from_), SYNC_FILE_RANGE_WRITE);
#endif
    write_back_from_ = flushed_;
  }

  const std::string path_;
  std::string temp_;  // empty once renamed or removed
  int fd_;
  const LocalWriteOptions opts_;
  std::string buf_;
  uint64_t flushed_ = 0;          // handed to the kernel (the rest is in buf_)
  uint64_t write_back_from_ = 0;  // StartWriteBack has asked for everything before this
};

Result<std::unique_ptr<LocalWritableFile>> NewLocalWriter(const std::string& path,
                                                          const LocalWriteOptions& opts) {
  if (path.empty() || path.back() == '/') {
    return Status::InvalidArgument("'{}' is not a file path", path);
  }
  if (opts.create_parent_dirs) {
    std::error_code ec;
    std::filesystem::create_directories(ParentDir(path), ec);
    if (ec) return ErrnoStatus(ec.value(), "create parent directories", path);
  }
  std::string temp = TempNameFor(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "create temp file", temp);
  return std::make_unique<LocalWritableFile>(path, std::move(temp), fd, opts);
}

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> OpenLocalFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus(err, "fstat", path);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("{}: is a directory, not a file", path);
  }
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<LocalRandomAccessFile>(path, fd, static_cast<uint64_t>(st.st_size)));
}

Result<std::unique_ptr<WritableFile>> NewLocalWritableFile(const std::string& path,
                                                           const LocalWriteOptions& opts) {
  FLOE_ASSIGN_OR_RETURN(auto writer, NewLocalWriter(path, opts));
  return std::unique_ptr<WritableFile>(std::move(writer));
}

Status CreateLocalFileIfAbsent(const std::string& path, std::string_view data,
                               const LocalWriteOptions& opts) {
  if (::access(path.c_str(), F_OK) == 0) {
    return Status::AlreadyExists("{}: object already exists", path);
  }
  FLOE_ASSIGN_OR_RETURN(auto writer, NewLocalWriter(path, opts));
  FLOE_RETURN_IF_ERROR(writer->Append(data));
  return writer->Commit(/*exclusive=*/true);
}

}  // namespace floe::io
