sasmlm_add_module(eval
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/mlm_eval.cpp
    ${CMAKE_CURRENT_LIST_DIR}/fill_mask.cpp
    ${CMAKE_CURRENT_LIST_DIR}/blimp_reader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/blimp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/twonn.cpp
    ${CMAKE_CURRENT_LIST_DIR}/onsets.cpp
    ${CMAKE_CURRENT_LIST_DIR}/word_attention.cpp
    ${CMAKE_CURRENT_LIST_DIR}/uas_scorer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/uas.cpp
    ${CMAKE_CURRENT_LIST_DIR}/probes.cpp
  DEPS core config data model sas
)

# `sasmlm eval` on saved checkpoints reads them with train's checkpoint code, while the trainer calls the probes:
# a library of its own above both keeps eval free of train.
sasmlm_add_module(eval_run
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/eval_run.cpp
    ${CMAKE_CURRENT_LIST_DIR}/fill_mask_run.cpp
  DEPS eval train
)
