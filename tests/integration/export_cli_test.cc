// `floe export` end to end through the built binary: CSV, JSON and NDJSON to Parquet
// (read back with `floe parquet cat`), partitioning, the state file (skip, touch,
// force), dry run, bad rows, exit codes, and a kill -9 in the middle of an export.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
       {"--output",       "--table",       "--compression", "--row-group-size", "--bloom-filter",
        "--partition-by", "--time-column", "--name",        "--derive",         "--bad-rows",
        "--force",        "--dry-run",     "--verify",      "--json",           "--progress",
        "--date",         "--since",       "--until",       "--historical",     "--schema",
        "--delimiter",    "--null",        "--json-path"}) {
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
