// `floe parquet schema|inspect|cat|write`.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "floe/cli/commands.h"
#include "floe/columnar/json_reader.h"
#include "floe/columnar/json_writer.h"
#include "floe/columnar/schema_json.h"
#include "floe/format/parquet/compression.h"
#include "floe/format/parquet/file_reader.h"
#include "floe/format/parquet/file_writer.h"
#include "floe/io/object_store.h"

namespace floe::cli {

namespace {

using nlohmann::ordered_json;
using parquet::FileReader;

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string PhysicalTypeText(const parquet::ColumnDescriptor& c) {
  std::string t(parquet::TypeName(c.physical_type));
  if (c.physical_type == parquet::Type::kFixedLenByteArray) t += fmt::format("({})", c.type_length);
  return t;
}

Status RunSchema(const std::string& file) {
  FLOE_ASSIGN_OR_RETURN(auto reader, parquet::OpenParquetFile(file));
  std::printf("%s", SchemaToJson(*reader->schema()).c_str());
  std::printf("\n");
  return Status::OK();
}

ordered_json InspectJson(FileReader& r) {
  const parquet::FileMetaData& md = r.metadata();
  ordered_json j;
  j["file"] = r.name();
  j["file_size"] = r.file_size();
  j["created_by"] = md.created_by.value_or("");
  j["version"] = md.version;
  j["num_rows"] = md.num_rows;
  j["num_row_groups"] = md.row_groups.size();
  ordered_json cols = ordered_json::array();
  for (const auto& c : r.schema_descriptor().columns()) {
    cols.push_back({{"path", c.dotted_path},
                    {"physical_type", PhysicalTypeText(c)},
                    {"type", c.type->ToString()},
                    {"max_definition_level", c.max_def_level},
                    {"max_repetition_level", c.max_rep_level}});
  }
  j["columns"] = cols;
  ordered_json kv = ordered_json::object();
  if (md.key_value_metadata) {
    for (const auto& e : *md.key_value_metadata) kv[e.key] = e.value.value_or("");
  }
  j["key_value_metadata"] = kv;
  ordered_json groups = ordered_json::array();
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const auto& rg = md.row_groups[g];
    ordered_json jg;
    jg["index"] = g;
    jg["num_rows"] = rg.num_rows;
    jg["total_byte_size"] = rg.total_byte_size;
    ordered_json chunks = ordered_json::array();
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const auto& cc = rg.columns[c];
      ordered_json jc;
      jc["path"] = r.schema_descriptor().columns()[c].dotted_path;
      if (cc.meta_data) {
        const auto& m = *cc.meta_data;
        jc["codec"] = parquet::CodecName(m.codec);
        ordered_json encs = ordered_json::array();
        for (auto e : m.encodings) encs.push_back(parquet::EncodingName(e));
        jc["encodings"] = encs;
        jc["num_values"] = m.num_values;
        jc["compressed_size"] = m.total_compressed_size;
        jc["uncompressed_size"] = m.total_uncompressed_size;
        jc["data_page_offset"] = m.data_page_offset;
        if (m.dictionary_page_offset) jc["dictionary_page_offset"] = *m.dictionary_page_offset;
        if (m.statistics) {
          const auto& s = *m.statistics;
          ordered_json js;
          if (s.null_count) js["null_count"] = *s.null_count;
          if (s.distinct_count) js["distinct_count"] = *s.distinct_count;
          if (s.min_value) js["min_value_hex"] = Hex(*s.min_value);
          if (s.max_value) js["max_value_hex"] = Hex(*s.max_value);
          if (!s.min_value && s.min) js["min_deprecated_hex"] = Hex(*s.min);
          if (!s.max_value && s.max) js["max_deprecated_hex"] = Hex(*s.max);
          jc["statistics"] = js;
        }
        jc["bloom_filter"] = m.bloom_filter_offset.has_value();
      }
      jc["column_index"] = cc.column_index_offset.has_value();
      jc["offset_index"] = cc.offset_index_offset.has_value();
      chunks.push_back(jc);
    }
    jg["columns"] = chunks;
    groups.push_back(jg);
  }
  j["row_groups"] = groups;
  return j;
}

