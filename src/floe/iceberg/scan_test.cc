// Column promotion (spec "Schema Evolution": int->long, float->double, decimal widening)
// and snapshot selection errors; whole-table scans are checked against the shared
// fixtures in tests/integration/iceberg_fixtures_test.cc.
#include "floe/iceberg/scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "floe/iceberg/expression_parser.h"

namespace floe::iceberg {
namespace {

TEST(IcebergScanTest, PromotesIntFloatAndDecimal) {
  ColumnBuilder ints(floe::types::Int32());
  ints.AppendInt(-7);
  ints.AppendNull();
  ints.AppendInt(2147483647);
  Result<ColumnPtr> longs = PromoteColumn(ints.Finish(), floe::types::Int64());
  ASSERT_TRUE(longs.ok()) << longs.status().ToString();
  EXPECT_EQ((*longs)->type->id, TypeId::kInt64);
  EXPECT_EQ((*longs)->Value<int64_t>(0), -7);
  EXPECT_TRUE((*longs)->IsNull(1));
  EXPECT_EQ((*longs)->Value<int64_t>(2), 2147483647);

  ColumnBuilder floats(floe::types::Float32());
  floats.AppendDouble(1.5);
  Result<ColumnPtr> doubles = PromoteColumn(floats.Finish(), floe::types::Float64());
  ASSERT_TRUE(doubles.ok());
  EXPECT_EQ((*doubles)->Value<double>(0), 1.5);

  ColumnBuilder dec(floe::types::Decimal(9, 2));
  dec.AppendDecimal(12345);
  Result<ColumnPtr> wide = PromoteColumn(dec.Finish(), floe::types::Decimal(18, 2));
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(*(*wide)->type, *floe::types::Decimal(18, 2));
  EXPECT_TRUE((*wide)->Value<__int128>(0) == 12345);

  ColumnBuilder narrow(floe::types::Decimal(18, 2));
  narrow.AppendDecimal(1);
  EXPECT_FALSE(PromoteColumn(narrow.Finish(), floe::types::Decimal(9, 2)).ok());
  ColumnBuilder str(floe::types::String());
  str.AppendBytes("x");
  EXPECT_FALSE(PromoteColumn(str.Finish(), floe::types::Int64()).ok());
}

TEST(IcebergScanTest, SelectSnapshotErrors) {
  TableMetadata md;
  ScanOptions o;
  Result<const Snapshot*> none = SelectSnapshot(md, o);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);  // an empty table scans to nothing
  o.snapshot_id = 42;
  EXPECT_EQ(SelectSnapshot(md, o).status().code(), StatusCode::kNotFound);
  o.ref = "main";
  EXPECT_EQ(SelectSnapshot(md, o).status().code(), StatusCode::kInvalidArgument);
}

// ---- Filtered scans over the shared fixtures -----------------------------------------
// Each filter runs through PlanScan + TableReader; the expected rows come from scanning
// the whole table and filtering in the test with plain C++ (no floe evaluator), and
// where the fixture has one, from its DuckDB-computed expected.json answer.

namespace fs = std::filesystem;

struct Fixture {
  TableMetadata metadata;
  PathMapping paths;
};

std::optional<Fixture> LoadFixture(const std::string& name) {
  const fs::path dir = fs::path(FLOE_FIXTURES_DIR) / "iceberg" / name;
  if (!fs::exists(dir / "expected.json")) return std::nullopt;
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  nlohmann::json expected = nlohmann::json::parse(read(dir / "expected.json"));
  Result<TableMetadata> md = ParseTableMetadata(
      read(dir / "table" / "metadata" / expected["metadata_file"].get<std::string>()));
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  if (!md.ok()) return std::nullopt;
  Fixture f;
  f.metadata = std::move(*md);
  const std::string table_dir = (dir / "table").string();
  f.paths.Add(f.metadata.location, table_dir);
  for (const auto& p : expected["path_prefixes_seen_in_manifests"]) {
    const std::string prefix = p.get<std::string>();
    if (!f.metadata.location.starts_with(prefix)) f.paths.Add(prefix, table_dir);
  }
  return f;
}

// One row as column name -> rendered value ("" = null), from plain column access.
using Row = std::map<std::string, std::optional<std::string>>;

std::optional<std::string> Render(const Column& c, int64_t r) {
  if (c.IsNull(r)) return std::nullopt;
  switch (c.type->id) {
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::to_string(c.Value<int32_t>(r));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime:
      return std::to_string(c.Value<int64_t>(r));
    case TypeId::kDecimal:
      return std::to_string(static_cast<int64_t>(c.Value<__int128>(r)));
    case TypeId::kString:
      return std::string(c.StringAt(r));
    case TypeId::kBool:
      return c.Value<uint8_t>(r) ? "1" : "0";
    default:
      return "?";
  }
}

struct Scanned {
  ScanPlan plan;
  std::vector<Row> rows;
  parquet::ReadStats stats;
};

Result<Scanned> ScanRows(const Fixture& f, ExprPtr filter, bool residual = true) {
  ScanOptions o;
  o.paths = f.paths;
  o.filter = std::move(filter);
  o.apply_residual = residual;
  Scanned s;
  FLOE_ASSIGN_OR_RETURN(s.plan, PlanScan(f.metadata, o));
  TableReader reader(s.plan, f.paths);
  FLOE_ASSIGN_OR_RETURN(std::vector<RecordBatch> batches, reader.ReadAll());
  for (const RecordBatch& b : batches) {
    for (int64_t r = 0; r < b.num_rows; ++r) {
      Row row;
      for (size_t c = 0; c < b.columns.size(); ++c) {
        row[b.schema->fields[c].name] = Render(*b.columns[c], r);
      }
      s.rows.push_back(std::move(row));
    }
  }
  s.stats = reader.read_stats();
  return s;
}

int64_t Num(const Row& r, const std::string& c) {
  return r.at(c) ? std::stoll(*r.at(c)) : INT64_MIN;
}
bool Null(const Row& r, const std::string& c) { return !r.at(c).has_value(); }

// Scans with `where` and checks the rows equal the full scan filtered by `want`.
Scanned CheckFilter(const Fixture& f, const std::string& where,
                    std::function<bool(const Row&)> want, const std::string& key) {
  Result<ExprPtr> e = ParseExpression(where);
  EXPECT_TRUE(e.ok()) << where << ": " << e.status().ToString();
  Result<Scanned> all = ScanRows(f, nullptr);
  Result<Scanned> got = ScanRows(f, *e);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(got.ok()) << where << ": " << got.status().ToString();
  if (!all.ok() || !got.ok()) return {};
  std::multiset<std::string> expected, actual;
  for (const Row& r : all->rows) {
    if (want(r)) expected.insert(r.at(key).value_or("null"));
  }
  for (const Row& r : got->rows) actual.insert(r.at(key).value_or("null"));
  EXPECT_EQ(actual, expected) << where;
  // Without the residual, the rows are a superset.
  Result<Scanned> loose = ScanRows(f, *e, false);
  EXPECT_TRUE(loose.ok());
  if (loose.ok()) {
    EXPECT_GE(loose->rows.size(), got->rows.size()) << where;
  }
  return std::move(*got);
}

TEST(IcebergFilteredScanTest, HourAndIdentityPartitionsPrune) {
  std::optional<Fixture> f = LoadFixture("spark_v1_partitioned_hour_identity");
  if (!f) GTEST_SKIP() << "fixture missing";
  // 20 files of one row each: pruning shows in the plan.
  Scanned clicks = CheckFilter(
      *f, "action = 'click'", [](const Row& r) { return r.at("action") == "click"; }, "id");
  EXPECT_EQ(clicks.rows.size(), 6u);
  EXPECT_EQ(clicks.plan.metrics.data_files, 20);
  EXPECT_EQ(clicks.plan.metrics.data_files_skipped_by_partition, 14);
  EXPECT_EQ(clicks.plan.tasks.size(), 6u);
  // Identity partition: every remaining file matches entirely.
  EXPECT_EQ(clicks.plan.metrics.data_files_all_rows_match, 6);

  // 2020-01-01T09:00:00Z = 1577869200 s. Expected 6 (DuckDB, expected.json).
  const int64_t nine = 1577869200LL * 1000000;
  Scanned late = CheckFilter(
      *f, "event_time > '2020-01-01T09:00:00+00:00'",
      [&](const Row& r) { return Num(r, "event_time") > nine; }, "id");
  EXPECT_EQ(late.rows.size(), 6u);
  EXPECT_GE(late.plan.metrics.data_files_skipped_by_partition, 7);  // the 08:00 hour
  EXPECT_EQ(late.plan.tasks.size(), 6u);  // the 09:00 files go by metrics (upper bound)

  CheckFilter(
      *f, "id > 10 AND action != 'click'",
      [](const Row& r) { return Num(r, "id") > 10 && r.at("action") != "click"; }, "id");
  CheckFilter(
      *f, "id IN (1, 5, 20) OR user LIKE 'Li%'",
      [](const Row& r) {
        const int64_t id = Num(r, "id");
        return id == 1 || id == 5 || id == 20 || (r.at("user") && r.at("user")->starts_with("Li"));
      },
      "id");
  CheckFilter(
      *f, "NOT (action = 'view') AND event_time IS NOT NULL",
      [](const Row& r) { return r.at("action") != "view" && !Null(r, "event_time"); }, "id");
  Scanned none = CheckFilter(
      *f, "event_time < '2019-01-01T00:00:00Z'", [](const Row&) { return false; }, "id");
  // Every file is ruled out by partition, whether by manifest summaries or by tuples.
  EXPECT_TRUE(none.plan.metrics.manifests_skipped > 0 ||
              none.plan.metrics.data_files_skipped_by_partition == 20);
  EXPECT_TRUE(none.plan.tasks.empty());

  // Binding errors surface from PlanScan.
  ScanOptions bad;
  bad.paths = f->paths;
  bad.filter = *ParseExpression("nope = 1");
  EXPECT_EQ(PlanScan(f->metadata, bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(IcebergFilteredScanTest, LineitemQ6MatchesDuckDb) {
  std::optional<Fixture> f = LoadFixture("spark_v2_lineitem_overwrite");
  if (!f) GTEST_SKIP() << "fixture missing";
  // 1994-01-01 is day 8766 (24 * 365 + 6 leap days), 1995-01-01 day 9131.
  const std::string where =
      "l_shipdate >= '1994-01-01' AND l_shipdate < '1995-01-01' AND l_discount >= 0.05 AND "
      "l_discount <= 0.07 AND l_quantity < 24";
  Scanned q6 = CheckFilter(
      *f, where,
      [](const Row& r) {
        const int64_t d = Num(r, "l_shipdate"), disc = Num(r, "l_discount");
        return d >= 8766 && d < 9131 && disc >= 5 && disc <= 7 && Num(r, "l_quantity") < 2400;
      },
      "l_orderkey");
  __int128 revenue = 0;
  for (const Row& r : q6.rows) {
    revenue += static_cast<__int128>(Num(r, "l_extendedprice")) * Num(r, "l_discount");
  }
  EXPECT_TRUE(revenue == 10775369101) << static_cast<int64_t>(revenue);  // 1077536.9101
  EXPECT_FALSE(q6.rows.empty());
}

TEST(IcebergFilteredScanTest, PositionDeletesAndPromotedColumns) {
  std::optional<Fixture> f = LoadFixture("spark_v2_mor_schema_evolution");
  if (!f) GTEST_SKIP() << "fixture missing";
  CheckFilter(
      *f, "l_suppkey_long < 5 AND l_partkey_int IS NOT NULL",
      [](const Row& r) {
        return !Null(r, "l_suppkey_long") && Num(r, "l_suppkey_long") < 5 &&
               !Null(r, "l_partkey_int");
      },
      "l_partkey_int");
  CheckFilter(
      *f, "l_shipdate_date >= '1997-01-01' OR schema_evol_added_col_1 > 100",
      [](const Row& r) {
        return (!Null(r, "l_shipdate_date") && Num(r, "l_shipdate_date") >= 9862) ||
               (!Null(r, "schema_evol_added_col_1") && Num(r, "schema_evol_added_col_1") > 100);
      },
      "l_partkey_int");
  CheckFilter(
      *f, "l_comment_string LIKE 'the%'",
      [](const Row& r) {
        return r.at("l_comment_string") && r.at("l_comment_string")->starts_with("the");
      },
      "l_partkey_int");
}

TEST(IcebergFilteredScanTest, EqualityDeletesInPrunedPartitions) {
  std::optional<Fixture> f = LoadFixture("flink_v2_equality_deletes_partitioned");
  if (!f) GTEST_SKIP() << "fixture missing";
  // 2023-12-24 is day 19715.
  Scanned s = CheckFilter(
      *f, "d = '2023-12-24'", [](const Row& r) { return Num(r, "d") == 19715; }, "s");
  EXPECT_GT(s.plan.metrics.data_files_skipped_by_partition +
                s.plan.metrics.delete_files_skipped_by_partition + s.plan.metrics.manifests_skipped,
            0);
  CheckFilter(
      *f, "i < 100 AND s != 'str1'",
      [](const Row& r) { return !Null(r, "i") && Num(r, "i") < 100 && r.at("s") != "str1"; }, "s");
}

TEST(IcebergFilteredScanTest, DayPartitionsAndDeletionVectors) {
  if (std::optional<Fixture> f = LoadFixture("pyiceberg_v2_day_partitioned")) {
    // 2026-01-02T00:00:00Z = 1767312000 s; rows at 2026-01-01 and 2026-01-02 (DuckDB).
    const int64_t jan2 = 1767312000LL * 1000000;
    Scanned s = CheckFilter(
        *f, "\"timestamp\" >= '2026-01-02T00:00:00Z'",
        [&](const Row& r) { return Num(r, "timestamp") >= jan2; }, "timestamp");
    EXPECT_EQ(s.rows.size(), 1u);
    EXPECT_EQ(s.plan.tasks.size(), 1u);
    EXPECT_EQ(s.plan.metrics.manifests_skipped + s.plan.metrics.data_files_skipped_by_partition, 1);
    CheckFilter(
        *f, "\"timestamp\" < '2026-01-01T00:00:00.000001+00:00' AND input LIKE 'he%'",
        [&](const Row& r) { return Num(r, "timestamp") < jan2 - 86400LL * 1000000 + 1; },
        "timestamp");
  }
  if (std::optional<Fixture> f = LoadFixture("spark_v3_deletion_vectors")) {
    CheckFilter(
        *f, "i >= 3", [](const Row& r) { return Num(r, "i") >= 3; }, "i");
    CheckFilter(
        *f, "i != 3", [](const Row& r) { return !Null(r, "i") && Num(r, "i") != 3; }, "i");
  }
  if (std::optional<Fixture> f = LoadFixture("spark_v2_positional_deletes")) {
    CheckFilter(
        *f, "data IN ('a', 'b')",
        [](const Row& r) { return r.at("data") == "a" || r.at("data") == "b"; }, "id");
  }
}

}  // namespace
}  // namespace floe::iceberg
