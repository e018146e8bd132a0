// `floe serve`: answers health and version on loopback and exits cleanly on SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace {

TEST(ServeTest, AnswersHealthAndVersionAndStopsOnSigterm) {
  if (!std::filesystem::exists(FLOE_BINARY)) GTEST_SKIP() << "the floe binary is not built";
  std::mt19937 rng(static_cast<unsigned>(::getpid()));
  const int port = 20000 + static_cast<int>(rng() % 20000);
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl(FLOE_BINARY, FLOE_BINARY, "serve", "--listen", listen.c_str(), nullptr);
    ::_exit(127);
  }
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  for (int i = 0; i < 100 && !health; ++i) {  // up to 5 s for the server to start
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    health = client.Get("/healthz");
  }
  ASSERT_TRUE(health) << "floe serve did not answer on " << listen;
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(nlohmann::json::parse(health->body)["status"], "ok");
  auto version = client.Get("/version");
  ASSERT_TRUE(version);
  EXPECT_EQ(nlohmann::json::parse(version->body)["name"], "floe");
  auto missing = client.Get("/no-such-endpoint");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ServeTest, RefusesABadListenAddress) {
  if (!std::filesystem::exists(FLOE_BINARY)) GTEST_SKIP() << "the floe binary is not built";
  const std::string cmd = std::string(FLOE_BINARY) + " serve --listen nonsense 2>/dev/null";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

}  // namespace
