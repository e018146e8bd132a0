// Test support: runs the local S3 server (tests/s3/s3_test_server.js, s3rver plus
// conditional PUT, abort and fault injection) and external commands (the AWS CLI,
// python3 + botocore) for floe's storage tests and benchmark. Header-only.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "floe/common/status.h"
#include "floe/io/http_client.h"
#include "floe/io/s3_options.h"

extern char** environ;

namespace floe::testing {

struct CommandResult {
  int exit_code = -1;  // -1: could not start or timed out
  std::string output;  // stdout and stderr interleaved
};

// Debian's binaries first (the oracles the issue names), then whatever PATH has.
inline std::string PythonBinary() {
  if (const char* p = std::getenv("FLOE_TEST_PYTHON")) return p;
  return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}
inline std::string AwsBinary() {
  if (const char* p = std::getenv("FLOE_TEST_AWS")) return p;
  return ::access("/usr/bin/aws", X_OK) == 0 ? "/usr/bin/aws" : "aws";
}
inline std::string NodeBinary() {
  if (const char* p = std::getenv("FLOE_TEST_NODE")) return p;
  return "node";
}

// Environment of this process with `overrides` applied.
inline std::vector<std::string> EnvWith(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    const std::string name = kv.substr(0, kv.find('='));
    if (!overrides.contains(name)) env.push_back(std::move(kv));
  }
  for (const auto& [k, v] : overrides) env.push_back(k + "=" + v);
  return env;
}

// Runs argv[0] (PATH lookup) and collects its output; kills it after `timeout`.
inline CommandResult RunCommand(const std::vector<std::string>& argv,
                                const std::map<std::string, std::string>& env_overrides = {},
                                std::chrono::seconds timeout = std::chrono::seconds(120)) {
  CommandResult result;
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, out[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env = EnvWith(env_overrides);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    result.output = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  bool timed_out = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000))) <= 0) continue;
    const ssize_t n = ::read(out[0], buf, sizeof(buf));
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = timed_out ? -1 : (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  if (timed_out) result.output += "\n[timed out]";
  return result;
}

// One running s3_test_server.js on 127.0.0.1, in its own temp directory.
class S3TestServer {
 public:
  struct Options {
    std::vector<std::string> buckets = {"floe-test"};
    bool conditional_put = true;
  };

  static Result<std::unique_ptr<S3TestServer>> Start(const Options& opts) {
    char tmpl[] = "/tmp/floe_s3rver_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return Status::IOError("mkdtemp failed");
    std::unique_ptr<S3TestServer> s(new S3TestServer());
    s->dir_ = tmpl;
    std::vector<std::string> argv = {NodeBinary(),
                                     std::string(FLOE_SOURCE_DIR) + "/tests/s3/s3_test_server.js",
                                     "--dir", s->dir_ + "/data"};
    for (const auto& b : opts.buckets) {
      argv.push_back("--bucket");
      argv.push_back(b);
    }
    if (!opts.conditional_put) argv.push_back("--no-conditional-put");
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      return Status::IOError("pipe failed");
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = posix_spawnp(&s->pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    s->stdin_fd_ = in[1];
    if (rc != 0) {
      ::close(out[0]);
      s->pid_ = -1;
      return Status::IOError("cannot start node: {}", std::strerror(rc));
    }
    // Wait (bounded) for "PORT <n>\n".
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      const ssize_t n = ::read(out[0], buf, sizeof(buf));
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
    if (!line.starts_with("PORT ")) {
      return Status::IOError("s3_test_server.js did not start (output: '{}')", line);
    }
    s->port_ = std::atoi(line.c_str() + 5);
    return s;
  }

  ~S3TestServer() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);  // the server exits when stdin closes
    if (pid_ > 0) {
      int status = 0;
      bool exited = false;
      for (int i = 0; i < 100 && !exited; ++i) {  // up to 5 s
        exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
        if (!exited) ::usleep(50000);
      }
      if (!exited) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

  // Client settings for this server: path-style by auto-detection, fast retries.
  io::S3Options ClientOptions() const {
    io::S3Options o;
    o.endpoint = endpoint();
    o.region = "us-east-1";
    o.credentials = {"S3RVER", "S3RVER", ""};
    o.retry.initial_backoff_ms = 5;
    o.retry.max_backoff_ms = 100;
    o.retry.max_attempts = 5;
    return o;
  }

  // Replaces the fault rules (JSON list, see s3_test_server.js).
  Status SetFaults(const std::string& json) {
    io::HttpRequest req{"POST", endpoint() + "/__floe/faults", {}, json, nullptr, nullptr};
    FLOE_ASSIGN_OR_RETURN(io::HttpResponse r, http_.Send(req));
    if (r.status != 204) return Status::IOError("setting faults: HTTP {}", r.status);
    return Status::OK();
  }
  Result<std::string> StatsJson() {
    io::HttpRequest req{"GET", endpoint() + "/__floe/stats", {}, {}, nullptr, nullptr};
    FLOE_ASSIGN_OR_RETURN(io::HttpResponse r, http_.Send(req));
    return r.body;
  }
  Status ResetStats() {
    io::HttpRequest req{"DELETE", endpoint() + "/__floe/stats", {}, {}, nullptr, nullptr};
    return http_.Send(req).status();
  }

  // The environment the AWS CLI needs for this server (dummy credentials, no
  // user config files, no pager).
  std::map<std::string, std::string> AwsEnv() const {
    return {{"AWS_ACCESS_KEY_ID", "S3RVER"},
            {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
            {"AWS_REGION", "us-east-1"},
            {"AWS_DEFAULT_REGION", "us-east-1"},
            {"AWS_CONFIG_FILE", dir_ + "/no-aws-config"},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_ + "/no-aws-credentials"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_PAGER", ""}};
  }
  // Runs `aws --endpoint-url <this server> args...`.
  CommandResult Aws(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {AwsBinary(), "--endpoint-url", endpoint()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, AwsEnv());
  }

 private:
  S3TestServer() = default;
  std::string dir_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
  io::HttpClient http_;
};

// The server shared by every test of the binary, started on first use with the
// buckets floe's storage tests use. nullptr (with the reason in *error) when node
// or s3rver is missing.
inline S3TestServer* SharedS3Server(std::string* error = nullptr) {
  static std::mutex mu;
  static std::unique_ptr<S3TestServer> server;
  static std::string failure;
  std::lock_guard lock(mu);
  if (server == nullptr && failure.empty()) {
    S3TestServer::Options opts;
    opts.buckets = {"floe-test", "floe-conformance", "floe-interop"};
    auto s = S3TestServer::Start(opts);
    if (s.ok()) {
      server = std::move(s).value();
    } else {
      failure = s.status().ToString();
    }
  }
  if (error) *error = failure;
  return server.get();
}

}  // namespace floe::testing
