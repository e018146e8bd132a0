#include "floe/format/parquet/file_writer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <thread>

#include "floe/common/version.h"
#include "floe/format/parquet/compression.h"

namespace floe::parquet {

namespace {

// True when `key` names `path` itself or a prefix of it ending at a component boundary.
bool KeyCovers(const std::string& key, const std::string& path) {
  return path == key || (path.size() > key.size() && path.compare(0, key.size(), key) == 0 &&
                         path[key.size()] == '.');
}

// The most specific key of `keys` covering `path`, or nullptr.
template <typename Iter, typename KeyOf>
const std::string* MostSpecific(Iter begin, Iter end, const std::string& path, KeyOf key_of) {
  const std::string* best = nullptr;
  for (Iter it = begin; it != end; ++it) {
    const std::string& k = key_of(*it);
    if (KeyCovers(k, path) && (best == nullptr || k.size() > best->size())) best = &k;
  }
  return best;
}

int64_t ColumnBytes(const Column& c) {
  int64_t n =
      static_cast<int64_t>(c.values.size() + c.data.size() + c.offsets.size() + c.validity.size());
  for (const ColumnPtr& child : c.children) n += ColumnBytes(*child);
  return n;
}

Status ValidateOptions(const WriterOptions& o) {
  if (o.row_group_bytes <= 0 || o.row_group_rows <= 0 || o.page_bytes <= 0 || o.page_rows <= 0 ||
      o.dictionary_page_bytes <= 0) {
    return Status::InvalidArgument(
        "parquet writer: sizes must be positive (row_group_bytes {}, row_group_rows {}, "
        "page_bytes {}, page_rows {}, dictionary_page_bytes {})",
        o.row_group_bytes, o.row_group_rows, o.page_bytes, o.page_rows, o.dictionary_page_bytes);
  }
  if (o.data_page_version != 1 && o.data_page_version != 2) {
    return Status::InvalidArgument("parquet writer: data page version {} (1 or 2)",
                                   o.data_page_version);
  }
  if (o.max_statistics_bytes < 1) {
    return Status::InvalidArgument("parquet writer: max_statistics_bytes {} (at least 1)",
                                   o.max_statistics_bytes);
  }
  if (!(o.bloom_filter_fpp > 0 && o.bloom_filter_fpp < 1)) {
    return Status::InvalidArgument("parquet writer: bloom_filter_fpp {} is not in (0, 1)",
                                   o.bloom_filter_fpp);
  }
  switch (o.compression) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
      break;  // no levels: compression_level is ignored
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kBrotli:
    case CompressionCodec::kLz4:
    case CompressionCodec::kLz4Raw:
      if (o.compression_level != kDefaultCompressionLevel) {
        FLOE_RETURN_IF_ERROR(ValidateCompressionLevel(o.compression, o.compression_level));
      }
      break;
    default:
      return Status::NotSupported("parquet writer: codec {} is not supported for writing",
                                  CodecName(o.compression));
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<io::WritableFile> file,
                                                     SchemaPtr schema, WriterOptions options) {
  if (!file) return Status::InvalidArgument("parquet writer: no output file");
  auto abort = [&](Status s) {
    file->Abort();
    return s;
  };
  if (!schema || schema->fields.empty()) {
    return abort(
        Status::InvalidArgument("parquet writer {}: the schema has no columns", file->name()));
  }
  Status s = ValidateOptions(options);
  if (!s.ok()) return abort(s.WithContext(file->name()));
  auto desc = SchemaDescriptor::FromSchema(*schema);
  if (!desc.ok()) return abort(desc.status().WithContext(file->name()));

  std::unique_ptr<FileWriter> w(new FileWriter());
  w->schema_ = std::move(schema);
  w->options_ = std::move(options);
  w->descriptor_ = std::move(desc).value();
  w->file_ = std::move(file);
  const WriterOptions& opts = w->options_;
  const std::vector<ColumnDescriptor>& leaves = w->descriptor_->columns();

  // Every option key must name a column.
  for (const auto& entry : opts.column_encodings) {
    const std::string& key = entry.first;  // not a structured binding: clang 14 cannot capture one
    if (std::none_of(leaves.begin(), leaves.end(),
                     [&](const ColumnDescriptor& c) { return KeyCovers(key, c.dotted_path); })) {
      return w->Fail(
          Status::InvalidArgument("parquet writer {}: column_encodings names '{}', "
                                  "which is not a column",
                                  w->file_->name(), key));
    }
  }
  for (const std::string& key : opts.bloom_filter_columns) {
    if (std::none_of(leaves.begin(), leaves.end(),
                     [&](const ColumnDescriptor& c) { return KeyCovers(key, c.dotted_path); })) {
      return w->Fail(
          Status::InvalidArgument("parquet writer {}: bloom_filter_columns names "
                                  "'{}', which is not a column",
                                  w->file_->name(), key));
    }
  }

  for (const SortedColumn& sc : opts.sorting_columns) {
    auto leaf = std::find_if(leaves.begin(), leaves.end(),
                             [&](const ColumnDescriptor& c) { return c.dotted_path == sc.column; });
    if (leaf == leaves.end()) {
      return w->Fail(
          Status::InvalidArgument("parquet writer {}: sorting_columns names '{}', which is "
                                  "not a leaf column",
                                  w->file_->name(), sc.column));
    }
    w->sorting_columns_.push_back(
        SortingColumn{static_cast<int32_t>(leaf - leaves.begin()), sc.descending, sc.nulls_first});
  }

  w->levels_ = std::make_unique<LevelBuilder>(*w->descriptor_);
  int threads = opts.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (threads > 1) w->pool_ = std::make_unique<WriterPool>(threads);
  w->scratch_.resize(leaves.size());
  for (const ColumnDescriptor& c : leaves) {
    std::optional<Encoding> requested;
    const std::string* key =
        MostSpecific(opts.column_encodings.begin(), opts.column_encodings.end(), c.dotted_path,
                     [](const auto& kv) -> const std::string& { return kv.first; });
    if (key) requested = opts.column_encodings.at(*key);
    auto enc = ChooseEncoding(c, opts, requested);
    if (!enc.ok()) return w->Fail(enc.status().WithContext(w->file_->name()));
    const bool bloom =
        MostSpecific(opts.bloom_filter_columns.begin(), opts.bloom_filter_columns.end(),
                     c.dotted_path,
                     [](const std::string& k) -> const std::string& { return k; }) != nullptr;
    const bool keep_dictionary = requested.has_value() && *enc == Encoding::kRleDictionary;
    auto cw = ColumnWriter::Make(c, opts, *enc, bloom, keep_dictionary, w->pool_.get());
    if (!cw.ok()) return w->Fail(cw.status().WithContext(w->file_->name()));
    w->columns_.push_back(std::move(cw).value());
    w->leaf_field_.push_back(w->levels_->LeafField(c.index));
  }

  w->metadata_.version = opts.data_page_version == 2 ? 2 : 1;
  w->metadata_.schema = w->descriptor_->elements();
  w->offset_ = static_cast<int64_t>(w->file_->Tell());  // 0 unless handed a started file
  FLOE_RETURN_IF_ERROR(w->Fail(w->Append(kParquetMagic)));
  return w;
}

FileWriter::~FileWriter() {
  write_behind_.reset();  // before the file goes
  if (file_ && !closed_ && status_.ok()) file_->Abort();
}

Status FileWriter::Fail(Status s) {
  if (!s.ok() && status_.ok()) {
    status_ = s;
    write_behind_.reset();  // stops writing first
    if (file_) file_->Abort();
  }
  return s;
}

Status FileWriter::Sink::Put(Buffer bytes) {
  if (!w_->pool_) return w_->Append(bytes.view());
  if (!w_->write_behind_) {
    // Started by the first row group, not by Open: an export may hold many files open, most
    // of which write nothing before Close.
    w_->write_behind_ = std::make_unique<io::WriteBehind>(
        w_->file_.get(), static_cast<size_t>(w_->options_.row_group_bytes));
  }
  w_->offset_ += static_cast<int64_t>(bytes.size());
  return w_->write_behind_->Append(std::move(bytes));
}

Status FileWriter::Append(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  return file_->Append(bytes);
}

Status FileWriter::StopWriteBehind() {
  if (!write_behind_) return Status::OK();
  Status s = write_behind_->Drain();
  write_behind_.reset();
  return s;
}

int64_t FileWriter::buffered_bytes() const {
  int64_t n = 0;
  for (const auto& c : columns_) n += c->buffered_bytes();
  return n;
}

Status FileWriter::Write(const RecordBatch& batch) {
  if (!status_.ok()) return status_;
  if (closed_)
    return Status::InvalidArgument("parquet writer {}: write after close", file_->name());
  if (batch.columns.size() != schema_->fields.size()) {
    return Fail(Status::InvalidArgument("parquet writer {}: batch has {} columns, schema {}",
                                        file_->name(), batch.columns.size(),
                                        schema_->fields.size()));
  }
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const ColumnPtr& c = batch.columns[i];
    if (!c || !c->type || !(*c->type == *schema_->fields[i].type)) {
      return Fail(Status::InvalidArgument(
          "parquet writer {}: column '{}' is {}, the schema says {}", file_->name(),
          schema_->fields[i].name, c && c->type ? c->type->ToString() : "missing",
          schema_->fields[i].type->ToString()));
    }
    if (c->length != batch.num_rows) {
      return Fail(Status::InvalidArgument("parquet writer {}: column '{}' has {} rows, batch {}",
                                          file_->name(), schema_->fields[i].name, c->length,
                                          batch.num_rows));
    }
    Status v = c->Validate();
    if (!v.ok()) {
      return Fail(Status::InvalidArgument("parquet writer {}: column '{}': {}", file_->name(),
                                          schema_->fields[i].name, v.message()));
    }
  }
  if (batch.num_rows == 0) return Status::OK();

