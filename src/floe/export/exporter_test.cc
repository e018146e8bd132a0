#include "floe/export/exporter.h"

#include <gtest/gtest.h>

namespace floe::exporter {
namespace {

TEST(ExportAutoPageBytes, RoomForAbout128RecordsWithinOneTo32MiB) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  EXPECT_EQ(AutoPageBytes(0), kMiB);    // nothing measured
  EXPECT_EQ(AutoPageBytes(120), kMiB);  // query-log rows: 15 KB would be too small a page
  EXPECT_EQ(AutoPageBytes(8 * 1024), kMiB);
  EXPECT_EQ(AutoPageBytes(10 * 1024), 128 * 10 * 1024);
  EXPECT_EQ(AutoPageBytes(225 * 1024), 128 * 225 * 1024);  // 225 KB events: 28.1 MiB
  EXPECT_EQ(AutoPageBytes(kMiB), 32 * kMiB);
  EXPECT_EQ(AutoPageBytes(INT64_MAX), 32 * kMiB);  // no overflow
}

TEST(ExportDefaults, DeltaFallbackAndWriterSizes) {
  const parquet::WriterOptions o = DefaultParquetOptions();
  EXPECT_EQ(o.fallback_encodings, parquet::FallbackEncodings::kDelta);
  EXPECT_EQ(o.page_bytes, parquet::WriterOptions().page_bytes);
  EXPECT_TRUE(ExportOptions().auto_page_bytes);
}

}  // namespace
}  // namespace floe::exporter
