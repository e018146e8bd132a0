#include "floe/ingest/service.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"
#include "floe/iceberg/sqlite_catalog.h"
#include "floe/ingest/sink.h"
#include "floe/wal/wal.h"
#include "floe/wal/wal_reader.h"
#include "floe/wal/wal_segment.h"

namespace floe::ingest {

namespace {

using Clock = std::chrono::steady_clock;
using wal::Lsn;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IsoNow() {
  const int64_t us = NowMicros();
  const std::time_t t = static_cast<std::time_t>(us / 1000000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>((us / 1000) % 1000));
}

// Structured logs: one JSON object per line on stderr.
void Log(std::string_view level, std::string_view message, nlohmann::json fields = {}) {
  nlohmann::json line = {{"ts", IsoNow()}, {"level", level}, {"msg", message}};
  if (fields.is_object()) line.update(fields);
  std::fprintf(stderr, "%s\n",
               line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

// Log stream ids: FNV-1a of the stream's name (dead letters: of name + "#dead-letter"), so
// a record keeps its meaning across restarts and config edits that add streams.
uint32_t LogStreamId(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// Copies `bytes` as valid UTF-8: each byte that does not start a well-formed sequence
// becomes U+FFFD. Dead-letter records keep the raw text of records rejected for bad UTF-8.
std::string ToValidUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok) {
      static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (ok) {
      out.append(bytes.data() + i, len);
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

SchemaPtr DeadLetterSchema() {
  static const SchemaPtr schema = [] {
    auto s = std::make_shared<Schema>();
    s->fields = {Field{"stream", types::String(), false, -1},
                 Field{"index", types::Int64(), false, -1},
                 Field{"field", types::String(), true, -1},
                 Field{"error", types::String(), false, -1},
                 Field{"record", types::String(), true, -1},
                 Field{"arrival_time", types::Timestamp(TimeUnit::kMicro, true), false, -1}};
    return SchemaPtr(s);
  }();
  return schema;
}

// Selects `fields` of `schema`, in that order (empty: all).
Result<SchemaPtr> ProjectSchema(const SchemaPtr& schema, const std::vector<std::string>& fields,
                                std::string_view pipeline) {
  if (fields.empty()) return schema;
  auto out = std::make_shared<Schema>();
  for (const std::string& name : fields) {
    const auto it = std::find_if(schema->fields.begin(), schema->fields.end(),
                                 [&](const Field& f) { return f.name == name; });
    if (it == schema->fields.end()) {
      return Status::InvalidArgument("pipeline {}: the stream has no field '{}'", pipeline, name);
    }
    out->fields.push_back(*it);
  }
  return SchemaPtr(out);
}

Result<std::string> ReadOrCreateLogId(const std::string& wal_dir) {
  const std::string path = wal_dir + "/log-id";
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[64] = {};
    const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    std::string id(buf, n);
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    if (id.empty()) return Status::Corruption("{}: empty log id", path);
    return id;
  }
  uint8_t bytes[16];
  FILE* r = std::fopen("/dev/urandom", "rb");
  if (r == nullptr || std::fread(bytes, 1, sizeof(bytes), r) != sizeof(bytes)) {
    if (r) std::fclose(r);
    return Status::IOError("cannot read /dev/urandom for the log id");
  }
  std::fclose(r);
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  std::string id;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
    id += fmt::format("{:02x}", bytes[i]);
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot create {}", tmp);
  const std::string text = id + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError("cannot write {}", path);
  }
  FLOE_RETURN_IF_ERROR(wal::SyncDirectory(wal_dir));
  return id;
}

constexpr std::array<double, 13> kCommitBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                   1,     2.5,  5,     10,   30,  60};

struct QueuedRecord {
  Lsn end_lsn = 0;
  std::shared_ptr<const std::string> payload;
};

std::shared_ptr<const std::string> CopyPayload(const wal::WalRecord& record) {
  return std::make_shared<const std::string>(reinterpret_cast<const char*>(record.payload.data()),
                                             record.payload.size());
}

struct StreamState {
  const StreamConfig* config = nullptr;
  std::shared_ptr<const StreamValidator> validator;
  uint32_t log_stream = 0;
  uint32_t dead_letter_log_stream = 0;
  std::atomic<uint64_t> requests{0}, accepted{0}, rejected{0}, bytes_accepted{0}, bytes_rejected{0},
      dead_lettered{0};
};

// One sink with the queue of log records routed to it and the thread that applies them.
struct Pipeline {
  std::string name;
  const SinkConfig* config = nullptr;
  SchemaPtr input_schema;
  std::unique_ptr<Sink> sink;
  std::vector<uint32_t> log_streams;  // the log stream ids it takes
  std::vector<std::string> streams;   // their stream names (for Flush)

  std::mutex mu;
  std::condition_variable wake;     // worker: records, flush, stop
  std::condition_variable flushed;  // Flush waiters
  std::deque<QueuedRecord> queue;
  uint64_t queued_bytes = 0;
  Lsn enqueued_lsn = 0;      // end of the last record queued
  Lsn flush_target = 0;      // commit once applied through this
  Lsn flushed_lsn = 0;       // the last flush target reached
  Lsn committed_lsn = 0;     // mirror of sink->committed_lsn()
  bool uncommitted = false;  // records taken from the queue and not committed yet
  bool stop = false;
  bool abandon = false;  // stop at once, commit nothing (the log keeps it)
  std::string error;     // the last failure, cleared by a successful commit
  uint64_t failures = 0;
  std::thread worker;
  Lsn last_applied_lsn = 0;  // worker only: end of the last record given to the sink

  std::atomic<uint64_t> rows_written{0}, files_written{0}, bytes_written{0}, commits{0},
      pending_rows{0};
  std::array<std::atomic<uint64_t>, kCommitBuckets.size() + 1> commit_buckets{};
  std::atomic<uint64_t> commit_micros_total{0};

  // Under mu: everything routed here is committed, so the log may move past it.
  bool Idle() const { return queue.empty() && !uncommitted; }
  // Under mu: log bytes between the committed position and `appended` (0 when idle).
  uint64_t LagBytes(Lsn appended) const {
    return Idle() || appended < committed_lsn ? 0 : appended - committed_lsn;
  }
};

}  // namespace

struct IngestService::Impl {
  IngestConfig config;
  std::unique_ptr<iceberg::SqliteCatalog> catalog;
  std::unique_ptr<wal::Wal> log;
  std::string log_id;
  std::map<std::string, std::unique_ptr<StreamState>, std::less<>> streams;
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  std::map<uint32_t, std::vector<Pipeline*>> routes;  // log stream id -> pipelines

