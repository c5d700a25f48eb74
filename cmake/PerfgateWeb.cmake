# The dashboard inside the binary. Included from the top-level CMakeLists.txt
# after the server target exists.
#
# Where the embedded files come from, first match wins:
#   1. -DPERFGATE_WEB_DIST=DIR: an already built dashboard (index.html in DIR).
#   2. Node.js and web/node_modules present (`cd web && npm ci`): the build runs
#      Vite into <build>/web/dist whenever a file of web/ changes.
#   3. web/dist/index.html in the source tree (`cd web && npm run build`).
#   4. Otherwise the binary has no dashboard and `perfgate serve` shows a page
#      saying how to build it; the API works either way.
set(PERFGATE_WEB_DIST "" CACHE PATH "A built dashboard to embed instead of building web/ (default: build it)")

set(perfgate_web_source "${PROJECT_SOURCE_DIR}/web")
set(perfgate_web_generated "${PROJECT_BINARY_DIR}/generated/embedded_dashboard.cpp")
set(perfgate_web_depends "")
find_program(PERFGATE_NODE node)
# Vite 8 needs Node.js 20.19 or later (Debian 12's nodejs is 18): an older node
# is treated as absent, with a warning, rather than failing the build.
set(perfgate_node_usable FALSE)
if(PERFGATE_NODE)
  execute_process(COMMAND "${PERFGATE_NODE}" --version OUTPUT_VARIABLE perfgate_node_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REGEX REPLACE "^v" "" perfgate_node_version "${perfgate_node_version}")
  if(perfgate_node_version VERSION_GREATER_EQUAL 20.19)
    set(perfgate_node_usable TRUE)
  else()
    message(WARNING "perfgate: ${PERFGATE_NODE} is Node.js ${perfgate_node_version}; building the dashboard "
                    "needs 20.19 or later (e.g. from NodeSource or the node:22 image), so it is not built here.")
  endif()
endif()

if(PERFGATE_WEB_DIST)
  set(perfgate_web_dist "${PERFGATE_WEB_DIST}")
  set(perfgate_web_how "the built dashboard in ${PERFGATE_WEB_DIST} (PERFGATE_WEB_DIST)")
elseif(perfgate_node_usable AND EXISTS "${perfgate_web_source}/node_modules/vite/bin/vite.js")
  set(perfgate_web_dist "${PROJECT_BINARY_DIR}/web/dist")
  set(perfgate_web_how "built by Vite from web/ into ${perfgate_web_dist}")
  # Non-C++ inputs of the Vite build, so editing the dashboard rebuilds it.
  file(GLOB_RECURSE perfgate_web_inputs CONFIGURE_DEPENDS "${perfgate_web_source}/src/*")
  list(APPEND perfgate_web_inputs "${perfgate_web_source}/index.html" "${perfgate_web_source}/vite.config.js"
       "${perfgate_web_source}/package-lock.json")
  set(perfgate_web_stamp "${PROJECT_BINARY_DIR}/web/dist.stamp")
  add_custom_command(
    OUTPUT "${perfgate_web_stamp}"
    COMMAND "${PERFGATE_NODE}" "${perfgate_web_source}/node_modules/vite/bin/vite.js" build
            --outDir "${perfgate_web_dist}" --emptyOutDir --logLevel warn
    COMMAND "${CMAKE_COMMAND}" -E touch "${perfgate_web_stamp}"
    WORKING_DIRECTORY "${perfgate_web_source}"
    DEPENDS ${perfgate_web_inputs}
    COMMENT "Building the dashboard (Vite) into ${perfgate_web_dist}"
    VERBATIM)
  set(perfgate_web_depends "${perfgate_web_stamp}")
elseif(EXISTS "${perfgate_web_source}/dist/index.html")
  set(perfgate_web_dist "${perfgate_web_source}/dist")
  set(perfgate_web_how "the prebuilt ${perfgate_web_dist}")
else()
  set(perfgate_web_dist "")
  message(WARNING "perfgate: the dashboard will NOT be embedded: Node.js (20.19+) or web/node_modules is missing. "
                  "Install Node.js 20.19+ and npm, run `cd web && npm ci`, and "
                  "re-run cmake; or pass -DPERFGATE_WEB_DIST=path/to/built/dist. Without it `perfgate serve` "
                  "answers the API and shows a page saying how to build the dashboard.")
endif()
if(perfgate_web_dist)
  message(STATUS "perfgate: embedding the dashboard: ${perfgate_web_how}")
endif()

# Runs on every build (it is cheap and rewrites its output only when a file of
# the dashboard changed), because a prebuilt dist's file names are not known here.
add_custom_target(perfgate_embedded_dashboard
  COMMAND "${CMAKE_COMMAND}" "-DDIST_DIR=${perfgate_web_dist}" "-DOUTPUT=${perfgate_web_generated}"
          -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
  BYPRODUCTS "${perfgate_web_generated}"
  DEPENDS ${perfgate_web_depends}
  COMMENT "Embedding the dashboard"
  VERBATIM)
target_sources(perfgate_server PRIVATE "${perfgate_web_generated}")
target_include_directories(perfgate_server PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
add_dependencies(perfgate_server perfgate_embedded_dashboard)
