# What `cmake --install` lays out and what `cpack -G DEB` packages:
#   bin/perfgate                              the one binary, dashboard inside
#   share/doc/perfgate/perfgate-help.txt      --help of every command
#   share/doc/perfgate/README.md, deploy.md   usage and self-hosting
#   share/doc/perfgate/LICENSE                when the source tree has one
# The .deb's Depends are computed by dpkg-shlibdeps from the libraries the
# binary links (libsqlite3-0, libssl3, zlib1g, ...), so they follow the build.
include(GNUInstallDirs)
# `cpack` and the install target install what is built, without building every
# test and bench first (CI has built them; a packager builds `perfgate`).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(perfgate_help_text "${PROJECT_BINARY_DIR}/perfgate-help.txt")
add_custom_command(
  OUTPUT "${perfgate_help_text}"
  COMMAND "${CMAKE_COMMAND}" "-DPERFGATE=$<TARGET_FILE:perfgate>" "-DOUTPUT=${perfgate_help_text}"
          -P "${PROJECT_SOURCE_DIR}/cmake/HelpText.cmake"
  DEPENDS perfgate "${PROJECT_SOURCE_DIR}/cmake/HelpText.cmake"
  COMMENT "Writing perfgate's --help reference"
  VERBATIM)
add_custom_target(perfgate_help_text ALL DEPENDS "${perfgate_help_text}")

install(TARGETS perfgate RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${perfgate_help_text}" "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/docs/deploy.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")
foreach(licence LICENSE LICENSE.md LICENSE.txt COPYING)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${licence}")
    install(FILES "${PROJECT_SOURCE_DIR}/${licence}" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
  endif()
endforeach()

set(CPACK_PACKAGE_NAME "perfgate")
set(CPACK_PACKAGE_VENDOR "perfgate")
set(PERFGATE_PACKAGE_CONTACT "perfgate maintainers <perfgate@localhost>" CACHE STRING "Maintainer field of the .deb")
set(CPACK_PACKAGE_CONTACT "${PERFGATE_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Continuous benchmarking: store results by commit, gate pull requests, serve trend dashboards")
set(CPACK_PACKAGE_DESCRIPTION
    "perfgate ingests benchmark results (Google Benchmark, criterion, hyperfine, go test, ...) by commit into "
    "SQLite, decides per pull request whether performance regressed or broke a budget, and serves trend "
    "dashboards (embedded in the binary) over HTTP.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "perfgate")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
