// The shared Iceberg fixtures (../shared/fixtures/iceberg): each table scanned through
// manifest reading, scan planning and delete application, checked against the case's
// expected.json (derived independently with avsc + DuckDB): current row count, live rows
// per snapshot (time travel), the live data/delete files with their sequence numbers,
// and the queries simple enough to compute over the scanned rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/iceberg/scan.h"
#include "floe/iceberg/table_metadata.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path CaseDir(const std::string& name) { return fs::path(FLOE_FIXTURES_DIR) / "iceberg" / name; }

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Table {
  json expected;
  TableMetadata metadata;
  PathMapping paths;
};

// Loads a case: metadata from expected.json's metadata_file, the recorded location (and
// any other recorded prefix) mapped onto the case's table/ directory.
bool LoadCase(const std::string& name, Table* t) {
  fs::path dir = CaseDir(name);
  if (!fs::exists(dir / "expected.json")) return false;
  t->expected = json::parse(ReadText(dir / "expected.json"));
  std::string meta_file = t->expected["metadata_file"].get<std::string>();
  Result<TableMetadata> md = ParseTableMetadata(ReadText(dir / "table" / "metadata" / meta_file));
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  if (!md.ok()) return false;
  t->metadata = std::move(*md);
  const std::string table_dir = (dir / "table").string();
  const std::string location = t->metadata.location;
  t->paths.Add(location, table_dir);
  for (const auto& p : t->expected["path_prefixes_seen_in_manifests"]) {
    std::string prefix = p.get<std::string>();
    if (location.starts_with(prefix)) continue;  // a scheme only ("file://")
    t->paths.Add(prefix, table_dir);
  }
  return true;
}

struct Scanned {
  ScanPlan plan;
  std::vector<RecordBatch> batches;
  int64_t rows = 0;
};

Result<Scanned> Scan(const Table& t, ScanOptions options) {
  options.paths = t.paths;
  Scanned s;
  FLOE_ASSIGN_OR_RETURN(s.plan, PlanScan(t.metadata, options));
  TableReader reader(s.plan, t.paths);
  FLOE_ASSIGN_OR_RETURN(s.batches, reader.ReadAll());
  for (const RecordBatch& b : s.batches) s.rows += b.num_rows;
  return s;
}

// Every row's value of top-level column `name` as int64 (nullopt = null); ints, longs,
// dates and decimals (unscaled) alike.
std::vector<std::optional<__int128>> Ints(const Scanned& s, const std::string& name) {
  std::vector<std::optional<__int128>> out;
  for (const RecordBatch& b : s.batches) {
    int c = b.schema->IndexOf(name);
    EXPECT_GE(c, 0) << name;
    if (c < 0) return out;
    const Column& col = *b.columns[static_cast<size_t>(c)];
    for (int64_t r = 0; r < b.num_rows; ++r) {
      if (col.IsNull(r)) {
        out.push_back(std::nullopt);
        continue;
      }
      switch (col.type->id) {
        case TypeId::kInt32:
        case TypeId::kDate:
          out.push_back(col.Value<int32_t>(r));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          out.push_back(col.Value<int64_t>(r));
          break;
        case TypeId::kDecimal:
          out.push_back(col.Value<__int128>(r));
          break;
        default:
          ADD_FAILURE() << name << ": " << col.type->ToString();
          return out;
      }
    }
  }
  return out;
}

std::vector<std::optional<std::string>> Strings(const Scanned& s, const std::string& name) {
  std::vector<std::optional<std::string>> out;
  for (const RecordBatch& b : s.batches) {
    int c = b.schema->IndexOf(name);
    EXPECT_GE(c, 0) << name;
    if (c < 0) return out;
    const Column& col = *b.columns[static_cast<size_t>(c)];
    for (int64_t r = 0; r < b.num_rows; ++r) {
      if (col.IsNull(r)) {
        out.push_back(std::nullopt);
      } else {
        out.push_back(std::string(col.StringAt(r)));
      }
    }
  }
  return out;
}

