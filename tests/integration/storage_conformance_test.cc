// One conformance suite, run against every ObjectStore backend: local disk,
// memory, and S3 (s3rver started by the tests on 127.0.0.1). Expected values come
// from the bytes the test itself wrote, never from a backend.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "../s3/s3_test_server.h"
#include "floe/io/local_store.h"
#include "floe/io/memory_store.h"
#include "floe/io/object_store.h"
#include "floe/io/s3_client.h"
#include "floe/io/s3_store.h"

namespace floe::io {
namespace {

constexpr uint64_t kS3PartSize = 64 * 1024;  // small parts so multipart tests stay fast

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = rng();
    std::memcpy(out.data() + i, &v, std::min<size_t>(8, n - i));
  }
  return out;
}

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string backend = GetParam();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = fmt::format("{}-{}-{}/", info->name(), ::getpid(), counter_++);
    if (backend == "local") {
      char tmpl[] = "/tmp/floe_conformance_XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      dir_ = tmpl;
      store_ = std::make_shared<LocalStore>(dir_, LocalWriteOptions{.sync = false});
      part_size_ = 1 << 20;
    } else if (backend == "memory") {
      store_ = std::make_shared<MemoryStore>("conformance");
      part_size_ = 1 << 20;
    } else {
      std::string why;
      server_ = testing::SharedS3Server(&why);
      ASSERT_NE(server_, nullptr) << "local S3 server: " << why;
      S3Options opts = server_->ClientOptions();
      opts.part_size = kS3PartSize;
      auto client = S3Client::Make(opts);
      ASSERT_TRUE(client.ok()) << client.status().ToString();
      client_ = *client;
      store_ = std::make_shared<S3Store>(client_, "floe-conformance");
      part_size_ = kS3PartSize;
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string K(std::string_view name) const { return prefix_ + std::string(name); }
  bool IsS3() const { return GetParam() == "s3"; }

  void WriteInPieces(const std::string& key, const std::string& data, size_t piece) {
    auto w = store_->OpenForWrite(key);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    for (size_t off = 0; off < data.size(); off += piece) {
      ASSERT_TRUE((*w)->Append(std::string_view(data).substr(off, piece)).ok());
    }
    EXPECT_EQ((*w)->Tell(), data.size());
    Status st = (*w)->Close();
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ((*w)->Tell(), data.size()) << "Tell() after Close() is the object's size";
  }

  static inline std::atomic<int> counter_{0};
  std::shared_ptr<ObjectStore> store_;
  std::shared_ptr<S3Client> client_;
  testing::S3TestServer* server_ = nullptr;
  std::string dir_;
  std::string prefix_;
  uint64_t part_size_ = 0;
};

