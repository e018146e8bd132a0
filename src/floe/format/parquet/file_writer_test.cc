// FileWriter: file structure (magic, footer, offsets, page headers, CRCs), options
// (row groups, pages, dictionary fallback, page versions, codecs, Bloom filters, page
// index, key-value metadata) and round trips through the reader.
#include "floe/format/parquet/file_writer.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "floe/common/version.h"
#include "floe/format/parquet/bloom_filter.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/format/parquet/page_crc.h"
#include "floe/format/parquet/statistics.h"

namespace floe::parquet {
namespace {

// Writes `batches` with `options` into memory and returns the file bytes.
std::string WriteFile(const SchemaPtr& schema, const std::vector<RecordBatch>& batches,
                      const WriterOptions& options,
                      std::shared_ptr<const FileMetaData>* footer = nullptr) {
  auto sink = std::make_unique<io::BufferSink>("test.parquet");
  io::BufferSink* raw = sink.get();
  auto w = FileWriter::Open(std::move(sink), schema, options);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return "";
  for (const RecordBatch& b : batches) {
    Status s = (*w)->Write(b);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  auto md = (*w)->Close();
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  if (footer && md.ok()) *footer = *md;
  return raw->buffer();
}

FileMetaData ReadFooter(const std::string& file) {
  EXPECT_GE(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  auto md = DecodeFileMetaData(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(file.data()) + file.size() - 8 - len, len));
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  return md.ok() ? *md : FileMetaData{};
}

struct Page {
  PageHeader header;
  size_t offset = 0;       // of the header
  size_t body_offset = 0;  // of the stored bytes
};

// Every page of a column chunk, walking headers from its first page.
std::vector<Page> ReadPages(const std::string& file, const ColumnMetaData& md) {
  std::vector<Page> pages;
  size_t pos = static_cast<size_t>(md.dictionary_page_offset.value_or(md.data_page_offset));
  const size_t end = pos + static_cast<size_t>(md.total_compressed_size);
  while (pos < end) {
    size_t consumed = 0;
    auto h = DecodePageHeader(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(file.data()) + pos, end - pos),
        &consumed);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    if (!h.ok()) break;
    pages.push_back(Page{*h, pos, pos + consumed});
    pos += consumed + static_cast<size_t>(h->compressed_page_size);
  }
  EXPECT_EQ(pos, end);
  return pages;
}

Result<std::vector<RecordBatch>> ReadAll(const std::string& file) {
  auto f = std::make_shared<io::BufferFile>(file, "test.parquet");
  FLOE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(f));
  std::vector<RecordBatch> out;
  for (int i = 0; i < reader->num_row_groups(); ++i) {
    FLOE_ASSIGN_OR_RETURN(RecordBatch b, reader->ReadRowGroup(i));
    out.push_back(std::move(b));
  }
  return out;
}

SchemaPtr FlatSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      Field{"id", types::Int64(), false},
      Field{"name", types::String(), true},
      Field{"score", types::Float64(), true},
  });
}

// The page index structures of `chunk`, read from the file's bytes.
Result<ColumnIndex> ReadColumnIndex(const std::string& file, const ColumnChunk& chunk) {
  FLOE_ASSIGN_OR_RETURN(std::string raw, io::BufferFile(file).ReadAt(*chunk.column_index_offset,
                                                                     *chunk.column_index_length));
  return DecodeColumnIndex(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()));
}
Result<OffsetIndex> ReadOffsetIndex(const std::string& file, const ColumnChunk& chunk) {
  FLOE_ASSIGN_OR_RETURN(std::string raw, io::BufferFile(file).ReadAt(*chunk.offset_index_offset,
                                                                     *chunk.offset_index_length));
  return DecodeOffsetIndex(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()));
}

RecordBatch FlatBatch(int64_t first, int64_t n, int cardinality = 10) {
  BatchBuilder bb(FlatSchema());
  for (int64_t i = first; i < first + n; ++i) {
    bb.column(0).AppendInt(i);
    if (i % 7 == 3) {
      bb.column(1).AppendNull();
    } else {
      bb.column(1).AppendBytes("name-" + std::to_string(i % cardinality));
    }
    if (i % 5 == 0) {
      bb.column(2).AppendNull();
    } else {
      bb.column(2).AppendDouble(static_cast<double>(i) * 0.5);
    }
  }
  return bb.Finish();
}

