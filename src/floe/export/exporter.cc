#include "floe/export/exporter.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "floe/columnar/schema_inference.h"
#include "floe/columnar/schema_json.h"
#include "floe/columnar/take.h"
#include "floe/export/byte_source.h"
#include "floe/export/partitioning.h"
#include "floe/export/state_file.h"
#include "floe/export/verify.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/iceberg/catalog.h"
#include "floe/iceberg/data_file_writer.h"
#include "floe/iceberg/scan.h"
#include "floe/iceberg/table_write.h"
#include "floe/io/local_file.h"
#include "floe/io/object_store.h"

namespace floe::exporter {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStateName = ".floe-export-state.json";
constexpr std::string_view kLockName = ".floe-export.lock";
constexpr size_t kSampleBytes = size_t{4} << 20;
// Rows per batch handed to a writer when sorted rows are written.
constexpr int64_t kSortedBatchRows = 65536;

std::string JoinUri(const std::string& root, std::string_view rel) {
  if (root.empty()) return std::string(rel);
  if (root.back() == '/') return root + std::string(rel);
  return root + "/" + std::string(rel);
}

// The local directory `uri` names, or "" when it is not on local disk.
std::string LocalDir(const std::string& uri) {
  if (uri.find("://") == std::string::npos) return uri;
  if (uri.rfind("file://", 0) == 0) return uri.substr(7);
  return "";
}

std::string HashHex(uint64_t h, int digits = 16) {
  return fmt::format("{:0{}x}", h, 16).substr(16 - digits);
}

std::string NowRfc3339() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  FLOE_ASSIGN_OR_RETURN(auto src, ByteSource::Open(path));
  std::string out;
  size_t end = 0;
  while (true) {
    if (out.size() - end < 65536) out.resize(std::max<size_t>(out.size() * 2, 65536));
    FLOE_ASSIGN_OR_RETURN(size_t n, src->Read(out.data() + end, out.size() - end));
    if (n == 0) break;
    end += n;
    if (end > (size_t{64} << 20)) return Status::ResourceExhausted("{}: larger than 64 MiB", path);
  }
  out.resize(end);
  return out;
}

// The JSON text of the records array at `json_path` inside `doc`.
Result<std::string> RecordsArrayText(const std::string& doc, const std::string& json_path,
                                     const std::string& name) {
  if (json_path.empty()) return doc;
  simdjson::padded_string padded(doc);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document d;
  if (auto e = parser.iterate(padded).get(d); e) {
    return Status::InvalidArgument("{}: invalid JSON ({})", name, simdjson::error_message(e));
  }
  std::string pointer;
  size_t start = 0;
  while (start <= json_path.size()) {
    size_t dot = json_path.find('.', start);
    if (dot == std::string::npos) dot = json_path.size();
    pointer += '/' + json_path.substr(start, dot - start);
    start = dot + 1;
  }
  simdjson::ondemand::array arr;
  std::string_view raw;
  if (d.at_pointer(pointer).get_array().get(arr) || arr.raw_json().get(raw)) {
    return Status::InvalidArgument("{}: no array at JSON path \"{}\"", name, json_path);
  }
  return std::string(raw);
}

// Infers the schema from the start of `input`.
Result<Schema> InferFromInput(const InputFile& input, const ExportOptions& o) {
  if (input.is_stdin()) {
    return Status::InvalidArgument(
        "standard input needs a schema file (--schema); inference reads the input twice");
  }
  InferOptions io;
  io.max_records = o.infer_rows;
  if (input.format == InputFormat::kJson) {
    FLOE_ASSIGN_OR_RETURN(std::string doc, ReadWholeFile(input.path));
    FLOE_ASSIGN_OR_RETURN(std::string arr, RecordsArrayText(doc, o.read.json_path, input.path));
    auto s = InferJsonSchema(arr, io, /*complete=*/true);
    if (!s.ok()) return s.status().WithContext(input.path);
    return s;
  }
  FLOE_ASSIGN_OR_RETURN(auto src, ByteSource::Open(input.path));
  std::string sample(kSampleBytes, '\0');
  size_t end = 0;
  bool complete = false;
  while (end < sample.size()) {
    FLOE_ASSIGN_OR_RETURN(size_t n, src->Read(sample.data() + end, sample.size() - end));
    if (n == 0) {
      complete = true;
      break;
    }
    end += n;
  }
  sample.resize(end);
  if (input.format == InputFormat::kCsv) {
    CsvReadOptions c;
    c.delimiter = o.read.delimiter;
    c.quote = o.read.quote;
    c.header = o.read.header;
    c.null_values = o.read.null_values;
    c.source_name = input.path;
    return InferCsvSchema(sample, c, io, complete);
  }
  auto s = InferJsonSchema(sample, io, complete);
  if (!s.ok()) return s.status().WithContext(input.path);
  return s;
}

Status CheckUniqueNames(const Schema& s) {
  std::set<std::string> names;
  for (const Field& f : s.fields) {
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("schema: column '{}' appears twice", f.name);
    }
  }
  return Status::OK();
}

// True when process `pid` exists and is not a zombie (a killed export not yet reaped).
bool ProcessAlive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const size_t close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

