// `floe export INPUT... (--output DIR | --table NS.T)`: CSV, JSON and NDJSON to partitioned
// Parquet files or an Iceberg append (src/floe/export/exporter.h; docs/export.md).
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <charconv>
#include <cstdio>

#include "floe/cli/commands.h"
#include "floe/columnar/schema_json.h"
#include "floe/export/exporter.h"
#include "floe/format/parquet/compression.h"

namespace floe::cli {

namespace {

struct ExportFlags {
  std::vector<std::string> inputs;
  std::string output;
  std::string table;
  std::string warehouse = "./floe-data";
  std::string state_file;
  std::string schema_file;
  bool print_schema = false;
  int64_t infer_rows = 10000;
  std::string format = "auto";
  std::string delimiter = ",";
  std::vector<std::string> null_values;
  bool no_header = false;
  std::string json_path;
  std::string partition_by;
  std::string time_column;
  std::string name;
  std::vector<std::string> derive;
  std::string compression = "zstd";
  int64_t row_group_size = int64_t{128} << 20;
  int64_t row_group_rows = 1'000'000;
  std::string page_size = "auto";
  int64_t page_rows = exporter::DefaultParquetOptions().page_rows;
  std::string fallback_encodings = "delta";
  std::string bloom_filters;
  std::string sort_by;
  int64_t sort_memory_mb = 1024;
  int threads = 0;
  std::string bad_rows;
  bool force = false;
  bool dry_run = false;
  bool verify = false;
  bool json = false;
  std::string progress = "auto";
  std::string date;
  std::string since;
  std::string until;
  bool historical = false;
  std::string date_from = "auto";
};

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t c = s.find(',', start);
    if (c == std::string::npos) c = s.size();
    if (c > start) out.push_back(s.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

Result<exporter::ExportOptions> MakeOptions(const ExportFlags& f) {
  exporter::ExportOptions o;
  o.inputs = f.inputs;
  o.output = f.output;
  o.table = f.table;
  o.state_file = f.state_file;
  if (!f.table.empty() && o.state_file.empty()) {
    o.state_file = f.warehouse + "/.floe-export/" + f.table + ".export-state.json";
  }
  o.schema_file = f.schema_file;
  o.infer_rows = f.infer_rows;
  FLOE_ASSIGN_OR_RETURN(o.discover.format, exporter::ParseInputFormat(f.format));
  std::string delim = f.delimiter;
  if (delim == "\\t" || delim == "tab") delim = "\t";
  if (f.format == "tsv" && f.delimiter == ",") delim = "\t";
  if (delim.size() != 1) {
    return Status::InvalidArgument("--delimiter must be one character (or \\t), not '{}'",
                                   f.delimiter);
  }
  o.read.delimiter = delim[0];
  if (!f.null_values.empty()) o.read.null_values = f.null_values;
  o.read.header = !f.no_header;
  o.read.json_path = f.json_path;
  o.partition_by = f.partition_by;
  o.time_column = f.time_column;
  o.name_pattern = f.name;
  o.derive = f.derive;
  FLOE_ASSIGN_OR_RETURN(auto codec, parquet::ParseCompression(f.compression));
  o.parquet.compression = codec.first;
  o.parquet.compression_level = codec.second;
  if (f.row_group_size <= 0 || f.row_group_rows <= 0) {
    return Status::InvalidArgument("--row-group-size and --row-group-rows must be positive");
  }
  o.parquet.row_group_bytes = f.row_group_size;
  o.parquet.row_group_rows = f.row_group_rows;
  if (f.page_size != "auto") {
    int64_t bytes = 0;
    const auto [end, ec] =
        std::from_chars(f.page_size.data(), f.page_size.data() + f.page_size.size(), bytes);
    if (ec != std::errc() || end != f.page_size.data() + f.page_size.size() || bytes <= 0) {
      return Status::InvalidArgument("--page-size must be auto or a positive byte count, not '{}'",
                                     f.page_size);
    }
    o.parquet.page_bytes = bytes;
    o.auto_page_bytes = false;
  }
  if (f.page_rows <= 0) return Status::InvalidArgument("--page-rows must be positive");
  o.parquet.page_rows = f.page_rows;
  if (f.fallback_encodings == "plain") {
    o.parquet.fallback_encodings = parquet::FallbackEncodings::kPlain;
  } else if (f.fallback_encodings == "delta") {
    o.parquet.fallback_encodings = parquet::FallbackEncodings::kDelta;
  } else {
    return Status::InvalidArgument("--fallback-encodings must be plain or delta, not '{}'",
                                   f.fallback_encodings);
  }
  for (const std::string& c : SplitComma(f.bloom_filters)) o.parquet.bloom_filter_columns.insert(c);
  o.parquet.threads = f.threads;
  FLOE_ASSIGN_OR_RETURN(o.sort_by, exporter::ParseSortKeys(f.sort_by));
  if (f.sort_memory_mb <= 0 || f.sort_memory_mb > (int64_t{1} << 30)) {
    return Status::InvalidArgument("--sort-memory-mb must be between 1 and 2^30, not {}",
                                   f.sort_memory_mb);
  }
  o.sort_memory_bytes = f.sort_memory_mb << 20;
  o.bad_rows_file = f.bad_rows;
  o.force = f.force;
  o.dry_run = f.dry_run;
  o.verify = f.verify;
  if (f.progress == "auto") {
    o.progress = ::isatty(STDERR_FILENO) == 1 && !f.json;
  } else if (f.progress == "always" || f.progress == "on") {
    o.progress = true;
  } else if (f.progress == "never" || f.progress == "off") {
    o.progress = false;
  } else {
    return Status::InvalidArgument("--progress must be auto, always or never");
  }
  if (!f.date.empty()) {
    if (!f.since.empty() || !f.until.empty()) {
      return Status::InvalidArgument("--date cannot be combined with --since/--until");
    }
    FLOE_ASSIGN_OR_RETURN(exporter::Date d, exporter::ParseDate(f.date));
    o.since = o.until = d;
  }
  if (!f.since.empty()) {
    FLOE_ASSIGN_OR_RETURN(o.since, exporter::ParseDate(f.since));
  }
  if (!f.until.empty()) {
    FLOE_ASSIGN_OR_RETURN(o.until, exporter::ParseDate(f.until));
  }
  o.historical = f.historical;
  o.date_from = f.date_from;
  return o;
}

// An export allocates and frees buffers of megabytes per batch and page, over and over.
// glibc maps the larger ones afresh each time and unmaps them on free, so every batch
// faults its pages in again; keeping freed memory in the heap for reuse saves about a third
// of the page faults on the event benchmark. One arena for all threads: buffers are filled
// on one thread (a parsing block, a pool worker) and freed on another, and a per-thread
// arena whose heap empties is unmapped whole, to be faulted in afresh by the next block
// (another third of the page faults on the CSV benchmark). The allocations are few and
// large, so sharing the arena costs no contention to speak of. (The process ends with the
// export.)
void KeepFreedMemoryForReuse() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_ARENA_MAX, 1);
#endif
}

int RunExportCommand(const ExportFlags& f) {
  auto opts = MakeOptions(f);
  if (!opts.ok()) {
    std::fprintf(stderr, "floe export: %s\n", opts.status().message().c_str());
    return exporter::kExitUsage;
  }
  if (f.print_schema) {
    auto schema = exporter::ResolveExportSchema(*opts);
    if (!schema.ok()) return ReportStatus(schema.status());
    std::printf("%s\n", SchemaToJson(*schema).c_str());
    return exporter::kExitOk;
  }
  if (f.output.empty() == f.table.empty()) {
    std::fprintf(stderr, "floe export: give exactly one of --output DIR and --table NS.T\n");
    return exporter::kExitUsage;
  }
  std::unique_ptr<iceberg::SqliteCatalog> catalog;
  if (!f.table.empty()) {
    auto c = OpenCatalog(f.warehouse);
    if (!c.ok()) return ReportStatus(c.status());
    catalog = std::move(*c);
    opts->catalog = catalog.get();
  }
  KeepFreedMemoryForReuse();
  auto report = exporter::RunExport(*opts);
  if (!report.ok()) {
    const Status& s = report.status();
    // Option errors found while planning (messages start with the flag) are usage errors.
    if (s.code() == StatusCode::kInvalidArgument && s.message().rfind("--", 0) == 0) {
      std::fprintf(stderr, "floe export: %s\n", s.message().c_str());
      return exporter::kExitUsage;
    }
    return ReportStatus(s);
  }
  const std::string text = f.json ? report->ToJson() : report->ToText();
  std::fwrite(text.data(), 1, text.size(), stdout);
  for (const std::string& w : report->warnings) {
    std::fprintf(stderr, "floe export: warning: %s\n", w.c_str());
  }
  return report->rows_rejected > 0 ? exporter::kExitQuarantined : exporter::kExitOk;
}

}  // namespace

