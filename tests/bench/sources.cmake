# Benchmarks (not tests): built with the tests, run by scripts/bench/*.sh.
add_executable(bench_data ${CMAKE_CURRENT_LIST_DIR}/bench_data.cpp)
target_link_libraries(bench_data PRIVATE sasmlm_core)
sasmlm_target_settings(bench_data)
sasmlm_use_pch(bench_data)

add_executable(bench_sas ${CMAKE_CURRENT_LIST_DIR}/bench_sas.cpp ${CMAKE_CURRENT_LIST_DIR}/bench_batches.cpp)
target_link_libraries(bench_sas PRIVATE sasmlm_core)
sasmlm_target_settings(bench_sas)
sasmlm_use_pch(bench_sas)

add_executable(bench_attention ${CMAKE_CURRENT_LIST_DIR}/bench_attention.cpp)
target_link_libraries(bench_attention PRIVATE sasmlm_core)
sasmlm_target_settings(bench_attention)
sasmlm_use_pch(bench_attention)

add_executable(bench_train_worker ${CMAKE_CURRENT_LIST_DIR}/bench_train_worker.cpp
               ${CMAKE_CURRENT_LIST_DIR}/bench_batches.cpp)
target_link_libraries(bench_train_worker PRIVATE sasmlm_lib_train)  # the trainer and what it needs, no more
sasmlm_target_settings(bench_train_worker)
sasmlm_use_pch(bench_train_worker)

add_executable(bench_denormal ${CMAKE_CURRENT_LIST_DIR}/bench_denormal.cpp ${CMAKE_CURRENT_LIST_DIR}/bench_batches.cpp)
target_link_libraries(bench_denormal PRIVATE sasmlm_lib_train)
sasmlm_target_settings(bench_denormal)
sasmlm_use_pch(bench_denormal)

add_executable(bench_tokenizer ${CMAKE_CURRENT_LIST_DIR}/bench_tokenizer.cpp)
target_link_libraries(bench_tokenizer PRIVATE sasmlm_lib_data PkgConfig::SENTENCEPIECE)
sasmlm_target_settings(bench_tokenizer)
sasmlm_use_pch(bench_tokenizer)
