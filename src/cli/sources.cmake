add_executable(sasmlm
  ${CMAKE_CURRENT_LIST_DIR}/main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/config_args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_prepare.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_synth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_train.cpp
)
target_link_libraries(sasmlm PRIVATE sasmlm_core)
sasmlm_target_settings(sasmlm)
sasmlm_use_pch(sasmlm)
