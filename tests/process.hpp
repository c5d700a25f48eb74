#pragma once
// Runs a program (the built `perfgate`) the way a user would, capturing its exit
// code, standard output and standard error. For CLI tests through CTest.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace perfgate::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` with `environment` entries ("NAME=value") added to a clean
// environment (PATH and HOME kept), feeding `input` on standard input. A process
// still running after `seconds` is killed and reported with exit code -1, so a
// hang fails the test instead of stalling the suite.
inline ProcessResult RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& environment = {},
                                const std::string& input = "", int seconds = 120) {
  auto dir = std::filesystem::temp_directory_path();
  std::string stem = (dir / ("perfgate-proc-" + std::to_string(getpid()) + "-" + std::to_string(std::rand()))).string();
  std::string out_path = stem + ".out", err_path = stem + ".err", in_path = stem + ".in";
  {
    std::ofstream in(in_path, std::ios::binary);
    in << input;
  }
  pid_t child = fork();
  if (child == 0) {
    int in_fd = open(in_path.c_str(), O_RDONLY);
    int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<std::string> env_strings = environment;
    for (const char* keep : {"PATH", "HOME"}) {
      if (const char* value = std::getenv(keep)) env_strings.push_back(std::string(keep) + "=" + value);
    }
    std::vector<char*> args, env;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    for (const auto& entry : env_strings) env.push_back(const_cast<char*>(entry.c_str()));
    args.push_back(nullptr);
    env.push_back(nullptr);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  int status = 0;
  int exit_code = -1;
  for (int waited_ms = 0;; waited_ms += 10) {
    if (waitpid(child, &status, WNOHANG) == child) {
      exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (waited_ms >= seconds * 1000) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProcessResult result{.exit_code = exit_code,
                       .out = ReadFile(out_path),
                       .err = ReadFile(err_path)};
  for (const auto& path : {out_path, err_path, in_path}) std::filesystem::remove(path);
  return result;
}

// The built perfgate binary (PERFGATE_CLI is set by the test's CMake).
inline ProcessResult RunPerfgate(std::vector<std::string> arguments, const std::vector<std::string>& environment = {},
                                 const std::string& input = "") {
  arguments.insert(arguments.begin(), PERFGATE_CLI);
  return RunProcess(arguments, environment, input);
}

}  // namespace perfgate::testing
