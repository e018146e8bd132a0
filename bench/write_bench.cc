// Parquet write throughput: floe's FileWriter on deterministic inputs (about 1 KB and
// about 225 KB JSON-like events, query-log CSV rows), in memory → a local file, ZSTD.
// Throughput counts input bytes as the JSON Lines / CSV text of the same rows.
//
// After the Google Benchmark runs, the same inputs are written by DuckDB
// (`COPY t TO ... (FORMAT parquet, COMPRESSION zstd)`, bench/write_duckdb.mjs) and a
// comparison table is printed: input MB/s, rows/s and output size for both. Skipped
// when node or @duckdb/node-api is missing.
//
//   build/bench/write_bench [--benchmark_filter=...] [--no-duckdb]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <benchmark/benchmark.h>

#include "floe/format/parquet/file_writer.h"
#include "floe/io/local_file.h"
#include "write_events.h"

namespace floe::bench {
namespace {

namespace fs = std::filesystem;

struct Input {
  std::string name;
  SchemaPtr schema;
  std::vector<RecordBatch> batches;  // of ~8192 rows, as an ingest buffer would hand over
  std::string text;                  // JSON Lines or CSV
  const char* format;                // "json" or "csv"
  const char* duck_columns;
  int64_t rows = 0;
};

const Input& Events(bool large) {
  static std::map<bool, Input> cache;
  auto it = cache.find(large);
  if (it != cache.end()) return it->second;
  Input in;
  in.name = large ? "events_225kb" : "events_1kb";
  in.schema = EventSchema();
  in.format = "json";
  in.duck_columns = EventDuckColumns();
  EventGenerator gen(1234, large ? 225000 : 700);
  const int64_t total = large ? 600 : 200000;
  const int64_t per_batch = large ? 64 : 8192;
  for (int64_t done = 0; done < total; done += per_batch) {
    in.batches.push_back(gen.Generate(std::min(per_batch, total - done), &in.text));
  }
  in.rows = total;
  return cache.emplace(large, std::move(in)).first->second;
}

const Input& QueryLog() {
  static Input in = [] {
    Input i;
    i.name = "query_log_csv";
    i.schema = QueryLogSchema();
    i.format = "csv";
    i.duck_columns = QueryLogDuckColumns();
    const int64_t total = 2000000, per_batch = 8192;
    for (int64_t done = 0; done < total; done += per_batch) {
      i.batches.push_back(GenerateQueryLog(static_cast<uint64_t>(done),
                                           std::min(per_batch, total - done), &i.text));
    }
    i.rows = total;
    return i;
  }();
  return in;
}

std::string TempPath(const std::string& name) {
  return (fs::temp_directory_path() / ("floe-write-bench-" + name)).string();
}

// Writes `in` once; returns the output size.
int64_t WriteOnce(const Input& in, const parquet::WriterOptions& opts, const std::string& path) {
  auto file = io::NewLocalWritableFile(path, io::LocalWriteOptions{.sync = false});
  if (!file.ok()) std::abort();
  auto w = parquet::FileWriter::Open(std::move(file).value(), in.schema, opts);
  if (!w.ok()) {
    std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
    std::abort();
  }
  for (const RecordBatch& b : in.batches) {
    Status s = (*w)->Write(b);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      std::abort();
    }
  }
  auto md = (*w)->Close();
  if (!md.ok()) std::abort();
  return static_cast<int64_t>(fs::file_size(path));
}

void RunWrite(benchmark::State& state, const Input& in, parquet::WriterOptions opts) {
  const std::string path = TempPath(in.name + ".parquet");
  int64_t size = 0;
  for (auto _ : state) size = WriteOnce(in, opts, path);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.text.size()));
  state.SetItemsProcessed(state.iterations() * in.rows);
  state.counters["output_MB"] = static_cast<double>(size) / 1e6;
  state.counters["input_MB"] = static_cast<double>(in.text.size()) / 1e6;
}

// Defaults, one thread per core (DuckDB's COPY also uses every core).
parquet::WriterOptions Zstd() {
  parquet::WriterOptions o;
  o.threads = 0;
  return o;
}
parquet::WriterOptions ZstdOneThread() { return parquet::WriterOptions{}; }
// Parquet 2.0-style fallback encodings (DELTA_BINARY_PACKED / DELTA_BYTE_ARRAY).
parquet::WriterOptions ZstdDelta() {
  parquet::WriterOptions o = Zstd();
  o.fallback_encodings = parquet::FallbackEncodings::kDelta;
  return o;
}

