// Streaming ingest, black box: what `floe serve` does with bad input. Each case
// checks the status code, that the reply names the record index and field path, that
// nothing of a refused request is written, and that valid requests around it land exactly
// once (scanned after a flush).
//
// One server serves the whole suite; every test uses its own range of ids.
#include <set>

#include "ingest_harness.h"

namespace floe::ingest_test {
namespace {

constexpr char kToken[] = "s3cret";
constexpr char kLimitedToken[] = "limited-token";  // read from FLOE_TEST_LIMITED_TOKEN

// One schema for every stream of the suite.
constexpr std::string_view kFields = R"toml(fields = [
  { name = "id", type = "int64", required = true },
  { name = "n", type = "int32" },
  { name = "x", type = "float32" },
  { name = "score", type = "float64" },
  { name = "ok", type = "bool" },
  { name = "ts", type = "timestamp", unit = "ms" },
  { name = "name", type = "string" },
  { name = "payload", type = "json" },
  { name = "blob", type = "binary" },
  { name = "tags", type = "list", element = { type = "string" } },
  { name = "geo", type = "struct", fields = [ { name = "lat", type = "float64", required = true }, { name = "lon", type = "float64" } ] },
]
)toml";

std::string SuiteConfig(const TempDir& dir) {
  std::string c = "[server]\nwarehouse = \"" + (dir / "wh") +
                  "\"\nmax_request_mb = 1\nmax_depth = 64\n\n"
                  "[[server.tokens]]\ntoken = \"" +
                  kToken +
                  "\"\nstreams = [\"*\"]\n\n"
                  "[[server.tokens]]\ntoken_env = \"FLOE_TEST_LIMITED_TOKEN\"\n"
                  "streams = [\"dropper\"]\n\n";
  struct S {
    const char* name;
    const char* policy;
  };
  for (const S& s :
       {S{"strict", "unknown_fields = \"reject\"\n"}, S{"dropper", "unknown_fields = \"drop\"\n"},
        S{"keeper", "unknown_fields = \"keep\"\nkeep_column = \"_extra\"\n"},
        S{"dead",
          "invalid_records = \"dead_letter\"\n"
          "dead_letter_sink = \"dead_letters\"\n"}}) {
    c += "[[streams]]\nname = \"" + std::string(s.name) + "\"\n" + s.policy + std::string(kFields) +
         "\n[[sinks]]\nname = \"" + s.name + "_t\"\ntable = \"bad." + s.name +
         "\"\ninterval_seconds = 3600\n\n[[pipelines]]\nstream = \"" + s.name + "\"\nsink = \"" +
         s.name + "_t\"\n\n";
  }
  c += "[[sinks]]\nname = \"dead_letters\"\nuri = \"" + (dir / "dead") +
       "\"\nformat = \"ndjson\"\ninterval_seconds = 3600\n";
  return c;
}

