// Deterministic query-log rows, as CSV (with a header line) or as NDJSON, the same values
// either way:
//
//   timestamp,query_hash,query_type,execution_time_ms,rows_examined,rows_returned,
//   cache_hit,table_name,index_used
//   2023-11-14 22:13:20.000417,4f1c0a9be2d37781,SELECT,12.408,48213,120,false,orders,
//   idx_orders_created_at
//
// timestamp: microseconds, text without a zone (DuckDB TIMESTAMP, floe timestamp(us));
// query_hash: 16 hex digits of one of 50,000 queries (skewed popularity); query_type:
// SELECT, INSERT, UPDATE, DELETE or MERGE; execution_time_ms: 3 decimals, heavy-tailed;
// rows_returned <= rows_examined; cache_hit: true/false; table_name: one of 40 tables;
// index_used: an index name, or empty (CSV) / null (JSON) for a quarter of the rows.
//
// The sequence is a pure function of the seed. kQueryLogSchemaJson is the floe schema file;
// kQueryLogDuckDbColumns the DuckDB read_csv / read_json column types. Not thread-safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "text.h"

namespace floe::bench::gen {

inline constexpr std::string_view kQueryLogCsvHeader =
    "timestamp,query_hash,query_type,execution_time_ms,rows_examined,rows_returned,cache_hit,"
    "table_name,index_used\n";

inline constexpr std::string_view kQueryLogSchemaJson = R"json({
  "fields": [
    {"name": "timestamp", "nullable": false, "type": "timestamp(us)"},
    {"name": "query_hash", "nullable": false, "type": "string"},
    {"name": "query_type", "nullable": false, "type": "string"},
    {"name": "execution_time_ms", "nullable": false, "type": "float64"},
    {"name": "rows_examined", "nullable": false, "type": "int64"},
    {"name": "rows_returned", "nullable": false, "type": "int64"},
    {"name": "cache_hit", "nullable": false, "type": "bool"},
    {"name": "table_name", "nullable": false, "type": "string"},
    {"name": "index_used", "nullable": true, "type": "string"}
  ]
}
)json";

inline constexpr std::string_view kQueryLogDuckDbColumns =
    "{timestamp: 'TIMESTAMP', query_hash: 'VARCHAR', query_type: 'VARCHAR', "
    "execution_time_ms: 'DOUBLE', rows_examined: 'BIGINT', rows_returned: 'BIGINT', "
    "cache_hit: 'BOOLEAN', table_name: 'VARCHAR', index_used: 'VARCHAR'}";

class QueryLogGenerator {
 public:
  explicit QueryLogGenerator(uint64_t seed) : rng_(seed) {}

  // Appends the next row as one CSV line ('\n'-terminated; no field needs quoting).
  void AppendCsvRow(std::string* out) {
    const Row r = NextRow();
    AppendTimestampMicros(r.ts_us, out);
    out->push_back(',');
    AppendHex(r.query_hash, 16, out);
    out->push_back(',');
    out->append(r.query_type);
    out->push_back(',');
    AppendFixed(r.execution_time_ms, 3, out);
    out->push_back(',');
    AppendInt(r.rows_examined, out);
    out->push_back(',');
    AppendInt(r.rows_returned, out);
    out->append(r.cache_hit ? ",true," : ",false,");
    out->append(r.table_name);
    out->push_back(',');
    if (r.index_used >= 0) AppendIndexName(r, out);
    out->push_back('\n');
  }

  // Appends the next row as one JSON object and a '\n'.
  void AppendJsonLine(std::string* out) {
    const Row r = NextRow();
    out->append("{\"timestamp\":\"");
    AppendTimestampMicros(r.ts_us, out);
    out->append("\",\"query_hash\":\"");
    AppendHex(r.query_hash, 16, out);
    out->append("\",\"query_type\":\"");
    out->append(r.query_type);
    out->append("\",\"execution_time_ms\":");
    AppendFixed(r.execution_time_ms, 3, out);
    out->append(",\"rows_examined\":");
    AppendInt(r.rows_examined, out);
    out->append(",\"rows_returned\":");
    AppendInt(r.rows_returned, out);
    out->append(r.cache_hit ? ",\"cache_hit\":true" : ",\"cache_hit\":false");
    out->append(",\"table_name\":\"");
    out->append(r.table_name);
    if (r.index_used >= 0) {
      out->append("\",\"index_used\":\"");
      AppendIndexName(r, out);
      out->append("\"}\n");
    } else {
      out->append("\",\"index_used\":null}\n");
    }
  }

 private:
  struct Row {
    int64_t ts_us;
    uint64_t query_hash;
    const char* query_type;
    double execution_time_ms;
    int64_t rows_examined;
    int64_t rows_returned;
    bool cache_hit;
    const char* table_name;
    int index_used;  // -1: none
  };

  static constexpr const char* kTables[] = {
      "users",       "accounts",   "orders",    "order_items", "products", "inventory",  "payments",
      "invoices",    "refunds",    "shipments", "events",      "sessions", "page_views", "clicks",
      "searches",    "carts",      "coupons",   "reviews",     "comments", "documents",  "folders",
      "permissions", "teams",      "members",   "audit_log",   "api_keys", "webhooks",   "jobs",
      "job_runs",    "alerts",     "metrics",   "dashboards",  "reports",  "exports",    "imports",
      "tags",        "categories", "suppliers", "warehouses",  "regions"};
  static constexpr uint64_t kTableCount = sizeof(kTables) / sizeof(kTables[0]);
  static constexpr const char* kIndexColumns[] = {"pkey",       "created_at", "user_id",
                                                  "account_id", "status",     "updated_at"};

  Row NextRow() {
    Row r;
    ts_us_ += static_cast<int64_t>(rng_.Below(4000));
    r.ts_us = ts_us_;
    // One of 50,000 distinct queries; the hash is a fixed scramble of its number.
    const uint64_t query = rng_.Skewed(50000);
    r.query_hash = (query + 1) * 0x9E3779B97F4A7C15ull;
    r.query_hash ^= r.query_hash >> 29;
    const uint64_t kind = query % 100;
    r.query_type = kind < 72   ? "SELECT"
                   : kind < 86 ? "INSERT"
                   : kind < 95 ? "UPDATE"
                   : kind < 99 ? "DELETE"
                               : "MERGE";
    // Heavy tail: e^(N(0,1)-ish * 2) milliseconds, from a sum of uniforms.
    const double z = rng_.Unit() + rng_.Unit() + rng_.Unit() - 1.5;
    r.execution_time_ms = std::round(std::exp(1.0 + 2.5 * z) * 1000.0) / 1000.0;
    r.rows_examined = static_cast<int64_t>(rng_.Skewed(5000000));
    r.rows_returned = r.rows_examined == 0 ? 0
                                           : static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(
                                                 std::min<int64_t>(r.rows_examined, 10000) + 1)));
    r.cache_hit = rng_.Percent(35);
    r.table_name = kTables[query % kTableCount];
    r.index_used = rng_.Percent(25) ? -1 : static_cast<int>(query / kTableCount % 6);
    return r;
  }

  void AppendIndexName(const Row& r, std::string* out) {
    out->append("idx_");
    out->append(r.table_name);
    out->push_back('_');
    out->append(kIndexColumns[r.index_used]);
  }

  Rng rng_;
  int64_t ts_us_ = 1700000000000000;
};

}  // namespace floe::bench::gen
