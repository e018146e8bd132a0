#include "floe/ingest/config.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace floe::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Type = StreamField::Type;

// Sets (or unsets) one environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) saved_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (saved_) {
      ::setenv(name_.c_str(), saved_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

// The ```toml block of the README's "Streaming ingest" section.
std::string ReadmeExample() {
  std::ifstream in(std::string(FLOE_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  const size_t section = readme.find("\n## Streaming ingest\n");
  if (section == std::string::npos) return {};
  const size_t open = readme.find("\n```toml\n", section);
  if (open == std::string::npos) return {};
  const size_t begin = open + 9;
  const size_t close = readme.find("\n```\n", begin);
  if (close == std::string::npos) return {};
  return readme.substr(begin, close - begin + 1);
}

StreamField Field(std::string name, Type type, bool required = false) {
  StreamField f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  return f;
}

void ExpectFieldEq(const StreamField& got, const StreamField& want, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.required, want.required);
  if (want.type == Type::kTimestamp) {
    EXPECT_EQ(got.epoch_unit, want.epoch_unit);
  }
  ASSERT_EQ(got.children.size(), want.children.size());
  for (size_t i = 0; i < want.children.size(); ++i) {
    ExpectFieldEq(got.children[i], want.children[i], where + "." + want.children[i].name);
  }
}

TEST(IngestConfigTest, ReadmeExampleParses) {
  const std::string text = ReadmeExample();
  ASSERT_FALSE(text.empty()) << "no ```toml block in README.md's Streaming ingest section";
  ScopedEnv env("FLOE_TOKEN_OPS", "ops-token-from-env");
  Result<IngestConfig> parsed = ParseConfig(text, "README.md");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const IngestConfig& c = *parsed;

  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8181);
  EXPECT_EQ(c.server.warehouse, "./floe-data");
  EXPECT_EQ(c.server.wal_dir, "");
  EXPECT_EQ(c.server.ResolvedWalDir(), "./floe-data/_wal");
  EXPECT_EQ(c.server.max_request_bytes, 5 * 1024 * 1024);
  EXPECT_EQ(c.server.max_log_bytes, int64_t{4096} * 1024 * 1024);
  EXPECT_EQ(c.server.max_buffered_bytes, int64_t{1024} * 1024 * 1024);
  EXPECT_EQ(c.server.retry_after_seconds, 1);
  EXPECT_EQ(c.server.max_depth, 64);
  ASSERT_EQ(c.server.tokens.size(), 2u);
  EXPECT_EQ(c.server.tokens[0].token, "s3cret");
  EXPECT_EQ(c.server.tokens[0].streams, std::vector<std::string>{"clicks"});
  EXPECT_TRUE(c.server.tokens[0].Allows("clicks"));
  EXPECT_FALSE(c.server.tokens[0].Allows("raw"));
  EXPECT_EQ(c.server.tokens[1].token, "ops-token-from-env");
  EXPECT_TRUE(c.server.tokens[1].Allows("raw"));

  ASSERT_EQ(c.streams.size(), 2u);
  const StreamConfig& clicks = c.streams[0];
  EXPECT_EQ(clicks.name, "clicks");
  EXPECT_FALSE(clicks.unstructured);
  EXPECT_EQ(clicks.unknown_fields, UnknownFields::kKeep);
  EXPECT_EQ(clicks.keep_column, "_extra");
  EXPECT_EQ(clicks.invalid_records, InvalidRecords::kDeadLetter);
  EXPECT_EQ(clicks.dead_letter_sink, "clicks_dead");
  std::vector<StreamField> want = {Field("id", Type::kInt64, true),  Field("ts", Type::kTimestamp),
                                   Field("url", Type::kString),      Field("status", Type::kInt32),
                                   Field("latency", Type::kFloat32), Field("bot", Type::kBool),
                                   Field("payload", Type::kJson),    Field("blob", Type::kBinary),
                                   Field("tags", Type::kList),       Field("geo", Type::kStruct)};
  want[1].epoch_unit = StreamField::EpochUnit::kMillis;
  want[8].children = {Field("element", Type::kString)};
  want[9].children = {Field("lat", Type::kFloat64), Field("lon", Type::kFloat64)};
  ASSERT_EQ(clicks.fields.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ExpectFieldEq(clicks.fields[i], want[i], want[i].name);

  const StreamConfig& raw = c.streams[1];
  EXPECT_EQ(raw.name, "raw");
  EXPECT_TRUE(raw.unstructured);
  EXPECT_TRUE(raw.fields.empty());
  EXPECT_EQ(c.FindStream("raw"), &raw);
  EXPECT_EQ(c.FindStream("nope"), nullptr);

  ASSERT_EQ(c.sinks.size(), 4u);
  const SinkConfig& table = c.sinks[0];
  EXPECT_EQ(table.name, "clicks_table");
  EXPECT_EQ(table.kind, SinkConfig::Kind::kTable);
  EXPECT_EQ(table.table, "analytics.clicks");
  EXPECT_EQ(table.partition, "day(ts), bucket(16, id)");
  using Props = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(table.properties, (Props{{"write.parquet.compression-codec", "zstd"}}));
  EXPECT_EQ(table.interval_seconds, 300);
  EXPECT_EQ(table.max_file_mb, 128);
  EXPECT_EQ(table.inactivity_seconds, 0);

  const SinkConfig& files = c.sinks[1];
  EXPECT_EQ(files.name, "clicks_files");
  EXPECT_EQ(files.kind, SinkConfig::Kind::kFiles);
  EXPECT_EQ(files.uri, "./exports/clicks");
  EXPECT_EQ(files.format, SinkConfig::FileFormat::kParquet);
  EXPECT_EQ(files.compression, "zstd");
  EXPECT_EQ(files.partition_pattern, "year=%Y/month=%m/day=%d");
  EXPECT_EQ(files.time_field, "ts");
  EXPECT_EQ(files.file_prefix, "clicks-");
  EXPECT_TRUE(files.table.empty());

  const SinkConfig& dead = c.sinks[2];
  EXPECT_EQ(dead.name, "clicks_dead");
  EXPECT_EQ(dead.kind, SinkConfig::Kind::kFiles);
  EXPECT_EQ(dead.uri, "./dead/clicks");
  EXPECT_EQ(dead.format, SinkConfig::FileFormat::kNdjson);
  EXPECT_EQ(c.FindSink("clicks_dead"), &dead);
  EXPECT_EQ(c.FindSink("clicks"), nullptr);

  const SinkConfig& raw_table = c.sinks[3];
  EXPECT_EQ(raw_table.table, "default.raw");
  EXPECT_EQ(raw_table.partition, "day(arrival_time)");
  EXPECT_EQ(raw_table.interval_seconds, 300);  // the default

  ASSERT_EQ(c.pipelines.size(), 3u);
  EXPECT_EQ(c.pipelines[0].stream, "clicks");
  EXPECT_EQ(c.pipelines[0].sink, "clicks_table");
  EXPECT_EQ(c.pipelines[0].fields,
            (std::vector<std::string>{"id", "ts", "url", "_extra", "arrival_time"}));
  EXPECT_EQ(c.pipelines[1].sink, "clicks_files");
  EXPECT_TRUE(c.pipelines[1].fields.empty());
  EXPECT_EQ(c.pipelines[2].stream, "raw");
  EXPECT_EQ(c.pipelines[2].sink, "raw_table");

  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(IngestConfigTest, ReadmeExampleNeedsItsTokenVariable) {
  ScopedEnv env("FLOE_TOKEN_OPS", nullptr);
  Result<IngestConfig> parsed = ParseConfig(ReadmeExample(), "README.md");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("server.tokens[1].token_env: environment variable 'FLOE_TOKEN_OPS'"));
}

TEST(IngestConfigTest, DefaultConfigValidates) {
  const IngestConfig c = DefaultConfig("s3://bucket/lake");
  ASSERT_TRUE(ValidateConfig(c).ok()) << ValidateConfig(c).ToString();
  EXPECT_EQ(c.server.warehouse, "s3://bucket/lake");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8181);
  EXPECT_EQ(c.server.ResolvedWalDir(), "./floe-wal");
  ASSERT_EQ(c.streams.size(), 1u);
  EXPECT_EQ(c.streams[0].name, "events");
  EXPECT_TRUE(c.streams[0].unstructured);
  EXPECT_EQ(c.streams[0].unknown_fields, UnknownFields::kKeep);
  EXPECT_EQ(c.streams[0].invalid_records, InvalidRecords::kRejectRequest);
  ASSERT_EQ(c.sinks.size(), 1u);
  EXPECT_EQ(c.sinks[0].name, "events");
  EXPECT_EQ(c.sinks[0].kind, SinkConfig::Kind::kTable);
  EXPECT_EQ(c.sinks[0].table, "default.events");
  EXPECT_EQ(c.sinks[0].partition, "day(arrival_time)");
  EXPECT_EQ(c.sinks[0].interval_seconds, 60);
  ASSERT_EQ(c.pipelines.size(), 1u);
  EXPECT_EQ(c.pipelines[0].stream, "events");
  EXPECT_EQ(c.pipelines[0].sink, "events");
  EXPECT_TRUE(c.server.tokens.empty());
  EXPECT_TRUE(ValidateConfig(DefaultConfig("./floe-data")).ok());
}

TEST(IngestConfigTest, ResolvedWalDir) {
  ServerConfig s;
  s.warehouse = "./floe-data";
  EXPECT_EQ(s.ResolvedWalDir(), "./floe-data/_wal");
  s.warehouse = "/var/lib/floe/";
  EXPECT_EQ(s.ResolvedWalDir(), "/var/lib/floe/_wal");
  s.warehouse = "file:///data/lake";
  EXPECT_EQ(s.ResolvedWalDir(), "/data/lake/_wal");
  s.warehouse = "file://localhost/data/lake";
  EXPECT_EQ(s.ResolvedWalDir(), "/data/lake/_wal");
  s.warehouse = "S3://bucket/prefix";
  EXPECT_EQ(s.ResolvedWalDir(), "./floe-wal");
  s.warehouse = "memory://tests";
  EXPECT_EQ(s.ResolvedWalDir(), "./floe-wal");
  s.wal_dir = "/fast/wal";
  EXPECT_EQ(s.ResolvedWalDir(), "/fast/wal");
}

TEST(IngestConfigTest, TokenAllows) {
  TokenConfig t{.token = "x", .streams = {"a", "b"}};
  EXPECT_TRUE(t.Allows("a"));
  EXPECT_TRUE(t.Allows("b"));
  EXPECT_FALSE(t.Allows("c"));
  EXPECT_FALSE(t.Allows(""));
  t.streams = {"*"};
  EXPECT_TRUE(t.Allows("anything"));
  t.streams = {};
  EXPECT_FALSE(t.Allows("a"));
}

// A small valid file the error cases below change one thing in.
constexpr std::string_view kStream = R"(
[[streams]]
name = "s"
fields = [ { name = "id", type = "int64" }, { name = "ts", type = "timestamp" } ]
)";
constexpr std::string_view kSinkAndPipeline = R"(
[[sinks]]
name = "t"
table = "ns.t"

