// floe beside DuckDB on the same inputs, in the same run: Parquet (ZSTD) write throughput
// and output size, full-scan and single-column read throughput, and footer decode time of a
// wide file. Prints one table per dataset and a final floe/DuckDB ratio table.
//
//   build/bench/parquet_vs_duckdb_bench [--dir DIR] [--rounds N] [--datasets a,b]
//       [--events-1kb-mb MB] [--events-225kb-mb MB] [--query-log-rows N]
//       [--wide-columns N] [--wide-row-groups N] [--no-duckdb] [--node PATH]
//       [--floe-only e2e|writer|read [--floe-threads N]]   (profiling aid: that floe step
//       alone, --rounds times)
//   build/bench/parquet_vs_duckdb_bench gen KIND -o FILE [--mb MB | --rows N] [--seed S]
//       [--schema-out FILE]        KIND: events-1kb, events-225kb, query-log-csv,
//                                        query-log-jsonl; FILE "-" is standard output
//
// What is measured (bench/README.md has the long form):
// - Datasets: NDJSON files from the deterministic generators in bench/gen/ (1 KB events,
//   225 KB events, query-log rows), generated once into DIR and reused. Every input is read
//   whole before each round so both engines read it from the page cache; every output goes
//   to DIR (one disk) without fsync (DuckDB's COPY does not fsync either).
// - floe write, end to end: the `floe parquet write` pipeline in process (JsonStreamReader
//   over the file -> FileWriter -> local file), default WriterOptions (ZSTD level 3,
//   dictionary, statistics, page index, page CRCs). One thread.
// - floe write, writer only: the same batches, parsed beforehand, through FileWriter.
// - DuckDB write: COPY (SELECT ... FROM read_json(FILE, auto_detect = false,
//   columns = {...})) TO ... (FORMAT parquet, COMPRESSION zstd), with the explicit schema
//   (no inference), at threads = 1 and at DuckDB's default (one per core). floe's writer
//   is run the same two ways (WriterOptions::threads = 1 and 0).
// - Reads: floe FileReader::Next() over every row group (all columns, or one), each batch
//   fully decoded and assembled; DuckDB `SELECT <cols> FROM read_parquet(FILE)` with the
//   result materialized inside DuckDB. Both read the file floe wrote and the file DuckDB
//   wrote. DuckDB's external file cache is off so it reads through the page cache as floe
//   does.
// - Footer: a floe-written file of --wide-columns columns x --wide-row-groups row groups;
//   floe FileReader::Open (tail read + footer decode + schema) and DecodeFileMetaData alone,
//   DuckDB `SELECT count(*) FROM parquet_file_metadata(FILE)` (metadata cache off), and a
//   trivial DuckDB query for its fixed per-query cost.
// Every timing is the best of --rounds rounds; floe and DuckDB alternate within a round.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/columnar/column.h"
#include "floe/columnar/json_reader.h"
#include "floe/columnar/schema_json.h"
#include "floe/common/status.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/format/parquet/metadata.h"
#include "floe/io/local_file.h"
#include "gen/events.h"
#include "gen/query_log.h"

namespace floe::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "parquet_vs_duckdb_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(r).value();
}
void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string LoadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---------------------------------------------------------------------------------------
// Data generation

// Writes lines from `next_line` to `path` (atomically: a temp file renamed at the end) until
// at least `min_bytes` bytes or exactly `rows` lines (whichever is given, > 0) are written.
// `header` goes first. "-" writes to standard output.
void GenerateFile(const std::string& path, int64_t min_bytes, int64_t rows, std::string_view header,
                  const std::function<void(std::string*)>& next_line) {
  const bool to_stdout = path == "-";
  const std::string tmp = path + ".tmp";
  FILE* f = to_stdout ? stdout : std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) Die("cannot create " + tmp + ": " + std::strerror(errno));
  std::string buf(header);
  int64_t bytes = 0, lines = 0;
  auto flush = [&] {
    if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) Die("write failed: " + path);
    bytes += static_cast<int64_t>(buf.size());
    buf.clear();
  };
  while (rows > 0 ? lines < rows : bytes + static_cast<int64_t>(buf.size()) < min_bytes) {
    next_line(&buf);
    ++lines;
    if (buf.size() >= (size_t{8} << 20)) flush();
  }
  flush();
  if (!to_stdout) {
    if (std::fclose(f) != 0) Die("write failed: " + tmp);
    fs::rename(tmp, path);
  }
}

void WriteText(const std::string& path, std::string_view text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) Die("cannot write " + path);
}

