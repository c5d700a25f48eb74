#pragma once
// What `perfgate --version` prints. Defined in a source generated at build time
// by cmake/VersionFile.cmake.

#include <string_view>

namespace perfgate::collector {

std::string_view Version();  // "0.1.0", the version of the CMake project
std::string_view Commit();   // short git commit, "-dirty" when built with local changes, or "unknown"

}  // namespace perfgate::collector
