// Building blocks of floe's deterministic benchmark data (bench/gen/events.h,
// bench/gen/query_log.h): a small seeded PRNG whose sequence is fixed by this file alone
// (no std:: distributions, whose output differs between standard libraries), JSON string
// escaping, number and timestamp formatting, and prose-like text for markdown and html
// content.
//
// Header-only so every bench program can include it (CMake builds bench/*_bench.cc files
// only). Nothing here is thread-safe; use one generator per thread.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "floe/columnar/json_writer.h"

namespace floe::bench::gen {

// wyrand: 64-bit output, one multiply per draw, passes BigCrush; the sequence depends only
// on the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0xa0761d6478bd642full;
    const unsigned __int128 t =
        static_cast<unsigned __int128>(state_) * (state_ ^ 0xe7037ed1a0b428dbull);
    return static_cast<uint64_t>(t >> 64) ^ static_cast<uint64_t>(t);
  }
  // Uniform in [0, n) (multiply-shift; the bias is below 2^-32 for the n used here). n > 0.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Skewed toward 0 in [0, n): small indexes are picked far more often, like the
  // popularity of words, tenants or queries.
  uint64_t Skewed(uint64_t n) { return Below(Below(n) + 1); }
  // True with probability `percent` / 100.
  bool Percent(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// JSON string literals: floe::AppendJsonString (floe/columnar/json_writer.h).

inline void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// `v` with exactly `digits` fraction digits ("12.500").
inline void AppendFixed(double v, int digits, std::string* out) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, digits);
  out->append(buf, r.ptr);
}

// `v` as `width` lower-case hex digits (zero-padded, high digits first).
inline void AppendHex(uint64_t v, int width, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[16];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = kHex[v & 15];
    v >>= 4;
  }
  out->append(buf, static_cast<size_t>(width));
}

// "YYYY-MM-DD HH:MM:SS.ffffff" of microseconds since the Unix epoch (years 1970..9999),
// the text both floe (timestamp columns) and DuckDB (TIMESTAMP) parse. Days to civil date
// after Howard Hinnant's public-domain algorithm.
inline void AppendTimestampMicros(int64_t us, std::string* out) {
  const int64_t secs = us / 1000000;
  const int64_t frac = us % 1000000;
  const int64_t days = secs / 86400;
  const int64_t sod = secs % 86400;
  const int64_t z = days + 719468;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2);
  char buf[26];
  auto put = [&buf](int at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[at + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, year, 4);
  buf[4] = '-';
  put(5, month, 2);
  buf[7] = '-';
  put(8, day, 2);
  buf[10] = ' ';
  put(11, sod / 3600, 2);
  buf[13] = ':';
  put(14, sod / 60 % 60, 2);
  buf[16] = ':';
  put(17, sod % 60, 2);
  buf[19] = '.';
  put(20, frac, 6);
  out->append(buf, sizeof buf);
}

// Prose-like text: words drawn with a skewed popularity from a fixed vocabulary, mixed with
// numbers, identifiers and a little non-ASCII, so that it compresses roughly like real
// documentation (zstd level 3: about 3-4x) rather than like a repeated string.
class TextSource {
 public:
  explicit TextSource(Rng* rng) : rng_(rng) {}

  std::string_view Word() { return kWords[rng_->Skewed(kWordCount)]; }

  // `words` words separated by spaces, sometimes with an identifier, a number or a
  // non-ASCII word in between.
  void AppendSentence(int words, std::string* out) {
    for (int i = 0; i < words; ++i) {
      if (i > 0) out->push_back(' ');
      const uint64_t pick = rng_->Below(100);
      if (pick < 3) {
        AppendInt(static_cast<int64_t>(rng_->Below(100000)), out);
      } else if (pick < 5) {
        AppendHex(rng_->Next(), 8, out);
      } else if (pick < 6) {
        out->append(kUnicode[rng_->Below(kUnicodeCount)]);
      } else {
        out->append(Word());
      }
    }
  }

  // Markdown of about `bytes` bytes (at least one heading): headings, paragraphs with
  // emphasis, inline code and links, bullet lists and fenced code blocks.
  void AppendMarkdown(size_t bytes, std::string* out) {
    const size_t end = out->size() + bytes;
    out->append("# ");
    AppendSentence(static_cast<int>(rng_->Between(3, 7)), out);
    out->append("\n\n");
    while (out->size() < end) {
      switch (rng_->Below(8)) {
        case 0:
          out->append("## ");
          AppendSentence(static_cast<int>(rng_->Between(2, 6)), out);
          out->append("\n\n");
          break;
        case 1:
        case 2:
          for (int i = static_cast<int>(rng_->Between(2, 5)); i > 0; --i) {
            out->append("- ");
            AppendSentence(static_cast<int>(rng_->Between(3, 10)), out);
            out->push_back('\n');
          }
          out->push_back('\n');
          break;
        case 3:
          out->append("```sql\nSELECT ");
          out->append(Word());
          out->append(", count(*) FROM ");
          out->append(Word());
          out->append(" WHERE id = ");
          AppendInt(static_cast<int64_t>(rng_->Below(1000000)), out);
          out->append(";\n```\n\n");
          break;
        default:
          AppendSentence(static_cast<int>(rng_->Between(6, 20)), out);
          out->append(" **");
          AppendSentence(2, out);
          out->append("** ");
          AppendSentence(static_cast<int>(rng_->Between(4, 16)), out);
          out->append(" `");
          out->append(Word());
          out->append("()` and [");
          out->append(Word());
          out->append("](https://docs.example.com/");
          out->append(Word());
          out->push_back('/');
          AppendInt(static_cast<int64_t>(rng_->Below(10000)), out);
          out->append("). ");
          AppendSentence(static_cast<int>(rng_->Between(4, 14)), out);
          out->append(".\n\n");
          break;
      }
    }
  }

