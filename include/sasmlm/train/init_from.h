// `model.init_from`: a run that starts from existing weights instead of a random init.
//
// The source is a Hugging Face BertForMaskedLM directory (config.json + model.safetensors, as `sasmlm export`
// writes or a real BERT) or a sasmlm checkpoint (.ckpt). Only the weights are taken: the optimizer, step, schedule,
// RNG streams and data order start fresh, as in a run from a random init. The config's model shape must be the
// source's, and its vocabulary the prepared data's, so a token id means the same word before and after.
#pragma once

#include <string>

#include "sasmlm/data/tokenizer.h"
#include "sasmlm/model/bert.h"

namespace sasmlm {

// Checked before anything is prepared or allocated: `path` is a directory with config.json and model.safetensors,
// or a regular file. UserError naming model.init_from and the path otherwise.
void check_init_source(const std::string& path);

// Copies the source's weights into `model` (on the CPU, before it moves to its device). UserError, naming
// model.init_from and the source, when: a model.* shape field differs (every differing field, config against
// source, with the --set that matches the source); the vocabulary size differs from the prepared data's; the source
// carries a tokenizer (a checkpoint's, or an HF directory's vocab.txt / tokenizer.json / spiece.model) that is not
// the prepared data's (CRC-32 of the serialized tokenizer). An HF directory without tokenizer files is checked by
// size alone, with a warning. Leaves torch's default random generator as it found it.
void init_model_from(const std::string& path, BertForMaskedLM& model, const Tokenizer& data_tokenizer);

}  // namespace sasmlm