// Takes the output lock of a local output root.
class OutputLock {
 public:
  static Result<std::unique_ptr<OutputLock>> Acquire(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    const std::string path = (fs::path(dir) / kLockName).string();
    io::LocalWriteOptions wo;
    wo.sync = false;
    const std::string me = std::to_string(::getpid());
    Status s = io::CreateLocalFileIfAbsent(path, me, wo);
    if (s.IsAlreadyExists()) {
      std::string holder;
      if (auto f = io::OpenLocalFile(path); f.ok()) {
        if (auto size = (*f)->Size(); size.ok() && *size < 64) {
          holder = (*f)->ReadAt(0, *size).ValueOr("");
        }
      }
      const long pid = std::atol(holder.c_str());
      if (pid > 0 && pid != ::getpid() && ProcessAlive(static_cast<pid_t>(pid))) {
        return Status::AlreadyExists(
            "{}: another export (pid {}) is writing this output; remove {} if it is not", dir, pid,
            path);
      }
      // A stale lock (its process is gone): take it over.
      auto w = io::NewLocalWritableFile(path, wo);
      if (!w.ok()) return w.status();
      FLOE_RETURN_IF_ERROR((*w)->Append(me));
      FLOE_RETURN_IF_ERROR((*w)->Close());
    } else if (!s.ok()) {
      return s;
    }
    auto lock = std::make_unique<OutputLock>();
    lock->path_ = path;
    return lock;
  }
  ~OutputLock() { ::unlink(path_.c_str()); }

 private:
  std::string path_;
};

// Removes temporary files a killed run left under a local output root.
int64_t SweepTemporaries(const std::string& dir) {
  int64_t removed = 0;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const size_t p = name.rfind(".tmp.");
    if (p == std::string::npos || name.size() - p != 5 + 16) continue;
    bool hex = true;
    for (size_t k = p + 5; k < name.size(); ++k)
      hex = hex && std::isxdigit(static_cast<unsigned char>(name[k]));
    if (hex && it->is_regular_file()) doomed.push_back(it->path());
  }
  for (const fs::path& p : doomed) removed += fs::remove(p, ec) ? 1 : 0;
  return removed;
}

// Settings that decide what the outputs of an input look like: a change re-exports
// everything.
std::string SettingsDigest(const ExportOptions& o, const Schema& schema) {
  std::string s = SchemaToJson(schema);
  s += "\n" + o.partition_by + "\n" + o.time_column + "\n" + o.name_pattern + "\n";
  for (const std::string& d : o.derive) s += d + ";";
  s +=
      fmt::format("\n{}|{}|{}|{}|", o.read.delimiter, o.read.header, o.read.json_path, o.date_from);
  for (const std::string& n : o.read.null_values) s += n + ";";
  if (!o.sort_by.empty()) s += "\nsort:" + SortKeysToString(o.sort_by);
  return HashHex(XXH3_64bits(s.data(), s.size()));
}

// Keeps the rows of `batch` whose time column falls within [since, until].
Result<std::optional<RecordBatch>> FilterByDate(RecordBatch batch, int time_column,
                                                const std::optional<Date>& since,
                                                const std::optional<Date>& until) {
  const Column& c = *batch.columns[time_column];
  const int64_t lo = since ? since->ToDays() : INT64_MIN;
  const int64_t hi = until ? until->ToDays() : INT64_MAX;
  std::vector<RowRange> keep;
  int64_t begin = -1;
  for (int64_t i = 0; i < batch.num_rows; ++i) {
    bool in = false;
    if (c.IsValid(i)) {
      int64_t days;
      if (c.type->id == TypeId::kDate) {
        days = c.Value<int32_t>(i);
      } else {
        const int64_t per_day = UnitsPerSecond(c.type->unit) * 86400;
        const int64_t v = c.Value<int64_t>(i);
        days = v / per_day - (v % per_day < 0 ? 1 : 0);
      }
      in = days >= lo && days <= hi;
    }
    if (in && begin < 0) begin = i;
    if (!in && begin >= 0) {
      keep.push_back({begin, i});
      begin = -1;
    }
  }
  if (begin >= 0) keep.push_back({begin, batch.num_rows});
  const int64_t n = CountRows(keep);
  if (n == batch.num_rows) return std::optional<RecordBatch>(std::move(batch));
  if (n == 0) return std::optional<RecordBatch>();
  RecordBatch out;
  out.schema = batch.schema;
  out.num_rows = n;
  for (const ColumnPtr& col : batch.columns) out.columns.push_back(TakeRanges(*col, keep));
  return std::optional<RecordBatch>(std::move(out));
}

// Reads batches of one RecordReader on a thread of its own, up to `depth` ahead, so that
// parsing overlaps encoding. The reader (and the bad-row sink it calls) is used only by
// that thread until the prefetcher is destroyed.
class Prefetcher {
 public:
  Prefetcher(RecordReader* reader, size_t depth) : reader_(reader), depth_(depth) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Prefetcher() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Result<std::optional<RecordBatch>> Next() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !queue_.empty(); });
    Result<std::optional<RecordBatch>> r = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return r;
  }
  // Stored input bytes the reader has consumed so far (for progress).
  uint64_t stored_bytes() const { return stored_bytes_.load(std::memory_order_relaxed); }

 private:
  void Loop() {
    while (true) {
      Result<std::optional<RecordBatch>> r = reader_->Next();
      stored_bytes_.store(reader_->source().stored_bytes_read(), std::memory_order_relaxed);
      const bool last = !r.ok() || !r->has_value();
      std::unique_lock<std::mutex> l(mu_);
      queue_.push_back(std::move(r));
      cv_.notify_all();
      if (last) return;
      cv_.wait(l, [&] { return stop_ || queue_.size() < depth_; });
      if (stop_) return;
    }
  }

  RecordReader* reader_;
  size_t depth_;
  std::atomic<uint64_t> stored_bytes_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Result<std::optional<RecordBatch>>> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// One Parquet file being written (aside) for one input.
struct PendingOutput {
  std::string rel_path;
  size_t input = 0;
  std::unique_ptr<parquet::FileWriter> writer;
  TableChecksum checksum;
  int64_t rows = 0;
  uint64_t bytes = 0;
  // With --sort-by: the rows not yet written; `spilled` once some were written early.
  std::unique_ptr<SortBuffer> sort;
  bool spilled = false;
};

