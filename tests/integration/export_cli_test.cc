// `floe export` end to end through the built binary: CSV, JSON and NDJSON to Parquet
// (read back with `floe parquet cat`), partitioning, the state file (skip, touch,
// force), dry run, bad rows, exit codes, and a kill -9 in the middle of an export.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "cli_run.h"

namespace {

namespace fs = std::filesystem;

CliRun Floe(const std::string& args) { return RunCommand(std::string(FLOE_BINARY) + " " + args); }

// Every regular file under `dir` with its bytes (the output tree's exact content).
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    out[fs::relative(e.path(), dir).string()] = ss.str();
  }
  return out;
}

std::vector<std::string> ParquetFiles(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& [rel, bytes] : Tree(dir)) {
    if (rel.size() > 8 && rel.substr(rel.size() - 8) == ".parquet") out.push_back(rel);
  }
  return out;
}

class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(FLOE_BINARY)) GTEST_SKIP() << "the floe binary is not built";
    dir_ = fs::temp_directory_path() / ("floe_export_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
    out_ = dir_ / "out";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / "in" / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  // Rows of a Parquet file as parsed JSON objects, through `floe parquet cat`.
  std::vector<nlohmann::json> Cat(const std::string& rel) {
    CliRun r = Floe("parquet cat " + (out_ / rel).string());
    EXPECT_EQ(r.code, 0) << r.err;
    std::vector<nlohmann::json> rows;
    std::stringstream ss(r.out);
    std::string line;
    while (std::getline(ss, line)) {
      if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    }
    return rows;
  }
  fs::path dir_, out_;
};

constexpr const char* kCsv =
    "ts,query,ms,ok\n"
    "2024-01-31T23:59:59Z,\"select \"\"a\"\", 1\",12.5,true\n"
    "2024-02-01T00:00:01Z,\"multi\nline\",3,false\n"
    "2024-02-02T10:00:00Z,plain,,true\n";

constexpr const char* kCsvSchema = R"J({"fields": [
  {"name": "ts", "type": "timestamp(us, utc)"},
  {"name": "query", "type": "string"},
  {"name": "ms", "type": "float64"},
  {"name": "ok", "type": "bool"}]})J";

TEST_F(ExportCliTest, CsvToPartitionedParquetThenSkipTouchForce) {
  Write("q_2024-02-01.csv", kCsv);
  const std::string schema = Write("schema.json.txt", kCsvSchema);
  const std::string base = "export " + (dir_ / "in" / "q_2024-02-01.csv").string() + " --schema " +
                           schema + " --output " + out_.string() + " --partition-by year,month";
  CliRun r = Floe(base);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(ParquetFiles(out_),
            (std::vector<std::string>{"year=2024/month=01/q_2024-02-01.parquet",
                                      "year=2024/month=02/q_2024-02-01.parquet"}));
  auto jan = Cat("year=2024/month=01/q_2024-02-01.parquet");
  ASSERT_EQ(jan.size(), 1u);
  EXPECT_EQ(jan[0]["query"], "select \"a\", 1");
  EXPECT_EQ(jan[0]["ms"], 12.5);
  auto feb = Cat("year=2024/month=02/q_2024-02-01.parquet");
  ASSERT_EQ(feb.size(), 2u);
  EXPECT_EQ(feb[0]["query"], "multi\nline");
  EXPECT_TRUE(feb[1]["ms"].is_null());

  // A second run writes nothing and says the input was skipped.
  const auto before = Tree(out_);
  r = Floe(base + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs_exported"], 0);
  EXPECT_EQ(j["inputs_skipped"], 1);
  EXPECT_EQ(j["inputs"][0]["action"], "skipped");
  EXPECT_EQ(Tree(out_), before);

  // --dry-run after a change: reports, writes nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write("q_2024-02-01.csv", std::string(kCsv).substr(0, std::string(kCsv).rfind("2024-02-02")));
  r = Floe(base + " --dry-run");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("would export"), std::string::npos) << r.out;
  EXPECT_EQ(Tree(out_), before);

  // The changed input is re-exported and its old outputs replaced.
  r = Floe(base + " --json --verify");
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs_exported"], 1);
  EXPECT_EQ(j["rows_written"], 2);
  EXPECT_EQ(j["verified"], true);
  EXPECT_EQ(Cat("year=2024/month=02/q_2024-02-01.parquet").size(), 1u);

  // --force re-exports an unchanged input.
  r = Floe(base + " --json --force");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["inputs_exported"], 1);
}

