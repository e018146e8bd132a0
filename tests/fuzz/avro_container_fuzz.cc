// libFuzzer target: arbitrary bytes into the Avro object container reader (header, schema
// JSON, block framing, codecs, binary decoding). Beyond "no crash, no leak, no UB":
//   - when the whole file reads, writing its records again (same schema, null codec) and
//     reading that back gives the same records.
// Seed with the Iceberg fixture manifests: ../shared/fixtures/iceberg/*/table/metadata/*.avro
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "floe/format/avro/container.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace floe::avro;
  ContainerReaderOptions opts;
  opts.max_block_bytes = 16u << 20;
  auto reader = ContainerReader::Open(std::span<const uint8_t>(data, size), "fuzz.avro", opts);
  if (!reader.ok()) return 0;
  auto rows = (*reader)->ReadAll();
  if (!rows.ok()) return 0;
  ContainerWriterOptions wopts;
  wopts.codec = Codec::kNull;
  auto bytes = WriteContainer((*reader)->schema(), *rows, wopts);
  if (!bytes.ok()) {
    std::fprintf(stderr, "rewrite failed: %s\n", bytes.status().ToString().c_str());
    std::abort();
  }
  auto again = ContainerReader::Open(*bytes, "rewrite.avro", opts);
  if (!again.ok()) std::abort();
  auto rows2 = (*again)->ReadAll();
  if (!rows2.ok() || *rows2 != *rows) {
    std::fprintf(stderr, "round trip differs\n");
    std::abort();
  }
  return 0;
}