  std::mutex append_mu;  // orders log appends and queue pushes alike
  Lsn appended_lsn = 0;  // end of the last record appended (under append_mu)
  std::atomic<bool> closing{false};
  std::atomic<uint64_t> queued_bytes_total{0};
  std::mutex release_mu;

  Status Start();
  Status Replay();
  IngestReply Ingest(std::string_view stream, std::string_view body, BodyFormat format);
  Result<nlohmann::json> Flush(std::string_view stream);
  void Run(Pipeline* p);
  Status Apply(Pipeline* p, const std::vector<QueuedRecord>& records);
  bool CommitPipeline(Pipeline* p);
  Status ReapplyFromLog(Pipeline* p, Lsn from, Lsn to);
  Status ReadLog(Lsn from, Lsn to, const std::function<Status(const wal::WalRecord&)>& fn);
  void Fail(Pipeline* p, const Status& status, std::string_view during);
  void Release();
  void StopWorkers();
  Status Enqueue(Pipeline* p, Lsn end_lsn, std::shared_ptr<const std::string> payload);
};

IngestService::IngestService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IngestService::~IngestService() {
  if (impl_) impl_->StopWorkers();
}

const IngestConfig& IngestService::config() const { return impl_->config; }

Result<std::unique_ptr<IngestService>> IngestService::Open(const IngestConfig& config) {
  FLOE_RETURN_IF_ERROR(ValidateConfig(config));
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  FLOE_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<IngestService>(new IngestService(std::move(impl)));
}

Status IngestService::Impl::Start() {
  iceberg::SqliteCatalogOptions catalog_options;
  catalog_options.warehouse = config.server.warehouse;
  FLOE_ASSIGN_OR_RETURN(catalog, iceberg::SqliteCatalog::Open(catalog_options));

  const std::string wal_dir = config.server.ResolvedWalDir();
  std::error_code ec;
  std::filesystem::create_directories(wal_dir, ec);
  if (ec) return Status::IOError("cannot create the log directory {}: {}", wal_dir, ec.message());
  wal::WalOptions wal_options;
  const uint64_t record_limit =
      static_cast<uint64_t>(config.server.max_request_bytes) * 4 + (1 << 20);
  wal_options.max_record_bytes =
      static_cast<uint32_t>(std::min<uint64_t>(record_limit, wal::kMaxPayloadBytes));
  FLOE_ASSIGN_OR_RETURN(log, wal::Wal::Open(wal_dir, wal_options));
  FLOE_ASSIGN_OR_RETURN(log_id, ReadOrCreateLogId(wal_dir));
  const wal::WalRecoveryInfo& recovery = log->recovery();
  Log("info", "log opened",
      {{"dir", wal_dir},
       {"log_id", log_id},
       {"segments", recovery.segments},
       {"end_lsn", recovery.end_lsn},
       {"tail_cut", recovery.tail_cut},
       {"cut_reason", recovery.cut_reason}});
  appended_lsn = log->next_lsn();

  std::map<uint32_t, std::string> ids;
  auto claim = [&ids](uint32_t id, const std::string& what) -> Status {
    auto [it, fresh] = ids.emplace(id, what);
    if (!fresh) {
      return Status::InvalidArgument("streams '{}' and '{}' share a log id; rename one", it->second,
                                     what);
    }
    return Status::OK();
  };
  ValidatorLimits limits;
  limits.max_depth = config.server.max_depth;
  for (const StreamConfig& sc : config.streams) {
    auto state = std::make_unique<StreamState>();
    state->config = &sc;
    FLOE_ASSIGN_OR_RETURN(state->validator, StreamValidator::Make(sc, limits));
    state->log_stream = LogStreamId(sc.name);
    state->dead_letter_log_stream = LogStreamId(sc.name + "#dead-letter");
    FLOE_RETURN_IF_ERROR(claim(state->log_stream, sc.name));
    FLOE_RETURN_IF_ERROR(claim(state->dead_letter_log_stream, sc.name + " (dead letters)"));
    streams.emplace(sc.name, std::move(state));
  }

  Sink::Context context;
  context.catalog = catalog.get();
  context.log_id = log_id;
  auto open_pipeline = [&](const SinkConfig& sink_config, SchemaPtr schema) -> Result<Pipeline*> {
    auto p = std::make_unique<Pipeline>();
    p->name = sink_config.name;
    p->config = &sink_config;
    p->input_schema = schema;
    auto sink = Sink::Open(sink_config, schema, context);
    if (!sink.ok()) return sink.status().WithContext(fmt::format("sink {}", sink_config.name));
    p->sink = std::move(*sink);
    p->committed_lsn = p->sink->committed_lsn();
    p->flushed_lsn = p->committed_lsn;
    p->last_applied_lsn = p->committed_lsn;
    pipelines.push_back(std::move(p));
    return pipelines.back().get();
  };
  for (const PipelineConfig& pc : config.pipelines) {
    StreamState& stream = *streams.find(pc.stream)->second;
    const SinkConfig* sink_config = config.FindSink(pc.sink);
    FLOE_ASSIGN_OR_RETURN(SchemaPtr schema,
                          ProjectSchema(stream.validator->schema(), pc.fields,
                                        fmt::format("{} -> {}", pc.stream, pc.sink)));
    FLOE_ASSIGN_OR_RETURN(Pipeline * p, open_pipeline(*sink_config, schema));
    p->log_streams.push_back(stream.log_stream);
    p->streams.push_back(pc.stream);
    routes[stream.log_stream].push_back(p);
  }
  std::map<std::string, Pipeline*> dead_letter_pipelines;
  for (const StreamConfig& sc : config.streams) {
    if (sc.invalid_records != InvalidRecords::kDeadLetter) continue;
    Pipeline*& p = dead_letter_pipelines[sc.dead_letter_sink];
    if (p == nullptr) {
      FLOE_ASSIGN_OR_RETURN(
          p, open_pipeline(*config.FindSink(sc.dead_letter_sink), DeadLetterSchema()));
    }
    const uint32_t id = streams.find(sc.name)->second->dead_letter_log_stream;
    p->log_streams.push_back(id);
    p->streams.push_back(sc.name);
    routes[id].push_back(p);
  }
  for (auto& p : pipelines) {
    Log("info", "sink opened",
        {{"sink", p->name}, {"committed_lsn", p->committed_lsn}, {"streams", p->streams}});
  }
  for (auto& p : pipelines) {
    Pipeline* raw = p.get();
    p->worker = std::thread([this, raw] { Run(raw); });
  }
  Status replayed = Replay();
  if (!replayed.ok()) {
    StopWorkers();
    return replayed;
  }
  return Status::OK();
}

Status IngestService::Impl::Enqueue(Pipeline* p, Lsn end_lsn,
                                    std::shared_ptr<const std::string> payload) {
  const uint64_t bytes = payload->size();
  {
    std::lock_guard<std::mutex> lock(p->mu);
    p->queue.push_back(QueuedRecord{end_lsn, std::move(payload)});
    p->queued_bytes += bytes;
    p->enqueued_lsn = end_lsn;
  }
  queued_bytes_total += bytes;
  p->wake.notify_one();
  return Status::OK();
}

// Calls `fn` for every log record in [from, to) (a position below the oldest segment reads
// from the oldest: what lies below was released, so every sink has it).
Status IngestService::Impl::ReadLog(Lsn from, Lsn to,
                                    const std::function<Status(const wal::WalRecord&)>& fn) {
  FLOE_ASSIGN_OR_RETURN(std::vector<wal::SegmentFile> segments, wal::ListSegments(log->dir()));
  if (segments.empty()) return Status::OK();
  from = std::max(from, segments.front().base);
  if (from >= to) return Status::OK();
  wal::WalReaderOptions options;
  options.end_lsn = to;
  options.max_record_bytes = wal::kMaxPayloadBytes;
  FLOE_ASSIGN_OR_RETURN(auto reader, wal::WalReader::Open(log->dir(), from, options));
  wal::WalRecord record;
  for (;;) {
    FLOE_ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) return Status::OK();
    FLOE_RETURN_IF_ERROR(fn(record));
  }
}

// Hands every sink the log records past its committed position.
Status IngestService::Impl::Replay() {
  if (pipelines.empty()) return Status::OK();
  Lsn from = std::numeric_limits<Lsn>::max();
  for (auto& p : pipelines) from = std::min(from, p->committed_lsn);
  uint64_t records = 0, bytes = 0;
  const uint64_t high_water = static_cast<uint64_t>(config.server.max_buffered_bytes) / 2;
  FLOE_RETURN_IF_ERROR(ReadLog(from, log->durable_lsn(), [&](const wal::WalRecord& record) {
    auto route = routes.find(record.stream_id);
    if (route == routes.end()) return Status::OK();  // a stream no longer configured
    std::shared_ptr<const std::string> payload;
    for (Pipeline* p : route->second) {
      if (record.end_lsn <= p->committed_lsn) continue;
      if (!payload) payload = CopyPayload(record);
      while (queued_bytes_total.load() > high_water) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      FLOE_RETURN_IF_ERROR(Enqueue(p, record.end_lsn, payload));
    }
    if (payload) {
      ++records;
      bytes += payload->size();
    }
    return Status::OK();
  }));
  if (records > 0) {
    Log("info", "log replayed", {{"from_lsn", from}, {"records", records}, {"bytes", bytes}});
  }
  return Status::OK();
}

IngestReply IngestService::Ingest(std::string_view stream, std::string_view body,
                                  BodyFormat format) {
  return impl_->Ingest(stream, body, format);
}

namespace {

IngestReply ErrorReply(int status, std::string message) {
  IngestReply reply;
  reply.status = status;
  reply.body = {
      {"error", std::move(message)}, {"accepted", 0}, {"rejected", nlohmann::json::array()}};
  return reply;
}

nlohmann::json RejectedJson(const std::vector<RecordError>& rejected) {
  nlohmann::json out = nlohmann::json::array();
  for (const RecordError& e : rejected) {
    out.push_back({{"index", e.index}, {"field", e.field}, {"error", e.error}});
  }
  return out;
}

}  // namespace

IngestReply IngestService::Impl::Ingest(std::string_view stream_name, std::string_view body,
                                        BodyFormat format) {
  auto found = streams.find(stream_name);
  if (found == streams.end()) {
    return ErrorReply(404, fmt::format("no stream named '{}'", stream_name));
  }
  StreamState& stream = *found->second;
  if (closing.load()) return ErrorReply(503, "the server is shutting down");
  ++stream.requests;

  // Back-pressure before doing any work.
  const uint64_t unreleased = log->UnreleasedBytes();
  if (unreleased > static_cast<uint64_t>(config.server.max_log_bytes) ||
      queued_bytes_total.load() > static_cast<uint64_t>(config.server.max_buffered_bytes)) {
    IngestReply reply = ErrorReply(
        429, fmt::format("ingest is behind (log {} MiB unreleased, {} MiB buffered); retry later",
                         unreleased >> 20, queued_bytes_total.load() >> 20));
    reply.retry_after = config.server.retry_after_seconds;
    return reply;
  }

  const int64_t arrival = NowMicros();
  Result<ValidationResult> validated = stream.validator->Validate(body, format, arrival);
  if (!validated.ok()) {
    stream.bytes_rejected += body.size();
    ++stream.rejected;
    return ErrorReply(400, validated.status().message());
  }
  ValidationResult& v = *validated;
  const StreamConfig& sc = *stream.config;
  const bool dead_letter = sc.invalid_records == InvalidRecords::kDeadLetter;
  if (!v.rejected.empty() && !dead_letter) {
    stream.rejected += v.rejected.size();
    stream.bytes_rejected += body.size();
    IngestReply reply;
    reply.status = 400;
    reply.body = {{"error", fmt::format("{} of {} records are invalid; nothing was written",
                                        v.rejected.size(), v.rejected.size() + v.accepted)},
                  {"accepted", 0},
                  {"rejected", RejectedJson(v.rejected)}};
    return reply;
  }

  std::shared_ptr<const std::string> records;
  if (v.accepted > 0) records = std::make_shared<const std::string>(std::move(v.records));
  std::shared_ptr<const std::string> dead;
  if (!v.rejected.empty()) {
    std::string lines;
    for (size_t i = 0; i < v.rejected.size(); ++i) {
      const RecordError& e = v.rejected[i];
      lines += "{\"stream\":";
      AppendJsonString(sc.name, &lines);
      lines += fmt::format(",\"index\":{},\"field\":", e.index);
      AppendJsonString(ToValidUtf8(e.field), &lines);
      lines += ",\"error\":";
      AppendJsonString(ToValidUtf8(e.error), &lines);
      lines += ",\"record\":";
      AppendJsonString(ToValidUtf8(i < v.rejected_raw.size() ? v.rejected_raw[i] : ""), &lines);
      lines += fmt::format(",\"arrival_time\":{}}}\n", arrival);
    }
    dead = std::make_shared<const std::string>(std::move(lines));
  }

  Lsn wait_for = 0;
  {
    std::lock_guard<std::mutex> lock(append_mu);
    auto append = [&](uint32_t log_stream,
                      const std::shared_ptr<const std::string>& payload) -> Status {
      FLOE_ASSIGN_OR_RETURN(
          wal::WalPosition pos,
          log->Append(log_stream,
                      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload->data()),
                                               payload->size())));
      wait_for = pos.end_lsn;
      appended_lsn = pos.end_lsn;
      auto route = routes.find(log_stream);
      if (route != routes.end()) {
        for (Pipeline* p : route->second) FLOE_RETURN_IF_ERROR(Enqueue(p, pos.end_lsn, payload));
      }
      return Status::OK();
    };
    Status appended = Status::OK();
    if (records) appended = append(stream.log_stream, records);
    if (appended.ok() && dead) appended = append(stream.dead_letter_log_stream, dead);
    if (!appended.ok()) {
      if (appended.code() == StatusCode::kInvalidArgument) {
        return ErrorReply(413,
                          fmt::format("request too large for the log: {}", appended.message()));
      }
      Log("error", "log append failed", {{"stream", sc.name}, {"error", appended.ToString()}});
      return ErrorReply(503, "the write-ahead log failed; the server must be restarted");
    }
  }
  if (wait_for > 0) {
    Status durable = log->WaitDurable(wait_for);
    if (!durable.ok()) {
      Log("error", "log sync failed", {{"stream", sc.name}, {"error", durable.ToString()}});
      return ErrorReply(503, "the write-ahead log failed; the server must be restarted");
    }
  }
  stream.accepted += static_cast<uint64_t>(v.accepted);
  stream.bytes_accepted += records ? records->size() : 0;
  stream.rejected += v.rejected.size();
  stream.dead_lettered += v.rejected.size();
  IngestReply reply;
  reply.body = {{"accepted", v.accepted}, {"rejected", RejectedJson(v.rejected)}};
  if (!v.rejected.empty()) reply.body["dead_lettered"] = v.rejected.size();
  return reply;
}

