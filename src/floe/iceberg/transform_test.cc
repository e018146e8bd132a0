// Expected values come from the Iceberg spec: Appendix B ("32-bit Hash Requirements"),
// "Truncate Transform Details", and the schema-evolution note (34 vs "34").
#include "floe/iceberg/transform.h"

#include <cstring>
#include <limits>

#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

int32_t Hash(const TypePtr& type, const Value& v) {
  auto r = BucketHash(*type, v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : 0;
}

constexpr int64_t kMicrosPerSecond = 1000000;

// 2017-11-16T22:31:08 UTC, in microseconds; built from the calendar, checked below.
int64_t SpecTimestampMicros() {
  return (DaysFromCivil(2017, 11, 16) * 86400 + 22 * 3600 + 31 * 60 + 8) * kMicrosPerSecond;
}

TEST(IcebergTransformTest, CalendarMatchesHandComputedDays) {
  // 2017-11-16: 47 years incl. 12 leap days (1972..2016) + 319 days into 2017.
  EXPECT_EQ(DaysFromCivil(2017, 11, 16), 47 * 365 + 12 + 319);
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  CivilDate d = CivilFromDays(17486);
  EXPECT_EQ(d.year, 2017);
  EXPECT_EQ(d.month, 11);
  EXPECT_EQ(d.day, 16);
}

TEST(IcebergTransformTest, Murmur3MatchesSpecHashValues) {
  EXPECT_EQ(Hash(types::Int(), int32_t{34}), 2017239379);
  EXPECT_EQ(Hash(types::Long(), int64_t{34}), 2017239379);
  EXPECT_EQ(Hash(types::Decimal(4, 2), __int128{1420}), -500754589);  // 14.20
  EXPECT_EQ(Hash(types::Date(), static_cast<int32_t>(DaysFromCivil(2017, 11, 16))), -653330422);
  EXPECT_EQ(Hash(types::Time(), int64_t{(22 * 3600 + 31 * 60 + 8) * kMicrosPerSecond}), -662762989);
  const int64_t ts = SpecTimestampMicros();
  EXPECT_EQ(Hash(types::Timestamp(), ts), -2047944441);
  EXPECT_EQ(Hash(types::Timestamp(), ts + 1), -1207196810);
  // 2017-11-16T14:31:08-08:00 is the same instant.
  const int64_t tz =
      (DaysFromCivil(2017, 11, 16) * 86400 + 14 * 3600 + 31 * 60 + 8 + 8 * 3600) * kMicrosPerSecond;
  EXPECT_EQ(Hash(types::TimestampTz(), tz), -2047944441);
  EXPECT_EQ(Hash(types::TimestampTz(), tz + 1), -1207196810);
  EXPECT_EQ(Hash(types::TimestampNs(), ts * 1000), -2047944441);
  EXPECT_EQ(Hash(types::TimestampNs(), ts * 1000 + 1001), -1207196810);
  EXPECT_EQ(Hash(types::TimestampTzNs(), tz * 1000), -2047944441);
  EXPECT_EQ(Hash(types::TimestampTzNs(), tz * 1000 + 1001), -1207196810);
  EXPECT_EQ(Hash(types::String(), std::string("iceberg")), 1210000089);
  EXPECT_EQ(Hash(types::String(), std::string("34")), -427558391);
  const std::string uuid("\xF7\x9C\x3E\x09\x67\x7C\x4B\xBD\xA4\x79\x3F\x34\x9C\xB7\x85\xE7", 16);
  EXPECT_EQ(Hash(types::Uuid(), uuid), 1488055340);
  const std::string bytes("\x00\x01\x02\x03", 4);
  EXPECT_EQ(Hash(types::Fixed(4), bytes), -188683207);
  EXPECT_EQ(Hash(types::Binary(), bytes), -188683207);
  // Types not valid for bucketing, with the hashes the spec fixes anyway.
  EXPECT_EQ(Hash(types::Boolean(), true), 1392991556);
  EXPECT_EQ(Hash(types::Float(), 1.0f), -142385009);
  EXPECT_EQ(Hash(types::Float(), 0.0f), 1669671676);
  EXPECT_EQ(Hash(types::Float(), -0.0f), 1669671676);
  EXPECT_EQ(Hash(types::Double(), 1.0), -142385009);
  EXPECT_EQ(Hash(types::Double(), 0.0), 1669671676);
  EXPECT_EQ(Hash(types::Double(), -0.0), 1669671676);
}

TEST(IcebergTransformTest, BucketAppliesSignMaskAndModulo) {
  auto t = Transform::Bucket(16);
  auto r = t.Apply(*types::Int(), int32_t{34});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<int32_t>(*r), 2017239379 % 16);
  // A negative hash: (-2047944441 & INT_MAX) % 100.
  auto n = Transform::Bucket(100).Apply(*types::Timestamp(), SpecTimestampMicros());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::get<int32_t>(*n), (-2047944441 & 0x7fffffff) % 100);
  EXPECT_TRUE(IsNull(*t.Apply(*types::Int(), Value())));
}