  int64_t batch_bytes = 0;
  for (const ColumnPtr& c : batch.columns) batch_bytes += ColumnBytes(*c);
  const double input_per_row =
      std::max(1.0, static_cast<double>(batch_bytes) / static_cast<double>(batch.num_rows));

  int64_t row = 0;
  while (row < batch.num_rows) {
    int64_t take = std::min(batch.num_rows - row, options_.row_group_rows - row_group_rows_);
    // Rows that should still fit under row_group_bytes, at the row group's observed ratio
    // of encoded to in-memory bytes (1 before anything is encoded).
    const int64_t buffered = buffered_bytes();
    const double ratio =
        row_group_input_bytes_ > 0 ? std::clamp(buffered / row_group_input_bytes_, 0.01, 1.0) : 1.0;
    const double room = static_cast<double>(options_.row_group_bytes - buffered);
    const int64_t fit = static_cast<int64_t>(std::ceil(room / (input_per_row * ratio)));
    take = std::clamp<int64_t>(fit, 1, std::max<int64_t>(take, 1));
    FLOE_RETURN_IF_ERROR(Fail(WriteSlice(batch, row, row + take)));
    row += take;
    row_group_rows_ += take;
    rows_written_ += take;
    row_group_input_bytes_ += input_per_row * static_cast<double>(take);
    if (row_group_rows_ >= options_.row_group_rows ||
        buffered_bytes() >= options_.row_group_bytes) {
      FLOE_RETURN_IF_ERROR(Fail(DoFlushRowGroup()));
    }
  }
  return Status::OK();
}

Status FileWriter::WriteSlice(const RecordBatch& batch, int64_t begin, int64_t end) {
  auto write_leaf = [&](size_t i) -> Status {
    ShreddedLeaf leaf;
    const Column& top = *batch.columns[leaf_field_[i]];
    FLOE_RETURN_IF_ERROR(levels_->Shred(static_cast<int>(i), top, begin, end, &scratch_[i], &leaf));
    return columns_[i]->Write(leaf);
  };
  if (!pool_) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      FLOE_RETURN_IF_ERROR(write_leaf(i).WithContext(file_->name()));
    }
    return Status::OK();
  }
  std::vector<Status> results(columns_.size());
  WriterPool::Group group;
  for (size_t i = 0; i < columns_.size(); ++i) {
    pool_->Submit(&group, [&, i] { results[i] = write_leaf(i); });
  }
  pool_->Wait(&group);
  for (const Status& s : results) FLOE_RETURN_IF_ERROR(s.WithContext(file_->name()));
  return Status::OK();
}

