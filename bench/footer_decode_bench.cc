// Footer (FileMetaData) decode and encode speed for wide files: a synthetic footer of
// `columns` leaf columns x `row_groups` row groups, each column chunk carrying
// ColumnMetaData with statistics (8-byte min/max), three encodings, encoding stats and
// page-index offsets, roughly what parquet-java or Arrow write. Names read
// "<op>/<columns>/<row_groups>"; bytes_per_second is footer bytes, `chunks/s` is column
// chunks (columns x row groups) per second.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "floe/common/buffer.h"
#include "floe/format/parquet/metadata.h"

namespace floe::parquet {
namespace {

std::string Int64Bytes(int64_t v) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &v, 8);
  return s;
}

FileMetaData WideFooter(int columns, int row_groups) {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = columns;
  md.schema.push_back(root);
  for (int c = 0; c < columns; ++c) {
    SchemaElement e;
    e.type = c % 3 == 0 ? Type::kByteArray : Type::kInt64;
    e.repetition_type = FieldRepetitionType::kOptional;
    e.name = "column_" + std::to_string(c);
    if (c % 3 == 0) e.logical_type = LogicalType::Of(LogicalType::Kind::kString);
    e.field_id = c + 1;
    md.schema.push_back(e);
  }
  int64_t offset = 4;
  for (int g = 0; g < row_groups; ++g) {
    RowGroup rg;
    rg.num_rows = 100000;
    rg.columns.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      ColumnChunk cc;
      cc.file_offset = 0;
      ColumnMetaData& m = cc.meta_data.emplace();
      m.type = md.schema[c + 1].type.value();
      m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
      m.path_in_schema = {md.schema[c + 1].name};
      m.codec = CompressionCodec::kZstd;
      m.num_values = rg.num_rows;
      m.total_uncompressed_size = 400000 + c;
      m.total_compressed_size = 100000 + c;
      m.dictionary_page_offset = offset;
      m.data_page_offset = offset + 5000;
      Statistics& s = m.statistics.emplace();
      s.null_count = c;
      s.min_value = Int64Bytes(-int64_t{c} * 1000);
      s.max_value = Int64Bytes(int64_t{c} * 1000 + g);
      m.encoding_stats =
          std::vector<PageEncodingStats>{{PageType::kDictionaryPage, Encoding::kPlain, 1},
                                         {PageType::kDataPage, Encoding::kRleDictionary, 8}};
      cc.offset_index_offset = offset + 1000000000;
      cc.offset_index_length = 120;
      cc.column_index_offset = offset + 2000000000;
      cc.column_index_length = 200;
      offset += m.total_compressed_size;
      rg.columns.push_back(std::move(cc));
    }
    rg.total_byte_size = offset;
    rg.file_offset = offset;
    rg.ordinal = static_cast<int16_t>(g);
    md.row_groups.push_back(std::move(rg));
  }
  md.num_rows = int64_t{100000} * row_groups;
  md.created_by = "floe footer_decode_bench";
  md.column_orders = std::vector<ColumnOrder>(columns);
  return md;
}

void BM_DecodeFileMetaData(benchmark::State& state) {
  const int columns = static_cast<int>(state.range(0));
  const int row_groups = static_cast<int>(state.range(1));
  Buffer encoded;
  EncodeFileMetaData(WideFooter(columns, row_groups), &encoded);
  const std::span<const uint8_t> bytes(encoded.data(), encoded.size());
  for (auto _ : state) {
    auto md = DecodeFileMetaData(bytes);
    if (!md.ok()) {
      state.SkipWithError(md.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(md->row_groups.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * encoded.size());
  state.counters["footer_MB"] = static_cast<double>(encoded.size()) / 1e6;
  state.counters["chunks/s"] = benchmark::Counter(static_cast<double>(columns) * row_groups,
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

void BM_EncodeFileMetaData(benchmark::State& state) {
  const int columns = static_cast<int>(state.range(0));
  const int row_groups = static_cast<int>(state.range(1));
  const FileMetaData md = WideFooter(columns, row_groups);
  Buffer out;
  for (auto _ : state) {
    out.Clear();
    EncodeFileMetaData(md, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * out.size());
  state.counters["chunks/s"] = benchmark::Counter(static_cast<double>(columns) * row_groups,
                                                  benchmark::Counter::kIsIterationInvariantRate);
}

// One data page header with statistics: the per-page cost a column reader pays.
void BM_DecodePageHeader(benchmark::State& state) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 1 << 20;
  h.compressed_page_size = 300000;
  h.crc = 12345678;
  DataPageHeader& d = h.data_page_header.emplace();
  d.num_values = 100000;
  d.encoding = Encoding::kRleDictionary;
  d.statistics.emplace().null_count = 3;
  d.statistics->min_value = Int64Bytes(-5);
  d.statistics->max_value = Int64Bytes(5);
  Buffer encoded;
  EncodePageHeader(h, &encoded);
  const std::span<const uint8_t> bytes(encoded.data(), encoded.size());
  for (auto _ : state) {
    auto decoded = DecodePageHeader(bytes);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * encoded.size());
}

BENCHMARK(BM_DecodeFileMetaData)
    ->Args({2000, 200})
    ->Args({200, 20})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_EncodeFileMetaData)
    ->Args({2000, 200})
    ->Args({200, 20})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_DecodePageHeader);

}  // namespace
}  // namespace floe::parquet

BENCHMARK_MAIN();