TEST_F(ExportCliTest, NdjsonAndJsonDocumentsWithInferredSchema) {
  Write("a.ndjson",
        "{\"id\": 1, \"tags\": [\"x\"], \"at\": \"2024-03-01T00:00:00Z\"}\n"
        "{\"id\": 2, \"tags\": [], \"at\": \"2024-03-02T00:00:00Z\"}\n");
  Write("b.json",
        "{\"recommendations\": [{\"id\": 3, \"tags\": [\"y\", \"z\"], \"at\": "
        "\"2024-03-03T00:00:00Z\"}]}");
  CliRun s = Floe("export " + (dir_ / "in" / "a.ndjson").string() + " --print-schema");
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("\"list\""), std::string::npos) << s.out;
  const std::string schema = Write("s.schema", s.out);
  CliRun r = Floe("export " + (dir_ / "in").string() + " --schema " + schema +
                  " --json-path recommendations --output " + out_.string() +
                  " --derive 'date_partition=date(at)' --partition-by date_partition --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows_written"], 3);
  EXPECT_EQ(ParquetFiles(out_).size(), 3u);
  auto rows = Cat("date_partition=2024-03-03/b.parquet");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["id"], 3);
  EXPECT_EQ(rows[0]["tags"], nlohmann::json::array({"y", "z"}));
  EXPECT_EQ(rows[0]["date_partition"], "2024-03-03");
}

