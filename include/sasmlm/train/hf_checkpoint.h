// `sasmlm export` / `sasmlm import`: model checkpoints to and from Hugging Face BertForMaskedLM directories.
//
// A directory holds config.json + model.safetensors (model/hf_io.h) and the tokenizer: for sasmlm's own
// SentencePiece models spiece.model (read back by import) and tokenizer.json (read by transformers: the same ids as
// Tokenizer::encode_text, data/hf_sentencepiece_json.h); for a WordPiece vocabulary a classic BERT vocab.txt. Both
// with tokenizer_config.json. An imported
// checkpoint is a model-only checkpoint (step 0, no optimizer state) whose stored config describes the model, so
// load_model_checkpoint, `sasmlm eval` and `sasmlm fill-mask` read it like a trained one.
#pragma once

#include <string>

#include "sasmlm/config/config.h"
#include "sasmlm/data/tokenizer.h"
#include "sasmlm/model/bert_options.h"

namespace sasmlm {

constexpr const char* kHfVocabFile = "vocab.txt";
constexpr const char* kHfTokenizerConfigFile = "tokenizer_config.json";
constexpr const char* kHfTokenizerJsonFile = "tokenizer.json";
constexpr const char* kHfSentencePieceFile = "spiece.model";

// Writes out_dir (created if needed) from a checkpoint: the model in float32 and its tokenizer's files. out_dir must
// be new, empty or an earlier export (only the files an export writes); other entries need `force` and are left
// alone. The tokenizer files of the other kind left by an earlier export (vocab.txt, or spiece.model and
// tokenizer.json) are removed, so neither `import` nor transformers can read a stale one. UserError when a
// SentencePiece model is one tokenizer.json cannot express (hf_sentencepiece_json.h), before any file is written.
void export_checkpoint_hf(const std::string& checkpoint_path, const std::string& out_dir, bool force = false);

// The tokenizer's files of an export into the existing directory out_dir: vocab.txt or spiece.model +
// tokenizer.json, and tokenizer_config.json (model_max_length = max_position). UserError, with nothing written,
// when a SentencePiece model is one tokenizer.json cannot express.
void write_hf_tokenizer_files(const Tokenizer& tokenizer, int64_t max_position, const std::string& out_dir);

// The tokenizer of a Hugging Face directory, the first found of: vocab.txt (WordPiece, lowercasing per
// tokenizer_config.json's do_lower_case, default true); spiece.model (a sasmlm SentencePiece model: its exports
// also hold a tokenizer.json, made from it); tokenizer.json (transformers 5's save_pretrained writes no vocab.txt)
// when it is BERT's WordPiece pipeline. UserError naming
// the directory when none exists, or the file when it asks for behaviour WordPiece here does not have
// (strip_accents different from do_lower_case, tokenize_chinese_chars false, another model or normalizer).
Tokenizer load_hf_tokenizer(const std::string& dir);

// The config stored with an imported model: defaults, with every model.* field and tokenizer.vocab_size taken from
// the model and its tokenizer (data.max_seq_len capped at the model's positions).
Config imported_config(const BertOptions& options, const Tokenizer& tokenizer);

// Reads a Hugging Face directory and writes a model checkpoint at out_path (atomically; parent directories are
// created). UserError when the tokenizer has more tokens than the model's vocabulary, and when out_path holds
// anything but an earlier import (a training checkpoint, any other file) unless `force` (never a device, FIFO,
// symlink or directory: core/output_path.h).
void import_hf_checkpoint(const std::string& hf_dir, const std::string& out_path, bool force = false);

}  // namespace sasmlm
