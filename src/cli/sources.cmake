add_executable(sasmlm
  ${CMAKE_CURRENT_LIST_DIR}/main.cpp
)
target_link_libraries(sasmlm PRIVATE sasmlm_core)
sasmlm_target_settings(sasmlm)
sasmlm_use_pch(sasmlm)
