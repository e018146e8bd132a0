#include "floe/io/s3_options.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include <gtest/gtest.h>

namespace floe::io {
namespace {

// Sets environment variables for one test and restores them afterwards.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& vars) {
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k.c_str());
      saved_[k] = old ? std::optional<std::string>(old) : std::nullopt;
      if (v) {
        ::setenv(k.c_str(), v->c_str(), 1);
      } else {
        ::unsetenv(k.c_str());
      }
    }
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) {
      if (v) {
        ::setenv(k.c_str(), v->c_str(), 1);
      } else {
        ::unsetenv(k.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

class S3OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/floe_s3opts_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ + "/credentials") << "[default]\n"
                                            "aws_access_key_id = DEFAULTKEY\n"
                                            "aws_secret_access_key = defaultsecret\n"
                                            "# comment\n"
                                            "[work]\n"
                                            "aws_access_key_id=WORKKEY\n"
                                            "aws_secret_access_key=worksecret\n"
                                            "aws_session_token = worktoken\n";
    std::ofstream(dir_ + "/config") << "[default]\nregion = eu-central-1\n"
                                       "[profile work]\nregion = ap-south-1\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::map<std::string, std::optional<std::string>> CleanEnv() const {
    return {{"AWS_SHARED_CREDENTIALS_FILE", dir_ + "/credentials"},
            {"AWS_CONFIG_FILE", dir_ + "/config"},
            {"AWS_PROFILE", std::nullopt},
            {"AWS_REGION", std::nullopt},
            {"AWS_DEFAULT_REGION", std::nullopt},
            {"AWS_ENDPOINT_URL", std::nullopt},
            {"AWS_ENDPOINT_URL_S3", std::nullopt},
            {"AWS_ACCESS_KEY_ID", std::nullopt},
            {"AWS_SECRET_ACCESS_KEY", std::nullopt},
            {"AWS_SESSION_TOKEN", std::nullopt}};
  }
  std::string dir_;
};

TEST_F(S3OptionsTest, SharedFilesThenEnvironment) {
  auto env = CleanEnv();
  {
    ScopedEnv scoped(env);
    auto o = S3OptionsFromEnvironment();
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(o->credentials.access_key_id, "DEFAULTKEY");
    EXPECT_EQ(o->credentials.secret_access_key, "defaultsecret");
    EXPECT_EQ(o->region, "eu-central-1");
    EXPECT_EQ(o->endpoint, "");
  }
  env["AWS_PROFILE"] = "work";
  {
    ScopedEnv scoped(env);
    auto o = S3OptionsFromEnvironment();
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->credentials.access_key_id, "WORKKEY");
    EXPECT_EQ(o->credentials.session_token, "worktoken");
    EXPECT_EQ(o->region, "ap-south-1");
  }
  env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env["AWS_REGION"] = "us-west-2";
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000";
  {
    ScopedEnv scoped(env);
    auto o = S3OptionsFromEnvironment();
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->credentials.access_key_id, "ENVKEY");
    EXPECT_EQ(o->credentials.session_token, "");  // not the profile's token
    EXPECT_EQ(o->region, "us-west-2");
    EXPECT_EQ(o->endpoint, "http://127.0.0.1:9000");
  }
  env["AWS_SECRET_ACCESS_KEY"] = std::nullopt;
  {
    ScopedEnv scoped(env);
    EXPECT_FALSE(S3OptionsFromEnvironment().ok());
  }
}

TEST_F(S3OptionsTest, FloeTomlOverridesTheEnvironment) {
  ScopedEnv scoped(CleanEnv());
  const std::string toml = R"(
[server]
port = 8080
[storage.s3]
endpoint = "https://account.r2.cloudflarestorage.com"
region = "auto"
addressing = "path"
profile = "work"
part_size = 16777216
upload_concurrency = 8
conditional_put = false
max_attempts = 3
request_timeout_ms = 60000
)";
  std::ofstream(dir_ + "/floe.toml") << toml;
  auto o = LoadS3Options(dir_ + "/floe.toml");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->endpoint, "https://account.r2.cloudflarestorage.com");
  EXPECT_EQ(o->region, "auto");
  EXPECT_EQ(o->addressing, S3Addressing::kPath);
  EXPECT_EQ(o->credentials.access_key_id, "WORKKEY");
  EXPECT_EQ(o->part_size, 16u << 20);
  EXPECT_EQ(o->upload_concurrency, 8);
  EXPECT_FALSE(o->conditional_put);
  EXPECT_EQ(o->retry.max_attempts, 3);
  EXPECT_EQ(o->http.request_timeout_ms, 60000);

  S3Options base;
  EXPECT_TRUE(ApplyS3Config("[other]\nx = 1\n", "floe.toml", base).ok());  // no table: no change
  Status st = ApplyS3Config("[storage.s3]\npart_sise = 1\n", "floe.toml", base);
  EXPECT_TRUE(st.Is(StatusCode::kInvalidArgument));
  EXPECT_NE(st.message().find("part_sise"), std::string::npos);
  EXPECT_FALSE(ApplyS3Config("[storage.s3]\npart_size = 1024\n", "floe.toml", base).ok());
  EXPECT_FALSE(ApplyS3Config("[storage.s3]\naddressing = \"sideways\"\n", "f", base).ok());
  EXPECT_FALSE(ApplyS3Config("[storage.s3]\nregion = 5\n", "f", base).ok());
  EXPECT_FALSE(ApplyS3Config("[storage.s3]\naccess_key_id = \"A\"\n", "f", base).ok());
  st = ApplyS3Config("[storage.s3\n", "floe.toml", base);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("floe.toml"), std::string::npos);
  EXPECT_TRUE(LoadS3Options(dir_ + "/missing.toml").status().IsNotFound());
}

TEST(S3Addressing, IpAndLocalhostDetection) {
  EXPECT_TRUE(IsIpOrLocalhost("127.0.0.1"));
  EXPECT_TRUE(IsIpOrLocalhost("10.1.2.3"));
  EXPECT_TRUE(IsIpOrLocalhost("localhost"));
  EXPECT_TRUE(IsIpOrLocalhost("[::1]"));
  EXPECT_TRUE(IsIpOrLocalhost("::1"));
  EXPECT_FALSE(IsIpOrLocalhost("s3.amazonaws.com"));
  EXPECT_FALSE(IsIpOrLocalhost("minio"));
  EXPECT_FALSE(IsIpOrLocalhost("1.2.3.4.example.com"));
}

}  // namespace
}  // namespace floe::io
