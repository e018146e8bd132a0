// Column promotion (spec "Schema Evolution": int->long, float->double, decimal widening)
// and snapshot selection errors; whole-table scans are checked against the shared
// fixtures in tests/integration/iceberg_fixtures_test.cc.
#include "floe/iceberg/scan.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace floe::iceberg