struct PlannedInput {
  InputFile file;
  std::string reason;
  bool export_it = false;
  bool filter_rows = false;  // select rows by the time column
  const StateEntry* previous = nullptr;
};

// Bad rows go here as NDJSON, written aside and published with the outputs.
class Quarantine {
 public:
  static Result<std::unique_ptr<Quarantine>> Open(const std::string& uri) {
    auto q = std::make_unique<Quarantine>();
    FLOE_ASSIGN_OR_RETURN(q->file_, io::OpenForWrite(uri));
    q->uri_ = uri;
    return q;
  }
  Status Add(const BadRow& b) {
    nlohmann::ordered_json j;
    j["file"] = b.file;
    j["line"] = b.line;
    j["column"] = b.column;
    j["reason"] = b.reason;
    j["record"] = b.record;
    line_ = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line_ += '\n';
    ++count_;
    return file_->Append(line_);
  }
  Status Publish() { return file_->Close(); }
  void Abort() { file_->Abort(); }
  int64_t count() const { return count_; }

 private:
  std::unique_ptr<io::WritableFile> file_;
  std::string uri_;
  std::string line_;
  int64_t count_ = 0;
};

class ExportRun {
 public:
  explicit ExportRun(const ExportOptions& o) : o_(o) {}

  Result<ExportReport> Run() {
    const auto t0 = std::chrono::steady_clock::now();
    FLOE_RETURN_IF_ERROR(CheckOptions());
    report_.dry_run = o_.dry_run;
    report_.destination = table_mode() ? "table " + o_.table : o_.output;
    report_.bad_rows_file = o_.bad_rows_file;

    FLOE_ASSIGN_OR_RETURN(inputs_, DiscoverInputs(o_.inputs, o_.discover));
    FLOE_RETURN_IF_ERROR(ResolveSchemas());
    state_uri_ = StateUri();
    FLOE_ASSIGN_OR_RETURN(state_, ExportState::Load(state_uri_));
    settings_ = SettingsDigest(o_, *out_schema_);
    FLOE_RETURN_IF_ERROR(Plan());

    uint64_t total_bytes = 0;
    for (const PlannedInput& p : plan_) total_bytes += p.export_it ? p.file.size : 0;
    if (o_.dry_run) {
      DryRunReport();
      report_.seconds = Seconds(t0);
      return report_;
    }

    const std::string local = table_mode() ? "" : LocalDir(o_.output);
    std::unique_ptr<OutputLock> lock;
    if (!local.empty()) {
      FLOE_ASSIGN_OR_RETURN(lock, OutputLock::Acquire(local));
      SweepTemporaries(local);
    }
    RaiseFileLimit();

    Status st = ExportAll(total_bytes);
    if (st.ok()) st = Publish();
    if (!st.ok()) {
      Abort();
      return st;
    }
    report_.seconds = Seconds(t0);
    return report_;
  }

 private:
  bool table_mode() const { return !o_.table.empty(); }

  static double Seconds(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  Status CheckOptions() {
    if (o_.inputs.empty()) return Status::InvalidArgument("no inputs given");
    if (o_.output.empty() == o_.table.empty()) {
      return Status::InvalidArgument("give exactly one of --output DIR and --table NS.T");
    }
    if (table_mode() && o_.catalog == nullptr) {
      return Status::InvalidArgument("--table needs a catalog");
    }
    if (table_mode() && (!o_.partition_by.empty() || !o_.name_pattern.empty())) {
      return Status::InvalidArgument(
          "--partition-by and --name do not apply to --table (the table's partition spec "
          "decides the layout)");
    }
    if (o_.historical && (o_.since || o_.until)) {
      return Status::InvalidArgument(
          "--historical selects every date; drop --date/--since/--until");
    }
    if (o_.since && o_.until && *o_.until < *o_.since) {
      return Status::InvalidArgument("--until {} is before --since {}", o_.until->ToString(),
                                     o_.since->ToString());
    }
    if (o_.date_from != "auto" && o_.date_from != "name" && o_.date_from != "column") {
      return Status::InvalidArgument("--date-from must be auto, name or column, not '{}'",
                                     o_.date_from);
    }
    return Status::OK();
  }

  std::string StateUri() const {
    if (!o_.state_file.empty()) return o_.state_file;
    return JoinUri(o_.output, kStateName);
  }

  Status ResolveSchemas() {
    for (const std::string& d : o_.derive) {
      FLOE_ASSIGN_OR_RETURN(DerivedColumn dc, ParseDerivedColumn(d));
      derived_.push_back(std::move(dc));
    }
    if (table_mode()) {
      FLOE_ASSIGN_OR_RETURN(table_id_, iceberg::TableIdentifier::Parse(o_.table));
      FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, o_.catalog->LoadTable(table_id_));
      FLOE_ASSIGN_OR_RETURN(auto wopts,
                            iceberg::DataFileWriterOptionsFromProperties(t.metadata.properties));
      wopts.parquet.threads = o_.parquet.threads;
      table_writer_options_ = std::move(wopts);
      table_metadata_ = std::make_unique<iceberg::TableMetadata>(std::move(t.metadata));
      {
        // Data-file writers are opened per input; this one only tells the schema.
        FLOE_ASSIGN_OR_RETURN(
            auto w, iceberg::DataFileWriter::Open(*table_metadata_, table_writer_options_));
        out_schema_ = w->schema();
        (void)w->Abort();
      }
      // The inputs carry the table's columns except the derived ones.
      std::set<std::string> derived_names;
      for (const DerivedColumn& d : derived_) derived_names.insert(d.name);
      auto base = std::make_shared<Schema>();
      for (const Field& f : out_schema_->fields) {
        if (!derived_names.count(f.name)) base->fields.push_back(f);
      }
      read_schema_ = base;
      FLOE_ASSIGN_OR_RETURN(SchemaPtr check, SchemaWithDerived(read_schema_, derived_));
      if (!(*check == *out_schema_)) {
        return Status::InvalidArgument(
            "--derive: the table's derived columns must be its last columns, in --derive order");
      }
      FLOE_ASSIGN_OR_RETURN(layout_, MakeOutputLayout(*out_schema_, "", o_.time_column, ""));
      // The table's own order applies when --sort-by gives none; files written in it
      // carry its id.
      std::vector<SortKey> keys = o_.sort_by;
      const std::optional<std::vector<SortKey>> table_keys = TableSortKeys();
      if (keys.empty() && table_keys) keys = *table_keys;
      if (table_keys && !keys.empty() && keys == *table_keys) {
        table_sort_order_id_ = table_metadata_->default_sort_order_id;
      }
      FLOE_RETURN_IF_ERROR(ResolveSorting(keys));
      table_writer_options_.parquet.sorting_columns = parquet_sorting_;
      ResolveTimeFilterColumn();
      return Status::OK();
    }
    FLOE_ASSIGN_OR_RETURN(Schema s, ResolveExportSchema(o_));
    FLOE_RETURN_IF_ERROR(CheckUniqueNames(s));
    read_schema_ = std::make_shared<const Schema>(std::move(s));
    FLOE_ASSIGN_OR_RETURN(out_schema_, SchemaWithDerived(read_schema_, derived_));
    FLOE_ASSIGN_OR_RETURN(
        layout_, MakeOutputLayout(*out_schema_, o_.partition_by, o_.time_column, o_.name_pattern));
    FLOE_RETURN_IF_ERROR(ResolveSorting(o_.sort_by));
    ResolveTimeFilterColumn();
    return Status::OK();
  }

