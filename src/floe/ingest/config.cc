#include "floe/ingest/config.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>

#include <toml++/toml.h>

#include "floe/iceberg/partition_spec.h"

namespace floe::ingest {
namespace {

constexpr size_t kMaxConfigBytes = size_t{16} << 20;
constexpr size_t kMaxNameBytes = 128;
constexpr size_t kMaxFieldNameBytes = 256;
constexpr int kMaxFieldNesting = 32;
constexpr std::string_view kArrivalTime = "arrival_time";
constexpr std::string_view kValueColumn = "value";
// The columns of a dead-letter sink's rows.
constexpr std::string_view kDeadLetterColumns[] = {"stream", "index",  "field",
                                                   "error",  "record", "arrival_time"};

// ---------------------------------------------------------------------------
// Paths and names

std::string Child(std::string_view path, std::string_view key) {
  bool bare = !key.empty();
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    bare = bare && ok;
  }
  std::string out(path);
  if (!out.empty()) out += '.';
  if (bare) {
    out += key;
    return out;
  }
  out += '"';
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') out += '\\';
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  out += '"';
  return out;
}

std::string Index(std::string_view path, size_t i) { return fmt::format("{}[{}]", path, i); }

// Stream and sink names: [A-Za-z0-9_.-]{1,128}, and not "." or ".." (they appear in URL
// paths and file names).
bool IsObjectName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes || s == "." || s == "..") return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// Empty when `name` can name a column; else what is wrong with it.
std::string ColumnNameProblem(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.size() > kMaxFieldNameBytes) {
    return fmt::format("name longer than {} bytes", kMaxFieldNameBytes);
  }
  if (name.find_first_of(".[]") != std::string_view::npos) {
    return fmt::format("'{}': names may not contain '.', '[' or ']' (they separate field paths)",
                       name);
  }
  if (HasControl(name)) return "name contains a control character";
  return {};
}

std::string_view TypeName(StreamField::Type t) {
  switch (t) {
    case StreamField::Type::kString:
      return "string";
    case StreamField::Type::kInt32:
      return "int32";
    case StreamField::Type::kInt64:
      return "int64";
    case StreamField::Type::kFloat32:
      return "float32";
    case StreamField::Type::kFloat64:
      return "float64";
    case StreamField::Type::kBool:
      return "bool";
    case StreamField::Type::kTimestamp:
      return "timestamp";
    case StreamField::Type::kJson:
      return "json";
    case StreamField::Type::kBinary:
      return "binary";
    case StreamField::Type::kList:
      return "list";
    case StreamField::Type::kStruct:
      return "struct";
  }
  return "?";
}

