// `floe parquet …` end to end: the built CLI writes, inspects and prints files, and bad
// input fails with exit code 1 and a message naming the problem.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "cli_run.h"

namespace {

namespace fs = std::filesystem;

CliRun Floe(const std::string& args) { return RunCommand(std::string(FLOE_BINARY) + " " + args); }

class ParquetCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(FLOE_BINARY)) GTEST_SKIP() << "the floe binary is not built";
    dir_ = fs::temp_directory_path() / ("floe_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

constexpr const char* kSchema = R"J({"fields": [
  {"name": "id", "type": "int64", "nullable": false},
  {"name": "ts", "type": "timestamp(ms, utc)"},
  {"name": "kind", "type": "string"},
  {"name": "tags", "type": {"type": "list", "element": "string"}},
  {"name": "amount", "type": "decimal(12,2)"},
  {"name": "attrs", "type": {"type": "map", "key": "string", "value": "int64"}},
  {"name": "loc", "type": {"type": "struct", "fields": [{"name": "x", "type": "float64"}]}}
]})J";

constexpr const char* kRows =
    R"({"id":1,"ts":"2026-01-02T03:04:05.123Z","kind":"click","tags":["a","b"],"amount":"12.50","attrs":[{"key":"k","value":7}],"loc":{"x":1.5}}
{"id":2,"ts":"2026-01-02T03:04:06Z","kind":null,"tags":[],"amount":"-0.01","attrs":[],"loc":null}
{"id":3,"ts":null,"kind":"view","tags":null,"amount":null,"attrs":null,"loc":{"x":-0.0}}
)";

TEST_F(ParquetCliTest, WriteThenCatRoundTripsEveryCodecAndPageVersion) {
  const std::string schema = Write("s.json", kSchema);
  const std::string rows = Write("rows.jsonl", kRows);
  for (const char* codec : {"none", "snappy", "gzip", "zstd:9", "lz4", "brotli"}) {
    for (int version : {1, 2}) {
      const std::string out = (dir_ / "out.parquet").string();
      CliRun w = Floe("parquet write --schema " + schema + " --input " + rows + " -o " + out +
                      " --compression " + codec + " --page-version " + std::to_string(version) +
                      " --bloom kind --encoding id=delta_binary_packed");
      ASSERT_EQ(w.code, 0) << codec << " v" << version << ": " << w.err;
      CliRun c = Floe("parquet cat " + out);
      ASSERT_EQ(c.code, 0) << c.err;
      EXPECT_EQ(c.out, kRows) << codec << " v" << version;
    }
  }
}

TEST_F(ParquetCliTest, CatProjectsAndLimits) {
  const std::string out = (dir_ / "p.parquet").string();
  ASSERT_EQ(Floe("parquet write --schema " + Write("s.json", kSchema) + " --input " +
                 Write("r.jsonl", kRows) + " -o " + out)
                .code,
            0);
  CliRun c = Floe("parquet cat " + out + " --columns id,loc.x --limit 2");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.out, "{\"id\":1,\"loc\":{\"x\":1.5}}\n{\"id\":2,\"loc\":null}\n");
}

TEST_F(ParquetCliTest, InspectAndSchemaDescribeTheFile) {
  const std::string out = (dir_ / "i.parquet").string();
  ASSERT_EQ(Floe("parquet write --schema " + Write("s.json", kSchema) + " --input " +
                 Write("r.jsonl", kRows) + " -o " + out + " --bloom kind")
                .code,
            0);
  CliRun i = Floe("parquet inspect --json " + out);
  ASSERT_EQ(i.code, 0) << i.err;
  const auto j = nlohmann::json::parse(i.out);
  EXPECT_EQ(j["num_rows"], 3);
  EXPECT_NE(j["created_by"].get<std::string>().find("floe version"), std::string::npos);
  bool bloom = false, page_index = false;
  for (const auto& c : j["row_groups"][0]["columns"]) {
    if (c["path"] == "kind") bloom = c["bloom_filter"].get<bool>();
    page_index = page_index || c["column_index"].get<bool>();
  }
  EXPECT_TRUE(bloom);
  EXPECT_TRUE(page_index);
  CliRun s = Floe("parquet schema " + out);
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("\"decimal(12,2)\""), std::string::npos) << s.out;
  EXPECT_EQ(Floe("parquet inspect " + out).code, 0);
}

TEST_F(ParquetCliTest, BadInputFailsClearly) {
  const std::string schema = Write("s.json", kSchema);
  // A value of the wrong type: exit 1, the line and the field named, no output file.
  const std::string out = (dir_ / "bad.parquet").string();
  CliRun w = Floe("parquet write --schema " + schema + " --input " +
                  Write("bad.jsonl", "{\"id\":1}\n{\"id\":\"two\"}\n") + " -o " + out);
  EXPECT_EQ(w.code, 1);
  EXPECT_NE(w.err.find("line 2"), std::string::npos) << w.err;
  EXPECT_NE(w.err.find("id"), std::string::npos) << w.err;
  EXPECT_FALSE(fs::exists(out)) << "a failed write must leave no file behind";
  // Not a Parquet file.
  CliRun c = Floe("parquet cat " + Write("not.parquet", "hello, this is not parquet"));
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.err.find("not.parquet"), std::string::npos) << c.err;
  // A missing file, and a usage error.
  EXPECT_EQ(Floe("parquet cat " + (dir_ / "missing.parquet").string()).code, 1);
  EXPECT_EQ(Floe("parquet cat").code, 2);
  EXPECT_EQ(Floe("parquet write --schema " + schema + " --input x -o y --page-version 3").code, 1);
}

}  // namespace
