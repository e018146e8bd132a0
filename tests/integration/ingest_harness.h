// Test support for the black-box tests of `floe serve`'s streaming ingest: runs
// the built `floe` binary as a server with a given floe.toml in a temporary directory,
// posts to it, and reads back what landed, through `floe table scan|files`, the files of
// file sinks, and DuckDB (node + @duckdb/node-api from tests/node_modules) as an
// independent reader. Header-only; everything here drives the binary from outside, no
// floe library code is used, so the tests check the documented contract (README,
// "Streaming ingest") and nothing else.
//
// Thread-safety: an IngestServer is driven by one thread (the test); Post/Get/Flush may be
// called from several threads at once (each call uses its own connection). The free
// functions are thread-safe.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli_run.h"

extern char** environ;

namespace floe::ingest_test {

namespace fs = std::filesystem;
using Json = nlohmann::json;

inline bool FloeBuilt() { return fs::exists(FLOE_BINARY); }

// ---------------------------------------------------------------------------------------
// Temporary directories

// A fresh directory under /tmp, removed with its contents when destroyed.
class TempDir {
 public:
  explicit TempDir(std::string_view tag = "ingest") {
    std::string tmpl = (fs::temp_directory_path() / ("floe_" + std::string(tag) + "_XXXXXX"));
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::string& path, std::string_view text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// ---------------------------------------------------------------------------------------
// Encodings the tests need on the client side (written here from RFC 4648 / RFC 1952 /
// the Iceberg spec, so the expectations do not come from floe).

inline std::string Base64(std::string_view bytes, bool pad = true) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

inline std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// gzip (RFC 1952) of `data` at `level`.
inline std::string Gzip(std::string_view data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

// Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
inline void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

inline int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// "YYYY-MM-DD" of a UTC instant in microseconds.
inline std::string DayText(int64_t micros) {
  int64_t y;
  int m, d;
  CivilFromDays(FloorDiv(micros, 86400000000LL), &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  return buf;
}

// RFC 3339 text of `micros` written in the zone `offset_minutes` east of UTC ("Z" for 0),
// with exactly `fraction_digits` (0, 3 or 6) fraction digits.
inline std::string Rfc3339(int64_t micros, int offset_minutes = 0, int fraction_digits = 6) {
  const int64_t local = micros + int64_t{offset_minutes} * 60000000;
  const int64_t days = FloorDiv(local, 86400000000LL);
  const int64_t in_day = local - days * 86400000000LL;
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t secs = in_day / 1000000;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (fraction_digits == 3) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(in_day % 1000000 / 1000));
    out += buf;
  } else if (fraction_digits == 6) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(in_day % 1000000));
    out += buf;
  }
  if (offset_minutes == 0) return out + "Z";
  const int a = std::abs(offset_minutes);
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return out + buf;
}

// Parses the UTC timestamps floe prints ("YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z", json_writer.h)
// into microseconds. nullopt when the text has another shape.
inline std::optional<int64_t> ParseUtcMicros(std::string_view s) {
  auto digits = [&](size_t pos, size_t n) -> std::optional<int64_t> {
    if (pos + n > s.size()) return std::nullopt;
    int64_t v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z') {
    return std::nullopt;
  }
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2),
       se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  int64_t frac_us = 0;
  size_t pos = 19;
  if (s[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos != s.size() - 1) return std::nullopt;
  const int64_t days = DaysFromCivil(*y, static_cast<int>(*mo), static_cast<int>(*d));
  return ((days * 24 + *h) * 60 + *mi) * 60000000LL + *se * 1000000 + frac_us;
}

inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Iceberg's bucket transform of a long (spec, "Bucket Transform Details"): the low 31
// bits of murmur3_x86_32 (seed 0) of the 8-byte little-endian value, modulo `n`.
inline int32_t IcebergBucketLong(int64_t value, int32_t n) {
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  const uint64_t v = static_cast<uint64_t>(value);
  uint32_t h = 0;
  for (int i = 0; i < 2; ++i) {
    uint32_t k = static_cast<uint32_t>(v >> (32 * i));
    k *= 0xcc9e2d51u;
    k = rotl(k, 15);
    k *= 0x1b873593u;
    h ^= k;
    h = rotl(h, 13);
    h = h * 5 + 0xe6546b64u;
  }
  h ^= 8u;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return static_cast<int32_t>((h & 0x7fffffffu) % static_cast<uint32_t>(n));
}

// ---------------------------------------------------------------------------------------
// Running the CLI

inline std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `floe ARGS...` with `env` added to the environment; stdout and stderr apart.
inline CliRun RunFloe(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {}) {
  std::string cmd;
  if (!env.empty()) {
    cmd = "env";
    for (const auto& [k, v] : env) cmd += " " + ShellQuote(k + "=" + v);
    cmd += " ";
  }
  cmd += ShellQuote(FLOE_BINARY);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  cmd += " </dev/null";
  return RunCommand(cmd);
}

// `floe table scan TABLE --warehouse W`: the rows, parsed. Fails the test (and returns what
// it has) when the command fails or prints a line that is not JSON.
inline std::vector<Json> ScanTable(const std::string& table, const std::string& warehouse,
                                   const std::map<std::string, std::string>& env = {},
                                   const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"table", "scan", table, "--warehouse", warehouse};
  args.insert(args.end(), extra.begin(), extra.end());
  CliRun r = RunFloe(args, env);
  std::vector<Json> rows;
  EXPECT_EQ(r.code, 0) << "floe table scan " << table << ": " << r.err;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line.substr(0, 200);
    if (!j.is_discarded()) rows.push_back(std::move(j));
  }
  return rows;
}

