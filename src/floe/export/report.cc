#include "floe/export/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace floe::exporter {

namespace {

std::string Bytes(uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < (uint64_t{1} << 20)) return fmt::format("{:.1f} KiB", n / 1024.0);
  if (n < (uint64_t{1} << 30)) return fmt::format("{:.1f} MiB", n / 1048576.0);
  return fmt::format("{:.2f} GiB", n / 1073741824.0);
}

}  // namespace

double ExportReport::compression_ratio() const {
  return output_bytes == 0 ? 0.0 : static_cast<double>(input_uncompressed_bytes) / output_bytes;
}
double ExportReport::mb_per_second() const {
  return seconds <= 0 ? 0.0 : input_uncompressed_bytes / 1e6 / seconds;
}
double ExportReport::rows_per_second() const { return seconds <= 0 ? 0.0 : rows_read / seconds; }

std::string ExportReport::ToText() const {
  std::string out;
  for (const InputReport& in : inputs) {
    if (in.action == "exported") {
      out += fmt::format(
          "exported {}: {} rows -> {} file{}{}\n", in.path, in.rows_written, in.outputs.size(),
          in.outputs.size() == 1 ? "" : "s",
          in.rows_rejected > 0 ? fmt::format(" ({} rows quarantined)", in.rows_rejected) : "");
    } else if (in.action == "would export") {
      out += fmt::format(
          "would export {} ({}, {}){}\n", in.path, in.reason, Bytes(in.input_bytes),
          in.outputs.empty() ? "" : " -> " + fmt::format("{}", fmt::join(in.outputs, ", ")));
    } else {
      out += fmt::format("{} {} ({})\n", in.action, in.path, in.reason);
    }
  }
  if (dry_run) {
    out += fmt::format(
        "dry run: {} input{} would be exported, {} skipped as unchanged; nothing "
        "written\n",
        inputs_exported, inputs_exported == 1 ? "" : "s", inputs_skipped);
  } else {
    out += fmt::format("{} input{} exported, {} skipped as unchanged\n", inputs_exported,
                       inputs_exported == 1 ? "" : "s", inputs_skipped);
  }
  if (!dry_run) {
    out += fmt::format(
        "rows: {} read, {} written, {} rejected{}{}\n", rows_read, rows_written, rows_rejected,
        rows_rejected > 0 && !bad_rows_file.empty()
            ? fmt::format(" (quarantined in {})", bad_rows_file)
            : "",
        rows_filtered > 0 ? fmt::format(", {} outside the date range", rows_filtered) : "");
    out += fmt::format("bytes: {} in ({} uncompressed), {} out in {} file{} to {}\n",
                       Bytes(input_bytes), Bytes(input_uncompressed_bytes), Bytes(output_bytes),
                       output_files, output_files == 1 ? "" : "s", destination);
    out += fmt::format("compression ratio: {:.2f}x; time {:.2f} s, {:.1f} MB/s, {:.0f} rows/s{}\n",
                       compression_ratio(), seconds, mb_per_second(), rows_per_second(),
                       verified ? "; verified" : "");
    if (outputs_removed > 0) out += fmt::format("replaced outputs removed: {}\n", outputs_removed);
  }
  return out;
}

std::string ExportReport::ToJson() const {
  nlohmann::ordered_json j;
  j["dry_run"] = dry_run;
  j["destination"] = destination;
  j["inputs_exported"] = inputs_exported;
  j["inputs_skipped"] = inputs_skipped;
  j["rows_read"] = rows_read;
  j["rows_written"] = rows_written;
  j["rows_rejected"] = rows_rejected;
  j["rows_filtered"] = rows_filtered;
  j["input_bytes"] = input_bytes;
  j["input_uncompressed_bytes"] = input_uncompressed_bytes;
  j["output_bytes"] = output_bytes;
  j["output_files"] = output_files;
  j["outputs_removed"] = outputs_removed;
  j["compression_ratio"] = compression_ratio();
  j["seconds"] = seconds;
  j["mb_per_second"] = mb_per_second();
  j["rows_per_second"] = rows_per_second();
  j["verified"] = verified;
  if (!bad_rows_file.empty()) j["bad_rows_file"] = bad_rows_file;
  j["warnings"] = warnings;
  auto arr = nlohmann::ordered_json::array();
  for (const InputReport& in : inputs) {
    arr.push_back({{"path", in.path},
                   {"action", in.action},
                   {"reason", in.reason},
                   {"rows_read", in.rows_read},
                   {"rows_written", in.rows_written},
                   {"rows_rejected", in.rows_rejected},
                   {"rows_filtered", in.rows_filtered},
                   {"input_bytes", in.input_bytes},
                   {"outputs", in.outputs}});
  }
  j["inputs"] = std::move(arr);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Progress::Progress(bool enabled, uint64_t total_bytes, FILE* out)
    : enabled_(enabled), total_bytes_(total_bytes), out_(out) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t bytes_done, int64_t rows_done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double mbps = secs > 0 ? bytes_done / 1e6 / secs : 0;
  std::string eta = "--";
  if (total_bytes_ > 0 && bytes_done > 0 && bytes_done <= total_bytes_ && mbps > 0) {
    const double left = (total_bytes_ - bytes_done) / 1e6 / mbps;
    eta = fmt::format("{}:{:02}", static_cast<int>(left) / 60, static_cast<int>(left) % 60);
  }
  const double pct = total_bytes_ > 0 ? 100.0 * bytes_done / total_bytes_ : 0;
  const int width = 24;
  const int filled = static_cast<int>(pct / 100 * width);
  std::string bar(static_cast<size_t>(std::clamp(filled, 0, width)), '#');
  bar.resize(width, '.');
  std::fprintf(out_, "\r[%s] %5.1f%%  %lld rows  %.1f MB/s  ETA %s\x1b[K", bar.c_str(), pct,
               static_cast<long long>(rows_done), mbps, eta.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::Finish() {
  if (enabled_ && drawn_) {
    std::fprintf(out_, "\r\x1b[K");
    std::fflush(out_);
    drawn_ = false;
  }
}

}  // namespace floe::exporter
