// Deterministic JSON events, the shape floe ingests: one JSON object per line (NDJSON).
//
//   {"ulid": "01HF...", "ts": 1700000000123, "namespace": "org-0042", "type": "doc.edit",
//    "id": "3f2b...-....", "visibility": "team",
//    "data": {"user_id": 1234, "session": "9a0c...", "action": "update",
//             "duration_ms": 12.5, "success": true, "tags": ["eu", "paid"]},
//    "markdown": "# ...", "html": "<article ...>...</article>"}
//
// Two sizes: kSmall events are about 1 KB of JSON (a few hundred bytes of markdown and html
// content), kLarge events about 225 KB (almost all of it markdown and html). The sequence is
// a pure function of the seed and the size: the same arguments give the same bytes on every
// machine and compiler.
//
// kEventSchemaJson is the matching floe schema file (schema_json.h); kEventDuckDbColumns
// and kEventDuckDbSelect give DuckDB the same schema for read_json (DuckDB cannot read an
// epoch-ms number as a timestamp, so it reads ts as BIGINT and the select list converts it).
//
// Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "text.h"

namespace floe::bench::gen {

enum class EventSize { kSmall, kLarge };

inline constexpr std::string_view kEventSchemaJson = R"json({
  "fields": [
    {"name": "ulid", "nullable": false, "type": "string"},
    {"name": "ts", "nullable": false, "type": "timestamp(ms, utc)"},
    {"name": "namespace", "nullable": false, "type": "string"},
    {"name": "type", "nullable": false, "type": "string"},
    {"name": "id", "nullable": false, "type": "string"},
    {"name": "visibility", "nullable": false, "type": "string"},
    {"name": "data", "nullable": true, "type": {"type": "struct", "fields": [
      {"name": "user_id", "nullable": true, "type": "int64"},
      {"name": "session", "nullable": true, "type": "string"},
      {"name": "action", "nullable": true, "type": "string"},
      {"name": "duration_ms", "nullable": true, "type": "float64"},
      {"name": "success", "nullable": true, "type": "bool"},
      {"name": "tags", "nullable": true, "type": {"type": "list", "element": "string"}}
    ]}},
    {"name": "markdown", "nullable": true, "type": "string"},
    {"name": "html", "nullable": true, "type": "string"}
  ]
}
)json";

// DuckDB read_json(columns = ...) for the same fields (ts as BIGINT, see above).
inline constexpr std::string_view kEventDuckDbColumns =
    "{ulid: 'VARCHAR', ts: 'BIGINT', namespace: 'VARCHAR', type: 'VARCHAR', id: 'VARCHAR', "
    "visibility: 'VARCHAR', data: 'STRUCT(user_id BIGINT, session VARCHAR, action VARCHAR, "
    "duration_ms DOUBLE, success BOOLEAN, tags VARCHAR[])', markdown: 'VARCHAR', html: "
    "'VARCHAR'}";
// The select list over that read_json giving floe's column types and order.
inline constexpr std::string_view kEventDuckDbSelect =
    "* REPLACE (epoch_ms(ts)::TIMESTAMP_MS AS ts)";

class EventGenerator {
 public:
  EventGenerator(uint64_t seed, EventSize size)
      : rng_(seed), text_(&rng_), size_(size), ts_ms_(1700000000000) {}

  // Appends the next event as one JSON object and a '\n'.
  void AppendJsonLine(std::string* out) {
    ts_ms_ += static_cast<int64_t>(size_ == EventSize::kSmall ? rng_.Below(20) : rng_.Below(5000));
    out->append("{\"ulid\":\"");
    AppendUlid(ts_ms_, out);
    out->append("\",\"ts\":");
    AppendInt(ts_ms_, out);
    out->append(",\"namespace\":\"org-");
    AppendFixedDigits(rng_.Skewed(500), 4, out);
    out->append("\",\"type\":\"");
    out->append(kTypes[rng_.Skewed(kTypeCount)]);
    out->append("\",\"id\":\"");
    AppendUuid(out);
    out->append("\",\"visibility\":\"");
    out->append(kVisibility[rng_.Skewed(kVisibilityCount)]);
    out->append("\",\"data\":{\"user_id\":");
    AppendInt(1000 + static_cast<int64_t>(rng_.Skewed(1000000)), out);
    out->append(",\"session\":\"");
    AppendHex(rng_.Next(), 16, out);
    out->append("\",\"action\":\"");
    out->append(kActions[rng_.Skewed(kActionCount)]);
    out->append("\",\"duration_ms\":");
    AppendFixed(static_cast<double>(rng_.Skewed(2000000)) / 1000.0, 3, out);
    out->append(",\"success\":");
    out->append(rng_.Percent(92) ? "true" : "false");
    out->append(",\"tags\":[");
    for (int i = static_cast<int>(rng_.Below(5)); i > 0; --i) {
      out->push_back('"');
      out->append(kTags[rng_.Skewed(kTagCount)]);
      out->append(i > 1 ? "\"," : "\"");
    }
    out->append("]},\"markdown\":");
    // Content lengths vary between half and one and a half times the mean.
    const size_t markdown_mean = size_ == EventSize::kSmall ? 330 : 150000;
    const size_t html_mean = size_ == EventSize::kSmall ? 230 : 75000;
    content_.clear();
    text_.AppendMarkdown(Vary(markdown_mean), &content_);
    AppendJsonString(content_, out);
    out->append(",\"html\":");
    content_.clear();
    text_.AppendHtml(Vary(html_mean), &content_);
    AppendJsonString(content_, out);
    out->append("}\n");
  }