std::optional<StreamField::Type> ParseTypeName(std::string_view s) {
  static constexpr StreamField::Type kAll[] = {
      StreamField::Type::kString,    StreamField::Type::kInt32,   StreamField::Type::kInt64,
      StreamField::Type::kFloat32,   StreamField::Type::kFloat64, StreamField::Type::kBool,
      StreamField::Type::kTimestamp, StreamField::Type::kJson,    StreamField::Type::kBinary,
      StreamField::Type::kList,      StreamField::Type::kStruct};
  for (StreamField::Type t : kAll) {
    if (TypeName(t) == s) return t;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The scheme of "scheme://rest" (lower case), or empty for a plain path.
std::string SchemeOf(std::string_view uri) {
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos || sep == 0) return {};
  std::string scheme;
  for (size_t i = 0; i < sep; ++i) {
    const char c = uri[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool ok =
        alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
    scheme += static_cast<char>(alpha && c < 'a' ? c - 'A' + 'a' : c);
  }
  return scheme;
}

// Empty when `uri` is a storage location floe can open; else what is wrong.
std::string StorageUriProblem(std::string_view uri) {
  if (uri.empty()) return "empty location";
  if (HasControl(uri)) return "location contains a control character";
  const std::string scheme = SchemeOf(uri);
  if (scheme.empty() || scheme == "file" || scheme == "s3" || scheme == "memory") return {};
  return fmt::format("'{}': unknown storage scheme '{}' (a path, file://, s3:// or memory://)", uri,
                     scheme);
}

// ---------------------------------------------------------------------------
// Checks of a config built in memory. A problem carries the TOML path of the value at
// fault so ParseConfig can add the line it came from.

struct Problem {
  std::string path;
  std::string message;
};
using MaybeProblem = std::optional<Problem>;

template <typename... Args>
MaybeProblem At(std::string path, fmt::format_string<Args...> f, Args&&... args) {
  return Problem{std::move(path), fmt::format(f, std::forward<Args>(args)...)};
}

// The top-level columns of a stream's normalized records (validator.h), in order.
std::vector<std::string_view> RecordColumns(const StreamConfig& stream) {
  std::vector<std::string_view> out;
  if (stream.unstructured) {
    out.push_back(kValueColumn);
  } else {
    for (const StreamField& f : stream.fields) out.push_back(f.name);
    if (stream.unknown_fields == UnknownFields::kKeep) out.push_back(stream.keep_column);
  }
  out.push_back(kArrivalTime);
  return out;
}

bool Contains(const std::vector<std::string_view>& v, std::string_view s) {
  for (std::string_view x : v) {
    if (x == s) return true;
  }
  return false;
}

std::string JoinNames(const std::vector<std::string_view>& v) {
  std::string out;
  for (std::string_view x : v) {
    if (!out.empty()) out += ", ";
    out += x;
  }
  return out;
}

MaybeProblem CheckField(const StreamField& f, const std::string& path, bool is_element, int depth) {
  if (depth > kMaxFieldNesting) {
    return At(path, "fields nested deeper than {} levels", kMaxFieldNesting);
  }
  if (!is_element) {
    if (std::string p = ColumnNameProblem(f.name); !p.empty())
      return At(Child(path, "name"), "{}", p);
  }
  switch (f.type) {
    case StreamField::Type::kList:
      if (f.children.size() != 1) {
        return At(Child(path, "element"), "a list needs exactly one element type (has {})",
                  f.children.size());
      }
      return CheckField(f.children[0], Child(path, "element"), /*is_element=*/true, depth + 1);
    case StreamField::Type::kStruct: {
      if (f.children.empty()) return At(Child(path, "fields"), "a struct needs at least one field");
      std::map<std::string_view, size_t> seen;
      for (size_t i = 0; i < f.children.size(); ++i) {
        const std::string child = Index(Child(path, "fields"), i);
        if (auto p = CheckField(f.children[i], child, /*is_element=*/false, depth + 1)) return p;
        auto [it, fresh] = seen.emplace(f.children[i].name, i);
        if (!fresh) {
          return At(Child(child, "name"), "duplicate field name '{}' (also fields[{}])",
                    f.children[i].name, it->second);
        }
      }
      return std::nullopt;
    }
    default:
      if (!f.children.empty()) {
        return At(path, "a {} field has no element or member fields", TypeName(f.type));
      }
      return std::nullopt;
  }
}

MaybeProblem CheckServer(const ServerConfig& s) {
  if (s.host.empty() || HasControl(s.host)) return At("server.listen", "empty or invalid host");
  if (s.port < 0 || s.port > 65535)
    return At("server.listen", "port {} is outside [0, 65535]", s.port);
  if (std::string p = StorageUriProblem(s.warehouse); !p.empty())
    return At("server.warehouse", "{}", p);
  if (HasControl(s.wal_dir)) return At("server.wal_dir", "contains a control character");
  if (s.max_request_bytes <= 0) return At("server.max_request_mb", "must be positive");
  if (s.max_log_bytes <= 0) return At("server.max_log_mb", "must be positive");
  if (s.max_buffered_bytes <= 0) return At("server.max_buffered_mb", "must be positive");
  if (s.retry_after_seconds <= 0) return At("server.retry_after_seconds", "must be positive");
  if (s.max_depth <= 0) return At("server.max_depth", "must be positive");
  return std::nullopt;
}

MaybeProblem CheckTokens(const IngestConfig& c) {
  for (size_t i = 0; i < c.server.tokens.size(); ++i) {
    const TokenConfig& t = c.server.tokens[i];
    const std::string path = Index("server.tokens", i);
    if (t.token.empty()) return At(Child(path, "token"), "empty token");
    if (HasControl(t.token) || t.token.find(' ') != std::string::npos) {
      return At(Child(path, "token"), "a token may not contain spaces or control characters");
    }
    for (size_t j = 0; j < i; ++j) {
      if (c.server.tokens[j].token == t.token) {
        return At(Child(path, "token"), "same token as server.tokens[{}]", j);
      }
    }
    if (t.streams.empty()) {
      return At(Child(path, "streams"), "list the streams this token may write to, or [\"*\"]");
    }
    for (size_t j = 0; j < t.streams.size(); ++j) {
      if (t.streams[j] != "*" && c.FindStream(t.streams[j]) == nullptr) {
        return At(Index(Child(path, "streams"), j), "no stream named '{}'", t.streams[j]);
      }
    }
  }
  return std::nullopt;
}

MaybeProblem CheckStream(const StreamConfig& s, const std::string& path) {
  if (!IsObjectName(s.name)) {
    return At(Child(path, "name"), "'{}': stream names are 1 to {} of [A-Za-z0-9_.-]", s.name,
              kMaxNameBytes);
  }
  if (s.unstructured) {
    if (!s.fields.empty())
      return At(Child(path, "fields"), "an unstructured stream declares no fields");
  } else {
    if (s.fields.empty()) {
      return At(Child(path, "fields"), "no fields declared (or set unstructured = true)");
    }
    std::map<std::string_view, size_t> seen;
    for (size_t i = 0; i < s.fields.size(); ++i) {
      const std::string fpath = Index(Child(path, "fields"), i);
      if (auto p = CheckField(s.fields[i], fpath, /*is_element=*/false, 1)) return p;
      if (s.fields[i].name == kArrivalTime) {
        return At(Child(fpath, "name"), "'arrival_time' is the column floe adds to every record");
      }
      auto [it, fresh] = seen.emplace(s.fields[i].name, i);
      if (!fresh) {
        return At(Child(fpath, "name"), "duplicate field name '{}' (also fields[{}])",
                  s.fields[i].name, it->second);
      }
    }
    if (s.unknown_fields == UnknownFields::kKeep) {
      const std::string kpath = Child(path, "keep_column");
      if (std::string p = ColumnNameProblem(s.keep_column); !p.empty()) return At(kpath, "{}", p);
      if (s.keep_column == kArrivalTime || seen.count(s.keep_column) != 0) {
        return At(kpath, "'{}' is already a column of the stream's records", s.keep_column);
      }
    }
  }
  if (s.invalid_records == InvalidRecords::kDeadLetter && s.dead_letter_sink.empty()) {
    return At(Child(path, "dead_letter_sink"), "required with invalid_records = \"dead_letter\"");
  }
  if (s.invalid_records == InvalidRecords::kRejectRequest && !s.dead_letter_sink.empty()) {
    return At(Child(path, "dead_letter_sink"),
              "set, but invalid_records is \"reject_request\" (use \"dead_letter\")");
  }
  return std::nullopt;
}

// The strftime conversions that make sense in a folder name (digits only).
bool IsFolderConversion(char c) {
  return std::string_view("YymdeHIMSjGgVUWuwC%").find(c) != std::string_view::npos;
}

MaybeProblem CheckSink(const SinkConfig& s, const std::string& path) {
  if (!IsObjectName(s.name)) {
    return At(Child(path, "name"), "'{}': sink names are 1 to {} of [A-Za-z0-9_.-]", s.name,
              kMaxNameBytes);
  }
  if (s.kind == SinkConfig::Kind::kTable) {
    if (!s.uri.empty()) return At(path, "has both table and uri: a sink writes a table or files");
    if (!s.time_field.empty())
      return At(Child(path, "time_field"), "only file sinks take time_field");
    const std::string tpath = Child(path, "table");
    if (s.table.empty()) return At(tpath, "required for a table sink");
    const size_t dot = s.table.rfind('.');
    bool ok =
        dot != std::string::npos && !HasControl(s.table) && s.table.find('/') == std::string::npos;
    for (size_t start = 0; ok;) {
      const size_t end = s.table.find('.', start);
      const size_t len = (end == std::string::npos ? s.table.size() : end) - start;
      ok = len > 0;
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (!ok) return At(tpath, "'{}': expected NAMESPACE.TABLE", s.table);
    for (size_t i = 0; i < s.properties.size(); ++i) {
      if (s.properties[i].first.empty()) return At(Child(path, "properties"), "empty property key");
    }
  } else {
    if (!s.table.empty()) return At(path, "has both table and uri: a sink writes a table or files");
    if (!s.partition.empty()) {
      return At(Child(path, "partition"),
                "only table sinks take partition (files: partition_pattern)");
    }
    if (!s.properties.empty())
      return At(Child(path, "properties"), "only table sinks take properties");
    if (s.uri.empty()) return At(Child(path, "uri"), "required for a file sink");
    if (std::string p = StorageUriProblem(s.uri); !p.empty())
      return At(Child(path, "uri"), "{}", p);
    if (s.format == SinkConfig::FileFormat::kParquet) {
      static constexpr std::string_view kCodecs[] = {"zstd", "snappy", "gzip", "lz4", "none"};
      bool known = false;
      for (std::string_view c : kCodecs) known = known || c == s.compression;
      if (!known) {
        return At(Child(path, "compression"),
                  "unknown compression '{}' (zstd, snappy, gzip, lz4, none)", s.compression);
      }
    }
    const std::string ppath = Child(path, "partition_pattern");
    const std::string& pat = s.partition_pattern;
    if (HasControl(pat) || pat.find('\\') != std::string::npos) {
      return At(ppath, "contains a backslash or control character");
    }
    if (!pat.empty() && pat.front() == '/') return At(ppath, "must be relative (no leading '/')");
    for (size_t start = 0;;) {
      const size_t end = pat.find('/', start);
      const std::string_view seg = std::string_view(pat).substr(
          start, end == std::string::npos ? std::string::npos : end - start);
      if (seg == "." || seg == "..") return At(ppath, "may not contain '.' or '..' folders");
      if (end == std::string::npos) break;
      start = end + 1;
    }
    for (size_t i = 0; i < pat.size(); ++i) {
      if (pat[i] != '%') continue;
      if (i + 1 == pat.size() || !IsFolderConversion(pat[i + 1])) {
        return At(ppath, "'{}': use only %Y %y %m %d %e %H %I %M %S %j %G %g %V %U %W %u %w %C %%",
                  pat);
      }
      ++i;
    }
    if (s.file_prefix.size() > kMaxNameBytes || HasControl(s.file_prefix) ||
        s.file_prefix.find_first_of("/\\") != std::string::npos) {
      return At(Child(path, "file_prefix"), "at most {} bytes, no '/', '\\' or control characters",
                kMaxNameBytes);
    }
  }
  if (s.interval_seconds <= 0) return At(Child(path, "interval_seconds"), "must be positive");
  if (s.max_file_mb <= 0) return At(Child(path, "max_file_mb"), "must be positive");
  if (s.inactivity_seconds < 0)
    return At(Child(path, "inactivity_seconds"), "must be 0 (off) or positive");
  return std::nullopt;
}

// Checks that every column the partition text of a table sink names is one of `columns`
// (the sink's input). Terms are "col", "fn(col)" or "fn(N, col)"; full parsing happens
// when the sink creates its table.
MaybeProblem CheckPartitionColumns(const SinkConfig& sink, const std::string& path,
                                   const std::vector<std::string_view>& columns,
                                   std::string_view what) {
  for (const std::string_view term : iceberg::SplitPartitionTerms(sink.partition)) {
    std::string_view column = term;
    if (const size_t open = term.find('('); open != std::string_view::npos) {
      std::string_view args = term.substr(open + 1);
      if (!args.empty() && args.back() == ')') args.remove_suffix(1);
      const size_t comma = args.find(',');
      column = Trim(args);
      if (comma != std::string_view::npos) {
        const std::string_view a = Trim(args.substr(0, comma));
        const std::string_view b = Trim(args.substr(comma + 1));
        const bool a_number =
            !a.empty() && a.find_first_not_of("0123456789") == std::string_view::npos;
        column = a_number ? b : a;
      }
    }
    const std::string_view top = column.substr(0, column.find('.'));
    if (!Contains(columns, top)) {
      return At(Child(path, "partition"), "term '{}': {} has no column '{}' (columns: {})", term,
                what, top, JoinNames(columns));
    }
  }
  return std::nullopt;
}

MaybeProblem FindProblem(const IngestConfig& c) {
  if (auto p = CheckServer(c.server)) return p;
  if (c.streams.empty()) return At("streams", "no [[streams]] declared");

  std::map<std::string_view, size_t> streams;
  for (size_t i = 0; i < c.streams.size(); ++i) {
    const std::string path = Index("streams", i);
    if (auto p = CheckStream(c.streams[i], path)) return p;
    auto [it, fresh] = streams.emplace(c.streams[i].name, i);
    if (!fresh) {
      return At(Child(path, "name"), "duplicate stream name '{}' (also streams[{}])",
                c.streams[i].name, it->second);
    }
  }
  if (auto p = CheckTokens(c)) return p;

  std::map<std::string_view, size_t> sinks;
  for (size_t i = 0; i < c.sinks.size(); ++i) {
    const std::string path = Index("sinks", i);
    if (auto p = CheckSink(c.sinks[i], path)) return p;
    auto [it, fresh] = sinks.emplace(c.sinks[i].name, i);
    if (!fresh) {
      return At(Child(path, "name"), "duplicate sink name '{}' (also sinks[{}])", c.sinks[i].name,
                it->second);
    }
  }

  // Dead-letter sinks: fed by the streams that name them, never by a pipeline.
  std::map<std::string_view, size_t> dead_letter_of;  // sink -> first stream naming it
  for (size_t i = 0; i < c.streams.size(); ++i) {
    const StreamConfig& s = c.streams[i];
    if (s.invalid_records != InvalidRecords::kDeadLetter) continue;
    const auto it = sinks.find(s.dead_letter_sink);
    if (it == sinks.end()) {
      return At(Child(Index("streams", i), "dead_letter_sink"), "no sink named '{}'",
                s.dead_letter_sink);
    }
    dead_letter_of.emplace(s.dead_letter_sink, i);
    const SinkConfig& sink = c.sinks[it->second];
    const std::string spath = Index("sinks", it->second);
    if (!sink.time_field.empty()) {
      return At(Child(spath, "time_field"),
                "dead-letter rows are filed by arrival time; leave time_field empty");
    }
    static const std::vector<std::string_view> kDeadColumns(std::begin(kDeadLetterColumns),
                                                            std::end(kDeadLetterColumns));
    if (sink.kind == SinkConfig::Kind::kTable) {
      if (auto p = CheckPartitionColumns(sink, spath, kDeadColumns, "a dead-letter sink")) return p;
    }
  }

  std::map<std::string_view, size_t> fed_by;  // sink -> pipeline
  std::vector<bool> stream_used(c.streams.size(), false);
  for (size_t i = 0; i < c.pipelines.size(); ++i) {
    const PipelineConfig& pl = c.pipelines[i];
    const std::string path = Index("pipelines", i);
    const auto st = streams.find(pl.stream);
    if (st == streams.end()) return At(Child(path, "stream"), "no stream named '{}'", pl.stream);
    const auto sk = sinks.find(pl.sink);
    if (sk == sinks.end()) return At(Child(path, "sink"), "no sink named '{}'", pl.sink);
    if (const auto dl = dead_letter_of.find(pl.sink); dl != dead_letter_of.end()) {
      return At(Child(path, "sink"),
                "sink '{}' is the dead_letter_sink of stream '{}'; a pipeline cannot feed it too",
                pl.sink, c.streams[dl->second].name);
    }
    auto [it, fresh] = fed_by.emplace(pl.sink, i);
    if (!fresh) {
      return At(Child(path, "sink"),
                "sink '{}' is already fed by pipelines[{}] (one pipeline per sink)", pl.sink,
                it->second);
    }
    stream_used[st->second] = true;

    const StreamConfig& stream = c.streams[st->second];
    const std::vector<std::string_view> all = RecordColumns(stream);
    const std::string fpath = Child(path, "fields");
    for (size_t j = 0; j < pl.fields.size(); ++j) {
      if (!Contains(all, pl.fields[j])) {
        return At(Index(fpath, j), "stream '{}' records have no column '{}' (columns: {})",
                  stream.name, pl.fields[j], JoinNames(all));
      }
      for (size_t k = 0; k < j; ++k) {
        if (pl.fields[k] == pl.fields[j]) {
          return At(Index(fpath, j), "'{}' is listed twice (also fields[{}])", pl.fields[j], k);
        }
      }
    }
    std::vector<std::string_view> input;  // the sink's input columns
    if (pl.fields.empty()) {
      input = all;
    } else {
      for (const std::string& f : pl.fields) input.push_back(f);
    }

    const SinkConfig& sink = c.sinks[sk->second];
    const std::string spath = Index("sinks", sk->second);
    if (sink.kind == SinkConfig::Kind::kTable) {
      const std::string what = fmt::format("the input of {} (stream '{}')", path, stream.name);
      if (auto p = CheckPartitionColumns(sink, spath, input, what)) return p;
      continue;
    }
    if (!sink.time_field.empty()) {
      const StreamField* field = nullptr;
      for (const StreamField& f : stream.fields) {
        if (f.name == sink.time_field) field = &f;
      }
      if (field == nullptr || field->type != StreamField::Type::kTimestamp) {
        return At(Child(spath, "time_field"),
                  "'{}' is not a declared timestamp field of stream '{}'", sink.time_field,
                  stream.name);
      }
      if (!Contains(input, sink.time_field)) {
        return At(fpath, "leaves out '{}', the time_field of sink '{}'", sink.time_field,
                  sink.name);
      }
    } else if (sink.partition_pattern.find('%') != std::string::npos &&
               !Contains(input, kArrivalTime)) {
      return At(fpath,
                "leaves out arrival_time, which sink '{}' files by (keep it or set time_field)",
                sink.name);
    }
  }

  for (size_t i = 0; i < c.sinks.size(); ++i) {
    if (fed_by.count(c.sinks[i].name) == 0 && dead_letter_of.count(c.sinks[i].name) == 0) {
      return At(Child(Index("sinks", i), "name"),
                "sink '{}' is fed by no pipeline and is no stream's dead_letter_sink",
                c.sinks[i].name);
    }
  }
  for (size_t i = 0; i < c.streams.size(); ++i) {
    if (!stream_used[i]) {
      return At(Child(Index("streams", i), "name"),
                "stream '{}' feeds no sink (add a [[pipelines]] entry)", c.streams[i].name);
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// TOML -> IngestConfig

std::string_view NodeTypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Parses "HOST:PORT" ("[IPv6]:PORT" for IPv6 addresses).
Result<std::pair<std::string, int>> ParseListen(std::string_view text) {
  constexpr std::string_view kExpected = "expected HOST:PORT, e.g. \"127.0.0.1:8181\"";
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::InvalidArgument("'{}': {}", text, kExpected);
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr a6;
    if (!::inet_pton(AF_INET6, std::string(host).c_str(), &a6)) {
      return Status::InvalidArgument("'{}': '{}' is not an IPv6 address", text, host);
    }
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument("'{}': {}", text, kExpected);
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Status::InvalidArgument("'{}': write IPv6 addresses in brackets, e.g. \"[::1]:8181\"",
                                     text);
    }
    const bool numeric = host.find_first_not_of("0123456789.") == std::string_view::npos;
    in_addr a4;
    if (numeric && !::inet_pton(AF_INET, std::string(host).c_str(), &a4)) {
      return Status::InvalidArgument("'{}': '{}' is not an IPv4 address", text, host);
    }
    if (!numeric) {
      bool ok = host.size() <= 253;
      for (size_t start = 0; ok;) {
        const size_t end = host.find('.', start);
        const std::string_view label = host.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        ok = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
             label.find_first_not_of(
                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") ==
                 std::string_view::npos;
        if (end == std::string_view::npos) break;
        start = end + 1;
      }
      if (!ok) return Status::InvalidArgument("'{}': '{}' is not a host name", text, host);
    }
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArgument("'{}': {}", text, kExpected);
  }
  const int p = std::stoi(std::string(port));
  if (p < 1 || p > 65535) {
    return Status::InvalidArgument("'{}': port {} is outside [1, 65535]", text, p);
  }
  return std::make_pair(std::string(host), p);
}

class ConfigParser {
 public:
  explicit ConfigParser(std::string_view source) : source_(source) {}

  Status Error(const toml::source_region& at, std::string_view path,
               std::string_view message) const {
    if (at.begin.line == 0) {
      return Status::InvalidArgument("{}: {}: {}", source_, path, message);
    }
    return Status::InvalidArgument("{}:{}:{}: {}: {}", source_, at.begin.line, at.begin.column,
                                   path, message);
  }

  Status CheckKeys(const toml::table& t, std::string_view path,
                   std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : t) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == key.str();
      if (known) continue;
      std::string list;
      for (std::string_view a : allowed) {
        if (!list.empty()) list += ", ";
        list += a;
      }
      return Error(key.source(), Child(path, key.str()),
                   fmt::format("unknown key (expected one of: {})", list));
    }
    return Status::OK();
  }

  Result<std::string> String(const toml::node& n, std::string_view path) const {
    if (const auto* v = n.as_string()) return v->get();
    return WrongType(n, path, "a string");
  }

  Result<bool> Bool(const toml::node& n, std::string_view path) const {
    if (const auto* v = n.as_boolean()) return v->get();
    return WrongType(n, path, "true or false");
  }

  Result<int64_t> Integer(const toml::node& n, std::string_view path, int64_t lo,
                          int64_t hi) const {
    const auto* v = n.as_integer();
    if (v == nullptr) return WrongType(n, path, "an integer");
    if (v->get() < lo || v->get() > hi) {
      return Error(n.source(), path, fmt::format("{} is outside [{}, {}]", v->get(), lo, hi));
    }
    return v->get();
  }

  Result<std::vector<std::string>> StringList(const toml::node& n, std::string_view path) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) return WrongType(n, path, "an array of strings");
    std::vector<std::string> out;
    out.reserve(a->size());
    for (size_t i = 0; i < a->size(); ++i) {
      FLOE_ASSIGN_OR_RETURN(std::string s, String((*a)[i], Index(path, i)));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<const toml::table*> Table(const toml::node& n, std::string_view path) const {
    if (const toml::table* t = n.as_table()) return t;
    return WrongType(n, path, "a table");
  }

  // An array whose elements are all tables ([[name]] or [{...}, ...]).
  Result<const toml::array*> TableArray(const toml::node& n, std::string_view path) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) return WrongType(n, path, fmt::format("an array of tables ([[{}]])", path));
    for (size_t i = 0; i < a->size(); ++i) {
      if (!(*a)[i].is_table()) return WrongType((*a)[i], Index(path, i), "a table");
    }
    return a;
  }

  Result<IngestConfig> Parse(const toml::table& doc) const {
    FLOE_RETURN_IF_ERROR(
        CheckKeys(doc, "", {"server", "streams", "sinks", "pipelines", "storage"}));
    IngestConfig config;
    if (const toml::node* n = doc.get("server")) {
      FLOE_ASSIGN_OR_RETURN(const toml::table* t, Table(*n, "server"));
      FLOE_RETURN_IF_ERROR(ParseServer(*t, &config.server));
    }
    if (const toml::node* n = doc.get("storage")) {
      // [storage.s3] belongs to the storage layer (io/s3_options.h), which checks it.
      FLOE_ASSIGN_OR_RETURN(const toml::table* t, Table(*n, "storage"));
      FLOE_RETURN_IF_ERROR(CheckKeys(*t, "storage", {"s3"}));
    }
    if (const toml::node* n = doc.get("streams")) {
      FLOE_ASSIGN_OR_RETURN(const toml::array* a, TableArray(*n, "streams"));
      for (size_t i = 0; i < a->size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(StreamConfig s,
                              ParseStream(*(*a)[i].as_table(), Index("streams", i)));
        config.streams.push_back(std::move(s));
      }
    }
    if (const toml::node* n = doc.get("sinks")) {
      FLOE_ASSIGN_OR_RETURN(const toml::array* a, TableArray(*n, "sinks"));
      for (size_t i = 0; i < a->size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(SinkConfig s, ParseSink(*(*a)[i].as_table(), Index("sinks", i)));
        config.sinks.push_back(std::move(s));
      }
    }
    if (const toml::node* n = doc.get("pipelines")) {
      FLOE_ASSIGN_OR_RETURN(const toml::array* a, TableArray(*n, "pipelines"));
      for (size_t i = 0; i < a->size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(PipelineConfig p,
                              ParsePipeline(*(*a)[i].as_table(), Index("pipelines", i)));
        config.pipelines.push_back(std::move(p));
      }
    }
    return config;
  }

 private:
  Status WrongType(const toml::node& n, std::string_view path, std::string_view expected) const {
    return Error(n.source(), path, fmt::format("expected {}, got {}", expected, NodeTypeName(n)));
  }

  // Reads `key` of `t` into *out as a size in MiB, returned in bytes.
  Status Megabytes(const toml::table& t, std::string_view path, std::string_view key,
                   int64_t* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::OK();
    FLOE_ASSIGN_OR_RETURN(int64_t mb, Integer(*n, Child(path, key), 1, int64_t{1} << 30));
    *out = mb << 20;
    return Status::OK();
  }

  Status ParseServer(const toml::table& t, ServerConfig* out) const {
    FLOE_RETURN_IF_ERROR(
        CheckKeys(t, "server",
                  {"listen", "warehouse", "wal_dir", "max_request_mb", "max_log_mb",
                   "max_buffered_mb", "retry_after_seconds", "max_depth", "tokens"}));
    if (const toml::node* n = t.get("listen")) {
      FLOE_ASSIGN_OR_RETURN(std::string text, String(*n, "server.listen"));
      auto hp = ParseListen(text);
      if (!hp.ok()) return Error(n->source(), "server.listen", hp.status().message());
      out->host = std::move(hp->first);
      out->port = hp->second;
    }
    if (const toml::node* n = t.get("warehouse")) {
      FLOE_ASSIGN_OR_RETURN(out->warehouse, String(*n, "server.warehouse"));
    }
    if (const toml::node* n = t.get("wal_dir")) {
      FLOE_ASSIGN_OR_RETURN(out->wal_dir, String(*n, "server.wal_dir"));
    }
    FLOE_RETURN_IF_ERROR(Megabytes(t, "server", "max_request_mb", &out->max_request_bytes));
    FLOE_RETURN_IF_ERROR(Megabytes(t, "server", "max_log_mb", &out->max_log_bytes));
    FLOE_RETURN_IF_ERROR(Megabytes(t, "server", "max_buffered_mb", &out->max_buffered_bytes));
    if (const toml::node* n = t.get("retry_after_seconds")) {
      FLOE_ASSIGN_OR_RETURN(out->retry_after_seconds,
                            Integer(*n, "server.retry_after_seconds", 1, 3600));
    }
    if (const toml::node* n = t.get("max_depth")) {
      FLOE_ASSIGN_OR_RETURN(int64_t depth, Integer(*n, "server.max_depth", 1, 1024));
      out->max_depth = static_cast<int>(depth);
    }
    if (const toml::node* n = t.get("tokens")) {
      FLOE_ASSIGN_OR_RETURN(const toml::array* a, TableArray(*n, "server.tokens"));
      for (size_t i = 0; i < a->size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(TokenConfig tok,
                              ParseToken(*(*a)[i].as_table(), Index("server.tokens", i)));
        out->tokens.push_back(std::move(tok));
      }
    }
    return Status::OK();
  }

  Result<TokenConfig> ParseToken(const toml::table& t, const std::string& path) const {
    FLOE_RETURN_IF_ERROR(CheckKeys(t, path, {"token", "token_env", "streams"}));
    TokenConfig out;
    const toml::node* token = t.get("token");
    const toml::node* env = t.get("token_env");
    if ((token == nullptr) == (env == nullptr)) {
      return Error(t.source(), path, "set exactly one of token and token_env");
    }
    if (token != nullptr) {
      FLOE_ASSIGN_OR_RETURN(out.token, String(*token, Child(path, "token")));
    } else {
      FLOE_ASSIGN_OR_RETURN(std::string name, String(*env, Child(path, "token_env")));
      const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
      if (value == nullptr || *value == '\0') {
        return Error(env->source(), Child(path, "token_env"),
                     fmt::format("environment variable '{}' is not set or empty", name));
      }
      out.token = value;
    }
    const toml::node* streams = t.get("streams");
    if (streams == nullptr) {
      return Error(t.source(), Child(path, "streams"),
                   "missing (the streams this token may write to, or [\"*\"])");
    }
    FLOE_ASSIGN_OR_RETURN(out.streams, StringList(*streams, Child(path, "streams")));
    return out;
  }

  Result<StreamConfig> ParseStream(const toml::table& t, const std::string& path) const {
    FLOE_RETURN_IF_ERROR(CheckKeys(t, path,
                                   {"name", "unstructured", "fields", "unknown_fields",
                                    "keep_column", "invalid_records", "dead_letter_sink"}));
    StreamConfig out;
    const toml::node* name = t.get("name");
    if (name == nullptr) return Error(t.source(), Child(path, "name"), "missing");
    FLOE_ASSIGN_OR_RETURN(out.name, String(*name, Child(path, "name")));
    if (const toml::node* n = t.get("unstructured")) {
      FLOE_ASSIGN_OR_RETURN(out.unstructured, Bool(*n, Child(path, "unstructured")));
    }
    const std::string fpath = Child(path, "fields");
    if (const toml::node* n = t.get("fields")) {
      if (out.unstructured) {
        return Error(n->source(), fpath, "an unstructured stream declares no fields");
      }
      FLOE_ASSIGN_OR_RETURN(const toml::array* a, TableArray(*n, fpath));
      for (size_t i = 0; i < a->size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(StreamField f, ParseField(*(*a)[i].as_table(), Index(fpath, i),
                                                        /*is_element=*/false, 1));
        out.fields.push_back(std::move(f));
      }
    } else if (!out.unstructured) {
      return Error(t.source(), fpath, "missing (declare the fields, or set unstructured = true)");
    }
    if (const toml::node* n = t.get("unknown_fields")) {
      const std::string p = Child(path, "unknown_fields");
      FLOE_ASSIGN_OR_RETURN(std::string v, String(*n, p));
      if (v == "reject") {
        out.unknown_fields = UnknownFields::kReject;
      } else if (v == "drop") {
        out.unknown_fields = UnknownFields::kDrop;
      } else if (v == "keep") {
        out.unknown_fields = UnknownFields::kKeep;
      } else {
        return Error(n->source(), p, fmt::format("'{}': use reject, drop or keep", v));
      }
    }
    if (const toml::node* n = t.get("keep_column")) {
      FLOE_ASSIGN_OR_RETURN(out.keep_column, String(*n, Child(path, "keep_column")));
    }
    if (const toml::node* n = t.get("invalid_records")) {
      const std::string p = Child(path, "invalid_records");
      FLOE_ASSIGN_OR_RETURN(std::string v, String(*n, p));
      if (v == "reject_request") {
        out.invalid_records = InvalidRecords::kRejectRequest;
      } else if (v == "dead_letter") {
        out.invalid_records = InvalidRecords::kDeadLetter;
      } else {
        return Error(n->source(), p, fmt::format("'{}': use reject_request or dead_letter", v));
      }
    }
    if (const toml::node* n = t.get("dead_letter_sink")) {
      FLOE_ASSIGN_OR_RETURN(out.dead_letter_sink, String(*n, Child(path, "dead_letter_sink")));
    }
    return out;
  }

  Result<StreamField> ParseField(const toml::table& t, const std::string& path, bool is_element,
                                 int depth) const {
    if (depth > kMaxFieldNesting) {
      return Error(t.source(), path,
                   fmt::format("fields nested deeper than {} levels", kMaxFieldNesting));
    }
    if (is_element) {
      FLOE_RETURN_IF_ERROR(CheckKeys(t, path, {"type", "required", "unit", "element", "fields"}));
    } else {
      FLOE_RETURN_IF_ERROR(
          CheckKeys(t, path, {"name", "type", "required", "unit", "element", "fields"}));
    }
    StreamField out;
    if (is_element) {
      out.name = "element";
    } else {
      const toml::node* name = t.get("name");
      if (name == nullptr) return Error(t.source(), Child(path, "name"), "missing");
      FLOE_ASSIGN_OR_RETURN(out.name, String(*name, Child(path, "name")));
    }
    const std::string tpath = Child(path, "type");
    const toml::node* type = t.get("type");
    if (type == nullptr) return Error(t.source(), tpath, "missing");
    FLOE_ASSIGN_OR_RETURN(std::string type_name, String(*type, tpath));
    const auto parsed = ParseTypeName(type_name);
    if (!parsed) {
      return Error(type->source(), tpath,
                   fmt::format("unknown type '{}' (string, int32, int64, float32, float64, bool, "
                               "timestamp, json, binary, list, struct)",
                               type_name));
    }
    out.type = *parsed;
    if (const toml::node* n = t.get("required")) {
      FLOE_ASSIGN_OR_RETURN(out.required, Bool(*n, Child(path, "required")));
    }
    if (const toml::node* n = t.get("unit")) {
      const std::string upath = Child(path, "unit");
      if (out.type != StreamField::Type::kTimestamp) {
        return Error(n->source(), upath, "only timestamp fields take a unit");
      }
      FLOE_ASSIGN_OR_RETURN(std::string unit, String(*n, upath));
      if (unit == "s") {
        out.epoch_unit = StreamField::EpochUnit::kSeconds;
      } else if (unit == "ms") {
        out.epoch_unit = StreamField::EpochUnit::kMillis;
      } else if (unit == "us") {
        out.epoch_unit = StreamField::EpochUnit::kMicros;
      } else {
        return Error(n->source(), upath, fmt::format("unknown unit '{}' (s, ms or us)", unit));
      }
    }
    const std::string epath = Child(path, "element");
    const toml::node* element = t.get("element");
    if (out.type == StreamField::Type::kList) {
      if (element == nullptr)
        return Error(t.source(), epath, "missing (a list needs its element type)");
      FLOE_ASSIGN_OR_RETURN(const toml::table* et, Table(*element, epath));
      FLOE_ASSIGN_OR_RETURN(StreamField e, ParseField(*et, epath, /*is_element=*/true, depth + 1));
      out.children.push_back(std::move(e));
    } else if (element != nullptr) {
      return Error(element->source(), epath, "only list fields take an element");
    }
    const std::string fpath = Child(path, "fields");
    const toml::node* fields = t.get("fields");
    if (out.type == StreamField::Type::kStruct) {
      if (fields == nullptr) return Error(t.source(), fpath, "missing (a struct needs its fields)");
      FLOE_ASSIGN_OR_RETURN(const toml::array* a, TableArray(*fields, fpath));
      for (size_t i = 0; i < a->size(); ++i) {
        FLOE_ASSIGN_OR_RETURN(StreamField c, ParseField(*(*a)[i].as_table(), Index(fpath, i),
                                                        /*is_element=*/false, depth + 1));
        out.children.push_back(std::move(c));
      }
    } else if (fields != nullptr) {
      return Error(fields->source(), fpath, "only struct fields take fields");
    }
    return out;
  }

  // Flattens nested tables (unquoted dotted keys) into "a.b.c" keys.
  Status ParseProperties(const toml::table& t, const std::string& path, const std::string& prefix,
                         std::vector<std::pair<std::string, std::string>>* out) const {
    for (const auto& [key, node] : t) {
      const std::string name =
          prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      const std::string p = Child(path, key.str());
      if (const toml::table* sub = node.as_table()) {
        FLOE_RETURN_IF_ERROR(ParseProperties(*sub, p, name, out));
      } else if (const auto* s = node.as_string()) {
        out->emplace_back(name, s->get());
      } else if (const auto* i = node.as_integer()) {
        out->emplace_back(name, std::to_string(i->get()));
      } else if (const auto* b = node.as_boolean()) {
        out->emplace_back(name, b->get() ? "true" : "false");
      } else {
        return WrongType(node, p, "a string, integer or boolean");
      }
    }
    return Status::OK();
  }

  Result<SinkConfig> ParseSink(const toml::table& t, const std::string& path) const {
    FLOE_RETURN_IF_ERROR(CheckKeys(t, path,
                                   {"name", "table", "partition", "properties", "uri", "format",
                                    "compression", "partition_pattern", "time_field", "file_prefix",
                                    "interval_seconds", "max_file_mb", "inactivity_seconds"}));
    SinkConfig out;
    const toml::node* name = t.get("name");
    if (name == nullptr) return Error(t.source(), Child(path, "name"), "missing");
    FLOE_ASSIGN_OR_RETURN(out.name, String(*name, Child(path, "name")));
    const toml::node* table = t.get("table");
    const toml::node* uri = t.get("uri");
    if (table != nullptr && uri != nullptr) {
      return Error(uri->source(), Child(path, "uri"),
                   "a sink has table (an Iceberg table) or uri (files), not both");
    }
    if (table == nullptr && uri == nullptr) {
      return Error(t.source(), path, "set table (an Iceberg table) or uri (files)");
    }
    auto string_key = [&](std::string_view key, std::string* dst) -> Status {
      if (const toml::node* n = t.get(key)) {
        FLOE_ASSIGN_OR_RETURN(*dst, String(*n, Child(path, key)));
      }
      return Status::OK();
    };
    if (table != nullptr) {
      out.kind = SinkConfig::Kind::kTable;
      for (std::string_view key :
           {"format", "compression", "partition_pattern", "time_field", "file_prefix"}) {
        if (const toml::node* n = t.get(key)) {
          return Error(n->source(), Child(path, key), "only file sinks (uri) take this key");
        }
      }
      FLOE_RETURN_IF_ERROR(string_key("table", &out.table));
      FLOE_RETURN_IF_ERROR(string_key("partition", &out.partition));
      if (const toml::node* n = t.get("properties")) {
        const std::string p = Child(path, "properties");
        FLOE_ASSIGN_OR_RETURN(const toml::table* props, Table(*n, p));
        FLOE_RETURN_IF_ERROR(ParseProperties(*props, p, "", &out.properties));
      }
    } else {
      out.kind = SinkConfig::Kind::kFiles;
      for (std::string_view key : {"partition", "properties"}) {
        if (const toml::node* n = t.get(key)) {
          return Error(n->source(), Child(path, key), "only table sinks (table) take this key");
        }
      }
      FLOE_RETURN_IF_ERROR(string_key("uri", &out.uri));
      if (const toml::node* n = t.get("format")) {
        const std::string p = Child(path, "format");
        FLOE_ASSIGN_OR_RETURN(std::string v, String(*n, p));
        if (v == "parquet") {
          out.format = SinkConfig::FileFormat::kParquet;
        } else if (v == "ndjson") {
          out.format = SinkConfig::FileFormat::kNdjson;
        } else {
          return Error(n->source(), p, fmt::format("'{}': use parquet or ndjson", v));
        }
      }
      if (const toml::node* n = t.get("compression");
          n != nullptr && out.format == SinkConfig::FileFormat::kNdjson) {
        return Error(n->source(), Child(path, "compression"),
                     "ndjson files are written uncompressed; remove compression");
      }
      FLOE_RETURN_IF_ERROR(string_key("compression", &out.compression));
      FLOE_RETURN_IF_ERROR(string_key("partition_pattern", &out.partition_pattern));
      FLOE_RETURN_IF_ERROR(string_key("time_field", &out.time_field));
      FLOE_RETURN_IF_ERROR(string_key("file_prefix", &out.file_prefix));
    }
    constexpr int64_t kMaxSeconds = int64_t{1} << 31;
    if (const toml::node* n = t.get("interval_seconds")) {
      FLOE_ASSIGN_OR_RETURN(out.interval_seconds,
                            Integer(*n, Child(path, "interval_seconds"), 1, kMaxSeconds));
    }
    if (const toml::node* n = t.get("max_file_mb")) {
      FLOE_ASSIGN_OR_RETURN(out.max_file_mb,
                            Integer(*n, Child(path, "max_file_mb"), 1, int64_t{1} << 20));
    }
    if (const toml::node* n = t.get("inactivity_seconds")) {
      FLOE_ASSIGN_OR_RETURN(out.inactivity_seconds,
                            Integer(*n, Child(path, "inactivity_seconds"), 0, kMaxSeconds));
    }
    return out;
  }

  Result<PipelineConfig> ParsePipeline(const toml::table& t, const std::string& path) const {
    FLOE_RETURN_IF_ERROR(CheckKeys(t, path, {"stream", "sink", "fields"}));
    PipelineConfig out;
    for (auto [key, dst] : {std::pair{"stream", &out.stream}, std::pair{"sink", &out.sink}}) {
      const toml::node* n = t.get(key);
      if (n == nullptr) return Error(t.source(), Child(path, key), "missing");
      FLOE_ASSIGN_OR_RETURN(*dst, String(*n, Child(path, key)));
    }
    if (const toml::node* n = t.get("fields")) {
      const std::string p = Child(path, "fields");
      FLOE_ASSIGN_OR_RETURN(out.fields, StringList(*n, p));
      if (out.fields.empty()) {
        return Error(n->source(), p, "empty (leave fields out to keep every column)");
      }
    }
    return out;
  }

  std::string source_;
};

// The node a problem's path names, or its nearest ancestor that exists (a missing key is
// reported at the table that lacks it).
const toml::node* NodeAt(const toml::table& doc, std::string path) {
  while (!path.empty()) {
    if (toml::node_view<const toml::node> v = toml::at_path(doc, path)) return v.node();
    const size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return nullptr;
}

}  // namespace

bool TokenConfig::Allows(std::string_view stream) const {
  for (const std::string& s : streams) {
    if (s == "*" || s == stream) return true;
  }
  return false;
}

std::string ServerConfig::ResolvedWalDir() const {
  if (!wal_dir.empty()) return wal_dir;
  std::string_view w = warehouse;
  const std::string scheme = SchemeOf(w);
  if (scheme == "file") {
    w.remove_prefix(w.find("://") + 3);
    if (w.starts_with("localhost/")) w.remove_prefix(9);
  } else if (!scheme.empty()) {
    return "./floe-wal";
  }
  while (w.size() > 1 && w.back() == '/') w.remove_suffix(1);
  if (w.empty()) return "./floe-wal";
  return w == "/" ? "/_wal" : std::string(w) + "/_wal";
}

const StreamConfig* IngestConfig::FindStream(std::string_view name) const {
  for (const StreamConfig& s : streams) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const SinkConfig* IngestConfig::FindSink(std::string_view name) const {
  for (const SinkConfig& s : sinks) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Result<IngestConfig> ParseConfig(std::string_view text, std::string_view source) {
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument("{}: {} bytes is larger than a configuration file may be ({})",
                                   source, text.size(), kMaxConfigBytes);
  }
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("{}:{}:{}: {}", source, e.source().begin.line,
                                   e.source().begin.column, std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument("{}: {}", source, e.what());
  }
  ConfigParser parser(source);
  FLOE_ASSIGN_OR_RETURN(IngestConfig config, parser.Parse(doc));
  if (MaybeProblem p = FindProblem(config)) {
    const toml::node* at = NodeAt(doc, p->path);
    return parser.Error(at != nullptr ? at->source() : toml::source_region{}, p->path, p->message);
  }
  return config;
}

Result<IngestConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("{}: cannot open the configuration file", path);
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
      return Status::InvalidArgument("{}: larger than a configuration file may be ({} bytes)", path,
                                     kMaxConfigBytes);
    }
  }
  if (in.bad()) return Status::IOError("{}: read failed", path);
  return ParseConfig(text, path);
}

IngestConfig DefaultConfig(const std::string& warehouse) {
  IngestConfig c;
  c.server.warehouse = warehouse;
  StreamConfig stream;
  stream.name = "events";
  stream.unstructured = true;
  stream.unknown_fields = UnknownFields::kKeep;
  stream.invalid_records = InvalidRecords::kRejectRequest;
  c.streams.push_back(std::move(stream));
  SinkConfig sink;
  sink.name = "events";
  sink.kind = SinkConfig::Kind::kTable;
  sink.table = "default.events";
  sink.partition = "day(arrival_time)";
  sink.interval_seconds = 60;
  c.sinks.push_back(std::move(sink));
  c.pipelines.push_back(PipelineConfig{.stream = "events", .sink = "events", .fields = {}});
  return c;
}

Status ValidateConfig(const IngestConfig& config) {
  if (MaybeProblem p = FindProblem(config)) {
    return Status::InvalidArgument("{}: {}", p->path, p->message);
  }
  return Status::OK();
}

}  // namespace floe::ingest