struct Rejection {
  int64_t index;
  std::string field;
  bool operator==(const Rejection&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Rejection& r) {
  return os << "{" << r.index << ", \"" << r.field << "\"}";
}

class IngestBadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!FloeBuilt()) return;
    dir_ = new TempDir("ingest_bad");
    server_ = new IngestServer(
        {dir_->path(), SuiteConfig(*dir_), "", {{"FLOE_TEST_LIMITED_TOKEN", kLimitedToken}}});
    auto started = server_->Start();
    if (!started) {
      start_error_ = new std::string(started.message());
    }
  }
  static void TearDownTestSuite() {
    if (server_ != nullptr && server_->running()) {
      const int code = server_->Terminate();
      EXPECT_EQ(code, 0) << server_->LogTail();
    }
    delete server_;
    delete dir_;
    delete start_error_;
    server_ = nullptr;
    dir_ = nullptr;
    start_error_ = nullptr;
  }
  void SetUp() override {
    if (!FloeBuilt()) GTEST_SKIP() << FLOE_BINARY << " is not built";
    ASSERT_EQ(start_error_, nullptr) << *start_error_;
    ASSERT_TRUE(server_->running()) << server_->LogTail();
    // Every test gets 1,000,000 ids of its own.
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    base_ = (static_cast<int64_t>(std::hash<std::string>{}(name) % 100000) + 1) * 1000000;
  }
  void TearDown() override {
    // The server survived whatever the test sent.
    if (server_ != nullptr && server_->running()) {
      EXPECT_EQ(server_->Get("/healthz").status, 200) << server_->LogTail();
    }
  }

  static PostOptions Ndjson(std::string token = kToken) {
    return {"application/x-ndjson", "", std::move(token)};
  }
  static PostOptions JsonBody(std::string token = kToken) {
    return {"application/json", "", std::move(token)};
  }
  Reply Post(const std::string& stream, const std::string& body, const PostOptions& o = Ndjson()) {
    return server_->Post(stream, body, o);
  }
  // A valid record of this test.
  std::string Good(int64_t k) const {
    return "{\"id\": " + std::to_string(base_ + k) + ", \"name\": \"good " + std::to_string(k) +
           "\"}";
  }
  int64_t Id(int64_t k) const { return base_ + k; }

  // Posts valid records k in [lo, hi) as NDJSON and expects all accepted.
  void PostGood(const std::string& stream, int64_t lo, int64_t hi) {
    std::string body;
    for (int64_t k = lo; k < hi; ++k) body += Good(k) + "\n";
    Reply r = Post(stream, body);
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.json().value("accepted", int64_t{-1}), hi - lo) << r.body;
  }

  // Flushes `stream` and returns the table's rows whose id belongs to this test (plus
  // `extra_ids`).
  std::vector<Json> Rows(const std::string& stream, const std::set<int64_t>& extra_ids = {}) {
    Reply f = server_->Flush(stream, kToken);
    EXPECT_EQ(f.status, 200) << f.Describe();
    std::vector<Json> out;
    for (Json& row : ScanTable("bad." + stream, dir_->path() + "/wh")) {
      if (!row.contains("id") || !row["id"].is_number_integer()) continue;
      const int64_t id = row["id"].get<int64_t>();
      if ((id >= base_ && id < base_ + 1000000) || extra_ids.contains(id)) out.push_back(row);
    }
    return out;
  }
  // The ids of Rows(), as a multiset (so duplicates show).
  std::multiset<int64_t> Ids(const std::string& stream, const std::set<int64_t>& extra = {}) {
    std::multiset<int64_t> ids;
    for (const Json& r : Rows(stream, extra)) ids.insert(r["id"].get<int64_t>());
    return ids;
  }
  std::multiset<int64_t> IdRange(int64_t lo, int64_t hi) const {
    std::multiset<int64_t> out;
    for (int64_t k = lo; k < hi; ++k) out.insert(Id(k));
    return out;
  }

  // Checks a 400 for invalid records: accepted 0, "error" set, `rejected` exactly `want`
  // (index and field, in index order), each with an error text.
  static void ExpectRejected(const Reply& r, const std::vector<Rejection>& want, int status = 400) {
    ASSERT_EQ(r.status, status) << r.Describe();
    const Json j = r.json();
    ASSERT_TRUE(j.is_object()) << "reply is not a JSON object: " << r.body;
    if (status == 400) {
      EXPECT_EQ(j.value("accepted", int64_t{-1}), 0) << r.body;
      EXPECT_FALSE(j.value("error", "").empty()) << r.body;
    }
    std::vector<Rejection> got;
    for (const Json& x : j.value("rejected", Json::array())) {
      got.push_back({x.value("index", int64_t{-1}), x.value("field", "<missing>")});
      EXPECT_FALSE(x.value("error", "").empty()) << x.dump();
    }
    EXPECT_EQ(got, want) << r.body;
  }

  static TempDir* dir_;
  static IngestServer* server_;
  static std::string* start_error_;
  int64_t base_ = 0;
};

TempDir* IngestBadInputTest::dir_ = nullptr;
IngestServer* IngestBadInputTest::server_ = nullptr;
std::string* IngestBadInputTest::start_error_ = nullptr;

TEST_F(IngestBadInputTest, MalformedJsonBodyIsRefusedWhole) {
  PostGood("strict", 0, 3);
  const std::vector<std::string> bodies = {
      "{\"id\": " + std::to_string(Id(10)) + ", \"name\": \"x\"",
      "[" + Good(11) + ", ",
      "]",
      "",
      "   ",
      "42",
      "\"text\"",
      "nul",
      Good(12) + " trailing"};
  for (const std::string& body : bodies) {
    Reply r = Post("strict", body, JsonBody());
    EXPECT_EQ(r.status, 400) << "body '" << body << "': " << r.Describe();
    const Json j = r.json();
    EXPECT_FALSE(j.value("error", "").empty()) << "body '" << body << "': " << r.body;
    EXPECT_EQ(j.value("accepted", int64_t{-1}), 0) << r.body;
  }
  PostGood("strict", 3, 6);
  EXPECT_EQ(Ids("strict"), IdRange(0, 6));
}