  // The table's default sort order as sort keys, when it has one and every field is a
  // top-level column taken as it is (identity transform).
  std::optional<std::vector<SortKey>> TableSortKeys() const {
    const iceberg::SortOrder* order =
        table_metadata_->SortOrderById(table_metadata_->default_sort_order_id);
    if (order == nullptr || order->IsUnsorted()) return std::nullopt;
    std::vector<SortKey> keys;
    for (const iceberg::SortField& f : order->fields) {
      if (f.transform.kind() != iceberg::TransformKind::kIdentity) return std::nullopt;
      auto field = std::find_if(out_schema_->fields.begin(), out_schema_->fields.end(),
                                [&](const Field& x) { return x.id == f.source_id; });
      if (field == out_schema_->fields.end()) return std::nullopt;
      keys.push_back({field->name, f.direction == iceberg::SortDirection::kDesc,
                      f.null_order == iceberg::NullOrder::kNullsFirst});
    }
    return keys;
  }

  Status ResolveSorting(const std::vector<SortKey>& keys) {
    if (o_.sort_memory_bytes <= 0) {
      return Status::InvalidArgument("--sort-memory-mb must be positive");
    }
    FLOE_ASSIGN_OR_RETURN(sort_columns_, ResolveSortKeys(*out_schema_, keys));
    for (const SortKey& k : keys) {
      parquet_sorting_.push_back({k.column, k.descending, k.nulls_first});
    }
    return Status::OK();
  }

  // The column --since/--until select rows by when an input has no date in its name:
  // --time-column, else the first timestamp column, else the first date column.
  void ResolveTimeFilterColumn() {
    time_filter_column_ =
        o_.time_column.empty() ? FindTimeColumn() : out_schema_->IndexOf(o_.time_column);
  }

  Status Plan() {
    const bool dated = o_.since.has_value() || o_.until.has_value();
    const bool settings_changed = !state_.settings().empty() && state_.settings() != settings_;
    for (const InputFile& f : inputs_) {
      PlannedInput p;
      p.file = f;
      p.previous = state_.Find(f.path);
      if (dated) {
        const std::optional<Date> d =
            o_.date_from == "column" ? std::nullopt : DateInFileName(f.path);
        if (d) {
          if ((o_.since && *d < *o_.since) || (o_.until && *o_.until < *d)) {
            InputReport r;
            r.path = f.path;
            r.action = "filtered";
            r.reason = fmt::format("dated {}", d->ToString());
            report_.inputs.push_back(std::move(r));
            continue;
          }
        } else if (o_.date_from != "name") {
          p.filter_rows = true;
        } else {
          InputReport r;
          r.path = f.path;
          r.action = "filtered";
          r.reason = "no date in the file name";
          report_.inputs.push_back(std::move(r));
          continue;
        }
      }
      if (f.is_stdin()) {
        p.export_it = true;
        p.reason = "standard input";
      } else if (o_.force) {
        p.export_it = true;
        p.reason = "forced";
      } else if (p.previous == nullptr) {
        p.export_it = true;
        p.reason = "new";
      } else if (settings_changed) {
        p.export_it = true;
        p.reason = "settings changed";
      } else if (p.previous->size != f.size || p.previous->mtime_ns != f.mtime_ns) {
        p.export_it = true;
        p.reason = "changed";
      } else {
        p.reason = "unchanged";
      }
      plan_.push_back(std::move(p));
    }
    return table_mode() ? PlanSharedDataFiles() : Status::OK();
  }