  // HTML of about `bytes` bytes: one <article> of paragraphs, links, lists and spans with
  // attributes (so it carries '"' that JSON must escape).
  void AppendHtml(size_t bytes, std::string* out) {
    const size_t end = out->size() + bytes;
    out->append("<article class=\"event-body\">");
    while (out->size() < end) {
      switch (rng_->Below(5)) {
        case 0:
          out->append("<h2>");
          AppendSentence(static_cast<int>(rng_->Between(2, 6)), out);
          out->append("</h2>");
          break;
        case 1:
          out->append("<ul>");
          for (int i = static_cast<int>(rng_->Between(2, 4)); i > 0; --i) {
            out->append("<li>");
            AppendSentence(static_cast<int>(rng_->Between(3, 8)), out);
            out->append("</li>");
          }
          out->append("</ul>");
          break;
        case 2:
          out->append("<p>See <a href=\"https://app.example.com/");
          out->append(Word());
          out->push_back('/');
          AppendInt(static_cast<int64_t>(rng_->Below(100000)), out);
          out->append("\" rel=\"noopener\">");
          AppendSentence(static_cast<int>(rng_->Between(1, 4)), out);
          out->append("</a> ");
          AppendSentence(static_cast<int>(rng_->Between(4, 12)), out);
          out->append("</p>");
          break;
        default:
          out->append("<p>");
          AppendSentence(static_cast<int>(rng_->Between(6, 18)), out);
          out->append(" <span class=\"tag-");
          out->append(Word());
          out->append("\">");
          AppendSentence(2, out);
          out->append("</span> ");
          AppendSentence(static_cast<int>(rng_->Between(3, 10)), out);
          out->append(".</p>");
          break;
      }
    }
    out->append("</article>");
  }

 private:
  static constexpr const char* kWords[] = {
      "the",        "a",           "to",         "of",        "and",        "in",
      "is",         "for",         "on",         "with",      "that",       "this",
      "it",         "as",          "be",         "by",        "from",       "or",
      "are",        "an",          "at",         "we",        "can",        "not",
      "data",       "table",       "query",      "event",     "user",       "file",
      "column",     "row",         "page",       "index",     "schema",     "value",
      "stream",     "batch",       "write",      "read",      "commit",     "snapshot",
      "partition",  "manifest",    "filter",     "bucket",    "object",     "store",
      "latency",    "throughput",  "request",    "response",  "server",     "client",
      "cache",      "memory",      "disk",       "network",   "thread",     "process",
      "error",      "warning",     "retry",      "timeout",   "deploy",     "release",
      "version",    "config",      "option",     "default",   "feature",    "flag",
      "customer",   "account",     "billing",    "invoice",   "payment",    "order",
      "product",    "catalog",     "search",     "result",    "session",    "login",
      "dashboard",  "report",      "metric",     "alert",     "incident",   "review",
      "document",   "section",     "paragraph",  "example",   "note",       "summary",
      "new",        "old",         "fast",       "slow",      "large",      "small",
      "first",      "last",        "next",       "previous",  "every",      "each",
      "should",     "must",        "will",       "would",     "could",      "may",
      "when",       "then",        "after",      "before",    "while",      "until",
      "compaction", "replication", "durability", "ingest",    "pipeline",   "transform",
      "aggregate",  "dimension",   "timestamp",  "namespace", "visibility", "permission",
      "team",       "project",     "workspace",  "member",    "owner",      "admin",
      "upload",     "download",    "export",     "import",    "migration",  "rollback",
      "analytics",  "warehouse",   "lakehouse",  "iceberg",   "parquet",    "zstd",
      "encoding",   "dictionary",  "statistics", "footer",    "header",     "checksum",
      "kubernetes", "container",   "cluster",    "node",      "region",     "zone",
      "monday",     "tuesday",     "quarterly",  "weekly",    "daily",      "hourly",
  };
  static constexpr uint64_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);
  static constexpr const char* kUnicode[] = {"café",     "naïve", "Zürich", "São",  "—",
                                             "“quoted”", "über",  "€42",    "東京", "✓"};
  static constexpr uint64_t kUnicodeCount = sizeof(kUnicode) / sizeof(kUnicode[0]);

  Rng* rng_;
};

}  // namespace floe::bench::gen
