#include "floe/export/input_files.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace floe::exporter {
namespace {

TEST(ExportInputFiles, DatesInNames) {
  EXPECT_EQ(DateInFileName("logs/q_2024-01-05.csv"), (Date{2024, 1, 5}));
  EXPECT_EQ(DateInFileName("query_perf_20231231.csv.gz"), (Date{2023, 12, 31}));
  EXPECT_EQ(DateInFileName("x_2024_02_29.ndjson"), (Date{2024, 2, 29}));
  EXPECT_FALSE(DateInFileName("x_2023_02_29.ndjson"));  // not a leap year
  EXPECT_FALSE(DateInFileName("id_123456789.csv"));     // 9 digits: not a date
  EXPECT_FALSE(DateInFileName("2024-01-05/data.csv"));  // only the file name counts
}

TEST(ExportInputFiles, DateDaysRoundTrip) {
  EXPECT_EQ((Date{1970, 1, 1}).ToDays(), 0);
  EXPECT_EQ((Date{2000, 3, 1}).ToDays(), 11017);  // days from 1970-01-01, by hand: 30*365+7+60
  EXPECT_EQ((Date{1969, 12, 31}).ToDays(), -1);
  for (int64_t d = -800000; d < 800000; d += 997) EXPECT_EQ(Date::FromDays(d).ToDays(), d);
  EXPECT_FALSE(ParseDate("2024-13-01").ok());
  EXPECT_EQ(*ParseDate("2024-02-29"), (Date{2024, 2, 29}));
}

TEST(ExportInputFiles, FormatsAndStems) {
  EXPECT_EQ(FormatFromName("a/b.CSV"), InputFormat::kCsv);
  EXPECT_EQ(FormatFromName("a/b.ndjson.zst"), InputFormat::kNdjson);
  EXPECT_EQ(FormatFromName("b.jsonl.gz"), InputFormat::kNdjson);
  EXPECT_EQ(FormatFromName("b.json"), InputFormat::kJson);
  EXPECT_EQ(FormatFromName("b.parquet"), InputFormat::kAuto);
  EXPECT_EQ(InputStem("logs/q_2024-01-02.csv.gz"), "q_2024-01-02");
  EXPECT_EQ(InputStem("-"), "stdin");
}

TEST(ExportInputFiles, DiscoverDirectoriesAndGlobs) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("floe_export_disc_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  fs::create_directories(dir / ".hidden");
  std::ofstream(dir / "b.csv") << "a\n1\n";
  std::ofstream(dir / "sub" / "a.ndjson") << "{}\n";
  std::ofstream(dir / ".hidden" / "c.csv") << "a\n";
  std::ofstream(dir / "notes.txt") << "x";
  auto in = DiscoverInputs({dir.string()});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_EQ(in->size(), 2u);
  EXPECT_EQ((*in)[0].path, (dir / "b.csv").string());
  EXPECT_EQ((*in)[0].size, 4u);
  EXPECT_EQ((*in)[1].format, InputFormat::kNdjson);
  auto g = DiscoverInputs({(dir / "*.csv").string(), (dir / "b.csv").string()});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->size(), 1u);  // each input once
  EXPECT_FALSE(DiscoverInputs({(dir / "*.nothing").string()}).ok());
  EXPECT_FALSE(DiscoverInputs({(dir / "notes.txt").string()}).ok());  // unknown format
  fs::remove_all(dir);
}

}  // namespace
}  // namespace floe::exporter