TEST(FileWriter, FooterDescribesTheFile) {
  WriterOptions opts;
  opts.key_value_metadata = {{"origin", "test"}};
  std::shared_ptr<const FileMetaData> returned;
  const std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 1000)}, opts, &returned);
  FileMetaData md = ReadFooter(file);
  EXPECT_EQ(md, *returned);
  EXPECT_EQ(md.num_rows, 1000);
  EXPECT_EQ(md.created_by, std::string(kCreatedBy));
  ASSERT_TRUE(md.key_value_metadata);
  ASSERT_EQ(md.key_value_metadata->size(), 1u);
  EXPECT_EQ((*md.key_value_metadata)[0].key, "origin");
  ASSERT_TRUE(md.column_orders);
  EXPECT_EQ(md.column_orders->size(), 3u);
  ASSERT_EQ(md.row_groups.size(), 1u);
  const RowGroup& rg = md.row_groups[0];
  EXPECT_EQ(rg.num_rows, 1000);
  ASSERT_EQ(rg.columns.size(), 3u);
  int64_t total = 0;
  for (const ColumnChunk& c : rg.columns) {
    ASSERT_TRUE(c.meta_data);
    total += c.meta_data->total_compressed_size;
    EXPECT_EQ(c.meta_data->codec, CompressionCodec::kZstd);
    EXPECT_EQ(c.meta_data->num_values, 1000);
    EXPECT_TRUE(c.column_index_offset && c.offset_index_offset);
  }
  EXPECT_EQ(rg.total_compressed_size, total);
  // Statistics: id in [0, 999]; name has nulls at i % 7 == 3; score nulls at i % 5 == 0.
  const Statistics& id = *rg.columns[0].meta_data->statistics;
  int64_t lo, hi;
  std::memcpy(&lo, id.min_value->data(), 8);
  std::memcpy(&hi, id.max_value->data(), 8);
  EXPECT_EQ(lo, 0);
  EXPECT_EQ(hi, 999);
  EXPECT_EQ(id.null_count, 0);
  EXPECT_EQ(rg.columns[1].meta_data->statistics->null_count, 143);  // 3, 10, ..., 997
  EXPECT_EQ(*rg.columns[1].meta_data->statistics->min_value, "name-0");
  EXPECT_EQ(*rg.columns[1].meta_data->statistics->max_value, "name-9");
  EXPECT_EQ(rg.columns[2].meta_data->statistics->null_count, 200);
  EXPECT_EQ(rg.columns[2].meta_data->statistics->nan_count, 0);
}

TEST(FileWriter, RoundTripsThroughTheReader) {
  const std::string file =
      WriteFile(FlatSchema(), {FlatBatch(0, 500), FlatBatch(500, 700)}, WriterOptions{});
  auto batches = ReadAll(file);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 1u);
  const RecordBatch& b = (*batches)[0];
  ASSERT_EQ(b.num_rows, 1200);
  for (int64_t i = 0; i < 1200; ++i) {
    EXPECT_EQ(b.columns[0]->Value<int64_t>(i), i);
    if (i % 7 == 3) {
      EXPECT_TRUE(b.columns[1]->IsNull(i));
    } else {
      EXPECT_EQ(b.columns[1]->StringAt(i), "name-" + std::to_string(i % 10));
    }
    if (i % 5 == 0) {
      EXPECT_TRUE(b.columns[2]->IsNull(i));
    } else {
      EXPECT_EQ(b.columns[2]->Value<double>(i), static_cast<double>(i) * 0.5);
    }
  }
}

TEST(FileWriter, PagesCarryValidCrcsAndSizes) {
  for (int version : {1, 2}) {
    WriterOptions opts;
    opts.data_page_version = version;
    opts.page_rows = 100;
    const std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 1000)}, opts);
    FileMetaData md = ReadFooter(file);
    for (const ColumnChunk& c : md.row_groups[0].columns) {
      std::vector<Page> pages = ReadPages(file, *c.meta_data);
      int64_t uncompressed = 0;
      int data_pages = 0;
      for (const Page& p : pages) {
        ASSERT_TRUE(p.header.crc.has_value());
        const auto* body = reinterpret_cast<const uint8_t*>(file.data()) + p.body_offset;
        EXPECT_TRUE(PageCrcMatches(*p.header.crc,
                                   std::span<const uint8_t>(body, p.header.compressed_page_size)));
        uncompressed +=
            static_cast<int64_t>(p.body_offset - p.offset) + p.header.uncompressed_page_size;
        if (p.header.type == PageType::kDictionaryPage) {
          EXPECT_EQ(p.offset, static_cast<size_t>(*c.meta_data->dictionary_page_offset));
          continue;
        }
        ++data_pages;
        EXPECT_EQ(p.header.type, version == 2 ? PageType::kDataPageV2 : PageType::kDataPage);
        if (version == 2) {
          EXPECT_EQ(p.header.data_page_header_v2->num_rows, 100);
          EXPECT_EQ(p.header.data_page_header_v2->num_values, 100);
        } else {
          EXPECT_EQ(p.header.data_page_header->num_values, 100);
        }
      }
      EXPECT_EQ(data_pages, 10) << c.meta_data->path_in_schema[0];
      EXPECT_EQ(uncompressed, c.meta_data->total_uncompressed_size);
    }
    auto batches = ReadAll(file);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    EXPECT_EQ((*batches)[0].num_rows, 1000);
  }
}

