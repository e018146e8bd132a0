#include "floe/export/row_sort.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include <gtest/gtest.h>

#include "floe/export/verify.h"

namespace floe::exporter {
namespace {

TEST(ExportSortKeys, ParsesDirectionsAndNullOrders) {
  auto k = ParseSortKeys("ts DESC, id,name:desc:nulls_first, b asc nulls last,c Nulls First");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  const std::vector<SortKey> want = {{"ts", true, false},
                                     {"id", false, true},
                                     {"name", true, true},
                                     {"b", false, false},
                                     {"c", false, true}};
  EXPECT_EQ(*k, want);
  EXPECT_EQ(SortKeysToString({{"ts", true, false}, {"id", false, true}}),
            "ts DESC NULLS LAST, id ASC NULLS FIRST");
  EXPECT_TRUE(ParseSortKeys("")->empty());
  for (const char* bad : {"ts sideways", "ts desc asc", "ts nulls", "ts nulls middle", ","}) {
    EXPECT_FALSE(ParseSortKeys(bad).ok()) << bad;
  }
}

TEST(ExportSortKeys, ResolveRejectsUnknownRepeatedAndUnorderedColumns) {
  Schema s(
      {{"a", types::Int64()}, {"tags", types::List(types::String())}, {"f", types::Float16()}});
  EXPECT_TRUE(ResolveSortKeys(s, {{"a", false, true}}).ok());
  EXPECT_FALSE(ResolveSortKeys(s, {{"zz", false, true}}).ok());
  EXPECT_FALSE(ResolveSortKeys(s, {{"a", false, true}, {"a", true, false}}).ok());
  EXPECT_FALSE(ResolveSortKeys(s, {{"tags", false, true}}).ok());
  EXPECT_FALSE(ResolveSortKeys(s, {{"f", false, true}}).ok());
}

// A test row; the reference order below is written from the contract, not the code.
struct Row {
  std::optional<int64_t> n;
  std::optional<std::string> s;
  std::optional<double> d;
  int64_t seq;  // position in input order
};

SchemaPtr RowSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"n", types::Int32()},
                                                     {"s", types::String()},
                                                     {"d", types::Float64()},
                                                     {"seq", types::Int64(), false}});
}

std::vector<RecordBatch> ToBatches(const std::vector<Row>& rows, size_t per_batch) {
  std::vector<RecordBatch> out;
  for (size_t b = 0; b < rows.size(); b += per_batch) {
    BatchBuilder bb(RowSchema());
    for (size_t i = b; i < std::min(rows.size(), b + per_batch); ++i) {
      const Row& r = rows[i];
      r.n ? bb.column(0).AppendInt(*r.n) : bb.column(0).AppendNull();
      r.s ? bb.column(1).AppendBytes(*r.s) : bb.column(1).AppendNull();
      r.d ? bb.column(2).AppendDouble(*r.d) : bb.column(2).AppendNull();
      bb.column(3).AppendInt(r.seq);
    }
    out.push_back(bb.Finish());
  }
  return out;
}

std::vector<Row> RandomRows(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    Row r;
    if (rng() % 7 != 0) r.n = static_cast<int64_t>(rng() % 9) - 4;
    if (rng() % 5 != 0) r.s = std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 3));
    if (rng() % 6 != 0) {
      const int k = static_cast<int>(rng() % 6);
      r.d = k == 0 ? std::nan("") : k == 1 ? -0.0 : static_cast<double>(rng() % 5) - 2;
    }
    r.seq = i;
    rows.push_back(std::move(r));
  }
  return rows;
}

// -1, 0, 1: nulls per `nulls_first` whatever the direction; then values, reversed when
// descending.
template <typename T, typename Less>
int RefCompare(const std::optional<T>& a, const std::optional<T>& b, const SortKey& k, Less less) {
  if (!a || !b) {
    if (!a && !b) return 0;
    return !a == k.nulls_first ? -1 : 1;
  }
  const int c = less(*a, *b) ? -1 : less(*b, *a) ? 1 : 0;
  return k.descending ? -c : c;
}

bool DoubleLess(double a, double b) {  // NaN above every number, -0.0 == 0.0
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}

std::vector<int64_t> ReferenceOrder(std::vector<Row> rows, const std::vector<SortKey>& keys) {
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    for (const SortKey& k : keys) {
      int c = 0;
      if (k.column == "n") c = RefCompare(a.n, b.n, k, std::less<int64_t>());
      if (k.column == "s") c = RefCompare(a.s, b.s, k, std::less<std::string>());
      if (k.column == "d") c = RefCompare(a.d, b.d, k, DoubleLess);
      if (c != 0) return c < 0;
    }
    return false;
  });
  std::vector<int64_t> seq;
  for (const Row& r : rows) seq.push_back(r.seq);
  return seq;
}

