#include "floe/columnar/column.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace floe {
namespace {

// Checks a finished column against the null pattern it was built from, and the layout the
// builder promises: exactly ceil(length / 8) validity bytes once there is a null, zero bits
// beyond the length.
void ExpectValidity(const Column& col, const std::vector<bool>& valid) {
  ASSERT_TRUE(col.Validate().ok()) << col.Validate().ToString();
  const auto n = static_cast<int64_t>(valid.size());
  ASSERT_EQ(col.length, n);
  int64_t nulls = 0;
  for (bool v : valid) nulls += !v;
  ASSERT_EQ(col.null_count, nulls);
  if (nulls == 0) {
    EXPECT_EQ(col.validity.size(), 0u);
    return;
  }
  ASSERT_EQ(col.validity.size(), static_cast<size_t>((n + 7) / 8));
  for (int64_t i = 0; i < n; ++i) EXPECT_EQ(col.IsValid(i), valid[i]) << "row " << i;
  for (int64_t i = n; i < static_cast<int64_t>(col.validity.size()) * 8; ++i) {
    EXPECT_FALSE(GetBit(col.validity.data(), i)) << "bit " << i << " beyond the length";
  }
}

TEST(ColumnBuilderTest, FirstNullAtEveryBitPosition) {
  // The first null lands on each position of the first bytes, so the bitmap is materialized
  // with full and partial bytes of earlier valid rows.
  for (int64_t first_null = 0; first_null < 40; ++first_null) {
    ColumnBuilder b(types::Int32());
    std::vector<bool> valid;
    for (int64_t i = 0; i < 70; ++i) {
      const bool v = i != first_null && i != first_null + 9;
      valid.push_back(v);
      if (v) {
        b.AppendInt(i);
      } else {
        b.AppendNull();
      }
    }
    ColumnPtr col = b.Finish();
    ExpectValidity(*col, valid);
    for (int64_t i = 0; i < 70; ++i) {
      EXPECT_EQ(col->Value<int32_t>(i), valid[i] ? i : 0) << "row " << i;
    }
  }
}

TEST(ColumnBuilderTest, RandomNullsEveryLength) {
  std::mt19937 rng(7);
  for (int64_t n = 0; n < 100; ++n) {
    for (int density : {0, 1, 5, 10}) {
      ColumnBuilder b(types::String());
      std::vector<bool> valid;
      std::vector<std::string> values;
      for (int64_t i = 0; i < n; ++i) {
        const bool v = density == 0 || static_cast<int>(rng() % 10) >= density;
        valid.push_back(v);
        values.push_back(v ? std::string(i % 5, static_cast<char>('a' + i % 26)) : "");
        if (v) {
          b.AppendBytes(values.back());
        } else {
          b.AppendNull();
        }
      }
      ColumnPtr col = b.Finish();
      ExpectValidity(*col, valid);
      for (int64_t i = 0; i < n; ++i) EXPECT_EQ(col->StringAt(i), values[i]);
    }
  }
}

// The bulk appends give the column the one-at-a-time appends give: values, offsets and the
// validity bitmap after earlier nulls, for the fast types and for those they hand on.
TEST(ColumnBuilderTest, RunsAppendAsSingleValues) {
  std::mt19937_64 rng(3);
  for (const TypePtr& type :
       {types::Int64(), types::Int32(), types::Timestamp(TimeUnit::kMicro, true), types::Float64(),
        types::Float32(), types::String()}) {
    ColumnBuilder one(type), runs(type);
    std::vector<bool> valid;
    for (int step = 0; step < 60; ++step) {
      const size_t n = rng() % 70;
      if (rng() % 3 == 0) {  // a null between runs, at varying bit positions
        one.AppendNull();
        runs.AppendNull();
        valid.push_back(false);
      }
      std::vector<int64_t> ints;
      std::vector<double> doubles;
      std::vector<std::string> strings;
      for (size_t k = 0; k < n; ++k) {
        ints.push_back(static_cast<int64_t>(rng() % 2000) - 1000);
        doubles.push_back(static_cast<double>(ints.back()) / 8);
        strings.push_back(std::string(rng() % 5, static_cast<char>('a' + k % 26)));
        valid.push_back(true);
      }
      if (type->id == TypeId::kString) {
        std::vector<std::string_view> views(strings.begin(), strings.end());
        for (const std::string& v : strings) one.AppendBytes(v);
        runs.AppendManyBytes(views);
      } else if (type->id == TypeId::kFloat64 || type->id == TypeId::kFloat32) {
        for (const double v : doubles) one.AppendDouble(v);
        runs.AppendDoubles(doubles);
      } else {
        for (const int64_t v : ints) one.AppendInt(v);
        runs.AppendInts(ints);
      }
    }
    ColumnPtr a = one.Finish(), b = runs.Finish();
    ExpectValidity(*b, valid);
    // Buffers compared as bytes (an empty one may have no storage at all).
    EXPECT_TRUE(a->values.view() == b->values.view()) << type->ToString();
    EXPECT_TRUE(a->offsets.view() == b->offsets.view()) << type->ToString();
    EXPECT_TRUE(a->data.view() == b->data.view()) << type->ToString();
    EXPECT_TRUE(a->validity.view() == b->validity.view()) << type->ToString();
  }
}

TEST(ColumnBuilderTest, AllNulls) {
  ColumnBuilder b(types::Float64());
  for (int i = 0; i < 17; ++i) b.AppendNull();
  ColumnPtr col = b.Finish();
  ExpectValidity(*col, std::vector<bool>(17, false));
}

TEST(ColumnBuilderTest, ReserveAllocatesOnce) {
  // Buffer rounds capacity up to 64 bytes and otherwise doubles from 64, so a capacity equal to
  // the reservation shows nothing was regrown: 10000 int64s and 10001 offsets are exact
  // multiples of 64, and doubling would give 131072.
  constexpr int64_t kRows = 10000;
  ColumnBuilder ints(types::Int64());
  ints.Reserve(kRows);
  EXPECT_EQ(ints.length(), 0);
  EXPECT_EQ(ints.ByteSize(), 0);
  std::vector<bool> valid;
  for (int64_t i = 0; i < kRows; ++i) {
    const bool v = i < 3000 || i % 10 != 0;  // the first null arrives after the reservation
    valid.push_back(v);
    if (v) {
      ints.AppendInt(i);
    } else {
      ints.AppendNull();
    }
  }
  ColumnPtr col = ints.Finish();
  ExpectValidity(*col, valid);
  EXPECT_EQ(col->values.capacity(), static_cast<size_t>(kRows * 8));
  // The bitmap created at the first null took the whole reservation: 1250 bytes -> 1280.
  EXPECT_EQ(col->validity.capacity(), 1280u);

  ColumnBuilder strings(types::String());
  strings.Reserve(kRows - 1, 6720);  // 6665 bytes of "x" follow
  for (int64_t i = 0; i < kRows - 1; ++i) {
    if (i == 5) {
      strings.AppendNull();
    } else {
      strings.AppendBytes(i % 3 == 0 ? "" : "x");
    }
  }
  col = strings.Finish();
  ASSERT_TRUE(col->Validate().ok());
  EXPECT_EQ(col->offsets.capacity(), static_cast<size_t>(kRows * 8));
  EXPECT_EQ(col->data.capacity(), 6720u);
  EXPECT_EQ(col->null_count, 1);

  // After Finish the reservation is gone; a reused builder still builds correctly.
  strings.AppendBytes("again");
  col = strings.Finish();
  ASSERT_TRUE(col->Validate().ok());
  EXPECT_EQ(col->StringAt(0), "again");
}

TEST(ColumnBuilderTest, ReserveMidwayAndOnNestedTypes) {
  auto type = types::Struct({Field{"n", types::Int16()}, Field{"s", types::String()},
                             Field{"l", types::List(types::Int32())}});
  ColumnBuilder b(type);
  auto append_row = [&](int i) {
    if (i % 4 == 3) {
      b.AppendNull();
      return;
    }
    b.child(0).AppendInt(i);
    b.child(1).AppendBytes(std::to_string(i));
    for (int k = 0; k < i % 3; ++k) b.child(2).child(0).AppendInt(k);
    b.child(2).CloseList();
    b.CloseStruct();
  };
  for (int i = 0; i < 10; ++i) append_row(i);
  b.Reserve(100, 1000);  // with nulls already present
  b.child(1).Reserve(100, 300);
  b.Reserve(-5, -5);  // no-op
  for (int i = 10; i < 110; ++i) append_row(i);
  ColumnPtr col = b.Finish();
  ASSERT_TRUE(col->Validate().ok()) << col->Validate().ToString();
  ASSERT_EQ(col->length, 110);
  EXPECT_GE(col->children[0]->values.capacity(), 110u * 2);
  for (int i = 0; i < 110; ++i) {
    ASSERT_EQ(col->IsValid(i), i % 4 != 3) << i;
    if (i % 4 == 3) continue;
    EXPECT_EQ(col->children[0]->Value<int16_t>(i), i);
    EXPECT_EQ(col->children[1]->StringAt(i), std::to_string(i));
    EXPECT_EQ(col->children[2]->ListEnd(i) - col->children[2]->ListBegin(i), i % 3);
  }
}

TEST(BatchBuilderTest, ReserveEveryColumn) {
  auto schema = std::make_shared<Schema>();
  schema->fields = {Field{"a", types::Int64()}, Field{"b", types::Bool()}};
  BatchBuilder b(schema);
  b.Reserve(640);
  for (int i = 0; i < 640; ++i) {
    b.column(0).AppendInt(i);
    if (i % 2) {
      b.column(1).AppendBool(i % 3 == 0);
    } else {
      b.column(1).AppendNull();
    }
  }
  RecordBatch batch = b.Finish();
  ASSERT_TRUE(batch.Validate().ok());
  EXPECT_EQ(batch.num_rows, 640);
  EXPECT_EQ(batch.columns[0]->values.capacity(), 640u * 8);
  EXPECT_EQ(batch.columns[1]->values.capacity(), 640u);
  EXPECT_EQ(batch.columns[1]->null_count, 320);
}

// Throughput of appends (run with --gtest_also_run_disabled_tests): 10M rows, 10% nulls.
TEST(ColumnBuilderTest, DISABLED_AppendThroughput) {
  constexpr int64_t kRows = 10'000'000;
  std::mt19937_64 rng(42);
  std::vector<uint8_t> null(kRows);
  for (auto& x : null) x = rng() % 10 == 0;
  for (bool reserve : {false, true}) {
    ColumnBuilder ints(types::Int64());
    ColumnBuilder strings(types::String());
    const auto t0 = std::chrono::steady_clock::now();
    if (reserve) ints.Reserve(kRows);
    for (int64_t i = 0; i < kRows; ++i) {
      if (null[i]) {
        ints.AppendNull();
      } else {
        ints.AppendInt(i);
      }
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (reserve) strings.Reserve(kRows, kRows * 8);
    for (int64_t i = 0; i < kRows; ++i) {
      if (null[i]) {
        strings.AppendNull();
      } else {
        strings.AppendBytes("abcdefgh");
      }
    }
    const auto t2 = std::chrono::steady_clock::now();
    EXPECT_EQ(ints.Finish()->length + strings.Finish()->length, 2 * kRows);
    const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    std::printf("reserve=%d int64 %.1f ms, string %.1f ms\n", reserve, ms(t1 - t0), ms(t2 - t1));
  }
}

}  // namespace
}  // namespace floe
