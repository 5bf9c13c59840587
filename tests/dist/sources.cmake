sasmlm_add_test_binary(dist
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_dist_env.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_grad_reducer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_dist_training.cpp
  DEPS core config
)