TEST(FileWriter, DictionaryFallsBackToPlainWhenItOutgrowsItsLimit) {
  for (int version : {1, 2}) {
    WriterOptions opts;
    opts.data_page_version = version;
    opts.dictionary_page_bytes = 2000;
    opts.page_rows = 100;
    // Named explicitly, so the dictionary is kept although it does not pay off.
    opts.column_encodings = {{"name", Encoding::kRleDictionary}};
    // 1000 distinct names: the dictionary passes 2000 bytes after ~170 values.
    const std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 1000, 1000)}, opts);
    FileMetaData md = ReadFooter(file);
    const ColumnMetaData& name = *md.row_groups[0].columns[1].meta_data;
    ASSERT_TRUE(name.dictionary_page_offset.has_value());
    const PageType data_type = version == 2 ? PageType::kDataPageV2 : PageType::kDataPage;
    int dict_pages = 0, dict_data = 0, plain_data = 0;
    for (const PageEncodingStats& s : *name.encoding_stats) {
      if (s.page_type == PageType::kDictionaryPage) dict_pages += s.count;
      if (s.page_type == data_type && s.encoding == Encoding::kRleDictionary) dict_data += s.count;
      if (s.page_type == data_type && s.encoding == Encoding::kPlain) plain_data += s.count;
    }
    EXPECT_EQ(dict_pages, 1);
    EXPECT_GE(dict_data, 1);
    EXPECT_GE(plain_data, 1);
    EXPECT_EQ(dict_data + plain_data, 10);
    // The pages agree with the stats, dictionary page first, dictionary-encoded data
    // pages before PLAIN ones.
    std::vector<Page> pages = ReadPages(file, name);
    ASSERT_EQ(pages.size(), 11u);
    EXPECT_EQ(pages[0].header.type, PageType::kDictionaryPage);
    // The limit is checked between write steps (here at most a page of 100 values of
    // 4 + 8..9 bytes).
    EXPECT_LE(pages[0].header.uncompressed_page_size, 2000 + 100 * 13);
    bool seen_plain = false;
    for (size_t i = 1; i < pages.size(); ++i) {
      const Encoding e = version == 2 ? pages[i].header.data_page_header_v2->encoding
                                      : pages[i].header.data_page_header->encoding;
      if (e == Encoding::kPlain) seen_plain = true;
      if (seen_plain) {
        EXPECT_EQ(e, Encoding::kPlain);
      }
    }
    EXPECT_EQ(name.encodings.front(), Encoding::kPlain);  // the dictionary page's
    auto batches = ReadAll(file);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    for (int64_t i = 0; i < 1000; ++i) {
      if (i % 7 != 3) {
        EXPECT_EQ((*batches)[0].columns[1]->StringAt(i), "name-" + std::to_string(i));
      }
    }
  }
}

TEST(FileWriter, DictionaryThatDoesNotPayOffIsDroppedUnlessAskedFor) {
  // Unique strings: dictionary + indices would be larger than PLAIN.
  WriterOptions opts;
  std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 5000, 1 << 30)}, opts);
  FileMetaData md = ReadFooter(file);
  const ColumnMetaData& name = *md.row_groups[0].columns[1].meta_data;
  EXPECT_FALSE(name.dictionary_page_offset.has_value());
  for (const PageEncodingStats& s : *name.encoding_stats) EXPECT_EQ(s.encoding, Encoding::kPlain);
  // The id column (unique int64) likewise; the low-cardinality case keeps its dictionary.
  EXPECT_FALSE(md.row_groups[0].columns[0].meta_data->dictionary_page_offset.has_value());
  file = WriteFile(FlatSchema(), {FlatBatch(0, 5000, 10)}, opts);
  md = ReadFooter(file);
  EXPECT_TRUE(md.row_groups[0].columns[1].meta_data->dictionary_page_offset.has_value());

  opts.column_encodings = {{"name", Encoding::kRleDictionary}};
  file = WriteFile(FlatSchema(), {FlatBatch(0, 5000, 1 << 30)}, opts);
  md = ReadFooter(file);
  EXPECT_TRUE(md.row_groups[0].columns[1].meta_data->dictionary_page_offset.has_value());
}

TEST(FileWriter, DeltaFallbackEncodings) {
  WriterOptions opts;
  opts.fallback_encodings = FallbackEncodings::kDelta;
  opts.page_rows = 1000;
  // Unique ids and names: both dictionaries are dropped on the first page.
  std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 5000, 1 << 30)}, opts);
  FileMetaData md = ReadFooter(file);
  auto encodings_of = [&](int c) {
    std::set<Encoding> e;
    for (const PageEncodingStats& s : *md.row_groups[0].columns[c].meta_data->encoding_stats) {
      e.insert(s.encoding);
    }
    return e;
  };
  EXPECT_EQ(encodings_of(0), std::set<Encoding>{Encoding::kDeltaBinaryPacked});
  EXPECT_EQ(encodings_of(1), std::set<Encoding>{Encoding::kDeltaByteArray});
  EXPECT_EQ(encodings_of(2), std::set<Encoding>{Encoding::kPlain});  // doubles stay PLAIN
  auto batches = ReadAll(file);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  for (int64_t i = 0; i < 5000; ++i) {
    ASSERT_EQ((*batches)[0].columns[0]->Value<int64_t>(i), i);
    if (i % 7 != 3) {
      ASSERT_EQ((*batches)[0].columns[1]->StringAt(i), "name-" + std::to_string(i));
    }
  }
  // Without dictionaries at all.
  opts.dictionary = false;
  file = WriteFile(FlatSchema(), {FlatBatch(0, 100, 3)}, opts);
  md = ReadFooter(file);
  EXPECT_EQ(encodings_of(1), std::set<Encoding>{Encoding::kDeltaByteArray});
}

