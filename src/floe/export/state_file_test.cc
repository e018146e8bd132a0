#include "floe/export/state_file.h"

#include <gtest/gtest.h>

namespace floe::exporter {
namespace {

TEST(ExportState, RoundTripsThroughJson) {
  ExportState s;
  s.set_settings("abc");
  StateEntry e;
  e.path = "in/a.csv";
  e.size = 12;
  e.mtime_ns = 1700000000123456789;
  e.content_hash = "xxh3:0123456789abcdef";
  e.rows_read = 3;
  e.rows_written = 2;
  e.rows_rejected = 1;
  e.exported_at = "2026-11-21T08:00:00Z";
  e.outputs = {{"year=2024/month=01/a.parquet", 2, 999}};
  s.Put(e);
  auto back = ExportState::Parse(s.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_NE(back->Find("in/a.csv"), nullptr);
  EXPECT_EQ(*back->Find("in/a.csv"), e);
  EXPECT_EQ(back->settings(), "abc");
  EXPECT_EQ(back->OwnerOf("year=2024/month=01/a.parquet")->path, "in/a.csv");
  EXPECT_EQ(back->OwnerOf("nope"), nullptr);
}

TEST(ExportState, DamagedFilesAreCorruption) {
  EXPECT_EQ(ExportState::Parse("{").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ExportState::Parse(R"({"format":"other","version":1,"inputs":[]})").status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ExportState::Parse(R"({"format":"floe-export-state","version":1,
    "inputs":[{"path":"a","size":"big"}]})")
                .status()
                .code(),
            StatusCode::kCorruption);
}

TEST(ExportState, MissingFileIsEmpty) {
  auto s = ExportState::Load("memory://export-state-test/none.json");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->entries().empty());
  ExportState t;
  StateEntry x;
  x.path = "x";
  t.Put(x);
  ASSERT_TRUE(t.Save("memory://export-state-test/s.json").ok());
  auto u = ExportState::Load("memory://export-state-test/s.json");
  ASSERT_TRUE(u.ok());
  EXPECT_NE(u->Find("x"), nullptr);
}

}  // namespace
}  // namespace floe::exporter
