#include "floe/format/parquet/file_reader.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>

#include "floe/format/parquet/bloom_filter.h"
#include "floe/format/parquet/record_assembler.h"
#include "floe/io/object_store.h"

namespace floe::parquet {

namespace {

uint32_t LoadLE32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void CollectLeaves(const SchemaNode& n, std::set<int>* out) {
  if (n.kind == NodeKind::kPrimitive) {
    out->insert(n.leaf_index);
    return;
  }
  for (const SchemaNode& c : n.children) CollectLeaves(c, out);
}

// Marks the leaves a columnar path selects. `parts` walks struct fields; lists pass
// through to their element, maps through "key"/"value" (else the whole map).
bool SelectPath(const SchemaNode& n, const std::vector<std::string>& parts, size_t i,
                std::set<int>* out) {
  if (i == parts.size()) {
    CollectLeaves(n, out);
    return true;
  }
  switch (n.kind) {
    case NodeKind::kPrimitive:
      return false;
    case NodeKind::kStruct:
      for (const SchemaNode& c : n.children) {
        if (c.name == parts[i]) return SelectPath(c, parts, i + 1, out);
      }
      return false;
    case NodeKind::kList:
      if (parts[i] == "element" || parts[i] == "list")
        return SelectPath(n.children[0], parts, i + 1, out);
      return SelectPath(n.children[0], parts, i, out);
    case NodeKind::kMap:
    case NodeKind::kVariant:
      CollectLeaves(n, out);  // read whole: keys and values (variant parts) go together
      return true;
  }
  return false;
}

// A copy of `n` keeping only the parts with selected leaves; nullopt when none.
std::optional<SchemaNode> Prune(const SchemaNode& n, const std::set<int>& selected) {
  if (n.kind == NodeKind::kPrimitive) {
    if (!selected.count(n.leaf_index)) return std::nullopt;
    return n;
  }
  SchemaNode out = n;
  out.children.clear();
  std::vector<Field> fields;
  for (const SchemaNode& c : n.children) {
    auto p = Prune(c, selected);
    if (!p) continue;
    fields.push_back(Field{p->name, p->type, p->nullable, p->field_id});
    out.children.push_back(std::move(*p));
  }
  if (out.children.empty()) return std::nullopt;
  if (n.kind == NodeKind::kVariant) {
    if (out.children.size() != n.children.size()) return std::nullopt;
  } else if (n.kind == NodeKind::kStruct) {
    out.type = types::Struct(std::move(fields));
  } else if (n.kind == NodeKind::kList) {
    Field el = n.type->children[0];
    el.type = out.children[0].type;
    out.type = types::List(el);
  } else if (out.children.size() != 2) {
    return std::nullopt;  // a map needs both key and value (SelectPath ensures it)
  }
  return out;
}

std::vector<std::string> SplitPath(const std::string& p) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = p.find('.', start);
    parts.push_back(p.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

}  // namespace

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<io::RandomAccessFile> file,
                                                     ReaderOptions options) {
  std::unique_ptr<FileReader> r(new FileReader());
  r->file_ = std::move(file);
  r->options_ = std::move(options);
  FLOE_RETURN_IF_ERROR(r->ReadFooter());
  FLOE_RETURN_IF_ERROR(r->Project());
  for (const ColumnPredicate& p : r->options_.filter) {
    auto bound = BoundPredicate::Bind(p, *r->schema_);
    if (!bound.ok()) return bound.status().WithContext(r->file_->name());
    r->predicates_.push_back(std::move(*bound));
  }
  r->row_group_order_.resize(r->metadata_->row_groups.size());
  std::iota(r->row_group_order_.begin(), r->row_group_order_.end(), 0);
  return r;
}

Status FileReader::ReadFooter() {
  const std::string& name = file_->name();
  FLOE_ASSIGN_OR_RETURN(file_size_, file_->Size());
  if (file_size_ < 12) {
    return Status::Corruption("{}: {} bytes is too small to be a Parquet file (needs at least 12)",
                              name, file_size_);
  }
  const uint64_t tail_len = std::min(file_size_, std::max<uint64_t>(options_.footer_read_size, 8));
  FLOE_ASSIGN_OR_RETURN(std::string tail, file_->ReadAt(file_size_ - tail_len, tail_len));
  const std::string_view magic(tail.data() + tail.size() - 4, 4);
  if (IsEncryptedFooterMagic(magic)) {
    return Status::NotSupported(
        "{}: the footer is encrypted (magic PARE); floe does not read "
        "encrypted Parquet files",
        name);
  }
  if (magic != kParquetMagic) {
    return Status::Corruption("{}: not a Parquet file: the last 4 bytes are not 'PAR1' (offset {})",
                              name, file_size_ - 4);
  }
  const uint64_t footer_len = LoadLE32(tail.data() + tail.size() - 8);
  if (footer_len == 0 || footer_len > file_size_ - 12 || footer_len > options_.max_footer_size) {
    return Status::Corruption("{}: footer length {} at offset {} does not fit the file size {}",
                              name, footer_len, file_size_ - 8, file_size_);
  }
  const uint64_t footer_start = file_size_ - 8 - footer_len;
  std::string footer;
  if (footer_len + 8 <= tail.size()) {
    footer = tail.substr(tail.size() - 8 - footer_len, footer_len);
  } else {
    FLOE_ASSIGN_OR_RETURN(footer, file_->ReadAt(footer_start, footer_len));
  }
  auto md = DecodeFileMetaData(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(footer.data()), footer.size()));
  if (!md.ok()) {
    return md.status().WithContext(fmt::format("{}: footer at offset {}", name, footer_start));
  }
  if (md->encryption_algorithm) {
    return Status::NotSupported(
        "{}: columns are encrypted (plaintext footer with an encryption "
        "algorithm); floe does not read encrypted Parquet files",
        name);
  }
  if (md->num_rows < 0) {
    return Status::Corruption("{}: footer says {} rows", name, md->num_rows);
  }
  auto schema = SchemaDescriptor::FromElements(md->schema);
  if (!schema.ok()) return schema.status().WithContext(name);
  schema_ = std::move(*schema);
  for (size_t i = 0; i < md->row_groups.size(); ++i) {
    const RowGroup& rg = md->row_groups[i];
    if (rg.columns.size() != static_cast<size_t>(schema_->num_columns())) {
      return Status::Corruption("{}: row group {} has {} column chunks, the schema {} columns",
                                name, i, rg.columns.size(), schema_->num_columns());
    }
    if (rg.num_rows < 0) {
      return Status::Corruption("{}: row group {} says {} rows", name, i, rg.num_rows);
    }
  }
  metadata_ = std::make_shared<const FileMetaData>(std::move(*md));
  return Status::OK();
}

