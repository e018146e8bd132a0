// The S3 client against a real S3-compatible server (s3rver, started on
// 127.0.0.1): retries on injected server faults, resumable downloads, aborted
// uploads, throttling, presigned URLs, and interop with the AWS CLI both ways.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../s3/s3_test_server.h"
#include "floe/io/s3_client.h"
#include "floe/io/s3_store.h"

namespace floe::io {
namespace {

constexpr char kBucket[] = "floe-test";

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = rng();
    std::memcpy(out.data() + i, &v, std::min<size_t>(8, n - i));
  }
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class S3ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = testing::SharedS3Server(&why);
    ASSERT_NE(server_, nullptr) << "local S3 server: " << why;
    S3Options opts = server_->ClientOptions();
    opts.part_size = 64 * 1024;
    Make(opts);
    prefix_ = fmt::format("{}-{}/", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                          ::getpid());
  }
  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->SetFaults("[]").ok());
    }
  }
  void Make(const S3Options& opts) {
    auto client = S3Client::Make(opts);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
    store_ = std::make_shared<S3Store>(client_, kBucket);
  }
  void Faults(const nlohmann::json& rules) {
    ASSERT_TRUE(server_->SetFaults(rules.dump()).ok());
    ASSERT_TRUE(server_->ResetStats().ok());
    client_->ResetStats();
  }
  nlohmann::json ServerStats() { return nlohmann::json::parse(*server_->StatsJson()); }
  std::string K(std::string_view name) const { return prefix_ + std::string(name); }

  testing::S3TestServer* server_ = nullptr;
  std::shared_ptr<S3Client> client_;
  std::shared_ptr<S3Store> store_;
  std::string prefix_;
};

TEST_F(S3ServerTest, RetriesRecoverFromServer503s) {
  ASSERT_TRUE(store_->Put(K("obj"), "payload").ok());
  Faults(
      {{{"method", "GET"}, {"path", "obj$"}, {"status", 503}, {"code", "SlowDown"}, {"count", 3}}});
  auto got = store_->ReadAt(K("obj"), 0, 7);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "payload");
  EXPECT_EQ(client_->stats().retries, 3u);
  EXPECT_EQ(ServerStats()["faults"], 3);
  EXPECT_EQ(ServerStats()["requests"], 4);
}

TEST_F(S3ServerTest, GivesUpAfterMaxAttemptsAndReportsTheS3Error) {
  ASSERT_TRUE(store_->Put(K("obj"), "payload").ok());
  Faults({{{"method", "GET"},
           {"path", "obj$"},
           {"status", 503},
           {"code", "SlowDown"},
           {"count", -1}}});
  auto got = store_->ReadAt(K("obj"), 0, 7);
  ASSERT_FALSE(got.ok());
  const Status& st = got.status();
  EXPECT_TRUE(st.Is(StatusCode::kResourceExhausted)) << st.ToString();
  EXPECT_TRUE(st.retryable());
  EXPECT_NE(st.message().find("SlowDown"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("s3://floe-test/" + K("obj")), std::string::npos) << st.message();
  EXPECT_NE(st.detail().find("S3 SlowDown, HTTP 503, request id floe-test-"), std::string::npos)
      << st.detail();
  EXPECT_EQ(ServerStats()["requests"], client_->options().retry.max_attempts);
}

TEST_F(S3ServerTest, UnrecoverableClientErrorsAreNotRetried) {
  ASSERT_TRUE(store_->Put(K("obj"), "payload").ok());
  Faults({{{"method", "GET"},
           {"path", "obj$"},
           {"status", 403},
           {"code", "AccessDenied"},
           {"message", "Access Denied"},
           {"count", -1}}});
  auto got = store_->ReadAt(K("obj"), 0, 7);
  ASSERT_FALSE(got.ok());
  EXPECT_FALSE(got.status().retryable());
  EXPECT_TRUE(got.status().Is(StatusCode::kIOError));
  EXPECT_NE(got.status().message().find("AccessDenied"), std::string::npos);
  EXPECT_EQ(ServerStats()["requests"], 1);
  EXPECT_EQ(client_->stats().retries, 0u);
  // A missing key is NotFound, also without retries.
  Faults(nlohmann::json::array());
  EXPECT_TRUE(store_->Head(K("missing")).status().IsNotFound());
  EXPECT_TRUE(store_->Get(K("missing")).status().IsNotFound());
  EXPECT_EQ(ServerStats()["requests"], 2);
}

TEST_F(S3ServerTest, DroppedConnectionsAreRetried) {
  const std::string data = RandomBytes(64 * 1024 * 4 + 10, 1);
  Faults({{{"method", "PUT"}, {"query", "uploadId"}, {"action", "reset"}, {"count", 2}}});
  auto w = store_->OpenForWrite(K("parts"));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(data).ok());
  Status st = (*w)->Close();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ServerStats()["faults"], 2);
  // libcurl itself resends once on a fresh connection when a reused one dies before
  // any response, so not every drop reaches floe's retry loop.
  EXPECT_GE(client_->stats().retries, 1u);
  EXPECT_TRUE(*store_->Get(K("parts")) == data);
}

