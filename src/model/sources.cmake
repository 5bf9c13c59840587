sasmlm_add_module(model
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/bert_options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/token_layout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/attention.cpp
    ${CMAKE_CURRENT_LIST_DIR}/bert_layer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/embeddings.cpp
    ${CMAKE_CURRENT_LIST_DIR}/bert_model.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mlm_head.cpp
    ${CMAKE_CURRENT_LIST_DIR}/bert.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mlm_loss.cpp
    ${CMAKE_CURRENT_LIST_DIR}/safetensors.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hf_io.cpp
  DEPS core config
)