TEST_F(IngestBadInputTest, MalformedNdjsonLineNamesItsIndex) {
  // Blank lines do not count: the broken line is record 2.
  const std::string body = Good(0) + "\n\n" + Good(1) + "\n  \n{\"id\": " + std::to_string(Id(2)) +
                           ",\n" + Good(3) + "\n";
  ExpectRejected(Post("strict", body), {{2, ""}});
  EXPECT_TRUE(Ids("strict").empty());

  // Under dead_letter the good ones land and the broken line is dead-lettered.
  Reply r = Post("dead", body);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.json().value("accepted", int64_t{-1}), 3) << r.body;
  EXPECT_EQ(r.json().value("dead_lettered", int64_t{-1}), 1) << r.body;
  ExpectRejected(r, {{2, ""}}, 200);
  std::multiset<int64_t> want = {Id(0), Id(1), Id(3)};
  EXPECT_EQ(Ids("dead"), want);
}

TEST_F(IngestBadInputTest, ArrayElementsThatAreNotObjects) {
  const std::string body = "[" + Good(0) + ", 7, \"x\", [1], null, " + Good(1) + "]";
  ExpectRejected(Post("strict", body, JsonBody()), {{1, ""}, {2, ""}, {3, ""}, {4, ""}});
  PostGood("strict", 2, 4);
  EXPECT_EQ(Ids("strict"), IdRange(2, 4));
}

TEST_F(IngestBadInputTest, WrongTypesNameIndexAndField) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::vector<std::string> records = {
      Good(0),
      "{\"id\": \"" + id(1) + "\"}",
      "{\"id\": " + id(2) + ", \"n\": 1.5}",
      "{\"id\": " + id(3) + ", \"ok\": \"true\"}",
      "{\"id\": " + id(4) + ", \"tags\": [\"a\", 3]}",
      "{\"id\": " + id(5) + ", \"geo\": {\"lat\": \"north\"}}",
      "{\"id\": " + id(6) + ", \"ts\": \"yesterday\"}",
      "{\"id\": " + id(7) + ", \"blob\": \"not base64!\"}",
      "{\"id\": " + id(8) + ", \"name\": 42}",
      "{\"id\": " + id(9) + ", \"tags\": \"a\"}",
      "{\"id\": " + id(10) + ", \"geo\": [1, 2]}",
      "{\"id\": " + id(11) + ", \"x\": true}",
      "{\"id\": " + id(12) + ", \"score\": \"1.5\"}",
      "{\"id\": " + id(13) + ", \"ts\": {\"s\": 1}}",
      "{\"id\": " + id(14) + ", \"ts\": \"2024-13-01T00:00:00Z\"}",
      "{\"id\": " + id(15) + ", \"geo\": {\"lat\": 1, \"lon\": [2]}}",
      Good(16),
  };
  std::string body = "[";
  for (size_t i = 0; i < records.size(); ++i) body += (i ? ",\n" : "") + records[i];
  body += "]";
  ExpectRejected(Post("strict", body, JsonBody()), {{1, "id"},
                                                    {2, "n"},
                                                    {3, "ok"},
                                                    {4, "tags[1]"},
                                                    {5, "geo.lat"},
                                                    {6, "ts"},
                                                    {7, "blob"},
                                                    {8, "name"},
                                                    {9, "tags"},
                                                    {10, "geo"},
                                                    {11, "x"},
                                                    {12, "score"},
                                                    {13, "ts"},
                                                    {14, "ts"},
                                                    {15, "geo.lon"}});
  EXPECT_TRUE(Ids("strict").empty());
  PostGood("strict", 100, 102);
  EXPECT_EQ(Ids("strict"), IdRange(100, 102));
}

TEST_F(IngestBadInputTest, MissingRequiredFields) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::string body = Good(0) + "\n{\"n\": 1}\n{\"id\": null}\n{\"id\": " + id(3) +
                           ", \"geo\": {\"lon\": 1}}\n{}\n" + Good(5) + "\n";
  Reply r = Post("strict", body);
  ExpectRejected(r, {{1, "id"}, {2, "id"}, {3, "geo.lat"}, {4, "id"}});
  for (const Json& x : r.json().value("rejected", Json::array())) {
    std::string e = x.value("error", "");
    std::transform(e.begin(), e.end(), e.begin(), ::tolower);
    EXPECT_TRUE(e.find("required") != std::string::npos || e.find("missing") != std::string::npos)
        << "not a clear error for a missing field: " << x.dump();
  }
  PostGood("strict", 10, 12);
  EXPECT_EQ(Ids("strict"), IdRange(10, 12));
}