TEST(FileWriter, PagesSplitByBytesAtRowBoundaries) {
  // Rows of 1..3 strings of 1000 bytes; pages of ~4 KB hold whole rows only.
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{Field{"l", types::List(types::String(), false), false}});
  BatchBuilder bb(schema);
  const int64_t rows = 200;
  int64_t values = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int n = 1 + static_cast<int>(r % 3);
    for (int i = 0; i < n; ++i) bb.column(0).child(0).AppendBytes(std::string(1000, 'a' + r % 26));
    values += n;
    bb.column(0).CloseList();
  }
  WriterOptions opts;
  opts.page_bytes = 4000;
  opts.dictionary = false;
  opts.compression = CompressionCodec::kUncompressed;
  opts.data_page_version = 2;
  std::shared_ptr<const FileMetaData> md;
  const std::string file = WriteFile(schema, {bb.Finish()}, opts, &md);
  const ColumnChunk& chunk = md->row_groups[0].columns[0];
  std::vector<Page> pages = ReadPages(file, *chunk.meta_data);
  int64_t total_rows = 0, total_values = 0;
  for (const Page& p : pages) {
    const DataPageHeaderV2& h = *p.header.data_page_header_v2;
    total_rows += h.num_rows;
    total_values += h.num_values;
    // Stop once the limit is reached: at most one row (3 values) past 4000 bytes.
    EXPECT_LE(p.header.uncompressed_page_size, 4000 + 3 * 1004 + 64);
    EXPECT_GE(h.num_rows, 1);
  }
  EXPECT_EQ(total_rows, rows);
  EXPECT_EQ(total_values, values);
  EXPECT_GT(pages.size(), 40u);
  // The offset index lists each page with its first row.
  auto oi = ReadOffsetIndex(file, chunk);
  ASSERT_TRUE(oi.ok());
  ASSERT_EQ(oi->page_locations.size(), pages.size());
  int64_t first_row = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageLocation& loc = oi->page_locations[i];
    EXPECT_EQ(loc.offset, static_cast<int64_t>(pages[i].offset));
    EXPECT_EQ(loc.compressed_page_size,
              static_cast<int32_t>(pages[i].body_offset - pages[i].offset) +
                  pages[i].header.compressed_page_size);
    EXPECT_EQ(loc.first_row_index, first_row);
    first_row += pages[i].header.data_page_header_v2->num_rows;
  }
  auto batches = ReadAll(file);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  EXPECT_EQ((*batches)[0].num_rows, rows);
}

TEST(FileWriter, ColumnIndexMatchesPages) {
  WriterOptions opts;
  opts.page_rows = 100;
  std::shared_ptr<const FileMetaData> md;
  const std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 1000)}, opts, &md);
  const ColumnChunk& id = md->row_groups[0].columns[0];
  auto ci = ReadColumnIndex(file, id);
  ASSERT_TRUE(ci.ok()) << ci.status().ToString();
  ASSERT_EQ(ci->min_values.size(), 10u);
  for (int p = 0; p < 10; ++p) {
    int64_t lo, hi;
    std::memcpy(&lo, ci->min_values[p].data(), 8);
    std::memcpy(&hi, ci->max_values[p].data(), 8);
    EXPECT_EQ(lo, p * 100);
    EXPECT_EQ(hi, p * 100 + 99);
    EXPECT_FALSE(ci->null_pages[p]);
  }
  EXPECT_EQ(ci->boundary_order, BoundaryOrder::kAscending);
  // The index regions come after the row group and before the footer: column indexes
  // first, then offset indexes.
  EXPECT_GT(*id.column_index_offset, md->row_groups[0].columns[2].meta_data->data_page_offset);
  EXPECT_LT(*md->row_groups[0].columns[2].column_index_offset, *id.offset_index_offset);
}

TEST(FileWriter, RowGroupsByRowsAndBytes) {
  WriterOptions opts;
  opts.row_group_rows = 300;
  std::shared_ptr<const FileMetaData> md;
  std::string file = WriteFile(
      FlatSchema(), {FlatBatch(0, 500), FlatBatch(500, 500), FlatBatch(1000, 100)}, opts, &md);
  std::vector<int64_t> rows;
  for (const RowGroup& rg : md->row_groups) rows.push_back(rg.num_rows);
  EXPECT_EQ(rows, (std::vector<int64_t>{300, 300, 300, 200}));
  auto batches = ReadAll(file);
  ASSERT_TRUE(batches.ok());
  int64_t next = 0;
  for (const RecordBatch& b : *batches) {
    for (int64_t i = 0; i < b.num_rows; ++i) EXPECT_EQ(b.columns[0]->Value<int64_t>(i), next++);
  }
  EXPECT_EQ(next, 1100);

  // By bytes: incompressible 1 KB strings, 64 KB row groups.
  auto schema = std::make_shared<Schema>(std::vector<Field>{Field{"s", types::Binary(), false}});
  std::mt19937_64 rng(5);
  BatchBuilder bb(schema);
  for (int i = 0; i < 1000; ++i) {
    std::string v(1024, '\0');
    for (char& c : v) c = static_cast<char>(rng());
    bb.column(0).AppendBytes(v);
  }
  WriterOptions by_size;
  by_size.row_group_bytes = 64 * 1024;
  by_size.dictionary = false;
  file = WriteFile(schema, {bb.Finish()}, by_size, &md);
  EXPECT_GE(md->row_groups.size(), 12u);
  int64_t total = 0;
  for (const RowGroup& rg : md->row_groups) {
    total += rg.num_rows;
    EXPECT_LE(rg.total_compressed_size, 64 * 1024 + 8 * 1024);
  }
  EXPECT_EQ(total, 1000);
}

