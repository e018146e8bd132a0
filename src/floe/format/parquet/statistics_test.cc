// Statistics: sort orders per type (parquet.thrift ColumnOrder), float rules, truncation
// of binary bounds, the footer form, decoding stored bounds; page index boundary order.
#include "floe/format/parquet/statistics.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "floe/format/parquet/page_index.h"

namespace floe::parquet {
namespace {

template <typename T>
std::string Enc(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
T Dec(const std::string& s) {
  T v;
  EXPECT_EQ(s.size(), sizeof(T));
  std::memcpy(&v, s.data(), sizeof(T));
  return v;
}

std::vector<ByteArray> Views(const std::vector<std::string>& v) {
  std::vector<ByteArray> out;
  for (const std::string& s : v) {
    out.push_back(
        ByteArray{reinterpret_cast<const uint8_t*>(s.data()), static_cast<uint32_t>(s.size())});
  }
  return out;
}

SchemaElement Leaf(Type t) {
  SchemaElement e;
  e.type = t;
  e.name = "x";
  return e;
}

TEST(StatsOrder, FollowsLogicalTypes) {
  EXPECT_EQ(StatsOrderOf(Type::kInt32, Leaf(Type::kInt32)), StatsOrder::kInt32);
  SchemaElement u8 = Leaf(Type::kInt32);
  u8.logical_type = LogicalType::Integer(8, false);
  EXPECT_EQ(StatsOrderOf(Type::kInt32, u8), StatsOrder::kUInt32);
  SchemaElement u64 = Leaf(Type::kInt64);
  u64.converted_type = ConvertedType::kUint64;  // converted type alone
  EXPECT_EQ(StatsOrderOf(Type::kInt64, u64), StatsOrder::kUInt64);
  SchemaElement dec = Leaf(Type::kFixedLenByteArray);
  dec.logical_type = LogicalType::Decimal(2, 20);
  EXPECT_EQ(StatsOrderOf(Type::kFixedLenByteArray, dec), StatsOrder::kSignedBytes);
  SchemaElement dec32 = Leaf(Type::kInt32);
  dec32.logical_type = LogicalType::Decimal(2, 5);
  EXPECT_EQ(StatsOrderOf(Type::kInt32, dec32), StatsOrder::kInt32);
  SchemaElement f16 = Leaf(Type::kFixedLenByteArray);
  f16.type_length = 2;
  f16.logical_type = LogicalType::Of(LogicalType::Kind::kFloat16);
  EXPECT_EQ(StatsOrderOf(Type::kFixedLenByteArray, f16), StatsOrder::kFloat16);
  SchemaElement interval = Leaf(Type::kFixedLenByteArray);
  interval.converted_type = ConvertedType::kInterval;
  EXPECT_EQ(StatsOrderOf(Type::kFixedLenByteArray, interval), StatsOrder::kNone);
  EXPECT_EQ(StatsOrderOf(Type::kInt96, Leaf(Type::kInt96)), StatsOrder::kNone);
  SchemaElement str = Leaf(Type::kByteArray);
  str.logical_type = LogicalType::Of(LogicalType::Kind::kString);
  EXPECT_EQ(StatsOrderOf(Type::kByteArray, str), StatsOrder::kBytes);
}

TEST(ColumnStatistics, SignedAndUnsignedIntegers) {
  const std::vector<int32_t> v = {5, -1, 7, std::numeric_limits<int32_t>::min()};
  ColumnStatistics s(StatsOrder::kInt32);
  s.Update(std::span<const int32_t>(v));
  EXPECT_EQ(Dec<int32_t>(s.min()), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(Dec<int32_t>(s.max()), 7);
  ColumnStatistics u(StatsOrder::kUInt32);
  u.Update(std::span<const int32_t>(v));
  EXPECT_EQ(Dec<uint32_t>(u.min()), 5u);
  EXPECT_EQ(Dec<uint32_t>(u.max()), 0xFFFFFFFFu);  // -1 as unsigned

  const std::vector<int64_t> w = {3, -2};
  ColumnStatistics u64(StatsOrder::kUInt64);
  u64.Update(std::span<const int64_t>(w));
  EXPECT_EQ(Dec<uint64_t>(u64.min()), 3u);
  EXPECT_EQ(Dec<uint64_t>(u64.max()), 0xFFFFFFFFFFFFFFFEull);
}

TEST(ColumnStatistics, FloatsExcludeNanAndNormalizeZeros) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ColumnStatistics s(StatsOrder::kDouble);
  const std::vector<double> v = {nan, 0.0, -0.0, nan};
  s.Update(std::span<const double>(v));
  EXPECT_EQ(s.nan_count(), 2);
  ASSERT_TRUE(s.has_min_max());
  const double lo = Dec<double>(s.min());
  const double hi = Dec<double>(s.max());
  EXPECT_EQ(lo, 0.0);
  EXPECT_TRUE(std::signbit(lo));  // min zero written as -0.0
  EXPECT_EQ(hi, 0.0);
  EXPECT_FALSE(std::signbit(hi));  // max zero written as +0.0

  // +0.0 alone: min -0.0, max +0.0 as well.
  ColumnStatistics z(StatsOrder::kFloat);
  const std::vector<float> pz = {0.0f};
  z.Update(std::span<const float>(pz));
  EXPECT_TRUE(std::signbit(Dec<float>(z.min())));
  EXPECT_FALSE(std::signbit(Dec<float>(z.max())));

  ColumnStatistics n(StatsOrder::kDouble);
  const std::vector<double> all_nan = {nan, nan};
  n.Update(std::span<const double>(all_nan));
  EXPECT_FALSE(n.has_min_max());
  const Statistics t = n.ToThrift(64);
  EXPECT_FALSE(t.min_value.has_value());
  EXPECT_FALSE(t.max_value.has_value());
  EXPECT_EQ(t.nan_count, 2);

  ColumnStatistics inf(StatsOrder::kDouble);
  const std::vector<double> infs = {-INFINITY, 1.5, INFINITY};
  inf.Update(std::span<const double>(infs));
  EXPECT_EQ(Dec<double>(inf.min()), -INFINITY);
  EXPECT_EQ(Dec<double>(inf.max()), INFINITY);
}

TEST(ColumnStatistics, Float16) {
  // 0xBC00 = -1.0, 0x3C00 = 1.0, 0x7E00 = NaN, 0x8000 = -0.0, 0x4000 = 2.0.
  std::vector<std::string> halves;
  for (uint16_t h : {uint16_t{0x3C00}, uint16_t{0x7E00}, uint16_t{0xBC00}, uint16_t{0x4000}}) {
    halves.push_back(Enc(h));
  }
  ColumnStatistics s(StatsOrder::kFloat16);
  s.Update(std::span<const ByteArray>(Views(halves)));
  EXPECT_EQ(Dec<uint16_t>(s.min()), 0xBC00);
  EXPECT_EQ(Dec<uint16_t>(s.max()), 0x4000);
  EXPECT_EQ(s.nan_count(), 1);
  ColumnStatistics z(StatsOrder::kFloat16);
  const std::vector<std::string> zeros = {Enc(uint16_t{0x0000}), Enc(uint16_t{0x8000})};
  z.Update(std::span<const ByteArray>(Views(zeros)));
  EXPECT_EQ(Dec<uint16_t>(z.min()), 0x8000);
  EXPECT_EQ(Dec<uint16_t>(z.max()), 0x0000);
}

TEST(ColumnStatistics, BytesCompareUnsigned) {
  const std::vector<std::string> v = {"z", "\xC3\xA9", "", "za"};
  ColumnStatistics s(StatsOrder::kBytes);
  s.Update(std::span<const ByteArray>(Views(v)));
  EXPECT_EQ(s.min(), "");
  EXPECT_EQ(s.max(), "\xC3\xA9");  // 0xC3 > 'z' unsigned
}

TEST(ColumnStatistics, EmptyValuesMayHaveNoPointer) {
  // A column of empty strings can hand its values over as {nullptr, 0}.
  const std::vector<ByteArray> v = {ByteArray{nullptr, 0}, ByteArray{nullptr, 0}};
  ColumnStatistics s(StatsOrder::kBytes);
  s.Update(std::span<const ByteArray>(v));
  EXPECT_EQ(s.min(), "");
  EXPECT_EQ(s.max(), "");
}

TEST(ColumnStatistics, DecimalBytesCompareSigned) {
  // Big-endian two's complement of different lengths: -256, -1, 1, 127, 128.
  const std::vector<std::string> v = {std::string("\x00\x80", 2), std::string("\x7F"),
                                      std::string("\xFF\x00", 2), std::string("\x01"),
                                      std::string("\xFF")};
  ColumnStatistics s(StatsOrder::kSignedBytes);
  s.Update(std::span<const ByteArray>(Views(v)));
  EXPECT_EQ(s.min(), std::string("\xFF\x00", 2));  // -256
  EXPECT_EQ(s.max(), std::string("\x00\x80", 2));  // 128
  EXPECT_LT(CompareEncoded(StatsOrder::kSignedBytes, "\xFF", "\x01"), 0);
  EXPECT_EQ(CompareEncoded(StatsOrder::kSignedBytes, std::string("\xFF\xFF", 2), "\xFF"), 0);
  EXPECT_EQ(CompareEncoded(StatsOrder::kSignedBytes, std::string("\x00\x05", 2), "\x05"), 0);
}

TEST(ColumnStatistics, NullsAndMerge) {
  ColumnStatistics a(StatsOrder::kInt64), b(StatsOrder::kInt64);
  const std::vector<int64_t> x = {10, 20}, y = {-5};
  a.Update(std::span<const int64_t>(x));
  a.AddNulls(3);
  b.Update(std::span<const int64_t>(y));
  b.AddNulls(1);
  a.Merge(b);
  EXPECT_EQ(a.null_count(), 4);
  EXPECT_EQ(a.num_values(), 3);
  EXPECT_EQ(Dec<int64_t>(a.min()), -5);
  EXPECT_EQ(Dec<int64_t>(a.max()), 20);
  ColumnStatistics empty(StatsOrder::kInt64);
  empty.AddNulls(2);
  const Statistics t = empty.ToThrift(64);
  EXPECT_EQ(t.null_count, 2);
  EXPECT_FALSE(t.min_value.has_value());
  EXPECT_FALSE(t.distinct_count.has_value());
}

TEST(ColumnStatistics, FooterFormTruncatesAndWritesLegacyFieldsForSignedOrders) {
  const std::vector<int32_t> v = {1, 2};
  ColumnStatistics ints(StatsOrder::kInt32);
  ints.Update(std::span<const int32_t>(v));
  Statistics t = ints.ToThrift(64);
  EXPECT_EQ(t.min, Enc<int32_t>(1));
  EXPECT_EQ(t.max, Enc<int32_t>(2));
  EXPECT_EQ(t.min_value, Enc<int32_t>(1));
  EXPECT_EQ(t.is_min_value_exact, true);
  EXPECT_FALSE(t.nan_count.has_value());

  ColumnStatistics uints(StatsOrder::kUInt32);
  uints.Update(std::span<const int32_t>(v));
  t = uints.ToThrift(64);
  EXPECT_FALSE(t.min.has_value());  // old readers compare signed
  EXPECT_TRUE(t.min_value.has_value());

  const std::string long_a(100, 'a'), long_b = std::string(99, 'b') + "c";
  const std::vector<std::string> strs = {long_a, long_b};
  ColumnStatistics s(StatsOrder::kBytes, /*truncatable=*/true, /*utf8=*/true);
  s.Update(std::span<const ByteArray>(Views(strs)));
  t = s.ToThrift(8);
  EXPECT_EQ(t.min_value, std::string(8, 'a'));
  EXPECT_EQ(t.max_value, std::string(7, 'b') + "c");
  EXPECT_EQ(t.is_min_value_exact, false);
  EXPECT_EQ(t.is_max_value_exact, false);
  EXPECT_FALSE(t.min.has_value());
  // The truncated bounds still bound the values.
  EXPECT_LE(*t.min_value, long_a);
  EXPECT_GE(*t.max_value, long_b);

  // Fixed-length values are never truncated.
  ColumnStatistics fixed(StatsOrder::kBytes, /*truncatable=*/false);
  fixed.Update(std::span<const ByteArray>(Views(strs)));
  EXPECT_EQ(fixed.ToThrift(8).max_value, long_b);
}

TEST(Truncate, BinaryBounds) {
  EXPECT_EQ(TruncateMin("abcdef", 3, false), "abc");
  EXPECT_EQ(TruncateMax("abcdef", 3, false), "abd");
  EXPECT_EQ(TruncateMax("abc", 3, false), "abc");  // fits: unchanged
  EXPECT_EQ(TruncateMax(std::string("a\xFF\xFF\x01", 4), 3, false), "b");
  EXPECT_EQ(TruncateMax(std::string("\xFF\xFF\xFF\x01", 4), 3, false), std::nullopt);
}

TEST(Truncate, Utf8Bounds) {
  // "aé" + more: a 3-byte cut would split é (C3 A9); the min backs off to "a".
  const std::string s = "a\xC3\xA9xyz";
  EXPECT_EQ(TruncateMin(s, 2, true), "a");
  EXPECT_EQ(TruncateMax(s, 2, true), "b");
  EXPECT_EQ(TruncateMax(s, 3, true), "a\xC3\xAA");  // é -> ê
  // U+007F increments to U+0080 (two bytes), still valid UTF-8.
  EXPECT_EQ(TruncateMax("a\x7F"
                        "bc",
                        2, true),
            "a\xC2\x80");
  // U+10FFFF cannot be incremented: the previous character is.
  EXPECT_EQ(TruncateMax("a\xF4\x8F\xBF\xBF"
                        "bc",
                        5, true),
            "b");
  EXPECT_EQ(TruncateMax("\xF4\x8F\xBF\xBF"
                        "bc",
                        4, true),
            std::nullopt);
  // U+D7FF increments past the surrogates to U+E000.
  EXPECT_EQ(TruncateMax("\xED\x9F\xBF"
                        "z",
                        3, true),
            "\xEE\x80\x80");
}

TEST(DecodeStatValue, TypedValues) {
  ColumnDescriptor c;
  c.dotted_path = "x";
  c.physical_type = Type::kFixedLenByteArray;
  c.element = Leaf(Type::kFixedLenByteArray);
  c.element.logical_type = LogicalType::Decimal(2, 20);
  auto v = DecodeStatValue(c, std::string("\xFF\x00", 2));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind, StatValue::Kind::kDecimal);
  EXPECT_TRUE(v->decimal == -256);
  EXPECT_FALSE(DecodeStatValue(c, std::string(17, '\0')).ok());

  c.physical_type = Type::kInt32;
  c.element = Leaf(Type::kInt32);
  c.element.logical_type = LogicalType::Integer(32, false);
  v = DecodeStatValue(c, Enc<int32_t>(-1));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind, StatValue::Kind::kUInt);
  EXPECT_EQ(v->u, 0xFFFFFFFFu);
  EXPECT_EQ(DecodeStatValue(c, "abc").status().code(), StatusCode::kCorruption);