  // State files written before table exports kept data files per input list every file
  // of a run under each of its inputs. Replacing the files of a re-exported input then
  // drops rows of the others that share them: those are re-exported as well.
  Status PlanSharedDataFiles() {
    std::map<std::string_view, std::vector<std::string_view>> owners;  // file -> inputs
    for (const auto& [path, entry] : state_.entries()) {
      for (const StateOutput& out : entry.outputs) owners[out.path].push_back(path);
    }
    std::map<std::string_view, PlannedInput*> planned;
    for (PlannedInput& p : plan_) planned[p.file.path] = &p;
    std::deque<PlannedInput*> work;
    for (PlannedInput& p : plan_) {
      if (p.export_it && p.previous != nullptr) work.push_back(&p);
    }
    while (!work.empty()) {
      PlannedInput* p = work.front();
      work.pop_front();
      for (const StateOutput& out : p->previous->outputs) {
        for (std::string_view other : owners[out.path]) {
          if (other == p->file.path) continue;
          auto it = planned.find(other);
          if (it == planned.end()) {
            return Status::InvalidArgument(
                "{}: its earlier data file {} also holds rows of {} (state file {}), which "
                "this run does not export; add that input to the run so both are replaced",
                p->file.path, out.path, other, state_uri_);
          }
          if (it->second->export_it) continue;
          it->second->export_it = true;
          it->second->reason = fmt::format("shares data files with {}", p->file.path);
          work.push_back(it->second);
        }
      }
    }
    return Status::OK();
  }

  void DryRunReport() {
    for (const PlannedInput& p : plan_) {
      InputReport r;
      r.path = p.file.path;
      r.reason = p.reason;
      r.input_bytes = p.file.size;
      if (p.export_it) {
        r.action = "would export";
        ++report_.inputs_exported;
        std::string dirs;
        for (const PartitionPart& part : layout_.parts) {
          if (!part.hidden) dirs += part.name + "=*/";
        }
        std::string name = layout_.name_pattern;
        const size_t stem = name.find("{stem}");
        if (stem != std::string::npos) name.replace(stem, 6, InputStem(p.file.path));
        if (!table_mode()) r.outputs.push_back(JoinUri(o_.output, dirs + name));
        if (p.previous != nullptr) {
          for (const StateOutput& out : p.previous->outputs) {
            r.outputs.push_back("replaces " + out.path);
          }
        }
      } else {
        r.action = "skipped";
        ++report_.inputs_skipped;
      }
      report_.inputs.push_back(std::move(r));
    }
  }

  static void RaiseFileLimit() {
    struct rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
  }

  Status ExportAll(uint64_t total_bytes) {
    if (!o_.bad_rows_file.empty()) {
      FLOE_ASSIGN_OR_RETURN(quarantine_, Quarantine::Open(o_.bad_rows_file));
    }
    BadRowSink sink;
    if (quarantine_) sink = [this](const BadRow& b) { return quarantine_->Add(b); };
    Progress progress(o_.progress, total_bytes);
    uint64_t bytes_before = 0;
    int64_t rows_before = 0;
    for (size_t i = 0; i < plan_.size(); ++i) {
      PlannedInput& p = plan_[i];
      InputReport r;
      r.path = p.file.path;
      r.reason = p.reason;
      r.input_bytes = p.file.size;
      if (!p.export_it) {
        r.action = "skipped";
        ++report_.inputs_skipped;
        input_reports_.push_back(report_.inputs.size());
        report_.inputs.push_back(std::move(r));
        continue;
      }
      r.action = "exported";
      FLOE_ASSIGN_OR_RETURN(auto src, ByteSource::Open(p.file.path));
      RecordReadOptions ro = o_.read;
      ro.format = p.file.format;
      FLOE_ASSIGN_OR_RETURN(auto reader,
                            RecordReader::Open(std::move(src), read_schema_, ro, sink));
      if (table_mode()) FLOE_RETURN_IF_ERROR(StartTableInput());
      record_bytes_ = 0;
      Partitioner partitioner(&layout_);
      std::map<int32_t, size_t> outputs_of_partition;  // partition id -> pending_ index
      const std::string stem = InputStem(p.file.path);
      const std::string input_hash =
          HashHex(XXH3_64bits(p.file.path.data(), p.file.path.size()), 8);
      std::vector<int32_t> ids;
      int64_t rows_seen = 0;
      auto prefetch = std::make_unique<Prefetcher>(reader.get(), /*depth=*/2);
      while (true) {
        FLOE_ASSIGN_OR_RETURN(std::optional<RecordBatch> batch, prefetch->Next());
        if (!batch) break;
        rows_seen += batch->num_rows;
        FLOE_ASSIGN_OR_RETURN(RecordBatch full,
                              AddDerivedColumns(std::move(*batch), derived_, out_schema_));
        progress.Update(bytes_before + prefetch->stored_bytes(), rows_before + rows_seen);
        if (p.filter_rows) {
          if (time_filter_column_ < 0) {
            return Status::InvalidArgument(
                "{}: no date in the file name and no timestamp or date column to select "
                "--since/--until by",
                p.file.path);
          }
          const int64_t before = full.num_rows;
          FLOE_ASSIGN_OR_RETURN(
              auto kept, FilterByDate(std::move(full), time_filter_column_, o_.since, o_.until));
          r.rows_filtered += before - (kept ? kept->num_rows : 0);
          if (!kept) continue;
          full = std::move(*kept);
        }
        r.rows_written += full.num_rows;
        if (record_bytes_ == 0 && full.num_rows > 0) {
          record_bytes_ = std::max<int64_t>(1, BatchBytes(full) / full.num_rows);
        }
        if (table_mode()) {
          FLOE_RETURN_IF_ERROR(WriteTableRows(i, std::move(full)));
          continue;
        }
        FLOE_RETURN_IF_ERROR(partitioner.Assign(full, &ids));
        for (auto& [id, part] : SplitBatch(full, ids)) {
          auto it = outputs_of_partition.find(id);
          if (it == outputs_of_partition.end()) {
            FLOE_ASSIGN_OR_RETURN(size_t k,
                                  OpenOutput(i, partitioner.Directory(id) +
                                                    partitioner.FileName(id, stem, input_hash)));
            it = outputs_of_partition.emplace(id, k).first;
          }
          PendingOutput& out = pending_[it->second];
          if (o_.verify) out.checksum.Add(part);
          out.rows += part.num_rows;
          if (out.sort == nullptr) {
            FLOE_RETURN_IF_ERROR(out.writer->Write(part).WithContext(out.rel_path));
            continue;
          }
          const int64_t held = out.sort->bytes();
          out.sort->Add(std::move(part));
          sort_buffered_bytes_ += out.sort->bytes() - held;
          if (out.sort->rows() >= SortBuffer::kMaxRows) {
            FLOE_RETURN_IF_ERROR(SpillSorted(it->second));
          }
          while (sort_buffered_bytes_ > o_.sort_memory_bytes) {
            FLOE_RETURN_IF_ERROR(SpillSorted(LargestSortBuffer(outputs_of_partition)));
          }
        }
      }
      // Write the sorted rows, and free the row-group buffers of this input's files; they
      // are published at the end.
      for (const auto& [id, k] : outputs_of_partition) {
        FLOE_RETURN_IF_ERROR(WriteSorted(k));
        FLOE_RETURN_IF_ERROR(pending_[k].writer->FlushRowGroup());
        r.outputs.push_back(pending_[k].rel_path);
      }
      if (table_mode()) FLOE_RETURN_IF_ERROR(FinishTableInput(i));
      prefetch.reset();  // the reader is the calling thread's again
      r.rows_read = reader->rows_read();
      r.rows_rejected = reader->rows_rejected();
      bytes_before += reader->source().stored_bytes_read();
      rows_before += reader->rows_read();
      report_.input_bytes += reader->source().stored_bytes_read();
      report_.input_uncompressed_bytes += UncompressedBytes(reader->source(), p.file.size);
      report_.rows_read += r.rows_read;
      report_.rows_written += r.rows_written;
      report_.rows_rejected += r.rows_rejected;
      report_.rows_filtered += r.rows_filtered;
      ++report_.inputs_exported;
      StateEntry e;
      e.path = p.file.path;
      e.size = p.file.size;
      e.mtime_ns = p.file.mtime_ns;
      e.content_hash = "xxh3:" + HashHex(reader->source().content_hash());
      e.rows_read = r.rows_read;
      e.rows_written = r.rows_written;
      e.rows_rejected = r.rows_rejected;
      e.exported_at = NowRfc3339();
      new_entries_.push_back(std::move(e));
      input_reports_.push_back(report_.inputs.size());
      report_.inputs.push_back(std::move(r));
    }
    progress.Finish();
    return Status::OK();
  }

