sasmlm_add_module(train
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/checkpoint.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hf_checkpoint.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hf_run_export.cpp
    ${CMAKE_CURRENT_LIST_DIR}/init_from.cpp
    ${CMAKE_CURRENT_LIST_DIR}/memory_estimate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/metrics_log.cpp
    ${CMAKE_CURRENT_LIST_DIR}/optimizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/progress.cpp
    ${CMAKE_CURRENT_LIST_DIR}/signals.cpp
    ${CMAKE_CURRENT_LIST_DIR}/train_step.cpp
    ${CMAKE_CURRENT_LIST_DIR}/train_plan.cpp
    ${CMAKE_CURRENT_LIST_DIR}/trainer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/training_state.cpp
  DEPS core config data model sas dist eval
)
