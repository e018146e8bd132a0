#include "floe/export/byte_source.h"

#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <gtest/gtest.h>

namespace floe::exporter {
namespace {

std::string ReadAll(ByteSource& s, size_t chunk = 7) {
  std::string out, buf(chunk, '\0');
  while (true) {
    auto n = s.Read(buf.data(), buf.size());
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) break;
    out.append(buf.data(), *n);
  }
  return out;
}

std::string Gzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string Text() {
  std::string t;
  for (int i = 0; i < 5000; ++i) t += "{\"id\": " + std::to_string(i) + ", \"name\": \"row\"}\n";
  return t;
}

TEST(ExportByteSource, PlainPassesThroughAndHashesStoredBytes) {
  const std::string t = Text();
  auto s = ByteSource::FromMemory(t);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->compression(), InputCompression::kNone);
  EXPECT_EQ(ReadAll(**s), t);
  EXPECT_EQ((*s)->content_hash(), XXH3_64bits(t.data(), t.size()));
  EXPECT_EQ((*s)->stored_bytes_read(), t.size());
}

TEST(ExportByteSource, GzipMembersAreConcatenated) {
  const std::string a = Text(), b = "tail line\n";
  const std::string stored = Gzip(a) + Gzip(b);
  auto s = ByteSource::FromMemory(stored);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->compression(), InputCompression::kGzip);
  EXPECT_EQ(ReadAll(**s, 1000), a + b);
  EXPECT_EQ((*s)->content_hash(), XXH3_64bits(stored.data(), stored.size()));
}

TEST(ExportByteSource, ZstdFramesAreConcatenated) {
  const std::string a = Text(), b = "more\n";
  auto s = ByteSource::FromMemory(Zstd(a) + Zstd(b));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->compression(), InputCompression::kZstd);
  EXPECT_EQ(ReadAll(**s, 333), a + b);
}

TEST(ExportByteSource, TruncatedInputIsCorruption) {
  for (const std::string& stored : {Gzip(Text()), Zstd(Text())}) {
    const std::string cut = stored.substr(0, stored.size() / 2);
    auto s = ByteSource::FromMemory(cut, "cut");
    ASSERT_TRUE(s.ok());
    std::string buf(4096, '\0');
    Status last;
    while (true) {
      auto n = (*s)->Read(buf.data(), buf.size());
      if (!n.ok()) {
        last = n.status();
        break;
      }
      if (*n == 0) break;
    }
    EXPECT_EQ(last.code(), StatusCode::kCorruption) << last.ToString();
    EXPECT_NE(last.message().find("cut"), std::string::npos);
  }
}

TEST(ExportByteSource, GarbageAfterGzipMagicIsCorruption) {
  std::string bad = "\x1f\x8b\x08\x00garbage-garbage-garbage";
  auto s = ByteSource::FromMemory(bad);
  ASSERT_TRUE(s.ok());
  std::string buf(64, '\0');
  Status st;
  for (int i = 0; i < 10 && st.ok(); ++i) {
    auto n = (*s)->Read(buf.data(), buf.size());
    if (!n.ok())
      st = n.status();
    else if (*n == 0)
      break;
  }
  EXPECT_FALSE(st.ok());
}

}  // namespace
}  // namespace floe::exporter
