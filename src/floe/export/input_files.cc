#include "floe/export/input_files.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "floe/io/object_store.h"

namespace floe::exporter {

namespace {

namespace fs = std::filesystem;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Strips a compression extension, if any.
std::string_view WithoutCompression(std::string_view name) {
  const std::string lower = Lower(name);
  for (std::string_view ext : {".gz", ".gzip", ".zst", ".zstd"}) {
    if (EndsWith(lower, ext)) return name.substr(0, name.size() - ext.size());
  }
  return name;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
  return v;
}

bool ValidDate(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Result<InputFile> StatLocal(const std::string& path, InputFormat format) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound("{}: no such file", path);
  InputFile f;
  f.path = path;
  f.format = format;
  f.size = static_cast<uint64_t>(st.st_size);
  f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  return f;
}

}  // namespace

std::string_view InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kAuto:
      return "auto";
    case InputFormat::kCsv:
      return "csv";
    case InputFormat::kJson:
      return "json";
    case InputFormat::kNdjson:
      return "ndjson";
  }
  return "?";
}

Result<InputFormat> ParseInputFormat(std::string_view name) {
  const std::string n = Lower(name);
  if (n == "auto") return InputFormat::kAuto;
  if (n == "csv" || n == "tsv") return InputFormat::kCsv;
  if (n == "json") return InputFormat::kJson;
  if (n == "ndjson" || n == "jsonl") return InputFormat::kNdjson;
  return Status::InvalidArgument("unknown input format '{}' (csv, tsv, json, ndjson, jsonl)", name);
}

int64_t Date::ToDays() const {
  // Howard Hinnant's days_from_civil.
  const int y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Date Date::FromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

std::string Date::ToString() const { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

Result<Date> ParseDate(std::string_view t) {
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    bool digits = true;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) digits = digits && IsDigit(t[i]);
    if (digits) {
      Date d{Digits(t, 0, 4), Digits(t, 5, 2), Digits(t, 8, 2)};
      if (ValidDate(d.year, d.month, d.day)) return d;
    }
  }
  return Status::InvalidArgument("'{}' is not a date (YYYY-MM-DD)", t);
}

std::optional<Date> DateInFileName(std::string_view path) {
  const std::string_view name = BaseName(path);
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsDigit(name[i]) || (i > 0 && IsDigit(name[i - 1]))) continue;
    size_t run = i;
    while (run < name.size() && IsDigit(name[run])) ++run;
    const size_t len = run - i;
    int y = 0, m = 0, d = 0;
    if (len == 8) {
      y = Digits(name, i, 4), m = Digits(name, i + 4, 2), d = Digits(name, i + 6, 2);
    } else if (len == 4 && i + 10 <= name.size() && (name[i + 4] == '-' || name[i + 4] == '_') &&
               name[i + 7] == name[i + 4] && IsDigit(name[i + 5]) && IsDigit(name[i + 6]) &&
               IsDigit(name[i + 8]) && IsDigit(name[i + 9]) &&
               (i + 10 == name.size() || !IsDigit(name[i + 10]))) {
      y = Digits(name, i, 4), m = Digits(name, i + 5, 2), d = Digits(name, i + 8, 2);
    } else {
      continue;
    }
    if (y >= 1900 && y <= 2999 && ValidDate(y, m, d)) return Date{y, m, d};
  }
  return std::nullopt;
}

InputFormat FormatFromName(std::string_view path) {
  const std::string name = Lower(WithoutCompression(BaseName(path)));
  if (EndsWith(name, ".csv") || EndsWith(name, ".tsv")) return InputFormat::kCsv;
  if (EndsWith(name, ".ndjson") || EndsWith(name, ".jsonl")) return InputFormat::kNdjson;
  if (EndsWith(name, ".json")) return InputFormat::kJson;
  return InputFormat::kAuto;
}

std::string InputStem(std::string_view path) {
  if (path == "-") return "stdin";
  std::string_view name = WithoutCompression(BaseName(path));
  const std::string lower = Lower(name);
  for (std::string_view ext : {".csv", ".tsv", ".ndjson", ".jsonl", ".json"}) {
    if (EndsWith(lower, ext)) {
      name = name.substr(0, name.size() - ext.size());
      break;
    }
  }
  return name.empty() ? std::string("input") : std::string(name);
}

