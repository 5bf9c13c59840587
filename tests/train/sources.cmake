sasmlm_add_test_binary(train
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_checkpoint.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_optimizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_train_step.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_tensorboard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_training_run.cpp
)
