#include "floe/format/parquet/bloom_filter.h"

#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace floe::parquet {
namespace {

std::span<const uint8_t> AsSpan(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

uint32_t WordAt(std::span<const uint8_t> bits, size_t byte_offset) {
  return uint32_t{bits[byte_offset]} | (uint32_t{bits[byte_offset + 1]} << 8) |
         (uint32_t{bits[byte_offset + 2]} << 16) | (uint32_t{bits[byte_offset + 3]} << 24);
}

TEST(BloomFilterTest, HashIsXxh64SeedZeroOfPlainBytes) {
  // XXH64("", seed 0) from the xxHash reference test vectors.
  EXPECT_EQ(BloomFilter::Hash(std::string_view("")), 0xEF46DB3751D8E999ull);
  // Fixed-width values hash their little-endian bytes; BYTE_ARRAY hashes the bare bytes.
  const int32_t i = 0x01020304;
  const uint8_t i_le[] = {0x04, 0x03, 0x02, 0x01};
  EXPECT_EQ(BloomFilter::Hash(i), BloomFilter::Hash(std::span<const uint8_t>(i_le)));
  const int64_t l = -2;
  const uint8_t l_le[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(BloomFilter::Hash(l), BloomFilter::Hash(std::span<const uint8_t>(l_le)));
  const double d = 1.0;  // 0x3ff0000000000000
  const uint8_t d_le[] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f};
  EXPECT_EQ(BloomFilter::Hash(d), BloomFilter::Hash(std::span<const uint8_t>(d_le)));
  const float f = -0.0f;
  const uint8_t f_le[] = {0, 0, 0, 0x80};
  EXPECT_EQ(BloomFilter::Hash(f), BloomFilter::Hash(std::span<const uint8_t>(f_le)));
  EXPECT_NE(BloomFilter::Hash(-0.0f), BloomFilter::Hash(0.0f));
  const std::string s = "hello";
  EXPECT_EQ(BloomFilter::Hash(ByteArray{reinterpret_cast<const uint8_t*>(s.data()), 5}),
            BloomFilter::Hash(std::string_view(s)));
  // Batch forms agree with the scalar ones.
  const int32_t ints[] = {0, 1, -1, 123456};
  uint64_t out[4];
  BloomFilter::Hashes(std::span<const int32_t>(ints), out);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(out[k], BloomFilter::Hash(ints[k]));
  const double doubles[] = {0.5, -7.25};
  BloomFilter::Hashes(std::span<const double>(doubles), out);
  EXPECT_EQ(out[1], BloomFilter::Hash(-7.25));
}

// Bits worked out by hand from BloomFilter.md: block = (hash >> 32) * z >> 32; with key 1 the
// bit in word i is SALT[i] >> 27 (the top five bits of each salt).
TEST(BloomFilterTest, SetsTheBitsTheSpecDescribes) {
  BloomFilter f(4 * 32);
  ASSERT_EQ(f.num_bytes(), 128u);
  const uint64_t hash = (uint64_t{0x80000000} << 32) | 1;  // block (2^31 * 4) >> 32 = 2
  f.Insert(hash);
  const int expected_bit[8] = {8, 8, 17, 20, 14, 5, 19, 11};
  for (size_t block = 0; block < 4; ++block) {
    for (size_t w = 0; w < 8; ++w) {
      const uint32_t want = block == 2 ? (uint32_t{1} << expected_bit[w]) : 0;
      EXPECT_EQ(WordAt(f.bitset(), block * 32 + w * 4), want) << block << "/" << w;
    }
  }
  EXPECT_TRUE(f.MightContain(hash));
  EXPECT_FALSE(f.MightContain(hash + 1));  // key 2 sets different bits
  EXPECT_FALSE(f.MightContain(1));         // same key, block 0
}

TEST(BloomFilterTest, NoFalseNegativesAndFppNearTarget) {
  const size_t ndv = 20'000;
  const double fpp = 0.01;
  BloomFilter f(BloomFilter::OptimalNumBytes(ndv, fpp));
  std::mt19937_64 rng(5);
  std::vector<uint64_t> in(ndv);
  for (auto& h : in) h = BloomFilter::Hash(static_cast<int64_t>(rng()));
  f.Insert(std::span<const uint64_t>(in));
  for (uint64_t h : in) ASSERT_TRUE(f.MightContain(h));
  int false_positives = 0;
  const int trials = 200'000;
  for (int i = 0; i < trials; ++i) {
    false_positives += f.MightContain(BloomFilter::Hash(static_cast<int64_t>(rng()))) ? 1 : 0;
  }
  EXPECT_LT(false_positives, trials * fpp);  // the power-of-two rounding only helps
}

TEST(BloomFilterTest, OptimalNumBytes) {
  // BloomFilter.md: at fpp 1%, one million values need about 1.2 MB -> next power of two.
  EXPECT_EQ(BloomFilter::OptimalNumBytes(1'000'000, 0.01), size_t{2} << 20);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(0, 0.01), 32u);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(1, 0.5), 32u);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(uint64_t{1} << 40, 0.01), BloomFilter::kMaxBytes);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(1000, 0.0), BloomFilter::OptimalNumBytes(1000, 1e-10));
  EXPECT_EQ(BloomFilter::OptimalNumBytes(1000, 2.0), BloomFilter::OptimalNumBytes(1000, 0.5));
  for (uint64_t ndv : {1ull, 100ull, 12345ull, 1000000ull}) {
    const size_t n = BloomFilter::OptimalNumBytes(ndv, 0.005);
    EXPECT_EQ(n & (n - 1), 0u);
    EXPECT_GE(n * 8, ndv * 11);  // ~11.54 bits per value at 0.5% (BloomFilter.md)
  }
  EXPECT_EQ(BloomFilter(0).num_bytes(), 32u);
  EXPECT_EQ(BloomFilter(33).num_bytes(), 64u);
}