// `gen` subcommand: see the top of the file.
int RunGen(int argc, char** argv) {
  if (argc < 3) Die("usage: gen KIND -o FILE [--mb MB | --rows N] [--seed S] [--schema-out F]");
  const std::string kind = argv[2];
  std::string out, schema_out;
  double mb = 0;
  int64_t rows = 0;
  uint64_t seed = 1;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "-o" || a == "--output") {
      out = value();
    } else if (a == "--mb") {
      mb = std::stod(value());
    } else if (a == "--rows") {
      rows = std::stoll(value());
    } else if (a == "--seed") {
      seed = std::stoull(value());
    } else if (a == "--schema-out") {
      schema_out = value();
    } else {
      Die("gen: unknown option " + a);
    }
  }
  if (out.empty()) Die("gen: -o FILE is required");
  if (mb <= 0 && rows <= 0) rows = kind.rfind("query-log", 0) == 0 ? 2'000'000 : 0;
  if (mb <= 0 && rows <= 0) mb = 100;
  const auto min_bytes = static_cast<int64_t>(mb * 1e6);
  if (kind == "events-1kb" || kind == "events-225kb") {
    gen::EventGenerator g(seed,
                          kind == "events-1kb" ? gen::EventSize::kSmall : gen::EventSize::kLarge);
    GenerateFile(out, min_bytes, rows, "", [&g](std::string* s) { g.AppendJsonLine(s); });
    if (!schema_out.empty()) WriteText(schema_out, gen::kEventSchemaJson);
  } else if (kind == "query-log-csv" || kind == "query-log-jsonl") {
    gen::QueryLogGenerator g(seed);
    if (kind == "query-log-csv") {
      GenerateFile(out, min_bytes, rows, gen::kQueryLogCsvHeader,
                   [&g](std::string* s) { g.AppendCsvRow(s); });
    } else {
      GenerateFile(out, min_bytes, rows, "", [&g](std::string* s) { g.AppendJsonLine(s); });
    }
    if (!schema_out.empty()) WriteText(schema_out, gen::kQueryLogSchemaJson);
  } else {
    Die("gen: unknown kind " + kind + " (events-1kb, events-225kb, query-log-csv, " +
        "query-log-jsonl)");
  }
  return 0;
}

// ---------------------------------------------------------------------------------------
// Benchmark configuration and results

struct Options {
  std::string dir;
  int rounds = 2;
  std::set<std::string> datasets = {"events_1kb", "events_225kb", "query_log", "wide"};
  double events_1kb_mb = 200;
  double events_225kb_mb = 500;
  int64_t query_log_rows = 1'000'000;
  int wide_columns = 1000;
  int wide_row_groups = 100;
  bool duckdb = true;
  std::string node = "node";
  // For profiling (perf record): run only this floe step, --rounds times, no DuckDB:
  // "e2e", "writer" (batches parsed once, outside the loop) or "read"; writes use
  // `floe_threads` writer threads.
  std::string floe_only;
  int floe_threads = 1;
};

struct Dataset {
  std::string name;
  std::string jsonl;  // NDJSON input
  std::string csv;    // the same rows as CSV (query log only), else empty
  SchemaPtr schema;
  std::string duck_columns;  // read_json / read_csv columns
  std::string duck_select;   // select list over read_json
  std::string column;        // single-column read
  int64_t rows = 0;
  int64_t bytes = 0;
};

// Timings of one measurement across rounds.
struct Samples {
  std::vector<double> seconds;
  // CPU seconds (user + system, every thread of the process) of each run, beside `seconds`:
  // what the work costs, much less disturbed than wall time by other load on the machine.
  std::vector<double> cpu_seconds;
  int64_t output_bytes = 0;
  std::string error;

  bool ok() const { return error.empty() && !seconds.empty(); }
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double best_cpu() const {
    return cpu_seconds.empty() ? 0 : *std::min_element(cpu_seconds.begin(), cpu_seconds.end());
  }
};

// Results of one dataset, by measurement label, remembering the order labels first appeared.
class Results {
 public:
  Samples& operator[](const std::string& label) {
    auto [it, inserted] = samples_.try_emplace(label);
    if (inserted) order_.push_back(label);
    return it->second;
  }
  const Samples* Find(const std::string& label) const {
    auto it = samples_.find(label);
    return it == samples_.end() ? nullptr : &it->second;
  }
  // (label, samples) in first-appearance order.
  std::vector<std::pair<std::string, const Samples*>> InOrder() const {
    std::vector<std::pair<std::string, const Samples*>> v;
    for (const std::string& l : order_) v.emplace_back(l, &samples_.at(l));
    return v;
  }

 private:
  std::map<std::string, Samples> samples_;
  std::vector<std::string> order_;
};

// ---------------------------------------------------------------------------------------
// floe's side

// Reads the whole file (into the page cache); returns its size and line count.
std::pair<int64_t, int64_t> WarmFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) Die("cannot open " + path);
  std::vector<char> buf(size_t{4} << 20);
  int64_t bytes = 0, lines = 0;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    bytes += static_cast<int64_t>(n);
    lines += std::count(buf.data(), buf.data() + n, '\n');
  }
  std::fclose(f);
  return {bytes, lines};
}

// Default WriterOptions (what `floe parquet write` uses) with `threads` writer threads
// (WriterOptions::threads: 1 = the calling thread only, 0 = one per hardware thread).
parquet::WriterOptions FloeWriterOptions(int threads) {
  parquet::WriterOptions o;
  o.threads = threads;
  return o;
}

std::unique_ptr<parquet::FileWriter> OpenFloeWriter(const std::string& path,
                                                    const SchemaPtr& schema, int threads) {
  auto file =
      Check(io::NewLocalWritableFile(path, io::LocalWriteOptions{.sync = false}), "open " + path);
  return Check(parquet::FileWriter::Open(std::move(file), schema, FloeWriterOptions(threads)),
               "FileWriter::Open " + path);
}

// The `floe parquet write` pipeline: NDJSON file -> batches -> Parquet file.
void FloeWriteEndToEnd(const Dataset& ds, const std::string& out, int threads) {
  auto reader =
      Check(JsonStreamReader::OpenFile(ds.jsonl, ds.schema, JsonReadOptions{}), "open " + ds.jsonl);
  auto writer = OpenFloeWriter(out, ds.schema, threads);
  while (true) {
    auto batch = Check(reader->Next(), "read " + ds.jsonl);
    if (!batch) break;
    Check(writer->Write(*batch), "write " + out);
  }
  Check(writer->Close(), "close " + out);
}

