// Encode/decode throughput of every Parquet encoding (src/floe/format/parquet/encoding).
// Throughput is over the logical values (sizeof(T) per fixed-width value, the bytes of each
// string for byte arrays), so the numbers compare across encodings. Streaming encoders are
// reused across iterations (Finish resets them), as a column writer reuses them across pages;
// dictionary encoders are built fresh each iteration (dictionary construction included).
//
//   ./build/bench/encoding_bench --benchmark_filter=Decode
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "floe/format/parquet/encoding/byte_stream_split.h"
#include "floe/format/parquet/encoding/delta_binary_packed.h"
#include "floe/format/parquet/encoding/delta_byte_array.h"
#include "floe/format/parquet/encoding/delta_length_byte_array.h"
#include "floe/format/parquet/encoding/dictionary.h"
#include "floe/format/parquet/encoding/plain.h"
#include "floe/format/parquet/encoding/rle_hybrid.h"

namespace {

using namespace floe;
using namespace floe::parquet;

constexpr size_t kValues = 1 << 20;  // per iteration
constexpr size_t kBatch = 4096;      // values per Decode call, as a column reader would ask

template <typename T>
std::vector<T> RandomInts(size_t n, T lo, T hi, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<T> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Event-like timestamps: increasing by a small random step.
std::vector<int64_t> Timestamps(size_t n) {
  std::mt19937_64 rng(2);
  std::vector<int64_t> v(n);
  int64_t t = 1700000000000000;
  for (auto& x : v) x = t += static_cast<int64_t>(rng() % 2000);
  return v;
}

std::vector<std::string> Strings(size_t n, bool sorted) {
  std::mt19937_64 rng(3);
  std::vector<std::string> v(n);
  for (auto& s : v) {
    const int len = 8 + static_cast<int>(rng() % 17);  // 8..24 bytes, avg 16
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
  }
  if (sorted) std::sort(v.begin(), v.end());
  return v;
}

// Views of the strings copied back to back into one arena (a column batch's layout, rather
// than std::string's scattered heap blocks). The arena lives as long as the program.
std::vector<ByteArray> Views(const std::vector<std::string>& s) {
  static std::vector<std::unique_ptr<std::string>> arenas;
  auto arena = std::make_unique<std::string>();
  for (const auto& x : s) *arena += x;
  std::vector<ByteArray> v;
  const auto* p = reinterpret_cast<const uint8_t*>(arena->data());
  for (const auto& x : s) {
    v.push_back(ByteArray{p, static_cast<uint32_t>(x.size())});
    p += x.size();
  }
  arenas.push_back(std::move(arena));
  return v;
}

size_t TotalBytes(const std::vector<std::string>& s) {
  size_t n = 0;
  for (const auto& x : s) n += x.size();
  return n;
}

std::span<const uint8_t> Span(const Buffer& b) { return {b.data(), b.size()}; }

template <typename Decoder, typename T>
void DecodeLoop(benchmark::State& state, auto make_decoder, size_t n, size_t logical_bytes) {
  std::unique_ptr<T[]> out(new T[kBatch]);  // not std::vector: vector<bool> has no data()
  for (auto _ : state) {
    Decoder decoder = make_decoder();
    size_t got = 0;
    while (got < n) {
      auto r = decoder.Decode(out.get(), kBatch);
      if (!r.ok() || *r == 0) {
        state.SkipWithError("decode failed");
        return;
      }
      got += *r;
    }
    benchmark::DoNotOptimize(out.get());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * logical_bytes));
}

// ----- PLAIN -----

template <typename T>
void BM_PlainDecode(benchmark::State& state) {
  const auto values =
      RandomInts<T>(kValues, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  Buffer page;
  PlainEncode(std::span<const T>(values), &page);
  DecodeLoop<PlainDecoder<T>, T>(
      state, [&] { return PlainDecoder<T>(Span(page), kValues); }, kValues, kValues * sizeof(T));
}
BENCHMARK(BM_PlainDecode<int32_t>);
BENCHMARK(BM_PlainDecode<int64_t>);

template <typename T>
void BM_PlainEncode(benchmark::State& state) {
  const auto values =
      RandomInts<T>(kValues, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  Buffer page;
  for (auto _ : state) {
    page.Clear();
    PlainEncode(std::span<const T>(values), &page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * sizeof(T)));
}
BENCHMARK(BM_PlainEncode<int64_t>);

void BM_PlainBooleanDecode(benchmark::State& state) {
  const auto bits = RandomInts<int>(kValues, 0, 1);
  std::vector<uint8_t> bools(bits.begin(), bits.end());
  Buffer page;
  PlainEncodeBooleans(std::span<const bool>(reinterpret_cast<const bool*>(bools.data()), kValues),
                      &page);
  DecodeLoop<PlainBooleanDecoder, bool>(
      state, [&] { return PlainBooleanDecoder(Span(page), kValues); }, kValues, kValues);
}
BENCHMARK(BM_PlainBooleanDecode);

void BM_PlainBooleanEncode(benchmark::State& state) {
  const auto bits = RandomInts<int>(kValues, 0, 1);
  std::vector<uint8_t> bools(bits.begin(), bits.end());
  Buffer page;
  for (auto _ : state) {
    page.Clear();
    PlainEncodeBooleans(std::span<const bool>(reinterpret_cast<const bool*>(bools.data()), kValues),
                        &page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues));
}
BENCHMARK(BM_PlainBooleanEncode);

void BM_PlainByteArrayDecode(benchmark::State& state) {
  const auto strings = Strings(kValues, false);
  Buffer page;
  PlainEncodeByteArrays(Views(strings), &page);
  DecodeLoop<PlainByteArrayDecoder, ByteArray>(
      state, [&] { return PlainByteArrayDecoder(Span(page), kValues); }, kValues,
      TotalBytes(strings));
}
BENCHMARK(BM_PlainByteArrayDecode);

void BM_PlainByteArrayEncode(benchmark::State& state) {
  const auto strings = Strings(kValues, false);
  const auto views = Views(strings);
  Buffer page;
  for (auto _ : state) {
    page.Clear();
    PlainEncodeByteArrays(views, &page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TotalBytes(strings)));
}
BENCHMARK(BM_PlainByteArrayEncode);

// ----- RLE / bit-packed hybrid -----

// Arg 0: bit width; arg 1: mean run length (1 = random values, mostly bit-packed).
std::vector<uint32_t> LevelValues(int width, int run) {
  std::mt19937_64 rng(4);
  std::vector<uint32_t> v(kValues);
  const uint32_t mask = width == 32 ? ~0u : (1u << width) - 1;
  for (size_t i = 0; i < kValues;) {
    const size_t len = run == 1 ? 1 : 1 + rng() % (2 * run);
    const uint32_t x = static_cast<uint32_t>(rng()) & mask;
    for (size_t j = 0; j < len && i < kValues; ++j) v[i++] = x;
  }
  return v;
}

void BM_RleDecode(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const auto values = LevelValues(width, static_cast<int>(state.range(1)));
  RleHybridEncoder encoder(width);
  encoder.Put(std::span<const uint32_t>(values));
  Buffer page;
  encoder.Finish(&page);
  DecodeLoop<RleHybridDecoder, uint32_t>(
      state, [&] { return RleHybridDecoder(Span(page), width, kValues); }, kValues, kValues * 4);
}
BENCHMARK(BM_RleDecode)
    ->Args({1, 1})
    ->Args({3, 1})
    ->Args({8, 1})
    ->Args({17, 1})
    ->Args({3, 64})
    ->Args({1, 1000});

void BM_RleDecodeLevels16(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const auto values = LevelValues(width, static_cast<int>(state.range(1)));
  RleHybridEncoder encoder(width);
  encoder.Put(std::span<const uint32_t>(values));
  Buffer page;
  encoder.Finish(&page);
  DecodeLoop<RleHybridDecoder, int16_t>(
      state, [&] { return RleHybridDecoder(Span(page), width, kValues); }, kValues, kValues * 2);
}
BENCHMARK(BM_RleDecodeLevels16)->Args({1, 1})->Args({2, 16});

void BM_RleEncode(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const auto values = LevelValues(width, static_cast<int>(state.range(1)));
  RleHybridEncoder encoder(width);  // reused, as a column writer reuses it across pages
  Buffer page;
  for (auto _ : state) {
    encoder.Put(std::span<const uint32_t>(values));
    page.Clear();
    encoder.Finish(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * 4));
}
BENCHMARK(BM_RleEncode)->Args({1, 1})->Args({8, 1})->Args({3, 64});

// ----- Dictionary -----

template <typename T>
void BM_DictionaryDecode(benchmark::State& state) {
  const auto values = RandomInts<T>(kValues, 0, static_cast<T>(state.range(0) - 1));
  DictionaryEncoder<T> encoder;
  encoder.Put(values);
  Buffer dict_page, page;
  encoder.WriteDictionaryPage(&dict_page);
  encoder.WriteIndices(&page);
  std::vector<T> dict(encoder.num_entries());
  std::memcpy(dict.data(), dict_page.data(), dict_page.size());
  DecodeLoop<DictionaryDecoder<T>, T>(
      state, [&] { return DictionaryDecoder<T>(dict, Span(page), kValues); }, kValues,
      kValues * sizeof(T));
}
BENCHMARK(BM_DictionaryDecode<int32_t>)->Arg(1000);
BENCHMARK(BM_DictionaryDecode<int64_t>)->Arg(100)->Arg(60000);

void BM_DictionaryDecodeByteArray(benchmark::State& state) {
  const auto distinct = Strings(static_cast<size_t>(state.range(0)), false);
  const auto picks = RandomInts<size_t>(kValues, 0, distinct.size() - 1);
  const auto views = Views(distinct);
  std::vector<ByteArray> values(kValues);
  size_t bytes = 0;
  for (size_t i = 0; i < kValues; ++i) {
    values[i] = views[picks[i]];
    bytes += values[i].len;
  }
  DictionaryEncoder<ByteArray> encoder;
  encoder.Put(values);
  Buffer dict_page, page;
  encoder.WriteDictionaryPage(&dict_page);
  encoder.WriteIndices(&page);
  PlainByteArrayDecoder plain(Span(dict_page), encoder.num_entries());
  std::vector<ByteArray> dict(encoder.num_entries());
  (void)plain.Decode(dict.data(), dict.size());
  DecodeLoop<DictionaryDecoder<ByteArray>, ByteArray>(
      state, [&] { return DictionaryDecoder<ByteArray>(dict, Span(page), kValues); }, kValues,
      bytes);
}
BENCHMARK(BM_DictionaryDecodeByteArray)->Arg(1000);

template <typename T>
void BM_DictionaryEncode(benchmark::State& state) {
  const auto values = RandomInts<T>(kValues, 0, static_cast<T>(state.range(0) - 1));
  Buffer page;
  for (auto _ : state) {
    DictionaryEncoder<T> encoder;
    encoder.Put(values);
    page.Clear();
    encoder.WriteIndices(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * sizeof(T)));
}
BENCHMARK(BM_DictionaryEncode<int64_t>)->Arg(1000);

void BM_DictionaryEncodeByteArray(benchmark::State& state) {
  const auto distinct = Strings(static_cast<size_t>(state.range(0)), false);
  const auto views = Views(distinct);
  const auto picks = RandomInts<size_t>(kValues, 0, distinct.size() - 1);
  std::vector<ByteArray> values(kValues);
  size_t bytes = 0;
  for (size_t i = 0; i < kValues; ++i) {
    values[i] = views[picks[i]];
    bytes += values[i].len;
  }
  Buffer page;
  for (auto _ : state) {
    DictionaryEncoder<ByteArray> encoder;
    encoder.Put(values);
    page.Clear();
    encoder.WriteIndices(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_DictionaryEncodeByteArray)->Arg(1000);

// ----- DELTA_BINARY_PACKED -----

template <typename T>
std::vector<T> DeltaValues() {
  if constexpr (sizeof(T) == 8) {
    return Timestamps(kValues);
  } else {
    return RandomInts<int32_t>(kValues, -100000, 100000);
  }
}

template <typename T>
void BM_DeltaBinaryPackedDecode(benchmark::State& state) {
  const auto values = DeltaValues<T>();
  DeltaBinaryPackedEncoder<T> encoder;
  encoder.Put(values);
  Buffer page;
  encoder.Finish(&page);
  DecodeLoop<DeltaBinaryPackedDecoder<T>, T>(
      state, [&] { return DeltaBinaryPackedDecoder<T>(Span(page), kValues); }, kValues,
      kValues * sizeof(T));
}
BENCHMARK(BM_DeltaBinaryPackedDecode<int32_t>);
BENCHMARK(BM_DeltaBinaryPackedDecode<int64_t>);

template <typename T>
void BM_DeltaBinaryPackedEncode(benchmark::State& state) {
  const auto values = DeltaValues<T>();
  DeltaBinaryPackedEncoder<T> encoder;  // reused, as a column writer reuses it across pages
  Buffer page;
  for (auto _ : state) {
    encoder.Put(values);
    page.Clear();
    encoder.Finish(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * sizeof(T)));
}
BENCHMARK(BM_DeltaBinaryPackedEncode<int32_t>);
BENCHMARK(BM_DeltaBinaryPackedEncode<int64_t>);

// ----- DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY -----

void BM_DeltaLengthByteArrayDecode(benchmark::State& state) {
  const auto strings = Strings(kValues, false);
  DeltaLengthByteArrayEncoder encoder;
  encoder.Put(Views(strings));
  Buffer page;
  encoder.Finish(&page);
  DecodeLoop<DeltaLengthByteArrayDecoder, ByteArray>(
      state, [&] { return DeltaLengthByteArrayDecoder(Span(page), kValues); }, kValues,
      TotalBytes(strings));
}
BENCHMARK(BM_DeltaLengthByteArrayDecode);

void BM_DeltaLengthByteArrayEncode(benchmark::State& state) {
  const auto strings = Strings(kValues, false);
  const auto views = Views(strings);
  DeltaLengthByteArrayEncoder encoder;  // reused, as a column writer reuses it across pages
  Buffer page;
  for (auto _ : state) {
    encoder.Put(views);
    page.Clear();
    encoder.Finish(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TotalBytes(strings)));
}
BENCHMARK(BM_DeltaLengthByteArrayEncode);

void BM_DeltaByteArrayDecode(benchmark::State& state) {
  const auto strings = Strings(kValues, true);
  DeltaByteArrayEncoder encoder;
  encoder.Put(Views(strings));
  Buffer page;
  encoder.Finish(&page);
  DecodeLoop<DeltaByteArrayDecoder, ByteArray>(
      state, [&] { return DeltaByteArrayDecoder(Span(page), kValues); }, kValues,
      TotalBytes(strings));
}
BENCHMARK(BM_DeltaByteArrayDecode);

void BM_DeltaByteArrayEncode(benchmark::State& state) {
  const auto strings = Strings(kValues, true);
  const auto views = Views(strings);
  DeltaByteArrayEncoder encoder;  // reused, as a column writer reuses it across pages
  Buffer page;
  for (auto _ : state) {
    encoder.Put(views);
    page.Clear();
    encoder.Finish(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TotalBytes(strings)));
}
BENCHMARK(BM_DeltaByteArrayEncode);

// ----- BYTE_STREAM_SPLIT -----

template <typename T>
void BM_ByteStreamSplitDecode(benchmark::State& state) {
  std::vector<T> values(kValues);
  std::mt19937_64 rng(5);
  for (auto& v : values) v = static_cast<T>(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
  Buffer page;
  ByteStreamSplitEncode(std::span<const T>(values), &page);
  DecodeLoop<ByteStreamSplitDecoder, T>(
      state, [&] { return ByteStreamSplitDecoder(Span(page), sizeof(T), kValues); }, kValues,
      kValues * sizeof(T));
}
BENCHMARK(BM_ByteStreamSplitDecode<float>);
BENCHMARK(BM_ByteStreamSplitDecode<double>);

template <typename T>
void BM_ByteStreamSplitEncode(benchmark::State& state) {
  std::vector<T> values(kValues);
  std::mt19937_64 rng(5);
  for (auto& v : values) v = static_cast<T>(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
  Buffer page;
  for (auto _ : state) {
    page.Clear();
    ByteStreamSplitEncode(std::span<const T>(values), &page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kValues * sizeof(T)));
}
BENCHMARK(BM_ByteStreamSplitEncode<float>);
BENCHMARK(BM_ByteStreamSplitEncode<double>);

}  // namespace

BENCHMARK_MAIN();