 private:
  static constexpr const char* kTypes[] = {
      "page.view",      "page.click",    "user.login",    "user.logout",    "user.signup",
      "doc.create",     "doc.edit",      "doc.view",      "doc.delete",     "doc.share",
      "comment.create", "comment.edit",  "file.upload",   "file.download",  "search.query",
      "order.create",   "order.pay",     "order.ship",    "order.refund",   "api.call",
      "api.error",      "job.start",     "job.finish",    "job.fail",       "alert.fire",
      "alert.resolve",  "member.invite", "member.remove", "billing.charge", "export.run"};
  static constexpr uint64_t kTypeCount = sizeof(kTypes) / sizeof(kTypes[0]);
  static constexpr const char* kVisibility[] = {"team", "private", "public", "internal"};
  static constexpr uint64_t kVisibilityCount = sizeof(kVisibility) / sizeof(kVisibility[0]);
  static constexpr const char* kActions[] = {"create",  "read",   "update", "delete",
                                             "share",   "export", "import", "archive",
                                             "restore", "like",   "follow", "report"};
  static constexpr uint64_t kActionCount = sizeof(kActions) / sizeof(kActions[0]);
  static constexpr const char* kTags[] = {
      "urgent", "low",      "high",  "mobile", "web",   "ios",  "android", "eu",
      "us",     "apac",     "trial", "paid",   "free",  "beta", "ops",     "sales",
      "eng",    "design",   "legal", "q1",     "q2",    "q3",   "q4",      "vip",
      "canary", "rollback", "sla",   "gdpr",   "hipaa", "pci"};
  static constexpr uint64_t kTagCount = sizeof(kTags) / sizeof(kTags[0]);

  size_t Vary(size_t mean) { return mean / 2 + rng_.Below(mean + 1); }

  void AppendFixedDigits(uint64_t v, int width, std::string* out) {
    char buf[20];
    for (int i = width - 1; i >= 0; --i) {
      buf[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out->append(buf, static_cast<size_t>(width));
  }

  // ULID text: 48-bit millisecond time then 80 random bits, Crockford base32 (26 chars).
  void AppendUlid(int64_t ts_ms, std::string* out) {
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char buf[26];
    uint64_t t = static_cast<uint64_t>(ts_ms);
    for (int i = 9; i >= 0; --i) {
      buf[i] = kAlphabet[t & 31];
      t >>= 5;
    }
    uint64_t r = rng_.Next();
    for (int i = 10; i < 26; ++i) {
      if (i == 22) r = rng_.Next();
      buf[i] = kAlphabet[r & 31];
      r >>= 5;
    }
    out->append(buf, sizeof buf);
  }

  // A random (version 4) UUID in 8-4-4-4-12 form.
  void AppendUuid(std::string* out) {
    const uint64_t hi = (rng_.Next() & ~0xF000ull) | 0x4000ull;
    const uint64_t lo = (rng_.Next() & ~(0xCull << 60)) | (0x8ull << 60);
    AppendHex(hi >> 32, 8, out);
    out->push_back('-');
    AppendHex(hi >> 16, 4, out);
    out->push_back('-');
    AppendHex(hi, 4, out);
    out->push_back('-');
    AppendHex(lo >> 48, 4, out);
    out->push_back('-');
    AppendHex(lo, 12, out);
  }

  Rng rng_;
  TextSource text_;
  EventSize size_;
  int64_t ts_ms_;
  std::string content_;
};

}  // namespace floe::bench::gen