Status FileWriter::FlushRowGroup() {
  if (!status_.ok()) return status_;
  if (closed_)
    return Status::InvalidArgument("parquet writer {}: flush after close", file_->name());
  return Fail(DoFlushRowGroup());
}

Status FileWriter::DoFlushRowGroup() {
  if (row_group_rows_ == 0) return Status::OK();
  if (pool_) {
    std::vector<Status> results(columns_.size());
    WriterPool::Group group;
    for (size_t i = 0; i < columns_.size(); ++i) {
      pool_->Submit(&group, [&, i] { results[i] = columns_[i]->CloseChunk(); });
    }
    pool_->Wait(&group);
    for (const Status& s : results) FLOE_RETURN_IF_ERROR(s);
  } else {
    for (auto& c : columns_) FLOE_RETURN_IF_ERROR(c->CloseChunk());
  }
  RowGroup rg;
  rg.num_rows = row_group_rows_;
  rg.columns.resize(columns_.size());
  int64_t uncompressed = 0, compressed = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    FLOE_RETURN_IF_ERROR(columns_[i]->WriteChunk(&sink_, &rg.columns[i]));
    const ColumnMetaData& md = *rg.columns[i].meta_data;
    uncompressed += md.total_uncompressed_size;
    compressed += md.total_compressed_size;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    FLOE_RETURN_IF_ERROR(columns_[i]->WriteBloomFilter(&sink_, &rg.columns[i]));
  }
  std::vector<PendingIndex> indexes(columns_.size());
  if (options_.page_index) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      indexes[i].column_index = columns_[i]->TakeColumnIndex();
      indexes[i].offset_index = columns_[i]->TakeOffsetIndex();
    }
  }
  page_indexes_.push_back(std::move(indexes));
  if (!sorting_columns_.empty()) rg.sorting_columns = sorting_columns_;
  rg.total_byte_size = uncompressed;
  rg.total_compressed_size = compressed;
  // The row group's first page: the first chunk's dictionary page or first data page.
  const ColumnMetaData& first = *rg.columns[0].meta_data;
  rg.file_offset = first.dictionary_page_offset.value_or(first.data_page_offset);
  if (metadata_.row_groups.size() < static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    rg.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  }
  metadata_.row_groups.push_back(std::move(rg));
  metadata_.num_rows += row_group_rows_;
  row_group_rows_ = 0;
  row_group_input_bytes_ = 0;
  return Status::OK();
}

