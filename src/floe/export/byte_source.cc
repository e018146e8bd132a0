#include "floe/export/byte_source.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "floe/io/object_store.h"

namespace floe::exporter {

namespace {

constexpr size_t kStoredChunk = size_t{1} << 20;

// Reads a file descriptor (a local file or standard input).
class FdSource final : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }

 protected:
  Result<size_t> ReadStored(char* dst, size_t capacity) override {
    while (true) {
      const ssize_t n = ::read(fd_, dst, capacity);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return Status::IOError("{}: read failed: {}", name(), std::strerror(errno));
    }
  }

 private:
  int fd_;
  bool owned_;
};

// Reads an object-store object front to back.
class ObjectSource final : public ByteSource {
 public:
  ObjectSource(std::unique_ptr<io::RandomAccessFile> file, uint64_t size)
      : file_(std::move(file)), size_(size) {}

 protected:
  Result<size_t> ReadStored(char* dst, size_t capacity) override {
    const uint64_t n = std::min<uint64_t>(capacity, size_ - pos_);
    if (n == 0) return size_t{0};
    FLOE_ASSIGN_OR_RETURN(std::string bytes, file_->ReadAt(pos_, n));
    std::memcpy(dst, bytes.data(), bytes.size());
    pos_ += bytes.size();
    return bytes.size();
  }

 private:
  std::unique_ptr<io::RandomAccessFile> file_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view raw) : raw_(raw) {}

 protected:
  Result<size_t> ReadStored(char* dst, size_t capacity) override {
    const size_t n = std::min(capacity, raw_.size() - pos_);
    std::memcpy(dst, raw_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view raw_;
  size_t pos_ = 0;
};

bool IsUri(const std::string& path) { return path.find("://") != std::string::npos; }

}  // namespace

std::string_view InputCompressionName(InputCompression c) {
  switch (c) {
    case InputCompression::kNone:
      return "none";
    case InputCompression::kGzip:
      return "gzip";
    case InputCompression::kZstd:
      return "zstd";
  }
  return "?";
}

InputCompression DetectCompression(std::string_view head) {
  if (head.size() >= 2 && static_cast<uint8_t>(head[0]) == 0x1f &&
      static_cast<uint8_t>(head[1]) == 0x8b) {
    return InputCompression::kGzip;
  }
  if (head.size() >= 4 && static_cast<uint8_t>(head[0]) == 0x28 &&
      static_cast<uint8_t>(head[1]) == 0xb5 && static_cast<uint8_t>(head[2]) == 0x2f &&
      static_cast<uint8_t>(head[3]) == 0xfd) {
    return InputCompression::kZstd;
  }
  return InputCompression::kNone;
}

struct ByteSource::Decoder {
  z_stream z{};
  bool z_open = false;
  bool z_stream_end = false;  // the last gzip member ended cleanly
  ZSTD_DStream* zstd = nullptr;
  size_t zstd_hint = 0;  // last ZSTD_decompressStream result: 0 at a frame boundary
  bool zstd_started = false;

  ~Decoder() {
    if (z_open) inflateEnd(&z);
    if (zstd != nullptr) ZSTD_freeDStream(zstd);
  }
};

ByteSource::~ByteSource() {
  if (hash_state_ != nullptr) XXH3_freeState(static_cast<XXH3_state_t*>(hash_state_));
}

Result<std::unique_ptr<ByteSource>> ByteSource::Open(const std::string& path) {
  std::unique_ptr<ByteSource> src;
  if (path == "-") {
    src = std::make_unique<FdSource>(STDIN_FILENO, /*owned=*/false);
    src->name_ = "<stdin>";
  } else if (IsUri(path) && path.rfind("file://", 0) != 0) {
    FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForRead(path));
    FLOE_ASSIGN_OR_RETURN(uint64_t size, file->Size());
    src = std::make_unique<ObjectSource>(std::move(file), size);
    src->name_ = path;
  } else {
    const std::string local = path.rfind("file://", 0) == 0 ? path.substr(7) : path;
    const int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound("{}: no such file", path);
      return Status::IOError("{}: cannot open: {}", path, std::strerror(errno));
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    src = std::make_unique<FdSource>(fd, /*owned=*/true);
    src->name_ = path;
  }
  FLOE_RETURN_IF_ERROR(src->Start());
  return src;
}

Result<std::unique_ptr<ByteSource>> ByteSource::FromMemory(std::string_view raw, std::string name) {
  std::unique_ptr<ByteSource> src = std::make_unique<MemorySource>(raw);
  src->name_ = std::move(name);
  FLOE_RETURN_IF_ERROR(src->Start());
  return src;
}

uint64_t ByteSource::content_hash() const {
  return XXH3_64bits_digest(static_cast<XXH3_state_t*>(hash_state_));
}

Result<size_t> ByteSource::FillStored() {
  if (stored_pos_ > 0 && stored_pos_ == stored_end_) stored_pos_ = stored_end_ = 0;
  if (stored_eof_ || stored_end_ == stored_.size()) return size_t{0};
  FLOE_ASSIGN_OR_RETURN(size_t n,
                        ReadStored(stored_.data() + stored_end_, stored_.size() - stored_end_));
  if (n == 0) {
    stored_eof_ = true;
    return size_t{0};
  }
  XXH3_64bits_update(static_cast<XXH3_state_t*>(hash_state_), stored_.data() + stored_end_, n);
  stored_end_ += n;
  stored_read_ += n;
  return n;
}