TEST_F(IngestBadInputTest, UnknownFieldsRejected) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::string body = Good(0) + "\n{\"id\": " + id(1) + ", \"zzz\": 1}\n{\"id\": " + id(2) +
                           ", \"geo\": {\"lat\": 1, \"alt\": 2}}\n";
  ExpectRejected(Post("strict", body), {{1, "zzz"}, {2, "geo.alt"}});
  EXPECT_TRUE(Ids("strict").empty());
}

TEST_F(IngestBadInputTest, UnknownFieldsDropped) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::string body = "{\"id\": " + id(1) +
                           ", \"zzz\": 1, \"name\": \"a\"}\n{\"id\": " + id(2) +
                           ", \"geo\": {\"lat\": 1.5, \"alt\": 2}, \"more\": {\"x\": [1]}}\n";
  Reply r = Post("dropper", body);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.json().value("accepted", int64_t{-1}), 2) << r.body;
  const std::vector<Json> rows = Rows("dropper");
  ASSERT_EQ(rows.size(), 2u);
  for (const Json& row : rows) {
    EXPECT_FALSE(row.contains("zzz") || row.contains("more") || row.contains("_extra"))
        << row.dump();
    if (row["id"] == Id(1)) {
      EXPECT_EQ(row["name"], "a") << row.dump();
    }
    if (row["id"] == Id(2)) {
      EXPECT_EQ(row["geo"], Json({{"lat", 1.5}, {"lon", nullptr}})) << row.dump();
    }
  }
}

TEST_F(IngestBadInputTest, UnknownFieldsKeptInTheKeepColumn) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::string body = "{\"id\": " + id(1) +
                           ", \"zzz\": 1, \"yy\": {\"a\": [1, \"b\"]}, \"name\": \"n\"}\n" +
                           Good(2) + "\n";
  Reply r = Post("keeper", body);
  ASSERT_EQ(r.status, 200) << r.Describe();
  const std::vector<Json> rows = Rows("keeper");
  ASSERT_EQ(rows.size(), 2u);
  for (const Json& row : rows) {
    ASSERT_TRUE(row.contains("_extra")) << row.dump();
    if (row["id"] == Id(1)) {
      ASSERT_TRUE(row["_extra"].is_string()) << row.dump();
      EXPECT_EQ(Json::parse(row["_extra"].get<std::string>(), nullptr, false),
                Json({{"zzz", 1}, {"yy", {{"a", {1, "b"}}}}}))
          << row.dump();
      EXPECT_EQ(row["name"], "n");
    } else {
      // Nothing unknown: null (an empty object would also say so).
      EXPECT_TRUE(row["_extra"].is_null() || row["_extra"] == "{}") << row.dump();
    }
  }
}

TEST_F(IngestBadInputTest, NestedUnknownFieldsKeptUnderTheirPath) {
  // "Unknown members ... (at any depth)": a nested one is kept under its path.
  const std::string body =
      "{\"id\": " + std::to_string(Id(1)) + ", \"geo\": {\"lat\": 1.5, \"alt\": 2}}\n";
  Reply r = Post("keeper", body);
  ASSERT_EQ(r.status, 200) << r.Describe();
  const std::vector<Json> rows = Rows("keeper");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["geo"], Json({{"lat", 1.5}, {"lon", nullptr}})) << rows[0].dump();
  ASSERT_TRUE(rows[0]["_extra"].is_string()) << rows[0].dump();
  EXPECT_EQ(Json::parse(rows[0]["_extra"].get<std::string>(), nullptr, false),
            Json({{"geo.alt", 2}}))
      << rows[0].dump();
}

TEST_F(IngestBadInputTest, AnEmptyArrayAcceptsNothing) {
  Reply r = Post("strict", "[]", JsonBody());
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.json().value("accepted", int64_t{-1}), 0) << r.body;
  r = Post("strict", "[ ]", JsonBody());
  EXPECT_EQ(r.status, 200) << r.Describe();
  PostGood("strict", 0, 1);
  EXPECT_EQ(Ids("strict"), IdRange(0, 1));
}