TEST_F(ExportCliTest, MalformedCsvFailsWithPlaceOrIsQuarantined) {
  const std::string schema = Write("schema.txt", kCsvSchema);
  Write("bad.csv",
        "ts,query,ms,ok\n"
        "2024-01-01T00:00:00Z,a,1,true\n"
        "2024-01-01T00:00:00Z,b,notanumber,true\n"
        "2024-13-01T00:00:00Z,c,1,true\n"
        "2024-01-01T00:00:00Z,d\n"
        "2024-01-01T00:00:00Z,e,1,true,extra\n"
        "2024-01-01T00:00:00Z,f,2,false\n");
  const std::string input = (dir_ / "in" / "bad.csv").string();
  CliRun r = Floe("export " + input + " --schema " + schema + " --output " + out_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.csv:3:3"), std::string::npos) << r.err;
  EXPECT_TRUE(ParquetFiles(out_).empty());  // nothing written

  const std::string quarantine = (dir_ / "bad-rows.ndjson").string();
  r = Floe("export " + input + " --schema " + schema + " --output " + out_.string() +
           " --bad-rows " + quarantine + " --json");
  EXPECT_EQ(r.code, 3) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows_written"], 2);
  EXPECT_EQ(j["rows_rejected"], 4);
  std::ifstream q(quarantine);
  std::vector<nlohmann::json> bad;
  std::string line;
  while (std::getline(q, line)) bad.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(bad.size(), 4u);
  EXPECT_EQ(bad[0]["line"], 3);
  EXPECT_EQ(bad[0]["column"], "3");
  EXPECT_EQ(bad[1]["line"], 4);
  EXPECT_EQ(bad[2]["line"], 5);
  EXPECT_EQ(bad[3]["line"], 6);

  // Unbalanced quote.
  Write("quote.csv", "ts,query,ms,ok\n2024-01-01T00:00:00Z,\"open,1,true\n");
  r = Floe("export " + (dir_ / "in" / "quote.csv").string() + " --schema " + schema + " --output " +
           out_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("quote.csv:2:"), std::string::npos) << r.err;
}

TEST_F(ExportCliTest, UsageErrorsExitTwoAndHelpListsFlags) {
  CliRun r = Floe("export");
  EXPECT_EQ(r.code, 2);
  r = Floe("export x.csv --output o --table a.b");
  EXPECT_EQ(r.code, 2) << r.err;
  r = Floe("export --help");
  EXPECT_EQ(r.code, 0);
  for (const char* flag :
       {"--output",         "--table",        "--compression", "--row-group-size",
        "--bloom-filter",   "--partition-by", "--time-column", "--name",
        "--derive",         "--bad-rows",     "--force",       "--dry-run",
        "--verify",         "--json",         "--progress",    "--date",
        "--since",          "--until",        "--historical",  "--schema",
        "--delimiter",      "--null",         "--json-path",   "--sort-by",
        "--sort-memory-mb", "--page-size",    "--page-rows",   "--fallback-encodings"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(ExportCliTest, DateSelectionByFileName) {
  const std::string schema = Write("schema.txt", kCsvSchema);
  Write("q_2024-01-01.csv", kCsv);
  Write("q_2024-01-02.csv", kCsv);
  Write("q_2024-01-03.csv", kCsv);
  CliRun r = Floe("export " + (dir_ / "in").string() + " --schema " + schema + " --output " +
                  out_.string() + " --date 2024-01-02 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ParquetFiles(out_), (std::vector<std::string>{"q_2024-01-02.parquet"}));
  r = Floe("export " + (dir_ / "in").string() + " --schema " + schema + " --output " +
           out_.string() + " --since 2024-01-02 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs_exported"], 1);  // 01-03; 01-02 unchanged
  EXPECT_EQ(j["inputs_skipped"], 1);
}

TEST_F(ExportCliTest, TouchedInputIsReExportedAndEveryOtherSkipped) {
  const std::string schema = Write("schema.txt", kCsvSchema);
  Write("a.csv", kCsv);
  Write("b.csv", kCsv);
  const std::string base = "export " + (dir_ / "in").string() + " --schema " + schema +
                           " --output " + out_.string() + " --json";
  CliRun r = Floe(base);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["inputs_exported"], 2);
  r = Floe(base);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["inputs_skipped"], 2);
  // Same bytes, new modification time: re-exported; the other input is skipped.
  const auto a = dir_ / "in" / "a.csv";
  fs::last_write_time(a, fs::last_write_time(a) + std::chrono::seconds(5));
  r = Floe(base);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs_exported"], 1);
  EXPECT_EQ(j["inputs_skipped"], 1);
  for (const auto& in : j["inputs"]) {
    const bool is_a = in["path"].get<std::string>().ends_with("a.csv");
    EXPECT_EQ(in["action"], is_a ? "exported" : "skipped") << in.dump();
  }
  EXPECT_EQ(Cat("a.parquet").size(), 3u);
  EXPECT_EQ(Cat("b.parquet").size(), 3u);
}

constexpr const char* kSortCsv =
    "region,ms,ts\n"
    "eu,5,2024-01-01T00:00:00Z\n"
    "us,,2024-01-01T00:00:01Z\n"
    "eu,,2024-01-01T00:00:02Z\n"
    ",3,2024-01-01T00:00:03Z\n"
    "us,9,2024-01-01T00:00:04Z\n"
    "eu,7,2024-01-01T00:00:05Z\n"
    ",1,2024-01-01T00:00:06Z\n"
    "eu,7,2024-01-01T00:00:07Z\n";

TEST_F(ExportCliTest, SortByOrdersRowsWithinEachFile) {
  const std::string schema = Write("s.txt", R"J({"fields": [{"name": "region", "type": "string"},
      {"name": "ms", "type": "int64"}, {"name": "ts", "type": "timestamp(us, utc)"}]})J");
  Write("q.csv", kSortCsv);
  const std::string input = (dir_ / "in" / "q.csv").string();
  // region ascending (nulls first), then ms descending (nulls last); ties keep input order.
  CliRun r = Floe("export " + input + " --schema " + schema + " --output " + out_.string() +
                  " --sort-by 'region, ms DESC' --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = Cat("q.parquet");
  ASSERT_EQ(rows.size(), 8u);
  std::vector<std::string> got;
  for (const auto& row : rows) {
    got.push_back((row["region"].is_null() ? "-" : row["region"].get<std::string>()) + "/" +
                  (row["ms"].is_null() ? "-" : std::to_string(row["ms"].get<int>())) + "@" +
                  row["ts"].get<std::string>().substr(17, 2));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"-/3@03", "-/1@06", "eu/7@05", "eu/7@07", "eu/5@00",
                                           "eu/-@02", "us/9@04", "us/-@01"}));

  // Explicit null orders, and a changed order re-exports the unchanged input.
  r = Floe("export " + input + " --schema " + schema + " --output " + out_.string() +
           " --sort-by 'ms:asc:nulls_last' --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["inputs"][0]["reason"], "settings changed");
  rows = Cat("q.parquet");
  std::vector<std::string> ms;
  for (const auto& row : rows) ms.push_back(row["ms"].is_null() ? "-" : row["ms"].dump());
  EXPECT_EQ(ms, (std::vector<std::string>{"1", "3", "5", "7", "7", "9", "-", "-"}));

  // Partitioned: each file sorted on its own.
  r = Floe("export " + input + " --schema " + schema + " --output " + (dir_ / "p").string() +
           " --partition-by region --sort-by 'ms desc'");
  ASSERT_EQ(r.code, 0) << r.err;
  out_ = dir_ / "p";
  rows = Cat("region=eu/q.parquet");
  ms.clear();
  for (const auto& row : rows) ms.push_back(row["ms"].is_null() ? "-" : row["ms"].dump());
  EXPECT_EQ(ms, (std::vector<std::string>{"7", "7", "5", "-"}));

  r = Floe("export " + input + " --schema " + schema + " --output " + out_.string() +
           " --sort-by 'nope'");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--sort-by: no column named 'nope'"), std::string::npos) << r.err;
}

