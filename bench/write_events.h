// Deterministic benchmark inputs: JSON-like events (about 1 KB, or about 225 KB with large
// markdown and html content) and query-log CSV rows, as floe RecordBatches and as the
// equivalent JSON Lines / CSV text (the input other engines load, and the "input MB" that
// throughput is measured against).
//
// Event: ulid, ts (epoch ms, timestamp(ms, utc)), namespace, type, id, visibility,
//        data {user {id, name, email}, action, tags[], count, duration_ms, score, ok},
//        markdown, html.
// CSV:   timestamp, query_hash, query_type, execution_time_ms, rows_examined,
//        rows_returned, cache_hit, table_name, index_used.
#pragma once

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "floe/columnar/column.h"
#include "floe/columnar/type.h"

namespace floe::bench {

inline std::string FormatTimestampMicros(int64_t us, int digits);

inline SchemaPtr EventSchema() {
  auto user =
      types::Struct({Field{"id", types::Int64(), false}, Field{"name", types::String(), true},
                     Field{"email", types::String(), true}});
  auto data = types::Struct({
      Field{"user", user, true},
      Field{"action", types::String(), true},
      Field{"tags", types::List(types::String(), false), true},
      Field{"count", types::Int64(), true},
      Field{"duration_ms", types::Float64(), true},
      Field{"score", types::Float64(), true},
      Field{"ok", types::Bool(), true},
  });
  return std::make_shared<Schema>(std::vector<Field>{
      Field{"ulid", types::String(), false},
      Field{"ts", types::Timestamp(TimeUnit::kMilli, true), false},
      Field{"namespace", types::String(), false},
      Field{"type", types::String(), false},
      Field{"id", types::String(), false},
      Field{"visibility", types::String(), false},
      Field{"data", data, true},
      Field{"markdown", types::String(), true},
      Field{"html", types::String(), true},
  });
}

// The DuckDB column types matching EventSchema, for read_json(columns = ...).
inline const char* EventDuckColumns() {
  return "{ulid: 'VARCHAR', ts: 'TIMESTAMP_MS', namespace: 'VARCHAR', type: 'VARCHAR', "
         "id: 'VARCHAR', visibility: 'VARCHAR', data: 'STRUCT(\"user\" STRUCT(id BIGINT, name "
         "VARCHAR, email VARCHAR), action VARCHAR, tags VARCHAR[], count BIGINT, duration_ms "
         "DOUBLE, score DOUBLE, ok BOOLEAN)', markdown: 'VARCHAR', html: 'VARCHAR'}";
}

class EventGenerator {
 public:
  // `content_bytes`: approximate markdown + html size per event (~700 for 1 KB events,
  // ~225'000 for large ones).
  EventGenerator(uint64_t seed, int content_bytes) : rng_(seed), content_bytes_(content_bytes) {}

