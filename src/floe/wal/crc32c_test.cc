#include "floe/wal/crc32c.h"

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace floe::wal {
namespace {

// Bit-at-a-time CRC-32C straight from the definition (reflected, init and final xor
// 0xFFFFFFFF), independent of the table and the instruction.
uint32_t Reference(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

using Fn = uint32_t (*)(uint32_t, const uint8_t*, size_t);

class Crc32cTest : public ::testing::TestWithParam<Fn> {};

// Test vectors from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" check value.
TEST_P(Crc32cTest, KnownVectors) {
  const Fn f = GetParam();
  uint8_t buf[32];
  std::memset(buf, 0, sizeof buf);
  EXPECT_EQ(f(0, buf, 32), 0x8A9136AAu);
  std::memset(buf, 0xFF, sizeof buf);
  EXPECT_EQ(f(0, buf, 32), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(f(0, buf, 32), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(f(0, buf, 32), 0x113FDB5Cu);
  const std::string check = "123456789";
  EXPECT_EQ(f(0, reinterpret_cast<const uint8_t*>(check.data()), check.size()), 0xE3069283u);
  EXPECT_EQ(f(0, buf, 0), 0u);
}

TEST_P(Crc32cTest, MatchesBitwiseReferenceAndExtends) {
  const Fn f = GetParam();
  std::mt19937_64 rng(7);
  std::vector<uint8_t> data(5000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t start : {0, 1, 3, 7}) {
    for (size_t n : {0, 1, 7, 8, 9, 63, 64, 100, 4093}) {
      const uint8_t* p = data.data() + start;
      const uint32_t want = Reference(p, n);
      EXPECT_EQ(f(0, p, n), want) << start << " " << n;
      for (size_t split : {size_t{0}, n / 3, n}) {
        EXPECT_EQ(f(f(0, p, split), p + split, n - split), want) << start << " " << n;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Impl, Crc32cTest,
                         ::testing::Values(&internal::Crc32cExtendTable,
                                           &internal::Crc32cExtendHardware, &Crc32cExtend));

}  // namespace
}  // namespace floe::wal
