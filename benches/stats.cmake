# Benchmarks of comparison statistics and change-point detection; included by
# benches/CMakeLists.txt.
add_executable(stats_bench ${CMAKE_CURRENT_LIST_DIR}/stats_bench.cpp)
target_link_libraries(stats_bench PRIVATE benchmark::benchmark perfgate::detect perfgate::warnings)

add_executable(detect_bench ${CMAKE_CURRENT_LIST_DIR}/detect_bench.cpp)
target_link_libraries(detect_bench PRIVATE benchmark::benchmark perfgate::detect perfgate::warnings)