Status FileReader::Project() {
  std::set<int> selected;
  if (options_.columns.empty()) {
    for (int i = 0; i < schema_->num_columns(); ++i) selected.insert(i);
    projected_fields_ = schema_->fields();
  } else {
    for (const std::string& path : options_.columns) {
      const std::vector<std::string> parts = SplitPath(path);
      bool found = false;
      for (const SchemaNode& f : schema_->fields()) {
        if (f.name == parts[0]) {
          found = SelectPath(f, parts, 1, &selected);
          break;
        }
      }
      if (!found) {
        std::vector<std::string> names;
        for (const Field& f : schema_->schema()->fields) names.push_back(f.name);
        return Status::InvalidArgument("{}: no column '{}' (columns: {})", file_->name(), path,
                                       fmt::join(names, ", "));
      }
    }
    for (const SchemaNode& f : schema_->fields()) {
      if (auto p = Prune(f, selected)) projected_fields_.push_back(std::move(*p));
    }
  }
  std::vector<Field> fields;
  for (const SchemaNode& n : projected_fields_) {
    fields.push_back(Field{n.name, n.type, n.nullable, n.field_id});
  }
  auto schema = std::make_shared<Schema>(std::move(fields));
  if (metadata_->key_value_metadata) {
    for (const KeyValue& kv : *metadata_->key_value_metadata) {
      schema->metadata[kv.key] = kv.value.value_or("");
    }
  }
  projected_schema_ = std::move(schema);
  leaves_.assign(selected.begin(), selected.end());
  return Status::OK();
}

