// Conformance against files written by other Parquet implementations: every readable
// file in the shared fixtures reads back equal to its expected rows (written by an
// independent reader), and every file in bad/ fails with a clear error.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/columnar/json_writer.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/io/local_file.h"

namespace floe::parquet {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path FixturesDir() { return fs::path(FLOE_FIXTURES_DIR) / "parquet"; }

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Equality under ORACLE-FORMAT.md's rules: numbers equal exactly, or equal once narrowed to
// float (FLOAT / FLOAT16 columns are compared after narrowing to their physical type).
// ISO-8601 timestamps compare as instants: "…T01:02:03Z" equals "…T01:02:03".
bool SameTimestampText(const std::string& a, const std::string& b) {
  auto strip = [](std::string s) {
    if (s.size() > 10 && s.find('T') != std::string::npos && s.back() == 'Z') s.pop_back();
    return s;
  };
  return strip(a) == strip(b);
}

bool SameValue(const json& a, const json& b, std::string* where, const std::string& path) {
  if (a.is_string() && b.is_string() &&
      SameTimestampText(a.get<std::string>(), b.get<std::string>())) {
    return true;
  }
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() && b.is_number_integer()) {
      if (a == b) return true;
    } else {
      const double x = a.get<double>(), y = b.get<double>();
      if (x == y || static_cast<float>(x) == static_cast<float>(y)) return true;
    }
    *where = path;
    return false;
  }
  if (a.type() != b.type()) {
    *where = path;
    return false;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      *where = path + " (array length)";
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameValue(a[i], b[i], where, path + "[" + std::to_string(i) + "]")) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      *where = path + " (keys)";
      return false;
    }
    auto ia = a.begin();
    auto ib = b.begin();
    for (; ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key()) {
        *where = path + "." + ia.key() + " (key order)";
        return false;
      }
      if (!SameValue(ia.value(), ib.value(), where, path + "." + ia.key())) return false;
    }
    return true;
  }
  if (a == b) return true;
  *where = path;
  return false;
}

std::vector<std::string> ReadableFixtures() {
  std::vector<std::string> names;
  if (!fs::exists(FixturesDir())) return names;
  for (const auto& e : fs::directory_iterator(FixturesDir())) {
    const std::string n = e.path().filename().string();
    if (n.size() > 8 && n.ends_with(".parquet") &&
        fs::exists(FixturesDir() / (n.substr(0, n.size() - 8) + ".expected.jsonl"))) {
      names.push_back(n.substr(0, n.size() - 8));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Fixtures whose notes in MANIFEST.tsv say the expected rows are what a lenient or
// non-verifying reader returns, and the error floe must (or may) give instead.
struct ErrorCase {
  const char* name;
  bool must_fail;
  const char* message_part;
};
constexpr ErrorCase kErrorCases[] = {
    // Two pages have flipped bits; their CRCs do not match. A verifying reader must fail.
    {"datapage_v1-corrupt-checksum", true, "CRC mismatch"},
    // PARQUET-816: page sizes overrun the chunk. A clean error or the rows are acceptable.
    {"nation.dict-malformed", false, "runs past"},
};

class ParquetFixtureTest : public ::testing::TestWithParam<std::string> {};

Status ReadAll(const std::string& path);

TEST_P(ParquetFixtureTest, ReadsExpectedRows) {
  const std::string name = GetParam();
  for (const ErrorCase& c : kErrorCases) {
    if (name != c.name) continue;
    const Status s = ReadAll((FixturesDir() / (name + ".parquet")).string());
    if (c.must_fail || !s.ok()) {
      ASSERT_FALSE(s.ok()) << name << " must fail";
      EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.ToString();
      EXPECT_NE(s.message().find(name), std::string::npos) << s.ToString();
      return;
    }
  }
  auto reader = OpenParquetFile((FixturesDir() / (name + ".parquet")).string());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::istringstream expected(Slurp(FixturesDir() / (name + ".expected.jsonl")));
  std::string want_line;
  int64_t row = 0;
  while (true) {
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch->has_value()) break;
    const RecordBatch& b = **batch;
    ASSERT_TRUE(b.Validate().ok()) << b.Validate().ToString();
    for (int64_t i = 0; i < b.num_rows; ++i, ++row) {
      ASSERT_TRUE(static_cast<bool>(std::getline(expected, want_line)))
          << "floe returns more rows than expected (" << row + 1 << "+)";
      std::string got_line;
      AppendRowJson(b, i, &got_line);
      const json got = json::parse(got_line, nullptr, false);
      const json want = json::parse(want_line, nullptr, false);
      ASSERT_FALSE(got.is_discarded()) << "floe wrote invalid JSON: " << got_line;
      std::string where;
      ASSERT_TRUE(SameValue(got, want, &where, "row " + std::to_string(row)))
          << "first difference at " << where << "\n  floe:     " << got_line
          << "\n  expected: " << want_line;
    }
  }
  EXPECT_FALSE(static_cast<bool>(std::getline(expected, want_line)) && !want_line.empty())
      << "floe returned " << row << " rows; more were expected";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ParquetFixtureTest, ::testing::ValuesIn(ReadableFixtures()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

std::vector<std::string> BadFixtures() {
  std::vector<std::string> names;
  const fs::path bad = FixturesDir() / "bad";
  if (!fs::exists(bad)) return names;
  for (const auto& e : fs::directory_iterator(bad)) {
    const std::string n = e.path().filename().string();
    if (n.ends_with(".json") || n.ends_with(".jsonl") || n.ends_with(".txt") ||
        n.ends_with(".tsv") || n.ends_with(".md")) {
      continue;
    }
    names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ParquetBadFixtureTest : public ::testing::TestWithParam<std::string> {};

// Reads the whole file; returns the first error.
Status ReadAll(const std::string& path) {
  FLOE_ASSIGN_OR_RETURN(auto reader, OpenParquetFile(path));
  while (true) {
    FLOE_ASSIGN_OR_RETURN(auto batch, reader->Next());
    if (!batch) return Status::OK();
    FLOE_RETURN_IF_ERROR(batch->Validate());
    std::string sink;
    for (int64_t i = 0; i < batch->num_rows; ++i) AppendRowJson(*batch, i, &sink);
  }
}

TEST_P(ParquetBadFixtureTest, FailsClearlyOrReadsSafely) {
  const std::string name = GetParam();
  const fs::path path = FixturesDir() / "bad" / name;
  const std::string stem = name.ends_with(".parquet") ? name.substr(0, name.size() - 8) : name;
  const fs::path spec_path = FixturesDir() / "bad" / (stem + ".expected_error.json");
  const json spec = fs::exists(spec_path) ? json::parse(Slurp(spec_path), nullptr, false) : json();
  // Files without a spec (fuzzer finds, encrypted files) must fail.
  const std::string expectation = spec.is_object() ? spec.value("expectation", "error") : "error";
  const Status s = ReadAll(path.string());
  if (expectation == "error") {
    ASSERT_FALSE(s.ok()) << name
                         << " should fail: " << (spec.is_object() ? spec.value("reason", "") : "");
    // A clear error names the file.
    EXPECT_NE(s.message().find(name), std::string::npos) << s.ToString();
  }
  // "no-crash" cases: reaching here without a crash is the requirement.
  SUCCEED() << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Bad, ParquetBadFixtureTest, ::testing::ValuesIn(BadFixtures()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace floe::parquet