struct TableFile {
  int64_t records = 0;
  int64_t bytes = 0;
  std::string path;
};

// `floe table files TABLE --warehouse W`: the live data files.
inline std::vector<TableFile> TableFiles(const std::string& table, const std::string& warehouse,
                                         const std::map<std::string, std::string>& env = {}) {
  CliRun r = RunFloe({"table", "files", table, "--warehouse", warehouse}, env);
  EXPECT_EQ(r.code, 0) << "floe table files " << table << ": " << r.err;
  std::vector<TableFile> files;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    // content \t sequence \t records \t bytes \t path
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    if (cols.size() != 5 || cols[0] != "data") continue;
    files.push_back({std::atoll(cols[2].c_str()), std::atoll(cols[3].c_str()), cols[4]});
  }
  return files;
}

// The "name=value" partition folders of a data file path, in order ("ts_day" -> "...").
inline std::vector<std::pair<std::string, std::string>> PathPartitions(std::string_view path) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && slash != path.size()) {
      out.emplace_back(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    }
    start = slash + 1;
  }
  return out;
}

// Regular files under `dir` (recursively) whose name ends in `suffix`, sorted; files under a
// `_floe_commits` folder are left out.
inline std::vector<std::string> FilesUnder(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string p = it->path().string();
    if (!it->is_regular_file() || p.find("/_floe_commits/") != std::string::npos) continue;
    if (p.size() >= suffix.size() &&
        p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every JSON line of the given NDJSON files.
inline std::vector<Json> ReadNdjsonFiles(const std::vector<std::string>& files) {
  std::vector<Json> rows;
  for (const std::string& f : files) {
    std::istringstream in(Slurp(f));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      Json j = Json::parse(line, nullptr, false);
      EXPECT_FALSE(j.is_discarded()) << f << ": not JSON: " << line.substr(0, 200);
      if (!j.is_discarded()) rows.push_back(std::move(j));
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// DuckDB as the independent reader

inline constexpr std::string_view kDuckDbScript = R"js(
import { createRequire } from 'module';
import fs from 'fs';
const require = createRequire(process.argv[2]);
const duckdb = require('@duckdb/node-api');
const sql = fs.readFileSync(process.argv[3], 'utf8');
const instance = await duckdb.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  const reader = await conn.runAndReadAll(sql);
  const out = [];
  for (const row of reader.getRows()) out.push(String(row[0]));
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
} catch (e) {
  console.error(String(e.message || e));
  process.exit(1);
}
)js";

// Whether node can load @duckdb/node-api from tests/node_modules; `why` says what is missing.
inline bool DuckDbAvailable(std::string* why) {
  if (!fs::exists(std::string(FLOE_SOURCE_DIR) + "/tests/node_modules/@duckdb/node-api")) {
    *why = "tests/node_modules/@duckdb/node-api is not installed (scripts/install-deps)";
    return false;
  }
  CliRun r = RunCommand("node --version", true);
  if (r.code != 0) {
    *why = "node is not on PATH";
    return false;
  }
  return true;
}

// Runs `sql` (one VARCHAR column) in an in-memory DuckDB; the values, one per row. On error
// *error holds DuckDB's message.
inline std::vector<std::string> DuckDbQuery(const std::string& scratch_dir, const std::string& sql,
                                            std::string* error) {
  static std::atomic<int> counter{0};
  const std::string n = std::to_string(counter++);
  const std::string script = scratch_dir + "/duckdb_query.mjs";
  const std::string sql_file = scratch_dir + "/duckdb_query_" + n + ".sql";
  if (!fs::exists(script)) WriteFile(script, kDuckDbScript);
  WriteFile(sql_file, sql);
  CliRun r = RunCommand("node " + ShellQuote(script) + " " +
                        ShellQuote(std::string(FLOE_SOURCE_DIR) + "/tests/package.json") + " " +
                        ShellQuote(sql_file));
  fs::remove(sql_file);
  std::vector<std::string> rows;
  if (r.code != 0) {
    *error = "duckdb: " + r.err;
    return rows;
  }
  error->clear();
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) rows.push_back(line);
  return rows;
}

inline std::string SqlQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// ---------------------------------------------------------------------------------------
// Prometheus text exposition

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

inline std::vector<Sample> ParsePrometheus(const std::string& text) {
  std::vector<Sample> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') break;
        std::string key = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          value += line[j];
        }
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // '}'
    }
    while (i < line.size() && line[i] == ' ') ++i;
    const std::string v = line.substr(i, line.find(' ', i) - i);
    if (v == "+Inf") {
      s.value = HUGE_VAL;
    } else if (v == "-Inf") {
      s.value = -HUGE_VAL;
    } else {
      s.value = std::strtod(v.c_str(), nullptr);
    }
    out.push_back(std::move(s));
  }
  return out;
}