Result<io::ByteRange> FileReader::ChunkRange(const ColumnChunk& chunk, int column) const {
  const std::string& path = schema_->columns()[column].dotted_path;
  if (chunk.file_path) {
    return Status::NotSupported("{}: column '{}' lives in another file ('{}')", file_->name(), path,
                                *chunk.file_path);
  }
  if (!chunk.meta_data) {
    return Status::Corruption("{}: column '{}' has no metadata", file_->name(), path);
  }
  const ColumnMetaData& m = *chunk.meta_data;
  if (m.num_values == 0) return io::ByteRange{0, 0};  // nothing to decode
  int64_t start = m.data_page_offset;
  // The chunk starts at its dictionary page when there is one (some writers record a
  // dictionary offset of 0 for "none", and some a data page offset of 0).
  if (m.dictionary_page_offset && *m.dictionary_page_offset >= 4 &&
      (*m.dictionary_page_offset < start || start < 4)) {
    start = *m.dictionary_page_offset;
  }
  const int64_t len = m.total_compressed_size;
  if (start < 4 || len < 0 || static_cast<uint64_t>(start) > file_size_ ||
      static_cast<uint64_t>(len) > file_size_ - static_cast<uint64_t>(start)) {
    return Status::Corruption(
        "{}: column '{}' chunk at offset {} with {} bytes lies outside the "
        "file ({} bytes)",
        file_->name(), path, start, len, file_size_);
  }
  return io::ByteRange{static_cast<uint64_t>(start), static_cast<uint64_t>(len)};
}

Result<RecordBatch> FileReader::ReadRowGroup(int index) {
  if (index < 0 || index >= num_row_groups()) {
    return Status::InvalidArgument("{}: no row group {} (the file has {})", file_->name(), index,
                                   num_row_groups());
  }
  FLOE_ASSIGN_OR_RETURN(auto selected, SelectRows(index));
  if (selected) return ReadRows(index, *selected);
  const RowGroup& rg = metadata_->row_groups[index];
  std::vector<io::ByteRange> ranges;
  ranges.reserve(leaves_.size());
  std::vector<io::ByteRange> to_read;
  for (int leaf : leaves_) {
    FLOE_ASSIGN_OR_RETURN(io::ByteRange r, ChunkRange(rg.columns[leaf], leaf));
    ranges.push_back(r);
    if (r.length > 0) to_read.push_back(r);
  }
  FLOE_ASSIGN_OR_RETURN(std::vector<std::string> fetched,
                        file_->ReadRanges(to_read, options_.coalesce));
  std::vector<std::string> chunks(ranges.size());
  for (size_t i = 0, j = 0; i < ranges.size(); ++i) {
    if (ranges[i].length > 0) chunks[i] = std::move(fetched[j++]);
  }

  std::vector<LeafData> leaf_data(schema_->num_columns());
  for (size_t i = 0; i < leaves_.size(); ++i) {
    const int leaf = leaves_[i];
    const std::string& bytes = chunks[i];
    auto data = ReadColumnChunk(
        schema_->columns()[leaf], *rg.columns[leaf].meta_data,
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
        ranges[i].offset, file_->name(), options_.column);
    if (!data.ok()) {
      return data.status().WithContext(fmt::format("row group {}", index));
    }
    leaf_data[leaf] = std::move(*data);
    std::string().swap(chunks[i]);
  }
  RecordBatch batch;
  batch.schema = projected_schema_;
  batch.num_rows = rg.num_rows;
  for (const SchemaNode& node : projected_fields_) {
    auto col = AssembleColumn(node, leaf_data, rg.num_rows);
    if (!col.ok()) {
      return col.status().WithContext(fmt::format("{}: row group {}", file_->name(), index));
    }
    batch.columns.push_back(std::move(*col));
  }
  return batch;
}

void FileReader::SelectRowGroups(std::vector<int> row_groups) {
  row_group_order_ = std::move(row_groups);
  next_row_group_ = 0;
}

Result<std::optional<RecordBatch>> FileReader::Next() {
  while (next_row_group_ < row_group_order_.size()) {
    const int index = row_group_order_[next_row_group_++];
    if (!predicates_.empty()) {
      FLOE_ASSIGN_OR_RETURN(bool might_match, RowGroupMightMatch(index));
      if (!might_match) continue;
    }
    FLOE_ASSIGN_OR_RETURN(RecordBatch b, ReadRowGroup(index));
    if (!predicates_.empty() && b.num_rows == 0) continue;
    stats_.row_groups_read++;
    stats_.rows_returned += b.num_rows;
    return std::optional<RecordBatch>(std::move(b));
  }
  return std::optional<RecordBatch>();
}

