// Page codec throughput: floe's Codec wrapper beside the plain library call, per codec and
// level, on event-like JSON text and on random-ish integers, one 1 MiB page per iteration.
// Names read "<op>/<data>/<codec[:level]>/<floe|raw>"; compare the two MB/s columns for the
// wrapper's overhead. `ratio` is uncompressed / compressed.
#include <benchmark/benchmark.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "floe/format/parquet/compression.h"

namespace floe::parquet {
namespace {

constexpr size_t kPageBytes = 1 << 20;

std::string EventJson() {
  static const char* kEvents[] = {"page_view", "click", "add_to_cart", "purchase", "signup"};
  static const char* kPaths[] = {"/", "/search", "/product/123", "/cart", "/checkout", "/blog"};
  std::mt19937_64 rng(1);
  std::string s;
  int64_t ts = 1'700'000'000'000;
  while (s.size() < kPageBytes) {
    ts += static_cast<int64_t>(rng() % 50);
    s += R"({"ts":)" + std::to_string(ts) + R"(,"user_id":"u)" + std::to_string(rng() % 100000) +
         R"(","event":")" + kEvents[rng() % 5] + R"(","path":")" + kPaths[rng() % 6] +
         R"(","session":")" + std::to_string(rng()) + R"(","latency_ms":)" +
         std::to_string(rng() % 900) + "}\n";
  }
  s.resize(kPageBytes);
  return s;
}

// Int64 column bytes: half slowly increasing timestamps, half uniformly random ids.
std::string RandomishInts() {
  std::mt19937_64 rng(2);
  std::vector<int64_t> v(kPageBytes / 8);
  int64_t ts = 1'700'000'000'000'000;
  for (size_t i = 0; i < v.size(); ++i) {
    ts += static_cast<int64_t>(rng() % 1000);
    v[i] = (i % 2 == 0) ? ts : static_cast<int64_t>(rng() >> 20);
  }
  return std::string(reinterpret_cast<const char*>(v.data()), kPageBytes);
}

struct CodecCase {
  std::string name;
  CompressionCodec codec;
  int level;
};

// The library's own one-shot calls, with contexts reused where the library allows it (the
// cheapest way to call each library), for the overhead comparison.
struct RawLibrary {
  ZSTD_CCtx* zc = ZSTD_createCCtx();
  ZSTD_DCtx* zd = ZSTD_createDCtx();
  z_stream def{};
  z_stream inf{};
  int def_level = -100;
  std::vector<char> lz4_state = std::vector<char>(LZ4_sizeofState());

  RawLibrary() { inflateInit2(&inf, 15 + 16); }
  ~RawLibrary() {
    ZSTD_freeCCtx(zc);
    ZSTD_freeDCtx(zd);
    if (def_level != -100) deflateEnd(&def);
    inflateEnd(&inf);
  }