__int128 Sum(const std::vector<std::optional<__int128>>& v) {
  __int128 s = 0;
  for (const auto& x : v) s += x.value_or(0);
  return s;
}
int64_t NonNull(const std::vector<std::optional<__int128>>& v) {
  return std::count_if(v.begin(), v.end(), [](const auto& x) { return x.has_value(); });
}
std::string Str(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u =
      neg ? static_cast<unsigned __int128>(-v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}
std::string DecimalStr(__int128 unscaled, int scale) {
  std::string digits = Str(unscaled < 0 ? -unscaled : unscaled);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  std::string out = digits.substr(0, digits.size() - static_cast<size_t>(scale));
  if (scale > 0) out += "." + digits.substr(digits.size() - static_cast<size_t>(scale));
  return unscaled < 0 ? "-" + out : out;
}

// The value of query `name`'s first result row, column `col`, as a string.
std::string Expected(const Table& t, const std::string& name, const std::string& col) {
  for (const auto& q : t.expected["queries"]) {
    if (q["name"] == name) {
      const json& v = q["result"][0][col];
      return v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  ADD_FAILURE() << "no query " << name;
  return "";
}

std::string ContentName(const DataFile& f) {
  if (f.IsDeletionVector()) return "dv";
  switch (f.content) {
    case DataFileContent::kData:
      return "data";
    case DataFileContent::kPositionDeletes:
      return "position";
    case DataFileContent::kEqualityDeletes:
      return "equality";
  }
  return "?";
}

// Current row count, per-snapshot live rows and file counts, and the live file list.
void CheckCommon(const Table& t, const Scanned& current) {
  EXPECT_EQ(current.rows, t.expected["current_row_count"].get<int64_t>());
  EXPECT_EQ(Expected(t, "count_star", "n"), std::to_string(current.rows));

  // Live files of the current snapshot: (content, path, seq, records).
  std::multiset<std::tuple<int, std::string, std::string, int64_t>> want, got;
  for (const auto& f : t.expected["files"]) {
    want.insert({f["content"].get<int>(), f["path"].get<std::string>(),
                 f["seq"].is_null() ? "0" : f["seq"].get<std::string>(),
                 f["records"].get<int64_t>()});
  }
  for (const FileScanTask& task : current.plan.tasks) {
    got.insert({0, task.data_file.file_path, std::to_string(task.sequence_number),
                task.data_file.record_count});
  }
  for (const DeleteFileEntry& d : current.plan.delete_files) {
    got.insert({static_cast<int>(d.file.content), d.file.file_path,
                std::to_string(d.sequence_number), d.file.record_count});
  }
  EXPECT_EQ(got, want);

  for (const auto& snap : t.expected["snapshots"]) {
    ScanOptions o;
    o.snapshot_id = std::stoll(snap["snapshot_id"].get<std::string>());
    Result<Scanned> s = Scan(t, o);
    if (snap.contains("error")) {
      EXPECT_FALSE(s.ok()) << "snapshot " << *o.snapshot_id << " should fail to read";
      if (!s.ok()) {
        EXPECT_EQ(s.status().code(), StatusCode::kNotFound) << s.status().ToString();
      }
      continue;
    }
    ASSERT_TRUE(s.ok()) << "snapshot " << *o.snapshot_id << ": " << s.status().ToString();
    EXPECT_EQ(s->rows, snap["live_rows_after_deletes"].get<int64_t>()) << *o.snapshot_id;
    EXPECT_EQ(static_cast<int64_t>(s->plan.tasks.size()), snap["data_files"].get<int64_t>());
    std::map<std::string, int64_t> kinds{{"position", 0}, {"dv", 0}, {"equality", 0}};
    for (const DeleteFileEntry& d : s->plan.delete_files) ++kinds[ContentName(d.file)];
    for (const auto& [k, n] : kinds) {
      EXPECT_EQ(n, snap["delete_files"][k].get<int64_t>()) << *o.snapshot_id << " " << k;
    }
    // The same snapshot by timestamp, when the snapshot log names it at its own time.
    const Snapshot* snapshot = t.metadata.SnapshotById(*o.snapshot_id);
    ASSERT_NE(snapshot, nullptr);
    const Snapshot* as_of = t.metadata.SnapshotAsOf(snapshot->timestamp_ms);
    if (as_of != nullptr && as_of->snapshot_id == snapshot->snapshot_id) {
      ScanOptions by_time;
      by_time.as_of_timestamp_ms = snapshot->timestamp_ms;
      Result<Scanned> st = Scan(t, by_time);
      ASSERT_TRUE(st.ok()) << st.status().ToString();
      EXPECT_EQ(st->plan.snapshot_id, snapshot->snapshot_id);
      EXPECT_EQ(st->rows, s->rows);
    }
  }
  // The main branch is the current snapshot.
  ScanOptions by_ref;
  by_ref.ref = "main";
  Result<Scanned> main = Scan(t, by_ref);
  ASSERT_TRUE(main.ok()) << main.status().ToString();
  EXPECT_EQ(main->rows, current.rows);
  by_ref.ref = "no-such-branch";
  EXPECT_EQ(Scan(t, by_ref).status().code(), StatusCode::kNotFound);
}

int64_t NullCount(const Scanned& s, const std::string& name) {
  int64_t n = 0;
  for (const RecordBatch& b : s.batches) {
    int c = b.schema->IndexOf(name);
    EXPECT_GE(c, 0) << name;
    if (c < 0) return -1;
    const Column& col = *b.columns[static_cast<size_t>(c)];
    for (int64_t r = 0; r < b.num_rows; ++r) n += col.IsNull(r);
  }
  return n;
}

class IcebergFixtureTest : public ::testing::Test {
 protected:
  // Loads and scans the current snapshot; false (test skipped) when the fixture is absent.
  bool Open(const std::string& name) {
    if (!LoadCase(name, &table_)) return false;
    Result<Scanned> s = Scan(table_, {});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return false;
    current_ = std::move(*s);
    return true;
  }
  Table table_;
  Scanned current_;
};

#define OPEN_OR_SKIP(name)                                                 \
  do {                                                                     \
    if (!fs::exists(CaseDir(name))) GTEST_SKIP() << "no fixture " << name; \
    ASSERT_TRUE(Open(name));                                               \
  } while (0)

TEST_F(IcebergFixtureTest, FlinkEqualityDeletesPartitioned) {
  OPEN_OR_SKIP("flink_v2_equality_deletes_partitioned");
  CheckCommon(table_, current_);
  EXPECT_EQ(Str(Sum(Ints(current_, "i"))), Expected(table_, "sum_i", "s"));
}

TEST_F(IcebergFixtureTest, JavaEqualityDeletesMultiSnapshot) {
  OPEN_OR_SKIP("java_v2_equality_deletes_multisnap");
  CheckCommon(table_, current_);
  std::vector<std::optional<__int128>> ids = Ints(current_, "id");
  std::sort(ids.begin(), ids.end());
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(Str(*ids[0]), Expected(table_, "all_rows", "id"));
}

TEST_F(IcebergFixtureTest, PyIcebergDayPartitioned) {
  OPEN_OR_SKIP("pyiceberg_v2_day_partitioned");
  CheckCommon(table_, current_);
  // The timestamp half of day_filter: [2026-01-01, 2026-01-02) UTC (1767225600 s); both
  // rows carry metadata['key'] = 'value1' per all_rows.
  std::vector<std::optional<__int128>> ts = Ints(current_, "timestamp");
  EXPECT_EQ(
      std::to_string(std::count_if(
          ts.begin(), ts.end(),
          [](const auto& v) { return v && *v >= 1767225600000000 && *v < 1767312000000000; })),
      Expected(table_, "day_filter", "n"));
}

TEST_F(IcebergFixtureTest, SparkV1PartitionedHourIdentity) {
  OPEN_OR_SKIP("spark_v1_partitioned_hour_identity");
  CheckCommon(table_, current_);
  std::vector<std::optional<__int128>> ids = Ints(current_, "id");
  EXPECT_EQ(Str(Sum(ids)), Expected(table_, "sum_id", "s"));
  EXPECT_EQ(std::to_string(
                std::count_if(ids.begin(), ids.end(), [](const auto& v) { return v && *v > 10; })),
            Expected(table_, "id_gt_10", "n"));
  std::vector<std::optional<std::string>> actions = Strings(current_, "action");
  EXPECT_EQ(std::to_string(std::count_if(actions.begin(), actions.end(),
                                         [](const auto& a) { return a && *a != "click"; })),
            Expected(table_, "action_ne_click", "n"));
  std::set<std::string> distinct;
  for (const auto& a : actions) distinct.insert(a.value_or(""));
  EXPECT_EQ(std::to_string(distinct.size()), Expected(table_, "distincts", "actions"));
  // event_time > 2020-01-01 09:00:00 UTC (1577869200 s).
  std::vector<std::optional<__int128>> ts = Ints(current_, "event_time");
  EXPECT_EQ(std::to_string(std::count_if(ts.begin(), ts.end(),
                                         [](const auto& v) { return v && *v > 1577869200000000; })),
            Expected(table_, "after_0900_utc", "n"));
}

TEST_F(IcebergFixtureTest, SparkLineitemOverwrite) {
  OPEN_OR_SKIP("spark_v2_lineitem_overwrite");
  CheckCommon(table_, current_);
  // Decimal columns are decimal(15,2) in TPC-H.
  std::vector<std::optional<__int128>> qty = Ints(current_, "l_quantity");
  std::vector<std::optional<__int128>> price = Ints(current_, "l_extendedprice");
  EXPECT_EQ(DecimalStr(Sum(qty), 2), Expected(table_, "price_range", "sum_qty"));
  __int128 lo = *price[0], hi = *price[0];
  for (const auto& p : price) {
    lo = std::min(lo, *p);
    hi = std::max(hi, *p);
  }
  EXPECT_EQ(DecimalStr(lo, 2), Expected(table_, "price_range", "min_price"));
  EXPECT_EQ(DecimalStr(hi, 2), Expected(table_, "price_range", "max_price"));
  // TPC-H Q6: shipdate in [1994-01-01, 1995-01-01) (days 8766..9131), discount in
  // [0.05, 0.07], quantity < 24; revenue = sum(price * discount) at scale 4.
  std::vector<std::optional<__int128>> ship = Ints(current_, "l_shipdate");
  std::vector<std::optional<__int128>> disc = Ints(current_, "l_discount");
  __int128 revenue = 0;
  for (size_t i = 0; i < ship.size(); ++i) {
    if (*ship[i] >= 8766 && *ship[i] < 9131 && *disc[i] >= 5 && *disc[i] <= 7 && *qty[i] < 2400) {
      revenue += *price[i] * *disc[i];
    }
  }
  EXPECT_EQ(DecimalStr(revenue, 4), Expected(table_, "tpch_q6_revenue", "revenue"));
}

TEST_F(IcebergFixtureTest, SparkMorSchemaEvolution) {
  OPEN_OR_SKIP("spark_v2_mor_schema_evolution");
  CheckCommon(table_, current_);
  EXPECT_EQ(Str(Sum(Ints(current_, "l_suppkey_long"))),
            Expected(table_, "sums", "sum_suppkey_long"));
  EXPECT_EQ(Str(Sum(Ints(current_, "l_partkey_int"))), Expected(table_, "sums", "sum_partkey_int"));
  std::vector<std::optional<__int128>> added = Ints(current_, "schema_evol_added_col_1");
  EXPECT_EQ(std::to_string(NonNull(added)), Expected(table_, "sums", "nonnull_added_col"));
  EXPECT_EQ(Str(Sum(added)), Expected(table_, "sums", "sum_added_col"));
  EXPECT_EQ(DecimalStr(Sum(Ints(current_, "l_extendedprice_dec18_6")), 6),
            Expected(table_, "sums", "sum_price_dec18_6"));
  EXPECT_EQ(std::to_string(NullCount(current_, "l_orderkey_bool")),
            Expected(table_, "bool_and_dates", "null_bool"));
  EXPECT_EQ(std::to_string(NullCount(current_, "l_comment_blob")),
            Expected(table_, "bool_and_dates", "null_blob"));
}

TEST_F(IcebergFixtureTest, SparkPositionalDeletes) {
  OPEN_OR_SKIP("spark_v2_positional_deletes");
  CheckCommon(table_, current_);
  std::vector<std::optional<std::string>> data = Strings(current_, "data");
  std::sort(data.begin(), data.end());
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(*data[0], "a");
  EXPECT_EQ(*data[1], "c");
}

TEST_F(IcebergFixtureTest, SparkV3DeletionVectors) {
  OPEN_OR_SKIP("spark_v3_deletion_vectors");
  CheckCommon(table_, current_);
  std::vector<std::optional<__int128>> i = Ints(current_, "i");
  std::sort(i.begin(), i.end());
  std::vector<std::string> got, want;
  for (const auto& v : i) got.push_back(Str(*v));
  for (const auto& row : table_.expected["queries"][1]["result"]) want.push_back(row["i"].dump());
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace floe::iceberg
