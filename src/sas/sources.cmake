sasmlm_add_module(sas
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/arcs.cpp
    ${CMAKE_CURRENT_LIST_DIR}/random_arcs.cpp
    ${CMAKE_CURRENT_LIST_DIR}/arc_attention_regularizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/regularizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sas_normalization.cpp
    ${CMAKE_CURRENT_LIST_DIR}/schedule.cpp
  DEPS core config
)