Status RunInspect(const std::string& file, bool as_json) {
  FLOE_ASSIGN_OR_RETURN(auto reader, parquet::OpenParquetFile(file));
  const ordered_json j = InspectJson(*reader);
  if (as_json) {
    std::printf("%s\n", j.dump(2).c_str());
    return Status::OK();
  }
  std::printf("file: %s (%s bytes)\ncreated_by: %s\nrows: %s in %s row groups\n",
              j["file"].get<std::string>().c_str(), j["file_size"].dump().c_str(),
              j["created_by"].get<std::string>().c_str(), j["num_rows"].dump().c_str(),
              j["num_row_groups"].dump().c_str());
  std::printf("columns:\n");
  for (const auto& c : j["columns"]) {
    std::printf("  %-40s %-26s %s (def %s, rep %s)\n", c["path"].get<std::string>().c_str(),
                c["physical_type"].get<std::string>().c_str(), c["type"].get<std::string>().c_str(),
                c["max_definition_level"].dump().c_str(), c["max_repetition_level"].dump().c_str());
  }
  for (const auto& g : j["row_groups"]) {
    std::printf("row group %s: %s rows, %s bytes\n", g["index"].dump().c_str(),
                g["num_rows"].dump().c_str(), g["total_byte_size"].dump().c_str());
    for (const auto& c : g["columns"]) {
      std::string line =
          fmt::format("  {:<40} {:<12} {:>10} -> {:>10} bytes  {}", c["path"].get<std::string>(),
                      c.value("codec", "?"), c.value("uncompressed_size", ordered_json(0)).dump(),
                      c.value("compressed_size", ordered_json(0)).dump(),
                      c.value("encodings", ordered_json::array()).dump());
      if (c.contains("statistics")) line += " stats=" + c["statistics"].dump();
      if (c["column_index"].get<bool>()) line += " page-index";
      if (c.value("bloom_filter", false)) line += " bloom";
      std::printf("%s\n", line.c_str());
    }
  }
  return Status::OK();
}

Status RunCat(const std::string& file, const std::string& columns, int64_t limit) {
  parquet::ReaderOptions opts;
  opts.columns = SplitList(columns);
  FLOE_ASSIGN_OR_RETURN(auto reader, parquet::OpenParquetFile(file, opts));
  std::string out;
  int64_t printed = 0;
  while (limit < 0 || printed < limit) {
    FLOE_ASSIGN_OR_RETURN(auto batch, reader->Next());
    if (!batch) break;
    for (int64_t i = 0; i < batch->num_rows && (limit < 0 || printed < limit); ++i, ++printed) {
      AppendRowJson(*batch, i, &out);
      out += '\n';
      if (out.size() > (1 << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return Status::OK();
}

struct WriteArgs {
  std::string schema_file;
  std::string input;
  std::string output;
  std::string compression = "zstd";
  int64_t row_group_size = 128LL << 20;
  int64_t page_size = 1 << 20;
  int page_version = 1;
  std::vector<std::string> encodings;
  std::string bloom;
};

Result<std::string> ReadWholeFile(const std::string& path) {
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  FLOE_ASSIGN_OR_RETURN(auto f, io::OpenForRead(path));
  FLOE_ASSIGN_OR_RETURN(uint64_t size, f->Size());
  return f->ReadAt(0, size);
}

Result<parquet::Encoding> ParseEncoding(const std::string& name) {
  static const std::pair<const char*, parquet::Encoding> kNames[] = {
      {"plain", parquet::Encoding::kPlain},
      {"dictionary", parquet::Encoding::kRleDictionary},
      {"rle_dictionary", parquet::Encoding::kRleDictionary},
      {"rle", parquet::Encoding::kRle},
      {"delta_binary_packed", parquet::Encoding::kDeltaBinaryPacked},
      {"delta_length_byte_array", parquet::Encoding::kDeltaLengthByteArray},
      {"delta_byte_array", parquet::Encoding::kDeltaByteArray},
      {"byte_stream_split", parquet::Encoding::kByteStreamSplit},
  };
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [n, e] : kNames) {
    if (lower == n) return e;
  }
  return Status::InvalidArgument(
      "unknown encoding '{}' (plain, dictionary, rle, "
      "delta_binary_packed, delta_length_byte_array, delta_byte_array, "
      "byte_stream_split)",
      name);
}

Status RunWrite(const WriteArgs& a) {
  FLOE_ASSIGN_OR_RETURN(std::string schema_text, ReadWholeFile(a.schema_file));
  auto schema = ParseSchemaJson(schema_text);
  if (!schema.ok()) return schema.status().WithContext(a.schema_file);
  auto schema_ptr = std::make_shared<const Schema>(std::move(*schema));

  parquet::WriterOptions opts;
  FLOE_ASSIGN_OR_RETURN(auto codec, parquet::ParseCompression(a.compression));
  opts.compression = codec.first;
  opts.compression_level = codec.second;
  opts.row_group_bytes = a.row_group_size;
  opts.page_bytes = a.page_size;
  if (a.page_version != 1 && a.page_version != 2) {
    return Status::InvalidArgument("--page-version must be 1 or 2, not {}", a.page_version);
  }
  opts.data_page_version = a.page_version;
  for (const std::string& spec : a.encodings) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("--encoding '{}' is not COLUMN=ENCODING", spec);
    }
    FLOE_ASSIGN_OR_RETURN(parquet::Encoding e, ParseEncoding(spec.substr(eq + 1)));
    opts.column_encodings[spec.substr(0, eq)] = e;
  }
  for (const std::string& c : SplitList(a.bloom)) opts.bloom_filter_columns.insert(c);

  // Stream the input: memory stays bounded by one batch plus one row group.
  JsonReadOptions ropts;
  FLOE_ASSIGN_OR_RETURN(auto rows, JsonStreamReader::OpenFile(a.input, schema_ptr, ropts));
  FLOE_ASSIGN_OR_RETURN(auto out, io::OpenForWrite(a.output));
  FLOE_ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(std::move(out), schema_ptr, opts));
  while (true) {
    auto batch = rows->Next();
    if (!batch.ok()) return batch.status().WithContext(a.input);  // the writer aborts: no output
    if (!*batch) break;
    FLOE_RETURN_IF_ERROR(writer->Write(**batch));
  }
  FLOE_ASSIGN_OR_RETURN(auto md, writer->Close());
  std::fprintf(stderr, "wrote %lld rows to %s\n", static_cast<long long>(md->num_rows),
               a.output.c_str());
  return Status::OK();
}

}  // namespace