Result<bool> FileReader::RowGroupMightMatch(int index) {
  const RowGroup& rg = metadata_->row_groups.at(index);
  if (options_.use_statistics) {
    for (const BoundPredicate& p : predicates_) {
      const ColumnChunk& cc = rg.columns[p.leaf()];
      if (cc.meta_data && !p.MightMatchChunk(*cc.meta_data, *metadata_)) {
        stats_.row_groups_pruned_by_statistics++;
        return false;
      }
    }
  }
  if (!options_.use_bloom_filters) return true;
  for (const BoundPredicate& p : predicates_) {
    const ColumnChunk& cc = rg.columns[p.leaf()];
    if (!p.UsesBloomFilter() || !cc.meta_data || !cc.meta_data->bloom_filter_offset) continue;
    const int64_t offset = *cc.meta_data->bloom_filter_offset;
    const std::string& path = schema_->columns()[p.leaf()].dotted_path;
    if (offset < 4 || static_cast<uint64_t>(offset) >= file_size_) {
      return Status::Corruption("{}: column '{}' bloom filter offset {} lies outside the file",
                                file_->name(), path, offset);
    }
    // The header is small; read it with the bitset when the footer gives the length.
    const uint64_t left = file_size_ - static_cast<uint64_t>(offset);
    uint64_t first = cc.meta_data->bloom_filter_length && *cc.meta_data->bloom_filter_length > 0
                         ? static_cast<uint64_t>(*cc.meta_data->bloom_filter_length)
                         : 256;
    first = std::min(first, left);
    FLOE_ASSIGN_OR_RETURN(std::string bytes, file_->ReadAt(offset, first));
    size_t header_len = 0;
    auto header = DecodeBloomFilterHeader(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
        &header_len);
    if (!header.ok()) {
      return header.status().WithContext(
          fmt::format("{}: column '{}' bloom filter at offset {}", file_->name(), path, offset));
    }
    if (header->algorithm.kind != BloomFilterAlgorithm::Kind::kBlock ||
        header->hash.kind != BloomFilterHash::Kind::kXxhash ||
        header->compression.kind != BloomFilterCompression::Kind::kUncompressed) {
      continue;  // a filter floe cannot probe
    }
    const int64_t num_bytes = header->num_bytes;
    if (num_bytes <= 0 || static_cast<uint64_t>(num_bytes) > left - header_len) {
      return Status::Corruption("{}: column '{}' bloom filter at offset {} claims {} bytes",
                                file_->name(), path, offset, num_bytes);
    }
    if (bytes.size() < header_len + num_bytes) {
      FLOE_ASSIGN_OR_RETURN(std::string rest, file_->ReadAt(offset + header_len, num_bytes));
      bytes = bytes.substr(0, header_len) + rest;
    }
    auto filter = BloomFilter::FromBitset(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(bytes.data()) + header_len, num_bytes));
    if (!filter.ok()) {
      return filter.status().WithContext(
          fmt::format("{}: column '{}' bloom filter at offset {}", file_->name(), path, offset));
    }
    if (!p.MightMatchBloom(*filter)) {
      stats_.row_groups_pruned_by_bloom_filter++;
      return false;
    }
  }
  return true;
}