TEST(FileWriter, FlushRowGroupEndsARowGroup) {
  auto sink = std::make_unique<io::BufferSink>();
  io::BufferSink* raw = sink.get();
  auto w = FileWriter::Open(std::move(sink), FlatSchema(), WriterOptions{});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(FlatBatch(0, 10)).ok());
  ASSERT_TRUE((*w)->FlushRowGroup().ok());
  ASSERT_TRUE((*w)->FlushRowGroup().ok());  // nothing buffered: no empty row group
  ASSERT_TRUE((*w)->Write(FlatBatch(10, 5)).ok());
  EXPECT_EQ((*w)->rows_written(), 15);
  auto md = (*w)->Close();
  ASSERT_TRUE(md.ok());
  ASSERT_EQ((*md)->row_groups.size(), 2u);
  EXPECT_EQ((*md)->row_groups[1].num_rows, 5);
  EXPECT_EQ((*md)->row_groups[1].ordinal, 1);
  EXPECT_TRUE(raw->closed());
  EXPECT_FALSE((*w)->Close().ok());
}

TEST(FileWriter, SortingColumnsAreRecordedInEveryRowGroupByLeafIndex) {
  // Leaves, in the order the Parquet schema flattens them: tags.list.element (0), id (1),
  // user.name (2), user.age (3), note (4).
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      Field{"tags", types::List(types::String()), true},
      Field{"id", types::Int64(), false},
      Field{
          "user",
          types::Struct({Field{"name", types::String(), true}, Field{"age", types::Int32(), true}}),
          true},
      Field{"note", types::String(), true},
  });
  BatchBuilder bb(schema);
  for (int i = 0; i < 10; ++i) {
    bb.column(0).child(0).AppendBytes("t");
    bb.column(0).CloseList();
    bb.column(1).AppendInt(i);
    bb.column(2).child(0).AppendBytes("u");
    bb.column(2).child(1).AppendInt(20 + i);
    bb.column(2).CloseStruct();
    bb.column(3).AppendNull();
  }
  WriterOptions opts;
  opts.row_group_rows = 4;
  opts.sorting_columns = {{"note", false, true}, {"user.age", true, false}, {"id", false, false}};
  std::shared_ptr<const FileMetaData> md;
  const std::string file = WriteFile(schema, {bb.Finish()}, opts, &md);
  const std::vector<SortingColumn> want = {{4, false, true}, {3, true, false}, {1, false, false}};
  const FileMetaData decoded = ReadFooter(file);
  ASSERT_EQ(decoded.row_groups.size(), 3u);
  for (const RowGroup& rg : decoded.row_groups) {
    ASSERT_TRUE(rg.sorting_columns.has_value());
    EXPECT_EQ(*rg.sorting_columns, want);
  }

  // Without the option the field is absent.
  const FileMetaData plain = ReadFooter(WriteFile(FlatSchema(), {FlatBatch(0, 10)}, {}));
  ASSERT_EQ(plain.row_groups.size(), 1u);
  EXPECT_FALSE(plain.row_groups[0].sorting_columns.has_value());

  // A name that is not a leaf (a group, or no column at all) is rejected.
  for (const char* bad : {"user", "nope"}) {
    WriterOptions o;
    o.sorting_columns = {{bad, false, true}};
    auto w = FileWriter::Open(std::make_unique<io::BufferSink>(), schema, o);
    ASSERT_FALSE(w.ok()) << bad;
    EXPECT_TRUE(w.status().Is(StatusCode::kInvalidArgument)) << w.status().ToString();
  }
}