TEST_F(ExportCliTest, SortPastTheMemoryBoundSortsEachRowGroupAndWarns) {
  {
    std::ofstream f(dir_ / "in" / "big.ndjson");
    // About 13 MB: more than one 8 MiB read block, so several batches arrive.
    for (int64_t i = 0; i < 150000; ++i) {
      f << "{\"id\": " << i << ", \"k\": " << (i * 7919) % 10007 << ", \"s\": \"v-" << i
        << "-padding-padding-padding-padding-padding\"}\n";
    }
  }
  const std::string schema = Write("s.txt", R"J({"fields": [{"name": "id", "type": "int64"},
      {"name": "k", "type": "int64"}, {"name": "s", "type": "string"}]})J");
  CliRun r = Floe("export " + (dir_ / "in" / "big.ndjson").string() + " --schema " + schema +
                  " --output " + out_.string() +
                  " --sort-by k --sort-memory-mb 1 --row-group-rows 1000000 --verify --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("sorted within each row group only"), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["warnings"].size(), 1u);
  CliRun meta = Floe("parquet inspect --json " + (out_ / "big.parquet").string());
  ASSERT_EQ(meta.code, 0) << meta.err;
  std::vector<int64_t> group_rows;
  const nlohmann::json footer = nlohmann::json::parse(meta.out);
  for (const auto& rg : footer["row_groups"]) {
    group_rows.push_back(rg["num_rows"].get<int64_t>());
  }
  ASSERT_GT(group_rows.size(), 1u);  // the bound cut the file into several sorted runs
  const auto rows = Cat("big.parquet");
  ASSERT_EQ(rows.size(), 150000u);
  size_t at = 0;
  for (int64_t n : group_rows) {
    for (int64_t i = 1; i < n; ++i) {
      ASSERT_LE(rows[at + i - 1]["k"].get<int64_t>(), rows[at + i]["k"].get<int64_t>())
          << "row group starting at row " << at;
    }
    at += static_cast<size_t>(n);
  }
  EXPECT_EQ(at, rows.size());
}

TEST_F(ExportCliTest, DateSelectionByTheTimeColumn) {
  const std::string schema = Write("s.txt", R"J({"fields": [{"name": "id", "type": "int64"},
      {"name": "ts", "type": "timestamp(us, utc)"},
      {"name": "created", "type": "timestamp(ms, utc)"}]})J");
  // No date in the name: rows are selected by the time column. ts and created disagree.
  Write("events.csv",
        "id,ts,created\n"
        "1,2024-01-01T10:00:00Z,2024-01-03T10:00:00Z\n"
        "2,2024-01-02T10:00:00Z,2024-01-02T23:59:59Z\n"
        "3,2024-01-03T10:00:00Z,2024-01-01T00:00:00Z\n"
        "4,2024-01-04T10:00:00Z,\n"
        "5,2024-01-02T00:00:00Z,2024-01-04T00:00:00Z\n");
  const std::string input = (dir_ / "in" / "events.csv").string();
  auto ids = [&](const std::string& rel) {
    std::vector<int64_t> out;
    for (const auto& row : Cat(rel)) out.push_back(row["id"].get<int64_t>());
    return out;
  };
  CliRun r = Floe("export " + input + " --schema " + schema + " --output " + out_.string() +
                  " --since 2024-01-02 --until 2024-01-03 --time-column created --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows_written"], 2);
  EXPECT_EQ(j["rows_filtered"], 3);
  EXPECT_EQ(j["rows_rejected"], 0);
  EXPECT_EQ(ids("events.parquet"), (std::vector<int64_t>{1, 2}));

  // The default time column is the first timestamp column (ts).
  out_ = dir_ / "by_ts";
  r = Floe("export " + input + " --schema " + schema + " --output " + out_.string() +
           " --date 2024-01-02 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rows_filtered"], 3);
  EXPECT_EQ(ids("events.parquet"), (std::vector<int64_t>{2, 5}));
}