TEST_F(S3ServerTest, BrokenDownloadResumesWhereItStopped) {
  const std::string data = RandomBytes(1 << 20, 2);
  ASSERT_TRUE(store_->Put(K("big"), data).ok());
  Faults({{{"method", "GET"},
           {"path", "big$"},
           {"action", "truncate"},
           {"bytes", 300000},
           {"count", 1}}});
  std::string got;
  size_t chunks = 0;
  Status st = store_->Stream(K("big"), [&](std::string_view c) {
    got.append(c);
    ++chunks;
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  EXPECT_EQ(client_->stats().retries, 1u);
  EXPECT_EQ(ServerStats()["by_method"]["GET"], 2);
  // Ranged reads resume too.
  Faults({{{"method", "GET"},
           {"path", "big$"},
           {"action", "truncate"},
           {"bytes", 1000},
           {"count", 1}}});
  auto part = store_->ReadAt(K("big"), 5000, 500000);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_TRUE(*part == data.substr(5000, 500000));
}

TEST_F(S3ServerTest, FailureMidWriteLeavesNoVisibleObject) {
  const std::string data = RandomBytes(64 * 1024 * 6 + 1, 3);
  // The third UploadPart fails with an error that cannot succeed on retry.
  Faults({{{"method", "PUT"},
           {"query", "uploadId"},
           {"every", 3},
           {"count", 1},
           {"status", 400},
           {"code", "InvalidArgument"}}});
  auto w = store_->OpenForWrite(K("half"));
  ASSERT_TRUE(w.ok());
  Status st = (*w)->Append(data);
  if (st.ok()) st = (*w)->Close();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("InvalidArgument"), std::string::npos) << st.ToString();
  EXPECT_TRUE(store_->Head(K("half")).status().IsNotFound());
  EXPECT_TRUE(store_->List(K("half"))->empty());
  EXPECT_EQ(ServerStats()["by_method"]["DELETE"], 1);  // AbortMultipartUpload
  // A transient failure of CompleteMultipartUpload is retried.
  Faults({{{"method", "POST"},
           {"query", "uploadId"},
           {"status", 500},
           {"code", "InternalError"},
           {"count", 1}}});
  w = store_->OpenForWrite(K("whole"));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(data).ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE(*store_->Get(K("whole")) == data);
}

TEST_F(S3ServerTest, ThrottledStoreSlowsDownWithoutLosingData) {
  // Retry settings near the defaults: backoff grows until the request rate fits.
  S3Options opts = server_->ClientOptions();
  opts.retry = {.max_attempts = 10, .initial_backoff_ms = 10, .max_backoff_ms = 1000};
  Make(opts);
  constexpr int kObjects = 40;
  constexpr int kRate = 100;  // PUTs per second the server lets through
  auto upload = [&](std::string_view tag) {
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < kObjects; i += 4) {
          Status st = store_->Put(K(fmt::format("{}/{}", tag, i)), RandomBytes(5000, i));
          if (!st.ok()) {
            ++failed;
            ADD_FAILURE() << st.ToString();
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    return failed.load();
  };
  Faults(nlohmann::json::array());
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(upload("baseline"), 0);
  const auto baseline = std::chrono::steady_clock::now() - t0;
  Faults({{{"method", "PUT"}, {"action", "throttle"}, {"rate", kRate}}});
  t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(upload("throttled"), 0);
  const auto throttled = std::chrono::steady_clock::now() - t0;
  const nlohmann::json stats = ServerStats();
  // 40 PUTs at 100/s cannot finish in under ~390 ms; floe slowed down to fit...
  EXPECT_GE(throttled, std::chrono::milliseconds(1000 * (kObjects - 1) / kRate));
  EXPECT_GT(stats["faults"].get<int>(), 0);
  EXPECT_EQ(client_->stats().retries, stats["faults"].get<uint64_t>());
  std::fprintf(stderr, "baseline %.0f ms, throttled %.0f ms, %d SlowDown answers\n",
               std::chrono::duration<double, std::milli>(baseline).count(),
               std::chrono::duration<double, std::milli>(throttled).count(),
               stats["faults"].get<int>());
  // ...and lost nothing.
  Faults(nlohmann::json::array());
  for (int i = 0; i < kObjects; ++i) {
    EXPECT_TRUE(*store_->Get(K(fmt::format("throttled/{}", i))) == RandomBytes(5000, i)) << i;
  }
}

TEST_F(S3ServerTest, PresignedUrls) {
  ASSERT_TRUE(store_->Put(K("shared file.txt"), "presigned bytes").ok());
  HttpClient http;
  const std::string get_url = client_->PresignedUrl("GET", kBucket, K("shared file.txt"), 300);
  EXPECT_NE(get_url.find("X-Amz-Signature="), std::string::npos);
  auto r = http.Send(HttpRequest{"GET", get_url, {}, {}, nullptr, nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "presigned bytes");
  const std::string put_url = client_->PresignedUrl("PUT", kBucket, K("uploaded"), 300);
  r = http.Send(HttpRequest{"PUT", put_url, {}, "put via url", nullptr, nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(*store_->Get(K("uploaded")), "put via url");
}

TEST_F(S3ServerTest, PutIfAbsentWithoutConditionalPutSupport) {
  S3Options opts = server_->ClientOptions();
  opts.conditional_put = false;
  Make(opts);
  EXPECT_TRUE(store_->PutIfAbsent(K("x"), "a").Is(StatusCode::kNotSupported));
  EXPECT_TRUE(store_->Head(K("x")).status().IsNotFound());

  // What happens against a server that ignores If-None-Match (plain s3rver): the
  // second "create" silently replaces the first. This is why conditional_put = false
  // exists (docs/storage.md).
  testing::S3TestServer::Options plain;
  plain.buckets = {"plain"};
  plain.conditional_put = false;
  auto server = testing::S3TestServer::Start(plain);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto client = S3Client::Make((*server)->ClientOptions());
  ASSERT_TRUE(client.ok());
  S3Store unsafe(*client, "plain");
  EXPECT_TRUE(unsafe.PutIfAbsent("k", "first").ok());
  EXPECT_TRUE(unsafe.PutIfAbsent("k", "second").ok());
  EXPECT_EQ(*unsafe.Get("k"), "second");
}

TEST_F(S3ServerTest, AddressingStyle) {
  S3Options opts;
  opts.endpoint = "http://127.0.0.1:9000";
  auto c = *S3Client::Make(opts);
  EXPECT_EQ(c->ObjectUrl("b", "k/x y"), "http://127.0.0.1:9000/b/k/x%20y");
  opts.endpoint = "http://localhost:9000/";
  EXPECT_EQ((*S3Client::Make(opts))->ObjectUrl("b", "k"), "http://localhost:9000/b/k");
  opts.endpoint = "http://[::1]:9000";
  EXPECT_EQ((*S3Client::Make(opts))->ObjectUrl("b", "k"), "http://[::1]:9000/b/k");
  opts.endpoint = "";
  opts.region = "eu-west-1";
  EXPECT_EQ((*S3Client::Make(opts))->ObjectUrl("bucket", "k"),
            "https://bucket.s3.eu-west-1.amazonaws.com/k");
  EXPECT_EQ((*S3Client::Make(opts))->ObjectUrl("my.dotted.bucket", "k"),
            "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k");
  opts.addressing = S3Addressing::kPath;
  EXPECT_EQ((*S3Client::Make(opts))->ObjectUrl("bucket", "k"),
            "https://s3.eu-west-1.amazonaws.com/bucket/k");
  opts.endpoint = "https://account.r2.cloudflarestorage.com:443";
  opts.addressing = S3Addressing::kVirtualHost;
  EXPECT_EQ((*S3Client::Make(opts))->ObjectUrl("bucket", "k"),
            "https://bucket.account.r2.cloudflarestorage.com/k");
  opts.endpoint = "ftp://x";
  EXPECT_FALSE(S3Client::Make(opts).ok());
}

class S3InteropTest : public S3ServerTest {
 protected:
  void SetUp() override {
    S3ServerTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_shared<S3Store>(client_, "floe-interop");
    char tmpl[] = "/tmp/floe_interop_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    S3ServerTest::TearDown();
  }
  std::string dir_;
};

TEST_F(S3InteropTest, ObjectsFloeWritesReadBackWithTheAwsCli) {
  const std::string small = "written by floe\n";
  const std::string big = RandomBytes(64 * 1024 * 7 + 123, 4);  // an 8-part upload
  ASSERT_TRUE(store_->Put(K("small.txt"), small).ok());
  auto w = store_->OpenForWrite(K("dir with space/big ü.bin"));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(big).ok());
  ASSERT_TRUE((*w)->Close().ok());

  auto run = server_->Aws({"s3", "cp", "s3://floe-interop/" + K("small.txt"), dir_ + "/small"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Slurp(dir_ + "/small"), small);
  run = server_->Aws(
      {"s3", "cp", "s3://floe-interop/" + K("dir with space/big ü.bin"), dir_ + "/big"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(Slurp(dir_ + "/big") == big);
  run = server_->Aws({"s3api", "list-objects-v2", "--bucket", "floe-interop", "--prefix", prefix_,
                      "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto listed = nlohmann::json::parse(run.output);
  ASSERT_EQ(listed["Contents"].size(), 2u);
  EXPECT_EQ(listed["Contents"][0]["Key"], K("dir with space/big ü.bin"));
  EXPECT_EQ(listed["Contents"][0]["Size"], big.size());
  EXPECT_EQ(listed["Contents"][1]["Key"], K("small.txt"));
}

TEST_F(S3InteropTest, ObjectsTheAwsCliWritesReadBackWithFloe) {
  // 20 MB: the CLI uploads it in 8 MB multipart chunks.
  const std::string big = RandomBytes(20 << 20, 5);
  std::ofstream(dir_ + "/big", std::ios::binary) << big;
  std::ofstream(dir_ + "/small", std::ios::binary) << "written by aws";
  auto run = server_->Aws({"s3", "cp", dir_ + "/big", "s3://floe-interop/" + K("aws/big.bin")});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  run = server_->Aws({"s3", "cp", dir_ + "/small", "s3://floe-interop/" + K("aws/日本 small.txt")});
  ASSERT_EQ(run.exit_code, 0) << run.output;

  auto listed = store_->List(K("aws/"));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, K("aws/big.bin"));
  EXPECT_EQ((*listed)[0].size, big.size());
  EXPECT_EQ((*listed)[1].key, K("aws/日本 small.txt"));
  EXPECT_EQ(*store_->Get(K("aws/日本 small.txt")), "written by aws");
  auto got = store_->Get(K("aws/big.bin"));
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == big);
  auto f = store_->OpenForRead(K("aws/big.bin"));
  ASSERT_TRUE(f.ok());
  auto ranges = (*f)->ReadRanges({{0, 100}, {big.size() - 100, 100}, {10 << 20, 4096}});
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ((*ranges)[0], big.substr(0, 100));
  EXPECT_EQ((*ranges)[1], big.substr(big.size() - 100));
  EXPECT_EQ((*ranges)[2], big.substr(10 << 20, 4096));
}

}  // namespace
}  // namespace floe::io
