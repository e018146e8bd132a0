#include "floe/io/local_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace floe::io {
namespace {

namespace fs = std::filesystem;

class LocalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/floe_local_file_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      out.push_back(fs::relative(e.path(), dir_).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string dir_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(LocalFileTest, WriteCommitsOnCloseOnly) {
  const std::string path = dir_ + "/a/b/obj.bin";
  auto w = NewLocalWritableFile(path, {.buffer_size = 7});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string expect;
  for (int i = 0; i < 100; ++i) {
    std::string piece(static_cast<size_t>(i % 13), static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*w)->Append(piece).ok());
    expect += piece;
  }
  EXPECT_EQ((*w)->Tell(), expect.size());
  EXPECT_FALSE(fs::exists(path));  // not visible before Close
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(Slurp(path), expect);
  // Only the object and its directories remain: no temp file.
  EXPECT_EQ(Names(), (std::vector<std::string>{"a", "a/b", "a/b/obj.bin"}));
  EXPECT_FALSE((*w)->Append("x").ok());
}

TEST_F(LocalFileTest, AbortAndDestructionLeaveNothing) {
  const std::string path = dir_ + "/obj";
  {
    auto w = NewLocalWritableFile(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(std::string(1 << 20, 'x')).ok());
    (*w)->Abort();
  }
  {
    auto w = NewLocalWritableFile(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("partial").ok());
  }  // destroyed without Close
  EXPECT_TRUE(Names().empty());
}

TEST_F(LocalFileTest, CloseReplacesOldContentsAtomically) {
  const std::string path = dir_ + "/obj";
  std::ofstream(path) << "old contents";
  auto w = NewLocalWritableFile(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("new").ok());
  EXPECT_EQ(Slurp(path), "old contents");
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(Slurp(path), "new");
}

TEST_F(LocalFileTest, ReadAtBoundsAndConcurrentReads) {
  const std::string path = dir_ + "/data";
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  std::ofstream(path, std::ios::binary) << data;
  auto f = OpenLocalFile(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*(*f)->Size(), data.size());
  EXPECT_EQ(*(*f)->ReadAt(0, 1), data.substr(0, 1));
  EXPECT_EQ(*(*f)->ReadAt(data.size() - 1, 1), data.substr(data.size() - 1));
  EXPECT_EQ(*(*f)->ReadAt(data.size(), 0), "");
  EXPECT_TRUE((*f)->ReadAt(data.size() - 1, 2).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE((*f)->ReadAt(data.size() + 1, 0).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE((*f)->ReadAt(1, UINT64_MAX).status().Is(StatusCode::kCorruption));
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t off = static_cast<uint64_t>(t); off + 1000 <= data.size(); off += 997) {
        auto r = (*f)->ReadAt(off, 1000);
        if (!r.ok() || *r != data.substr(off, 1000)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(LocalFileTest, Errors) {
  auto missing = OpenLocalFile(dir_ + "/nope");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("/nope"), std::string::npos);
  EXPECT_TRUE(OpenLocalFile(dir_).status().Is(StatusCode::kInvalidArgument));
  EXPECT_FALSE(NewLocalWritableFile(dir_ + "/").ok());
}

TEST_F(LocalFileTest, CreateIfAbsentHasExactlyOneWinner) {
  const std::string path = dir_ + "/lock";
  constexpr int kThreads = 8;
  std::atomic<int> wins{0}, exists{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Status st = CreateLocalFileIfAbsent(path, "writer " + std::to_string(t));
      if (st.ok()) {
        ++wins;
      } else if (st.IsAlreadyExists()) {
        ++exists;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_TRUE(Slurp(path).starts_with("writer "));
  EXPECT_EQ(Names(), std::vector<std::string>{"lock"});
}

}  // namespace
}  // namespace floe::io