Status FileWriter::WritePageIndexes() {
  if (!options_.page_index) return Status::OK();
  Buffer buf;
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < page_indexes_[g].size(); ++c) {
      const auto& ci = page_indexes_[g][c].column_index;
      if (!ci) continue;
      buf.Clear();
      EncodeColumnIndex(*ci, &buf);
      ColumnChunk& chunk = metadata_.row_groups[g].columns[c];
      chunk.column_index_offset = offset_;
      chunk.column_index_length = static_cast<int32_t>(buf.size());
      FLOE_RETURN_IF_ERROR(Append(buf.view()));
    }
  }
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < page_indexes_[g].size(); ++c) {
      const OffsetIndex& oi = page_indexes_[g][c].offset_index;
      if (oi.page_locations.empty()) continue;
      buf.Clear();
      EncodeOffsetIndex(oi, &buf);
      ColumnChunk& chunk = metadata_.row_groups[g].columns[c];
      chunk.offset_index_offset = offset_;
      chunk.offset_index_length = static_cast<int32_t>(buf.size());
      FLOE_RETURN_IF_ERROR(Append(buf.view()));
    }
  }
  page_indexes_.clear();
  return Status::OK();
}

Status FileWriter::WriteFooter() {
  // Key-value metadata: the schema's, then the options' (which replace equal keys).
  std::map<std::string, std::string> kv(schema_->metadata.begin(), schema_->metadata.end());
  for (const auto& [k, v] : options_.key_value_metadata) kv[k] = v;
  if (!kv.empty()) {
    std::vector<KeyValue> list;
    for (const auto& [k, v] : kv) list.push_back(KeyValue{k, v});
    metadata_.key_value_metadata = std::move(list);
  }
  metadata_.created_by = kCreatedBy;
  metadata_.column_orders =
      std::vector<ColumnOrder>(columns_.size(), ColumnOrder{ColumnOrder::Kind::kTypeOrder, 0});
  Buffer footer;
  EncodeFileMetaData(metadata_, &footer);
  if (footer.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("parquet writer {}: footer of {} bytes is too large",
                                   file_->name(), footer.size());
  }
  const uint32_t len = static_cast<uint32_t>(footer.size());
  footer.Push<uint32_t>(len);
  footer.Append(kParquetMagic);
  return Append(footer.view());
}

Result<std::shared_ptr<const FileMetaData>> FileWriter::Close() {
  if (!status_.ok()) return status_;
  if (closed_) return Status::InvalidArgument("parquet writer {}: closed twice", file_->name());
  FLOE_RETURN_IF_ERROR(Fail(DoFlushRowGroup()));
  FLOE_RETURN_IF_ERROR(Fail(StopWriteBehind()));
  FLOE_RETURN_IF_ERROR(Fail(WritePageIndexes()));
  FLOE_RETURN_IF_ERROR(Fail(WriteFooter()));
  FLOE_RETURN_IF_ERROR(Fail(file_->Close()));
  closed_ = true;
  return std::make_shared<const FileMetaData>(std::move(metadata_));
}

}  // namespace floe::parquet
