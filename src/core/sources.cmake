sasmlm_add_module(core
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/checksum.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cpu_threads.cpp
    ${CMAKE_CURRENT_LIST_DIR}/device.cpp
    ${CMAKE_CURRENT_LIST_DIR}/error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/file_util.cpp
    ${CMAKE_CURRENT_LIST_DIR}/name_suggestion.cpp
    ${CMAKE_CURRENT_LIST_DIR}/output_path.cpp
    ${CMAKE_CURRENT_LIST_DIR}/run_dir_lock.cpp
    ${CMAKE_CURRENT_LIST_DIR}/size_limits.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tensorboard_events.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tensorboard_writer.cpp
)
target_link_libraries(sasmlm_lib_core PUBLIC sasmlm_log)
