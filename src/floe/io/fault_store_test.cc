#include "floe/io/fault_store.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "floe/io/local_store.h"
#include "floe/io/memory_store.h"
#include "floe/io/retry.h"

namespace floe::io {
namespace {

using Op = FaultStore::Op;

TEST(FaultStore, CutWriteLeavesNoObject) {
  auto mem = std::make_shared<MemoryStore>();
  FaultStore store(mem);
  store.CutWritesAfter(100);
  auto w = store.OpenForWrite("obj");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append(std::string(60, 'a')).ok());
  Status st = (*w)->Append(std::string(60, 'b'));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("cut after 100 bytes"), std::string::npos);
  EXPECT_FALSE((*w)->Close().ok());
  EXPECT_TRUE(mem->Head("obj").status().IsNotFound());
  EXPECT_EQ(mem->object_count(), 0u);
  EXPECT_EQ(store.injected(), 1u);
}

TEST(FaultStore, FailureMidWriteOnLocalDiskLeavesNoFiles) {
  char tmpl[] = "/tmp/floe_fault_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  auto local = std::make_shared<LocalStore>(tmpl, LocalWriteOptions{.sync = false});
  FaultStore store(local);
  // The 3rd write call (2 Appends succeed, the 3rd fails) of the next writer.
  store.FailNth(Op::kWrite, 3);
  auto w = store.OpenForWrite("dir/obj");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append("one").ok());
  EXPECT_TRUE((*w)->Append("two").ok());
  EXPECT_FALSE((*w)->Append("three").ok());
  w->reset();
  EXPECT_TRUE(local->Head("dir/obj").status().IsNotFound());
  for (const auto& e : std::filesystem::recursive_directory_iterator(tmpl)) {
    EXPECT_TRUE(e.is_directory()) << "left behind: " << e.path();
  }
  // A failing Close publishes nothing either.
  store.FailNth(Op::kWrite, 2);
  w = store.OpenForWrite("dir/obj");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append("data").ok());
  EXPECT_FALSE((*w)->Close().ok());
  EXPECT_TRUE(local->Head("dir/obj").status().IsNotFound());
  std::filesystem::remove_all(tmpl);
}

TEST(FaultStore, FailNthCall) {
  auto mem = std::make_shared<MemoryStore>();
  ASSERT_TRUE(mem->Put("k", "v").ok());
  FaultStore store(mem);
  store.FailNth(Op::kHead, 2, Status::IOError("boom"));
  EXPECT_TRUE(store.Head("k").ok());
  Status st = store.Head("k").status();
  EXPECT_EQ(st.message(), "boom");
  EXPECT_TRUE(store.Head("k").ok());  // only once
  EXPECT_EQ(store.calls(Op::kHead), 3u);
  store.FailNth(Op::kAny, 1);
  EXPECT_FALSE(store.Delete("k").ok());
  EXPECT_TRUE(store.Get("k").ok());
}

TEST(FaultStore, SlowDownIsRetryableAndRetriesRecover) {
  auto mem = std::make_shared<MemoryStore>();
  ASSERT_TRUE(mem->Put("k", "value").ok());
  FaultStore store(mem);
  store.SlowDown(Op::kRead, 3);
  auto first = store.Get("k");
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(first.status().retryable());
  EXPECT_TRUE(first.status().Is(StatusCode::kResourceExhausted));
  EXPECT_NE(first.status().detail().find("SlowDown, HTTP 503"), std::string::npos);
  std::string got;
  int attempts = 0;
  Status st = WithRetries({.max_attempts = 5, .initial_backoff_ms = 1, .max_backoff_ms = 2}, [&] {
    ++attempts;
    auto r = store.Get("k");
    if (r.ok()) got = *r;
    return r.status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(got, "value");
  EXPECT_EQ(attempts, 3);  // two more SlowDowns, then success
  // Non-retryable errors are returned at once.
  store.FailNth(Op::kRead, 1);
  attempts = 0;
  st = WithRetries({}, [&] {
    ++attempts;
    return store.Get("k").status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(attempts, 1);
}

TEST(FaultStore, ThrottledWritesWithRetriesLoseNothing) {
  auto mem = std::make_shared<MemoryStore>();
  FaultStore store(mem);
  store.ThrottleEvery(Op::kWrite, 3);
  for (int i = 0; i < 30; ++i) {
    const std::string key = "k" + std::to_string(i);
    Status st = WithRetries({.max_attempts = 10, .initial_backoff_ms = 0}, [&] {
      return store.Put(key, std::string(static_cast<size_t>(i), 'x'));
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_GT(store.injected(), 0u);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(*mem->Get("k" + std::to_string(i)), std::string(static_cast<size_t>(i), 'x'));
  }
}

TEST(FaultStore, LatencyAndReadFaultsThroughFiles) {
  auto mem = std::make_shared<MemoryStore>();
  ASSERT_TRUE(mem->Put("k", "0123456789").ok());
  FaultStore store(mem);
  store.SetLatency(std::chrono::milliseconds(20));
  auto f = store.OpenForRead("k");
  ASSERT_TRUE(f.ok());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(*(*f)->ReadAt(2, 3), "234");
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20));
  store.ClearFaults();
  store.FailNth(Op::kRead, 1);
  EXPECT_FALSE((*f)->ReadRanges({{0, 1}, {5, 1}}).ok());  // the file shares the faults
  EXPECT_TRUE((*f)->ReadRanges({{0, 1}, {5, 1}}).ok());
}

TEST(CoalesceRanges, MergesWithinGapAndSizeLimits) {
  const CoalesceOptions opts{.max_gap = 10, .max_read = 100};
  EXPECT_EQ(CoalesceRanges({{50, 10}, {0, 10}, {15, 5}}, opts),
            (std::vector<ByteRange>{{0, 20}, {50, 10}}));
  EXPECT_EQ(CoalesceRanges({{0, 60}, {65, 60}}, opts),
            (std::vector<ByteRange>{{0, 60}, {65, 60}}));  // merged would exceed max_read
  EXPECT_EQ(CoalesceRanges({{0, 10}, {2, 3}}, opts), (std::vector<ByteRange>{{0, 10}}));
}

TEST(ReadRangesParallel, SameAnswerAsSequential) {
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 % 256);
  BufferFile file(data);
  std::vector<ByteRange> ranges;
  for (uint64_t i = 0; i < 50; ++i) ranges.push_back({(i * 7919) % 99000, 1 + i * 13});
  for (int par : {1, 2, 8}) {
    auto got = ReadRangesParallel(file, ranges, {.max_gap = 100, .max_read = 4096}, par);
    ASSERT_TRUE(got.ok());
    for (size_t i = 0; i < ranges.size(); ++i) {
      EXPECT_EQ((*got)[i], data.substr(ranges[i].offset, ranges[i].length));
    }
  }
  EXPECT_FALSE(ReadRangesParallel(file, {{99990, 20}}, {}, 4).ok());
}

}  // namespace
}  // namespace floe::io
