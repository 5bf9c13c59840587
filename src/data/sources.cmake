sasmlm_add_module(data
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/input_file.cpp
    ${CMAKE_CURRENT_LIST_DIR}/input_paths.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conllu.cpp
    ${CMAKE_CURRENT_LIST_DIR}/conllu_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/wordpiece.cpp
    ${CMAKE_CURRENT_LIST_DIR}/hf_tokenizer_json.cpp
    ${CMAKE_CURRENT_LIST_DIR}/bert_text.cpp
    ${CMAKE_CURRENT_LIST_DIR}/unicode_tables.cpp
    ${CMAKE_CURRENT_LIST_DIR}/text_words.cpp
    ${CMAKE_CURRENT_LIST_DIR}/text_corpus.cpp
    ${CMAKE_CURRENT_LIST_DIR}/relation_vocab.cpp
    ${CMAKE_CURRENT_LIST_DIR}/alignment.cpp
    ${CMAKE_CURRENT_LIST_DIR}/parallel_aligner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/shard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/manifest.cpp
    ${CMAKE_CURRENT_LIST_DIR}/prepared_data.cpp
    ${CMAKE_CURRENT_LIST_DIR}/prepare.cpp
    ${CMAKE_CURRENT_LIST_DIR}/prepared_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth_lexicon.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth_tree.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth_grammar.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth_noun_phrase.cpp
    ${CMAKE_CURRENT_LIST_DIR}/synth_pairs.cpp
    ${CMAKE_CURRENT_LIST_DIR}/batch.cpp
    ${CMAKE_CURRENT_LIST_DIR}/masking.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sampler.cpp
    ${CMAKE_CURRENT_LIST_DIR}/loader.cpp
  DEPS core config
)
# .gz corpora are read through zlib (input_file.cpp).
target_link_libraries(sasmlm_lib_data PUBLIC ZLIB::ZLIB)
