// `floe storage ...` end to end: the built CLI against the local S3 server.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "../s3/s3_test_server.h"

namespace floe {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class StorageCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    struct stat st;
    if (::stat(FLOE_BINARY, &st) != 0) {
      GTEST_SKIP() << FLOE_BINARY << " is not built (FLOE_ONLY builds leave out the CLI)";
    }
    std::string why;
    server_ = testing::SharedS3Server(&why);
    ASSERT_NE(server_, nullptr) << why;
    char tmpl[] = "/tmp/floe_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_ = server_->AwsEnv();
    env_["AWS_ENDPOINT_URL"] = server_->endpoint();
    prefix_ = "s3://floe-test/cli-" + std::to_string(::getpid()) + "/";
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  testing::CommandResult Floe(std::vector<std::string> args) {
    args.insert(args.begin(), FLOE_BINARY);
    return testing::RunCommand(args, env_);
  }

  testing::S3TestServer* server_ = nullptr;
  std::string dir_;
  std::string prefix_;
  std::map<std::string, std::string> env_;
};

TEST_F(StorageCliTest, CopyListCatRemove) {
  std::string big(20 << 20, '\0');  // multipart at the default 8 MiB part size
  std::mt19937_64 rng(9);
  for (size_t i = 0; i < big.size(); i += 8) {
    const uint64_t v = rng();
    std::memcpy(big.data() + i, &v, 8);
  }
  std::ofstream(dir_ + "/big.bin", std::ios::binary) << big;
  std::ofstream(dir_ + "/small.txt") << "0123456789";

  auto r = Floe({"storage", "cp", dir_ + "/big.bin", prefix_ + "data/big.bin"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Floe({"storage", "cp", dir_ + "/small.txt", prefix_ + "data/"});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  r = Floe({"storage", "ls", prefix_ + "data/"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(std::to_string(big.size()) + "\t" + prefix_ + "data/big.bin"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("10\t" + prefix_ + "data/small.txt"), std::string::npos) << r.output;

  r = Floe({"storage", "cat", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "0123456789");
  r = Floe({"storage", "cat", "--range", "2-4", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.output, "234");
  r = Floe({"storage", "cat", "--range", "-3", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.output, "789");
  r = Floe({"storage", "cat", "--range", "8-", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.output, "89");
  r = Floe({"storage", "cat", "--range", "5-10", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.exit_code, 1) << r.output;

  // Back to local disk; the AWS CLI sees the same bytes.
  r = Floe({"storage", "cp", prefix_ + "data/big.bin", dir_ + "/down/"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Slurp(dir_ + "/down/big.bin") == big);
  auto aws = server_->Aws({"s3", "cp", prefix_ + "data/big.bin", dir_ + "/aws.bin"});
  ASSERT_EQ(aws.exit_code, 0) << aws.output;
  EXPECT_TRUE(Slurp(dir_ + "/aws.bin") == big);

  r = Floe({"storage", "rm", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Floe({"storage", "rm", prefix_ + "data/small.txt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("Not found"), std::string::npos) << r.output;
  r = Floe({"storage", "rm", "-r", prefix_});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Floe({"storage", "ls", prefix_});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
}

TEST_F(StorageCliTest, ConfigFileAndUsageErrors) {
  // Settings from floe.toml instead of the environment.
  env_.erase("AWS_ENDPOINT_URL");
  env_["AWS_ACCESS_KEY_ID"] = "";
  std::ofstream(dir_ + "/floe.toml") << "[storage.s3]\nendpoint = \"" << server_->endpoint()
                                     << "\"\naccess_key_id = \"S3RVER\"\n"
                                        "secret_access_key = \"S3RVER\"\n";
  std::ofstream(dir_ + "/f.txt") << "config";
  auto r =
      Floe({"storage", "--config", dir_ + "/floe.toml", "cp", dir_ + "/f.txt", prefix_ + "f.txt"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Floe({"storage", "--config", dir_ + "/floe.toml", "cat", prefix_ + "f.txt"});
  EXPECT_EQ(r.output, "config");
  r = Floe({"storage", "--config", dir_ + "/floe.toml", "presign", prefix_ + "f.txt"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("X-Amz-Signature="), std::string::npos);
  r = Floe({"storage", "cat"});
  EXPECT_EQ(r.exit_code, 2);
  r = Floe({"storage", "cat", "gs://bucket/key"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("unknown storage scheme"), std::string::npos);
}

}  // namespace
}  // namespace floe