void AddParquetCommands(CLI::App& app, Action& action) {
  auto* pq = app.add_subcommand("parquet", "Read, inspect and write Parquet files");
  pq->require_subcommand(1);

  auto* schema = pq->add_subcommand("schema", "Print a file's schema (floe schema JSON)");
  auto schema_file = std::make_shared<std::string>();
  schema->add_option("FILE", *schema_file, "Parquet file (path or URI)")->required();
  schema->callback([&action, schema_file] {
    action = [schema_file] { return ReportStatus(RunSchema(*schema_file)); };
  });

  auto* inspect = pq->add_subcommand("inspect", "Show row groups, column chunks and statistics");
  auto inspect_file = std::make_shared<std::string>();
  auto inspect_json = std::make_shared<bool>(false);
  inspect->add_option("FILE", *inspect_file, "Parquet file (path or URI)")->required();
  inspect->add_flag("--json", *inspect_json, "Print JSON");
  inspect->callback([&action, inspect_file, inspect_json] {
    action = [=] { return ReportStatus(RunInspect(*inspect_file, *inspect_json)); };
  });

  auto* cat = pq->add_subcommand("cat", "Print rows as JSON Lines");
  auto cat_file = std::make_shared<std::string>();
  auto cat_columns = std::make_shared<std::string>();
  auto cat_limit = std::make_shared<int64_t>(-1);
  cat->add_option("FILE", *cat_file, "Parquet file (path or URI)")->required();
  cat->add_option("--columns", *cat_columns, "Columns to read: a,b.c");
  cat->add_option("--limit", *cat_limit, "Print at most N rows");
  cat->callback([&action, cat_file, cat_columns, cat_limit] {
    action = [=] { return ReportStatus(RunCat(*cat_file, *cat_columns, *cat_limit)); };
  });

  auto* write = pq->add_subcommand("write", "Write JSON Lines rows as a Parquet file");
  auto w = std::make_shared<WriteArgs>();
  write->add_option("--schema", w->schema_file, "Schema file (JSON, see README)")->required();
  write->add_option("--input", w->input, "JSON Lines input ('-' for stdin)")->required();
  write->add_option("-o,--output", w->output, "Output file (path or URI)")->required();
  write->add_option("--compression", w->compression, "none|snappy|gzip[:L]|zstd[:L]|lz4|brotli[:L]")
      ->capture_default_str();
  write->add_option("--row-group-size", w->row_group_size, "Row group size in bytes")
      ->capture_default_str();
  write->add_option("--page-size", w->page_size, "Data page size in bytes")->capture_default_str();
  write->add_option("--page-version", w->page_version, "Data page version: 1 or 2")
      ->capture_default_str();
  write->add_option("--encoding", w->encodings, "COLUMN=ENCODING (repeatable)");
  write->add_option("--bloom", w->bloom, "Columns with bloom filters: a,b");
  write->callback([&action, w] { action = [w] { return ReportStatus(RunWrite(*w)); }; });
}

}  // namespace floe::cli
