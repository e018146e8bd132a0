#include "floe/columnar/take.h"

#include <gtest/gtest.h>

#include "floe/columnar/json_writer.h"

namespace floe {
namespace {

TEST(TakeTest, NormalizeAndIntersect) {
  EXPECT_EQ(NormalizeRanges({{5, 7}, {0, 2}, {2, 3}, {6, 9}, {4, 4}}),
            (std::vector<RowRange>{{0, 3}, {5, 9}}));
  EXPECT_EQ(IntersectRanges({{0, 10}, {20, 30}}, {{5, 25}}),
            (std::vector<RowRange>{{5, 10}, {20, 25}}));
  EXPECT_TRUE(IntersectRanges({{0, 5}}, {{5, 9}}).empty());
}

TEST(TakeTest, TakesNestedRows) {
  auto type = types::Struct({Field{"n", types::Int32()}, Field{"l", types::List(types::String())}});
  ColumnBuilder b(type);
  for (int i = 0; i < 6; ++i) {
    if (i == 3) {
      b.AppendNull();
      continue;
    }
    b.child(0).AppendInt(i);
    for (int k = 0; k < i; ++k)
      b.child(1).child(0).AppendBytes(std::string(1, static_cast<char>('a' + k)));
    b.child(1).CloseList();
    b.CloseStruct();
  }
  ColumnPtr col = b.Finish();
  const std::vector<RowRange> ranges = {{1, 2}, {3, 5}};
  ColumnPtr t = TakeRanges(*col, ranges);
  ASSERT_TRUE(t->Validate().ok()) << t->Validate().ToString();
  ASSERT_EQ(t->length, 3);
  std::string out;
  for (int64_t i = 0; i < t->length; ++i) {
    AppendValueJson(*t, i, &out);
    out += '\n';
  }
  EXPECT_EQ(out,
            "{\"n\":1,\"l\":[\"a\"]}\n"
            "null\n"
            "{\"n\":4,\"l\":[\"a\",\"b\",\"c\",\"d\"]}\n");
}

}  // namespace
}  // namespace floe