  bool sorting() const { return !sort_columns_.empty(); }

  // Writes the held rows of output `k` in key order (no-op when it is not sorted).
  Status WriteSorted(size_t k) {
    PendingOutput& out = pending_[k];
    if (out.sort == nullptr || out.sort->empty()) return Status::OK();
    sort_buffered_bytes_ -= out.sort->bytes();
    return out.sort->Drain(kSortedBatchRows, [&out](const RecordBatch& b) {
      return out.writer->Write(b).WithContext(out.rel_path);
    });
  }

  // Output `k` holds too much: its rows so far become row groups of their own.
  Status SpillSorted(size_t k) {
    FLOE_RETURN_IF_ERROR(WriteSorted(k));
    PendingOutput& out = pending_[k];
    FLOE_RETURN_IF_ERROR(out.writer->FlushRowGroup());
    if (!out.spilled) {
      out.spilled = true;
      report_.warnings.push_back(fmt::format(
          "{}: its rows outgrew --sort-memory-mb {}; the file is sorted within each row "
          "group only, not as a whole",
          out.rel_path, o_.sort_memory_bytes >> 20));
    }
    return Status::OK();
  }

  size_t LargestSortBuffer(const std::map<int32_t, size_t>& outputs) const {
    size_t best = outputs.begin()->second;
    for (const auto& [id, k] : outputs) {
      if (pending_[k].sort->bytes() > pending_[best].sort->bytes()) best = k;
    }
    return best;
  }

  // Table mode: each input gets data-file writers of its own, so that a re-export can
  // replace exactly its files.
  Status StartTableInput() {
    FLOE_ASSIGN_OR_RETURN(table_writer_,
                          iceberg::DataFileWriter::Open(*table_metadata_, table_writer_options_));
    if (sorting()) table_sort_ = std::make_unique<SortBuffer>(sort_columns_);
    table_spilled_ = false;
    return Status::OK();
  }

  Status WriteTableRows(size_t input, RecordBatch batch) {
    if (table_sort_ == nullptr) return table_writer_->Write(batch);
    table_sort_->Add(std::move(batch));
    if (table_sort_->bytes() <= o_.sort_memory_bytes &&
        table_sort_->rows() < SortBuffer::kMaxRows) {
      return Status::OK();
    }
    // The rows so far become data files of their own, each sorted.
    FLOE_RETURN_IF_ERROR(WriteTableSorted());
    FLOE_RETURN_IF_ERROR(CloseTableFiles(input));
    FLOE_ASSIGN_OR_RETURN(table_writer_,
                          iceberg::DataFileWriter::Open(*table_metadata_, table_writer_options_));
    if (!table_spilled_) {
      table_spilled_ = true;
      report_.warnings.push_back(fmt::format(
          "{}: its rows outgrew --sort-memory-mb {}; they are written as several data files, "
          "each sorted",
          plan_[input].file.path, o_.sort_memory_bytes >> 20));
    }
    return Status::OK();
  }

  Status WriteTableSorted() {
    if (table_sort_ == nullptr) return Status::OK();
    return table_sort_->Drain(kSortedBatchRows,
                              [this](const RecordBatch& b) { return table_writer_->Write(b); });
  }

