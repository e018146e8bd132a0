// Running a command line from an integration test: its exit code, standard output and
// standard error (or both streams together).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

struct CliRun {
  int code = -1;  // the exit code; -1 when the command did not exit normally
  std::string out;
  std::string err;  // empty when merged into `out`
};

// Runs `command` through the shell. With `merge_stderr` standard error goes to `out` too.
inline CliRun RunCommand(const std::string& command, bool merge_stderr = false) {
  static std::atomic<int> counter{0};
  const std::string err_path =
      (std::filesystem::temp_directory_path() /
       ("floe_cli_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
          .string();
  CliRun r;
  FILE* p = ::popen((command + (merge_stderr ? " 2>&1" : " 2>" + err_path)).c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!merge_stderr) {
    std::ifstream e(err_path);
    std::stringstream ss;
    ss << e.rdbuf();
    r.err = ss.str();
    std::filesystem::remove(err_path);
  }
  return r;
}