  // Appends `n` events to `batch` and (when non-null) their JSON Lines to `jsonl`.
  RecordBatch Generate(int64_t n, std::string* jsonl) {
    BatchBuilder bb(EventSchema());
    for (int64_t i = 0; i < n; ++i) {
      const int64_t ts = ts_ += static_cast<int64_t>(rng_() % 50);
      const std::string ulid = Ulid(ts);
      const std::string ns = kNamespaces[Zipf(8)];
      const std::string type = kTypes[Zipf(24)];
      const std::string id = Uuid();
      const std::string vis = kVisibility[rng_() % 3];
      const int64_t user_id = static_cast<int64_t>(Zipf(5000)) + 1000;
      const std::string name = std::string(kFirst[user_id % 32]) + " " + kLast[(user_id / 32) % 32];
      const std::string email = "user" + std::to_string(user_id) + "@example.com";
      const std::string action = kActions[Zipf(12)];
      std::vector<std::string> tags;
      const int ntags = static_cast<int>(rng_() % 4);
      for (int t = 0; t < ntags; ++t) tags.push_back(kTags[Zipf(40)]);
      const int64_t count = static_cast<int64_t>(rng_() % 1000);
      const double duration = static_cast<double>(rng_() % 100000) / 100.0;
      const double score = static_cast<double>(rng_() % 1000000) / 1e6;
      const bool ok = rng_() % 10 != 0;
      const std::string markdown = Markdown(content_bytes_ * 2 / 3);
      const std::string html = Html(content_bytes_ / 3);

      bb.column(0).AppendBytes(ulid);
      bb.column(1).AppendInt(ts);
      bb.column(2).AppendBytes(ns);
      bb.column(3).AppendBytes(type);
      bb.column(4).AppendBytes(id);
      bb.column(5).AppendBytes(vis);
      ColumnBuilder& data = bb.column(6);
      ColumnBuilder& user = data.child(0);
      user.child(0).AppendInt(user_id);
      user.child(1).AppendBytes(name);
      user.child(2).AppendBytes(email);
      user.CloseStruct();
      data.child(1).AppendBytes(action);
      for (const std::string& t : tags) data.child(2).child(0).AppendBytes(t);
      data.child(2).CloseList();
      data.child(3).AppendInt(count);
      data.child(4).AppendDouble(duration);
      data.child(5).AppendDouble(score);
      data.child(6).AppendBool(ok);
      data.CloseStruct();
      bb.column(7).AppendBytes(markdown);
      bb.column(8).AppendBytes(html);

      if (jsonl) {
        nlohmann::json j = {{"ulid", ulid},
                            {"ts", ts},
                            {"namespace", ns},
                            {"type", type},
                            {"id", id},
                            {"visibility", vis},
                            {"data",
                             {{"user", {{"id", user_id}, {"name", name}, {"email", email}}},
                              {"action", action},
                              {"tags", tags},
                              {"count", count},
                              {"duration_ms", duration},
                              {"score", score},
                              {"ok", ok}}},
                            {"markdown", markdown},
                            {"html", html}};
        // DuckDB reads TIMESTAMP_MS from text; keep ts numeric in the JSON for floe-like
        // sizes but give DuckDB the same instant.
        j["ts"] = FormatTs(ts);
        *jsonl += j.dump();
        *jsonl += '\n';
      }
    }
    return bb.Finish();
  }

 private:
  static constexpr const char* kNamespaces[] = {"prod", "staging", "dev",    "billing",
                                                "auth", "search",  "mobile", "web"};
  static constexpr const char* kTypes[] = {
      "page.view",      "page.click",     "user.login",   "user.logout",   "user.signup",
      "cart.add",       "cart.remove",    "order.create", "order.pay",     "order.ship",
      "search.query",   "search.click",   "doc.create",   "doc.edit",      "doc.delete",
      "comment.create", "comment.delete", "file.upload",  "file.download", "api.call",
      "api.error",      "job.start",      "job.finish",   "job.fail"};
  static constexpr const char* kVisibility[] = {"public", "private", "internal"};
  static constexpr const char* kActions[] = {"create",  "read",   "update", "delete",
                                             "share",   "export", "import", "archive",
                                             "restore", "like",   "follow", "report"};
  static constexpr const char* kFirst[] = {
      "Ada",    "Alan",   "Grace",     "Linus",   "Ken",  "Dennis",  "Barbara",  "Edsger",
      "Donald", "John",   "Leslie",    "Niklaus", "Tony", "Frances", "Margaret", "Radia",
      "Guido",  "Bjarne", "James",     "Anders",  "Rob",  "Russ",    "Brian",    "Bill",
      "Sophie", "Hedy",   "Katherine", "Mary",    "Jean", "Evelyn",  "Kathleen", "Ruth"};
  static constexpr const char* kLast[] = {
      "Lovelace", "Turing",    "Hopper",   "Torvalds",   "Thompson", "Ritchie",   "Liskov",
      "Dijkstra", "Knuth",     "McCarthy", "Lamport",    "Wirth",    "Hoare",     "Allen",
      "Hamilton", "Perlman",   "Rossum",   "Stroustrup", "Gosling",  "Hejlsberg", "Pike",
      "Cox",      "Kernighan", "Joy",      "Wilson",     "Lamarr",   "Johnson",   "Jackson",
      "Bartik",   "Boyce",     "Booth",    "Teitelbaum"};
  static constexpr const char* kTags[] = {
      "alpha",  "beta",   "gamma",   "delta", "urgent", "low",  "high",   "mobile",
      "web",    "ios",    "android", "eu",    "us",     "apac", "trial",  "paid",
      "free",   "beta-2", "red",     "green", "blue",   "ops",  "sales",  "eng",
      "design", "legal",  "hr",      "q1",    "q2",     "q3",   "q4",     "2024",
      "2025",   "new",    "old",     "vip",   "test",   "prod", "canary", "rollback"};
  static constexpr const char* kWords[] = {
      "the",    "data",    "lake",    "event",    "stream",    "query",      "table", "snapshot",
      "commit", "schema",  "column",  "row",      "group",     "page",       "index", "filter",
      "bloom",  "parquet", "iceberg", "manifest", "partition", "sort",       "merge", "compact",
      "file",   "object",  "store",   "bucket",   "latency",   "throughput", "batch", "write",
      "read",   "scan",    "prune",   "stats",    "min",       "max",        "null",  "value",
      "and",    "of",      "to",      "in",       "for",       "with",       "on",    "is"};

