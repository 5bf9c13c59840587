sasmlm_add_module(eval
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/mlm_eval.cpp
  DEPS core config data model
)
