#include "sasmlm/train/init_from.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <optional>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/model/hf_io.h"
#include "sasmlm/train/hf_checkpoint.h"
#include "sasmlm/train/training_state.h"

namespace sasmlm {
namespace {

namespace fs = std::filesystem;

struct InitSource {
  BertForMaskedLM model{nullptr};
  std::optional<Tokenizer> tokenizer;  // absent: an HF directory without tokenizer files
};

bool has_hf_tokenizer(const fs::path& dir) {
  std::error_code ec;
  for (const char* name : {kHfVocabFile, kHfTokenizerJsonFile, kHfSentencePieceFile}) {
    if (fs::exists(dir / name, ec)) return true;
  }
  return false;
}

InitSource read_source(const std::string& path) {
  InitSource source;
  if (fs::is_directory(path)) {
    source.model = import_hf(path);  // keeps the random generator as it was
    if (has_hf_tokenizer(path)) source.tokenizer = load_hf_tokenizer(path);
    return source;
  }
  // Building the checkpoint's model draws a random init that is overwritten at once; the run's own streams (seeded
  // before its model was built) must not move, so a run with init_from draws dropout as one without it.
  auto generator = at::detail::getDefaultCPUGenerator();
  const auto saved_state = generator.get_state();
  LoadedModel loaded = load_model_checkpoint(path);
  generator.set_state(saved_state);
  source.model = loaded.model;
  source.tokenizer = Tokenizer::from_serialized(loaded.tokenizer_model, path + " (tokenizer)");
  return source;
}

void check_shape(const std::string& path, const BertOptions& config, const BertOptions& source) {
  struct Field {
    const char* key;
    int64_t config, source;
  };
  const Field fields[] = {{"layers", config.layers, source.layers},
                          {"hidden", config.hidden, source.hidden},
                          {"heads", config.heads, source.heads},
                          {"intermediate", config.intermediate, source.intermediate},
                          {"max_position", config.max_position, source.max_position},
                          {"type_vocab", config.type_vocab, source.type_vocab}};
  std::string differ, sets;
  for (const Field& f : fields) {
    if (f.config == f.source) continue;
    differ += cat(differ.empty() ? "" : "; ", "model.", f.key, " is ", f.config, " in the config but ", f.source,
                  " in the source");
    sets += cat(" --set model.", f.key, "=", f.source);
  }
  if (differ.empty()) return;
  throw UserError(cat("model.init_from ", path, ": the model shape differs from the source's: ", differ,
                      " (hint: give the source's shape:", sets, ")"));
}

void check_vocabulary(const std::string& path, const InitSource& source, const Tokenizer& data_tokenizer) {
  const int64_t source_vocab = source.model->options().vocab_size;
  const std::string hint = " (hint: prepare the data with the source's tokenizer: set tokenizer.path to its "
                           "vocab.txt, tokenizer.json or spiece.model, and a data.prepared_dir of its own)";
  if (source_vocab != data_tokenizer.vocab_size()) {
    throw UserError(cat("model.init_from ", path, ": vocabulary size is ", source_vocab, " in the source but ",
                        data_tokenizer.vocab_size(), " in the prepared data's tokenizer", hint));
  }
  if (!source.tokenizer) {
    log_warn("model.init_from ", path, ": no tokenizer file beside the weights; only the vocabulary size (",
             source_vocab, ") was checked against the prepared data's");
    return;
  }
  if (source.tokenizer->checksum() != data_tokenizer.checksum()) {
    throw UserError(cat("model.init_from ", path, ": the source's tokenizer is not the prepared data's (same size ",
                        source_vocab, ", CRC-32 ", source.tokenizer->checksum(), " against ",
                        data_tokenizer.checksum(), "), so the ids would mean other pieces", hint));
  }
}

// Copies each tensor of `to` from the same-named one of `from` (same shapes: check_shape ran first).
void copy_tensors(const char* what, const torch::OrderedDict<std::string, torch::Tensor>& from,
                  torch::OrderedDict<std::string, torch::Tensor> to) {
  for (auto& item : to) {
    const torch::Tensor* source = from.find(item.key());
    SASMLM_CHECK(source != nullptr && source->sizes() == item.value().sizes(),
                 std::string("init_from: ") + what + " " + item.key() + " missing or misshapen after the shape check");
    item.value().copy_(*source);
  }
}

}  // namespace

void check_init_source(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw UserError(cat("model.init_from: not found: ", path, " (expected a Hugging Face directory or a sasmlm "
                        ".ckpt)"));
  }
  if (fs::is_directory(status)) {
    for (const char* name : {kHfConfigFile, kHfWeightsFile}) {
      if (!fs::exists(fs::path(path) / name, ec)) {
        throw UserError(cat("model.init_from: ", path, " is a directory without ", name, " (expected a Hugging "
                            "Face BertForMaskedLM directory: config.json + model.safetensors)"));
      }
    }
    return;
  }
  if (!fs::is_regular_file(status)) {
    throw UserError(cat("model.init_from: ", path, " is neither a directory nor a regular file"));
  }
}

void init_model_from(const std::string& path, BertForMaskedLM& model, const Tokenizer& data_tokenizer) {
  check_init_source(path);
  const InitSource source = read_source(path);
  check_shape(path, model->options(), source.model->options());
  check_vocabulary(path, source, data_tokenizer);
  torch::NoGradGuard no_grad;
  copy_tensors("parameter", source.model->named_parameters(), model->named_parameters());
  copy_tensors("buffer", source.model->named_buffers(), model->named_buffers());
  log_info("model.init_from: weights from ", path, " (", count_parameters(*model), " parameters); optimizer, step "
           "and schedules start fresh");
}

}  // namespace sasmlm