TEST(IcebergTransformTest, DecimalMinimalBytes) {
  EXPECT_EQ(DecimalToMinimalBytes(0), std::string("\x00", 1));
  EXPECT_EQ(DecimalToMinimalBytes(127), "\x7f");
  EXPECT_EQ(DecimalToMinimalBytes(128), std::string("\x00\x80", 2));
  EXPECT_EQ(DecimalToMinimalBytes(-1), "\xff");
  EXPECT_EQ(DecimalToMinimalBytes(-128), "\x80");
  EXPECT_EQ(DecimalToMinimalBytes(-129), "\xff\x7f");
  EXPECT_EQ(DecimalToMinimalBytes(1420), "\x05\x8c");
}

TEST(IcebergTransformTest, TruncateMatchesSpecExamples) {
  auto t10 = Transform::Truncate(10);
  EXPECT_EQ(std::get<int32_t>(*t10.Apply(*types::Int(), int32_t{1})), 0);
  EXPECT_EQ(std::get<int32_t>(*t10.Apply(*types::Int(), int32_t{-1})), -10);
  EXPECT_EQ(std::get<int64_t>(*t10.Apply(*types::Long(), int64_t{1})), 0);
  EXPECT_EQ(std::get<int64_t>(*t10.Apply(*types::Long(), int64_t{-1})), -10);
  // W=50, s=2: 10.65 -> 10.50.
  auto d = Transform::Truncate(50).Apply(*types::Decimal(9, 2), __int128{1065});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(std::get<__int128>(*d) == 1050);
  EXPECT_EQ(DecimalToString(std::get<__int128>(*d), 2), "10.50");
  auto t3 = Transform::Truncate(3);
  EXPECT_EQ(std::get<std::string>(*t3.Apply(*types::String(), std::string("iceberg"))), "ice");
  EXPECT_EQ(std::get<std::string>(*t3.Apply(*types::Binary(), std::string("\x01\x02\x03\x04\x05"))),
            "\x01\x02\x03");
  // Strings truncate by code points: 3 code points of "aé€😀" = "aé€" (1 + 2 + 3 bytes).
  EXPECT_EQ(std::get<std::string>(
                *t3.Apply(*types::String(), std::string("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"))),
            "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(std::get<std::string>(*t3.Apply(*types::String(), std::string("ab"))), "ab");
}

TEST(IcebergTransformTest, TimeTransformsFloorFromEpoch) {
  const int64_t ts = SpecTimestampMicros();
  auto apply = [](Transform t, const TypePtr& type, Value v) {
    auto r = t.Apply(*type, v);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::get<int32_t>(*r);
  };
  EXPECT_EQ(apply(Transform::Year(), types::Timestamp(), ts), 47);
  EXPECT_EQ(apply(Transform::Month(), types::Timestamp(), ts), 47 * 12 + 10);
  EXPECT_EQ(apply(Transform::Day(), types::Timestamp(), ts), 17486);
  EXPECT_EQ(apply(Transform::Hour(), types::Timestamp(), ts), 17486 * 24 + 22);
  EXPECT_EQ(apply(Transform::Day(), types::TimestampTzNs(), ts * 1000 + 999), 17486);
  EXPECT_EQ(apply(Transform::Year(), types::Date(), int32_t{17486}), 47);
  EXPECT_EQ(apply(Transform::Month(), types::Date(), int32_t{17486}), 574);
  // One microsecond before the epoch is in year, month, day and hour -1.
  for (Transform t : {Transform::Year(), Transform::Month(), Transform::Day(), Transform::Hour()}) {
    EXPECT_EQ(apply(t, types::Timestamp(), int64_t{-1}), -1) << t.ToString();
  }
  EXPECT_EQ(apply(Transform::Day(), types::TimestampNs(), int64_t{-1}), -1);
  EXPECT_EQ(apply(Transform::Month(), types::Date(), int32_t{-1}), -1);
  EXPECT_FALSE(Transform::Hour().Apply(*types::Date(), int32_t{1}).ok());
}

TEST(IcebergTransformTest, ParseAndPrint) {
  for (std::string_view s :
       {"identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"}) {
    auto t = Transform::Parse(s);
    ASSERT_TRUE(t.ok()) << s;
    EXPECT_EQ(t->ToString(), s);
  }
  EXPECT_EQ(Transform::Parse("bucket[16]")->param(), 16);
  EXPECT_EQ(Transform::Parse("zorder")->kind(), TransformKind::kUnknown);
  EXPECT_EQ(Transform::Parse("zorder")->ToString(), "zorder");
  EXPECT_FALSE(Transform::Parse("bucket[0]").ok());
  EXPECT_FALSE(Transform::Parse("bucket[x]").ok());
  EXPECT_FALSE(Transform::Parse("truncate[").ok());
}

TEST(IcebergTransformTest, ResultTypes) {
  EXPECT_EQ(*Transform::Bucket(4).ResultType(types::String()).value(), *types::Int());
  EXPECT_EQ(*Transform::Day().ResultType(types::TimestampTz()).value(), *types::Int());
  EXPECT_EQ(*Transform::Truncate(4).ResultType(types::String()).value(), *types::String());
  EXPECT_EQ(*Transform::Identity().ResultType(types::Uuid()).value(), *types::Uuid());
  EXPECT_FALSE(Transform::Bucket(4).ResultType(types::Double()).ok());
  EXPECT_FALSE(Transform::Truncate(4).ResultType(types::Date()).ok());
  EXPECT_FALSE(Transform::Hour().ResultType(types::Date()).ok());
}

TEST(IcebergTransformTest, HumanStrings) {
  const int64_t ts = SpecTimestampMicros();
  EXPECT_EQ(*Transform::Year().ToHumanString(*types::Timestamp(), int32_t{47}), "2017");
  EXPECT_EQ(*Transform::Month().ToHumanString(*types::Timestamp(), int32_t{574}), "2017-11");
  EXPECT_EQ(*Transform::Day().ToHumanString(*types::Timestamp(), int32_t{17486}), "2017-11-16");
  EXPECT_EQ(*Transform::Hour().ToHumanString(*types::Timestamp(), int32_t{17486 * 24 + 22}),
            "2017-11-16-22");
  EXPECT_EQ(*Transform::Hour().ToHumanString(*types::Timestamp(), int32_t{-1}), "1969-12-31-23");
  auto id = Transform::Identity();
  EXPECT_EQ(*id.ToHumanString(*types::Timestamp(), ts), "2017-11-16T22:31:08");
  EXPECT_EQ(*id.ToHumanString(*types::TimestampTz(), ts + 1), "2017-11-16T22:31:08.000001Z");
  EXPECT_EQ(*id.ToHumanString(*types::Date(), int32_t{17486}), "2017-11-16");
  EXPECT_EQ(*id.ToHumanString(*types::Decimal(9, 2), __int128{-5}), "-0.05");
  EXPECT_EQ(*id.ToHumanString(*types::Binary(), std::string("\x00\x01\x02\x03", 4)), "AAECAw==");
  EXPECT_EQ(*id.ToHumanString(*types::String(), Value()), "null");
  const std::string uuid("\xF7\x9C\x3E\x09\x67\x7C\x4B\xBD\xA4\x79\x3F\x34\x9C\xB7\x85\xE7", 16);
  EXPECT_EQ(*id.ToHumanString(*types::Uuid(), uuid), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_EQ(UrlEncode("a b/c=d"), "a+b%2Fc%3Dd");
}

}  // namespace
}  // namespace floe::iceberg