TEST(FileWriter, BloomFilterFindsEveryValue) {
  WriterOptions opts;
  opts.bloom_filter_columns = {"name", "id"};
  opts.bloom_filter_fpp = 0.01;
  std::shared_ptr<const FileMetaData> md;
  const std::string file = WriteFile(FlatSchema(), {FlatBatch(0, 2000, 500)}, opts, &md);
  const ColumnMetaData& name = *md->row_groups[0].columns[1].meta_data;
  ASSERT_TRUE(name.bloom_filter_offset && name.bloom_filter_length);
  EXPECT_FALSE(md->row_groups[0].columns[2].meta_data->bloom_filter_offset.has_value());
  const auto* p = reinterpret_cast<const uint8_t*>(file.data()) + *name.bloom_filter_offset;
  size_t consumed = 0;
  auto header =
      DecodeBloomFilterHeader(std::span<const uint8_t>(p, *name.bloom_filter_length), &consumed);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(consumed + header->num_bytes, static_cast<size_t>(*name.bloom_filter_length));
  // ~500 distinct values at 1%: the spec's formula gives ~600 bytes, a power of two.
  EXPECT_EQ(header->num_bytes, 1024);
  auto filter = BloomFilter::FromBitset(std::span<const uint8_t>(p + consumed, header->num_bytes));
  ASSERT_TRUE(filter.ok());
  for (int i = 0; i < 500; ++i) {
    EXPECT_TRUE(filter->MightContain(BloomFilter::Hash("name-" + std::to_string(i))));
  }
  int false_positives = 0;
  for (int i = 0; i < 10000; ++i) {
    false_positives += filter->MightContain(BloomFilter::Hash("other-" + std::to_string(i)));
  }
  EXPECT_LT(false_positives, 300);
  // Bloom filters sit between the row group's chunks and the page index.
  const ColumnMetaData& id = *md->row_groups[0].columns[0].meta_data;
  EXPECT_LT(*id.bloom_filter_offset, *name.bloom_filter_offset);
  EXPECT_LT(*name.bloom_filter_offset, *md->row_groups[0].columns[0].column_index_offset);
}

TEST(FileWriter, ThreadsDoNotChangeTheOutput) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      Field{"id", types::Int64(), false},
      Field{"tags", types::List(types::String(), true), true},
      Field{"s",
            types::Struct({Field{"a", types::Float64(), true}, Field{"b", types::String(), true}}),
            true},
  });
  std::mt19937_64 rng(11);
  std::vector<RecordBatch> batches;
  for (int b = 0; b < 4; ++b) {
    BatchBuilder bb(schema);
    for (int i = 0; i < 3000; ++i) {
      bb.column(0).AppendInt(static_cast<int64_t>(rng()));
      const int n = static_cast<int>(rng() % 4);
      for (int k = 0; k < n; ++k)
        bb.column(1).child(0).AppendBytes("t" + std::to_string(rng() % 50));
      bb.column(1).CloseList();
      bb.column(2).child(0).AppendDouble(static_cast<double>(rng() % 1000));
      bb.column(2).child(1).AppendBytes(std::string(rng() % 100, 'x'));
      bb.column(2).CloseStruct();
    }
    batches.push_back(bb.Finish());
  }
  WriterOptions opts;
  opts.page_rows = 500;
  opts.row_group_rows = 5000;
  opts.bloom_filter_columns = {"id"};
  const std::string one = WriteFile(schema, batches, opts);
  for (int threads : {2, 4, 0}) {
    opts.threads = threads;
    EXPECT_EQ(WriteFile(schema, batches, opts), one) << threads << " threads";
  }
  // Row groups cut by their (compressed) size, while pages are still being compressed:
  // the cut does not depend on how far compression has got.
  opts.row_group_rows = 1'000'000;
  opts.row_group_bytes = 60'000;
  opts.page_rows = 200;
  opts.threads = 1;
  std::shared_ptr<const FileMetaData> footer;
  const std::string by_bytes = WriteFile(schema, batches, opts, &footer);
  ASSERT_TRUE(footer);
  EXPECT_GT(footer->row_groups.size(), 2u);
  for (int round = 0; round < 5; ++round) {
    for (int threads : {2, 3, 0}) {
      opts.threads = threads;
      EXPECT_EQ(WriteFile(schema, batches, opts), by_bytes) << threads << " threads";
    }
  }
}

