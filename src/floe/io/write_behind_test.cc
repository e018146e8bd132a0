#include "floe/io/write_behind.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace floe::io {
namespace {

Buffer Bytes(std::string_view s) {
  Buffer b;
  b.Append(s);
  return b;
}

// A file whose appends wait until the test opens the gate, and that fails the n-th append
// when told to. It records overlapping calls, which WriteBehind must never make.
class GatedFile final : public WritableFile {
 public:
  const std::string& name() const override { return name_; }
  Status Append(std::string_view data) override {
    if (in_append_.exchange(true)) overlapped_ = true;
    std::unique_lock<std::mutex> l(mu_);
    ++calls_;
    changed_.notify_all();
    changed_.wait(l, [&] { return open_ > 0; });
    if (open_ != kOpen) --open_;
    Status s = calls_ == fail_call_ ? Status::IOError("{}: disk full", name_) : Status::OK();
    if (s.ok()) data_.append(data);
    in_append_ = false;
    return s;
  }
  uint64_t Tell() const override { return data_.size(); }
  Status Close() override { return Status::OK(); }
  void Abort() override {}

  // Lets `n` more appends through (kOpen: all of them from now on).
  void Let(int n) {
    std::lock_guard<std::mutex> l(mu_);
    open_ = n == kOpen ? kOpen : open_ + n;
    changed_.notify_all();
  }
  // Waits until `n` appends have started.
  void AwaitCalls(int n) {
    std::unique_lock<std::mutex> l(mu_);
    changed_.wait(l, [&] { return calls_ >= n; });
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }
  void FailCall(int n) { fail_call_ = n; }
  const std::string& data() const { return data_; }
  bool overlapped() const { return overlapped_; }

  static constexpr int kOpen = 1 << 30;

 private:
  std::string name_ = "gated";
  std::mutex mu_;
  std::condition_variable changed_;
  int open_ = 0;
  int calls_ = 0;
  int fail_call_ = -1;
  std::string data_;
  std::atomic<bool> in_append_{false};
  std::atomic<bool> overlapped_{false};
};

TEST(WriteBehindTest, WritesEveryBufferInOrder) {
  GatedFile file;
  file.Let(GatedFile::kOpen);
  std::string expect;
  {
    WriteBehind behind(&file, 1000);
    for (int i = 0; i < 500; ++i) {
      std::string piece(static_cast<size_t>(i % 17), static_cast<char>('a' + i % 26));
      expect += piece;
      ASSERT_TRUE(behind.Append(Bytes(piece)).ok());
      // Drained now and then: the thread ends when idle and a later Append starts another.
      if (i % 50 == 49) {
        ASSERT_TRUE(behind.Drain().ok());
        EXPECT_EQ(file.data(), expect);
      }
    }
    ASSERT_TRUE(behind.Drain().ok());
    EXPECT_EQ(file.data(), expect);
  }
  EXPECT_FALSE(file.overlapped());
}

TEST(WriteBehindTest, AppendWaitsForRoomAndTakesAnOversizedBufferAlone) {
  GatedFile file;
  WriteBehind behind(&file, 10);
  ASSERT_TRUE(behind.Append(Bytes("0123456789abcdef")).ok());  // larger than the limit
  file.AwaitCalls(1);                                          // being written, held
  std::atomic<bool> returned{false};
  std::thread producer([&] {
    EXPECT_TRUE(behind.Append(Bytes("xy")).ok());
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned) << "16 bytes are queued of 10 allowed: the producer must wait";
  file.Let(1);
  producer.join();
  EXPECT_TRUE(returned);
  file.Let(GatedFile::kOpen);
  ASSERT_TRUE(behind.Drain().ok());
  EXPECT_EQ(file.data(), "0123456789abcdefxy");
}

TEST(WriteBehindTest, TheFirstErrorIsStickyAndLaterBuffersAreDropped) {
  GatedFile file;
  file.FailCall(2);
  WriteBehind behind(&file, 1 << 20);
  ASSERT_TRUE(behind.Append(Bytes("one")).ok());
  ASSERT_TRUE(behind.Append(Bytes("two")).ok());
  ASSERT_TRUE(behind.Append(Bytes("three")).ok());
  file.Let(GatedFile::kOpen);
  Status s = behind.Drain();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("disk full"), std::string::npos) << s.ToString();
  EXPECT_EQ(file.data(), "one");
  EXPECT_EQ(file.calls(), 2) << "nothing is written after the failure";
  EXPECT_FALSE(behind.Append(Bytes("four")).ok());
  EXPECT_FALSE(behind.Drain().ok());
}

TEST(WriteBehindTest, StoppingEndsAfterTheBufferBeingWritten) {
  GatedFile file;
  {
    WriteBehind behind(&file, 1 << 20);
    ASSERT_TRUE(behind.Append(Bytes("first")).ok());
    ASSERT_TRUE(behind.Append(Bytes("second")).ok());
    file.AwaitCalls(1);  // "first" is being written, held at the gate
    behind.Stop();
    file.Let(GatedFile::kOpen);
    EXPECT_FALSE(behind.Append(Bytes("third")).ok());
    EXPECT_FALSE(behind.Drain().ok()) << "\"second\" was never written";
  }  // the destructor waits for "first"
  EXPECT_EQ(file.data(), "first");
  EXPECT_EQ(file.calls(), 1);
}

TEST(WriteBehindTest, EmptyBuffersAndAnIdleDrain) {
  GatedFile file;
  WriteBehind behind(&file, 4);
  EXPECT_TRUE(behind.Drain().ok());
  EXPECT_TRUE(behind.Append(Buffer()).ok());
  EXPECT_TRUE(behind.Drain().ok());
  EXPECT_EQ(file.calls(), 0);
}

}  // namespace
}  // namespace floe::io