  // Closes the open data files of input `input` (they stay invisible to readers until the
  // commit adds them).
  Status CloseTableFiles(size_t input) {
    auto files = table_writer_->Finish();
    table_writer_.reset();
    if (!files.ok()) return files.status();
    std::vector<iceberg::DataFile>& mine = table_files_[input];
    for (iceberg::DataFile& f : *files) {
      if (table_sort_order_id_) f.sort_order_id = *table_sort_order_id_;
      mine.push_back(std::move(f));
    }
    return Status::OK();
  }

  Status FinishTableInput(size_t input) {
    FLOE_RETURN_IF_ERROR(WriteTableSorted());
    table_sort_.reset();
    return CloseTableFiles(input);
  }

  // Decompressed bytes are not counted by ByteSource; the stored size stands in for
  // uncompressed inputs, and the reader's consumption for compressed ones.
  static uint64_t UncompressedBytes(const ByteSource& s, uint64_t) {
    return s.decompressed_bytes_read();
  }

  int FindTimeColumn() const {
    for (int i = 0; i < out_schema_->num_fields(); ++i) {
      if (out_schema_->fields[i].type->id == TypeId::kTimestamp) return i;
    }
    for (int i = 0; i < out_schema_->num_fields(); ++i) {
      if (out_schema_->fields[i].type->id == TypeId::kDate) return i;
    }
    return -1;
  }

