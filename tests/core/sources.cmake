sasmlm_add_test_binary(core
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_checksum.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_cpu_threads.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_file_util.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_name_suggestion.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_tensorboard.cpp
)