// The value of the sample `name` whose labels include `labels`; nullopt when absent.
inline std::optional<double> Metric(const std::vector<Sample>& samples, std::string_view name,
                                    const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (match) return s.value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// The server

struct Reply {
  int status = -1;  // -1: no HTTP response (connection refused or broken)
  std::string body;
  httplib::Headers headers;
  std::string transport_error;  // when status == -1

  Json json() const {
    Json j = Json::parse(body, nullptr, false);
    return j.is_discarded() ? Json() : j;
  }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string Describe() const {
    return status < 0 ? "no response (" + transport_error + ")"
                      : "HTTP " + std::to_string(status) + " " + body.substr(0, 600);
  }
};

struct PostOptions {
  // Empty: no Content-Type header.
  std::string content_type = "application/x-ndjson";
  std::string content_encoding;  // e.g. "gzip" (the body is sent as given)
  std::string token;             // "Authorization: Bearer <token>" when not empty
};

inline Reply ToReply(const httplib::Result& r) {
  Reply out;
  if (!r) {
    out.transport_error = httplib::to_string(r.error());
    return out;
  }
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  return out;
}

inline httplib::Headers AuthHeaders(const std::string& token) {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  return h;
}

// A free port on 127.0.0.1, chosen by the kernel (a bind to port 0).
inline int PickPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Sends `request` (raw HTTP/1.1 text) to 127.0.0.1:`port` and reads the reply until the
// server closes the connection (ask for "Connection: close") or 30 s pass. For requests
// httplib's client cannot produce, e.g. a POST without Content-Length as `curl -X POST`
// sends it.
inline Reply RawRequest(int port, const std::string& request) {
  Reply out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    ::close(fd);
    out.transport_error = "connect/send failed";
    return out;
  }
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody"
  if (text.size() < 12 || !text.starts_with("HTTP/1.")) {
    out.transport_error = "no HTTP reply: '" + text.substr(0, 100) + "'";
    return out;
  }
  out.status = std::atoi(text.c_str() + 9);
  const size_t end = text.find("\r\n\r\n");
  if (end != std::string::npos) out.body = text.substr(end + 4);
  return out;
}