  Result<size_t> OpenOutput(size_t input, const std::string& rel) {
    auto claimed = claimed_.find(rel);
    if (claimed != claimed_.end()) {
      return Status::InvalidArgument(
          "output {} would be written from both {} and {}; put {{stem}} or {{input_hash}} in "
          "--name",
          rel, plan_[claimed->second].file.path, plan_[input].file.path);
    }
    if (const StateEntry* owner = state_.OwnerOf(rel);
        owner != nullptr && owner->path != plan_[input].file.path) {
      bool owner_rewritten = false;
      for (const PlannedInput& p : plan_) {
        owner_rewritten |= p.export_it && p.file.path == owner->path;
      }
      if (!owner_rewritten) {
        return Status::InvalidArgument(
            "output {} already holds the rows of {} (state file); {} would replace it: put "
            "{{stem}} or {{input_hash}} in --name",
            rel, owner->path, plan_[input].file.path);
      }
    }
    claimed_.emplace(rel, input);
    FLOE_ASSIGN_OR_RETURN(auto file, io::OpenForWrite(JoinUri(o_.output, rel)));
    parquet::WriterOptions wo = o_.parquet;
    wo.key_value_metadata.emplace_back("floe.export.source", plan_[input].file.path);
    wo.sorting_columns = parquet_sorting_;
    if (o_.auto_page_bytes) wo.page_bytes = AutoPageBytes(record_bytes_);
    FLOE_ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(std::move(file), out_schema_, wo));
    PendingOutput out;
    out.rel_path = rel;
    out.input = input;
    out.writer = std::move(writer);
    if (sorting()) out.sort = std::make_unique<SortBuffer>(sort_columns_);
    pending_.push_back(std::move(out));
    return pending_.size() - 1;
  }

  Status Publish() {
    if (table_mode()) return PublishTable();
    // 1. every file becomes visible (atomic rename each)
    std::map<size_t, std::vector<StateOutput>> outputs_by_input;
    for (PendingOutput& out : pending_) {
      FLOE_ASSIGN_OR_RETURN(auto md, out.writer->Close());
      out.bytes = out.writer->bytes_written();
      (void)md;
      report_.output_bytes += out.bytes;
      ++report_.output_files;
      outputs_by_input[out.input].push_back({out.rel_path, out.rows, out.bytes});
    }
    published_ = true;
    if (quarantine_) FLOE_RETURN_IF_ERROR(quarantine_->Publish());
    // 2. read back
    if (o_.verify) {
      for (const PendingOutput& out : pending_) {
        FLOE_RETURN_IF_ERROR(VerifyParquetFile(JoinUri(o_.output, out.rel_path), out.checksum));
      }
      report_.verified = true;
    }
    // 3. drop the replaced outputs of re-exported inputs
    size_t entry = 0;
    for (size_t i = 0; i < plan_.size(); ++i) {
      if (!plan_[i].export_it) continue;
      StateEntry& e = new_entries_[entry++];
      e.outputs = outputs_by_input[i];
      if (plan_[i].previous != nullptr) {
        std::set<std::string> now;
        for (const StateOutput& so : e.outputs) now.insert(so.path);
        for (const StateOutput& old : plan_[i].previous->outputs) {
          if (now.count(old.path) || claimed_.count(old.path)) continue;
          FLOE_RETURN_IF_ERROR(io::Delete(JoinUri(o_.output, old.path)));
          ++report_.outputs_removed;
        }
      }
    }
    // 4. the new state
    for (StateEntry& e : new_entries_) {
      if (e.path != "-") state_.Put(std::move(e));
    }
    state_.set_settings(settings_);
    return state_.Save(state_uri_);
  }

  Status PublishTable() {
    // Each re-exported input's earlier data files are replaced by its new ones, in one
    // commit with the appends of new inputs.
    std::vector<iceberg::DataFile> files;
    std::set<std::string> replaced;
    size_t entry = 0;
    for (size_t i = 0; i < plan_.size(); ++i) {
      if (!plan_[i].export_it) continue;
      StateEntry& e = new_entries_[entry++];
      for (const iceberg::DataFile& f : table_files_[i]) {
        e.outputs.push_back(
            {f.file_path, f.record_count, static_cast<uint64_t>(f.file_size_in_bytes)});
        report_.output_bytes += f.file_size_in_bytes;
        ++report_.output_files;
        files.push_back(f);
      }
      if (plan_[i].previous != nullptr) {
        for (const StateOutput& old : plan_[i].previous->outputs) replaced.insert(old.path);
      }
    }
    FLOE_ASSIGN_OR_RETURN(std::vector<std::string> removed, LiveOf(replaced));
    iceberg::WriteCommitOptions co;
    co.summary["floe.export.inputs"] = std::to_string(report_.inputs_exported);
    auto committed = iceberg::ReplaceFiles(*o_.catalog, table_id_, removed, std::move(files), co);
    if (!committed.ok()) {
      return committed.status().WithContext(fmt::format("commit to table {}", o_.table));
    }
    published_ = true;
    report_.outputs_removed += static_cast<int64_t>(removed.size());
    if (quarantine_) FLOE_RETURN_IF_ERROR(quarantine_->Publish());
    for (StateEntry& e : new_entries_) {
      if (e.path != "-") state_.Put(std::move(e));
    }
    for (size_t k = 0; k < input_reports_.size(); ++k) {
      InputReport& r = report_.inputs[input_reports_[k]];
      if (r.action == "exported") r.outputs = {fmt::format("table {}", o_.table)};
    }
    state_.set_settings(settings_);
    return state_.Save(state_uri_);
  }

  // The paths of `paths` that are live data files of the table now. The others were
  // removed or rewritten since (by compaction, a delete or by hand): their rows cannot be
  // replaced by file, which the report warns about.
  Result<std::vector<std::string>> LiveOf(const std::set<std::string>& paths) {
    std::vector<std::string> live;
    if (paths.empty()) return live;
    FLOE_ASSIGN_OR_RETURN(iceberg::LoadedTable t, o_.catalog->LoadTable(table_id_));
    std::set<std::string> current;
    if (t.metadata.CurrentSnapshot() != nullptr) {
      FLOE_ASSIGN_OR_RETURN(iceberg::ScanPlan plan,
                            iceberg::PlanScan(t.metadata, iceberg::ScanOptions{}));
      for (const iceberg::FileScanTask& task : plan.tasks) current.insert(task.data_file.file_path);
    }
    for (const std::string& p : paths) {
      if (current.count(p)) {
        live.push_back(p);
      } else {
        report_.warnings.push_back(fmt::format(
            "data file {} of an earlier export is no longer in table {} (compacted or "
            "deleted since); the rows it held, if rewritten elsewhere, were not replaced",
            p, o_.table));
      }
    }
    return live;
  }

  void Abort() {
    if (!published_) {
      for (PendingOutput& out : pending_) out.writer.reset();  // aborts: temp file removed
      if (table_writer_) (void)table_writer_->Abort();
      for (const auto& [input, files] : table_files_) {
        for (const iceberg::DataFile& f : files) (void)io::Delete(f.file_path);
      }
      if (quarantine_) quarantine_->Abort();
    }
  }

  const ExportOptions& o_;
  ExportReport report_;
  std::vector<InputFile> inputs_;
  std::vector<PlannedInput> plan_;
  std::vector<size_t> input_reports_;
  SchemaPtr read_schema_;
  SchemaPtr out_schema_;
  std::vector<DerivedColumn> derived_;
  OutputLayout layout_;
  int time_filter_column_ = -1;                         // -1: none
  std::vector<SortColumn> sort_columns_;                // empty: not sorted
  std::vector<parquet::SortedColumn> parquet_sorting_;  // the same, for the footer
  int64_t sort_buffered_bytes_ = 0;  // held by the sort buffers of the current input
  // In-memory bytes per record of the current input's first batch (AutoPageBytes).
  int64_t record_bytes_ = 0;
  std::string state_uri_;
  ExportState state_;
  std::string settings_;
  std::vector<StateEntry> new_entries_;
  std::vector<PendingOutput> pending_;
  std::map<std::string, size_t> claimed_;  // output rel path -> input index
  std::unique_ptr<Quarantine> quarantine_;
  bool published_ = false;
  // Table mode.
  iceberg::TableIdentifier table_id_;
  std::unique_ptr<iceberg::TableMetadata> table_metadata_;
  iceberg::DataFileWriterOptions table_writer_options_;
  std::unique_ptr<iceberg::DataFileWriter> table_writer_;  // the current input's
  std::unique_ptr<SortBuffer> table_sort_;                 // the current input's rows
  bool table_spilled_ = false;
  std::map<size_t, std::vector<iceberg::DataFile>> table_files_;  // plan index -> files
  std::optional<int32_t> table_sort_order_id_;  // when the rows follow the table's order
};

}  // namespace

int64_t AutoPageBytes(int64_t record_bytes) {
  constexpr int64_t kRecordsPerPage = 128;
  constexpr int64_t kMin = int64_t{1} << 20, kMax = int64_t{32} << 20;
  if (record_bytes <= 0 || record_bytes > kMax / kRecordsPerPage) {
    return record_bytes <= 0 ? kMin : kMax;
  }
  return std::clamp(record_bytes * kRecordsPerPage, kMin, kMax);
}

Result<Schema> ResolveExportSchema(const ExportOptions& options) {
  if (!options.schema_file.empty()) {
    FLOE_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(options.schema_file));
    auto s = ParseSchemaJson(text);
    if (!s.ok()) return s.status().WithContext(options.schema_file);
    return s;
  }
  FLOE_ASSIGN_OR_RETURN(auto inputs, DiscoverInputs(options.inputs, options.discover));
  if (inputs.empty()) return Status::InvalidArgument("no inputs to infer a schema from");
  return InferFromInput(inputs.front(), options);
}

Result<ExportReport> RunExport(const ExportOptions& options) {
  ExportRun run(options);
  return run.Run();
}

}  // namespace floe::exporter
