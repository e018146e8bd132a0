#include "floe/export/state_file.h"

#include <nlohmann/json.hpp>

#include "floe/io/object_store.h"

namespace floe::exporter {

namespace {
using nlohmann::ordered_json;
constexpr std::string_view kFormat = "floe-export-state";
constexpr int kVersion = 1;
}  // namespace

Result<ExportState> ExportState::Parse(std::string_view text, std::string_view name) {
  ordered_json j = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption("{}: not a JSON object", name);
  }
  auto bad = [&](std::string_view what) {
    return Status::Corruption("{}: {} (delete the file, or use --force, to start over)", name,
                              what);
  };
  if (!j.contains("format") || j["format"] != kFormat) return bad("not a floe export state file");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"] != kVersion) {
    return bad("unsupported version");
  }
  ExportState s;
  if (j.contains("settings") && j["settings"].is_string()) {
    s.settings_ = j["settings"].get<std::string>();
  }
  if (!j.contains("inputs") || !j["inputs"].is_array()) return bad("\"inputs\" is not an array");
  for (const auto& e : j["inputs"]) {
    if (!e.is_object() || !e.contains("path") || !e["path"].is_string()) {
      return bad("an input without a path");
    }
    StateEntry entry;
    entry.path = e["path"].get<std::string>();
    auto num = [&](const char* key, auto& out) -> bool {
      if (!e.contains(key)) return true;
      if (!e[key].is_number_integer()) return false;
      out = e[key].get<std::decay_t<decltype(out)>>();
      return true;
    };
    if (!num("size", entry.size) || !num("mtime_ns", entry.mtime_ns) ||
        !num("rows_read", entry.rows_read) || !num("rows_written", entry.rows_written) ||
        !num("rows_rejected", entry.rows_rejected)) {
      return bad(fmt::format("input \"{}\": a count is not an integer", entry.path));
    }
    if (e.contains("content_hash") && e["content_hash"].is_string()) {
      entry.content_hash = e["content_hash"].get<std::string>();
    }
    if (e.contains("exported_at") && e["exported_at"].is_string()) {
      entry.exported_at = e["exported_at"].get<std::string>();
    }
    if (e.contains("outputs")) {
      if (!e["outputs"].is_array()) {
        return bad(fmt::format("input \"{}\": \"outputs\" is not an array", entry.path));
      }
      for (const auto& o : e["outputs"]) {
        if (!o.is_object() || !o.contains("path") || !o["path"].is_string()) {
          return bad(fmt::format("input \"{}\": an output without a path", entry.path));
        }
        StateOutput out;
        out.path = o["path"].get<std::string>();
        if (o.contains("rows") && o["rows"].is_number_integer())
          out.rows = o["rows"].get<int64_t>();
        if (o.contains("bytes") && o["bytes"].is_number_integer()) {
          out.bytes = o["bytes"].get<uint64_t>();
        }
        entry.outputs.push_back(std::move(out));
      }
    }
    s.entries_[entry.path] = std::move(entry);
  }
  return s;
}

Result<ExportState> ExportState::Load(const std::string& uri) {
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(uri));
  auto text = r.store->Get(r.key);
  if (!text.ok()) {
    if (text.status().IsNotFound()) return ExportState();
    return text.status();
  }
  return Parse(*text, uri);
}

std::string ExportState::ToJson() const {
  ordered_json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["settings"] = settings_;
  ordered_json inputs = ordered_json::array();
  for (const auto& [path, e] : entries_) {
    ordered_json o;
    o["path"] = e.path;
    o["size"] = e.size;
    o["mtime_ns"] = e.mtime_ns;
    o["content_hash"] = e.content_hash;
    o["rows_read"] = e.rows_read;
    o["rows_written"] = e.rows_written;
    o["rows_rejected"] = e.rows_rejected;
    o["exported_at"] = e.exported_at;
    ordered_json outs = ordered_json::array();
    for (const StateOutput& out : e.outputs) {
      outs.push_back({{"path", out.path}, {"rows", out.rows}, {"bytes", out.bytes}});
    }
    o["outputs"] = std::move(outs);
    inputs.push_back(std::move(o));
  }
  j["inputs"] = std::move(inputs);
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status ExportState::Save(const std::string& uri) const {
  FLOE_ASSIGN_OR_RETURN(io::ResolvedUri r, io::ResolveUri(uri));
  return r.store->Put(r.key, ToJson());
}

const StateEntry* ExportState::Find(std::string_view path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

void ExportState::Put(StateEntry entry) {
  std::string key = entry.path;
  entries_[std::move(key)] = std::move(entry);
}

const StateEntry* ExportState::OwnerOf(std::string_view output_path) const {
  for (const auto& [path, e] : entries_) {
    for (const StateOutput& o : e.outputs) {
      if (o.path == output_path) return &e;
    }
  }
  return nullptr;
}

}  // namespace floe::exporter
