// libFuzzer target for the VARIANT binary decoder (src/floe/format/parquet/variant.h).
//
// Input layout: variant metadata immediately followed by one variant value, as in the
// upstream *.variant.bin files (shared/fixtures/parquet/*.variant.bin make a seed corpus).
// When the front is not a metadata blob, the whole input is tried as metadata.
//
// The decoder must return JSON or an error, never crash, hang, recurse without bound or
// read out of bounds; every JSON text it returns must parse.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "floe/format/parquet/variant.h"

namespace {

// Small, so inputs that fan out (many entries pointing at the same bytes) stay fast.
constexpr size_t kJsonBudget = size_t{1} << 20;

// `input_size` bounds how far one value may overshoot the budget: the budget is checked
// before each value, so the last one (a string of at most the input, escaped) and the
// closing brackets may pass it.
void Check(std::string_view metadata, std::string_view value, size_t input_size) {
  std::string out;
  const floe::Status s = floe::parquet::AppendVariantJson(metadata, value, &out, kJsonBudget);
  if (!s.ok()) {
    if (s.message().empty()) __builtin_trap();
    return;
  }
  if (out.size() > kJsonBudget + 8 * input_size + 1024) __builtin_trap();
  if (!nlohmann::json::accept(out)) {
    std::fprintf(stderr, "invalid JSON from the variant decoder: %s\n", out.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto metadata_size = floe::parquet::VariantMetadataSize(bytes);
  if (metadata_size.ok()) {
    if (*metadata_size > size) __builtin_trap();
    Check(bytes.substr(0, *metadata_size), bytes.substr(*metadata_size), size);
  } else {
    Check(bytes, std::string_view("\x00", 1), size);
  }
  return 0;
}
