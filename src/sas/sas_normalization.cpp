#include "sasmlm/sas/sas_normalization.h"

#include <algorithm>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"

namespace sasmlm {

SasNormalizer SasNormalizer::from(const SasConfig& config) {
  SasNormalizer out;
  const std::string& value = config.normalization;
  if (value == "per_sequence") {
    out.kind = SasNormalization::kPerSequence;
  } else if (value == "authors") {
    out.kind = SasNormalization::kAuthors;
  } else if (value == "per_arc") {
    out.kind = SasNormalization::kPerArc;
  } else if (value == "per_token") {
    out.kind = SasNormalization::kPerToken;
  } else if (value == "none") {
    out.kind = SasNormalization::kNone;
  } else {
    throw UserError(cat("sas.normalization: expected one of per_sequence | authors | per_arc | per_token | none, ",
                        "found '", value, "'"));
  }
  if (config.authors_micro_batch < 1) {
    throw UserError(cat("sas.authors_micro_batch: must be >= 1 (the authors' per-device batch), found ",
                        config.authors_micro_batch));
  }
  out.authors_micro_batch = config.authors_micro_batch;
  return out;
}

SasCounts& SasCounts::operator+=(const SasCounts& other) {
  sequences += other.sequences;
  parsed_sequences += other.parsed_sequences;
  arcs += other.arcs;
  tokens += other.tokens;
  return *this;
}

SasCounts count_sas(const torch::Tensor& heads, const torch::Tensor& attention_mask, const torch::Tensor& parsed) {
  SASMLM_CHECK(heads.dim() == 2 && attention_mask.sizes() == heads.sizes() &&
                   (!parsed.defined() || (parsed.dim() == 1 && parsed.size(0) == heads.size(0))),
               cat("count_sas: heads ", heads.sizes(), ", attention_mask ", attention_mask.sizes(), ", parsed ",
                   parsed.defined() ? parsed.sizes() : at::IntArrayRef{}, "; expected (B, T), (B, T), (B,)"));
  SasCounts counts;
  counts.sequences = double(heads.size(0));
  counts.parsed_sequences = parsed.defined() ? double(parsed.sum().item<int64_t>()) : counts.sequences;
  counts.arcs = double((heads >= 0).logical_and(attention_mask).sum().item<int64_t>());
  counts.tokens = double(attention_mask.sum().item<int64_t>());
  return counts;
}

double SasNormalizer::denominator(const SasCounts& step) const {
  switch (kind) {
    case SasNormalization::kPerSequence:
      return std::max(step.parsed_sequences, 1.0);
    case SasNormalization::kAuthors:
      return std::max(step.sequences, 1.0) / double(authors_micro_batch);
    case SasNormalization::kPerArc:
      return std::max(step.arcs, 1.0);
    case SasNormalization::kPerToken:
      return std::max(step.tokens, 1.0);
    case SasNormalization::kNone:
      return 1.0;
  }
  SASMLM_CHECK(false, "SasNormalizer::denominator: unknown normalization");
  return 1.0;
}

}  // namespace sasmlm
