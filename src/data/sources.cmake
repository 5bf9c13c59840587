sasmlm_add_module(data
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/conllu.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conllu_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/alignment.cpp
    ${CMAKE_CURRENT_LIST_DIR}/shard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/prepared_data.cpp
    ${CMAKE_CURRENT_LIST_DIR}/prepare.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth.cpp
    ${CMAKE_CURRENT_LIST_DIR}/batch.cpp
    ${CMAKE_CURRENT_LIST_DIR}/masking.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sampler.cpp
    ${CMAKE_CURRENT_LIST_DIR}/loader.cpp
  DEPS core config
)