// Parses queued records (normalized NDJSON) into batches and writes them to the sink.
Status IngestService::Impl::Apply(Pipeline* p, const std::vector<QueuedRecord>& records) {
  JsonReadOptions options;
  options.json_strings_as_text = false;
  options.batch_rows = int64_t{1} << 20;
  options.batch_bytes = int64_t{128} << 20;
  options.max_document_bytes = int64_t{256} << 20;
  options.max_json_depth = std::max(options.max_json_depth, config.server.max_depth + 2);
  JsonBatchReader reader(p->input_schema, options);
  Status status = Status::OK();
  for (const QueuedRecord& r : records) {
    status = reader.Feed(*r.payload);
    if (!status.ok()) break;
  }
  if (status.ok()) status = reader.Finish();
  const Lsn end = records.back().end_lsn;
  while (status.ok()) {
    std::optional<RecordBatch> batch = reader.NextBatch();
    if (!batch) break;
    status = p->sink->Write(*batch, end);
  }
  p->pending_rows = static_cast<uint64_t>(p->sink->pending_rows());
  return status;
}

void IngestService::Impl::Fail(Pipeline* p, const Status& status, std::string_view during) {
  Log("error", "sink failed",
      {{"sink", p->name}, {"during", during}, {"error", status.ToString()}});
  p->sink->Abort();
  std::lock_guard<std::mutex> lock(p->mu);
  p->error = fmt::format("{}: {}", during, status.ToString());
  ++p->failures;
}

