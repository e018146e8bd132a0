#include "floe/export/record_reader.h"

#include <gtest/gtest.h>

namespace floe::exporter {
namespace {

SchemaPtr TestSchema() {
  return std::make_shared<Schema>(
      std::vector<Field>{{"id", types::Int64(), false}, {"name", types::String()}});
}

struct Read {
  Status status;
  std::vector<int64_t> ids;
  std::vector<BadRow> bad;
};

Read ReadAll(const std::string& text, InputFormat format, bool quarantine,
             size_t block_bytes = 1 << 20, const std::string& json_path = "") {
  Read out;
  auto src = ByteSource::FromMemory(text, "in.txt");
  RecordReadOptions o;
  o.format = format;
  o.block_bytes = block_bytes;
  o.json_path = json_path;
  BadRowSink sink;
  if (quarantine)
    sink = [&](const BadRow& b) {
      out.bad.push_back(b);
      return Status::OK();
    };
  auto r = RecordReader::Open(std::move(*src), TestSchema(), o, sink);
  if (!r.ok()) {
    out.status = r.status();
    return out;
  }
  while (true) {
    auto b = (*r)->Next();
    if (!b.ok()) {
      out.status = b.status();
      return out;
    }
    if (!*b) break;
    for (int64_t i = 0; i < (*b)->num_rows; ++i)
      out.ids.push_back((*b)->columns[0]->Value<int64_t>(i));
  }
  return out;
}

TEST(ExportRecordReader, NdjsonBadRowFailsWithLine) {
  const std::string t = "{\"id\":1}\n{\"id\":2}\n\n{\"id\":\"x\"}\n{\"id\":4}\n";
  Read r = ReadAll(t, InputFormat::kNdjson, false);
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("in.txt:4: field \"id\""), std::string::npos)
      << r.status.message();
}

TEST(ExportRecordReader, NdjsonQuarantineKeepsTheRestAcrossBlocks) {
  std::string t;
  for (int i = 1; i <= 300; ++i) {
    t += i % 100 == 0 ? "{\"id\": null}\n" : "{\"id\": " + std::to_string(i) + "}\n";
  }
  Read r = ReadAll(t, InputFormat::kNdjson, true, /*block_bytes=*/500);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.ids.size(), 297u);
  EXPECT_EQ(r.ids[98], 99);
  EXPECT_EQ(r.ids[99], 101);
  ASSERT_EQ(r.bad.size(), 3u);
  EXPECT_EQ(r.bad[0].line, 100);
  EXPECT_EQ(r.bad[2].line, 300);
  EXPECT_EQ(r.bad[0].column, "id");
  EXPECT_EQ(r.bad[0].record, "{\"id\": null}");
}

TEST(ExportRecordReader, JsonDocumentUnderPath) {
  const std::string t =
      "{\"meta\": 1,\n \"recommendations\": [\n  {\"id\": 7, \"name\": \"a\"},\n  {\"id\": "
      "true},\n  {\"id\": 9}]}";
  Read r = ReadAll(t, InputFormat::kJson, true, 1 << 20, "recommendations");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.ids, (std::vector<int64_t>{7, 9}));
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 4);
  Read strict = ReadAll(t, InputFormat::kJson, false, 1 << 20, "recommendations");
  EXPECT_NE(strict.status.message().find("in.txt:4 (element 1): field \"id\""), std::string::npos)
      << strict.status.message();
  EXPECT_FALSE(ReadAll(t, InputFormat::kJson, false, 1 << 20, "nope").status.ok());
}

TEST(ExportRecordReader, CsvShortRowsAndBadNumbers) {
  const std::string t = "id,name\n1,a\n2\nx,b\n4,\"multi\nline\"\n5,c,extra\n";
  Read strict = ReadAll(t, InputFormat::kCsv, false);
  ASSERT_FALSE(strict.status.ok());
  EXPECT_NE(strict.status.message().find("in.txt:3:"), std::string::npos)
      << strict.status.message();
  Read q = ReadAll(t, InputFormat::kCsv, true);
  ASSERT_TRUE(q.status.ok()) << q.status.ToString();
  EXPECT_EQ(q.ids, (std::vector<int64_t>{1, 4}));
  ASSERT_EQ(q.bad.size(), 3u);
  EXPECT_EQ(q.bad[0].line, 3);
  EXPECT_EQ(q.bad[1].line, 4);
  EXPECT_EQ(q.bad[1].column, "1");
  EXPECT_EQ(q.bad[2].line, 7);  // after the two-line record
}

