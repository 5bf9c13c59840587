# Benchmarks (not tests): built with the tests, run by scripts/bench/*.sh.
add_executable(bench_data ${CMAKE_CURRENT_LIST_DIR}/bench_data.cpp)
target_link_libraries(bench_data PRIVATE sasmlm_core)
sasmlm_target_settings(bench_data)
sasmlm_use_pch(bench_data)