// Re-applies the records of `p` in (from, to] from the log file (after a failed write or
// commit dropped what the sink had pending).
Status IngestService::Impl::ReapplyFromLog(Pipeline* p, Lsn from, Lsn to) {
  if (to <= from) return Status::OK();
  FLOE_RETURN_IF_ERROR(log->WaitDurable(to));
  std::vector<QueuedRecord> chunk;
  uint64_t chunk_bytes = 0;
  FLOE_RETURN_IF_ERROR(ReadLog(from, to, [&](const wal::WalRecord& record) {
    if (std::find(p->log_streams.begin(), p->log_streams.end(), record.stream_id) ==
        p->log_streams.end()) {
      return Status::OK();
    }
    chunk.push_back({record.end_lsn, CopyPayload(record)});
    chunk_bytes += record.payload.size();
    if (chunk_bytes <= (64u << 20)) return Status::OK();
    Status applied = Apply(p, chunk);
    chunk.clear();
    chunk_bytes = 0;
    return applied;
  }));
  return chunk.empty() ? Status::OK() : Apply(p, chunk);
}

bool IngestService::Impl::CommitPipeline(Pipeline* p) {
  const Lsn written = p->sink->written_lsn();
  Status durable = log->WaitDurable(written);  // the table never runs ahead of the log
  if (!durable.ok()) {
    Fail(p, durable, "commit");
    return false;
  }
  const auto start = Clock::now();
  Result<SinkCommitStats> stats = p->sink->Commit();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!stats.ok()) {
    Fail(p, stats.status(), "commit");
    return false;
  }
  p->pending_rows = 0;
  if (stats->rows > 0) {
    p->rows_written += static_cast<uint64_t>(stats->rows);
    p->files_written += static_cast<uint64_t>(stats->files);
    p->bytes_written += static_cast<uint64_t>(stats->bytes);
    ++p->commits;
    size_t bucket = 0;
    while (bucket < kCommitBuckets.size() && seconds > kCommitBuckets[bucket]) ++bucket;
    ++p->commit_buckets[bucket];
    p->commit_micros_total += static_cast<uint64_t>(seconds * 1e6);
    Log("info", "commit",
        {{"sink", p->name},
         {"rows", stats->rows},
         {"files", stats->files},
         {"bytes", stats->bytes},
         {"start_lsn", stats->start_lsn},
         {"end_lsn", stats->end_lsn},
         {"seconds", seconds}});
  }
  std::lock_guard<std::mutex> lock(p->mu);
  p->committed_lsn = p->sink->committed_lsn();
  p->error.clear();
  return true;
}

