sasmlm_add_test_binary(eval
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_word_attention.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_uas_scorer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_uas.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_eval_cli.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_blimp_reader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_blimp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_twonn.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_onsets.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_mlm_eval.cpp
  DEPS core config data model eval_run
)
