#include "floe/export/partitioning.h"

#include <gtest/gtest.h>

namespace floe::exporter {
namespace {

SchemaPtr TestSchema() {
  return std::make_shared<Schema>(
      std::vector<Field>{{"ts", types::Timestamp(TimeUnit::kMilli, true)},
                         {"region", types::String()},
                         {"n", types::Int64()}});
}

RecordBatch Rows(const std::vector<std::tuple<int64_t, std::string, int64_t>>& rows,
                 bool null_region_last = false) {
  BatchBuilder b(TestSchema());
  for (size_t i = 0; i < rows.size(); ++i) {
    b.column(0).AppendInt(std::get<0>(rows[i]));
    if (null_region_last && i + 1 == rows.size()) {
      b.column(1).AppendNull();
    } else {
      b.column(1).AppendBytes(std::get<1>(rows[i]));
    }
    b.column(2).AppendInt(std::get<2>(rows[i]));
  }
  return b.Finish();
}

// 2024-01-31T23:59:59.999Z and 2024-02-01T00:00:00Z in epoch ms (by hand: 19753 days * 86400000).
constexpr int64_t kJan31End = int64_t{19753} * 86400000 + 86399999;
constexpr int64_t kFeb1 = int64_t{19754} * 86400000;

TEST(ExportPartitioning, YearMonthDirectories) {
  auto layout = MakeOutputLayout(*TestSchema(), "year,month", "", "");
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  Partitioner p(&*layout);
  RecordBatch b = Rows({{kJan31End, "eu", 1}, {kFeb1, "eu", 2}, {kJan31End - 5, "us", 3}});
  std::vector<int32_t> ids;
  ASSERT_TRUE(p.Assign(b, &ids).ok());
  EXPECT_EQ(ids, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(p.Directory(0), "year=2024/month=01/");
  EXPECT_EQ(p.Directory(1), "year=2024/month=02/");
  auto parts = SplitBatch(b, ids);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].second.num_rows, 2);
  EXPECT_EQ(parts[0].second.columns[2]->Value<int64_t>(1), 3);
  EXPECT_EQ(parts[1].second.columns[2]->Value<int64_t>(0), 2);
}

TEST(ExportPartitioning, ColumnValuesAreEscapedAndNullIsDefault) {
  auto layout = MakeOutputLayout(*TestSchema(), "region", "", "");
  ASSERT_TRUE(layout.ok());
  Partitioner p(&*layout);
  RecordBatch b = Rows({{0, "a/b=c", 1}, {0, "x", 2}}, /*null_region_last=*/true);
  std::vector<int32_t> ids;
  ASSERT_TRUE(p.Assign(b, &ids).ok());
  EXPECT_EQ(p.Directory(ids[0]), "region=a%2Fb%3Dc/");
  EXPECT_EQ(p.Directory(ids[1]), "region=__HIVE_DEFAULT_PARTITION__/");
}

TEST(ExportPartitioning, DateNamePatternSplitsByDay) {
  auto layout = MakeOutputLayout(*TestSchema(), "", "ts", "query_perf_{date:%Y%m%d}.parquet");
  ASSERT_TRUE(layout.ok());
  Partitioner p(&*layout);
  RecordBatch b = Rows({{kJan31End, "eu", 1}, {kFeb1, "eu", 2}});
  std::vector<int32_t> ids;
  ASSERT_TRUE(p.Assign(b, &ids).ok());
  EXPECT_EQ(p.Directory(ids[0]), "");
  EXPECT_EQ(p.FileName(ids[0], "s", "h"), "query_perf_20240131.parquet");
  EXPECT_EQ(p.FileName(ids[1], "s", "h"), "query_perf_20240201.parquet");
}

TEST(ExportPartitioning, BadSpecsAreRejected) {
  EXPECT_FALSE(MakeOutputLayout(*TestSchema(), "nope", "", "").ok());
  EXPECT_FALSE(MakeOutputLayout(*TestSchema(), "year", "region", "").ok());
  EXPECT_FALSE(MakeOutputLayout(*TestSchema(), "", "", "{what}.parquet").ok());
  EXPECT_FALSE(MakeOutputLayout(*TestSchema(), "", "", "../x.parquet").ok());
  Schema no_time({{"a", types::String()}});
  EXPECT_FALSE(MakeOutputLayout(no_time, "year", "", "").ok());
}

TEST(ExportPartitioning, DerivedDateColumn) {
  auto d = ParseDerivedColumn("date_partition=date(ts)");
  ASSERT_TRUE(d.ok());
  auto schema = SchemaWithDerived(TestSchema(), {*d});
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)->fields.back().type->id, TypeId::kDate);
  auto b = AddDerivedColumns(Rows({{kJan31End, "eu", 1}, {-1, "eu", 2}}), {*d}, *schema);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->columns[3]->Value<int32_t>(0), 19753);
  EXPECT_EQ(b->columns[3]->Value<int32_t>(1), -1);  // 1969-12-31T23:59:59.999
  EXPECT_FALSE(ParseDerivedColumn("x=floor(ts)").ok());
  EXPECT_FALSE(SchemaWithDerived(TestSchema(), {*ParseDerivedColumn("y=date(region)")}).ok());
}

}  // namespace
}  // namespace floe::exporter