void IngestService::Impl::Run(Pipeline* p) {
  const SinkConfig& sc = *p->config;
  const auto interval = std::chrono::seconds(std::max<int64_t>(1, sc.interval_seconds));
  const auto inactivity = std::chrono::seconds(sc.inactivity_seconds);
  const int64_t max_pending_bytes = sc.max_file_mb << 20;
  constexpr uint64_t kChunkBytes = 64u << 20;
  auto last_commit = Clock::now();
  auto last_write = last_commit;
  // After a failed write or commit the sink's pending rows are gone: they are taken from
  // the log again once retry_at has passed (backing off up to 30 s).
  bool failed = false;
  auto retry_at = Clock::now();
  int backoff_seconds = 1;
  auto fail = [&](const Status& status, std::string_view during) {
    if (!status.ok()) Fail(p, status, during);
    failed = true;
    retry_at = Clock::now() + std::chrono::seconds(backoff_seconds);
    backoff_seconds = std::min(backoff_seconds * 2, 30);
  };

  for (;;) {
    std::vector<QueuedRecord> taken;
    bool stopping = false;
    {
      std::unique_lock<std::mutex> lock(p->mu);
      if (failed) {
        p->wake.wait_until(lock, retry_at, [&] { return p->stop; });
      } else {
        auto deadline = Clock::now() + std::chrono::seconds(1);
        if (p->uncommitted) {
          deadline = std::min(deadline, last_commit + interval);
          if (sc.inactivity_seconds > 0) deadline = std::min(deadline, last_write + inactivity);
        }
        p->wake.wait_until(lock, deadline, [&] {
          return p->stop || !p->queue.empty() || p->flush_target > p->flushed_lsn;
        });
      }
      if (p->abandon) break;
      stopping = p->stop;
      if (stopping && failed) break;  // the log keeps what is not committed
      if (!failed || Clock::now() >= retry_at) {
        uint64_t bytes = 0;
        while (!p->queue.empty() && bytes < kChunkBytes) {
          bytes += p->queue.front().payload->size();
          taken.push_back(std::move(p->queue.front()));
          p->queue.pop_front();
        }
        p->queued_bytes -= bytes;
        queued_bytes_total -= bytes;
        if (!taken.empty()) p->uncommitted = true;
      }
      if (stopping && taken.empty() && !p->uncommitted) break;
    }
    const auto now = Clock::now();
    if (failed) {
      if (now < retry_at) continue;
      Status again = ReapplyFromLog(p, p->sink->committed_lsn(), p->last_applied_lsn);
      if (!again.ok()) {
        fail(again, "replay from the log");
        continue;
      }
      failed = false;
    }
    if (!taken.empty()) {
      Status applied = Apply(p, taken);
      p->last_applied_lsn = taken.back().end_lsn;
      if (!applied.ok()) {
        fail(applied, "write");
        continue;
      }
      last_write = now;
    }
    const bool has_rows = p->sink->written_lsn() > p->sink->committed_lsn();
    Lsn flush_target;
    {
      std::lock_guard<std::mutex> lock(p->mu);
      flush_target = p->flush_target > p->flushed_lsn ? p->flush_target : 0;
    }
    const bool due =
        stopping || (flush_target > 0 && p->sink->written_lsn() >= flush_target) ||
        now - last_commit >= interval ||
        (sc.inactivity_seconds > 0 && now - last_write >= inactivity) ||
        p->sink->pending_bytes() >= max_pending_bytes ||
        log->UnreleasedBytes() > static_cast<uint64_t>(config.server.max_log_bytes) / 2;
    if (has_rows && due) {
      if (!CommitPipeline(p)) {
        fail(Status::OK(), "commit");
        continue;
      }
      backoff_seconds = 1;
      last_commit = Clock::now();
      Release();
    } else if (!has_rows && now - last_commit >= interval) {
      last_commit = now;
    }
    {
      std::lock_guard<std::mutex> lock(p->mu);
      const bool clean = p->sink->written_lsn() <= p->sink->committed_lsn();
      if (clean && p->queue.empty()) p->uncommitted = false;
      if (p->flush_target > p->flushed_lsn &&
          (p->committed_lsn >= p->flush_target || !p->uncommitted)) {
        p->flushed_lsn = p->flush_target;
      }
    }
    p->flushed.notify_all();
  }
  p->flushed.notify_all();
}

