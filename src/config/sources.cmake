sasmlm_add_module(config
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/config_loader.cpp
  DEPS core
)