Result<std::vector<OffsetIndex>> FileReader::ReadOffsetIndexes(const RowGroup& rg,
                                                               const std::vector<int>& leaves) {
  std::vector<OffsetIndex> out(leaves.size());
  std::vector<io::ByteRange> ranges;
  std::vector<size_t> which;
  for (size_t i = 0; i < leaves.size(); ++i) {
    const ColumnChunk& cc = rg.columns[leaves[i]];
    if (!cc.offset_index_offset || !cc.offset_index_length) continue;
    const int64_t off = *cc.offset_index_offset, len = *cc.offset_index_length;
    if (off < 4 || len <= 0 || static_cast<uint64_t>(off) > file_size_ ||
        static_cast<uint64_t>(len) > file_size_ - off) {
      return Status::Corruption(
          "{}: column '{}' offset index at {} ({} bytes) lies outside the file", file_->name(),
          schema_->columns()[leaves[i]].dotted_path, off, len);
    }
    ranges.push_back({static_cast<uint64_t>(off), static_cast<uint64_t>(len)});
    which.push_back(i);
  }
  FLOE_ASSIGN_OR_RETURN(auto bytes, file_->ReadRanges(ranges, options_.coalesce));
  for (size_t k = 0; k < which.size(); ++k) {
    const std::string& b = bytes[k];
    const std::string& path = schema_->columns()[leaves[which[k]]].dotted_path;
    auto oi = DecodeOffsetIndex(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
    if (!oi.ok()) {
      return oi.status().WithContext(
          fmt::format("{}: column '{}' offset index", file_->name(), path));
    }
    // Pages must start at increasing rows within the row group and lie in the file.
    int64_t prev = -1;
    for (const PageLocation& loc : oi->page_locations) {
      if (loc.first_row_index <= prev || loc.first_row_index >= std::max<int64_t>(rg.num_rows, 1) ||
          loc.offset < 4 || loc.compressed_page_size <= 0 ||
          static_cast<uint64_t>(loc.offset) > file_size_ ||
          static_cast<uint64_t>(loc.compressed_page_size) > file_size_ - loc.offset) {
        return Status::Corruption(
            "{}: column '{}' offset index has an invalid page location "
            "(offset {}, size {}, first row {})",
            file_->name(), path, loc.offset, loc.compressed_page_size, loc.first_row_index);
      }
      prev = loc.first_row_index;
    }
    if (!oi->page_locations.empty() && oi->page_locations[0].first_row_index != 0) {
      return Status::Corruption("{}: column '{}' offset index does not start at row 0",
                                file_->name(), path);
    }
    out[which[k]] = std::move(*oi);
  }
  return out;
}

Result<std::optional<std::vector<RowRange>>> FileReader::SelectRows(int index) {
  using Selection = std::optional<std::vector<RowRange>>;
  if (!options_.use_page_index || predicates_.empty()) return Selection();
  const RowGroup& rg = metadata_->row_groups[index];
  std::vector<RowRange> rows = {{0, rg.num_rows}};
  bool used = false;
  for (const BoundPredicate& p : predicates_) {
    const ColumnChunk& cc = rg.columns[p.leaf()];
    if (!cc.column_index_offset || !cc.column_index_length) continue;
    FLOE_ASSIGN_OR_RETURN(auto oi, ReadOffsetIndexes(rg, {p.leaf()}));
    const std::vector<PageLocation>& locs = oi[0].page_locations;
    if (locs.empty()) continue;
    const int64_t off = *cc.column_index_offset, len = *cc.column_index_length;
    if (off < 4 || len <= 0 || static_cast<uint64_t>(off) > file_size_ ||
        static_cast<uint64_t>(len) > file_size_ - off) {
      return Status::Corruption("{}: column index at {} ({} bytes) lies outside the file",
                                file_->name(), off, len);
    }
    FLOE_ASSIGN_OR_RETURN(std::string b, file_->ReadAt(off, len));
    auto ci = DecodeColumnIndex(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
    if (!ci.ok()) return ci.status().WithContext(fmt::format("{}: column index", file_->name()));
    if (ci->null_pages.size() != locs.size()) continue;  // inconsistent: do not prune
    const std::vector<bool> match = p.MightMatchPages(*ci);
    std::vector<RowRange> page_rows;
    for (size_t i = 0; i < locs.size(); ++i) {
      if (!match[i]) continue;
      page_rows.push_back({locs[i].first_row_index,
                           i + 1 < locs.size() ? locs[i + 1].first_row_index : rg.num_rows});
    }
    rows = IntersectRanges(rows, NormalizeRanges(std::move(page_rows)));
    used = true;
  }
  if (!used || (rows.size() == 1 && rows[0] == RowRange{0, rg.num_rows})) return Selection();
  return Selection(std::move(rows));
}

namespace {

void LeavesOf(const SchemaNode& n, std::vector<int>* out) {
  if (n.kind == NodeKind::kPrimitive) {
    out->push_back(n.leaf_index);
    return;
  }
  for (const SchemaNode& c : n.children) LeavesOf(c, out);
}

// The rows of page i of `locs` in a row group of `num_rows` rows.
RowRange PageRows(const std::vector<PageLocation>& locs, size_t i, int64_t num_rows) {
  return {locs[i].first_row_index, i + 1 < locs.size() ? locs[i + 1].first_row_index : num_rows};
}

bool Overlaps(const RowRange& page, const std::vector<RowRange>& ranges) {
  for (const RowRange& r : ranges) {
    if (r.begin < page.end && page.begin < r.end) return true;
  }
  return false;
}

// `target` (within `span`) in the coordinates of the rows `span` lists back to back.
std::vector<RowRange> Relative(const std::vector<RowRange>& span,
                               const std::vector<RowRange>& target) {
  std::vector<RowRange> out;
  int64_t base = 0;
  size_t t = 0;
  for (const RowRange& s : span) {
    while (t < target.size() && target[t].begin < s.end) {
      out.push_back({base + target[t].begin - s.begin, base + target[t].end - s.begin});
      ++t;
    }
    base += s.size();
  }
  return out;
}

}  // namespace

Result<RecordBatch> FileReader::ReadRows(int index, const std::vector<RowRange>& target) {
  const RowGroup& rg = metadata_->row_groups[index];
  RecordBatch batch;
  batch.schema = projected_schema_;
  batch.num_rows = CountRows(target);
  if (target.empty()) {
    stats_.row_groups_pruned_by_page_index++;
    for (const SchemaNode& node : projected_fields_) {
      batch.columns.push_back(ColumnBuilder(node.type).Finish());
    }
    return batch;
  }
  std::vector<LeafData> leaf_data(schema_->num_columns());
  for (const SchemaNode& node : projected_fields_) {
    std::vector<int> leaves;
    LeavesOf(node, &leaves);
    FLOE_ASSIGN_OR_RETURN(std::vector<OffsetIndex> oi, ReadOffsetIndexes(rg, leaves));
    bool indexed = true;
    for (const OffsetIndex& o : oi) indexed = indexed && !o.page_locations.empty();

    // The rows to decode: with offset indexes, the smallest set of whole pages of every
    // leaf covering the target (all leaves must decode the same rows to assemble them).
    std::vector<RowRange> span = {{0, rg.num_rows}};
    if (indexed) {
      span = target;
      while (true) {
        std::vector<RowRange> grown;
        for (const OffsetIndex& o : oi) {
          for (size_t i = 0; i < o.page_locations.size(); ++i) {
            const RowRange pr = PageRows(o.page_locations, i, rg.num_rows);
            if (Overlaps(pr, span)) grown.push_back(pr);
          }
        }
        grown = NormalizeRanges(std::move(grown));
        if (grown == span) break;
        span = std::move(grown);
      }
    }
    for (size_t k = 0; k < leaves.size(); ++k) {
      const int leaf = leaves[k];
      const ColumnChunk& cc = rg.columns[leaf];
      FLOE_ASSIGN_OR_RETURN(io::ByteRange chunk, ChunkRange(cc, leaf));
      std::vector<io::ByteRange> ranges;
      if (!indexed) {
        if (chunk.length > 0) ranges.push_back(chunk);
      } else {
        const auto& locs = oi[k].page_locations;
        if (static_cast<uint64_t>(locs[0].offset) > chunk.offset) {
          ranges.push_back({chunk.offset, locs[0].offset - chunk.offset});  // dictionary page
        }
        for (size_t i = 0; i < locs.size(); ++i) {
          if (Overlaps(PageRows(locs, i, rg.num_rows), span)) {
            ranges.push_back({static_cast<uint64_t>(locs[i].offset),
                              static_cast<uint64_t>(locs[i].compressed_page_size)});
          } else {
            stats_.pages_skipped++;
          }
        }
      }
      FLOE_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            file_->ReadRanges(ranges, options_.coalesce));
      std::string bytes;
      for (std::string& part : parts) bytes += part;
      auto data = ReadColumnChunk(
          schema_->columns()[leaf], *cc.meta_data,
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
          ranges.empty() ? 0 : ranges[0].offset, file_->name(), options_.column,
          /*whole_chunk=*/!indexed);
      if (!data.ok()) return data.status().WithContext(fmt::format("row group {}", index));
      leaf_data[leaf] = std::move(*data);
    }
    auto col = AssembleColumn(node, leaf_data, CountRows(span));
    if (!col.ok()) {
      return col.status().WithContext(fmt::format("{}: row group {}", file_->name(), index));
    }
    const std::vector<RowRange> rel = Relative(span, target);
    batch.columns.push_back(TakeRanges(**col, rel));
  }
  return batch;
}

Result<std::string> FileReader::ReadRange(uint64_t offset, uint64_t length) {
  if (offset > file_size_ || length > file_size_ - offset) {
    return Status::Corruption("{}: range {}+{} lies outside the file ({} bytes)", file_->name(),
                              offset, length, file_size_);
  }
  return file_->ReadAt(offset, length);
}

Result<std::unique_ptr<FileReader>> OpenParquetFile(std::string_view uri, ReaderOptions options) {
  FLOE_ASSIGN_OR_RETURN(std::unique_ptr<io::RandomAccessFile> f, io::OpenForRead(uri));
  return FileReader::Open(std::shared_ptr<io::RandomAccessFile>(std::move(f)), std::move(options));
}

}  // namespace floe::parquet