  c.physical_type = Type::kFixedLenByteArray;
  c.element = Leaf(Type::kFixedLenByteArray);
  c.element.type_length = 2;
  c.element.logical_type = LogicalType::Of(LogicalType::Kind::kFloat16);
  v = DecodeStatValue(c, Enc<uint16_t>(0xC100));  // -2.5
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind, StatValue::Kind::kDouble);
  EXPECT_EQ(v->d, -2.5);

  c.physical_type = Type::kByteArray;
  c.element = Leaf(Type::kByteArray);
  v = DecodeStatValue(c, "hello");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->bytes, "hello");
}

TEST(PageIndex, BoundaryOrder) {
  auto order = [](std::vector<bool> nulls, std::vector<int32_t> mins, std::vector<int32_t> maxs) {
    std::vector<std::string> lo, hi;
    for (size_t i = 0; i < mins.size(); ++i) {
      lo.push_back(Enc(mins[i]));
      hi.push_back(Enc(maxs[i]));
    }
    return DetectBoundaryOrder(StatsOrder::kInt32, nulls, lo, hi);
  };
  EXPECT_EQ(order({false, false, false}, {1, 5, 9}, {4, 8, 12}), BoundaryOrder::kAscending);
  EXPECT_EQ(order({false, false}, {-5, -9}, {-1, -6}), BoundaryOrder::kDescending);
  EXPECT_EQ(order({false, false}, {1, 0}, {4, 8}), BoundaryOrder::kUnordered);
  // Null pages are skipped (their bounds are empty placeholders).
  EXPECT_EQ(order({false, true, false}, {1, 0, 2}, {1, 0, 3}), BoundaryOrder::kAscending);
  // Under unsigned order -1 is the largest value.
  std::vector<std::string> lo = {Enc<int32_t>(1), Enc<int32_t>(-1)};
  EXPECT_EQ(DetectBoundaryOrder(StatsOrder::kUInt32, {false, false}, lo, lo),
            BoundaryOrder::kAscending);
  EXPECT_EQ(DetectBoundaryOrder(StatsOrder::kInt32, {false, false}, lo, lo),
            BoundaryOrder::kDescending);
}

TEST(PageIndex, ColumnIndexBuilder) {
  ColumnIndexBuilder b(StatsOrder::kDouble, 64);
  ColumnStatistics p(StatsOrder::kDouble);
  const std::vector<double> a = {1, 2};
  p.Update(std::span<const double>(a));
  b.AddPage(p);
  ColumnStatistics nulls(StatsOrder::kDouble);
  nulls.AddNulls(5);
  b.AddPage(nulls);
  auto ci = b.Finish();
  ASSERT_TRUE(ci.has_value());
  EXPECT_EQ(ci->null_pages, (std::vector<bool>{false, true}));
  EXPECT_EQ(ci->min_values[1], "");
  EXPECT_EQ(ci->null_counts, (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(ci->nan_counts, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(ci->boundary_order, BoundaryOrder::kAscending);
  // A page of NaNs only: no bounds, so no column index for the chunk.
  ColumnStatistics nan(StatsOrder::kDouble);
  const std::vector<double> n = {std::nan("")};
  nan.Update(std::span<const double>(n));
  b.AddPage(nan);
  EXPECT_FALSE(b.Finish().has_value());
}

}  // namespace
}  // namespace floe::parquet
