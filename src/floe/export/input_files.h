// Export inputs: expanding the command line's files, globs, directories and "-" (standard
// input) into a sorted list of input files with their format, size and modification time,
// and selecting dated inputs by a date in the file name.
//
// Formats are named by the extension under any compression extension (".csv", ".tsv",
// ".json", ".ndjson", ".jsonl", then optionally ".gz", ".gzip", ".zst", ".zstd"); a
// format given explicitly (--format) overrides. ".json" is a JSON document (an array or
// records under --json-path); ".ndjson"/".jsonl" are JSON Lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"

namespace floe::exporter {

enum class InputFormat : uint8_t { kAuto, kCsv, kJson, kNdjson };

std::string_view InputFormatName(InputFormat f);
// "csv" | "tsv" (CSV; the caller sets the tab delimiter) | "json" | "ndjson" | "jsonl" | "auto".
Result<InputFormat> ParseInputFormat(std::string_view name);

struct InputFile {
  std::string path;  // as given or found ("-" for standard input); local path or URI
  InputFormat format = InputFormat::kAuto;
  uint64_t size = 0;     // stored bytes (0 for stdin)
  int64_t mtime_ns = 0;  // modification time, ns since the epoch (0 for stdin / unknown)
  bool is_stdin() const { return path == "-"; }
};

// A civil date (proleptic Gregorian).
struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
  // Days since 1970-01-01.
  int64_t ToDays() const;
  static Date FromDays(int64_t days);
  std::string ToString() const;  // YYYY-MM-DD
};

// Parses "YYYY-MM-DD"; InvalidArgument for anything else or an impossible date.
Result<Date> ParseDate(std::string_view text);

// The first date written in `file_name` (the last path component) as YYYY-MM-DD,
// YYYY_MM_DD or YYYYMMDD (not part of a longer digit run), if any.
std::optional<Date> DateInFileName(std::string_view path);

// The format `path`'s extension names (kAuto when none does).
InputFormat FormatFromName(std::string_view path);
// `path`'s last component without its directory, compression and format extensions
// ("logs/q_2024-01-02.csv.gz" -> "q_2024-01-02"; "-" -> "stdin").
std::string InputStem(std::string_view path);

struct DiscoverOptions {
  // Used for every input when not kAuto.
  InputFormat format = InputFormat::kAuto;
  // Directories are walked recursively.
  bool recursive = true;
};

// Expands `args`: "-" is standard input; a directory contributes every regular file under
// it whose extension names a format (hidden files and directories skipped); a pattern with
// '*', '?' or '[' is expanded with glob(3) ("**" is not special); anything else must be an
// existing file or an object-store URI. Inputs come out sorted by path, each once.
// InvalidArgument when an argument matches nothing or a file's format cannot be told.
Result<std::vector<InputFile>> DiscoverInputs(const std::vector<std::string>& args,
                                              const DiscoverOptions& options = {});

}  // namespace floe::exporter
