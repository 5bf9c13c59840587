sasmlm_add_test_binary(config
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_config_dump.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_config_errors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_config_loading.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_config_validation.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_shipped_configs.cpp
)
