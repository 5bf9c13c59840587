#include "sasmlm/sas/regularizer.h"

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/sas/arc_attention_regularizer.h"
#include "sasmlm/sas/sas_normalization.h"

#include <cmath>
#include <string>

namespace sasmlm {
namespace {

[[noreturn]] void bad_choice(const std::string& key, const std::string& found, const std::string& valid) {
  throw UserError(cat(key, ": expected one of ", valid, ", found '", found, "'"));
}

}  // namespace

std::unique_ptr<Regularizer> make_regularizer(const SasConfig& config, int64_t num_layers) {
  SASMLM_CHECK(num_layers > 0, cat("make_regularizer: model has ", num_layers, " layers"));
  ArcAttentionOptions options;

  if (config.variant == "max") {
    options.reduction = ArcAttentionOptions::Reduction::kMax;
  } else if (config.variant == "uniform") {
    options.reduction = ArcAttentionOptions::Reduction::kPowerSum;
  } else if (config.variant == "random_arcs") {
    options.reduction = ArcAttentionOptions::Reduction::kMax;
    options.arcs = ArcAttentionOptions::Arcs::kRandom;
  } else {
    bad_choice("sas.variant", config.variant, "max | uniform | random_arcs");
  }

  if (config.directions == "both") {
    options.to_head = options.to_dependent = true;
  } else if (config.directions == "to_head") {
    options.to_dependent = false;
  } else if (config.directions == "to_dependent") {
    options.to_head = false;
  } else {
    bad_choice("sas.directions", config.directions, "both | to_head | to_dependent");
  }

  options.layers.assign(size_t(num_layers), config.layers.empty());
  for (int64_t layer : config.layers) {
    if (layer < 0 || layer >= num_layers) {
      throw UserError(cat("sas.layers: layer ", layer, " does not exist in a ", num_layers,
                          "-layer model (layers are 0-based: 0..", num_layers - 1, ")"));
    }
    if (options.layers[size_t(layer)]) {
      throw UserError(cat("sas.layers: layer ", layer, " is listed twice"));
    }
    options.layers[size_t(layer)] = true;
  }

  options.normalizer = SasNormalizer::from(config);

  if (config.probabilities == "post_dropout") {
    options.post_dropout = true;
  } else if (config.probabilities == "pre_dropout") {
    options.post_dropout = false;
  } else {
    bad_choice("sas.probabilities", config.probabilities, "post_dropout | pre_dropout");
  }

  options.p = config.p;
  if (options.reduction == ArcAttentionOptions::Reduction::kPowerSum && !(std::isfinite(config.p) && config.p >= 1.0)) {
    throw UserError(cat("sas.p: the uniform variant needs a finite exponent >= 1 (a p-norm), found ", config.p,
                        "; the authors' default is 1"));
  }
  return std::make_unique<ArcAttentionRegularizer>(std::move(options));
}

}  // namespace sasmlm