TEST_F(IngestBadInputTest, InvalidRecordsRejectTheWholeRequest) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  std::string body;
  for (int k = 0; k < 5; ++k) body += Good(k) + "\n";
  body += "{\"id\": " + id(5) + ", \"n\": \"five\"}\n" + Good(6) + "\n{\"id\": " + id(7) +
          ", \"unknown\": 1}\n";
  ExpectRejected(Post("strict", body), {{5, "n"}, {7, "unknown"}});
  EXPECT_TRUE(Ids("strict").empty()) << "a 400 must write nothing";
  // The same good records alone land once.
  std::string good;
  for (int k = 0; k < 5; ++k) good += Good(k) + "\n";
  good += Good(6) + "\n";
  Reply r = Post("strict", good);
  ASSERT_EQ(r.status, 200) << r.Describe();
  std::multiset<int64_t> want = IdRange(0, 5);
  want.insert(Id(6));
  EXPECT_EQ(Ids("strict"), want);
}

TEST_F(IngestBadInputTest, InvalidRecordsGoToTheDeadLetterSink) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::vector<std::string> lines = {
      Good(0),
      Good(1),
      "{\"id\": " + id(2) + ", \"n\": \"two\"}",
      Good(3),
      "{\"id\": " + id(4) + ", \"geo\": {\"lat\": \"x\"}}",
      "{\"id\": " + id(5) + ",",
      Good(6),
      "{\"id\": " + id(7) + ", \"nope\": true}",
  };
  std::string body;
  for (const std::string& l : lines) body += l + "\n";
  const int64_t before = NowMicros();
  Reply r = Post("dead", body);
  ASSERT_EQ(r.status, 200) << r.Describe();
  const Json j = r.json();
  EXPECT_EQ(j.value("accepted", int64_t{-1}), 4) << r.body;
  EXPECT_EQ(j.value("dead_lettered", int64_t{-1}), 4) << r.body;
  ExpectRejected(r, {{2, "n"}, {4, "geo.lat"}, {5, ""}, {7, "nope"}}, 200);
  std::multiset<int64_t> want = {Id(0), Id(1), Id(3), Id(6)};
  EXPECT_EQ(Ids("dead"), want);

  // The dead letters (committed by the stream's flush): stream, index, field, error, the
  // raw record text, arrival_time.
  std::map<int64_t, Json> dead;
  for (const Json& row : ReadNdjsonFiles(FilesUnder(dir_->path() + "/dead", ".ndjson"))) {
    const std::string rec = row.value("record", "");
    if (std::find(lines.begin(), lines.end(), rec) == lines.end()) continue;  // another test's
    EXPECT_FALSE(dead.contains(row.value("index", int64_t{-1}))) << "twice: " << row.dump();
    dead[row.value("index", int64_t{-1})] = row;
  }
  ASSERT_EQ(dead.size(), 4u) << "dead letters of this test";
  for (const auto& [index, field] :
       std::vector<std::pair<int, std::string>>{{2, "n"}, {4, "geo.lat"}, {5, ""}, {7, "nope"}}) {
    const Json& d = dead[index];
    EXPECT_EQ(d.value("stream", ""), "dead") << d.dump();
    EXPECT_EQ(d.value("field", "<missing>"), field) << d.dump();
    EXPECT_FALSE(d.value("error", "").empty()) << d.dump();
    EXPECT_EQ(d.value("record", ""), lines[static_cast<size_t>(index)]) << d.dump();
    const auto arrival = ParseUtcMicros(d.value("arrival_time", ""));
    EXPECT_TRUE(arrival.has_value() && *arrival >= before - 1000000) << d.dump();
  }
}

