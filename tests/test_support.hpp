#pragma once
// Small helpers shared by the tests: fixture paths and whole-file reads.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace perfgate::testing {

inline std::filesystem::path SourcePath(const std::string& relative) {
  return std::filesystem::path(PERFGATE_SOURCE_DIR) / relative;
}

inline std::filesystem::path FixturePath(const std::string& relative) {
  return SourcePath("tests/fixtures/" + relative);
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

inline std::string ReadFixture(const std::string& relative) { return ReadFile(FixturePath(relative)); }

// A fresh, empty directory below the build tree for one test.
inline std::filesystem::path ScratchDirectory(const std::string& name) {
  auto path = std::filesystem::path(PERFGATE_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path;
}

}  // namespace perfgate::testing
