// The export state file: what earlier runs exported, so a re-run skips unchanged inputs and
// replaces the outputs of changed ones. A JSON document (docs/export.md has the format):
//
//   {"format": "floe-export-state", "version": 1,
//    "settings": "<hex digest of the settings that shape outputs>",
//    "inputs": [
//      {"path": "logs/q_2024-01-02.csv", "size": 1234, "mtime_ns": 1700000000000000000,
//       "content_hash": "xxh3:89ab...", "rows_read": 10, "rows_written": 9, "rows_rejected": 1,
//       "exported_at": "2026-11-21T08:00:00Z",
//       "outputs": [{"path": "year=2024/month=01/q_2024-01-02.parquet", "rows": 9,
//                    "bytes": 4567}]}]}
//
// Output paths are relative to the output root (for --table exports: data file URIs).
// The file is replaced atomically (object-store write aside + publish) after every output of
// a run is published, so a killed run leaves the previous state. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"

namespace floe::exporter {

struct StateOutput {
  std::string path;
  int64_t rows = 0;
  uint64_t bytes = 0;
  bool operator==(const StateOutput&) const = default;
};

struct StateEntry {
  std::string path;  // the input as discovered
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string content_hash;  // "xxh3:<16 hex digits>" of the stored bytes
  int64_t rows_read = 0;
  int64_t rows_written = 0;
  int64_t rows_rejected = 0;
  std::string exported_at;  // RFC 3339 UTC
  std::vector<StateOutput> outputs;
  bool operator==(const StateEntry&) const = default;
};

class ExportState {
 public:
  // Parses a state file. Corruption names the problem (a state file is ours: a damaged one
  // is reported, never silently replaced).
  static Result<ExportState> Parse(std::string_view text, std::string_view name = "state file");
  // Loads `uri`; an absent file gives an empty state.
  static Result<ExportState> Load(const std::string& uri);
  // Writes the state to `uri` atomically.
  Status Save(const std::string& uri) const;
  std::string ToJson() const;

  // The entry for input `path`, or nullptr.
  const StateEntry* Find(std::string_view path) const;
  // Adds or replaces the entry for entry.path.
  void Put(StateEntry entry);
  // The input that recorded `output_path` as one of its outputs, or nullptr.
  const StateEntry* OwnerOf(std::string_view output_path) const;
  const std::map<std::string, StateEntry, std::less<>>& entries() const { return entries_; }

  const std::string& settings() const { return settings_; }
  void set_settings(std::string s) { settings_ = std::move(s); }

 private:
  std::string settings_;
  std::map<std::string, StateEntry, std::less<>> entries_;
};

}  // namespace floe::exporter
