#include "floe/format/avro/container.h"

#include <algorithm>
#include <cstring>
#include <random>

namespace floe::avro {

namespace {

// A RandomAccessFile over caller-owned bytes (no copy of the whole file).
class SpanFile final : public io::RandomAccessFile {
 public:
  SpanFile(std::span<const uint8_t> bytes, std::string name)
      : bytes_(bytes), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Result<uint64_t> Size() override { return static_cast<uint64_t>(bytes_.size()); }
  Result<std::string> ReadAt(uint64_t offset, uint64_t length) override {
    if (offset > bytes_.size() || length > bytes_.size() - offset) {
      return Status::Corruption("{}: read of {} bytes at {} past the end ({} bytes)", name_, length,
                                offset, bytes_.size());
    }
    return std::string(reinterpret_cast<const char*>(bytes_.data()) + offset, length);
  }

 private:
  std::span<const uint8_t> bytes_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<ContainerReader>> ContainerReader::Open(
    std::shared_ptr<io::RandomAccessFile> file, const ContainerReaderOptions& options) {
  std::unique_ptr<ContainerReader> r(new ContainerReader());
  r->file_ = std::move(file);
  r->options_ = options;
  FLOE_RETURN_IF_ERROR(r->ReadHeader());
  return r;
}

Result<std::unique_ptr<ContainerReader>> ContainerReader::Open(
    std::span<const uint8_t> bytes, std::string name, const ContainerReaderOptions& options) {
  return Open(std::make_shared<SpanFile>(bytes, std::move(name)), options);
}

std::optional<std::string_view> ContainerReader::GetMetadata(std::string_view key) const {
  for (const auto& [k, v] : metadata_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

Status ContainerReader::ReadHeader() {
  const std::string& name = file_->name();
  FLOE_ASSIGN_OR_RETURN(file_size_, file_->Size());
  if (file_size_ < kContainerMagic.size() + 1 + kSyncSize) {
    return Status::Corruption("{}: {} bytes is too short for an avro container file", name,
                              file_size_);
  }
  const uint64_t limit = std::min<uint64_t>(file_size_, options_.max_header_bytes);
  uint64_t want = std::min<uint64_t>(limit, 4096);
  while (true) {
    FLOE_ASSIGN_OR_RETURN(std::string head, file_->ReadAt(0, want));
    if (head.compare(0, 4, kContainerMagic) != 0) {
      return Status::Corruption("{}: not an avro container file (bad magic)", name);
    }
    BinaryDecoder dec(std::string_view(head).substr(4));
    Metadata meta;
    Status st;
    while (st.ok()) {
      auto count = dec.ReadLong();
      if (!count.ok()) {
        st = count.status();
        break;
      }
      int64_t n = *count;
      if (n == 0) break;
      if (n < 0) {
        if (n == INT64_MIN) {
          st = Status::Corruption("avro: bad metadata block count");
          break;
        }
        n = -n;
        auto size = dec.ReadLong();
        if (!size.ok()) {
          st = size.status();
          break;
        }
      }
      // Every entry takes at least two bytes (two lengths).
      if (static_cast<uint64_t>(n) > dec.remaining() / 2) {
        if (want < limit) {
          st = Status::Corruption("avro: truncated metadata");
          break;
        }
        st = Status::Corruption("avro: metadata block of {} entries exceeds {} bytes left", n,
                                dec.remaining());
        break;
      }
      for (int64_t i = 0; i < n && st.ok(); ++i) {
        auto k = dec.ReadBytes();
        if (!k.ok()) {
          st = k.status();
          break;
        }
        auto v = dec.ReadBytes();
        if (!v.ok()) {
          st = v.status();
          break;
        }
        meta.emplace_back(std::string(*k), std::string(*v));
      }
    }
    if (st.ok() && dec.remaining() < kSyncSize) st = Status::Corruption("avro: truncated sync");
    if (!st.ok()) {
      const bool short_read = dec.hit_end() || dec.remaining() < kSyncSize ||
                              st.message().find("truncated") != std::string::npos;
      if (short_read && want < limit) {
        want = std::min<uint64_t>(limit, want * 4);
        continue;
      }
      return Status::Corruption("{}: bad avro header: {}", name, st.message());
    }
    auto sync = dec.ReadFixed(kSyncSize);
    std::memcpy(sync_.data(), sync->data(), kSyncSize);
    next_offset_ = 4 + dec.position();
    metadata_ = std::move(meta);
    break;
  }
  auto schema_json = GetMetadata("avro.schema");
  if (!schema_json) return Status::Corruption("{}: avro header has no avro.schema", name);
  auto schema = Schema::Parse(*schema_json);
  if (!schema.ok()) {
    return Status::Corruption("{}: avro.schema: {}", name, schema.status().message());
  }
  schema_ = std::move(schema).value();
  auto codec = CodecFromName(GetMetadata("avro.codec").value_or("null"));
  if (!codec.ok()) return codec.status().WithContext(name);
  codec_ = *codec;
  return Status::OK();
}

Status ContainerReader::BlockError(Status s) const {
  return Status(s.code(), fmt::format("{}: block {} at byte {}: {}", file_->name(), block_index_,
                                      block_offset_, s.message()));
}

Result<bool> ContainerReader::NextBlock() {
  if (decoder_ && block_remaining_ == 0 && decoder_->remaining() > 0) {
    return BlockError(Status::Corruption("{} bytes left over after its {} objects",
                                         decoder_->remaining(), block_count_));
  }
  decoder_.reset();
  block_count_ = block_remaining_ = 0;
  block_data_.clear();
  if (next_offset_ >= file_size_) return false;
  ++block_index_;
  block_offset_ = next_offset_;
  const uint64_t head_len = std::min<uint64_t>(20, file_size_ - next_offset_);
  FLOE_ASSIGN_OR_RETURN(std::string head, file_->ReadAt(next_offset_, head_len));
  BinaryDecoder dec(head);
  auto count = dec.ReadLong();
  if (!count.ok()) return BlockError(count.status());
  auto size = dec.ReadLong();
  if (!size.ok()) return BlockError(size.status());
  if (*count < 0) return BlockError(Status::Corruption("negative object count {}", *count));
  const uint64_t data_offset = next_offset_ + dec.position();
  const uint64_t left = file_size_ - data_offset;
  if (*size < 0 || static_cast<uint64_t>(*size) > left || left - *size < kSyncSize) {
    return BlockError(
        Status::Corruption("block size {} exceeds the {} bytes left in the file", *size, left));
  }
  if (static_cast<uint64_t>(*size) > options_.max_block_bytes) {
    return BlockError(Status::ResourceExhausted("block of {} bytes exceeds the limit of {}", *size,
                                                options_.max_block_bytes));
  }
  FLOE_ASSIGN_OR_RETURN(compressed_, file_->ReadAt(data_offset, *size + kSyncSize));
  if (std::memcmp(compressed_.data() + *size, sync_.data(), kSyncSize) != 0) {
    return BlockError(Status::Corruption("sync marker mismatch at byte {}", data_offset + *size));
  }
  compressed_.resize(*size);
  Status st = DecompressBlock(codec_, compressed_, options_.max_block_bytes, &block_data_);
  if (!st.ok()) return BlockError(st);
  const size_t min = MinEncodedSize(schema_->root());
  const bool too_many = min == 0 ? *count > kMaxZeroWidthItems
                                 : static_cast<uint64_t>(*count) > block_data_.size() / min;
  if (too_many) {
    return BlockError(
        Status::Corruption("{} objects cannot fit in {} bytes", *count, block_data_.size()));
  }
  block_count_ = block_remaining_ = *count;
  next_offset_ = data_offset + *size + kSyncSize;
  decoder_.emplace(std::string_view(block_data_));
  return true;
}

Result<bool> ContainerReader::Next(Datum* out) {
  while (block_remaining_ == 0) {
    FLOE_ASSIGN_OR_RETURN(bool more, NextBlock());
    if (!more) return false;
  }
  const size_t at = decoder_->position();
  Status st = decoder_->Decode(schema_->root(), out);
  if (!st.ok()) {
    return BlockError(
        Status(st.code(), fmt::format("object {} (block byte {}): {}",
                                      block_count_ - block_remaining_, at, st.message())));
  }
  --block_remaining_;
  return true;
}

Result<std::vector<Datum>> ContainerReader::ReadAll() {
  std::vector<Datum> out;
  Datum d;
  while (true) {
    FLOE_ASSIGN_OR_RETURN(bool more, Next(&d));
    if (!more) break;
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::unique_ptr<ContainerWriter>> ContainerWriter::Open(io::WritableFile* file,
                                                               SchemaPtr schema,
                                                               ContainerWriterOptions options) {
  if (file == nullptr || schema == nullptr) {
    return Status::InvalidArgument("avro writer: null file or schema");
  }
  for (const auto& [k, v] : options.metadata) {
    if (k.starts_with("avro.")) {
      return Status::InvalidArgument("avro writer: metadata key '{}' is reserved", k);
    }
  }
  std::unique_ptr<ContainerWriter> w(new ContainerWriter());
  w->file_ = file;
  w->schema_ = std::move(schema);
  w->options_ = std::move(options);
  if (w->options_.sync_marker) {
    w->sync_ = *w->options_.sync_marker;
  } else {
    std::random_device rd;
    for (size_t i = 0; i < kSyncSize; i += 4) {
      const uint32_t r = rd();
      std::memcpy(w->sync_.data() + i, &r, 4);
    }
  }
  std::string header(kContainerMagic);
  BinaryEncoder enc(&header);
  enc.WriteLong(static_cast<int64_t>(2 + w->options_.metadata.size()));
  enc.WriteBytes("avro.schema");
  enc.WriteBytes(w->schema_->ToJsonString());
  enc.WriteBytes("avro.codec");
  enc.WriteBytes(CodecName(w->options_.codec));
  for (const auto& [k, v] : w->options_.metadata) {
    enc.WriteBytes(k);
    enc.WriteBytes(v);
  }
  enc.WriteLong(0);
  header.append(reinterpret_cast<const char*>(w->sync_.data()), kSyncSize);
  FLOE_RETURN_IF_ERROR(file->Append(header));
  return w;
}

Status ContainerWriter::Append(const Datum& record) {
  if (closed_) return Status::InvalidArgument("{}: avro writer is closed", file_->name());
  const size_t before = pending_.size();
  BinaryEncoder enc(&pending_);
  Status st = enc.Encode(schema_->root(), record);
  if (!st.ok()) {
    pending_.resize(before);
    return st.WithContext(file_->name());
  }
  ++pending_count_;
  ++records_;
  if (pending_.size() >= options_.block_size_bytes) return Flush();
  return Status::OK();
}

Status ContainerWriter::Flush() {
  if (pending_count_ == 0) return Status::OK();
  scratch_.clear();
  BinaryEncoder enc(&scratch_);
  enc.WriteLong(pending_count_);
  std::string body;
  FLOE_RETURN_IF_ERROR(CompressBlock(options_.codec, pending_, options_.level, &body));
  enc.WriteLong(static_cast<int64_t>(body.size()));
  scratch_.append(body);
  scratch_.append(reinterpret_cast<const char*>(sync_.data()), kSyncSize);
  FLOE_RETURN_IF_ERROR(file_->Append(scratch_));
  pending_.clear();
  pending_count_ = 0;
  return Status::OK();
}

Status ContainerWriter::Close() {
  if (closed_) return Status::OK();
  FLOE_RETURN_IF_ERROR(Flush());
  closed_ = true;
  return file_->Close();
}

Result<std::string> WriteContainer(SchemaPtr schema, const std::vector<Datum>& records,
                                   ContainerWriterOptions options) {
  io::BufferSink sink;
  FLOE_ASSIGN_OR_RETURN(auto writer,
                        ContainerWriter::Open(&sink, std::move(schema), std::move(options)));
  for (const Datum& d : records) FLOE_RETURN_IF_ERROR(writer->Append(d));
  FLOE_RETURN_IF_ERROR(writer->Close());
  return std::move(sink.buffer());
}

}  // namespace floe::avro
