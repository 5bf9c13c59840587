sasmlm_add_test_binary(model
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_bert_options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_bert.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_attention.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_mlm_loss.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_gradient_check.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_safetensors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_hf_io.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_bench.cpp
  DEPS core config
)