// `floe serve` as a child process, working directory `dir`, output in dir/server.log.
class IngestServer {
 public:
  struct Options {
    std::string dir;                         // working directory; floe.toml and the log go here
    std::string config_toml;                 // empty: no --config (DefaultConfig)
    std::string warehouse;                   // passed as --warehouse when not empty
    std::map<std::string, std::string> env;  // added to the environment
    std::chrono::seconds start_timeout{60};  // a restart replays the log first
  };

  explicit IngestServer(Options options) : options_(std::move(options)) {}
  ~IngestServer() { Kill(); }
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  // Starts the server (on the previous port when restarting, else a free one; another
  // port when the child exits before answering) and waits until /healthz answers 200
  // while the child is still running.
  ::testing::AssertionResult Start() {
    if (pid_ > 0) return ::testing::AssertionFailure() << "already running";
    if (!options_.config_toml.empty()) WriteFile(config_path(), options_.config_toml);
    std::string why;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int port = (attempt == 0 && port_ > 0) ? port_ : PickPort();
      if (port <= 0) continue;
      if (!Spawn(port, &why)) return ::testing::AssertionFailure() << why;
      const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
      httplib::Client client("127.0.0.1", port);
      client.set_connection_timeout(1);
      client.set_read_timeout(5);
      while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          why = "floe serve exited (" + DescribeStatus(status) + ") on port " +
                std::to_string(port) + ": " + LogTail();
          pid_ = -1;
          break;
        }
        auto r = client.Get("/healthz");
        if (r && r->status == 200 && ::waitpid(pid_, &status, WNOHANG) == 0) {
          port_ = port;
          return ::testing::AssertionSuccess();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      if (pid_ > 0) {  // no answer in time
        Kill();
        return ::testing::AssertionFailure()
               << "floe serve did not answer /healthz on port " << port << ": " << LogTail();
      }
    }
    return ::testing::AssertionFailure() << why;
  }

  // SIGTERM (or `signal`) and wait (up to `timeout`, then SIGKILL). The exit code; -1 when it died
  // of a signal, -2 when it had to be killed, -3 when not running.
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(120), int signal = SIGTERM) {
    if (pid_ <= 0) return -3;
    ::kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
    return -2;
  }

  // SIGKILL and reap.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string config_path() const { return options_.dir + "/floe.toml"; }
  const Options& options() const { return options_; }
  std::string Log() const {
    std::string all;
    for (int i = 0; i < spawns_; ++i) {
      all += "--- start " + std::to_string(i) + "\n" + Slurp(LogPath(i));
    }
    return all;
  }
  std::string LogTail(size_t n = 4000) const {
    const std::string log = Log();
    return log.size() > n ? log.substr(log.size() - n) : log;
  }

  Reply Post(const std::string& stream, const std::string& body, const PostOptions& o = {}) const {
    return PostPath("/v1/streams/" + stream + "/events", body, o);
  }
  Reply PostPath(const std::string& path, const std::string& body,
                 const PostOptions& o = {}) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60);
    client.set_write_timeout(60);
    httplib::Headers h = AuthHeaders(o.token);
    if (!o.content_encoding.empty()) h.emplace("Content-Encoding", o.content_encoding);
    return ToReply(client.Post(path.c_str(), h, body, o.content_type.c_str()));
  }
  Reply Get(const std::string& path, const std::string& token = "") const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(60);
    return ToReply(client.Get(path.c_str(), AuthHeaders(token)));
  }
  Reply Flush(const std::string& stream, const std::string& token = "") const {
    return FlushPath("/v1/streams/" + stream + "/flush", token);
  }
  Reply FlushAll(const std::string& token = "") const { return FlushPath("/v1/flush", token); }
  std::vector<Sample> Metrics() const {
    Reply r = Get("/metrics");
    EXPECT_EQ(r.status, 200) << r.Describe();
    return ParsePrometheus(r.body);
  }

 private:
  Reply FlushPath(const std::string& path, const std::string& token) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(300);
    return ToReply(client.Post(path.c_str(), AuthHeaders(token), "", "application/json"));
  }

  std::string LogPath(int n) const {
    return options_.dir + "/server" + (n == 0 ? "" : "-" + std::to_string(n)) + ".log";
  }

  static std::string DescribeStatus(int status) {
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
  }

  // posix_spawn rather than fork: the crash test restarts the server while client threads
  // run, and only async-signal-safe calls may follow a fork in a threaded process.
  bool Spawn(int port, std::string* why) {
    std::vector<std::string> argv = {FLOE_BINARY, "serve", "--listen",
                                     "127.0.0.1:" + std::to_string(port)};
    if (!options_.config_toml.empty()) {
      argv.push_back("--config");
      argv.push_back(config_path());
    }
    if (!options_.warehouse.empty()) {
      argv.push_back("--warehouse");
      argv.push_back(options_.warehouse);
    }
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv(*e);
      if (!options_.env.contains(kv.substr(0, kv.find('=')))) env.push_back(std::move(kv));
    }
    for (const auto& [k, v] : options_.env) env.push_back(k + "=" + v);
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string log = LogPath(spawns_++);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addchdir_np(&fa, options_.dir.c_str());
    const int rc = posix_spawn(&pid_, FLOE_BINARY, &fa, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      *why = std::string("cannot start ") + FLOE_BINARY + ": " + std::strerror(rc);
      return false;
    }
    return true;
  }

  Options options_;
  pid_t pid_ = -1;
  int port_ = 0;
  int spawns_ = 0;
};