TEST_F(IngestBadInputTest, OversizedRequestsAre413) {
  PostGood("strict", 0, 2);
  // max_request_mb = 1.
  std::string big;
  int64_t k = 100;
  while (big.size() < (3u << 19)) big += Good(k++) + "\n";
  Reply r = Post("strict", big);
  EXPECT_EQ(r.status, 413) << r.Describe();
  if (r.status == 413) {
    EXPECT_TRUE(r.json().is_object()) << "413 reply is not JSON: " << r.body;
  }
  // Under the limit compressed, over it inflated.
  const std::string gz = Gzip(big, 9);
  ASSERT_LT(gz.size(), 1u << 20);
  r = Post("strict", gz, {"application/x-ndjson", "gzip", kToken});
  EXPECT_EQ(r.status, 413) << r.Describe();
  // A gzip bomb: 256 MiB of spaces in a few hundred KB.
  const std::string bomb = Gzip(std::string(256u << 20, ' '), 9);
  ASSERT_LT(bomb.size(), 1u << 20);
  r = Post("strict", bomb, {"application/x-ndjson", "gzip", kToken});
  EXPECT_EQ(r.status, 413) << r.Describe();
  // Chunked transfer (no Content-Length): the limit still holds, plain and gzip.
  for (const bool gzip : {false, true}) {
    httplib::Client c("127.0.0.1", server_->port());
    httplib::Headers h = AuthHeaders(kToken);
    if (gzip) h.emplace("Content-Encoding", "gzip");
    const std::string payload = gzip ? bomb : big;
    auto chunked = c.Post(
        "/v1/streams/strict/events", h,
        [&payload](size_t offset, httplib::DataSink& sink) {
          if (offset < payload.size()) {
            sink.write(payload.data() + offset, std::min<size_t>(65536, payload.size() - offset));
          } else {
            sink.done();
          }
          return true;
        },
        "application/x-ndjson");
    // The server may stop reading and close once over the limit; if it answers, 413.
    if (chunked) {
      EXPECT_EQ(chunked->status, 413) << (gzip ? "chunked gzip bomb" : "chunked 1.5 MB");
    }
  }
  // Corrupt gzip is a bad request, not a crash.
  std::string broken = Gzip(Good(50) + "\n");
  broken[broken.size() / 2] ^= 0x5a;
  broken.resize(broken.size() - 4);
  r = Post("strict", broken, {"application/x-ndjson", "gzip", kToken});
  EXPECT_EQ(r.status, 400) << r.Describe();
  // Just under the limit, compressed or not, is fine.
  std::string fits;
  for (int64_t i = 1000; fits.size() < 900000; ++i) fits += Good(i) + "\n";
  const int64_t fits_n = std::count(fits.begin(), fits.end(), '\n');
  r = Post("strict", Gzip(fits), {"application/x-ndjson", "gzip", kToken});
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.json().value("accepted", int64_t{-1}), fits_n);
  PostGood("strict", 2, 4);
  std::multiset<int64_t> want = IdRange(0, 4);
  for (int64_t i = 1000; i < 1000 + fits_n; ++i) want.insert(Id(i));
  EXPECT_EQ(Ids("strict"), want);
}

TEST_F(IngestBadInputTest, InvalidUtf8IsRejectedPerRecord) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::vector<std::string> bad = {
      "\xff\xfe",          // never valid
      "\xc0\xaf",          // overlong '/'
      "\xed\xa0\x80",      // a UTF-16 surrogate
      "\xe2\x82",          // truncated sequence
      "\xf4\x90\x80\x80",  // above U+10FFFF
  };
  std::string body = Good(0) + "\n";
  for (size_t i = 0; i < bad.size(); ++i) {
    body += "{\"id\": " + id(static_cast<int>(i) + 1) + ", \"name\": \"a" + bad[i] + "b\"}\n";
  }
  body += "{\"id\": " + id(6) + ", \"k\xff\": 1}\n";  // in a member name
  const std::string ok_text = "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80";
  body += "{\"id\": " + id(7) + ", \"name\": \"" + ok_text + "\"}\n";
  Reply r = Post("strict", body);
  ASSERT_EQ(r.status, 400) << r.Describe();
  // The contract leaves the field empty for invalid UTF-8 ("the record as a whole"); naming
  // the member is as good.
  std::vector<int64_t> indexes;
  for (const Json& x : r.json().value("rejected", Json::array())) {
    indexes.push_back(x.value("index", int64_t{-1}));
    const std::string f = x.value("field", "<missing>");
    EXPECT_TRUE(f.empty() || f == "name" || x.value("index", 0) == 6) << x.dump();
  }
  EXPECT_EQ(indexes, (std::vector<int64_t>{1, 2, 3, 4, 5, 6})) << r.body;
  EXPECT_TRUE(Ids("strict").empty());
  // Valid multi-byte text round-trips.
  r = Post("strict", Good(0) + "\n{\"id\": " + id(7) + ", \"name\": \"" + ok_text + "\"}\n");
  ASSERT_EQ(r.status, 200) << r.Describe();
  const std::vector<Json> rows = Rows("strict");
  ASSERT_EQ(rows.size(), 2u);
  for (const Json& row : rows) {
    if (row["id"] == Id(7)) {
      EXPECT_EQ(row["name"], ok_text);
    }
  }
}

