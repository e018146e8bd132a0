// Avro object container files (specification, "Object Container Files").
//
//   file   := magic "Obj\x01", metadata (a map<bytes>), 16-byte sync marker, block*
//   block  := long object count, long byte size, the (compressed) serialized objects,
//             the file's sync marker
// Metadata holds "avro.schema" (the writer's schema JSON) and "avro.codec" (absent = null),
// plus user entries; Iceberg puts "schema", "partition-spec", "partition-spec-id",
// "format-version" and "content" there.
//
// ContainerReader streams a file block by block: it holds one block (compressed and
// decompressed) at a time, reading through io::RandomAccessFile (ranged reads) or over a
// caller-owned byte span. Every count and size read from the file is bounded by the bytes
// left and by ContainerReaderOptions; errors are kCorruption naming the file, the block
// index, its byte offset and (for bad values) the field path. Not thread-safe.
//
// ContainerWriter appends records to a block buffer and emits a block when the buffer
// reaches ContainerWriterOptions::block_size_bytes (and on Close). Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floe/common/status.h"
#include "floe/format/avro/binary_codec.h"
#include "floe/format/avro/block_codec.h"
#include "floe/format/avro/datum.h"
#include "floe/format/avro/schema.h"
#include "floe/io/file.h"

namespace floe::avro {

inline constexpr std::string_view kContainerMagic{"Obj\x01", 4};
inline constexpr size_t kSyncSize = 16;

using Metadata = std::vector<std::pair<std::string, std::string>>;

struct ContainerReaderOptions {
  // Largest block accepted, compressed or decompressed (kResourceExhausted beyond).
  size_t max_block_bytes = 256u << 20;
  // Largest header (magic, metadata map, sync) accepted.
  size_t max_header_bytes = 64u << 20;
};

class ContainerReader {
 public:
  // Reads and validates the header of `file` (shared so the reader may outlive the caller's
  // handle). Errors name file->name().
  static Result<std::unique_ptr<ContainerReader>> Open(std::shared_ptr<io::RandomAccessFile> file,
                                                       const ContainerReaderOptions& options = {});
  // Reads from `bytes`, which the caller keeps alive and unchanged while the reader lives.
  static Result<std::unique_ptr<ContainerReader>> Open(std::span<const uint8_t> bytes,
                                                       std::string name = "<memory>",
                                                       const ContainerReaderOptions& options = {});
  static Result<std::unique_ptr<ContainerReader>> Open(std::string_view bytes,
                                                       std::string name = "<memory>",
                                                       const ContainerReaderOptions& options = {}) {
    return Open(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
        std::move(name), options);
  }

  const SchemaPtr& schema() const { return schema_; }
  Codec codec() const { return codec_; }
  // Every metadata entry in file order (including avro.schema and avro.codec).
  const Metadata& metadata() const { return metadata_; }
  // The value of metadata entry `key`, if present.
  std::optional<std::string_view> GetMetadata(std::string_view key) const;
  const std::array<uint8_t, kSyncSize>& sync_marker() const { return sync_; }

  // Block level: loads and decompresses the next block. Returns false at the end of file.
  Result<bool> NextBlock();
  // The current block's object count, its uncompressed bytes, its file offset and index.
  int64_t block_object_count() const { return block_count_; }
  std::string_view block_data() const { return block_data_; }
  uint64_t block_offset() const { return block_offset_; }
  int64_t block_index() const { return block_index_; }

  // Record level: decodes the next object into *out (loading blocks as needed). Returns
  // false at the end of file. Record Datums point into schema(): keep it alive.
  Result<bool> Next(Datum* out);
  // Every remaining object.
  Result<std::vector<Datum>> ReadAll();

 private:
  ContainerReader() = default;
  Status ReadHeader();
  Status BlockError(Status s) const;

  std::shared_ptr<io::RandomAccessFile> file_;
  ContainerReaderOptions options_;
  uint64_t file_size_ = 0;
  uint64_t next_offset_ = 0;  // where the next block starts
  SchemaPtr schema_;
  Codec codec_ = Codec::kNull;
  Metadata metadata_;
  std::array<uint8_t, kSyncSize> sync_{};

  std::string compressed_;
  std::string block_data_;
  int64_t block_count_ = 0;
  int64_t block_remaining_ = 0;
  uint64_t block_offset_ = 0;
  int64_t block_index_ = -1;
  std::optional<BinaryDecoder> decoder_;
};

struct ContainerWriterOptions {
  Codec codec = Codec::kDeflate;
  // Compression level; nullopt = the codec's default.
  std::optional<int> level;
  // A block is emitted once its uncompressed objects reach this many bytes.
  size_t block_size_bytes = 1u << 20;
  // Extra metadata entries written after avro.schema and avro.codec (keys must not start
  // with "avro.").
  Metadata metadata;
  // The sync marker; random when unset.
  std::optional<std::array<uint8_t, kSyncSize>> sync_marker;
};

class ContainerWriter {
 public:
  // Writes the header to `file`, which the caller owns and keeps alive until Close().
  static Result<std::unique_ptr<ContainerWriter>> Open(io::WritableFile* file, SchemaPtr schema,
                                                       ContainerWriterOptions options = {});

  // Encodes `record` (a value of the schema's root type) into the current block.
  // kInvalidArgument, naming the field path, when it does not fit the schema; the block
  // is then left as it was before the call.
  Status Append(const Datum& record);
  // Emits the current block, if it holds any objects.
  Status Flush();
  // Flushes and closes the file. The writer accepts nothing afterwards.
  Status Close();

  const SchemaPtr& schema() const { return schema_; }
  int64_t records_written() const { return records_; }
  // Bytes handed to the file so far plus the pending (uncompressed) block.
  uint64_t EstimatedSize() const { return file_->Tell() + pending_.size(); }

 private:
  ContainerWriter() = default;

  io::WritableFile* file_ = nullptr;
  SchemaPtr schema_;
  ContainerWriterOptions options_;
  std::array<uint8_t, kSyncSize> sync_{};
  std::string pending_;
  int64_t pending_count_ = 0;
  int64_t records_ = 0;
  std::string scratch_;
  bool closed_ = false;
};

// Convenience: writes `records` into an in-memory container file.
Result<std::string> WriteContainer(SchemaPtr schema, const std::vector<Datum>& records,
                                   ContainerWriterOptions options = {});

}  // namespace floe::avro