Result<std::vector<InputFile>> DiscoverInputs(const std::vector<std::string>& args,
                                              const DiscoverOptions& options) {
  std::vector<InputFile> out;
  std::set<std::string> seen;
  bool have_stdin = false;
  auto add = [&](InputFile f) -> Status {
    if (f.format == InputFormat::kAuto) f.format = options.format;
    if (f.format == InputFormat::kAuto) f.format = FormatFromName(f.path);
    if (f.format == InputFormat::kAuto) {
      return Status::InvalidArgument(
          "{}: cannot tell the input format from the name (use --format csv|json|ndjson)", f.path);
    }
    if (seen.insert(f.path).second) out.push_back(std::move(f));
    return Status::OK();
  };
  for (const std::string& arg : args) {
    if (arg == "-") {
      if (options.format == InputFormat::kAuto) {
        return Status::InvalidArgument("standard input needs --format (csv, json or ndjson)");
      }
      have_stdin = true;
      continue;
    }
    if (arg.find("://") != std::string::npos && arg.rfind("file://", 0) != 0) {
      FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(arg));
      auto info = r.store->Head(r.key);
      if (info.ok()) {
        InputFile f;
        f.path = arg;
        f.size = info->size;
        f.mtime_ns = info->mtime_ms * 1'000'000;
        FLOE_RETURN_IF_ERROR(add(std::move(f)));
        continue;
      }
      // A prefix: every object under it with a known format.
      std::string prefix = r.key;
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      FLOE_ASSIGN_OR_RETURN(auto objects, r.store->List(prefix));
      size_t found = 0;
      for (const io::ObjectInfo& o : objects) {
        if (FormatFromName(o.key) == InputFormat::kAuto && options.format == InputFormat::kAuto) {
          continue;
        }
        InputFile f;
        f.path = r.store->UriOf(o.key);
        f.size = o.size;
        f.mtime_ns = o.mtime_ms * 1'000'000;
        FLOE_RETURN_IF_ERROR(add(std::move(f)));
        ++found;
      }
      if (found == 0) return Status::InvalidArgument("{}: no input objects there", arg);
      continue;
    }
    const std::string path = arg.rfind("file://", 0) == 0 ? arg.substr(7) : arg;
    if (path.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      const int rc = ::glob(path.c_str(), 0, nullptr, &g);
      std::vector<std::string> matches;
      if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
      }
      ::globfree(&g);
      if (matches.empty()) return Status::InvalidArgument("{}: matches no file", arg);
      for (const std::string& m : matches) {
        std::error_code ec;
        if (fs::is_directory(m, ec)) continue;
        FLOE_ASSIGN_OR_RETURN(InputFile f, StatLocal(m, InputFormat::kAuto));
        FLOE_RETURN_IF_ERROR(add(std::move(f)));
      }
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> files;
      auto it =
          fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
      if (ec) return Status::IOError("{}: cannot list: {}", path, ec.message());
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return Status::IOError("{}: cannot list: {}", path, ec.message());
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_directory() && !options.recursive) it.disable_recursion_pending();
        if (!it->is_regular_file()) continue;
        if (options.format == InputFormat::kAuto &&
            FormatFromName(it->path().string()) == InputFormat::kAuto) {
          continue;
        }
        files.push_back(it->path().string());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) return Status::InvalidArgument("{}: no CSV, JSON or NDJSON files", path);
      for (const std::string& f : files) {
        FLOE_ASSIGN_OR_RETURN(InputFile in, StatLocal(f, InputFormat::kAuto));
        FLOE_RETURN_IF_ERROR(add(std::move(in)));
      }
      continue;
    }
    FLOE_ASSIGN_OR_RETURN(InputFile f, StatLocal(path, InputFormat::kAuto));
    FLOE_RETURN_IF_ERROR(add(std::move(f)));
  }
  std::sort(out.begin(), out.end(),
            [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  if (have_stdin) {
    InputFile f;
    f.path = "-";
    f.format = options.format;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace floe::exporter