std::vector<RecordBatch> FloeParse(const Dataset& ds) {
  auto reader =
      Check(JsonStreamReader::OpenFile(ds.jsonl, ds.schema, JsonReadOptions{}), "open " + ds.jsonl);
  std::vector<RecordBatch> batches;
  while (true) {
    auto batch = Check(reader->Next(), "read " + ds.jsonl);
    if (!batch) break;
    batches.push_back(std::move(*batch));
  }
  return batches;
}

void FloeWriteBatches(const std::vector<RecordBatch>& batches, const SchemaPtr& schema,
                      const std::string& out, int threads) {
  auto writer = OpenFloeWriter(out, schema, threads);
  for (const RecordBatch& b : batches) Check(writer->Write(b), "write " + out);
  Check(writer->Close(), "close " + out);
}

// Reads every row group of `path` (all columns, or `column`); returns the rows read.
int64_t FloeScan(const std::string& path, const std::string& column) {
  parquet::ReaderOptions opts;
  if (!column.empty()) opts.columns = {column};
  auto reader = Check(parquet::OpenParquetFile(path, opts), "open " + path);
  int64_t rows = 0;
  while (true) {
    auto batch = Check(reader->Next(), "read " + path);
    if (!batch) break;
    rows += batch->num_rows;
  }
  return rows;
}

// User + system CPU seconds of this process so far (all threads).
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

void Time(Results* results, const std::string& label, const std::function<void()>& fn,
          const std::string& output = "") {
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = Clock::now();
  fn();
  const double wall = Seconds(t0);
  Samples& s = (*results)[label];
  s.seconds.push_back(wall);
  s.cpu_seconds.push_back(ProcessCpuSeconds() - cpu0);
  if (!output.empty()) s.output_bytes = static_cast<int64_t>(fs::file_size(output));
}

// ---------------------------------------------------------------------------------------
// DuckDB's side: bench/peer/duckdb_timer.mjs

fs::path SourceDir() {
  if (const char* env = std::getenv("FLOE_SOURCE_DIR")) return env;
  return fs::path(__FILE__).parent_path().parent_path();
}

struct DuckJob {
  std::string label;
  std::string sql;
  int threads = 0;  // 0: DuckDB's default
  int reps = 1;
  int warmup = 0;
  std::string output;
};

std::string duckdb_version;
int duckdb_default_threads = 0;