std::vector<int64_t> SortedSeq(const std::vector<RecordBatch>& batches,
                               const std::vector<SortKey>& keys, int64_t slice) {
  auto cols = ResolveSortKeys(*RowSchema(), keys);
  EXPECT_TRUE(cols.ok()) << cols.status().ToString();
  SortBuffer buffer(*cols);
  for (const RecordBatch& b : batches) buffer.Add(b);
  std::vector<int64_t> seq;
  Status s = buffer.Drain(slice, [&](const RecordBatch& b) {
    EXPECT_LE(b.num_rows, slice);
    EXPECT_TRUE(b.Validate().ok());
    for (int64_t i = 0; i < b.num_rows; ++i) seq.push_back(b.columns[3]->Value<int64_t>(i));
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(buffer.empty());
  return seq;
}

TEST(ExportRowSort, OrdersLikeTheReferenceForEveryKeyCombination) {
  const std::vector<Row> rows = RandomRows(3000, 11);
  const std::vector<RecordBatch> batches = ToBatches(rows, 700);
  const std::vector<std::vector<SortKey>> cases = {
      {{"n", false, true}},
      {{"n", true, false}},
      {{"n", false, false}},
      {{"n", true, true}},
      {{"s", false, true}, {"n", true, false}},
      {{"d", false, true}},
      {{"d", true, false}, {"s", true, true}, {"n", false, true}},
  };
  for (const auto& keys : cases) {
    EXPECT_EQ(SortedSeq(batches, keys, 256), ReferenceOrder(rows, keys)) << SortKeysToString(keys);
  }
}

TEST(ExportRowSort, NullsFirstAscendingAndLastDescendingByDefault) {
  std::vector<Row> rows = {{3, {}, {}, 0}, {{}, {}, {}, 1}, {1, {}, {}, 2}, {{}, {}, {}, 3}};
  auto asc = ParseSortKeys("n");
  auto desc = ParseSortKeys("n desc");
  ASSERT_TRUE(asc.ok() && desc.ok());
  const auto batches = ToBatches(rows, 10);
  EXPECT_EQ(SortedSeq(batches, *asc, 10), (std::vector<int64_t>{1, 3, 2, 0}));
  EXPECT_EQ(SortedSeq(batches, *desc, 10), (std::vector<int64_t>{0, 2, 1, 3}));
}

TEST(ExportRowSort, GatherMovesNestedValuesWithTheirRows) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"k", types::Int64(), false},
      {"tags", types::List(types::String())},
      {"user", types::Struct({{"name", types::String()}, {"age", types::Int32()}})},
      {"m", types::Map(types::String(), types::Float64())},
      {"dec", types::Decimal(20, 2)},
      {"id", types::Uuid()}});
  std::vector<RecordBatch> batches;
  std::mt19937_64 rng(3);
  for (int b = 0; b < 3; ++b) {
    BatchBuilder bb(schema);
    for (int i = 0; i < 50; ++i) {
      bb.column(0).AppendInt(static_cast<int64_t>(rng() % 20));
      if (rng() % 4 == 0) {
        bb.column(1).AppendNull();
      } else {
        const int n = static_cast<int>(rng() % 4);
        for (int t = 0; t < n; ++t)
          bb.column(1).child(0).AppendBytes("t" + std::to_string(rng() % 9));
        bb.column(1).CloseList();
      }
      if (rng() % 5 == 0) {
        bb.column(2).AppendNull();
      } else {
        bb.column(2).child(0).AppendBytes("u" + std::to_string(i));
        rng() % 3 ? bb.column(2).child(1).AppendInt(i) : bb.column(2).child(1).AppendNull();
        bb.column(2).CloseStruct();
      }
      const int entries = static_cast<int>(rng() % 3);
      for (int e = 0; e < entries; ++e) {
        bb.column(3).child(0).AppendBytes("k" + std::to_string(e));
        bb.column(3).child(1).AppendDouble(e * 0.5);
      }
      bb.column(3).CloseList();
      bb.column(4).AppendDecimal(static_cast<__int128>(rng() % 100000) - 50000);
      bb.column(5).AppendBytes(std::string(16, static_cast<char>(rng())));
    }
    batches.push_back(bb.Finish());
  }
  auto keys = ResolveSortKeys(*schema, {{"k", true, false}, {"dec", false, true}});
  ASSERT_TRUE(keys.ok());
  const std::vector<RowRef> order = SortedOrder(batches, *keys);
  ASSERT_EQ(order.size(), 150u);
  const RecordBatch out = GatherBatch(batches, order);
  ASSERT_TRUE(out.Validate().ok()) << out.Validate().ToString();
  for (size_t i = 0; i < order.size(); ++i) {
    const RecordBatch& src = batches[order[i].batch];
    for (size_t c = 0; c < out.columns.size(); ++c) {
      EXPECT_EQ(ValueHash(*out.columns[c], static_cast<int64_t>(i)),
                ValueHash(*src.columns[c], order[i].row))
          << "row " << i << " column " << c;
    }
    if (i > 0) {
      const int64_t a = out.columns[0]->Value<int64_t>(static_cast<int64_t>(i) - 1);
      const int64_t b = out.columns[0]->Value<int64_t>(static_cast<int64_t>(i));
      EXPECT_GE(a, b);
      if (a == b) {
        EXPECT_LE(out.columns[4]->Value<__int128>(static_cast<int64_t>(i) - 1),
                  out.columns[4]->Value<__int128>(static_cast<int64_t>(i)));
      }
    }
  }
}

}  // namespace
}  // namespace floe::exporter