  size_t Zipf(size_t n) {
    // Skewed pick: squares a uniform draw toward 0.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    return std::min(n - 1, static_cast<size_t>(u * u * static_cast<double>(n)));
  }
  std::string Ulid(int64_t ts) {
    static const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string s(26, '0');
    uint64_t t = static_cast<uint64_t>(ts);
    for (int i = 9; i >= 0; --i) {
      s[i] = kAlphabet[t & 31];
      t >>= 5;
    }
    for (int i = 10; i < 26; ++i) s[i] = kAlphabet[rng_() & 31];
    return s;
  }
  std::string Uuid() {
    char buf[40];
    const uint64_t a = rng_(), b = rng_();
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>(a >> 16 & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                  static_cast<unsigned>(((b >> 48) & 0x3FFF) | 0x8000),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
    return buf;
  }
  std::string Sentence(int words) {
    std::string s;
    for (int i = 0; i < words; ++i) {
      if (i) s += ' ';
      s += kWords[Zipf(48)];
    }
    return s;
  }
  std::string Markdown(int bytes) {
    std::string s = "# " + Sentence(4) + "\n\n";
    while (static_cast<int>(s.size()) < bytes) {
      switch (rng_() % 4) {
        case 0:
          s += "- " + Sentence(6) + "\n";
          break;
        case 1:
          s += "**" + Sentence(2) + "** " + Sentence(10) + ".\n\n";
          break;
        case 2:
          s += "`" + std::string(kWords[rng_() % 48]) + "()` " + Sentence(8) + "\n";
          break;
        default:
          s += Sentence(14) + ". " + std::to_string(rng_() % 10000) + "\n\n";
          break;
      }
    }
    return s;
  }
  std::string Html(int bytes) {
    std::string s = "<div class=\"event\">";
    while (static_cast<int>(s.size()) < bytes) {
      switch (rng_() % 3) {
        case 0:
          s += "<p>" + Sentence(8) + "</p>";
          break;
        case 1:
          s += "<a href=\"/e/" + std::to_string(rng_() % 100000) + "\">" + Sentence(2) + "</a>";
          break;
        default:
          s += "<span id=\"s" + std::to_string(rng_() % 1000) + "\">" + Sentence(3) + "</span>";
          break;
      }
    }
    return s + "</div>";
  }
  static std::string FormatTs(int64_t ms) { return FormatTimestampMicros(ms * 1000, 3); }

  std::mt19937_64 rng_;
  int content_bytes_;
  int64_t ts_ = 1700000000000;
};

// "YYYY-MM-DD HH:MM:SS.fff[fff]" of microseconds since the epoch (>= 1970), with
// `digits` fraction digits (3 or 6).
inline std::string FormatTimestampMicros(int64_t us, int digits) {
  {
    const int64_t secs = us / 1000000;
    int64_t z = secs / 86400 + 719468;
    const int64_t sod = secs % 86400;
    const int64_t era = z / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    char buf[48];
    const int64_t frac = digits == 3 ? us / 1000 % 1000 : us % 1000000;
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%0*lld",
                  static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                  static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                  static_cast<long long>(sod % 60), digits, static_cast<long long>(frac));
    return buf;
  }
}

inline SchemaPtr QueryLogSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      Field{"timestamp", types::Timestamp(TimeUnit::kMicro, false), false},
      Field{"query_hash", types::String(), false},
      Field{"query_type", types::String(), false},
      Field{"execution_time_ms", types::Float64(), false},
      Field{"rows_examined", types::Int64(), false},
      Field{"rows_returned", types::Int64(), false},
      Field{"cache_hit", types::Bool(), false},
      Field{"table_name", types::String(), false},
      Field{"index_used", types::String(), true},
  });
}