// Releases the log up to the smallest position the pipelines still need.
void IngestService::Impl::Release() {
  std::lock_guard<std::mutex> release_lock(release_mu);
  Lsn floor;
  {
    std::lock_guard<std::mutex> lock(append_mu);
    floor = appended_lsn;
    for (auto& p : pipelines) {
      std::lock_guard<std::mutex> plock(p->mu);
      if (!p->Idle()) floor = std::min(floor, p->committed_lsn);
    }
  }
  Status released = log->ReleaseUpTo(floor);
  if (!released.ok()) Log("warn", "log release failed", {{"error", released.ToString()}});
}

Result<nlohmann::json> IngestService::Flush(std::string_view stream) {
  return impl_->Flush(stream);
}

Result<nlohmann::json> IngestService::Impl::Flush(std::string_view stream) {
  if (!stream.empty() && streams.find(stream) == streams.end()) {
    return Status::NotFound("no stream named '{}'", stream);
  }
  std::vector<std::pair<Pipeline*, Lsn>> waits;
  {
    std::lock_guard<std::mutex> lock(append_mu);
    for (auto& p : pipelines) {
      if (!stream.empty() &&
          std::find(p->streams.begin(), p->streams.end(), stream) == p->streams.end()) {
        continue;
      }
      std::lock_guard<std::mutex> plock(p->mu);
      const Lsn target = p->enqueued_lsn;
      if (target > p->flush_target) p->flush_target = target;
      waits.emplace_back(p.get(), target);
    }
  }
  nlohmann::json sinks = nlohmann::json::array();
  for (auto& [p, target] : waits) {
    p->wake.notify_one();
    std::unique_lock<std::mutex> lock(p->mu);
    const bool done = p->flushed.wait_for(lock, std::chrono::minutes(10), [&] {
      return p->committed_lsn >= target || p->flushed_lsn >= target || !p->error.empty() || p->stop;
    });
    if (p->committed_lsn < target && p->flushed_lsn < target) {
      if (!p->error.empty()) {
        return Status::IOError("sink {} could not commit: {}", p->name, p->error);
      }
      return Status::IOError("sink {}: flush {}", p->name,
                             done ? "interrupted by shutdown" : "timed out");
    }
    sinks.push_back({{"sink", p->name}, {"committed_lsn", p->committed_lsn}});
  }
  Release();
  nlohmann::json out = {{"sinks", sinks}};
  if (!stream.empty()) out["stream"] = std::string(stream);
  return out;
}