TEST_P(StoreConformance, EmptyObject) {
  WriteInPieces(K("empty"), "", 1);
  auto info = store_->Head(K("empty"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 0u);
  EXPECT_EQ(*store_->Get(K("empty")), "");
  auto f = store_->OpenForRead(K("empty"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*(*f)->Size(), 0u);
  EXPECT_EQ(*(*f)->ReadAt(0, 0), "");
  EXPECT_TRUE((*f)->ReadAt(0, 1).status().Is(StatusCode::kCorruption));
  // An empty Put too.
  ASSERT_TRUE(store_->Put(K("empty2"), "").ok());
  EXPECT_EQ(*store_->Size(K("empty2")), 0u);
}

TEST_P(StoreConformance, SmallObjectRoundTrip) {
  const std::string data = "hello, object store\n" + RandomBytes(1000, 1);
  ASSERT_TRUE(store_->Put(K("small.bin"), data).ok());
  EXPECT_EQ(*store_->Get(K("small.bin")), data);
  WriteInPieces(K("pieces.bin"), data, 7);
  EXPECT_EQ(*store_->Get(K("pieces.bin")), data);
  EXPECT_EQ(*store_->Size(K("pieces.bin")), data.size());
  // Overwrite replaces.
  ASSERT_TRUE(store_->Put(K("small.bin"), "v2").ok());
  EXPECT_EQ(*store_->Get(K("small.bin")), "v2");
}

TEST_P(StoreConformance, MultiPartObjectRoundTrip) {
  // 6.5 parts: more than 5 parts, the last one short.
  const std::string data = RandomBytes(part_size_ * 13 / 2, 2);
  S3Stats before;
  if (client_) before = client_->stats();
  WriteInPieces(K("big.bin"), data, 10007);
  if (client_) {
    // CreateMultipartUpload + 7 UploadPart + CompleteMultipartUpload, no single PUT.
    EXPECT_EQ(client_->stats().requests - before.requests, 9u);
  }
  auto got = store_->Get(K("big.bin"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == data) << "multi-part object differs";
  // Exactly one part size is still a single object.
  const std::string one = RandomBytes(part_size_, 3);
  WriteInPieces(K("one-part.bin"), one, part_size_);
  EXPECT_TRUE(*store_->Get(K("one-part.bin")) == one);
  // Streaming read in order.
  std::string streamed;
  ASSERT_TRUE(store_
                  ->Stream(K("big.bin"),
                           [&](std::string_view c) {
                             streamed.append(c);
                             return Status::OK();
                           })
                  .ok());
  EXPECT_TRUE(streamed == data);
}

TEST_P(StoreConformance, RangeReadsAtEveryBoundary) {
  const std::string data = RandomBytes(1000, 4);
  ASSERT_TRUE(store_->Put(K("r.bin"), data).ok());
  auto f = store_->OpenForRead(K("r.bin"));
  ASSERT_TRUE(f.ok());
  const uint64_t n = data.size();
  EXPECT_EQ(*(*f)->Size(), n);
  EXPECT_EQ(*(*f)->ReadAt(0, 1), data.substr(0, 1));          // first byte
  EXPECT_EQ(*(*f)->ReadAt(n - 1, 1), data.substr(n - 1, 1));  // last byte
  EXPECT_EQ(*(*f)->ReadAt(0, n), data);                       // everything
  EXPECT_EQ(*(*f)->ReadAt(n, 0), "");                         // empty at the end
  EXPECT_EQ(*(*f)->ReadAt(123, 456), data.substr(123, 456));
  EXPECT_TRUE((*f)->ReadAt(n - 1, 2).status().Is(StatusCode::kCorruption));  // past the end
  EXPECT_TRUE((*f)->ReadAt(n, 1).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE((*f)->ReadAt(n + 1, 0).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE((*f)->ReadAt(1, UINT64_MAX).status().Is(StatusCode::kCorruption));
  // The store-level ReadAt (no HEAD on S3) follows the same rules.
  EXPECT_EQ(*store_->ReadAt(K("r.bin"), 0, 1), data.substr(0, 1));
  EXPECT_EQ(*store_->ReadAt(K("r.bin"), n - 1, 1), data.substr(n - 1));
  EXPECT_TRUE(store_->ReadAt(K("r.bin"), n - 1, 2).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(store_->ReadAt(K("r.bin"), n, 1).status().Is(StatusCode::kCorruption));
  // ReadRanges: unsorted, overlapping, adjacent, duplicate, far apart, empty.
  const std::vector<ByteRange> ranges = {{900, 100}, {0, 10},  {5, 10},  {15, 5},  {15, 5},
                                         {500, 1},   {999, 1}, {300, 0}, {0, 1000}};
  for (const CoalesceOptions& opts :
       {CoalesceOptions{}, CoalesceOptions{.max_gap = 0, .max_read = 16}}) {
    auto got = (*f)->ReadRanges(ranges, opts);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), ranges.size());
    for (size_t i = 0; i < ranges.size(); ++i) {
      EXPECT_EQ((*got)[i], data.substr(ranges[i].offset, ranges[i].length)) << "range " << i;
    }
  }
  EXPECT_FALSE((*f)->ReadRanges({{990, 20}}).ok());
  // Stream with a range.
  std::string part;
  ASSERT_TRUE(store_
                  ->Stream(
                      K("r.bin"),
                      [&](std::string_view c) {
                        part.append(c);
                        return Status::OK();
                      },
                      ByteRange{10, 990})
                  .ok());
  EXPECT_EQ(part, data.substr(10));
  // A size the caller already knows (no HEAD on S3).
  auto known = store_->OpenForRead(K("r.bin"), ReadOptions{.known_size = n});
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(*(*known)->ReadAt(n - 3, 3), data.substr(n - 3));
}

TEST_P(StoreConformance, MissingObjects) {
  EXPECT_TRUE(store_->Head(K("nope")).status().IsNotFound());
  EXPECT_TRUE(store_->OpenForRead(K("nope")).status().IsNotFound());
  EXPECT_TRUE(store_->Get(K("nope")).status().IsNotFound());
  EXPECT_TRUE(store_->Copy(K("nope"), K("dst")).IsNotFound());
  EXPECT_TRUE(store_->Delete(K("nope")).ok());  // idempotent, as on S3
  EXPECT_TRUE(store_->List(K("nope/")).ok());
  EXPECT_TRUE(store_->List(K("nope/"))->empty());
}

TEST_P(StoreConformance, ListingManyKeysWithPagination) {
  // 1,050 keys under p/ in 3 "directories", plus neighbours that must not match.
  std::vector<std::string> keys;
  for (int i = 0; i < 1050; ++i) keys.push_back(K(fmt::format("p/{}/k{:05}", i % 3, i)));
  // Not "p" itself (a local file cannot also be the directory "p/", see LocalStore)
  // nor "p-" (s3rver lists "p/..." before "p-", unlike S3's byte order, and then
  // skips it when paginating).
  const std::vector<std::string> others = {K("n"), K("p0"), K("q/1"), K("o/p/1")};
  std::vector<std::string> all = keys;
  all.insert(all.end(), others.begin(), others.end());
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < all.size(); i = next++) {
        if (!store_->Put(all[i], std::string(i % 7, 'x')).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  std::vector<std::string> expect = keys;
  std::sort(expect.begin(), expect.end());

  // Page by page, 100 at a time.
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  for (; pages < 100; ++pages) {
    auto page = store_->ListPage(K("p/"), token, 100);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->objects.size(), 100u);
    for (const auto& o : page->objects) paged.push_back(o.key);
    if (page->next_token.empty()) break;
    token = page->next_token;
  }
  EXPECT_EQ(pages + 1, 11);
  EXPECT_EQ(paged, expect);

  // All pages at once (1000 per page).
  auto listed = store_->List(K("p/"));
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), expect.size());
  for (size_t i = 0; i < expect.size(); ++i) {
    EXPECT_EQ((*listed)[i].key, expect[i]);
    const size_t idx = static_cast<size_t>(std::stoi(expect[i].substr(expect[i].size() - 5)));
    EXPECT_EQ((*listed)[i].size, idx % 7);
  }
  // A prefix that ends inside a key segment.
  auto sub = store_->List(K("p/1/k0001"));
  ASSERT_TRUE(sub.ok());
  std::vector<std::string> want_sub;
  for (const auto& k : expect) {
    if (k.starts_with(K("p/1/k0001"))) want_sub.push_back(k);
  }
  ASSERT_EQ(sub->size(), want_sub.size());
  for (size_t i = 0; i < want_sub.size(); ++i) EXPECT_EQ((*sub)[i].key, want_sub[i]);
  // Everything under the test's prefix: the neighbours appear too.
  {
    auto everything = store_->List(prefix_);
    ASSERT_TRUE(everything.ok());
    std::set<std::string> seen;
    for (const auto& o : *everything) seen.insert(o.key);
    for (const auto& k : all) EXPECT_TRUE(seen.contains(k)) << "not listed: " << k;
    EXPECT_EQ(everything->size(), all.size());
  }

  // Batched delete of everything.
  ASSERT_TRUE(store_->DeleteMany(all).ok());
  EXPECT_TRUE(store_->List(prefix_)->empty());
}

TEST_P(StoreConformance, DeleteAndCopy) {
  ASSERT_TRUE(store_->Put(K("a"), "alpha").ok());
  ASSERT_TRUE(store_->Copy(K("a"), K("copy/of a")).ok());
  EXPECT_EQ(*store_->Get(K("copy/of a")), "alpha");
  ASSERT_TRUE(store_->Delete(K("a")).ok());
  EXPECT_TRUE(store_->Head(K("a")).status().IsNotFound());
  EXPECT_EQ(*store_->Get(K("copy/of a")), "alpha");  // the copy is independent
  ASSERT_TRUE(store_->Delete(K("copy/of a")).ok());
  EXPECT_TRUE(store_->List(prefix_)->empty());
}

TEST_P(StoreConformance, UnicodeAndSpaceKeys) {
  const std::vector<std::string> names = {
      "dir with space/file name.txt", "ünïcødé/日本語 ファイル.parquet", "a+b=c,d;e@f(g)!'*~.txt"};
  for (const auto& n : names) ASSERT_TRUE(store_->Put(K(n), "data:" + n).ok()) << n;
  for (const auto& n : names) EXPECT_EQ(*store_->Get(K(n)), "data:" + n) << n;
  auto listed = store_->List(prefix_);
  ASSERT_TRUE(listed.ok());
  std::set<std::string> got;
  for (const auto& o : *listed) got.insert(o.key);
  std::set<std::string> want;
  for (const auto& n : names) want.insert(K(n));
  EXPECT_EQ(got, want);
  ASSERT_TRUE(store_->DeleteMany({K(names[0]), K(names[1])}).ok());
  ASSERT_TRUE(store_->Delete(K(names[2])).ok());
  EXPECT_TRUE(store_->List(prefix_)->empty());
}

TEST_P(StoreConformance, AbortedWritersLeaveNothing) {
  {
    auto w = store_->OpenForWrite(K("aborted"));
    ASSERT_TRUE(w.ok());
    // Several parts on S3, so a multipart upload is under way when we abort.
    ASSERT_TRUE((*w)->Append(RandomBytes(part_size_ * 3, 5)).ok());
    EXPECT_TRUE(store_->Head(K("aborted")).status().IsNotFound());  // not visible yet
    (*w)->Abort();
  }
  {
    auto w = store_->OpenForWrite(K("dropped"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(RandomBytes(part_size_ * 2 + 1, 6)).ok());
  }  // destroyed without Close
  EXPECT_TRUE(store_->Head(K("aborted")).status().IsNotFound());
  EXPECT_TRUE(store_->Head(K("dropped")).status().IsNotFound());
  EXPECT_TRUE(store_->List(prefix_)->empty());
}

TEST_P(StoreConformance, ConcurrentPutIfAbsentHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 4; ++round) {
    const std::string key = K(fmt::format("lock-{}", round));
    std::atomic<int> wins{0}, exists{0}, other{0};
    std::vector<std::string> outcome(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Status st = store_->PutIfAbsent(key, fmt::format("writer {}", t));
        if (st.ok()) {
          ++wins;
          outcome[t] = "won";
        } else if (st.IsAlreadyExists()) {
          ++exists;
        } else {
          ++other;
          outcome[t] = st.ToString();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(exists.load(), kThreads - 1);
    EXPECT_EQ(other.load(), 0);
    // The object holds the winner's bytes.
    const auto winner = std::find(outcome.begin(), outcome.end(), "won");
    ASSERT_NE(winner, outcome.end());
    EXPECT_EQ(*store_->Get(key), fmt::format("writer {}", winner - outcome.begin()));
  }
  // Sequentially: the second attempt reports AlreadyExists and changes nothing.
  ASSERT_TRUE(store_->PutIfAbsent(K("once"), "first").ok());
  EXPECT_TRUE(store_->PutIfAbsent(K("once"), "second").IsAlreadyExists());
  EXPECT_EQ(*store_->Get(K("once")), "first");
}

TEST_P(StoreConformance, ConcurrentReadersShareAFile) {
  const std::string data = RandomBytes(200000, 7);
  ASSERT_TRUE(store_->Put(K("shared"), data).ok());
  auto f = store_->OpenForRead(K("shared"));
  ASSERT_TRUE(f.ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t off = static_cast<uint64_t>(t) * 1000; off + 5000 <= data.size();
           off += 37000) {
        auto r = (*f)->ReadAt(off, 5000);
        if (!r.ok() || *r != data.substr(off, 5000)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values("local", "memory", "s3"),
                         [](const auto& info) { return info.param; });

// The URI entry points reach the same backends.
TEST(StoreUris, ParseAndResolve) {
  auto p = ParseUri("s3://bucket/a/b c");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->scheme, "s3");
  EXPECT_EQ(p->authority, "bucket");
  EXPECT_EQ(p->path, "a/b c");
  p = ParseUri("file:///tmp/x");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->path, "/tmp/x");
  p = ParseUri("relative/x.parquet");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->scheme, "file");
  EXPECT_EQ(p->path, (std::filesystem::current_path() / "relative/x.parquet").string());
  EXPECT_FALSE(ParseUri("").ok());
  EXPECT_FALSE(ParseUri("s3:///key").ok());
  EXPECT_FALSE(ParseUri("file://host/x").ok());
  EXPECT_TRUE(ResolveUri("gs://b/k").status().Is(StatusCode::kNotSupported));

  // memory:// stores are shared by name.
  auto w = OpenForWrite("memory://uri-test/dir/obj");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("bytes").ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = OpenForRead("memory://uri-test/dir/obj");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*(*r)->ReadAt(0, 5), "bytes");
  EXPECT_EQ((*r)->name(), "memory://uri-test/dir/obj");
  EXPECT_TRUE(OpenForRead("memory://other/dir/obj").status().IsNotFound());

  // Plain paths and file:// name the same local file.
  char tmpl[] = "/tmp/floe_uri_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/sub/f.bin";
  w = OpenForWrite(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("local").ok());
  ASSERT_TRUE((*w)->Close().ok());
  r = OpenForRead("file://" + path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*(*r)->ReadAt(0, 5), "local");
  auto resolved = ResolveUri(path);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->store->UriOf(resolved->key), "file://" + path);
  std::filesystem::remove_all(tmpl);
}

TEST(StoreUris, S3UrisUseTheConfiguredClient) {
  std::string why;
  testing::S3TestServer* server = testing::SharedS3Server(&why);
  ASSERT_NE(server, nullptr) << why;
  ASSERT_TRUE(SetDefaultS3Options(server->ClientOptions()).ok());
  auto w = OpenForWrite("s3://floe-test/uri/obj.txt");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("via uri").ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = OpenForRead("s3://floe-test/uri/obj.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*(*r)->ReadAt(0, 7), "via uri");
  EXPECT_EQ((*r)->name(), "s3://floe-test/uri/obj.txt");
}

}  // namespace
}  // namespace floe::io