// ---------------------------------------------------------------------------------------
// The `clicks` stream of the end-to-end tests: every declared type, with the rows a
// reader must see computed here from what was posted.

// The stream's `fields = [...]` (TOML).
inline constexpr std::string_view kClicksFieldsToml = R"toml(fields = [
  { name = "id", type = "int64", required = true },
  { name = "ts", type = "timestamp", unit = "ms" },
  { name = "url", type = "string" },
  { name = "n", type = "int32" },
  { name = "score", type = "float64" },
  { name = "ok", type = "bool" },
  { name = "payload", type = "json" },
  { name = "blob", type = "binary" },
  { name = "tags", type = "list", element = { type = "string" } },
  { name = "geo", type = "struct", fields = [ { name = "lat", type = "float64" }, { name = "lon", type = "float64" } ] },
]
)toml";

// The table columns, in order, that the stream's normalized records have.
inline const std::vector<std::string>& ClicksColumns() {
  static const std::vector<std::string> k = {"id",      "ts",   "url",  "n",   "score",       "ok",
                                             "payload", "blob", "tags", "geo", "arrival_time"};
  return k;
}

struct ClickRecord {
  int64_t id = 0;
  std::string text;  // the record as posted: one JSON object, no newline
  // What a reader must see, one key per column but arrival_time: ts as "ts_us" (micros,
  // UTC), payload as the JSON value, blob as lowercase hex; null where absent.
  Json expected;
};