TEST_F(IngestBadInputTest, DeeplyNestedDocumentsAreRefusedWithoutHarm) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '[') + "1" +
           std::string(static_cast<size_t>(depth), ']');
  };
  // In a json field: depth 100 is over max_depth = 64, depth 10 is fine.
  const std::string body = "{\"id\": " + id(1) + ", \"payload\": " + nested(100) + "}\n" +
                           "{\"id\": " + id(2) + ", \"payload\": " + nested(10) + "}\n";
  Reply r = Post("strict", body);
  ASSERT_EQ(r.status, 400) << r.Describe();
  const Json rejected = r.json().value("rejected", Json::array());
  ASSERT_EQ(rejected.size(), 1u) << r.body;
  EXPECT_EQ(rejected[0].value("index", int64_t{-1}), 0);
  const std::string f = rejected[0].value("field", "<missing>");
  EXPECT_TRUE(f.empty() || f.starts_with("payload")) << r.body;
  // Hostile depth (under the 1 MB limit): a 300,000-deep array body and a 150,000-deep
  // object line.
  r = Post("strict", nested(300000), JsonBody());
  EXPECT_EQ(r.status, 400) << r.Describe();
  std::string deep_object = "{\"id\": " + id(3) + ", \"payload\": ";
  for (int i = 0; i < 150000; ++i) deep_object += "{\"a\":";
  deep_object += "1" + std::string(150000, '}') + "}";
  r = Post("strict", Good(4) + "\n" + deep_object + "\n");
  ASSERT_EQ(r.status, 400) << r.Describe();
  ASSERT_EQ(r.json().value("rejected", Json::array()).size(), 1u) << r.body;
  EXPECT_EQ(r.json()["rejected"][0].value("index", int64_t{-1}), 1) << r.body;
  ASSERT_EQ(server_->Get("/healthz").status, 200) << server_->LogTail();
  // The acceptable one alone lands, with its value intact.
  r = Post("strict", "{\"id\": " + id(2) + ", \"payload\": " + nested(10) + "}\n");
  ASSERT_EQ(r.status, 200) << r.Describe();
  const std::vector<Json> rows = Rows("strict");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Json::parse(rows[0]["payload"].get<std::string>()), Json::parse(nested(10)));
}

TEST_F(IngestBadInputTest, NumbersOutOfRange) {
  auto id = [&](int k) { return std::to_string(Id(k)); };
  const std::vector<std::string> records = {
      "{\"id\": 9223372036854775808}",
      "{\"id\": -9223372036854775809}",
      "{\"id\": 1e19}",
      "{\"id\": 1.5}",
      "{\"id\": " + id(4) + ", \"n\": 2147483648}",
      "{\"id\": " + id(5) + ", \"n\": -2147483649}",
      "{\"id\": " + id(6) + ", \"x\": 1e39}",
      "{\"id\": " + id(7) + ", \"score\": 1e400}",
      "{\"id\": " + id(8) + ", \"ts\": 1e30}",
      Good(9),
  };
  std::string body;
  for (const std::string& r : records) body += r + "\n";
  ExpectRejected(Post("strict", body), {{0, "id"},
                                        {1, "id"},
                                        {2, "id"},
                                        {3, "id"},
                                        {4, "n"},
                                        {5, "n"},
                                        {6, "x"},
                                        {7, "score"},
                                        {8, "ts"}});
  EXPECT_TRUE(Ids("strict").empty());

  // The edges of each range are accepted and kept exactly; integral floats are integers.
  const int64_t kMin = INT64_MIN;
  const std::string edges =
      "{\"id\": -9223372036854775808, \"n\": -2147483648}\n{\"id\": " + id(20) +
      ", \"n\": 2147483647, \"x\": 3.4e38}\n{\"id\": " + id(21) +
      ".0, \"n\": 7.0, \"score\": -1.7976931348623157e308}\n";
  Reply r = Post("strict", edges);
  ASSERT_EQ(r.status, 200) << r.Describe();
  const std::vector<Json> rows = Rows("strict", {kMin});
  ASSERT_EQ(rows.size(), 3u);
  for (const Json& row : rows) {
    const int64_t got = row["id"].get<int64_t>();
    if (got == kMin) {
      EXPECT_EQ(row["n"], INT32_MIN);
    } else if (got == Id(20)) {
      EXPECT_EQ(row["n"], INT32_MAX);
      EXPECT_EQ(row["x"].get<double>(), static_cast<double>(3.4e38f)) << row.dump();
    } else {
      EXPECT_EQ(got, Id(21));
      EXPECT_EQ(row["n"], 7);
      EXPECT_EQ(row["score"].get<double>(), -1.7976931348623157e308);
    }
  }
}

