# `perfgate --version`: the version of project() and the commit, generated on
# every build (cheap; the source changes only when the commit does).
set(PERFGATE_COMMIT "" CACHE STRING "Commit to report in --version when the source has no .git (default: git HEAD)")
set(perfgate_version_generated "${PROJECT_BINARY_DIR}/generated/version.cpp")
add_custom_target(perfgate_version_file
  COMMAND "${CMAKE_COMMAND}" "-DVERSION=${PROJECT_VERSION}" "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
          "-DCOMMIT=${PERFGATE_COMMIT}" "-DOUTPUT=${perfgate_version_generated}"
          -P "${PROJECT_SOURCE_DIR}/cmake/VersionFile.cmake"
  BYPRODUCTS "${perfgate_version_generated}"
  COMMENT "Recording the version and commit"
  VERBATIM)
target_sources(perfgate PRIVATE "${perfgate_version_generated}")
target_include_directories(perfgate PRIVATE "${PROJECT_SOURCE_DIR}/collector/src")
add_dependencies(perfgate perfgate_version_file)
