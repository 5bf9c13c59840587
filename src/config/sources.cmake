sasmlm_add_module(config
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/config_dump.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_key.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_loader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_reader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/config_validator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/key_sources.cpp
    ${CMAKE_CURRENT_LIST_DIR}/key_suggestion.cpp
    ${CMAKE_CURRENT_LIST_DIR}/yaml_document.cpp
    ${CMAKE_CURRENT_LIST_DIR}/yaml_scalar.cpp
  DEPS core
)