Status IngestService::Shutdown() {
  impl_->closing = true;
  Result<nlohmann::json> flushed = impl_->Flush("");
  impl_->StopWorkers();
  if (!flushed.ok()) return flushed.status();
  Log("info", "stopped", {{"sinks", (*flushed)["sinks"]}});
  return Status::OK();
}

void IngestService::Impl::StopWorkers() {
  for (auto& p : pipelines) {
    {
      std::lock_guard<std::mutex> lock(p->mu);
      p->stop = true;
      // Without Shutdown, stop without committing what is left: the log keeps it.
      if (!closing.load()) p->abandon = true;
    }
    p->wake.notify_all();
  }
  for (auto& p : pipelines) {
    if (p->worker.joinable()) p->worker.join();
  }
}

std::string IngestService::Metrics() const {
  const Impl& m = *impl_;
  std::string out;
  auto series = [&out](std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  auto per_stream = [&](std::string_view name, std::string_view help, auto field) {
    series(name, "counter", help);
    for (const auto& [stream_name, s] : m.streams) {
      out += fmt::format("{}{{stream=\"{}\"}} {}\n", name, stream_name, (s.get()->*field).load());
    }
  };
  per_stream("floe_requests_total", "Ingest requests received", &StreamState::requests);
  per_stream("floe_events_accepted_total", "Events acknowledged (durable in the log)",
             &StreamState::accepted);
  per_stream("floe_events_rejected_total", "Events rejected as invalid", &StreamState::rejected);
  per_stream("floe_events_dead_lettered_total", "Invalid events sent to the dead-letter sink",
             &StreamState::dead_lettered);
  per_stream("floe_bytes_accepted_total", "Bytes of acknowledged events (normalized)",
             &StreamState::bytes_accepted);
  per_stream("floe_bytes_rejected_total", "Bytes of rejected request bodies",
             &StreamState::bytes_rejected);
  series("floe_log_bytes", "gauge", "Bytes of write-ahead log segments on disk");
  out += fmt::format("floe_log_bytes {}\n", m.log->SizeBytes());
  series("floe_log_unreleased_bytes", "gauge", "Log bytes not yet committed to every sink");
  out += fmt::format("floe_log_unreleased_bytes {}\n", m.log->UnreleasedBytes());
  const wal::WalStats ws = m.log->stats();
  series("floe_log_syncs_total", "counter", "fdatasync calls of the log");
  out += fmt::format("floe_log_syncs_total {}\n", ws.syncs);
  series("floe_buffered_bytes", "gauge", "Log records queued for sinks, not yet applied");
  out += fmt::format("floe_buffered_bytes {}\n", m.queued_bytes_total.load());

  std::vector<std::tuple<std::string, Lsn, bool>> positions;
  Lsn appended;
  {
    std::lock_guard<std::mutex> lock(const_cast<Impl&>(m).append_mu);
    appended = m.appended_lsn;
  }
  series("floe_sink_lag_bytes", "gauge",
         "Log bytes between the sink's committed position and the log's end (0 when idle)");
  for (const auto& p : m.pipelines) {
    std::lock_guard<std::mutex> lock(p->mu);
    out += fmt::format("floe_sink_lag_bytes{{sink=\"{}\"}} {}\n", p->name, p->LagBytes(appended));
  }
  auto per_sink = [&](std::string_view name, std::string_view type, std::string_view help,
                      auto field) {
    series(name, type, help);
    for (const auto& p : m.pipelines) {
      out += fmt::format("{}{{sink=\"{}\"}} {}\n", name, p->name, ((*p).*field).load());
    }
  };
  per_sink("floe_rows_written_total", "counter", "Rows committed", &Pipeline::rows_written);
  per_sink("floe_files_written_total", "counter", "Data files committed", &Pipeline::files_written);
  per_sink("floe_file_bytes_written_total", "counter", "Bytes of data files committed",
           &Pipeline::bytes_written);
  per_sink("floe_sink_pending_rows", "gauge", "Rows written to open files, not yet committed",
           &Pipeline::pending_rows);
  series("floe_open_files", "gauge", "Sinks with open (uncommitted) data files");
  for (const auto& p : m.pipelines) {
    out += fmt::format("floe_open_files{{sink=\"{}\"}} {}\n", p->name,
                       p->pending_rows.load() > 0 ? 1 : 0);
  }
  series("floe_commit_seconds", "histogram", "Time to commit a sink's pending rows");
  for (const auto& p : m.pipelines) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kCommitBuckets.size(); ++i) {
      cumulative += p->commit_buckets[i].load();
      out += fmt::format("floe_commit_seconds_bucket{{sink=\"{}\",le=\"{}\"}} {}\n", p->name,
                         kCommitBuckets[i], cumulative);
    }
    cumulative += p->commit_buckets[kCommitBuckets.size()].load();
    out += fmt::format("floe_commit_seconds_bucket{{sink=\"{}\",le=\"+Inf\"}} {}\n", p->name,
                       cumulative);
    out += fmt::format("floe_commit_seconds_sum{{sink=\"{}\"}} {}\n", p->name,
                       static_cast<double>(p->commit_micros_total.load()) / 1e6);
    out += fmt::format("floe_commit_seconds_count{{sink=\"{}\"}} {}\n", p->name, cumulative);
  }
  return out;
}

