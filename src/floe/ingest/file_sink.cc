#include "floe/ingest/file_sink.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/columnar/column.h"
#include "floe/columnar/json_writer.h"
#include "floe/columnar/take.h"
#include "floe/format/parquet/compression.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/io/file.h"
#include "floe/io/object_store.h"

namespace floe::ingest {

using wal::Lsn;

namespace {

constexpr size_t kLsnDigits = 20;
// A marker larger than this is not one of ours (a commit lists its files: ~150 bytes each).
constexpr uint64_t kMaxMarkerBytes = uint64_t{16} << 20;
constexpr size_t kMaxFolderBytes = 512;
constexpr int64_t kSecondsPerDay = 86'400;

std::string_view Extension(SinkConfig::FileFormat format) {
  return format == SinkConfig::FileFormat::kParquet ? ".parquet" : ".ndjson";
}

// Parses exactly kLsnDigits decimal digits at the front of `*text`, consuming them.
bool ConsumeLsn(std::string_view* text, Lsn* out) {
  if (text->size() < kLsnDigits) return false;
  for (size_t i = 0; i < kLsnDigits; ++i) {
    if ((*text)[i] < '0' || (*text)[i] > '9') return false;
  }
  auto [end, ec] = std::from_chars(text->data(), text->data() + kLsnDigits, *out);
  if (ec != std::errc() || end != text->data() + kLsnDigits) return false;  // > 2^64 - 1
  text->remove_prefix(kLsnDigits);
  return true;
}

// "<start:020>-<end:020>" at the front of `*text`, consumed.
bool ConsumeRange(std::string_view* text, Lsn* start, Lsn* end) {
  if (!ConsumeLsn(text, start) || text->empty() || text->front() != '-') return false;
  text->remove_prefix(1);
  return ConsumeLsn(text, end);
}

std::optional<std::pair<Lsn, Lsn>> ParseMarkerName(std::string_view name) {
  Lsn start = 0, end = 0;
  if (!ConsumeRange(&name, &start, &end) || name != ".json") return std::nullopt;
  return std::make_pair(start, end);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// A strftime pattern over UTC time, and the coarsest time step at which its text can
// change (so rows are bucketed with one division and formatted once per bucket).
class FolderPattern {
 public:
  static Result<FolderPattern> Make(std::string_view pattern) {
    while (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
    while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
    FolderPattern p;
    p.pattern_ = std::string(pattern);
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == '\0') return Status::InvalidArgument("partition_pattern holds a NUL byte");
      if (pattern[i] != '%') continue;
      ++i;
      while (i < pattern.size() &&
             std::string_view("_-0^#EO").find(pattern[i]) != std::string_view::npos) {
        ++i;
      }
      while (i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9') ++i;
      if (i == pattern.size()) {
        return Status::InvalidArgument("partition_pattern '{}' ends inside a conversion", pattern);
      }
      const char c = pattern[i];
      if (std::string_view("%ntzZYyCGgmbBhdejaAuwUVWDFx").find(c) != std::string_view::npos) {
        continue;  // constant, or changes at most daily
      }
      if (std::string_view("HIklpP").find(c) != std::string_view::npos) {
        p.granularity_ = std::min<int64_t>(p.granularity_, 3600);
      } else if (c == 'M' || c == 'R') {
        p.granularity_ = std::min<int64_t>(p.granularity_, 60);
      } else {
        p.granularity_ = 1;  // seconds, or a conversion we do not classify
      }
    }
    // Check the shape of the folders it makes (every day of a 400-year cycle would be
    // thorough; the current time and the epoch catch the mistakes people make).
    for (int64_t seconds : {int64_t{0}, static_cast<int64_t>(std::time(nullptr))}) {
      FLOE_RETURN_IF_ERROR(p.Format(FloorDiv(seconds, p.granularity_)));
    }
    return p;
  }

  bool empty() const { return pattern_.empty(); }
  int64_t granularity() const { return granularity_; }

  // The folder of every second in [bucket, bucket + 1) * granularity().
  Result<std::string> Format(int64_t bucket) const {
    if (pattern_.empty()) return std::string();
    const time_t t = static_cast<time_t>(bucket * granularity_);
    struct tm tm;
    if (gmtime_r(&t, &tm) == nullptr) {
      return Status::InvalidArgument("time {} s is out of range for partition_pattern", t);
    }
    char buf[kMaxFolderBytes + 1];
    const size_t n = std::strftime(buf, sizeof buf, pattern_.c_str(), &tm);
    std::string_view folder(buf, n);
    if (n == 0) {
      return Status::InvalidArgument("partition_pattern '{}' makes an empty or too long folder",
                                     pattern_);
    }
    size_t begin = 0;
    while (begin <= folder.size()) {
      size_t slash = folder.find('/', begin);
      if (slash == std::string_view::npos) slash = folder.size();
      const std::string_view part = folder.substr(begin, slash - begin);
      if (part.empty() || part == "." || part == "..") {
        return Status::InvalidArgument(
            "partition_pattern '{}' makes folder '{}', which has an empty, '.' or '..' level",
            pattern_, folder);
      }
      begin = slash + 1;
    }
    return std::string(folder);
  }

 private:
  std::string pattern_;
  int64_t granularity_ = kSecondsPerDay;
};

// Where a row's time comes from: a timestamp column (any unit) or a date column.
struct TimeColumn {
  int index = -1;
  bool date = false;
  int64_t units_per_second = 1;

  bool IsValid(const RecordBatch& batch, int64_t row) const {
    return index >= 0 && batch.columns[static_cast<size_t>(index)]->IsValid(row);
  }
  int64_t Seconds(const RecordBatch& batch, int64_t row) const {
    const Column& c = *batch.columns[static_cast<size_t>(index)];
    if (date) return int64_t{c.Value<int32_t>(row)} * kSecondsPerDay;
    return FloorDiv(c.Value<int64_t>(row), units_per_second);
  }
};

Result<TimeColumn> FindTimeColumn(const floe::Schema& schema, const std::string& name) {
  TimeColumn t;
  t.index = schema.IndexOf(name);
  if (t.index < 0) return t;
  const DataType& type = *schema.fields[static_cast<size_t>(t.index)].type;
  if (type.id == TypeId::kDate) {
    t.date = true;
  } else if (type.id == TypeId::kTimestamp) {
    t.units_per_second = UnitsPerSecond(type.unit);
  } else {
    return Status::InvalidArgument("time field '{}' is {}, not a timestamp or date", name,
                                   type.ToString());
  }
  return t;
}

class FileSink final : public Sink {
 public:
  struct Setup {
    SchemaPtr input;
    std::shared_ptr<io::ObjectStore> store;
    std::string base;  // key prefix of the sink's tree: "" or ending in '/'
    std::string log_id;
    SinkConfig::FileFormat format = SinkConfig::FileFormat::kParquet;
    std::string file_prefix;
    parquet::WriterOptions parquet;
    int64_t max_file_bytes = 0;
    FolderPattern pattern;
    TimeColumn time;
    TimeColumn arrival;
  };

  FileSink(std::string name, Setup setup, Lsn committed, std::vector<std::string> markers,
           std::string own_marker)
      : Sink(std::move(name)),
        s_(std::move(setup)),
        markers_prefix_(s_.base + std::string(kCommitMarkerFolder) + "/"),
        committed_(committed),
        written_(committed),
        markers_(std::move(markers)),
        own_marker_(std::move(own_marker)) {}

  Lsn committed_lsn() const override { return committed_; }
  Lsn written_lsn() const override { return written_; }
  int64_t pending_rows() const override { return pending_rows_; }
  int64_t pending_bytes() const override {
    int64_t n = 0;
    for (const Folder& f : folders_) {
      n += OpenBytes(f);
      for (const PendingFile& p : f.closed) n += static_cast<int64_t>(p.bytes.size());
    }
    return n;
  }

  Status Write(const RecordBatch& batch, Lsn end_lsn) override {
    if (failed_) {
      return Status::InvalidArgument("{}: an earlier write failed; Abort first", Where());
    }
    if (end_lsn < written_ || end_lsn <= committed_) {
      return Status::InvalidArgument(
          "{}: write ending at {} after position {} (committed {}); positions must grow", Where(),
          end_lsn, written_, committed_);
    }
    if (batch.columns.size() != s_.input->fields.size()) {
      return Status::InvalidArgument("{}: batch has {} columns, the input schema {}", Where(),
                                     batch.columns.size(), s_.input->fields.size());
    }
    if (batch.num_rows > 0) {
      Status s = WriteRows(batch);
      if (!s.ok()) {
        failed_ = true;
        return s.WithContext(Where());
      }
    }
    written_ = end_lsn;
    return Status::OK();
  }

  Result<SinkCommitStats> Commit() override {
    if (failed_) {
      return Status::InvalidArgument("{}: an earlier write failed; Abort first", Where());
    }
    SinkCommitStats stats;
    stats.start_lsn = committed_;
    FLOE_RETURN_IF_ERROR(SettleEarlierFailure());
    const Lsn start = committed_;
    const Lsn end = written_;
    if (pending_rows_ == 0) {
      // The writes since the last commit carried no rows: nothing to publish, and the
      // position advances (a replay of those records would add nothing either).
      DropPending();
      committed_ = written_ = end;
      stats.end_lsn = end;
      return stats;
    }
    for (Folder& f : folders_) {
      Status s = CloseFile(f);
      if (!s.ok()) {
        DropPending();
        return s.WithContext(Where());
      }
    }

    // Data files first, each created only if absent...
    std::vector<std::string> published;
    nlohmann::json files = nlohmann::json::array();
    for (Folder& f : folders_) {
      for (size_t i = 0; i < f.closed.size(); ++i) {
        PendingFile& file = f.closed[i];
        const std::string name =
            FileSinkDataFileName(s_.file_prefix, start, end, static_cast<int>(i) + 1, s_.format);
        const std::string path = f.path.empty() ? name : f.path + "/" + name;
        const std::string key = s_.base + path;
        Status s = s_.store->PutIfAbsent(key, file.bytes);
        if (!s.ok()) {
          if (s.IsAlreadyExists()) {
            s = Status::AlreadyExists(
                "{}: data file {} already exists (left by an earlier attempt at this commit); "
                "not overwriting it: reopen the sink to remove leftovers",
                Where(), s_.store->UriOf(key));
          } else {
            published.push_back(key);  // an error does not prove the object is absent
            s = s.WithContext(fmt::format("{}: writing {}", Where(), s_.store->UriOf(key)));
          }
          RemoveOrRemember(std::move(published));
          DropPending();
          return s;
        }
        published.push_back(key);
        const int64_t bytes = static_cast<int64_t>(file.bytes.size());
        files.push_back({{"path", path}, {"rows", file.rows}, {"bytes", bytes}});
        stats.rows += file.rows;
        stats.bytes += bytes;
        ++stats.files;
        std::string().swap(file.bytes);  // published: free the memory now
      }
    }

    // ...then the marker, which makes them the commit.
    const nlohmann::json marker = {{"log_id", s_.log_id},
                                   {"sink", name()},
                                   {"start_lsn", start},
                                   {"end_lsn", end},
                                   {"files", std::move(files)}};
    const std::string text = marker.dump();
    const std::string marker_key = markers_prefix_ + FileSinkMarkerName(start, end);
    if (Status s = s_.store->PutIfAbsent(marker_key, text); !s.ok()) {
      // The put may have landed with its answer lost: the marker decides.
      Result<std::string> stored = s_.store->Get(marker_key);
      if (!stored.ok() || *stored != text) {
        if (stored.ok() || stored.status().IsNotFound()) {
          RemoveOrRemember(std::move(published));
        } else {
          uncertain_ = Uncertain{marker_key, text, end, std::move(published)};
        }
        DropPending();
        return s.WithContext(
            fmt::format("{}: writing commit marker {}", Where(), s_.store->UriOf(marker_key)));
      }
    }
    committed_ = end;
    DropPending();
    AddMarker(marker_key);
    stats.end_lsn = end;
    return stats;
  }

  void Abort() override {
    DropPending();
    failed_ = false;
  }

  // Deletes the oldest markers beyond kCommitMarkersKept, except the one committed_lsn()
  // comes from. Best effort: a failure is retried after the next commit.
  void TrimMarkers() {
    if (markers_.size() <= kCommitMarkersKept) return;
    const size_t excess = markers_.size() - kCommitMarkersKept;
    std::vector<std::string> drop;
    for (const std::string& key : markers_) {
      if (drop.size() == excess) break;
      if (key != own_marker_) drop.push_back(key);
    }
    if (!s_.store->DeleteMany(drop).ok()) return;
    std::erase_if(markers_, [&](const std::string& key) {
      return std::binary_search(drop.begin(), drop.end(), key);
    });
  }

 private:
  struct PendingFile {
    std::string bytes;
    int64_t rows = 0;
  };
  // The pending output of one partition folder.
  struct Folder {
    std::string path;  // relative to the sink's URI; "" without a pattern
    std::unique_ptr<parquet::FileWriter> parquet;
    io::BufferSink* parquet_out = nullptr;  // owned by `parquet`
    std::string ndjson;
    int64_t open_rows = 0;            // rows in the open file
    std::vector<PendingFile> closed;  // finished files, in order (n = 1, 2, ...)
    std::vector<RowRange> ranges;     // scratch: this folder's rows of the current batch
  };
  // A commit whose marker put failed and whose marker could not be read back.
  struct Uncertain {
    std::string marker_key;
    std::string marker_text;
    Lsn end = 0;
    std::vector<std::string> files;
  };

  std::string Where() const {
    return fmt::format("sink '{}' ({})", name(), s_.store->UriOf(s_.base));
  }

  int64_t OpenBytes(const Folder& f) const {
    if (f.parquet != nullptr) {
      return static_cast<int64_t>(f.parquet->bytes_written()) + f.parquet->buffered_bytes();
    }
    return static_cast<int64_t>(f.ndjson.size());
  }

  // The pending folder of time bucket `bucket`, created on first use.
  Result<int32_t> FolderOf(int64_t bucket) {
    auto it = folder_of_bucket_.find(bucket);
    if (it != folder_of_bucket_.end()) return it->second;
    FLOE_ASSIGN_OR_RETURN(std::string path, s_.pattern.Format(bucket));
    // Different buckets may format alike (a pattern coarser than its granularity guess).
    int32_t index = -1;
    for (size_t i = 0; i < folders_.size() && index < 0; ++i) {
      if (folders_[i].path == path) index = static_cast<int32_t>(i);
    }
    if (index < 0) {
      index = static_cast<int32_t>(folders_.size());
      folders_.emplace_back().path = std::move(path);
    }
    folder_of_bucket_.emplace(bucket, index);
    return index;
  }

  Status WriteRows(const RecordBatch& batch) {
    if (s_.pattern.empty()) {
      FLOE_ASSIGN_OR_RETURN(int32_t only, FolderOf(0));
      return WriteToFolder(folders_[static_cast<size_t>(only)], batch);
    }
    // The folder of every row: one division per row, a lookup per change of bucket.
    const int64_t n = batch.num_rows;
    row_folder_.resize(static_cast<size_t>(n));
    const int64_t granularity = s_.pattern.granularity();
    int64_t last_bucket = 0;
    int32_t folder = -1;
    bool mixed = false;
    for (int64_t r = 0; r < n; ++r) {
      int64_t seconds = 0;
      if (s_.time.IsValid(batch, r)) {
        seconds = s_.time.Seconds(batch, r);
      } else if (s_.arrival.IsValid(batch, r)) {
        seconds = s_.arrival.Seconds(batch, r);
      }
      const int64_t bucket = FloorDiv(seconds, granularity);
      if (folder < 0 || bucket != last_bucket) {
        FLOE_ASSIGN_OR_RETURN(int32_t f, FolderOf(bucket));
        mixed |= folder >= 0 && f != row_folder_[0];
        folder = f;
        last_bucket = bucket;
      }
      row_folder_[static_cast<size_t>(r)] = folder;
    }
    if (!mixed) return WriteToFolder(folders_[static_cast<size_t>(row_folder_[0])], batch);

    // Rows of each folder as ranges (runs of consecutive rows), then one take per folder.
    touched_.clear();
    for (int64_t r = 0; r < n; ++r) {
      const int32_t f = row_folder_[static_cast<size_t>(r)];
      std::vector<RowRange>& ranges = folders_[static_cast<size_t>(f)].ranges;
      if (ranges.empty()) touched_.push_back(f);
      if (!ranges.empty() && ranges.back().end == r) {
        ++ranges.back().end;
      } else {
        ranges.push_back(RowRange{r, r + 1});
      }
    }
    Status status;
    for (int32_t f : touched_) {
      Folder& folder_ref = folders_[static_cast<size_t>(f)];
      if (status.ok()) {
        RecordBatch part;
        part.schema = batch.schema;
        part.num_rows = CountRows(folder_ref.ranges);
        part.columns.reserve(batch.columns.size());
        for (const ColumnPtr& c : batch.columns) {
          part.columns.push_back(TakeRanges(*c, folder_ref.ranges));
        }
        status = WriteToFolder(folder_ref, part);
      }
      folder_ref.ranges.clear();
    }
    return status;
  }

  Status WriteToFolder(Folder& f, const RecordBatch& part) {
    if (s_.format == SinkConfig::FileFormat::kParquet) {
      if (f.parquet == nullptr) {
        auto out = std::make_unique<io::BufferSink>(
            s_.store->UriOf(s_.base + (f.path.empty() ? "" : f.path + "/")) + "(pending)");
        io::BufferSink* raw = out.get();
        FLOE_ASSIGN_OR_RETURN(f.parquet,
                              parquet::FileWriter::Open(std::move(out), s_.input, s_.parquet));
        f.parquet_out = raw;
      }
      FLOE_RETURN_IF_ERROR(f.parquet->Write(part));
    } else {
      AppendBatchJsonLines(part, &f.ndjson);
    }
    f.open_rows += part.num_rows;
    pending_rows_ += part.num_rows;
    if (OpenBytes(f) >= s_.max_file_bytes) return CloseFile(f);
    return Status::OK();
  }

  // Finishes the folder's open file (if any) into its list of closed files.
  Status CloseFile(Folder& f) {
    if (f.open_rows == 0) return Status::OK();
    PendingFile file;
    file.rows = f.open_rows;
    if (f.parquet != nullptr) {
      FLOE_RETURN_IF_ERROR(f.parquet->Close());
      file.bytes = std::move(f.parquet_out->buffer());
      f.parquet.reset();
      f.parquet_out = nullptr;
    } else {
      file.bytes = std::move(f.ndjson);
      f.ndjson.clear();
    }
    f.open_rows = 0;
    f.closed.push_back(std::move(file));
    return Status::OK();
  }

  void DropPending() {
    folders_.clear();  // open Parquet writers abort their (in-memory) output
    folder_of_bucket_.clear();
    pending_rows_ = 0;
    written_ = committed_;
  }

  // Deletes the data files of a failed commit; those that cannot be deleted now are
  // deleted before the next commit (which fails while they remain: a later commit of the
  // same rows under another range would otherwise show them twice).
  void RemoveOrRemember(std::vector<std::string> keys) {
    if (keys.empty()) return;
    if (!s_.store->DeleteMany(keys).ok()) {
      orphans_.insert(orphans_.end(), keys.begin(), keys.end());
    }
  }

  // Settles what a failed commit left before committing again.
  Status SettleEarlierFailure() {
    if (uncertain_) {
      Result<std::string> stored = s_.store->Get(uncertain_->marker_key);
      if (stored.ok() && *stored == uncertain_->marker_text) {
        // It landed after all: the pending rows (replayed from before it) would repeat
        // rows it holds. Drop them; the caller replays from the new position.
        committed_ = uncertain_->end;
        AddMarker(uncertain_->marker_key);
        uncertain_.reset();
        DropPending();
        return Status::Internal(
            "{}: the commit up to {} reported an error but its marker is in place; pending "
            "rows dropped, replay from {}",
            Where(), committed_, committed_);
      }
      if (!stored.ok() && !stored.status().IsNotFound()) {
        return stored.status().WithContext(
            fmt::format("{}: reading the marker of an earlier failed commit", Where()));
      }
      orphans_.insert(orphans_.end(), uncertain_->files.begin(), uncertain_->files.end());
      uncertain_.reset();
    }
    if (!orphans_.empty()) {
      Status s = s_.store->DeleteMany(orphans_);
      if (!s.ok()) {
        return s.WithContext(fmt::format("{}: removing the files of a failed commit", Where()));
      }
      orphans_.clear();
    }
    return Status::OK();
  }

  void AddMarker(const std::string& key) {
    markers_.insert(std::lower_bound(markers_.begin(), markers_.end(), key), key);
    own_marker_ = key;
    TrimMarkers();
  }

 private:
  const Setup s_;
  const std::string markers_prefix_;
  Lsn committed_ = 0;
  Lsn written_ = 0;
  int64_t pending_rows_ = 0;
  bool failed_ = false;

  std::vector<Folder> folders_;
  std::unordered_map<int64_t, int32_t> folder_of_bucket_;
  std::vector<int32_t> row_folder_;  // scratch: the folder of each row of a batch
  std::vector<int32_t> touched_;     // scratch: folders of a batch, first appearance order

  std::vector<std::string> markers_;  // every marker key under the URI, ascending
  std::string own_marker_;            // the marker committed_ comes from ("" when none)
  std::vector<std::string> orphans_;
  std::optional<Uncertain> uncertain_;
};

struct MarkerEntry {
  std::string key;
  Lsn start = 0;
  Lsn end = 0;
  uint64_t size = 0;
};

// Reads a marker's log id and sink; Corruption when it is not a marker of the shape
// file_sink.h describes or disagrees with its name.
Status ReadMarker(io::ObjectStore& store, const MarkerEntry& m, std::string* log_id,
                  std::string* sink) {
  const std::string uri = store.UriOf(m.key);
  if (m.size > kMaxMarkerBytes) {
    return Status::Corruption("commit marker {}: {} bytes, more than a marker holds", uri, m.size);
  }
  FLOE_ASSIGN_OR_RETURN(std::string text, store.Get(m.key));
  if (text.size() > kMaxMarkerBytes) {
    return Status::Corruption("commit marker {}: {} bytes, more than a marker holds", uri,
                              text.size());
  }
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto fail = [&](std::string_view what) {
    return Status::Corruption("commit marker {}: {}", uri, what);
  };
  if (!j.is_object()) return fail("not a JSON object");
  auto log = j.find("log_id");
  auto name = j.find("sink");
  auto start = j.find("start_lsn");
  auto end = j.find("end_lsn");
  if (log == j.end() || !log->is_string() || name == j.end() || !name->is_string()) {
    return fail("no string members \"log_id\" and \"sink\"");
  }
  if (start == j.end() || !start->is_number_unsigned() || end == j.end() ||
      !end->is_number_unsigned() || start->get<Lsn>() != m.start || end->get<Lsn>() != m.end) {
    return fail("\"start_lsn\" and \"end_lsn\" do not match its name");
  }
  *log_id = log->get<std::string>();
  *sink = name->get<std::string>();
  return Status::OK();
}

}  // namespace

std::string FileSinkDataFileName(std::string_view prefix, Lsn start, Lsn end, int n,
                                 SinkConfig::FileFormat format) {
  std::string name = fmt::format("{}{:020}-{:020}", prefix, start, end);
  if (n > 1) name += fmt::format("-{}", n);
  name += Extension(format);
  return name;
}

std::string FileSinkMarkerName(Lsn start, Lsn end) {
  return fmt::format("{:020}-{:020}.json", start, end);
}

std::optional<FileSinkDataFileParts> ParseFileSinkDataFileName(std::string_view name,
                                                               std::string_view prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  FileSinkDataFileParts parts;
  if (!ConsumeRange(&name, &parts.start, &parts.end)) return std::nullopt;
  if (!name.starts_with('-')) {
    parts.n = 1;
  } else {
    name.remove_prefix(1);
    const char* first = name.data();
    auto [p, ec] = std::from_chars(first, first + name.size(), parts.n);
    if (ec != std::errc() || p == first || *first == '0' || parts.n < 2) return std::nullopt;
    name.remove_prefix(static_cast<size_t>(p - first));
  }
  if (name != ".parquet" && name != ".ndjson") return std::nullopt;
  return parts;
}

Result<std::unique_ptr<Sink>> OpenFileSink(const SinkConfig& config, SchemaPtr input_schema,
                                           const Sink::Context& context) {
  const std::string sink = fmt::format("sink '{}'", config.name);
  if (input_schema == nullptr) return Status::InvalidArgument("{}: no input schema", sink);
  if (config.max_file_mb <= 0) {
    return Status::InvalidArgument("{}: max_file_mb must be positive, got {}", sink,
                                   config.max_file_mb);
  }
  if (config.file_prefix.find('/') != std::string::npos) {
    return Status::InvalidArgument("{}: file_prefix '{}' may not contain '/'", sink,
                                   config.file_prefix);
  }
  FileSink::Setup s;
  s.input = input_schema;
  s.log_id = context.log_id;
  s.format = config.format;
  s.file_prefix = config.file_prefix;
  s.max_file_bytes = config.max_file_mb << 20;
  Result<FolderPattern> pattern = FolderPattern::Make(config.partition_pattern);
  if (!pattern.ok()) return pattern.status().WithContext(sink);
  s.pattern = std::move(*pattern);

  // The time rows are filed by.
  Result<TimeColumn> arrival = FindTimeColumn(*input_schema, "arrival_time");
  if (!arrival.ok()) return arrival.status().WithContext(sink);
  s.arrival = *arrival;
  if (!config.time_field.empty()) {
    Result<TimeColumn> time = FindTimeColumn(*input_schema, config.time_field);
    if (!time.ok()) return time.status().WithContext(sink);
    if (time->index < 0) {
      return Status::InvalidArgument("{}: time_field '{}' is not a column of the input", sink,
                                     config.time_field);
    }
    s.time = *time;
  } else {
    s.time = s.arrival;
    if (s.time.index < 0 && !s.pattern.empty()) {
      return Status::InvalidArgument(
          "{}: the input has no arrival_time column to file rows by; set time_field", sink);
    }
  }

  if (config.format == SinkConfig::FileFormat::kParquet) {
    Result<std::pair<parquet::CompressionCodec, int>> codec =
        parquet::ParseCompression(config.compression);
    if (!codec.ok()) return codec.status().WithContext(sink + ": compression");
    s.parquet.compression = codec->first;
    s.parquet.compression_level = codec->second;
    s.parquet.row_group_bytes = std::min(s.parquet.row_group_bytes, s.max_file_bytes);
    // The schema must make a Parquet file: find out now rather than at the first row.
    Result<std::unique_ptr<parquet::FileWriter>> probe =
        parquet::FileWriter::Open(std::make_unique<io::BufferSink>(), input_schema, s.parquet);
    if (!probe.ok()) return probe.status().WithContext(sink);
  }

  Result<io::ResolvedUri> resolved = io::ResolveUri(config.uri);
  if (!resolved.ok()) return resolved.status().WithContext(sink);
  s.store = std::move(resolved->store);
  std::string key = std::move(resolved->key);
  while (!key.empty() && key.back() == '/') key.pop_back();
  s.base = key.empty() ? "" : key + "/";
  const std::string where = fmt::format("{} ({})", sink, s.store->UriOf(s.base));
  io::ObjectStore& store = *s.store;

  // The position: the newest marker of this log and sink.
  const std::string markers_prefix = s.base + std::string(kCommitMarkerFolder) + "/";
  Result<std::vector<io::ObjectInfo>> listed = store.List(markers_prefix);
  if (!listed.ok()) return listed.status().WithContext(where + ": listing commit markers");
  std::vector<MarkerEntry> markers;
  for (io::ObjectInfo& o : *listed) {
    const auto range = ParseMarkerName(std::string_view(o.key).substr(markers_prefix.size()));
    if (range) markers.push_back({std::move(o.key), range->first, range->second, o.size});
  }
  std::vector<const MarkerEntry*> newest_first;
  for (const MarkerEntry& m : markers) newest_first.push_back(&m);
  std::sort(newest_first.begin(), newest_first.end(),
            [](const MarkerEntry* a, const MarkerEntry* b) {
              return a->end != b->end ? a->end > b->end : a->start > b->start;
            });
  Lsn committed = 0;
  std::string own_marker;
  for (const MarkerEntry* m : newest_first) {
    std::string log_id, marker_sink;
    Status st = ReadMarker(store, *m, &log_id, &marker_sink);
    if (!st.ok()) return st.WithContext(where);
    if (log_id == context.log_id && marker_sink == config.name) {
      committed = m->end;
      own_marker = m->key;
      break;
    }
  }

  // Leftovers: this sink's data files from its position on that no marker names.
  std::set<std::pair<Lsn, Lsn>> marked;
  for (const MarkerEntry& m : markers) marked.emplace(m.start, m.end);
  Result<std::vector<io::ObjectInfo>> tree = store.List(s.base);
  if (!tree.ok()) return tree.status().WithContext(where + ": listing data files");
  std::vector<std::string> leftovers;
  for (const io::ObjectInfo& o : *tree) {
    if (o.key.starts_with(markers_prefix)) continue;
    const size_t slash = o.key.rfind('/');
    const std::string_view file = slash == std::string::npos
                                      ? std::string_view(o.key)
                                      : std::string_view(o.key).substr(slash + 1);
    const auto parts = ParseFileSinkDataFileName(file, config.file_prefix);
    if (parts && parts->start >= committed && !marked.contains({parts->start, parts->end})) {
      leftovers.push_back(o.key);
    }
  }
  if (!leftovers.empty()) {
    Status st = store.DeleteMany(leftovers);
    if (!st.ok()) {
      return st.WithContext(fmt::format("{}: removing {} data files of an unfinished commit", where,
                                        leftovers.size()));
    }
  }

  std::vector<std::string> marker_keys;
  marker_keys.reserve(markers.size());
  for (MarkerEntry& m : markers) marker_keys.push_back(std::move(m.key));
  std::sort(marker_keys.begin(), marker_keys.end());
  auto out = std::make_unique<FileSink>(config.name, std::move(s), committed,
                                        std::move(marker_keys), std::move(own_marker));
  out->TrimMarkers();
  return std::unique_ptr<Sink>(std::move(out));
}

}  // namespace floe::ingest