TEST(FileWriter, RejectsBadOptionsAndBatches) {
  auto open = [](WriterOptions o) {
    return FileWriter::Open(std::make_unique<io::BufferSink>(), FlatSchema(), o);
  };
  WriterOptions o;
  o.column_encodings = {{"nope", Encoding::kPlain}};
  EXPECT_EQ(open(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.column_encodings = {{"name", Encoding::kDeltaBinaryPacked}};
  EXPECT_EQ(open(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.bloom_filter_columns = {"missing"};
  EXPECT_EQ(open(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.data_page_version = 3;
  EXPECT_EQ(open(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.compression_level = 99;
  EXPECT_FALSE(open(o).ok());
  o = {};
  o.page_bytes = 0;
  EXPECT_EQ(open(o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(FileWriter::Open(std::make_unique<io::BufferSink>(), std::make_shared<Schema>(),
                                WriterOptions{})
                   .ok());

  // A null in a required column: the error is sticky and the output is aborted.
  auto sink = std::make_unique<io::BufferSink>();
  io::BufferSink* raw = sink.get();
  auto w = FileWriter::Open(std::move(sink), FlatSchema(), WriterOptions{});
  ASSERT_TRUE(w.ok());
  RecordBatch b = FlatBatch(0, 10);
  ColumnBuilder ids(types::Int64());
  ids.AppendInt(1);
  for (int i = 1; i < 10; ++i) ids.AppendNull();
  b.columns[0] = ids.Finish();
  Status s = (*w)->Write(b);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'id'"), std::string::npos) << s.message();
  EXPECT_FALSE((*w)->Write(FlatBatch(0, 10)).ok());
  EXPECT_FALSE((*w)->Close().ok());
  EXPECT_TRUE(raw->buffer().empty());
  EXPECT_FALSE(raw->closed());

  // A column of the wrong type.
  auto w2 = FileWriter::Open(std::make_unique<io::BufferSink>(), FlatSchema(), WriterOptions{});
  ASSERT_TRUE(w2.ok());
  RecordBatch b2 = FlatBatch(0, 3);
  ColumnBuilder wrong(types::Int32());
  for (int i = 0; i < 3; ++i) wrong.AppendInt(i);
  b2.columns[0] = wrong.Finish();
  EXPECT_EQ((*w2)->Write(b2).code(), StatusCode::kInvalidArgument);
}

// Records what happened to it in flags that outlive it.
class ObservedSink final : public io::WritableFile {
 public:
  // `fail_after`: the one append that would grow the file past this many bytes fails.
  ObservedSink(bool* closed, bool* aborted, uint64_t fail_after = UINT64_MAX)
      : closed_(closed), aborted_(aborted), fail_after_(fail_after) {}
  const std::string& name() const override { return name_; }
  Status Append(std::string_view d) override {
    if (!failed_ && size_ + d.size() > fail_after_) {
      failed_ = true;
      return Status::IOError("{}: no space left", name_);
    }
    size_ += d.size();
    return Status::OK();
  }
  uint64_t Tell() const override { return size_; }
  Status Close() override {
    *closed_ = true;
    return Status::OK();
  }
  void Abort() override { *aborted_ = true; }

 private:
  std::string name_ = "observed";
  uint64_t size_ = 0;
  bool* closed_;
  bool* aborted_;
  uint64_t fail_after_;
  bool failed_ = false;
};

TEST(FileWriter, DestroyedWithoutCloseAbortsTheOutput) {
  bool closed = false, aborted = false;
  {
    auto w = FileWriter::Open(std::make_unique<ObservedSink>(&closed, &aborted), FlatSchema(),
                              WriterOptions{});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(FlatBatch(0, 100)).ok());
  }
  EXPECT_TRUE(aborted);
  EXPECT_FALSE(closed);
  closed = aborted = false;
  {
    auto w = FileWriter::Open(std::make_unique<ObservedSink>(&closed, &aborted), FlatSchema(),
                              WriterOptions{});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  EXPECT_TRUE(closed);
  EXPECT_FALSE(aborted);
}

// With worker threads, finished row groups are written on a thread of their own; a write
// error there still fails the writer (at a later Write or at Close) and aborts the output,
// and bytes_written counts every byte handed to the file.
TEST(FileWriter, WriteBehindErrorsFailTheFile) {
  WriterOptions o;
  o.threads = 2;
  o.row_group_rows = 1000;
  uint64_t full_size = 0, last_page_byte = 0;
  {
    bool closed = false, aborted = false;
    auto w = FileWriter::Open(std::make_unique<ObservedSink>(&closed, &aborted), FlatSchema(), o);
    ASSERT_TRUE(w.ok());
    for (int b = 0; b < 5; ++b) ASSERT_TRUE((*w)->Write(FlatBatch(b * 1000, 1000)).ok());
    auto md = (*w)->Close();
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    EXPECT_EQ((*md)->row_groups.size(), 5u);
    full_size = (*w)->bytes_written();
    EXPECT_TRUE(closed);
    const ColumnMetaData& last = *(*md)->row_groups.back().columns.back().meta_data;
    last_page_byte =
        static_cast<uint64_t>(last.dictionary_page_offset.value_or(last.data_page_offset) +
                              last.total_compressed_size - 1);
  }
  // Early, midway, and in the last page queued (its error is found only by Close).
  for (uint64_t fail_after : {full_size / 4, full_size / 2, last_page_byte}) {
    bool closed = false, aborted = false;
    auto w = FileWriter::Open(std::make_unique<ObservedSink>(&closed, &aborted, fail_after),
                              FlatSchema(), o);
    ASSERT_TRUE(w.ok());
    Status s;
    for (int b = 0; b < 5 && s.ok(); ++b) s = (*w)->Write(FlatBatch(b * 1000, 1000));
    if (fail_after == last_page_byte) {
      EXPECT_TRUE(s.ok()) << "only Close can see a failure after the last page: " << s.ToString();
    }
    if (s.ok()) s = (*w)->Close().status();
    EXPECT_EQ(s.code(), StatusCode::kIOError) << fail_after << ": " << s.ToString();
    EXPECT_NE(s.message().find("no space left"), std::string::npos) << s.ToString();
    EXPECT_TRUE(aborted) << fail_after;
    EXPECT_FALSE(closed) << fail_after;
    EXPECT_EQ((*w)->Close().status().code(), StatusCode::kIOError) << "the error is sticky";
  }
}

// Dictionary-encoded strings take their page statistics from the page's distinct entries:
// every page's min and max in the column index, and each chunk's, must still be those of the
// values written there (computed here from the values), across row groups (a new dictionary
// each) and after the dictionary outgrows its limit mid-chunk and falls back.
TEST(FileWriter, DictionaryPageStatisticsMatchTheValues) {
  for (const int64_t dictionary_limit : {int64_t{1} << 20, int64_t{600}}) {
    WriterOptions opts;
    opts.page_rows = 100;
    opts.row_group_rows = 1000;
    opts.dictionary_page_bytes = dictionary_limit;
    auto schema = std::make_shared<Schema>(std::vector<Field>{Field{"s", types::String(), true}});
    BatchBuilder bb(schema);
    std::vector<std::optional<std::string>> values;
    std::mt19937_64 rng(static_cast<uint64_t>(dictionary_limit));
    for (int i = 0; i < 3000; ++i) {
      if (rng() % 9 == 0) {
        bb.column(0).AppendNull();
        values.push_back(std::nullopt);
        continue;
      }
      // A vocabulary that drifts with the row, so pages differ in min and max.
      const std::string v = fmt::format("w{:03}", (i / 40) * 3 + static_cast<int>(rng() % 60));
      bb.column(0).AppendBytes(v);
      values.push_back(v);
    }
    std::shared_ptr<const FileMetaData> md;
    const std::string file = WriteFile(schema, {bb.Finish()}, opts, &md);
    ASSERT_EQ(md->row_groups.size(), 3u);
    for (size_t g = 0; g < 3; ++g) {
      const ColumnChunk& c = md->row_groups[g].columns[0];
      auto ci = ReadColumnIndex(file, c);
      ASSERT_TRUE(ci.ok()) << ci.status().ToString();
      ASSERT_EQ(ci->min_values.size(), 10u);
      std::string chunk_min = "~", chunk_max;
      int64_t chunk_nulls = 0;
      for (size_t p = 0; p < 10; ++p) {
        std::string lo = "~", hi;
        int64_t nulls = 0;
        for (size_t r = g * 1000 + p * 100; r < g * 1000 + p * 100 + 100; ++r) {
          if (!values[r]) {
            ++nulls;
            continue;
          }
          lo = std::min(lo, *values[r]);
          hi = std::max(hi, *values[r]);
        }
        EXPECT_EQ(ci->min_values[p], lo) << dictionary_limit << " group " << g << " page " << p;
        EXPECT_EQ(ci->max_values[p], hi) << dictionary_limit << " group " << g << " page " << p;
        ASSERT_TRUE(ci->null_counts.has_value());
        EXPECT_EQ((*ci->null_counts)[p], nulls);
        chunk_min = std::min(chunk_min, lo);
        chunk_max = std::max(chunk_max, hi);
        chunk_nulls += nulls;
      }
      const Statistics& st = *c.meta_data->statistics;
      EXPECT_EQ(st.min_value, chunk_min);
      EXPECT_EQ(st.max_value, chunk_max);
      EXPECT_EQ(st.null_count, chunk_nulls);
    }
    // Both cases happened: dictionary pages throughout, and dictionary pages then plain ones.
    int32_t dictionary_pages = 0, plain_pages = 0;
    for (const PageEncodingStats& e : *md->row_groups[0].columns[0].meta_data->encoding_stats) {
      if (e.page_type != PageType::kDataPage && e.page_type != PageType::kDataPageV2) continue;
      (e.encoding == Encoding::kRleDictionary ? dictionary_pages : plain_pages) += e.count;
    }
    EXPECT_GT(dictionary_pages, 0);
    EXPECT_EQ(plain_pages > 0, dictionary_limit < 1000) << plain_pages;
    auto batches = ReadAll(file);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  }
}

TEST(FileWriter, EmptyFileAndAllNullColumns) {
  std::shared_ptr<const FileMetaData> md;
  std::string file = WriteFile(FlatSchema(), {}, WriterOptions{}, &md);
  EXPECT_EQ(md->num_rows, 0);
  EXPECT_TRUE(md->row_groups.empty());
  auto batches = ReadAll(file);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();

  BatchBuilder bb(FlatSchema());
  for (int i = 0; i < 50; ++i) {
    bb.column(0).AppendInt(i);
    bb.column(1).AppendNull();
    bb.column(2).AppendNull();
  }
  file = WriteFile(FlatSchema(), {bb.Finish()}, WriterOptions{}, &md);
  const ColumnChunk& name = md->row_groups[0].columns[1];
  EXPECT_EQ(name.meta_data->statistics->null_count, 50);
  EXPECT_FALSE(name.meta_data->statistics->min_value.has_value());
  auto ci = ReadColumnIndex(file, name);
  ASSERT_TRUE(ci.ok());
  EXPECT_EQ(ci->null_pages, std::vector<bool>{true});
  batches = ReadAll(file);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  EXPECT_EQ((*batches)[0].columns[1]->null_count, 50);
}

}  // namespace
}  // namespace floe::parquet
