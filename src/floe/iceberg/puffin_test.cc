// Deletion-vector blobs built byte by byte from the Iceberg v3 / Puffin spec
// ("deletion-vector-v1") and the Roaring portable format.
#include "floe/iceberg/puffin.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace floe::iceberg {
namespace {

void Le(std::string* s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void Be32(std::string* s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string Blob(const std::string& bitmap64) {
  std::string body = "\xD1\xD3\x39\x64" + bitmap64;
  std::string blob;
  Be32(&blob, static_cast<uint32_t>(body.size()));
  blob += body;
  Be32(&blob, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                                          static_cast<uInt>(body.size()))));
  return blob;
}

TEST(IcebergScanPuffinTest, DecodesArrayAndRunContainers) {
  std::string bm;
  Le(&bm, 2, 8);  // two buckets
  // Bucket 0: no-run format, one array container {1, 3}.
  Le(&bm, 0, 4);
  Le(&bm, 12346, 4);
  Le(&bm, 1, 4);   // container count
  Le(&bm, 0, 2);   // key
  Le(&bm, 1, 2);   // cardinality - 1
  Le(&bm, 16, 4);  // offset
  Le(&bm, 1, 2);
  Le(&bm, 3, 2);
  // Bucket 1 (positions 2^32 + ...): run format, one run container 10..14.
  Le(&bm, 1, 4);
  Le(&bm, 12347, 4);     // size - 1 = 0 in the high half
  bm.push_back('\x01');  // run bitmap: container 0 is a run container
  Le(&bm, 0, 2);
  Le(&bm, 4, 2);
  Le(&bm, 1, 2);  // one run
  Le(&bm, 10, 2);
  Le(&bm, 4, 2);
  Result<std::vector<int64_t>> rows = DecodeDeletionVector(Blob(bm), "test");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  const int64_t hi = int64_t{1} << 32;
  EXPECT_EQ(*rows, (std::vector<int64_t>{1, 3, hi + 10, hi + 11, hi + 12, hi + 13, hi + 14}));

  std::string bad = Blob(bm);
  bad[10] ^= 1;
  EXPECT_FALSE(DecodeDeletionVector(bad, "test").ok());  // CRC
  for (size_t n = 0; n < Blob(bm).size(); ++n) {
    EXPECT_FALSE(DecodeDeletionVector(Blob(bm).substr(0, n), "test").ok()) << n;
  }
  std::string huge;
  Le(&huge, uint64_t{1} << 60, 8);
  EXPECT_FALSE(DecodeDeletionVector(Blob(huge), "test").ok());
}

}  // namespace
}  // namespace floe::iceberg