TEST_F(ExportCliTest, TableExportReplacesTheRowsOfAChangedInput) {
  const std::string wh = " --warehouse " + (dir_ / "wh").string();
  const std::string schema = Write("s.txt", R"J({"fields": [{"name": "id", "type": "int64"},
      {"name": "src", "type": "string"}, {"name": "ts", "type": "timestamp(us, utc)"}]})J");
  ASSERT_EQ(Floe("namespace create db" + wh).code, 0);
  CliRun c = Floe("table create db.t --schema " + schema + " --partition 'day(ts)'" + wh);
  ASSERT_EQ(c.code, 0) << c.err << c.out;
  auto csv = [](const std::string& src, int begin, int end) {
    std::string t = "id,src,ts\n";
    for (int i = begin; i < end; ++i) {
      t +=
          std::to_string(i) + "," + src + ",2024-05-0" + std::to_string(1 + i % 3) + "T12:00:00Z\n";
    }
    return t;
  };
  Write("a.csv", csv("a", 0, 100));
  Write("b.csv", csv("b", 1000, 1050));
  const std::string cmd = "export " + (dir_ / "in" / "a.csv").string() + " " +
                          (dir_ / "in" / "b.csv").string() + " --table db.t --json" + wh;
  // Rows of the table as "src:id", sorted.
  auto scan = [&] {
    CliRun s = Floe("table scan db.t" + wh);
    EXPECT_EQ(s.code, 0) << s.err;
    std::vector<std::string> out;
    std::stringstream ss(s.out);
    for (std::string line; std::getline(ss, line);) {
      if (line.empty()) continue;
      auto row = nlohmann::json::parse(line);
      out.push_back(row["src"].get<std::string>() + ":" + row["id"].dump());
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto expect = [&](int a_begin, int a_end) {
    std::vector<std::string> out;
    for (int i = a_begin; i < a_end; ++i) out.push_back("a:" + std::to_string(i));
    for (int i = 1000; i < 1050; ++i) out.push_back("b:" + std::to_string(i));
    std::sort(out.begin(), out.end());
    return out;
  };
  CliRun r = Floe(cmd);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(scan(), expect(0, 100));
  // Unchanged: nothing to do.
  r = Floe(cmd);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["inputs_skipped"], 2);
  EXPECT_EQ(scan(), expect(0, 100));

  // a changes: its earlier rows are replaced, b's stay as they were.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write("a.csv", csv("a", 50, 80));
  const std::string files_before = Floe("table files db.t" + wh).out;
  // A dry run names the data files it would replace and changes nothing.
  const auto warehouse_before = Tree(dir_ / "wh");
  r = Floe(cmd + " --dry-run");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("replaces file://"), std::string::npos) << r.out;
  EXPECT_EQ(Tree(dir_ / "wh"), warehouse_before);
  r = Floe(cmd);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs_exported"], 1);
  EXPECT_EQ(j["inputs_skipped"], 1);
  EXPECT_EQ(j["outputs_removed"], 3);  // a's files, one per day
  EXPECT_EQ(scan(), expect(50, 80));
  const std::string files_after = Floe("table files db.t" + wh).out;
  std::stringstream before(files_before);
  int b_files = 0;
  for (std::string line; std::getline(before, line);) {
    // b's data files (those not replaced) are still listed, unchanged.
    if (line.find(".parquet") == std::string::npos) continue;
    const size_t start = line.find("file:");
    const size_t end = line.find(".parquet") + 8;
    const std::string path = line.substr(start == std::string::npos ? 0 : start,
                                         end - (start == std::string::npos ? 0 : start));
    if (files_after.find(path) != std::string::npos) ++b_files;
  }
  EXPECT_EQ(b_files, 3);
  CliRun snaps = Floe("table snapshots db.t" + wh);
  EXPECT_NE(snaps.out.find("overwrite"), std::string::npos) << snaps.out;

  // --force re-exports both, still without duplicates.
  r = Floe(cmd + " --force");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(scan(), expect(50, 80));

  // A state file as older versions wrote it lists every file of the run under each input:
  // replacing a's files would drop b's rows, so b is exported again too.
  const fs::path state_path = dir_ / "wh" / ".floe-export" / "db.t.export-state.json";
  nlohmann::json state =
      nlohmann::json::parse(Tree(dir_ / "wh").at(fs::relative(state_path, dir_ / "wh").string()));
  nlohmann::json all = nlohmann::json::array();
  for (const auto& in : state["inputs"]) {
    for (const auto& o : in["outputs"])
      all.push_back({{"path", o["path"]}, {"rows", 0}, {"bytes", 0}});
  }
  for (auto& in : state["inputs"]) in["outputs"] = all;
  std::ofstream(state_path) << state.dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Write("a.csv", csv("a", 0, 10));
  r = Floe(cmd);
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inputs_exported"], 2);
  EXPECT_NE(r.out.find("shares data files with"), std::string::npos) << r.out;
  EXPECT_EQ(scan(), expect(0, 10));
}