Status ByteSource::Start() {
  hash_state_ = XXH3_createState();
  if (hash_state_ == nullptr) return Status::ResourceExhausted("{}: out of memory", name_);
  XXH3_64bits_reset(static_cast<XXH3_state_t*>(hash_state_));
  stored_.resize(kStoredChunk);
  // Read until 4 bytes are available (or the input ends) to see the magic number.
  while (stored_end_ < 4) {
    FLOE_ASSIGN_OR_RETURN(size_t n, FillStored());
    if (n == 0) break;
  }
  compression_ = DetectCompression(std::string_view(stored_.data(), stored_end_));
  decoder_ = std::make_unique<Decoder>();
  if (compression_ == InputCompression::kGzip) {
    // 15 + 16: gzip wrapper only.
    if (inflateInit2(&decoder_->z, 15 + 16) != Z_OK) {
      return Status::ResourceExhausted("{}: cannot start gzip decoder", name_);
    }
    decoder_->z_open = true;
  } else if (compression_ == InputCompression::kZstd) {
    decoder_->zstd = ZSTD_createDStream();
    if (decoder_->zstd == nullptr) {
      return Status::ResourceExhausted("{}: cannot start zstd decoder", name_);
    }
    ZSTD_initDStream(decoder_->zstd);
    // Bound the window a hostile frame may ask for (128 MiB).
    ZSTD_DCtx_setParameter(decoder_->zstd, ZSTD_d_windowLogMax, 27);
  }
  started_ = true;
  return Status::OK();
}

Result<size_t> ByteSource::ReadDecoded(char* dst, size_t capacity) {
  if (!started_) return Status::Internal("{}: ByteSource not started", name_);
  if (capacity == 0) return size_t{0};
  if (compression_ == InputCompression::kNone) {
    if (stored_pos_ == stored_end_) {
      // Large reads bypass the staging buffer.
      if (capacity >= kStoredChunk && !stored_eof_) {
        FLOE_ASSIGN_OR_RETURN(size_t n, ReadStored(dst, capacity));
        if (n == 0) stored_eof_ = true;
        XXH3_64bits_update(static_cast<XXH3_state_t*>(hash_state_), dst, n);
        stored_read_ += n;
        return n;
      }
      FLOE_ASSIGN_OR_RETURN(size_t n, FillStored());
      if (n == 0) return size_t{0};
    }
    const size_t n = std::min(capacity, stored_end_ - stored_pos_);
    std::memcpy(dst, stored_.data() + stored_pos_, n);
    stored_pos_ += n;
    return n;
  }

  Decoder& d = *decoder_;
  while (true) {
    if (stored_pos_ == stored_end_ && !stored_eof_) {
      FLOE_RETURN_IF_ERROR(FillStored().status());
    }
    const bool no_input = stored_pos_ == stored_end_;
    size_t produced = 0;
    if (compression_ == InputCompression::kGzip) {
      if (d.z_stream_end) {
        if (no_input) return size_t{0};
        // Another gzip member follows (concatenated .gz files).
        inflateReset(&d.z);
        d.z_stream_end = false;
      }
      d.z.next_in = reinterpret_cast<Bytef*>(stored_.data() + stored_pos_);
      d.z.avail_in = static_cast<uInt>(stored_end_ - stored_pos_);
      d.z.next_out = reinterpret_cast<Bytef*>(dst);
      d.z.avail_out = static_cast<uInt>(std::min<size_t>(capacity, UINT32_MAX));
      const int rc = inflate(&d.z, Z_NO_FLUSH);
      stored_pos_ = stored_end_ - d.z.avail_in;
      produced = std::min<size_t>(capacity, UINT32_MAX) - d.z.avail_out;
      if (rc == Z_STREAM_END) {
        d.z_stream_end = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Corruption("{}: gzip data is damaged near stored byte {}: {}", name_,
                                  stored_read_ - (stored_end_ - stored_pos_),
                                  d.z.msg != nullptr ? d.z.msg : "inflate failed");
      }
      if (produced == 0 && no_input) {
        if (!d.z_stream_end) {
          return Status::Corruption("{}: gzip data ends early (truncated after {} bytes)", name_,
                                    stored_read_);
        }
        return size_t{0};
      }
    } else {
      // At a frame boundary with no input left the input is complete (calling again would
      // start waiting for another frame's header).
      if (no_input && d.zstd_hint == 0 && d.zstd_started) return size_t{0};
      d.zstd_started = true;
      ZSTD_inBuffer in{stored_.data() + stored_pos_, stored_end_ - stored_pos_, 0};
      ZSTD_outBuffer out{dst, capacity, 0};
      const size_t rc = ZSTD_decompressStream(d.zstd, &out, &in);
      stored_pos_ += in.pos;
      if (ZSTD_isError(rc)) {
        return Status::Corruption("{}: zstd data is damaged near stored byte {}: {}", name_,
                                  stored_read_ - (stored_end_ - stored_pos_),
                                  ZSTD_getErrorName(rc));
      }
      d.zstd_hint = rc;
      produced = out.pos;
      if (produced == 0 && no_input) {
        if (d.zstd_hint != 0) {
          return Status::Corruption("{}: zstd data ends early (truncated after {} bytes)", name_,
                                    stored_read_);
        }
        return size_t{0};
      }
    }
    if (produced > 0) return produced;
  }
}

}  // namespace floe::exporter