TEST_F(IngestBadInputTest, TokensAreChecked) {
  const std::string body = Good(0) + "\n";
  Reply r = Post("strict", body, Ndjson(""));
  EXPECT_EQ(r.status, 401) << r.Describe();
  r = Post("strict", body, Ndjson("wrong"));
  EXPECT_EQ(r.status, 401) << r.Describe();
  {
    httplib::Client c("127.0.0.1", server_->port());
    auto basic = c.Post("/v1/streams/strict/events", {{"Authorization", "Basic czNjcmV0Og=="}},
                        body, "application/x-ndjson");
    ASSERT_TRUE(basic);
    EXPECT_EQ(basic->status, 401);
  }
  // The limited token (from the environment) may write to `dropper` only.
  r = Post("strict", body, Ndjson(kLimitedToken));
  EXPECT_EQ(r.status, 403) << r.Describe();
  r = Post("dropper", Good(1) + "\n", Ndjson(kLimitedToken));
  EXPECT_EQ(r.status, 200) << r.Describe();
  EXPECT_TRUE(Ids("strict").empty());
  std::multiset<int64_t> want = {Id(1)};
  EXPECT_EQ(Ids("dropper"), want);
  // The CLI passes --token.
  CliRun cli = RunFloe({"streams", "status", "--server", server_->url(), "--token", kToken});
  EXPECT_EQ(cli.code, 0) << cli.out << cli.err;
  EXPECT_TRUE(Json::parse(cli.out, nullptr, false).is_object()) << cli.out;
  cli = RunFloe({"streams", "flush", "strict", "--server", server_->url(), "--token", kToken});
  EXPECT_EQ(cli.code, 0) << cli.out << cli.err;
  PostGood("strict", 2, 3);
  EXPECT_EQ(Ids("strict"), IdRange(2, 3));
}

TEST_F(IngestBadInputTest, UnknownStreamIs404) {
  Reply r = Post("no_such_stream", Good(0) + "\n");
  EXPECT_EQ(r.status, 404) << r.Describe();
  EXPECT_NE(r.json().value("error", "").find("no_such_stream"), std::string::npos) << r.body;
  EXPECT_EQ(server_->Flush("no_such_stream", kToken).status, 404);
  PostGood("strict", 1, 2);
  EXPECT_EQ(Ids("strict"), IdRange(1, 2));
}

TEST_F(IngestBadInputTest, UnsupportedContentTypeOrEncodingIs415) {
  const std::string nd = Good(0) + "\n";
  for (const char* type :
       {"application/xml", "text/csv", "multipart/form-data", "application/octet-stream"}) {
    Reply r = Post("strict", nd, {type, "", kToken});
    EXPECT_EQ(r.status, 415) << type << ": " << r.Describe();
  }
  for (const char* encoding : {"br", "deflate", "zstd"}) {
    Reply r = Post("strict", nd, {"application/x-ndjson", encoding, kToken});
    EXPECT_EQ(r.status, 415) << encoding << ": " << r.Describe();
  }
  EXPECT_TRUE(Ids("strict").empty());

  // Accepted types, parameters included.
  int64_t k = 10;
  auto one = [&](const std::string& type, const std::string& body) {
    Reply r = Post("strict", body, {type, "", kToken});
    EXPECT_EQ(r.status, 200) << "'" << type << "': " << r.Describe();
  };
  one("application/json; charset=utf-8", Good(k++));
  one("application/json", "[" + Good(k) + "," + Good(k + 1) + "]");
  k += 2;
  one("application/ndjson", Good(k++) + "\n");
  one("application/jsonl", Good(k++) + "\n");
  one("application/x-ndjson; charset=utf-8", Good(k) + "\n" + Good(k + 1));
  k += 2;
  one("text/plain", Good(k++) + "\n");
  one("", "[" + Good(k++) + "]");
  EXPECT_EQ(Ids("strict"), IdRange(10, k));
}

}  // namespace
}  // namespace floe::ingest_test
