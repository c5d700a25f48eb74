# Benchmarks of comparison statistics and change-point detection; included by
# benches/CMakeLists.txt.
add_executable(stats_bench ${CMAKE_CURRENT_LIST_DIR}/stats_bench.cpp)
target_link_libraries(stats_bench PRIVATE benchmark::benchmark perfgate::detect perfgate::warnings)

add_executable(detect_bench ${CMAKE_CURRENT_LIST_DIR}/detect_bench.cpp)
target_link_libraries(detect_bench PRIVATE benchmark::benchmark perfgate::detect perfgate::warnings)

# Not a benchmark: perfgate's detector over series in a JSON file, for
# scripts/perf/change_points_vs_otava.py.
add_executable(detect_series ${CMAKE_CURRENT_LIST_DIR}/detect_series.cpp)
target_link_libraries(detect_series PRIVATE perfgate::detect nlohmann_json::nlohmann_json perfgate::warnings)
if(PERFGATE_BUILD_TESTS)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_test(NAME benches.detect_series
           COMMAND Python3::Interpreter ${PROJECT_SOURCE_DIR}/tests/benches/detect_series_test.py
                   $<TARGET_FILE:detect_series>)
endif()
