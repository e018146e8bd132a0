// Shared pieces of the encoding tests and fuzz target: value generators, a decode-everything
// loop, and byte-sequence literals. Test-only; not part of the library's API.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "floe/common/buffer.h"
#include "floe/common/status.h"
#include "floe/format/parquet/types.h"

namespace floe::parquet::testing {

// The value counts every round-trip test runs.
inline const std::vector<size_t> kSizes = {0, 1, 7, 8, 9, 127, 128, 129, 1000, 100000};

inline std::vector<uint8_t> Bytes(std::initializer_list<int> b) {
  std::vector<uint8_t> v;
  for (int x : b) v.push_back(static_cast<uint8_t>(x));
  return v;
}

inline std::vector<uint8_t> ToVector(const Buffer& b) {
  return std::vector<uint8_t>(b.data(), b.data() + b.size());
}

template <typename T>
std::vector<T> RandomInts(size_t n, uint64_t seed, T lo = std::numeric_limits<T>::min(),
                          T hi = std::numeric_limits<T>::max()) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<T> dist(lo, hi);
  std::vector<T> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Strings of random length in [0, max_len] over a small alphabet (so prefixes repeat).
inline std::vector<std::string> RandomStrings(size_t n, uint64_t seed, int max_len = 24,
                                              int alphabet = 4) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> v(n);
  for (auto& s : v) {
    const int len = static_cast<int>(rng() % (max_len + 1));
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % alphabet));
  }
  return v;
}

inline std::vector<ByteArray> Views(const std::vector<std::string>& strings) {
  std::vector<ByteArray> v;
  v.reserve(strings.size());
  for (const auto& s : strings) {
    v.push_back(
        ByteArray{reinterpret_cast<const uint8_t*>(s.data()), static_cast<uint32_t>(s.size())});
  }
  return v;
}

inline std::vector<std::string> Strings(const std::vector<ByteArray>& views) {
  std::vector<std::string> v;
  v.reserve(views.size());
  for (const auto& b : views) v.emplace_back(b.view());
  return v;
}

// Calls decoder.Decode(out, batch) until `n` values arrive or a call returns 0 or fails.
// ByteArray results are copied out as strings after each call (some decoders' views die at
// the next call). Returns the values decoded or the first error.
template <typename Decoder, typename T>
Result<std::vector<T>> DecodeAll(Decoder& decoder, size_t n, size_t batch) {
  // A plain array rather than std::vector<T>, which has no data() for bool.
  std::unique_ptr<T[]> out(new T[n + 1]);
  size_t got = 0;
  while (got < n) {
    FLOE_ASSIGN_OR_RETURN(size_t k, decoder.Decode(out.get() + got, std::min(batch, n - got)));
    if (k == 0) break;
    got += k;
  }
  return std::vector<T>(out.get(), out.get() + got);
}

template <typename Decoder>
Result<std::vector<std::string>> DecodeAllStrings(Decoder& decoder, size_t n, size_t batch) {
  std::vector<ByteArray> views(batch);
  std::vector<std::string> out;
  while (out.size() < n) {
    FLOE_ASSIGN_OR_RETURN(size_t k, decoder.Decode(views.data(), std::min(batch, n - out.size())));
    if (k == 0) break;
    for (size_t i = 0; i < k; ++i) out.emplace_back(views[i].view());
  }
  return out;
}

}  // namespace floe::parquet::testing
