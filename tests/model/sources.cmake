sasmlm_add_test_binary(model
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test_bert_options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_bert.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_attention.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_token_layout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_mlm_loss.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_gradient_check.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_safetensors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_hf_io.cpp
  DEPS core config
)

# Parity with Hugging Face transformers through the CLI (export, import, fill-mask); exit 77 = skipped when
# transformers cannot be imported by $SASMLM_PYTHON (python3 when unset).
set(SASMLM_HF_PYTHON "$ENV{SASMLM_PYTHON}")
if(NOT SASMLM_HF_PYTHON)
  set(SASMLM_HF_PYTHON python3)
endif()
add_test(NAME model.hf_parity
         COMMAND ${SASMLM_HF_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/hf_parity.py $<TARGET_FILE:sasmlm>)
set_tests_properties(model.hf_parity PROPERTIES SKIP_RETURN_CODE 77 LABELS model TIMEOUT 600)