[[pipelines]]
stream = "s"
sink = "t"
)";

std::string Base(std::string_view extra = "") {
  return std::string(kStream) + std::string(kSinkAndPipeline) + std::string(extra);
}

TEST(IngestConfigTest, SmallConfigParses) {
  Result<IngestConfig> c = ParseConfig(Base(), "floe.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 8181);  // defaults
  EXPECT_EQ(c->server.max_request_bytes, int64_t{5} << 20);
  EXPECT_EQ(c->streams[0].fields[1].epoch_unit, StreamField::EpochUnit::kMillis);
  EXPECT_EQ(c->streams[0].unknown_fields, UnknownFields::kReject);
  EXPECT_EQ(c->sinks[0].interval_seconds, 300);
}

struct ErrorCase {
  const char* name;
  std::string text;
  const char* path;      // the TOML path the message must name
  const char* fragment;  // and some words of the explanation
};

std::vector<ErrorCase> ErrorCases() {
  const std::string two_streams = R"(
[[streams]]
name = "a"
unstructured = true
[[streams]]
name = "b"
fields = [ { name = "x", type = "int64" }, { name = "y", type = "string" }, { name = "z", tyep = "int64" } ]
[[sinks]]
name = "ta"
table = "ns.a"
[[sinks]]
name = "tb"
table = "ns.b"
[[pipelines]]
stream = "a"
sink = "ta"
[[pipelines]]
stream = "b"
sink = "tb"
)";
  const std::string file_sink = R"(
[[streams]]
name = "s"
fields = [ { name = "id", type = "int64" }, { name = "ts", type = "timestamp" } ]
[[sinks]]
name = "f"
uri = "/tmp/out"
)";
  const std::string dead_letter = R"(