// `count` records with ids first_id, first_id + 1, ...; deterministic in `seed`. Every
// record has a timestamp (spread over several days, as epoch milliseconds or RFC 3339 text
// in various zones); other fields are sometimes absent or null.
inline std::vector<ClickRecord> MakeClicks(int64_t first_id, int count, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::vector<ClickRecord> out;
  const int64_t base_ms = 1700000000123;  // 2023-11-14T22:13:20.123Z
  for (int i = 0; i < count; ++i) {
    ClickRecord r;
    r.id = first_id + i;
    nlohmann::ordered_json posted = nlohmann::ordered_json::object();
    Json& e = r.expected;
    e = Json::object();
    posted["id"] = r.id;
    e["id"] = r.id;
    // Spread over about four days.
    const int64_t ts_ms = base_ms + static_cast<int64_t>(rng() % (4 * 86400000ull));
    if (i % 3 == 0) {
      posted["ts"] = ts_ms;
      e["ts_us"] = ts_ms * 1000;
    } else {
      const int64_t us = ts_ms * 1000 + static_cast<int64_t>(rng() % 1000);
      static constexpr int kOffsets[] = {0, 120, -330, 345, -600};
      posted["ts"] = Rfc3339(us, kOffsets[rng() % 5], 6);
      e["ts_us"] = us;
    }
    std::string url = "https://example.com/p/" + std::to_string(r.id);
    if (i % 4 == 1) url += "?q=caf\xc3\xa9&x=\xe2\x9c\x93 \"quoted\"\n\ttab \xf0\x9f\x98\x80";
    if (i % 7 != 5) {
      posted["url"] = url;
      e["url"] = url;
    } else {
      e["url"] = nullptr;
    }
    if (i % 5 != 2) {
      int32_t n = static_cast<int32_t>(rng());
      if (i % 11 == 0) n = INT32_MAX;
      if (i % 11 == 1) n = INT32_MIN;
      posted["n"] = n;
      e["n"] = n;
    } else {
      posted["n"] = nullptr;
      e["n"] = nullptr;
    }
    const double score =
        static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 64.0 +
        (i % 2 ? 0.1 : 0.0);
    posted["score"] = score;
    e["score"] = score;
    if (i % 6 != 3) {
      posted["ok"] = (i % 2 == 0);
      e["ok"] = (i % 2 == 0);
    } else {
      e["ok"] = nullptr;
    }
    Json payload;
    switch (i % 5) {
      case 0:
        payload = {{"k", i}, {"arr", {1, "two", nullptr, {{"x", true}}}}, {"s", "\xc3\xa9"}};
        break;
      case 1:
        payload = Json::parse(R"({"big": 9007199254740993, "f": 0.1, "neg": -2.5e-7, "e": {}})");
        break;
      case 2:
        payload = "just a string";
        break;
      case 3:
        payload = Json::array({1, 2, 3});
        break;
      default:
        break;  // absent
    }
    if (!payload.is_null()) posted["payload"] = nlohmann::ordered_json::parse(payload.dump());
    e["payload"] = payload;
    if (i % 4 != 3) {
      std::string blob;
      const int len = static_cast<int>(rng() % 40);
      for (int b = 0; b < len; ++b) blob += static_cast<char>(rng() & 0xff);
      if (i % 9 == 0) blob = std::string("\x00\xff\x10", 3);
      posted["blob"] = Base64(blob, /*pad=*/i % 2 == 0);
      e["blob"] = Hex(blob);
    } else {
      e["blob"] = nullptr;
    }
    if (i % 8 != 7) {
      Json tags = Json::array();
      for (int t = static_cast<int>(rng() % 4); t > 0; --t) {
        tags.push_back("tag-" + std::to_string(rng() % 100));
      }
      posted["tags"] = nlohmann::ordered_json::parse(tags.dump());
      e["tags"] = tags;
    } else {
      e["tags"] = nullptr;
    }
    if (i % 3 != 1) {
      const double lat = static_cast<double>(rng() % 180000) / 1000.0 - 90.0;
      const double lon = static_cast<double>(rng() % 360000) / 1000.0 - 180.0;
      if (i % 10 == 4) {
        posted["geo"] = {{"lat", lat}};
        e["geo"] = {{"lat", lat}, {"lon", nullptr}};
      } else {
        posted["geo"] = {{"lon", lon}, {"lat", lat}};  // members in another order
        e["geo"] = {{"lat", lat}, {"lon", lon}};
      }
    } else {
      e["geo"] = nullptr;
    }
    r.text = posted.dump();
    out.push_back(std::move(r));
  }
  // Escapes in the raw text: \u escapes (with a surrogate pair), an offset that moves the
  // instant across midnight, a leap day.
  if (count > 0) {
    ClickRecord& r = out.back();
    r.text = "{\"id\": " + std::to_string(r.id) +
             ", \"ts\": \"2024-02-29T23:59:59.999999-00:30\","
             " \"url\": \"caf\\u00e9 \\ud83d\\ude00 tab\\t\\\"q\\\"\\\\\", \"tags\": [], "
             "\"payload\": {\"a\": [true, false, null]}}";
    r.expected = {
        {"id", r.id},
        {"ts_us", (DaysFromCivil(2024, 3, 1) * 86400 + 29 * 60 + 59) * 1000000LL + 999999},
        {"url", "caf\xc3\xa9 \xf0\x9f\x98\x80 tab\t\"q\"\\"},
        {"n", nullptr},
        {"score", nullptr},
        {"ok", nullptr},
        {"payload", {{"a", {true, false, nullptr}}}},
        {"blob", nullptr},
        {"tags", Json::array()},
        {"geo", nullptr}};
  }
  return out;
}