TEST_F(ExportCliTest, TableExportSortsEachDataFile) {
  const std::string wh = " --warehouse " + (dir_ / "wh").string();
  const std::string schema = Write("s.txt", R"J({"fields": [{"name": "id", "type": "int64"},
      {"name": "ts", "type": "timestamp(us, utc)"}]})J");
  ASSERT_EQ(Floe("namespace create db" + wh).code, 0);
  ASSERT_EQ(Floe("table create db.t --schema " + schema + " --partition 'day(ts)'" + wh).code, 0);
  std::string csv = "id,ts\n";
  for (int i = 0; i < 300; ++i) {
    csv +=
        std::to_string((i * 37) % 300) + ",2024-05-0" + std::to_string(1 + i % 2) + "T12:00:00Z\n";
  }
  Write("a.csv", csv);
  CliRun r =
      Floe("export " + (dir_ / "in" / "a.csv").string() + " --table db.t --sort-by 'id desc'" + wh);
  ASSERT_EQ(r.code, 0) << r.err;
  CliRun files = Floe("table files db.t" + wh);
  ASSERT_EQ(files.code, 0) << files.err;
  std::stringstream ss(files.out);
  int checked = 0;
  for (std::string line; std::getline(ss, line);) {
    const size_t at = line.find("file://");
    if (at == std::string::npos) continue;
    CliRun cat = Floe("parquet cat " + line.substr(at));
    ASSERT_EQ(cat.code, 0) << cat.err;
    std::stringstream rows(cat.out);
    int64_t prev = INT64_MAX, n = 0;
    for (std::string row; std::getline(rows, row);) {
      const int64_t id = nlohmann::json::parse(row)["id"].get<int64_t>();
      EXPECT_LE(id, prev);
      prev = id;
      ++n;
    }
    EXPECT_EQ(n, 150);
    ++checked;
  }
  EXPECT_EQ(checked, 2);  // one file per day, each sorted
}

TEST_F(ExportCliTest, KillNineLeavesNoPartialFileAndTheNextRunCompletes) {
  // A large NDJSON input so the export takes a while.
  {
    std::ofstream f(dir_ / "in" / "big.ndjson");
    std::string row;
    for (int64_t i = 0; i < 600000; ++i) {
      f << "{\"id\": " << i << ", \"s\": \"value-" << (i * 7919) % 100003
        << "-padding-padding-padding\"}\n";
    }
  }
  const std::string schema = Write(
      "s.txt", R"({"fields": [{"name": "id", "type": "int64"}, {"name": "s", "type": "string"}]})");
  const std::string cmd = std::string(FLOE_BINARY) + " export " +
                          (dir_ / "in" / "big.ndjson").string() + " --schema " + schema +
                          " --output " + out_.string() + " --row-group-rows 20000";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >/dev/null 2>&1").c_str(), nullptr);
    ::_exit(127);
  }
  // Kill once a temporary output exists (the export is mid-write), or after 3 s.
  bool saw_temp = false;
  for (int i = 0; i < 300 && !saw_temp; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (const auto& [rel, bytes] : Tree(out_)) saw_temp |= rel.find(".tmp.") != std::string::npos;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(saw_temp);
  // No published Parquet file: the output was still being written aside.
  EXPECT_TRUE(ParquetFiles(out_).empty());
  EXPECT_FALSE(fs::exists(out_ / ".floe-export-state.json"));
  CliRun r = Floe("export " + (dir_ / "in" / "big.ndjson").string() + " --schema " + schema +
                  " --output " + out_.string() + " --json --verify");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows_written"], 600000);
  for (const auto& [rel, bytes] : Tree(out_)) {
    EXPECT_EQ(rel.find(".tmp."), std::string::npos) << rel;  // the leftovers were swept
  }
}

}  // namespace