nlohmann::json IngestService::StatusJson() const {
  const Impl& m = *impl_;
  nlohmann::json streams = nlohmann::json::array();
  for (const auto& [name, s] : m.streams) {
    streams.push_back({{"name", name},
                       {"requests", s->requests.load()},
                       {"accepted", s->accepted.load()},
                       {"rejected", s->rejected.load()},
                       {"dead_lettered", s->dead_lettered.load()},
                       {"bytes", s->bytes_accepted.load()}});
  }
  Lsn appended;
  {
    std::lock_guard<std::mutex> lock(const_cast<Impl&>(m).append_mu);
    appended = m.appended_lsn;
  }
  nlohmann::json sinks = nlohmann::json::array();
  for (const auto& p : m.pipelines) {
    std::lock_guard<std::mutex> lock(p->mu);
    nlohmann::json j = {
        {"name", p->name},
        {"kind", p->config->kind == SinkConfig::Kind::kTable ? "table" : "files"},
        {"target", p->config->kind == SinkConfig::Kind::kTable ? p->config->table : p->config->uri},
        {"streams", p->streams},
        {"committed_lsn", p->committed_lsn},
        {"pending_rows", p->pending_rows.load()},
        {"queued_bytes", p->queued_bytes},
        {"lag_bytes", p->LagBytes(appended)},
        {"rows_written", p->rows_written.load()},
        {"files_written", p->files_written.load()},
        {"commits", p->commits.load()}};
    if (!p->error.empty()) j["error"] = p->error;
    sinks.push_back(std::move(j));
  }
  nlohmann::json log = {{"dir", m.log->dir()},
                        {"log_id", m.log_id},
                        {"bytes", m.log->SizeBytes()},
                        {"unreleased_bytes", m.log->UnreleasedBytes()},
                        {"durable_lsn", m.log->durable_lsn()},
                        {"next_lsn", m.log->next_lsn()}};
  return {{"streams", streams}, {"sinks", sinks}, {"log", log}};
}

}  // namespace floe::ingest