TEST(BloomFilterTest, FromBitsetValidatesSize) {
  const std::vector<uint8_t> bytes(1024, 0);
  for (size_t bad : {size_t{0}, size_t{1}, size_t{31}, size_t{33}, size_t{48}}) {
    EXPECT_TRUE(BloomFilter::FromBitset({bytes.data(), bad}).status().Is(StatusCode::kCorruption))
        << bad;
  }
  // A block count that is not a power of two is still a valid filter.
  auto three = BloomFilter::FromBitset({bytes.data(), 96});
  ASSERT_TRUE(three.ok());
  three->Insert(0xdeadbeefcafef00dull);
  EXPECT_TRUE(three->MightContain(0xdeadbeefcafef00dull));
  const std::vector<uint8_t> huge(BloomFilter::kMaxBytes + 32);
  EXPECT_TRUE(BloomFilter::FromBitset(huge).status().Is(StatusCode::kCorruption));
}

TEST(BloomFilterTest, SerializedBitsetRoundTrips) {
  BloomFilter f(1024);
  for (int i = 0; i < 300; ++i) f.Insert(BloomFilter::Hash(i));
  auto g = BloomFilter::FromBitset(f.bitset());
  ASSERT_TRUE(g.ok());
  for (int i = 0; i < 300; ++i) EXPECT_TRUE(g->MightContain(BloomFilter::Hash(i)));
  EXPECT_EQ(std::memcmp(g->bitset().data(), f.bitset().data(), 1024), 0);
}

// --- fixtures written by parquet-mr and DuckDB --------------------------------------------------

const std::string kFixtures = std::string(FLOE_FIXTURES_DIR) + "/parquet/";

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Reads the BloomFilterHeader at `at` by hand (Thrift compact: field 1 i32 numBytes, then the
// algorithm/hash/compression unions of empty structs) and returns the bitset after it.
std::string_view BitsetAt(std::string_view file, size_t at) {
  size_t pos = at;
  auto byte = [&]() -> uint8_t {
    return pos < file.size() ? static_cast<uint8_t>(file[pos++]) : 0;
  };
  auto varint = [&]() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = byte();
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  };
  int64_t num_bytes = -1;
  int depth = 0;  // nesting of structs below the header
  for (;;) {
    const uint8_t h = byte();
    if (h == 0) {
      if (depth == 0) break;
      --depth;
      continue;
    }
    const int type = h & 0x0f;
    if ((h >> 4) == 0) varint();  // long-form field id
    if (type == 12) {
      ++depth;
    } else if (type == 5) {
      const uint64_t v = varint();
      const int64_t value = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
      if (depth == 0 && (h >> 4) == 1) num_bytes = value;
    } else {
      ADD_FAILURE() << "unexpected thrift type " << type << " in BloomFilterHeader";
      return {};
    }
    if (pos >= file.size()) return {};
  }
  if (num_bytes < 0 || pos + static_cast<size_t>(num_bytes) > file.size()) return {};
  return file.substr(pos, static_cast<size_t>(num_bytes));
}

int64_t JsonInt(const nlohmann::json& j) {
  return j.is_string() ? std::stoll(j.get<std::string>()) : j.get<int64_t>();
}

