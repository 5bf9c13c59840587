#include "sasmlm/eval/fill_mask_run.h"

#include "sasmlm/eval/fill_mask.h"
#include "sasmlm/model/safetensors.h"
#include "sasmlm/train/training_state.h"

namespace sasmlm {

std::string run_fill_mask(const FillMaskRequest& request) {
  LoadedModel loaded = load_model_checkpoint(request.checkpoint);
  const Tokenizer tokenizer = Tokenizer::from_serialized(loaded.tokenizer_model, request.checkpoint + " (tokenizer)");
  const std::vector<int32_t> ids =
      request.ids.empty() ? fill_mask_ids_from_text(tokenizer, request.text) : parse_id_list(request.ids);
  const FillMaskResult result = fill_mask(loaded.model, tokenizer, ids, request.top_k);
  if (!request.dump_logits.empty()) {
    const auto input_ids = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kInt64);  // (T,)
    write_safetensors(request.dump_logits, {{"logits", result.logits}, {"input_ids", input_ids}});
  }
  return request.json ? fill_mask_json(result, tokenizer).dump() + "\n" : fill_mask_table(result, tokenizer);
}

}  // namespace sasmlm