void BM_WriteEvents1KB(benchmark::State& state) { RunWrite(state, Events(false), Zstd()); }
void BM_WriteEvents225KB(benchmark::State& state) { RunWrite(state, Events(true), Zstd()); }
void BM_WriteQueryLogCsv(benchmark::State& state) { RunWrite(state, QueryLog(), Zstd()); }
void BM_WriteEvents1KBDelta(benchmark::State& state) {
  RunWrite(state, Events(false), ZstdDelta());
}
void BM_WriteEvents1KBOneThread(benchmark::State& state) {
  RunWrite(state, Events(false), ZstdOneThread());
}
void BM_WriteEvents1KBSnappy(benchmark::State& state) {
  parquet::WriterOptions o = Zstd();
  o.compression = parquet::CompressionCodec::kSnappy;
  RunWrite(state, Events(false), o);
}
void BM_WriteEvents1KBPageV2(benchmark::State& state) {
  parquet::WriterOptions o = Zstd();
  o.data_page_version = 2;
  RunWrite(state, Events(false), o);
}

// Wall time: the writer's worker threads do much of the work.
BENCHMARK(BM_WriteEvents1KB)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_WriteEvents1KBDelta)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_WriteEvents225KB)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_WriteQueryLogCsv)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_WriteEvents1KBOneThread)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_WriteEvents1KBSnappy)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();
BENCHMARK(BM_WriteEvents1KBPageV2)->Unit(benchmark::kMillisecond)->MinTime(2)->UseRealTime();

// floe vs DuckDB on the same inputs, same run.
// The source tree: $FLOE_SOURCE_DIR, else where this file was compiled from.
fs::path SourceDir() {
  if (const char* env = std::getenv("FLOE_SOURCE_DIR")) return env;
  return fs::path(__FILE__).parent_path().parent_path();
}

void CompareWithDuckDB() {
  const fs::path script = SourceDir() / "bench/write_duckdb.mjs";
  const fs::path modules = SourceDir() / "tests/node_modules/@duckdb/node-api";
  if (!fs::exists(modules) || std::system("node --version > /dev/null 2>&1") != 0) {
    std::printf("\n(DuckDB comparison skipped: node or @duckdb/node-api missing)\n");
    return;
  }
  std::printf("\n%-22s %9s %10s %12s %9s | %10s %12s %9s | %6s %6s\n", "input (floe options)",
              "input_MB", "floe_MB/s", "floe_rows/s", "floe_MB", "duck_MB/s", "duck_rows/s",
              "duck_MB", "speed", "size");
  for (const Input* in : {&Events(false), &Events(true), &QueryLog()}) {
    const std::string input_path = TempPath(in->name + (in->format[0] == 'c' ? ".csv" : ".jsonl"));
    {
      std::ofstream f(input_path, std::ios::binary);
      f << in->text;
    }
    // DuckDB: best of 3.
    const std::string out = TempPath(in->name + ".duckdb.parquet");
    const std::string cmd = "node " + script.string() + " '" + input_path + "' " + in->format +
                            " \"" + in->duck_columns + "\" '" + out + "' 3";
    FILE* p = popen(cmd.c_str(), "r");
    std::string line;
    char buf[512];
    while (p && fgets(buf, sizeof buf, p)) line += buf;
    const int rc = p ? pclose(p) : -1;
    double duck_s = 0, duck_bytes = 0;
    if (rc != 0 ||
        std::sscanf(line.c_str(), "{\"seconds\":%lf,\"bytes\":%lf", &duck_s, &duck_bytes) != 2) {
      std::printf("%-22s DuckDB run failed: %s\n", in->name.c_str(), line.c_str());
      continue;
    }
    // floe: best of 3, default options and the delta fallback encodings.
    for (const auto& [label, opts] : {std::pair{"", Zstd()}, std::pair{" (delta)", ZstdDelta()}}) {
      double best = 1e100;
      int64_t floe_bytes = 0;
      for (int i = 0; i < 3; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        floe_bytes = WriteOnce(*in, opts, TempPath(in->name + ".parquet"));
        best = std::min(
            best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      const double mb = static_cast<double>(in->text.size()) / 1e6;
      std::printf("%-22s %9.1f %10.1f %12.0f %9.2f | %10.1f %12.0f %9.2f | %5.2fx %5.3fx\n",
                  (in->name + label).c_str(), mb, mb / best, in->rows / best, floe_bytes / 1e6,
                  mb / duck_s, in->rows / duck_s, duck_bytes / 1e6, duck_s / best,
                  floe_bytes / duck_bytes);
    }
    fs::remove(input_path);  // the two outputs stay in the temp dir for inspection
  }
  std::printf(
      "speed: floe throughput / DuckDB's (goal >= 2); size: floe output / DuckDB's "
      "(goal <= 1)\n");
}

}  // namespace
}  // namespace floe::bench

int main(int argc, char** argv) {
  bool duckdb = true;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string(argv[i]) == "--no-duckdb") {
      duckdb = false;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (duckdb) floe::bench::CompareWithDuckDB();
  return 0;
}