// A row of `floe table scan` of a clicks table in the shape of ClickRecord::expected:
// ts becomes ts_us, payload's JSON text is parsed; arrival_time is moved to
// *arrival_us (-1 when missing or not a UTC timestamp). Unparseable values stay as they
// are, so the comparison shows them.
inline Json NormalizeScannedClick(const Json& row, int64_t* arrival_us) {
  Json out = row;
  *arrival_us = -1;
  if (out.contains("arrival_time")) {
    if (out["arrival_time"].is_string()) {
      if (auto t = ParseUtcMicros(out["arrival_time"].get<std::string>())) *arrival_us = *t;
    }
    out.erase("arrival_time");
  }
  if (out.contains("ts")) {
    Json ts = out["ts"];
    out.erase("ts");
    if (ts.is_string()) {
      if (auto t = ParseUtcMicros(ts.get<std::string>())) {
        out["ts_us"] = *t;
      } else {
        out["ts_us"] = ts;
      }
    } else {
      out["ts_us"] = ts;
    }
  }
  if (out.contains("payload") && out["payload"].is_string()) {
    Json p = Json::parse(out["payload"].get<std::string>(), nullptr, false);
    if (!p.is_discarded()) out["payload"] = p;
  }
  return out;
}

// Compares rows (keyed by "id") with the expected records: every record exactly once, no
// other rows, every value equal. Reports at most 10 differences per kind.
inline void ExpectSameClicks(const std::vector<Json>& rows, const std::vector<ClickRecord>& want,
                             const std::string& what) {
  std::map<int64_t, const Json*> expected;
  for (const ClickRecord& r : want) expected[r.id] = &r.expected;
  std::map<int64_t, int> seen;
  int reported = 0;
  for (const Json& row : rows) {
    if (!row.contains("id") || !row["id"].is_number_integer()) {
      ADD_FAILURE() << what << ": row without an integer id: " << row.dump();
      continue;
    }
    const int64_t id = row["id"].get<int64_t>();
    auto it = expected.find(id);
    if (it == expected.end()) {
      ADD_FAILURE() << what << ": unexpected row " << row.dump();
      continue;
    }
    if (++seen[id] > 1 && reported++ < 10) ADD_FAILURE() << what << ": id " << id << " twice";
    if (*it->second != row && reported++ < 10) {
      ADD_FAILURE() << what << ": id " << id << "\n  expected " << it->second->dump()
                    << "\n  got      " << row.dump();
    }
  }
  int missing = 0;
  for (const auto& [id, e] : expected) {
    if (!seen.contains(id) && missing++ < 10) ADD_FAILURE() << what << ": missing id " << id;
  }
  EXPECT_EQ(rows.size(), want.size()) << what;
}