[[streams]]
name = "s"
invalid_records = "dead_letter"
dead_letter_sink = "dead"
fields = [ { name = "id", type = "int64" } ]
[[sinks]]
name = "t"
table = "ns.t"
[[sinks]]
name = "dead"
uri = "/tmp/dead"
format = "ndjson"
[[pipelines]]
stream = "s"
sink = "t"
)";
  auto with_field = [](std::string_view field) {
    return "[[streams]]\nname = \"s\"\nfields = [ { name = \"id\", type = \"int64\" }, " +
           std::string(field) + " ]\n" + std::string(kSinkAndPipeline);
  };
  auto with_server = [](std::string_view server) {
    return "[server]\n" + std::string(server) + "\n" + Base();
  };
  auto with_sink_keys = [](std::string_view keys) {
    return std::string(kStream) + "[[sinks]]\nname = \"t\"\n" + std::string(keys) +
           "\n[[pipelines]]\nstream = \"s\"\nsink = \"t\"\n";
  };
  auto with_pipeline_fields = [](std::string_view stream, std::string_view fields) {
    return std::string(stream) + "[[sinks]]\nname = \"t\"\ntable = \"ns.t\"\n" +
           "[[pipelines]]\nstream = \"s\"\nsink = \"t\"\nfields = " + std::string(fields) + "\n";
  };
  const std::string structured_keep =
      "[[streams]]\nname = \"s\"\nunknown_fields = \"keep\"\n"
      "fields = [ { name = \"id\", type = \"int64\" } ]\n";
  const std::string structured_drop =
      "[[streams]]\nname = \"s\"\nunknown_fields = \"drop\"\n"
      "fields = [ { name = \"id\", type = \"int64\" } ]\n";
  const std::string unstructured = "[[streams]]\nname = \"s\"\nunstructured = true\n";

  return {
      // Unknown keys, at every level.
      {"UnknownFieldKey", two_streams, "streams[1].fields[2].tyep", "unknown key"},
      {"UnknownTopLevelKey", "stream = 1\n" + Base(), "stream", "unknown key"},
      {"UnknownServerKey", with_server("lisen = \"127.0.0.1:1\""), "server.lisen", "unknown key"},
      {"UnknownTokenKey", with_server("[[server.tokens]]\ntokn = \"x\"\nstreams = [\"*\"]"),
       "server.tokens[0].tokn", "unknown key"},
      {"UnknownStreamKey", "[[streams]]\nname = \"s\"\nunstructred = true\n",
       "streams[0].unstructred", "unknown key"},
      {"UnknownSinkKey", with_sink_keys("tabel = \"ns.t\""), "sinks[0].tabel", "unknown key"},
      {"UnknownPipelineKey", Base("[[pipelines]]\nstream = \"s\"\nsink = \"t\"\nfield = []\n"),
       "pipelines[1].field", "unknown key"},
      {"UnknownElementKey",
       with_field(
           "{ name = \"l\", type = \"list\", element = { name = \"e\", type = \"int32\" } }"),
       "streams[0].fields[1].element.name", "unknown key"},
      {"UnknownStorageKey", "[storage.s4]\nregion = \"x\"\n" + Base(), "storage.s4", "unknown key"},
      // Wrong value types.
      {"StringForInteger", with_server("max_request_mb = \"5\""), "server.max_request_mb",
       "expected an integer, got a string"},
      {"FloatForInteger", with_server("max_log_mb = 1.5"), "server.max_log_mb",
       "expected an integer, got a float"},
      {"StringForBool", "[[streams]]\nname = \"s\"\nunstructured = \"yes\"\n",
       "streams[0].unstructured", "expected true or false"},
      {"IntegerForRequired", with_field("{ name = \"x\", type = \"int64\", required = 1 }"),
       "streams[0].fields[1].required", "expected true or false"},
      {"StringForFieldList", with_pipeline_fields(kStream, "\"id\""), "pipelines[0].fields",
       "expected an array of strings"},
      {"TableForStreams", "[streams]\nname = \"s\"\n", "streams", "expected an array of tables"},
      {"IntegerForName", "[[streams]]\nname = 5\nunstructured = true\n", "streams[0].name",
       "expected a string, got an integer"},
      // Limits.
      {"ZeroRequestSize", with_server("max_request_mb = 0"), "server.max_request_mb", "outside"},
      {"NegativeLogSize", with_server("max_log_mb = -1"), "server.max_log_mb", "outside"},
      {"ZeroBufferedSize", with_server("max_buffered_mb = 0"), "server.max_buffered_mb", "outside"},
      {"ZeroRetryAfter", with_server("retry_after_seconds = 0"), "server.retry_after_seconds",
       "outside"},
      {"ZeroDepth", with_server("max_depth = 0"), "server.max_depth", "outside"},
      {"ZeroInterval", with_sink_keys("table = \"ns.t\"\ninterval_seconds = 0"),
       "sinks[0].interval_seconds", "outside"},
      {"NegativeFileSize", with_sink_keys("table = \"ns.t\"\nmax_file_mb = -5"),
       "sinks[0].max_file_mb", "outside"},
      {"NegativeInactivity", with_sink_keys("table = \"ns.t\"\ninactivity_seconds = -1"),
       "sinks[0].inactivity_seconds", "outside"},
      // Listen addresses.
      {"ListenWithoutPort", with_server("listen = \"localhost\""), "server.listen",
       "expected HOST:PORT"},
      {"ListenPortTooLarge", with_server("listen = \"127.0.0.1:65536\""), "server.listen",
       "outside [1, 65535]"},
      {"ListenPortZero", with_server("listen = \"127.0.0.1:0\""), "server.listen", "outside"},
      {"ListenPortNotNumber", with_server("listen = \"127.0.0.1:http\""), "server.listen",
       "expected HOST:PORT"},
      {"ListenBadIpv4", with_server("listen = \"300.1.1.1:80\""), "server.listen",
       "not an IPv4 address"},
      {"ListenBareIpv6", with_server("listen = \"::1:8181\""), "server.listen", "brackets"},
      {"ListenBadIpv6", with_server("listen = \"[::g]:8181\""), "server.listen",
       "not an IPv6 address"},
      {"ListenBadHost", with_server("listen = \"my host:80\""), "server.listen", "not a host name"},
      // Unknown names of types, units and policies.
      {"UnknownType", with_field("{ name = \"x\", type = \"int\" }"), "streams[0].fields[1].type",
       "unknown type 'int'"},
      {"UnknownUnit", with_field("{ name = \"x\", type = \"timestamp\", unit = \"ns\" }"),
       "streams[0].fields[1].unit", "unknown unit 'ns'"},
      {"UnitOnInteger", with_field("{ name = \"x\", type = \"int64\", unit = \"ms\" }"),
       "streams[0].fields[1].unit", "only timestamp fields"},
      {"UnknownFieldsPolicy",
       "[[streams]]\nname = \"s\"\nunknown_fields = \"ignore\"\nunstructured = true\n",
       "streams[0].unknown_fields", "'ignore'"},
      {"InvalidRecordsPolicy",
       "[[streams]]\nname = \"s\"\ninvalid_records = \"skip\"\nunstructured = true\n",
       "streams[0].invalid_records", "'skip'"},
      {"UnknownFormat", file_sink + "format = \"csv\"\n", "sinks[0].format", "'csv'"},
      {"UnknownCompression",
       file_sink + "compression = \"brotli\"\n[[pipelines]]\nstream = \"s\"\nsink = \"f\"\n",
       "sinks[0].compression", "unknown compression 'brotli'"},
      {"CompressionOnNdjson", file_sink + "format = \"ndjson\"\ncompression = \"zstd\"\n",
       "sinks[0].compression", "uncompressed"},
      // Duplicates.
      {"DuplicateStream", Base("[[streams]]\nname = \"s\"\nunstructured = true\n"),
       "streams[1].name", "duplicate stream name 's'"},
      {"DuplicateSink", Base("[[sinks]]\nname = \"t\"\ntable = \"ns.u\"\n"), "sinks[1].name",
       "duplicate sink name 't'"},
      {"DuplicateField", with_field("{ name = \"id\", type = \"string\" }"),
       "streams[0].fields[1].name", "duplicate field name 'id'"},
      {"DuplicateNestedField",
       with_field(
           "{ name = \"g\", type = \"struct\", fields = [ { name = \"a\", type = \"bool\" }, "
           "{ name = \"a\", type = \"bool\" } ] }"),
       "streams[0].fields[1].fields[1].name", "duplicate field name 'a'"},
      // Names.
      {"StreamNameWithSpace", "[[streams]]\nname = \"my stream\"\nunstructured = true\n",
       "streams[0].name", "[A-Za-z0-9_.-]"},
      {"StreamNameEmpty", "[[streams]]\nname = \"\"\nunstructured = true\n", "streams[0].name",
       "[A-Za-z0-9_.-]"},
      {"StreamNameTooLong",
       "[[streams]]\nname = \"" + std::string(129, 'a') + "\"\nunstructured = true\n",
       "streams[0].name", "1 to 128"},
      {"StreamNameDotDot", "[[streams]]\nname = \"..\"\nunstructured = true\n", "streams[0].name",
       "stream names"},
      {"FieldNameWithDot", with_field("{ name = \"a.b\", type = \"int64\" }"),
       "streams[0].fields[1].name", "may not contain '.'"},
      {"FieldNamedArrivalTime", with_field("{ name = \"arrival_time\", type = \"timestamp\" }"),
       "streams[0].fields[1].name", "floe adds"},
      {"TableNameWithoutNamespace", with_sink_keys("table = \"events\""), "sinks[0].table",
       "expected NAMESPACE.TABLE"},
      {"TableNameEmptyPart", with_sink_keys("table = \"ns..t\""), "sinks[0].table",
       "expected NAMESPACE.TABLE"},
      {"TableNameTrailingDot", with_sink_keys("table = \"ns.\""), "sinks[0].table",
       "expected NAMESPACE.TABLE"},
      // Missing pieces and shape.
      {"StreamWithoutFields", "[[streams]]\nname = \"s\"\n", "streams[0].fields", "missing"},
      {"StreamWithEmptyFields",
       "[[streams]]\nname = \"s\"\nfields = []\n" + std::string(kSinkAndPipeline),
       "streams[0].fields", "no fields declared"},
      {"UnstructuredWithFields",
       "[[streams]]\nname = \"s\"\nunstructured = true\nfields = [ { name = \"a\", type = \"bool\" "
       "} ]\n",
       "streams[0].fields", "unstructured stream declares no fields"},
      {"ListWithoutElement", with_field("{ name = \"l\", type = \"list\" }"),
       "streams[0].fields[1].element", "missing"},
      {"ElementOnString",
       with_field("{ name = \"l\", type = \"string\", element = { type = \"string\" } }"),
       "streams[0].fields[1].element", "only list fields"},
      {"StructWithoutFields", with_field("{ name = \"g\", type = \"struct\" }"),
       "streams[0].fields[1].fields", "missing"},
      {"StructWithNoMembers", with_field("{ name = \"g\", type = \"struct\", fields = [] }"),
       "streams[0].fields[1].fields", "at least one field"},
      {"FieldWithoutType", with_field("{ name = \"x\" }"), "streams[0].fields[1].type", "missing"},
      {"SinkWithTableAndUri", with_sink_keys("table = \"ns.t\"\nuri = \"/tmp/x\""), "sinks[0].uri",
       "not both"},
      {"SinkWithNeither", with_sink_keys("interval_seconds = 5"), "sinks[0]",
       "set table (an Iceberg table) or uri"},
      {"FileKeyOnTableSink", with_sink_keys("table = \"ns.t\"\nformat = \"parquet\""),
       "sinks[0].format", "only file sinks"},
      {"TableKeyOnFileSink", file_sink + "partition = \"day(ts)\"\n", "sinks[0].partition",
       "only table sinks"},
      {"BadUriScheme",
       file_sink + "[[pipelines]]\nstream = \"s\"\nsink = \"f\"\n" +
           "[[sinks]]\nname = \"g\"\nuri = \"ftp://host/x\"\n",
       "sinks[1].uri", "unknown storage scheme 'ftp'"},
      {"NoStreams", "[server]\nlisten = \"127.0.0.1:8181\"\n", "streams", "no [[streams]]"},
      // Cross references.
      {"PipelineMissingStream", Base("[[pipelines]]\nstream = \"nope\"\nsink = \"t\"\n"),
       "pipelines[1].stream", "no stream named 'nope'"},
      {"PipelineMissingSink", Base("[[pipelines]]\nstream = \"s\"\nsink = \"nope\"\n"),
       "pipelines[1].sink", "no sink named 'nope'"},
      {"PipelineWithoutSink", Base("[[pipelines]]\nstream = \"s\"\n"), "pipelines[1].sink",
       "missing"},
      {"SinkFedTwice", Base("[[pipelines]]\nstream = \"s\"\nsink = \"t\"\n"), "pipelines[1].sink",
       "already fed by pipelines[0]"},
      {"SinkFedByNothing", Base("[[sinks]]\nname = \"u\"\ntable = \"ns.u\"\n"), "sinks[1].name",
       "fed by no pipeline"},
      {"StreamFeedsNothing", Base("[[streams]]\nname = \"lonely\"\nunstructured = true\n"),
       "streams[1].name", "feeds no sink"},
      {"DeadLetterWithoutSink",
       "[[streams]]\nname = \"s\"\ninvalid_records = \"dead_letter\"\n"
       "fields = [ { name = \"id\", type = \"int64\" } ]\n" +
           std::string(kSinkAndPipeline),
       "streams[0].dead_letter_sink", "required with invalid_records"},
      {"DeadLetterMissingSink",
       "[[streams]]\nname = \"s\"\ninvalid_records = \"dead_letter\"\ndead_letter_sink = \"x\"\n"
       "fields = [ { name = \"id\", type = \"int64\" } ]\n" +
           std::string(kSinkAndPipeline),
       "streams[0].dead_letter_sink", "no sink named 'x'"},
      {"DeadLetterSinkInPipeline", dead_letter + "[[pipelines]]\nstream = \"s\"\nsink = \"dead\"\n",
       "pipelines[1].sink", "dead_letter_sink of stream 's'"},
      {"DeadLetterSinkUnderRejectRequest",
       "[[streams]]\nname = \"s\"\ndead_letter_sink = \"t\"\n"
       "fields = [ { name = \"id\", type = \"int64\" } ]\n" +
           std::string(kSinkAndPipeline),
       "streams[0].dead_letter_sink", "reject_request"},
      {"TokenEnvUnset",
       with_server(
           "[[server.tokens]]\ntoken_env = \"FLOE_CONFIG_TEST_SURELY_UNSET\"\nstreams = [\"*\"]"),
       "server.tokens[0].token_env", "FLOE_CONFIG_TEST_SURELY_UNSET"},
      {"TokenAndTokenEnv",
       with_server("[[server.tokens]]\ntoken = \"a\"\ntoken_env = \"HOME\"\nstreams = [\"*\"]"),
       "server.tokens[0]", "exactly one of token and token_env"},
      {"TokenUnknownStream",
       with_server("[[server.tokens]]\ntoken = \"a\"\nstreams = [\"s\", \"x\"]"),
       "server.tokens[0].streams[1]", "no stream named 'x'"},
      {"TokenWithoutStreams", with_server("[[server.tokens]]\ntoken = \"a\""),
       "server.tokens[0].streams", "missing"},
      {"DuplicateToken",
       with_server("[[server.tokens]]\ntoken = \"a\"\nstreams = [\"*\"]\n"
                   "[[server.tokens]]\ntoken = \"a\"\nstreams = [\"s\"]"),
       "server.tokens[1].token", "same token as server.tokens[0]"},
      // Pipeline field selections.
      {"SelectionUnknownField", with_pipeline_fields(kStream, "[\"id\", \"nope\"]"),
       "pipelines[0].fields[1]", "no column 'nope'"},
      {"SelectionKeepColumnWithoutKeep", with_pipeline_fields(structured_drop, "[\"_extra\"]"),
       "pipelines[0].fields[0]", "no column '_extra'"},
      {"SelectionUnstructuredField", with_pipeline_fields(unstructured, "[\"id\"]"),
       "pipelines[0].fields[0]", "no column 'id'"},
      {"SelectionTwice", with_pipeline_fields(kStream, "[\"id\", \"id\"]"),
       "pipelines[0].fields[1]", "listed twice"},
      {"SelectionEmpty", with_pipeline_fields(kStream, "[]"), "pipelines[0].fields", "empty"},
      {"SelectionNestedName", with_pipeline_fields(structured_keep, "[\"id.x\"]"),
       "pipelines[0].fields[0]", "no column 'id.x'"},
      // time_field and partitions.
      {"TimeFieldUndeclared",
       file_sink + "time_field = \"when\"\n[[pipelines]]\nstream = \"s\"\nsink = \"f\"\n",
       "sinks[0].time_field", "'when' is not a declared timestamp field of stream 's'"},
      {"TimeFieldNotTimestamp",
       file_sink + "time_field = \"id\"\n[[pipelines]]\nstream = \"s\"\nsink = \"f\"\n",
       "sinks[0].time_field", "not a declared timestamp field"},
      {"TimeFieldProjectedAway",
       file_sink +
           "time_field = \"ts\"\n[[pipelines]]\nstream = \"s\"\nsink = \"f\"\nfields = [\"id\"]\n",
       "pipelines[0].fields", "leaves out 'ts'"},
      {"ArrivalTimeProjectedAway",
       file_sink + "[[pipelines]]\nstream = \"s\"\nsink = \"f\"\nfields = [\"id\", \"ts\"]\n",
       "pipelines[0].fields", "leaves out arrival_time"},
      {"TimeFieldOnTableSink", with_sink_keys("table = \"ns.t\"\ntime_field = \"ts\""),
       "sinks[0].time_field", "only file sinks"},
      {"PartitionUnknownColumn", with_sink_keys("table = \"ns.t\"\npartition = \"day(tss)\""),
       "sinks[0].partition", "no column 'tss'"},
      {"PartitionBucketUnknownColumn",
       with_sink_keys("table = \"ns.t\"\npartition = \"day(ts), bucket(16, idd)\""),
       "sinks[0].partition", "no column 'idd'"},
      {"PartitionPatternBadConversion", file_sink + "partition_pattern = \"%c\"\n",
       "sinks[0].partition_pattern", "use only"},
      {"PartitionPatternEscapes", file_sink + "partition_pattern = \"../%Y\"\n",
       "sinks[0].partition_pattern", "'..'"},
      {"FilePrefixWithSlash", file_sink + "file_prefix = \"a/b\"\n", "sinks[0].file_prefix",
       "no '/'"},
  };
}

class ConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorTest, NamesThePath) {
  const ErrorCase& c = GetParam();
  Result<IngestConfig> parsed = ParseConfig(c.text, "cfg.toml");
  ASSERT_FALSE(parsed.ok()) << c.text;
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = parsed.status().message();
  EXPECT_THAT(m, StartsWith("cfg.toml:")) << c.text;
  EXPECT_THAT(m, HasSubstr(std::string(" ") + c.path + ": ")) << c.text;
  EXPECT_THAT(m, HasSubstr(c.fragment)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(IngestConfig, ConfigErrorTest, ::testing::ValuesIn(ErrorCases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(IngestConfigTest, ErrorsCarryLineAndColumn) {
  const std::string line5 =
      "fields = [ { name = \"a\", type = \"bool\" }, { name = \"b\", tyep = 1 } ]";
  const std::string text =
      "[server]\nlisten = \"127.0.0.1:8181\"\n[[streams]]\nname = \"s\"\n" + line5 + "\n";
  Result<IngestConfig> parsed = ParseConfig(text, "floe.toml");
  ASSERT_FALSE(parsed.ok());
  const size_t column = line5.find("tyep") + 1;  // 1-based
  EXPECT_THAT(parsed.status().message(), StartsWith("floe.toml:5:" + std::to_string(column) +
                                                    ": streams[0].fields[1].tyep: unknown key"));

  // A cross-reference error found after parsing still points at the value's line.
  const std::string dangling = Base("\n[[pipelines]]\nstream = \"s\"\nsink = \"gone\"\n");
  parsed = ParseConfig(dangling, "floe.toml");
  ASSERT_FALSE(parsed.ok());
  int line = 1;
  for (char ch : dangling.substr(0, dangling.find("sink = \"gone\""))) line += ch == '\n';
  EXPECT_THAT(parsed.status().message(),
              StartsWith("floe.toml:" + std::to_string(line) + ":8: pipelines[1].sink: "));
}

TEST(IngestConfigTest, SyntaxErrorsNameSourceAndLine) {
  Result<IngestConfig> parsed = ParseConfig("[server]\nlisten = \n", "bad.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), StartsWith("bad.toml:2:"));
  parsed = ParseConfig("[[streams]]\nname = \"a\"\nname = \"b\"\n", "dup.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), StartsWith("dup.toml:3:"));
}

TEST(IngestConfigTest, AcceptedVariants) {
  // IPv6 and host names, units, nested types, keep column and value selections, [storage.s3].
  const std::string text = R"toml(
[storage.s3]
region = "eu-west-1"

[server]
listen = "[::1]:9000"
warehouse = "file:///srv/lake"
max_request_mb = 1

[[server.tokens]]
token = "t1"
streams = ["k", "u"]

[[streams]]
name = "k"
unknown_fields = "keep"
keep_column = "rest"
fields = [
  { name = "when", type = "timestamp", unit = "s", required = true },
  { name = "nested", type = "list", element = { type = "list", element = { type = "struct", fields = [ { name = "v", type = "float32" } ] } } },
]

[[streams]]
name = "u"
unstructured = true

[[sinks]]
name = "kt"
table = "a.b.c"
partition = "hour(when), truncate(nested, 4)"
properties = { write.target-file-size-bytes = 1048576, "commit.retry.num-retries" = "7", flag = true }

[[sinks]]
name = "uf"
uri = "s3://bucket/u"
format = "ndjson"
partition_pattern = ""
file_prefix = ""

[[pipelines]]
stream = "k"
sink = "kt"
fields = ["rest", "when", "nested"]

[[pipelines]]
stream = "u"
sink = "uf"
fields = ["value"]
)toml";
  Result<IngestConfig> parsed = ParseConfig(text, "v.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const IngestConfig& c = *parsed;
  EXPECT_EQ(c.server.host, "::1");
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.server.max_request_bytes, 1 << 20);
  EXPECT_EQ(c.server.ResolvedWalDir(), "/srv/lake/_wal");
  EXPECT_EQ(c.streams[0].fields[0].epoch_unit, StreamField::EpochUnit::kSeconds);
  EXPECT_TRUE(c.streams[0].fields[0].required);
  const StreamField& nested = c.streams[0].fields[1];
  ASSERT_EQ(nested.children.size(), 1u);
  EXPECT_EQ(nested.children[0].name, "element");
  EXPECT_EQ(nested.children[0].type, Type::kList);
  ASSERT_EQ(nested.children[0].children.size(), 1u);
  EXPECT_EQ(nested.children[0].children[0].type, Type::kStruct);
  ASSERT_EQ(nested.children[0].children[0].children.size(), 1u);
  EXPECT_EQ(nested.children[0].children[0].children[0].name, "v");
  EXPECT_EQ(nested.children[0].children[0].children[0].type, Type::kFloat32);
  using Props = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c.sinks[0].properties, (Props{{"commit.retry.num-retries", "7"},
                                          {"flag", "true"},
                                          {"write.target-file-size-bytes", "1048576"}}));
  EXPECT_EQ(c.sinks[1].format, SinkConfig::FileFormat::kNdjson);
  EXPECT_EQ(c.sinks[1].partition_pattern, "");
  EXPECT_EQ(c.sinks[1].file_prefix, "");

  for (const char* listen : {"localhost:1", "0.0.0.0:65535", "ingest-1.internal:8181"}) {
    const std::string t = "[server]\nlisten = \"" + std::string(listen) + "\"\n" + Base();
    EXPECT_TRUE(ParseConfig(t, "l.toml").ok()) << listen;
  }
  // arrival_time may be projected away when files are not filed by time.
  const std::string no_folders = std::string(kStream) +
                                 "[[sinks]]\nname = \"f\"\nuri = \"/tmp/f\"\npartition_pattern = "
                                 "\"all\"\n[[pipelines]]\nstream = \"s\"\nsink = \"f\"\n"
                                 "fields = [\"id\"]\n";
  EXPECT_TRUE(ParseConfig(no_folders, "p.toml").ok());
}

TEST(IngestConfigTest, ValidateConfigChecksConfigsBuiltInCode) {
  IngestConfig c = DefaultConfig("./floe-data");
  c.server.port = 0;  // any free port, for tests
  EXPECT_TRUE(ValidateConfig(c).ok());

  StreamConfig s;
  s.name = "typed";
  StreamField list;
  list.name = "l";
  list.type = Type::kList;  // no element
  s.fields.push_back(list);
  c.streams.push_back(s);
  Status st = ValidateConfig(c);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), StartsWith("streams[1].fields[0].element: "));

  c.streams[1].fields[0].children.push_back(Field("element", Type::kString));
  st = ValidateConfig(c);  // now the stream feeds nothing
  EXPECT_THAT(st.message(), StartsWith("streams[1].name: stream 'typed' feeds no sink"));

  SinkConfig files;
  files.name = "out";
  files.kind = SinkConfig::Kind::kFiles;
  files.uri = "/tmp/out";
  files.time_field = "l";
  c.sinks.push_back(files);
  c.pipelines.push_back(PipelineConfig{.stream = "typed", .sink = "out", .fields = {}});
  st = ValidateConfig(c);
  EXPECT_THAT(st.message(), StartsWith("sinks[1].time_field: 'l' is not a declared timestamp"));

  c.sinks[1].time_field.clear();
  EXPECT_TRUE(ValidateConfig(c).ok()) << ValidateConfig(c).ToString();
  c.sinks[1].table = "ns.t";
  EXPECT_THAT(ValidateConfig(c).message(), StartsWith("sinks[1]: has both table and uri"));
  c.sinks[1].table.clear();
  c.server.max_request_bytes = 0;
  EXPECT_THAT(ValidateConfig(c).message(), StartsWith("server.max_request_mb: "));
}

TEST(IngestConfigTest, LoadConfigReadsAFile) {
  EXPECT_TRUE(LoadConfig("/nonexistent/floe.toml").status().IsNotFound());
  char tmpl[] = "/tmp/floe_config_XXXXXX";
  const int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(tmpl) << Base();
  Result<IngestConfig> c = LoadConfig(tmpl);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->streams[0].name, "s");
  std::ofstream(tmpl) << Base("[[pipelines]]\nstream = \"x\"\nsink = \"t\"\n");
  c = LoadConfig(tmpl);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), StartsWith(std::string(tmpl) + ":"));
  ::unlink(tmpl);
}

}  // namespace
}  // namespace floe::ingest