void AddExportCommand(CLI::App& app, Action& action) {
  auto f = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Export CSV, JSON and NDJSON files to partitioned Parquet files or an Iceberg table.\n"
      "Exit codes: 0 success, 1 failure, 2 usage, 3 exported with quarantined rows "
      "(--bad-rows). See docs/export.md.");
  cmd->add_option("INPUT", f->inputs,
                  "Input files, globs, directories or '-' (stdin); .gz and .zst are decompressed")
      ->required();
  cmd->add_option("-o,--output", f->output,
                  "Output root directory or URI (file, s3://, memory://)");
  cmd->add_option("--table", f->table,
                  "Write to this Iceberg table (NAMESPACE.TABLE) instead: one commit that "
                  "appends new inputs and replaces the earlier rows of changed ones");
  cmd->add_option("--warehouse", f->warehouse, "Warehouse of the catalog for --table")
      ->capture_default_str();
  cmd->add_option("--state-file", f->state_file,
                  "State file (default: OUTPUT/.floe-export-state.json; for --table "
                  "WAREHOUSE/.floe-export/NS.T.export-state.json)");
  cmd->add_option("--schema", f->schema_file, "Schema file (floe schema JSON); default: inferred");
  cmd->add_flag("--print-schema", f->print_schema,
                "Print the schema (inferred unless --schema) as a schema file and exit");
  cmd->add_option("--infer-rows", f->infer_rows, "Records examined by schema inference")
      ->capture_default_str();
  cmd->add_option("--format", f->format,
                  "Input format: auto (from the name), csv, tsv, json, ndjson")
      ->capture_default_str();
  cmd->add_option("--delimiter", f->delimiter, "CSV field delimiter (one character, or \\t)")
      ->capture_default_str();
  cmd->add_option("--null", f->null_values,
                  "CSV text read as null (repeatable; default: the empty field)");
  cmd->add_flag("--no-header", f->no_header, "CSV files have no header row (columns by position)");
  cmd->add_option("--json-path", f->json_path,
                  "JSON documents: the dotted path of the records array (e.g. recommendations)");
  cmd->add_option("--partition-by", f->partition_by,
                  "year,month[,day[,hour]] from --time-column, or column names (COL=value/)");
  cmd->add_option("--time-column", f->time_column,
                  "Timestamp/date column for time partitions and date selection (default: the "
                  "first timestamp column)");
  cmd->add_option("--name", f->name,
                  "Output file name pattern: {stem}, {date:%Y%m%d}, {input_hash} (default "
                  "{stem}.parquet)");
  cmd->add_option("--derive", f->derive,
                  "Derived column NAME=FUNC(COL), FUNC one of date, year, month, day, hour "
                  "(repeatable)");
  cmd->add_option("--compression", f->compression,
                  "Parquet codec: zstd[:LEVEL], snappy, gzip[:LEVEL], lz4, brotli[:LEVEL], none")
      ->capture_default_str();
  cmd->add_option("--row-group-size", f->row_group_size, "Row group size in bytes (compressed)")
      ->capture_default_str();
  cmd->add_option("--row-group-rows", f->row_group_rows, "Most rows in a row group")
      ->capture_default_str();
  cmd->add_option("--page-size", f->page_size,
                  "Data page size in bytes (uncompressed), or auto: room for about 128 "
                  "records, 1 to 32 MiB")
      ->capture_default_str();
  cmd->add_option("--page-rows", f->page_rows, "Most rows in a data page")->capture_default_str();
  cmd->add_option("--fallback-encodings", f->fallback_encodings,
                  "Encodings where no dictionary is used: delta (DELTA_BINARY_PACKED, "
                  "DELTA_BYTE_ARRAY) or plain (for readers without Parquet 2.0 encodings)")
      ->capture_default_str();
  cmd->add_option("--bloom-filter", f->bloom_filters, "Columns that get Bloom filters: a,b");
  cmd->add_option("--sort-by", f->sort_by,
                  "Sort the rows of each output file: COL[ DESC|:desc][,COL...] (nulls first "
                  "ascending, last descending; NULLS FIRST|LAST to choose)");
  cmd->add_option("--sort-memory-mb", f->sort_memory_mb,
                  "Memory for the rows being sorted, per input; past it files are sorted per "
                  "row group only (with a warning)")
      ->capture_default_str();
  cmd->add_option("--threads", f->threads,
                  "Encoding threads per file (0: one per core, 1: the calling thread only)")
      ->capture_default_str();
  cmd->add_option("--bad-rows", f->bad_rows,
                  "Quarantine rows that do not fit into this NDJSON file and export the rest "
                  "(exit code 3)");
  cmd->add_flag("--force", f->force, "Re-export every input, changed or not");
  cmd->add_flag("--dry-run", f->dry_run, "Print what would be read and written; write nothing");
  cmd->add_flag("--verify", f->verify,
                "Read the outputs back and check row counts and per-column checksums");
  cmd->add_flag("--json", f->json, "Print the report as JSON");
  cmd->add_option("--progress", f->progress, "Progress bar: auto (on a terminal), always, never")
      ->capture_default_str();
  cmd->add_option("--date", f->date, "Export inputs of this date only (YYYY-MM-DD)");
  cmd->add_option("--since", f->since, "Export inputs dated on or after (YYYY-MM-DD)");
  cmd->add_option("--until", f->until, "Export inputs dated on or before (YYYY-MM-DD)");
  cmd->add_flag(
      "--historical", f->historical,
      "Every date not yet exported (no date filter; exclusive with --date/--since/--until)");
  cmd->add_option("--date-from", f->date_from,
                  "Where an input's date comes from: auto (file name, else the time column), "
                  "name, column")
      ->capture_default_str();
  cmd->callback([&action, f] { action = [f] { return RunExportCommand(*f); }; });
}

}  // namespace floe::cli
