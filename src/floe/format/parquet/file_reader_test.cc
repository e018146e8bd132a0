// FileReader: projection and pruning (statistics, bloom filters, page index) against
// files other writers made and files floe writes. Pruning must never lose a matching row.
#include "floe/format/parquet/file_reader.h"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "floe/columnar/json_writer.h"
#include "floe/format/parquet/file_writer.h"

namespace floe::parquet {
namespace {

namespace fs = std::filesystem;
using Op = ColumnPredicate::Op;

std::string Fixture(const std::string& name) {
  return (fs::path(FLOE_FIXTURES_DIR) / "parquet" / name).string();
}

// Every row of a file (or of what a filtered reader returns) as JSON lines.
std::vector<std::string> Rows(FileReader& r) {
  std::vector<std::string> out;
  while (true) {
    auto b = r.Next();
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok() || !b->has_value()) break;
    EXPECT_TRUE((*b)->Validate().ok()) << (*b)->Validate().ToString();
    for (int64_t i = 0; i < (*b)->num_rows; ++i) {
      std::string line;
      AppendRowJson(**b, i, &line);
      out.push_back(line);
    }
  }
  return out;
}

std::vector<std::string> ReadAll(const std::string& path, ReaderOptions opts = {}) {
  auto r = OpenParquetFile(path, std::move(opts));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  return Rows(**r);
}

// Asserts `filtered` keeps every row of `all` that `matches`, in order, and is a
// subsequence of `all`.
template <typename Pred>
void ExpectSupersetOfMatches(const std::vector<std::string>& all,
                             const std::vector<std::string>& filtered, Pred matches) {
  size_t j = 0;
  int64_t wanted = 0;
  for (const std::string& row : all) {
    const bool m = matches(row);
    wanted += m;
    if (j < filtered.size() && filtered[j] == row) {
      ++j;
    } else {
      ASSERT_FALSE(m) << "a matching row was pruned: " << row;
    }
  }
  EXPECT_EQ(j, filtered.size())
      << "the filtered read returned rows not in the file, or out of order";
  EXPECT_GT(wanted, 0) << "the test predicate should match something";
}

int64_t IdOf(const std::string& row) {
  const size_t p = row.find("\"id\":");
  return std::stoll(row.substr(p + 5));
}

TEST(ParquetReaderTest, ProjectsTopLevelColumns) {
  ReaderOptions opts;
  opts.columns = {"id", "string_col"};
  auto rows = ReadAll(Fixture("alltypes_tiny_pages.parquet"), opts);
  ASSERT_EQ(rows.size(), 7300u);
  EXPECT_EQ(rows[0].find("\"id\":"), 1u);
  EXPECT_NE(rows[0].find("\"string_col\":"), std::string::npos);
  EXPECT_EQ(rows[0].find("bool_col"), std::string::npos);
}

TEST(ParquetReaderTest, UnknownColumnIsAClearError) {
  ReaderOptions opts;
  opts.columns = {"nope"};
  auto r = OpenParquetFile(Fixture("alltypes_tiny_pages.parquet"), opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no column 'nope'"), std::string::npos);
}

TEST(ParquetReaderTest, PageIndexSkipsPagesAndKeepsMatches) {
  const std::string path = Fixture("alltypes_tiny_pages.parquet");
  const auto all = ReadAll(path);
  for (auto [op, v] :
       {std::pair{Op::kEq, 122}, std::pair{Op::kGtEq, 7000}, std::pair{Op::kLt, 40}}) {
    ReaderOptions opts;
    opts.filter = {ColumnPredicate{"id", op, {Literal::Int(v)}}};
    auto r = OpenParquetFile(path, opts);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const auto got = Rows(**r);
    ExpectSupersetOfMatches(all, got, [&](const std::string& row) {
      const int64_t id = IdOf(row);
      return op == Op::kEq ? id == v : op == Op::kGtEq ? id >= v : id < v;
    });
    EXPECT_LT(got.size(), all.size() / 4) << "the page index should cut most rows";
    EXPECT_GT((*r)->stats().pages_skipped, 0);
  }
}

TEST(ParquetReaderTest, StatisticsPruneRowGroups) {
  ReaderOptions opts;
  opts.filter = {ColumnPredicate{"id", Op::kGt, {Literal::Int(1'000'000)}}};
  auto r = OpenParquetFile(Fixture("alltypes_tiny_pages.parquet"), opts);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Rows(**r).empty());
  EXPECT_EQ((*r)->stats().row_groups_pruned_by_statistics, (*r)->num_row_groups());
}

TEST(ParquetReaderTest, NullTestsUseNullPages) {
  const std::string path = Fixture("int32_with_null_pages.parquet");
  const auto all = ReadAll(path);
  for (Op op : {Op::kIsNull, Op::kIsNotNull}) {
    ReaderOptions opts;
    opts.filter = {ColumnPredicate{"int32_field", op, {}}};
    const auto got = ReadAll(path, opts);
    ExpectSupersetOfMatches(all, got, [&](const std::string& row) {
      const bool is_null = row.find("null") != std::string::npos;
      return op == Op::kIsNull ? is_null : !is_null;
    });
  }
}

TEST(ParquetReaderTest, BloomFilterRulesOutAbsentValues) {
  const std::string path = Fixture("data_index_bloom_encoding_stats.parquet");
  {
    // Inside [min, max] so statistics cannot help, but never written.
    ReaderOptions opts;
    opts.use_page_index = false;
    opts.filter = {ColumnPredicate{"String", Op::kEq, {Literal::Bytes("Ladies and")}}};
    auto r = OpenParquetFile(path, opts);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(Rows(**r).empty());
    EXPECT_EQ((*r)->stats().row_groups_pruned_by_bloom_filter, 1);
  }
  {
    ReaderOptions opts;
    opts.filter = {ColumnPredicate{"String", Op::kEq, {Literal::Bytes("Hello")}}};
    auto r = OpenParquetFile(path, opts);
    ASSERT_TRUE(r.ok());
    const auto rows = Rows(**r);
    EXPECT_NE(std::find(rows.begin(), rows.end(), "{\"String\":\"Hello\"}"), rows.end());
    EXPECT_EQ((*r)->stats().row_groups_pruned_by_bloom_filter, 0);
  }
}

TEST(ParquetReaderTest, FilterOnMissingOrRepeatedColumnIsRejected) {
  ReaderOptions opts;
  opts.filter = {ColumnPredicate{"nope", Op::kEq, {Literal::Int(1)}}};
  EXPECT_FALSE(OpenParquetFile(Fixture("alltypes_tiny_pages.parquet"), opts).ok());
  opts.filter = {ColumnPredicate{"id", Op::kEq, {Literal::Bytes("x")}}};
  auto r = OpenParquetFile(Fixture("alltypes_tiny_pages.parquet"), opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("literal does not fit"), std::string::npos);
}

// Nested columns whose leaves have different page boundaries: a page-index read must
// align them (the pages of every leaf cover the same rows) and trim to the target rows.
TEST(ParquetReaderTest, PageIndexOnNestedColumnsWithUnalignedPages) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      Field{"id", types::Int64(), false},
      Field{"tags", types::List(types::String()), true},
      Field{"s",
            types::Struct({Field{"a", types::Int32(), true}, Field{"b", types::String(), true}}),
            true},
  });
  BatchBuilder bb(schema);
  const int64_t n = 20000;
  for (int64_t i = 0; i < n; ++i) {
    bb.column(0).AppendInt(i);
    if (i % 7 == 0) {
      bb.column(1).AppendNull();
    } else {
      for (int64_t k = 0; k < i % 4; ++k)
        bb.column(1).child(0).AppendBytes("t" + std::to_string(i * k));
      bb.column(1).CloseList();
    }
    if (i % 11 == 0) {
      bb.column(2).AppendNull();
    } else {
      bb.column(2).child(0).AppendInt(static_cast<int32_t>(i * 3));
      // Long strings give leaf 'b' pages of other sizes than leaf 'a'.
      bb.column(2).child(1).AppendBytes(std::string(static_cast<size_t>(i % 50), 'x'));
      bb.column(2).CloseStruct();
    }
  }
  RecordBatch batch = bb.Finish();
  WriterOptions wopts;
  wopts.page_bytes = 4096;
  wopts.compression = CompressionCodec::kUncompressed;
  auto sink = std::make_unique<io::BufferSink>();
  io::BufferSink* sink_ptr = sink.get();
  auto w = FileWriter::Open(std::move(sink), schema, wopts);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Write(batch).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto file = std::make_shared<io::BufferFile>(sink_ptr->buffer(), "nested.parquet");

  auto full = FileReader::Open(file);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  const auto all = Rows(**full);
  ASSERT_EQ(all.size(), static_cast<size_t>(n));

  ReaderOptions opts;
  opts.filter = {ColumnPredicate{"id", Op::kGtEq, {Literal::Int(12345)}},
                 ColumnPredicate{"id", Op::kLt, {Literal::Int(12400)}}};
  auto r = FileReader::Open(file, opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto got = Rows(**r);
  ExpectSupersetOfMatches(all, got, [](const std::string& row) {
    const int64_t id = IdOf(row);
    return id >= 12345 && id < 12400;
  });
  EXPECT_LT(got.size(), 2000u);
  EXPECT_GT((*r)->stats().pages_skipped, 0);
}

}  // namespace
}  // namespace floe::parquet