// Blocks of CSV are parsed in parallel while no quote or bare CR can make a line feed
// ambiguous, sequentially after: either way the rows, bad rows and lines are the sequential
// reader's. Expectations are computed from the generator, not from a run. The input (about
// 20 KB) is long enough for line counting to sum its vector lanes more than once.
TEST(ExportRecordReader, CsvInParallelBlocksMatchesTheSequentialReading) {
  for (const bool crlf : {false, true}) {
    for (const bool bom : {false, true}) {
      for (const int quote_from : {-1, 0, 150, 1990}) {
        std::string t = bom ? "\xEF\xBB\xBF" : "";
        const std::string eol = crlf ? "\r\n" : "\n";
        t += "id,name" + eol;
        std::vector<int64_t> ids;
        std::vector<int64_t> bad_lines;
        int64_t line = 2;
        for (int i = 0; i < 2000; ++i) {
          const bool bad = i % 37 == 11;
          const bool quoted = quote_from >= 0 && i >= quote_from && i % 5 == 0;
          t += (bad ? "n" + std::to_string(i) : std::to_string(i)) + "," +
               (quoted ? "\"two" + eol + "lines\"" : "v" + std::to_string(i)) + eol;
          if (bad) {
            bad_lines.push_back(line);
          } else {
            ids.push_back(i);
          }
          line += quoted ? 2 : 1;
        }
        for (const size_t block : {size_t{64}, size_t{300}, size_t{1} << 20}) {
          Read r = ReadAll(t, InputFormat::kCsv, true, block);
          ASSERT_TRUE(r.status.ok()) << r.status.ToString();
          EXPECT_EQ(r.ids, ids) << crlf << bom << quote_from << " " << block;
          std::vector<int64_t> got;
          for (const BadRow& b : r.bad) got.push_back(b.line);
          EXPECT_EQ(got, bad_lines) << crlf << bom << quote_from << " " << block;
          ASSERT_FALSE(r.bad.empty());
          EXPECT_EQ(r.bad[0].column, "1");
          EXPECT_EQ(r.bad[0].record, "n11,v11");
          Read strict = ReadAll(t, InputFormat::kCsv, false, block);
          EXPECT_NE(strict.status.message().find("in.txt:" + std::to_string(bad_lines[0]) +
                                                 ":1: field \"id\""),
                    std::string::npos)
              << strict.status.message();
        }
      }
    }
  }
  // No header: columns by position, lines from 1; a last line without a line ending.
  RecordReadOptions o;
  o.format = InputFormat::kCsv;
  o.header = false;
  o.block_bytes = 16;
  std::string t;
  for (int i = 0; i < 50; ++i) t += std::to_string(i) + ",x" + (i < 49 ? "\n" : "");
  auto src = ByteSource::FromMemory(t, "in.txt");
  auto reader = RecordReader::Open(std::move(*src), TestSchema(), o, nullptr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  int64_t next = 0;
  while (true) {
    auto b = (*reader)->Next();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    if (!*b) break;
    for (int64_t i = 0; i < (*b)->num_rows; ++i) {
      EXPECT_EQ((*b)->columns[0]->Value<int64_t>(i), next++);
    }
  }
  EXPECT_EQ(next, 50);
}

TEST(ExportRecordReader, SplitJsonErrorMessage) {
  std::string f, r;
  SplitJsonError("line 3 (array element 2), field \"a.b\": expected int32, got string \"x\"", &f,
                 &r);
  EXPECT_EQ(f, "a.b");
  EXPECT_EQ(r, "expected int32, got string \"x\"");
  SplitJsonError("line 9: invalid JSON (TAPE_ERROR)", &f, &r);
  EXPECT_EQ(f, "");
  EXPECT_EQ(r, "invalid JSON (TAPE_ERROR)");
}

}  // namespace
}  // namespace floe::exporter
