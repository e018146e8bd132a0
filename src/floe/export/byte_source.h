// ByteSource: the bytes of one export input, decompressed on the fly. Reads a local file,
// standard input ("-") or any object-store URI (io/object_store.h) sequentially, detects gzip
// (RFC 1952, several members allowed) and zstd (RFC 8878, several frames allowed) from the
// first bytes, and hashes the stored (compressed) bytes as they pass so the state file can
// record the content hash without a second read.
//
// Memory is bounded by one read chunk and the decompressor's window. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "floe/common/status.h"

namespace floe::exporter {

enum class InputCompression : uint8_t { kNone, kGzip, kZstd };

std::string_view InputCompressionName(InputCompression c);

// The compression whose magic number starts `head` (kNone when none matches or `head` is
// shorter than the magic).
InputCompression DetectCompression(std::string_view head);

class ByteSource {
 public:
  // Opens `path` ("-" is standard input). The compression is detected from the content.
  // NotFound when the file does not exist.
  static Result<std::unique_ptr<ByteSource>> Open(const std::string& path);
  // A source over `raw` (tests); the bytes must outlive the source.
  static Result<std::unique_ptr<ByteSource>> FromMemory(std::string_view raw,
                                                        std::string name = "<memory>");
  virtual ~ByteSource();

  // Reads up to `capacity` decompressed bytes into `dst`; 0 at the end. Corruption (naming
  // the input and the stored offset) for damaged or truncated compressed data.
  Result<size_t> Read(char* dst, size_t capacity) {
    FLOE_ASSIGN_OR_RETURN(size_t n, ReadDecoded(dst, capacity));
    decoded_read_ += n;
    return n;
  }

  const std::string& name() const { return name_; }
  InputCompression compression() const { return compression_; }
  // Stored bytes consumed so far (compressed bytes for compressed inputs).
  uint64_t stored_bytes_read() const { return stored_read_; }
  // Decompressed bytes handed out so far.
  uint64_t decompressed_bytes_read() const { return decoded_read_; }
  // XXH3-64 of the stored bytes consumed so far; of the whole input once Read returned 0.
  uint64_t content_hash() const;

 protected:
  ByteSource() = default;
  // Reads up to `capacity` stored bytes; 0 at the end.
  virtual Result<size_t> ReadStored(char* dst, size_t capacity) = 0;

 private:
  struct Decoder;
  Status Start();
  Result<size_t> ReadDecoded(char* dst, size_t capacity);
  Result<size_t> FillStored();

  std::string name_;
  InputCompression compression_ = InputCompression::kNone;
  std::unique_ptr<Decoder> decoder_;
  std::string stored_;  // stored bytes not yet decompressed: [stored_pos_, stored_end_)
  size_t stored_pos_ = 0;
  size_t stored_end_ = 0;
  bool stored_eof_ = false;
  uint64_t stored_read_ = 0;
  uint64_t decoded_read_ = 0;
  void* hash_state_ = nullptr;  // XXH3_state_t
  bool started_ = false;
};

}  // namespace floe::exporter
