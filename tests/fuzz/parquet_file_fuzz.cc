// Fuzz target: a whole Parquet file through the reader (footer, schema, every page of
// every column, assembly) and the JSON renderer. Any input must yield rows or an error.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "floe/columnar/json_writer.h"
#include "floe/format/parquet/file_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = std::make_shared<floe::io::BufferFile>(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet");
  floe::parquet::ReaderOptions options;
  options.column.max_page_bytes = 16 << 20;
  auto reader = floe::parquet::FileReader::Open(file, options);
  if (!reader.ok()) return 0;
  std::string out;
  for (int i = 0; i < (*reader)->num_row_groups(); ++i) {
    auto batch = (*reader)->ReadRowGroup(i);
    if (!batch.ok()) return 0;
    if (!batch->Validate().ok()) __builtin_trap();  // the reader must never build a bad batch
    for (int64_t r = 0; r < batch->num_rows && r < 1000; ++r) {
      out.clear();
      floe::AppendRowJson(*batch, r, &out);
    }
  }
  return 0;
}
