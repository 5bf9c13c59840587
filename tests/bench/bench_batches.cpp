#include "bench_batches.h"

#include <algorithm>

#include "sasmlm/data/prepared_source.h"

namespace sasmlm::bench {

BenchBatches fixed_train_batches(const Config& config, int64_t count) {
  auto data = prepare_and_open(config.data, config.tokenizer, prepared_dir_for(config.data, config.run.dir));
  LoaderOptions lo;
  lo.batch_size = config.trainer.batch_size;
  lo.seed = uint64_t(config.run.seed);
  lo.prefetch = 0;
  lo.masking = masking_options_from(config.data, data->tokenizer());
  BenchBatches out;
  out.vocab_size = data->vocab_size();
  out.batch_size = lo.batch_size;
  out.tokenizer_checksum = data->tokenizer().checksum();
  Loader loader(make_split_source(data, "train"), lo, 0);
  for (int64_t i = 0; i < count; ++i) out.steps.push_back(loader.next());
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0.0 : values[values.size() / 2];
}

}  // namespace sasmlm::bench