// Runs `jobs` in one DuckDB process and adds their timings to `results`.
void RunDuckJobs(const Options& opt, const std::vector<DuckJob>& jobs, Results* results) {
  nlohmann::json spec;
  spec["settings"] = {"SET enable_external_file_cache = false",
                      "SET parquet_metadata_cache = false"};
  spec["jobs"] = nlohmann::json::array();
  for (const DuckJob& j : jobs) {
    nlohmann::json o = {{"label", j.label}, {"sql", j.sql}, {"reps", j.reps}, {"warmup", j.warmup}};
    if (j.threads > 0) o["threads"] = j.threads;
    if (!j.output.empty()) o["output"] = j.output;
    spec["jobs"].push_back(o);
  }
  const std::string spec_path = (fs::path(opt.dir) / "duckdb_jobs.json").string();
  WriteText(spec_path, spec.dump(2));
  const std::string cmd = opt.node + " --expose-gc " +
                          (SourceDir() / "bench/peer/duckdb_timer.mjs").string() + " " + spec_path +
                          " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) Die("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int rc = pclose(p);
  std::istringstream lines(out);
  std::string line;
  std::set<std::string> seen;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) continue;
    if (j.contains("duckdb")) {
      duckdb_version = j["duckdb"].get<std::string>();
      duckdb_default_threads = j["default_threads"].get<int>();
      continue;
    }
    const std::string label = j.value("label", "");
    seen.insert(label);
    Samples& s = (*results)[label];
    if (j.contains("error")) {
      s.error = j["error"].get<std::string>();
      continue;
    }
    for (double t : j["seconds"]) s.seconds.push_back(t);
    if (j.contains("cpu_seconds")) {
      for (double t : j["cpu_seconds"]) s.cpu_seconds.push_back(t);
    }
    if (j.contains("bytes")) s.output_bytes = j["bytes"].get<int64_t>();
  }
  for (const DuckJob& j : jobs) {
    if (!seen.count(j.label)) {
      (*results)[j.label].error =
          "no result (node exit " + std::to_string(rc) + "): " + out.substr(0, 400);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Datasets

std::string DataPath(const Options& opt, const std::string& file) {
  return (fs::path(opt.dir) / file).string();
}

SchemaPtr ParseSchema(std::string_view text) {
  return std::make_shared<const Schema>(Check(ParseSchemaJson(text), "schema"));
}

// Generates the dataset's files unless they exist (names carry the size and seed).
Dataset PrepareDataset(const Options& opt, const std::string& name) {
  Dataset ds;
  ds.name = name;
  char tag[64];
  if (name == "events_1kb" || name == "events_225kb") {
    const bool small = name == "events_1kb";
    const double mb = small ? opt.events_1kb_mb : opt.events_225kb_mb;
    std::snprintf(tag, sizeof tag, "%s-%gMB-seed%d.jsonl", name.c_str(), mb, small ? 1 : 2);
    ds.jsonl = DataPath(opt, tag);
    if (!fs::exists(ds.jsonl)) {
      std::fprintf(stderr, "generating %s ...\n", ds.jsonl.c_str());
      gen::EventGenerator g(small ? 1 : 2, small ? gen::EventSize::kSmall : gen::EventSize::kLarge);
      GenerateFile(ds.jsonl, static_cast<int64_t>(mb * 1e6), 0, "",
                   [&g](std::string* s) { g.AppendJsonLine(s); });
    }
    ds.schema = ParseSchema(gen::kEventSchemaJson);
    WriteText(DataPath(opt, "events.schema.json"), gen::kEventSchemaJson);
    ds.duck_columns = gen::kEventDuckDbColumns;
    ds.duck_select = gen::kEventDuckDbSelect;
    ds.column = "id";
  } else if (name == "query_log") {
    std::snprintf(tag, sizeof tag, "query_log-%" PRId64 "rows-seed3", opt.query_log_rows);
    ds.jsonl = DataPath(opt, std::string(tag) + ".jsonl");
    ds.csv = DataPath(opt, std::string(tag) + ".csv");
    if (!fs::exists(ds.jsonl)) {
      std::fprintf(stderr, "generating %s ...\n", ds.jsonl.c_str());
      gen::QueryLogGenerator g(3);
      GenerateFile(ds.jsonl, 0, opt.query_log_rows, "",
                   [&g](std::string* s) { g.AppendJsonLine(s); });
    }
    if (!fs::exists(ds.csv)) {
      std::fprintf(stderr, "generating %s ...\n", ds.csv.c_str());
      gen::QueryLogGenerator g(3);
      GenerateFile(ds.csv, 0, opt.query_log_rows, gen::kQueryLogCsvHeader,
                   [&g](std::string* s) { g.AppendCsvRow(s); });
    }
    ds.schema = ParseSchema(gen::kQueryLogSchemaJson);
    WriteText(DataPath(opt, "query_log.schema.json"), gen::kQueryLogSchemaJson);
    ds.duck_columns = gen::kQueryLogDuckDbColumns;
    ds.duck_select = "*";
    ds.column = "query_hash";
  } else {
    Die("unknown dataset " + name);
  }
  return ds;
}

// Labels of the measurements (also the rows of the tables).
std::string ThreadsTag(int threads) {
  return "threads=" + (threads > 0 ? std::to_string(threads) : std::string("default"));
}
std::string FloeE2E(int threads) {
  return "floe write: NDJSON -> Parquet (end to end), " + ThreadsTag(threads);
}
std::string FloeWriter(int threads) {
  return "floe write: batches -> Parquet (writer only), " + ThreadsTag(threads);
}
constexpr const char* kFloeParse = "floe parse: NDJSON -> batches (no write)";
std::string DuckWrite(int threads) {
  return "DuckDB write: COPY read_json -> Parquet, " + ThreadsTag(threads);
}
constexpr const char* kDuckCsvWrite = "DuckDB write: COPY read_csv -> Parquet (CSV input)";
std::string ReadLabel(const std::string& engine, const std::string& what, const std::string& file,
                      int threads = 0) {
  std::string l = engine + " read " + what + " of " + file + "'s file";
  if (engine != "floe") l += ", " + ThreadsTag(threads);
  return l;
}

Results RunDataset(const Options& opt, const Dataset& in) {
  Dataset ds = in;
  Results results;
  const std::string floe_out = DataPath(opt, ds.name + ".floe.parquet");
  const std::string floe_out_n = DataPath(opt, ds.name + ".floe-nt.parquet");
  const std::string floe_writer_out = DataPath(opt, ds.name + ".floe-writer.parquet");
  const std::string duck_out1 = DataPath(opt, ds.name + ".duckdb-1t.parquet");
  const std::string duck_out = DataPath(opt, ds.name + ".duckdb.parquet");
  const std::string duck_csv_out = DataPath(opt, ds.name + ".duckdb-csv.parquet");

  if (!opt.floe_only.empty()) {
    std::tie(ds.bytes, ds.rows) = WarmFile(ds.jsonl);
    const std::vector<RecordBatch> batches =
        opt.floe_only == "writer" ? FloeParse(ds) : std::vector<RecordBatch>{};
    for (int round = 0; round < opt.rounds; ++round) {
      if (opt.floe_only == "e2e") {
        Time(
            &results, FloeE2E(opt.floe_threads),
            [&] { FloeWriteEndToEnd(ds, floe_out, opt.floe_threads); }, floe_out);
      } else if (opt.floe_only == "writer") {
        Time(
            &results, FloeWriter(opt.floe_threads),
            [&] { FloeWriteBatches(batches, ds.schema, floe_writer_out, opt.floe_threads); },
            floe_writer_out);
      } else if (opt.floe_only == "read") {
        Time(&results, ReadLabel("floe", "all columns", "floe"), [&] { FloeScan(floe_out, ""); });
      } else {
        Die("--floe-only: expected e2e, writer or read, not " + opt.floe_only);
      }
    }
    return results;
  }

  for (int round = 0; round < opt.rounds; ++round) {
    std::fprintf(stderr, "[%s] round %d/%d (load %s)\n", ds.name.c_str(), round + 1, opt.rounds,
                 LoadAverage().c_str());
    std::tie(ds.bytes, ds.rows) = WarmFile(ds.jsonl);
    if (!ds.csv.empty()) WarmFile(ds.csv);

    // floe writes.
    // Output is the same for every thread count (WriterOptions::threads); the single-thread
    // file is the one both engines read below.
    Time(
        &results, FloeE2E(1), [&] { FloeWriteEndToEnd(ds, floe_out, 1); }, floe_out);
    Time(
        &results, FloeE2E(0), [&] { FloeWriteEndToEnd(ds, floe_out_n, 0); }, floe_out_n);
    {
      std::vector<RecordBatch> batches;
      Time(&results, kFloeParse, [&] { batches = FloeParse(ds); });
      Time(
          &results, FloeWriter(1),
          [&] { FloeWriteBatches(batches, ds.schema, floe_writer_out, 1); }, floe_writer_out);
      Time(
          &results, FloeWriter(0),
          [&] { FloeWriteBatches(batches, ds.schema, floe_writer_out, 0); }, floe_writer_out);
    }

    // DuckDB writes, then both engines read both files.
    std::vector<DuckJob> jobs;
    if (opt.duckdb) {
      // The explicit schema and auto_detect = false: DuckDB spends no time inferring (its
      // CSV sniffer otherwise runs even when the columns are given).
      const std::string reader =
          "read_json(" + SqlQuote(ds.jsonl) +
          ", format = 'newline_delimited', auto_detect = false, columns = " + ds.duck_columns + ")";
      auto copy = [&](const std::string& from, const std::string& out) {
        return "COPY (SELECT " + ds.duck_select + " FROM " + from + ") TO " + SqlQuote(out) +
               " (FORMAT parquet, COMPRESSION zstd)";
      };
      jobs.push_back({DuckWrite(1), copy(reader, duck_out1), 1, 1, 0, duck_out1});
      jobs.push_back({DuckWrite(0), copy(reader, duck_out), 0, 1, 0, duck_out});
      if (!ds.csv.empty()) {
        const std::string csv_reader =
            "read_csv(" + SqlQuote(ds.csv) +
            ", header = true, auto_detect = false, columns = " + ds.duck_columns + ")";
        jobs.push_back({kDuckCsvWrite, copy(csv_reader, duck_csv_out), 0, 1, 0, duck_csv_out});
      }
      for (const auto& [file, path] :
           {std::pair{"floe", floe_out}, std::pair{"DuckDB", duck_out}}) {
        for (int threads : {1, 0}) {
          jobs.push_back({ReadLabel("DuckDB", "all columns", file, threads),
                          "SELECT * FROM read_parquet(" + SqlQuote(path) + ")", threads, 1, 0, ""});
          jobs.push_back({ReadLabel("DuckDB", "column " + ds.column, file, threads),
                          "SELECT " + ds.column + " FROM read_parquet(" + SqlQuote(path) + ")",
                          threads, 1, 0, ""});
        }
      }
      RunDuckJobs(opt, jobs, &results);
    }

    // floe reads.
    for (const auto& [file, path] : {std::pair{"floe", floe_out}, std::pair{"DuckDB", duck_out}}) {
      if (!fs::exists(path)) continue;
      int64_t rows = 0;
      Time(&results, ReadLabel("floe", "all columns", file), [&] { rows = FloeScan(path, ""); });
      if (rows != ds.rows) {
        Die(fmt::format("floe read {} rows of {}, expected {}", rows, path, ds.rows));
      }
      Time(&results, ReadLabel("floe", "column " + ds.column, file),
           [&] { FloeScan(path, ds.column); });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------
// Footer decode of a wide file

Results RunWideFooter(const Options& opt, std::string* description) {
  Results results;
  const std::string path = DataPath(opt, "wide-" + std::to_string(opt.wide_columns) + "x" +
                                             std::to_string(opt.wide_row_groups) + ".parquet");
  const int rows_per_group = 20;
  if (!fs::exists(path)) {
    std::fprintf(stderr, "generating %s ...\n", path.c_str());
    std::vector<Field> fields;
    for (int c = 0; c < opt.wide_columns; ++c) {
      char name[32];
      std::snprintf(name, sizeof name, "c%04d", c);
      TypePtr t = c % 4 == 0 ? types::String() : c % 4 == 1 ? types::Float64() : types::Int64();
      fields.push_back(Field{name, t, true});
    }
    auto schema = std::make_shared<const Schema>(std::move(fields));
    BatchBuilder bb(schema);
    gen::Rng rng(4);
    for (int r = 0; r < rows_per_group * opt.wide_row_groups; ++r) {
      for (int c = 0; c < opt.wide_columns; ++c) {
        ColumnBuilder& col = bb.column(static_cast<size_t>(c));
        if (rng.Percent(5)) {
          col.AppendNull();
        } else if (c % 4 == 0) {
          std::string s = "v";
          gen::AppendInt(static_cast<int64_t>(rng.Below(100000)), &s);
          col.AppendBytes(s);
        } else if (c % 4 == 1) {
          col.AppendDouble(rng.Unit() * 1000);
        } else {
          col.AppendInt(static_cast<int64_t>(rng.Below(1'000'000'000)));
        }
      }
    }
    RecordBatch batch = bb.Finish();
    parquet::WriterOptions wopts = FloeWriterOptions(1);
    wopts.row_group_rows = rows_per_group;
    const std::string tmp = path + ".tmp";
    auto file = Check(io::NewLocalWritableFile(tmp, io::LocalWriteOptions{.sync = false}), tmp);
    auto writer = Check(parquet::FileWriter::Open(std::move(file), schema, wopts), tmp);
    Check(writer->Write(batch), "write " + tmp);
    Check(writer->Close(), "close " + tmp);
    fs::rename(tmp, path);
  }
  WarmFile(path);

  // The footer bytes, for the decode-only measurement.
  auto file = Check(io::OpenLocalFile(path), path);
  const uint64_t size = Check(file->Size(), path);
  const std::string tail = Check(file->ReadAt(size - 8, 8), path);
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, tail.data(), 4);
  const std::string footer = Check(file->ReadAt(size - 8 - footer_len, footer_len), path);
  const auto md = Check(parquet::DecodeFileMetaData(std::span<const uint8_t>(
                            reinterpret_cast<const uint8_t*>(footer.data()), footer.size())),
                        "decode footer of " + path);
  *description =
      fmt::format("{}: {} columns x {} row groups, {:.1f} MB file, footer {:.2f} MB",
                  fs::path(path).filename().string(), opt.wide_columns, md.row_groups.size(),
                  static_cast<double>(size) / 1e6, footer_len / 1e6);

  const int iterations = 10;
  std::shared_ptr<io::RandomAccessFile> shared = std::move(file);
  for (int round = 0; round < opt.rounds; ++round) {
    for (int i = 0; i < iterations; ++i) {
      Time(&results, "floe FileReader::Open (tail read + footer decode + schema)", [&] {
        auto r = Check(parquet::FileReader::Open(shared), "open " + path);
        if (r->num_row_groups() != opt.wide_row_groups) Die("wide file: wrong row group count");
      });
      Time(&results, "floe DecodeFileMetaData (footer bytes in memory)", [&] {
        auto m = Check(parquet::DecodeFileMetaData(std::span<const uint8_t>(
                           reinterpret_cast<const uint8_t*>(footer.data()), footer.size())),
                       "decode");
        if (m.row_groups.size() != md.row_groups.size()) Die("wide file: decode mismatch");
      });
    }
    if (opt.duckdb) {
      RunDuckJobs(
          opt,
          {{"DuckDB parquet_file_metadata (open + footer decode)",
            "SELECT count(*) FROM parquet_file_metadata(" + SqlQuote(path) + ")", 0, iterations, 1,
            ""},
           {"DuckDB SELECT count(*) FROM read_parquet (open + footer decode + plan)",
            "SELECT count(*) FROM read_parquet(" + SqlQuote(path) + ")", 0, iterations, 1, ""},
           {"DuckDB trivial query SELECT 42 (fixed per-query cost)", "SELECT 42", 0, iterations, 1,
            ""}},
          &results);
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------
// Reporting

std::string Fmt(double v, int decimals = 1) { return fmt::format("{:.{}f}", v, decimals); }
std::string Count(double v) {
  if (v >= 1e6) return fmt::format("{:.2f} M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f} K", v / 1e3);
  return fmt::format("{:.0f}", v);
}

void PrintDataset(const Dataset& ds, const Results& r, std::string* report) {
  std::string& o = *report;
  o += fmt::format("\n== {}: {:.1f} MB NDJSON, {} rows ({:.0f} B/row)\n", ds.name, ds.bytes / 1e6,
                   ds.rows, static_cast<double>(ds.bytes) / std::max<int64_t>(ds.rows, 1));
  o += fmt::format("  {:<64} {:>9} {:>11} {:>10} {:>10} {:>8}\n", "write (best of rounds)",
                   "seconds", "input MB/s", "rows/s", "output MB", "CPU s");
  for (const auto& [label, s] : r.InOrder()) {
    if (label.find(" write") == std::string::npos && label.find(" parse") == std::string::npos) {
      continue;
    }
    if (!s->ok()) {
      o += fmt::format("  {:<64} error: {}\n", label, s->error);
      continue;
    }
    o += fmt::format("  {:<64} {:>9} {:>11} {:>10} {:>10} {:>8}\n", label, Fmt(s->best(), 3),
                     Fmt(ds.bytes / 1e6 / s->best()), Count(ds.rows / s->best()),
                     s->output_bytes ? Fmt(s->output_bytes / 1e6, 2) : "-",
                     s->best_cpu() > 0 ? Fmt(s->best_cpu(), 3) : "-");
  }
  o += fmt::format("  {:<64} {:>9} {:>11} {:>10} {:>10} {:>8}\n", "read (best of rounds)",
                   "seconds", "file MB/s", "rows/s", "", "CPU s");
  auto file_size = [&](const std::string& label) -> double {
    const bool floe_file = label.find("of floe's file") != std::string::npos;
    const Samples* s = r.Find(floe_file ? FloeE2E(1) : DuckWrite(0));
    return s == nullptr ? 0 : static_cast<double>(s->output_bytes);
  };
  for (const auto& [label, s] : r.InOrder()) {
    if (label.find(" read ") == std::string::npos) continue;
    if (!s->ok()) {
      o += fmt::format("  {:<64} error: {}\n", label, s->error);
      continue;
    }
    o += fmt::format(
        "  {:<64} {:>9} {:>11} {:>10} {:>10} {:>8}\n", label, Fmt(s->best(), 3),
        label.find("all columns") != std::string::npos ? Fmt(file_size(label) / 1e6 / s->best())
                                                       : "-",
        Count(ds.rows / s->best()), "", s->best_cpu() > 0 ? Fmt(s->best_cpu(), 3) : "-");
  }
}

// One line of the final table. Values of 0 are missing. For reads floe has one (single-
// threaded) number, compared with DuckDB at 1 thread and at its default.
struct SummaryRow {
  std::string dataset, metric;
  double floe1 = 0, floe_n = 0, duck1 = 0, duck_n = 0;
};

std::string Ratio(double a, double b) { return a > 0 && b > 0 ? Fmt(a / b, 2) + "x" : "-"; }

void Summarize(const Dataset& ds, const Results& r, std::vector<SummaryRow>* rows) {
  auto best = [&](const std::string& label) -> double {
    const Samples* s = r.Find(label);
    return s != nullptr && s->ok() ? s->best() : 0;
  };
  auto bytes = [&](const std::string& label) -> double {
    const Samples* s = r.Find(label);
    return s != nullptr && s->ok() ? static_cast<double>(s->output_bytes) / 1e6 : 0;
  };
  auto mbps = [&](const std::string& label) {
    const double s = best(label);
    return s > 0 ? ds.bytes / 1e6 / s : 0;
  };
  auto rps = [&](const std::string& label) {
    const double s = best(label);
    return s > 0 ? ds.rows / s : 0;
  };
  rows->push_back({ds.name, "write end to end, input MB/s", mbps(FloeE2E(1)), mbps(FloeE2E(0)),
                   mbps(DuckWrite(1)), mbps(DuckWrite(0))});
  rows->push_back({ds.name, "write end to end, rows/s", rps(FloeE2E(1)), rps(FloeE2E(0)),
                   rps(DuckWrite(1)), rps(DuckWrite(0))});
  rows->push_back({ds.name, "write floe writer-only vs COPY, input MB/s", mbps(FloeWriter(1)),
                   mbps(FloeWriter(0)), mbps(DuckWrite(1)), mbps(DuckWrite(0))});
  auto cpu = [&](const std::string& label) {
    const Samples* s = r.Find(label);
    return s != nullptr && s->ok() ? s->best_cpu() : 0;
  };
  rows->push_back({ds.name, "write end to end, CPU seconds (lower is better)", cpu(FloeE2E(1)),
                   cpu(FloeE2E(0)), cpu(DuckWrite(1)), cpu(DuckWrite(0))});
  rows->push_back({ds.name, "write writer-only vs COPY, CPU s (lower is better)",
                   cpu(FloeWriter(1)), cpu(FloeWriter(0)), cpu(DuckWrite(1)), cpu(DuckWrite(0))});
  rows->push_back({ds.name, "output size, MB (lower is better)", bytes(FloeE2E(1)),
                   bytes(FloeE2E(0)), bytes(DuckWrite(1)), bytes(DuckWrite(0))});
  for (const char* file : {"floe", "DuckDB"}) {
    for (const std::string& what : {std::string("all columns"), "column " + ds.column}) {
      rows->push_back({ds.name, std::string("read ") + what + " of " + file + " file, rows/s",
                       rps(ReadLabel("floe", what, file)), 0,
                       rps(ReadLabel("DuckDB", what, file, 1)),
                       rps(ReadLabel("DuckDB", what, file, 0))});
      if (what == "all columns") {
        rows->push_back({ds.name, std::string("read all columns of ") + file + " file, CPU s",
                         cpu(ReadLabel("floe", what, file)), 0,
                         cpu(ReadLabel("DuckDB", what, file, 1)),
                         cpu(ReadLabel("DuckDB", what, file, 0))});
      }
    }
  }
}

// The goal: at least twice DuckDB's write throughput at an equal or smaller output.
std::string GoalLine(const Dataset& ds, const Results& r) {
  auto best = [&](const std::string& label) {
    const Samples* s = r.Find(label);
    return s != nullptr && s->ok() ? s->best() : 0.0;
  };
  auto bytes = [&](const std::string& label) {
    const Samples* s = r.Find(label);
    return s != nullptr && s->ok() ? static_cast<double>(s->output_bytes) : 0.0;
  };
  if (best(DuckWrite(1)) <= 0 || best(FloeE2E(1)) <= 0) return "";
  const double speed1 = best(DuckWrite(1)) / best(FloeE2E(1));
  const double speed_n =
      best(FloeE2E(0)) > 0 && best(DuckWrite(0)) > 0 ? best(DuckWrite(0)) / best(FloeE2E(0)) : 0;
  const double size = bytes(DuckWrite(0)) > 0 ? bytes(FloeE2E(1)) / bytes(DuckWrite(0)) : 0;
  auto cpu = [&](const std::string& label) {
    const Samples* s = r.Find(label);
    return s != nullptr && s->ok() ? s->best_cpu() : 0.0;
  };
  const double cpu1 = cpu(FloeE2E(1)) > 0 ? cpu(DuckWrite(1)) / cpu(FloeE2E(1)) : 0;
  const bool met = std::min(speed1, speed_n) >= 2 && size > 0 && size <= 1.0;
  return fmt::format(
      "  {:<13} end-to-end write {:.2f}x (1t) / {:.2f}x (default threads), "
      "{:.2f}x in CPU time (1t), size {:.3f}x: {}\n",
      ds.name, speed1, speed_n, cpu1, size, met ? "MET" : "not met");
}

std::string PrintSummary(const std::vector<SummaryRow>& rows) {
  const std::string n = std::to_string(std::max(duckdb_default_threads, 1));
  std::string o =
      "\n== floe vs DuckDB, best of rounds. Ratios are floe / DuckDB at the same thread count "
      "(" +
      n +
      "t = default: one per core;\n   floe's reader is single-threaded, so its one "
      "number is compared with both). Higher is better for floe, except size and time.\n";
  o += fmt::format("{:<13} {:<48} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}\n", "dataset", "metric",
                   "floe 1t", "DuckDB 1t", "floe " + n + "t", "DuckDB " + n + "t", "1t", n + "t");
  auto v = [](double x) {
    if (x <= 0) return std::string("-");
    return x >= 1e4 ? Count(x) : Fmt(x, x < 10 ? 2 : 1);
  };
  for (const SummaryRow& s : rows) {
    const double floe_n = s.floe_n > 0 ? s.floe_n : s.floe1;
    o += fmt::format("{:<13} {:<48} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}\n", s.dataset, s.metric,
                     v(s.floe1), v(s.duck1), v(s.floe_n), v(s.duck_n), Ratio(s.floe1, s.duck1),
                     Ratio(floe_n, s.duck_n));
  }
  return o;
}

void Usage() {
  std::fprintf(stderr,
               "usage: parquet_vs_duckdb_bench [--dir DIR] [--rounds N] [--datasets a,b,...]\n"
               "         [--events-1kb-mb MB] [--events-225kb-mb MB] [--query-log-rows N]\n"
               "         [--wide-columns N] [--wide-row-groups N] [--no-duckdb] [--node PATH]\n"
               "         [--floe-only e2e|writer|read [--floe-threads N]]  (profiling aid)\n"
               "       datasets: events_1kb, events_225kb, query_log, wide\n"
               "       parquet_vs_duckdb_bench gen KIND -o FILE [--mb MB | --rows N] [--seed S]\n"
               "         [--schema-out FILE]  (KIND: events-1kb, events-225kb, query-log-csv,\n"
               "         query-log-jsonl)\n");
}

int RunBenchmark(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--dir") {
      opt.dir = value();
    } else if (a == "--rounds") {
      opt.rounds = std::max(1, std::stoi(value()));
    } else if (a == "--datasets") {
      opt.datasets.clear();
      std::stringstream ss(value());
      std::string d;
      while (std::getline(ss, d, ',')) {
        if (!d.empty()) opt.datasets.insert(d);
      }
    } else if (a == "--events-1kb-mb") {
      opt.events_1kb_mb = std::stod(value());
    } else if (a == "--events-225kb-mb") {
      opt.events_225kb_mb = std::stod(value());
    } else if (a == "--query-log-rows") {
      opt.query_log_rows = std::stoll(value());
    } else if (a == "--wide-columns") {
      opt.wide_columns = std::stoi(value());
    } else if (a == "--wide-row-groups") {
      opt.wide_row_groups = std::stoi(value());
    } else if (a == "--no-duckdb") {
      opt.duckdb = false;
    } else if (a == "--node") {
      opt.node = value();
    } else if (a == "--floe-only") {
      opt.floe_only = value();
      opt.duckdb = false;
    } else if (a == "--floe-threads") {
      opt.floe_threads = std::stoi(value());
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    } else {
      Usage();
      Die("unknown option " + a);
    }
  }
  if (opt.dir.empty()) {
    const char* env = std::getenv("FLOE_BENCH_DIR");
    opt.dir = env ? env : (fs::temp_directory_path() / "floe-bench").string();
  }
  fs::create_directories(opt.dir);
  if (opt.duckdb && std::system((opt.node + " --version > /dev/null 2>&1").c_str()) != 0) {
    std::fprintf(stderr, "node not found: DuckDB comparison skipped\n");
    opt.duckdb = false;
  }

  const auto start = Clock::now();
  const std::string load_before = LoadAverage();
  std::vector<SummaryRow> summary;
  std::string report, goal;
  for (const char* name : {"events_1kb", "events_225kb", "query_log"}) {
    if (!opt.datasets.count(name)) continue;
    const Dataset ds = PrepareDataset(opt, name);
    Dataset measured = ds;
    std::tie(measured.bytes, measured.rows) = WarmFile(ds.jsonl);
    const Results r = RunDataset(opt, measured);
    PrintDataset(measured, r, &report);
    Summarize(measured, r, &summary);
    goal += GoalLine(measured, r);
  }
  if (opt.datasets.count("wide")) {
    std::string description;
    const Results r = RunWideFooter(opt, &description);
    report += "\n== footer decode, " + description + "\n";
    report += fmt::format("  {:<72} {:>10} {:>10}\n", "(best of runs)", "best ms", "median ms");
    for (const auto& [label, s] : r.InOrder()) {
      if (!s->ok()) {
        report += fmt::format("  {:<72} error: {}\n", label, s->error);
        continue;
      }
      std::vector<double> v = s->seconds;
      std::sort(v.begin(), v.end());
      report += fmt::format("  {:<72} {:>10} {:>10}\n", label, Fmt(v.front() * 1e3, 2),
                            Fmt(v[v.size() / 2] * 1e3, 2));
    }
    auto best_ms = [&](const std::string& label) {
      const Samples* s = r.Find(label);
      return s != nullptr && s->ok() ? s->best() * 1e3 : 0.0;
    };
    const double duck = best_ms("DuckDB parquet_file_metadata (open + footer decode)");
    const double floe_open = best_ms("floe FileReader::Open (tail read + footer decode + schema)");
    summary.push_back(
        {"wide", "footer decode: Open vs parquet_file_metadata, ms", floe_open, 0, duck, 0});
  }

  std::printf(
      "floe vs DuckDB %s (default threads %d) on %ld cores; Parquet ZSTD level 3; "
      "floe's writer at 1 thread and at its default, its reader single-threaded\n",
      duckdb_version.empty() ? "(not run)" : duckdb_version.c_str(), duckdb_default_threads,
      sysconf(_SC_NPROCESSORS_ONLN));
  std::printf(
      "data in %s; %d round(s), best of rounds; load average before %s, after %s; "
      "total %.0f s\n",
      opt.dir.c_str(), opt.rounds, load_before.c_str(), LoadAverage().c_str(), Seconds(start));
  std::fputs(report.c_str(), stdout);
  std::fputs(PrintSummary(summary).c_str(), stdout);
  if (!goal.empty()) {
    std::printf(
        "\nGoal: floe writes >= 2x DuckDB's throughput at an equal or smaller output "
        "(speed = DuckDB time / floe time):\n%s",
        goal.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace floe::bench

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "gen") return floe::bench::RunGen(argc, argv);
  return floe::bench::RunBenchmark(argc, argv);
}
