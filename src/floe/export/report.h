// The export report (printed at the end, as text or JSON) and the terminal progress line.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace floe::exporter {

struct InputReport {
  std::string path;
  // "exported", "skipped" (unchanged since the last run), "would export" (dry run),
  // "filtered" (outside --date/--since/--until)
  std::string action;
  std::string reason;  // why: "unchanged", "new", "changed", "forced", "settings changed"
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t rows_rejected = 0;
  int64_t rows_filtered = 0;  // outside --date/--since/--until by the time column
  uint64_t input_bytes = 0;
  std::vector<std::string> outputs;  // output paths (relative to the output root)
};

struct ExportReport {
  std::vector<InputReport> inputs;
  int64_t inputs_exported = 0;
  int64_t inputs_skipped = 0;
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t rows_rejected = 0;
  int64_t rows_filtered = 0;
  uint64_t input_bytes = 0;  // stored bytes read (compressed for compressed inputs)
  uint64_t input_uncompressed_bytes = 0;
  uint64_t output_bytes = 0;  // bytes of the Parquet files written
  int64_t output_files = 0;
  int64_t outputs_removed = 0;  // stale outputs of changed inputs deleted
  double seconds = 0;
  bool dry_run = false;
  bool verified = false;
  std::string destination;  // output root or table
  std::string bad_rows_file;
  // Things the user should know that did not fail the export (e.g. a file only sorted
  // within its row groups). Not part of ToText: the CLI prints them on stderr.
  std::vector<std::string> warnings;

  // Uncompressed input bytes per output byte (0 when nothing was written).
  double compression_ratio() const;
  double mb_per_second() const;
  double rows_per_second() const;

  std::string ToText() const;
  std::string ToJson() const;
};

// A one-line progress display on a terminal: rows, MB/s and ETA, redrawn at most every
// 200 ms. Disabled (every call a no-op) when `enabled` is false. Not thread-safe.
class Progress {
 public:
  Progress(bool enabled, uint64_t total_bytes, FILE* out = stderr);
  ~Progress();
  // Reports the totals so far (input bytes consumed, rows read).
  void Update(uint64_t bytes_done, int64_t rows_done);
  // Erases the line.
  void Finish();

 private:
  bool enabled_;
  uint64_t total_bytes_;
  FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace floe::exporter