// The clicks DuckDB reads from the Parquet files matching `glob` (Hive folders not taken as
// columns), in the shape of ClickRecord::expected. `*error` is set when the query fails.
inline std::vector<Json> DuckDbClickRows(const std::string& scratch_dir, const std::string& glob,
                                         std::string* error) {
  const std::vector<std::string> lines = DuckDbQuery(
      scratch_dir,
      "SELECT to_json(t)::VARCHAR FROM (SELECT id, epoch_us(ts) AS ts_us, url, n, score, ok, "
      "payload::VARCHAR AS payload, lower(hex(blob)) AS blob, tags, geo FROM read_parquet(" +
          SqlQuote(glob) + ", hive_partitioning = false)) t",
      error);
  std::vector<Json> rows;
  for (const std::string& line : lines) {
    int64_t unused;
    rows.push_back(NormalizeScannedClick(Json::parse(line, nullptr, false), &unused));
  }
  return rows;
}

// The posted bodies of one set of records, in each form the API takes. Each form carries
// its own slice of `records` so that every record is posted exactly once.
struct BodyForm {
  std::string name;
  std::string body;
  PostOptions options;
  int64_t records = 0;
};

inline std::vector<BodyForm> BodiesInEveryForm(const std::vector<std::string>& records) {
  // Six slices: single object, array, NDJSON, gzip NDJSON, gzip array, no content type.
  std::vector<BodyForm> forms;
  const size_t n = records.size();
  if (n < 8) return forms;
  auto slice = [&](size_t k) {
    const size_t lo = n * k / 6, hi = n * (k + 1) / 6;
    return std::vector<std::string>(records.begin() + static_cast<std::ptrdiff_t>(lo),
                                    records.begin() + static_cast<std::ptrdiff_t>(hi));
  };
  auto array = [](const std::vector<std::string>& r) {
    std::string out = "[\n";
    for (size_t i = 0; i < r.size(); ++i) out += (i ? ",\n  " : "  ") + r[i];
    return out + "\n]";
  };
  auto ndjson = [](const std::vector<std::string>& r, bool crlf) {
    std::string out;
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i] + (crlf ? "\r\n" : "\n");
      if (i == 1) out += "\n   \n";  // blank lines are skipped
    }
    return out;
  };
  // The first slice goes one object per request.
  std::vector<std::string> singles = slice(0);
  for (const std::string& s : singles) {
    forms.push_back({"object", s, {"application/json", "", ""}, 1});
  }
  auto s1 = slice(1);
  forms.push_back(
      {"array", array(s1), {"application/json", "", ""}, static_cast<int64_t>(s1.size())});
  auto s2 = slice(2);
  forms.push_back({"ndjson",
                   ndjson(s2, false),
                   {"application/x-ndjson", "", ""},
                   static_cast<int64_t>(s2.size())});
  auto s3 = slice(3);
  forms.push_back({"gzip ndjson",
                   Gzip(ndjson(s3, true)),
                   {"application/x-ndjson", "gzip", ""},
                   static_cast<int64_t>(s3.size())});
  auto s4 = slice(4);
  forms.push_back({"gzip array",
                   Gzip(array(s4)),
                   {"application/json", "gzip", ""},
                   static_cast<int64_t>(s4.size())});
  auto s5 = slice(5);
  forms.push_back({"ndjson without content type",
                   ndjson(s5, false),
                   {"", "", ""},
                   static_cast<int64_t>(s5.size())});
  return forms;
}

// Posts `stream`, expects 200 and `accepted` == n (fails the test otherwise).
inline void PostOk(const IngestServer& server, const std::string& stream, const std::string& body,
                   int64_t n, const PostOptions& o = {}) {
  Reply r = server.Post(stream, body, o);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.json().value("accepted", int64_t{-1}), n) << r.body;
}

inline std::string ToNdjson(const std::vector<Json>& records) {
  std::string out;
  for (const Json& r : records) out += r.dump() + "\n";
  return out;
}

}  // namespace floe::ingest_test
