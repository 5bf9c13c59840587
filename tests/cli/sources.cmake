sasmlm_add_test_binary(cli
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_cli_habits.cpp
)
# The command tables are the CLI's own (src/cli/*.h), not a public header.
target_include_directories(test_cli PRIVATE ${PROJECT_SOURCE_DIR}/src/cli)
