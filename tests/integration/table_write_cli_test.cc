// `floe table append|scan --where|delete` end to end through the binary, and the
// concurrency requirement: four processes each committing 50 appends to one table lose
// and duplicate nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_run.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class TableWriteCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(FLOE_BINARY)) GTEST_SKIP() << "the floe binary is not built";
    dir_ = fs::temp_directory_path() / ("floe_table_write_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    floe_ = std::string(FLOE_BINARY) + " ";
    warehouse_ = " --warehouse " + (dir_ / "wh").string();
    std::ofstream(dir_ / "schema.json")
        << R"({"fields": [{"name": "id", "type": "int64", "nullable": false},
                          {"name": "ts", "type": "timestamptz"},
                          {"name": "kind", "type": "string"}]})";
    ASSERT_EQ(Floe("namespace create app").code, 0);
    CliRun c = Floe("table create app.events --schema " + (dir_ / "schema.json").string() +
                    " --partition 'day(ts), kind'");
    ASSERT_EQ(c.code, 0) << c.out;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Floe(const std::string& args) {
    return RunCommand(floe_ + args + warehouse_, /*merge_stderr=*/true);
  }

  // A JSON Lines file of ids [begin, end).
  std::string WriteJsonl(const std::string& name, int begin, int end) {
    const fs::path p = dir_ / name;
    std::ofstream out(p);
    for (int i = begin; i < end; ++i) {
      out << "{\"id\":" << i << ",\"ts\":\"2024-03-0" << 1 + i % 3 << "T10:00:00Z\",\"kind\":\""
          << (i % 2 ? "click" : "view") << "\"}\n";
    }
    return p.string();
  }

  std::vector<int> ScanIds(const std::string& extra = "") {
    CliRun r = Floe("table scan app.events --columns id" + extra);
    EXPECT_EQ(r.code, 0) << r.out;
    std::vector<int> ids;
    for (const std::string& line : Lines(r.out)) {
      int id = 0;
      if (std::sscanf(line.c_str(), "{\"id\":%d}", &id) == 1) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  fs::path dir_;
  std::string floe_;
  std::string warehouse_;
};

std::vector<int> Range(int begin, int end, int step = 1) {
  std::vector<int> v;
  for (int i = begin; i < end; i += step) v.push_back(i);
  return v;
}

TEST_F(TableWriteCliTest, AppendScanWhereAndDelete) {
  CliRun a = Floe("table append app.events " + WriteJsonl("a.jsonl", 0, 300));
  ASSERT_EQ(a.code, 0) << a.out;
  EXPECT_NE(a.out.find("appended 300 rows"), std::string::npos) << a.out;
  EXPECT_EQ(ScanIds(), Range(0, 300));

  // The filter prunes by partition and applies the residual exactly.
  CliRun w = Floe(
      "table scan app.events --columns id --stats --where \"kind = 'click' AND "
      "ts >= '2024-03-02T00:00:00Z' AND id < 100\"");
  ASSERT_EQ(w.code, 0) << w.out;
  std::vector<int> expect;
  for (int i = 0; i < 100; ++i) {
    if (i % 2 == 1 && i % 3 != 0) expect.push_back(i);
  }
  std::vector<int> got;
  for (const std::string& line : Lines(w.out)) {
    int id = 0;
    if (std::sscanf(line.c_str(), "{\"id\":%d}", &id) == 1) got.push_back(id);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expect);
  // 3 days x 2 kinds = 6 files; the filter keeps the 2 click files of days 2 and 3.
  EXPECT_NE(w.out.find("files read 2"), std::string::npos) << w.out;

  CliRun bad = Floe("table scan app.events --where \"id = \"");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("offset"), std::string::npos) << bad.out;
  CliRun unknown = Floe("table scan app.events --where \"nope = 1\"");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.out.find("nope"), std::string::npos) << unknown.out;

  CliRun d = Floe("table delete app.events --where \"kind = 'view' OR id >= 250\"");
  ASSERT_EQ(d.code, 0) << d.out;
  std::vector<int> left;
  for (int i = 0; i < 250; ++i) {
    if (i % 2 == 1) left.push_back(i);
  }
  EXPECT_EQ(ScanIds(), left);

  // Overwrite the rows of day 1 with a fresh batch of ids.
  CliRun o = Floe("table append app.events --overwrite-where \"ts < '2024-03-02T00:00:00Z'\" " +
                  WriteJsonl("o.jsonl", 1000, 1003));
  ASSERT_EQ(o.code, 0) << o.out;
  std::vector<int> after;
  for (int i : left) {
    if (i % 3 != 0) after.push_back(i);
  }
  for (int i = 1000; i < 1003; ++i) {
    if (i % 3 == 0) after.push_back(i);
  }
  // Rows of o.jsonl outside day 1 are appended too.
  for (int i = 1000; i < 1003; ++i) {
    if (i % 3 != 0) after.push_back(i);
  }
  std::sort(after.begin(), after.end());
  EXPECT_EQ(ScanIds(), after);
}

TEST_F(TableWriteCliTest, BadInputCommitsNothing) {
  const std::string good = WriteJsonl("good.jsonl", 0, 10);
  const fs::path bad = dir_ / "bad.jsonl";
  std::ofstream(bad) << "{\"id\":1,\"ts\":\"2024-03-01T00:00:00Z\",\"kind\":\"x\"}\n"
                     << "{\"id\":\"two\"}\n";
  CliRun r = Floe("table append app.events " + good + " " + bad.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("line 2"), std::string::npos) << r.out;
  EXPECT_EQ(Floe("table snapshots app.events").out.find("append"), std::string::npos);
  EXPECT_TRUE(ScanIds().empty());
  // No data file of the failed append is left behind.
  size_t parquet_files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "wh")) {
    parquet_files += e.path().extension() == ".parquet";
  }
  EXPECT_EQ(parquet_files, 0u);
}

TEST_F(TableWriteCliTest, FourProcessesFiftyAppendsEach) {
  constexpr int kProcesses = 4, kAppends = 50, kRows = 5;
  for (int p = 0; p < kProcesses; ++p) {
    for (int k = 0; k < kAppends; ++k) {
      const int begin = (p * kAppends + k) * kRows;
      WriteJsonl("in-" + std::to_string(p) + "-" + std::to_string(k) + ".jsonl", begin,
                 begin + kRows);
    }
  }
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int failures = 0;
      for (int k = 0; k < kAppends; ++k) {
        const std::string in =
            (dir_ / ("in-" + std::to_string(p) + "-" + std::to_string(k) + ".jsonl")).string();
        const std::string cmd =
            floe_ + "table append app.events " + in + warehouse_ + " 2>/dev/null";
        failures += std::system(cmd.c_str()) != 0;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a process had failed appends";
  }
  EXPECT_EQ(ScanIds(), Range(0, kProcesses * kAppends * kRows));
  const std::vector<std::string> snapshots = Lines(Floe("table snapshots app.events").out);
  size_t appends = 0;
  for (const std::string& s : snapshots) appends += s.find("append") != std::string::npos;
  EXPECT_EQ(appends, static_cast<size_t>(kProcesses * kAppends));
}

}  // namespace