inline const char* QueryLogDuckColumns() {
  return "{timestamp: 'TIMESTAMP', query_hash: 'VARCHAR', query_type: 'VARCHAR', "
         "execution_time_ms: 'DOUBLE', rows_examined: 'BIGINT', rows_returned: 'BIGINT', "
         "cache_hit: 'BOOLEAN', table_name: 'VARCHAR', index_used: 'VARCHAR'}";
}

// Query-log rows as a batch and as CSV text (with a header line when `csv` is empty).
inline RecordBatch GenerateQueryLog(uint64_t seed, int64_t n, std::string* csv) {
  static const char* kTypes[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"};
  static const char* kTables[] = {"users",    "orders",   "events",    "sessions",
                                  "products", "payments", "inventory", "audit_log"};
  std::mt19937_64 rng(seed);
  BatchBuilder bb(QueryLogSchema());
  if (csv && csv->empty()) {
    *csv +=
        "timestamp,query_hash,query_type,execution_time_ms,rows_examined,rows_returned,"
        "cache_hit,table_name,index_used\n";
  }
  int64_t ts = 1700000000000000;
  char line[256];
  for (int64_t i = 0; i < n; ++i) {
    ts += static_cast<int64_t>(rng() % 2000);
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx",
                  static_cast<unsigned long long>(rng() % 5000 * 0x9E3779B97F4A7C15ull));
    const char* type = kTypes[rng() % 100 < 70 ? 0 : 1 + rng() % 4];
    const double exec = static_cast<double>(rng() % 500000) / 1000.0;
    const int64_t examined = static_cast<int64_t>(rng() % 1000000);
    const int64_t returned =
        examined == 0 ? 0 : static_cast<int64_t>(rng() % (examined + 1) % 5000);
    const bool hit = rng() % 3 == 0;
    const char* table = kTables[rng() % 8];
    const bool has_index = rng() % 4 != 0;
    const std::string index =
        has_index ? std::string("idx_") + table + "_" + std::to_string(rng() % 4) : "";
    bb.column(0).AppendInt(ts);
    bb.column(1).AppendBytes(hash);
    bb.column(2).AppendBytes(type);
    bb.column(3).AppendDouble(exec);
    bb.column(4).AppendInt(examined);
    bb.column(5).AppendInt(returned);
    bb.column(6).AppendBool(hit);
    bb.column(7).AppendBytes(table);
    if (has_index) {
      bb.column(8).AppendBytes(index);
    } else {
      bb.column(8).AppendNull();
    }
    if (csv) {
      std::snprintf(line, sizeof line, "%s,%s,%s,%.3f,%lld,%lld,%s,%s,%s\n",
                    FormatTimestampMicros(ts, 6).c_str(), hash, type, exec,
                    static_cast<long long>(examined), static_cast<long long>(returned),
                    hit ? "true" : "false", table, index.c_str());
      *csv += line;
    }
  }
  return bb.Finish();
}

}  // namespace floe::bench