  size_t Compress(const CodecCase& c, const std::string& in, std::string* out) {
    switch (c.codec) {
      case CompressionCodec::kSnappy: {
        size_t n = 0;
        snappy::RawCompress(in.data(), in.size(), out->data(), &n);
        return n;
      }
      case CompressionCodec::kGzip: {
        if (def_level != c.level) {
          if (def_level != -100) deflateEnd(&def);
          deflateInit2(&def, c.level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
          def_level = c.level;
        } else {
          deflateReset(&def);
        }
        def.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        def.avail_in = static_cast<uInt>(in.size());
        def.next_out = reinterpret_cast<Bytef*>(out->data());
        def.avail_out = static_cast<uInt>(out->size());
        deflate(&def, Z_FINISH);
        return out->size() - def.avail_out;
      }
      case CompressionCodec::kZstd:
        return ZSTD_compressCCtx(zc, out->data(), out->size(), in.data(), in.size(), c.level);
      case CompressionCodec::kLz4:
      case CompressionCodec::kLz4Raw:
        return static_cast<size_t>(LZ4_compress_fast_extState(
            lz4_state.data(), in.data(), out->data(), static_cast<int>(in.size()),
            static_cast<int>(out->size()), 1));
      case CompressionCodec::kBrotli: {
        size_t n = out->size();
        BrotliEncoderCompress(c.level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
                              reinterpret_cast<const uint8_t*>(in.data()), &n,
                              reinterpret_cast<uint8_t*>(out->data()));
        return n;
      }
      default:
        return 0;
    }
  }

  bool Decompress(const CodecCase& c, const std::string& in, std::string* out) {
    switch (c.codec) {
      case CompressionCodec::kSnappy:
        return snappy::RawUncompress(in.data(), in.size(), out->data());
      case CompressionCodec::kGzip:
        inflateReset(&inf);
        inf.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        inf.avail_in = static_cast<uInt>(in.size());
        inf.next_out = reinterpret_cast<Bytef*>(out->data());
        inf.avail_out = static_cast<uInt>(out->size());
        return inflate(&inf, Z_FINISH) == Z_STREAM_END;
      case CompressionCodec::kZstd:
        return !ZSTD_isError(
            ZSTD_decompressDCtx(zd, out->data(), out->size(), in.data(), in.size()));
      case CompressionCodec::kLz4:
      case CompressionCodec::kLz4Raw:
        return LZ4_decompress_safe(in.data(), out->data(), static_cast<int>(in.size()),
                                   static_cast<int>(out->size())) >= 0;
      case CompressionCodec::kBrotli: {
        size_t n = out->size();
        return BrotliDecoderDecompress(in.size(), reinterpret_cast<const uint8_t*>(in.data()), &n,
                                       reinterpret_cast<uint8_t*>(out->data())) ==
               BROTLI_DECODER_RESULT_SUCCESS;
      }
      default:
        return false;
    }
  }
};

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void CompressFloe(benchmark::State& state, const std::string& data, CodecCase c) {
  Codec codec;
  Buffer out;
  for (auto _ : state) {
    if (!codec.Compress(c.codec, c.level, Bytes(data), &out).ok()) state.SkipWithError("failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.counters["ratio"] = static_cast<double>(data.size()) / static_cast<double>(out.size());
}

void CompressRaw(benchmark::State& state, const std::string& data, CodecCase c) {
  RawLibrary lib;
  std::string out(MaxCompressedLength(c.codec, data.size()), '\0');
  size_t n = 0;
  for (auto _ : state) {
    n = lib.Compress(c, data, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.counters["ratio"] = static_cast<double>(data.size()) / static_cast<double>(n);
}

void DecompressFloe(benchmark::State& state, const std::string& data, CodecCase c) {
  Codec codec;
  Buffer compressed;
  Buffer out;
  if (!codec.Compress(c.codec, c.level, Bytes(data), &compressed).ok()) std::abort();
  for (auto _ : state) {
    if (!codec.Decompress(c.codec, {compressed.data(), compressed.size()}, data.size(), &out)
             .ok()) {
      state.SkipWithError("failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void DecompressRaw(benchmark::State& state, const std::string& data, CodecCase c) {
  RawLibrary lib;
  std::string compressed(MaxCompressedLength(c.codec, data.size()), '\0');
  compressed.resize(lib.Compress(c, data, &compressed));
  std::string out(data.size(), '\0');
  for (auto _ : state) {
    if (!lib.Decompress(c, compressed, &out)) state.SkipWithError("failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

}  // namespace
}  // namespace floe::parquet

int main(int argc, char** argv) {
  using namespace floe::parquet;
  static const std::string json = EventJson();
  static const std::string ints = RandomishInts();
  const CodecCase cases[] = {
      {"snappy", CompressionCodec::kSnappy, 0},  {"gzip:6", CompressionCodec::kGzip, 6},
      {"zstd:1", CompressionCodec::kZstd, 1},    {"zstd:3", CompressionCodec::kZstd, 3},
      {"zstd:9", CompressionCodec::kZstd, 9},    {"lz4_raw", CompressionCodec::kLz4Raw, 1},
      {"lz4_hadoop", CompressionCodec::kLz4, 1}, {"brotli:6", CompressionCodec::kBrotli, 6},
  };
  for (const auto& [data_name, data] : {std::pair{"json", &json}, std::pair{"ints", &ints}}) {
    for (const CodecCase& c : cases) {
      const std::string base = std::string(data_name) + "/" + c.name;
      benchmark::RegisterBenchmark(("compress/" + base + "/floe").c_str(), CompressFloe, *data, c);
      // legacy LZ4's raw counterpart is a single LZ4 block (the framing is floe's work)
      benchmark::RegisterBenchmark(("compress/" + base + "/raw").c_str(), CompressRaw, *data, c);
      benchmark::RegisterBenchmark(("decompress/" + base + "/floe").c_str(), DecompressFloe, *data,
                                   c);
      benchmark::RegisterBenchmark(("decompress/" + base + "/raw").c_str(), DecompressRaw, *data,
                                   c);
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