// Days since 1970-01-01 of "YYYY-MM-DD" (proleptic Gregorian).
int32_t DaysFromCivil(const std::string& ymd) {
  int y = std::stoi(ymd.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(ymd.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(ymd.substr(8, 2)));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

struct BloomCase {
  std::string file;
  std::string column;  // path_in_schema as in meta.json
  // The PLAIN-encoding hash of a JSON cell; nullopt for null.
  std::function<std::optional<uint64_t>(const nlohmann::json&)> hash;
  // Hashes of values certainly not in the column (checked against the present set).
  std::vector<uint64_t> absent;
};

std::optional<uint64_t> HashInt32Cell(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  return BloomFilter::Hash(v.get<int32_t>());
}

const nlohmann::json* Cell(const nlohmann::json& row, const std::string& path) {
  const nlohmann::json* cur = &row;
  size_t start = 0;
  while (true) {
    const size_t comma = path.find(", ", start);
    const std::string key =
        path.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (cur->is_null()) return cur;
    cur = &(*cur)[key];
    if (comma == std::string::npos) return cur;
    start = comma + 2;
  }
}

std::vector<BloomCase> Cases() {
  std::vector<uint64_t> absent_ints;
  for (int32_t v = 1000; v < 21000; ++v) absent_ints.push_back(BloomFilter::Hash(v));
  std::vector<uint64_t> absent_dates;
  for (int32_t v = -20000; v < 0; ++v) absent_dates.push_back(BloomFilter::Hash(v));
  std::vector<uint64_t> absent_strings;
  for (int i = 0; i < 20000; ++i)
    absent_strings.push_back(BloomFilter::Hash(std::string_view("absent-" + std::to_string(i))));
  return {
      {"data_index_bloom_encoding_stats", "String",
       [](const nlohmann::json& v) -> std::optional<uint64_t> {
         if (v.is_null()) return std::nullopt;
         return BloomFilter::Hash(std::string_view(v.get<std::string>()));
       },
       absent_strings},
      {"duckdb_scalars_v1_snappy", "c_i8", HashInt32Cell, absent_ints},
      {"duckdb_scalars_v1_snappy", "c_u8", HashInt32Cell, absent_ints},
      {"duckdb_nested_v2_brotli", "s_s, outer, d",
       [](const nlohmann::json& v) -> std::optional<uint64_t> {
         if (v.is_null()) return std::nullopt;
         return BloomFilter::Hash(DaysFromCivil(v.get<std::string>()));
       },
       absent_dates},
  };
}

TEST(BloomFilterFixtureTest, FiltersWrittenByOtherWritersAgreeWithTheirValues) {
  int filters_checked = 0;
  for (const BloomCase& c : Cases()) {
    const std::string file = ReadFile(kFixtures + c.file + ".parquet");
    ASSERT_FALSE(file.empty()) << c.file;
    const auto meta = nlohmann::json::parse(ReadFile(kFixtures + c.file + ".meta.json"));
    std::vector<nlohmann::json> rows;
    {
      std::istringstream in(ReadFile(kFixtures + c.file + ".expected.jsonl"));
      std::string line;
      while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
    }
    // Row groups in order; each covers the next row_group_num_rows rows.
    std::map<int64_t, int64_t> rg_rows;
    for (const auto& cc : meta["duckdb"]["column_chunks"]) {
      rg_rows[JsonInt(cc["row_group_id"])] = JsonInt(cc["row_group_num_rows"]);
    }
    for (const auto& cc : meta["duckdb"]["column_chunks"]) {
      if (cc["path_in_schema"] != c.column || cc["bloom_filter_offset"].is_null()) continue;
      const int64_t rg = JsonInt(cc["row_group_id"]);
      SCOPED_TRACE(c.file + " " + c.column + " row group " + std::to_string(rg));
      int64_t first_row = 0;
      for (const auto& [id, n] : rg_rows) {
        if (id < rg) first_row += n;
      }
      const std::string_view bits =
          BitsetAt(file, static_cast<size_t>(JsonInt(cc["bloom_filter_offset"])));
      ASSERT_FALSE(bits.empty());
      auto filter = BloomFilter::FromBitset(AsSpan(bits));
      ASSERT_TRUE(filter.ok()) << filter.status().ToString();

      std::set<uint64_t> present;
      for (int64_t r = first_row; r < first_row + rg_rows[rg]; ++r) {
        if (auto h = c.hash(*Cell(rows[static_cast<size_t>(r)], c.column))) present.insert(*h);
      }
      ASSERT_FALSE(present.empty());
      for (uint64_t h : present) EXPECT_TRUE(filter->MightContain(h));
      int absent_tested = 0;
      int false_positives = 0;
      for (uint64_t h : c.absent) {
        if (present.count(h)) continue;
        ++absent_tested;
        false_positives += filter->MightContain(h) ? 1 : 0;
      }
      EXPECT_LT(false_positives, absent_tested / 20) << false_positives << " of " << absent_tested;

      // Inserting the same values into an empty filter of the same size reproduces the other
      // writer's bitset bit for bit.
      auto rebuilt = BloomFilter::FromBitset(std::vector<uint8_t>(bits.size(), 0));
      ASSERT_TRUE(rebuilt.ok());
      for (uint64_t h : present) rebuilt->Insert(h);
      EXPECT_TRUE(std::string_view(reinterpret_cast<const char*>(rebuilt->bitset().data()),
                                   bits.size()) == bits);
      ++filters_checked;
    }
  }
  // parquet-mr's String filter, DuckDB's c_i8/c_u8 in two row groups each, DuckDB's date.
  EXPECT_EQ(filters_checked, 6);
}

}  // namespace
}  // namespace floe::parquet
