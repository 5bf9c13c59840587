# The subcommands as a library, so tests/cli can check their option tables; the executable adds main.cpp.
add_library(sasmlm_lib_cli STATIC
  ${CMAKE_CURRENT_LIST_DIR}/args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/config_args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_prepare.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_synth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_train.cpp
  ${CMAKE_CURRENT_LIST_DIR}/live_line.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_eval.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_export.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_import.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_fill_mask.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_sweep.cpp
)
target_link_libraries(sasmlm_lib_cli PUBLIC sasmlm_core sasmlm_lib_eval_run)
sasmlm_target_settings(sasmlm_lib_cli)
sasmlm_use_pch(sasmlm_lib_cli)

add_executable(sasmlm ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
target_link_libraries(sasmlm PRIVATE sasmlm_lib_cli)
sasmlm_target_settings(sasmlm)
# The executable sits at the top of the build tree: build/<preset>/sasmlm.
set_target_properties(sasmlm PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
sasmlm_use_pch(sasmlm)
