#include "sasmlm/train/training_state.h"

#include <ATen/Context.h>
#include <ATen/core/Generator.h>

#include <chrono>
#include <filesystem>

#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

nlohmann::json options_to_json(const BertOptions& o) {
  return {{"vocab_size", o.vocab_size},         {"layers", o.layers},
          {"hidden", o.hidden},                 {"heads", o.heads},
          {"intermediate", o.intermediate},     {"max_position", o.max_position},
          {"type_vocab", o.type_vocab},         {"dropout", o.dropout},
          {"attention_dropout", o.attention_dropout}, {"layer_norm_eps", o.layer_norm_eps},
          {"init_std", o.init_std}};
}

BertOptions options_from_json(const nlohmann::json& j) {
  BertOptions o;
  o.vocab_size = j.at("vocab_size");
  o.layers = j.at("layers");
  o.hidden = j.at("hidden");
  o.heads = j.at("heads");
  o.intermediate = j.at("intermediate");
  o.max_position = j.at("max_position");
  o.type_vocab = j.at("type_vocab");
  o.dropout = j.at("dropout");
  o.attention_dropout = j.at("attention_dropout");
  o.layer_norm_eps = j.at("layer_norm_eps");
  o.init_std = j.at("init_std");
  return o;
}

torch::Tensor bytes_tensor(const std::string& bytes) {
  auto t = torch::empty({int64_t(bytes.size())}, torch::kUInt8);
  std::memcpy(t.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  return t;
}

std::string tensor_bytes(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kCPU);
  return std::string(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), size_t(c.numel()));
}

// Generators whose state decides dropout: the CPU one and one per visible CUDA device.
std::vector<std::pair<std::string, at::Generator>> generators() {
  std::vector<std::pair<std::string, at::Generator>> out;
  out.emplace_back("rng_cpu", at::detail::getDefaultCPUGenerator());
  if (torch::cuda::is_available()) {
    for (int64_t i = 0; i < int64_t(torch::cuda::device_count()); ++i) {
      out.emplace_back("rng_cuda" + std::to_string(i),
                       at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, c10::DeviceIndex(i))));
    }
  }
  return out;
}

// A metadata field the loaders need (read_checkpoint has checked the types of those present).
const nlohmann::json& required_field(const LoadedCheckpoint& checkpoint, const char* key) {
  if (!checkpoint.metadata.contains(key)) {
    throw UserError(checkpoint.path + ": checkpoint metadata has no " + key +
                    " (hint: is it a checkpoint written by sasmlm train?)");
  }
  return checkpoint.metadata.at(key);
}

}  // namespace

std::string save_training_checkpoint(const std::string& dir, const TrainingSnapshot& s) {
  nlohmann::json meta = {
      {"step", s.counters.step},
      {"nonfinite_steps", s.counters.nonfinite_steps},
      {"tokens_seen", s.counters.tokens_seen},
      {"world_size", s.counters.world_size},
      {"loader_next_step", s.counters.step},
      {"model", options_to_json(s.model->options())},
      {"config_yaml", s.config_yaml},
      {"tokenizer_checksum", s.tokenizer_checksum},
      {"sasmlm_version", SASMLM_VERSION},
      {"saved_at_unix", std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count()},
  };
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  s.model->save(model_archive);
  archive.write("model", model_archive);
  if (s.optimizer != nullptr) {
    s.optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  for (auto& [name, gen] : generators()) {
    std::lock_guard<std::mutex> lock(gen.mutex());
    archive.write(name, gen.get_state());
  }
  archive.write("tokenizer", bytes_tensor(s.tokenizer_model));
  const std::string path = (std::filesystem::path(dir) / checkpoint_name(s.counters.step)).string();
  write_checkpoint(path, meta, archive);
  return path;
}

void restore_training_checkpoint(const LoadedCheckpoint& checkpoint, TrainingSnapshot& s) {
  const auto& meta = checkpoint.metadata;
  const BertOptions saved = options_from_json(required_field(checkpoint, "model"));
  const BertOptions& now = s.model->options();
  const nlohmann::json saved_json = options_to_json(saved), now_json = options_to_json(now);
  for (const char* key : {"vocab_size", "layers", "hidden", "heads", "intermediate", "max_position", "type_vocab"}) {
    if (saved_json[key] != now_json[key]) {
      throw UserError(checkpoint.path + ": model shape mismatch on resume: " + key + " is " +
                      saved_json[key].dump() + " in the checkpoint but " + now_json[key].dump() +
                      " in the config (hint: resume with the checkpoint's model settings, or start a new run.dir)");
    }
  }
  if (required_field(checkpoint, "tokenizer_checksum").get<uint32_t>() != s.tokenizer_checksum) {
    throw UserError(checkpoint.path + ": tokenizer mismatch: the checkpoint was trained with a different tokenizer "
                    "than the prepared data (hint: point data.prepared_dir at the data the run was prepared with)");
  }
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  open_payload(checkpoint, archive);
  try {
    archive.read("model", model_archive);
    s.model->load(model_archive);
    if (s.optimizer != nullptr) {
      archive.read("optimizer", optimizer_archive);
      s.optimizer->load(optimizer_archive);
    }
    for (auto& [name, gen] : generators()) {
      torch::Tensor state;
      if (!archive.try_read(name, state)) continue;  // e.g. a CPU checkpoint resumed on a GPU machine
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(state);
    }
  } catch (const c10::Error& e) {
    throw UserError(checkpoint.path + ": cannot restore training state: " + e.what_without_backtrace());
  }
  s.counters.step = required_field(checkpoint, "step");
  s.counters.nonfinite_steps = meta.value("nonfinite_steps", int64_t(0));
  s.counters.tokens_seen = meta.value("tokens_seen", int64_t(0));
  s.counters.world_size = meta.value("world_size", int64_t(1));
}

LoadedModel load_model_checkpoint(const std::string& path) {
  LoadedCheckpoint checkpoint = read_checkpoint(path);
  LoadedModel out;
  out.model = BertForMaskedLM(options_from_json(required_field(checkpoint, "model")));
  out.config_yaml = checkpoint.metadata.value("config_yaml", "");
  out.step = checkpoint.metadata.value("step", int64_t(0));
  torch::serialize::InputArchive archive, model_archive;
  open_payload(checkpoint, archive);
  torch::Tensor tokenizer;
  try {
    archive.read("model", model_archive);
    out.model->load(model_archive);
    archive.read("tokenizer", tokenizer);
  } catch (const c10::Error& e) {
    throw UserError(path + ": cannot load model: " + e.what_without_backtrace());
  }
  out.tokenizer_model = tensor_bytes(tokenizer);
  out.model->eval();
  return out;
}

}  // namespace sasmlm
