#include "sasmlm/data/loader.h"

#include <algorithm>

#include "sasmlm/core/error.h"
#include "sasmlm/core/rng.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

Batch collate(const SequenceSource& source, const std::vector<int64_t>& sequence_ids, int64_t step) {
  const int64_t batch = static_cast<int64_t>(sequence_ids.size());
  std::vector<SequenceRecord> records(sequence_ids.size());
  int64_t length = 0;
  for (size_t i = 0; i < sequence_ids.size(); ++i) {
    source.read(sequence_ids[i], records[i]);
    length = std::max<int64_t>(length, static_cast<int64_t>(records[i].ids.size()));
  }
  Batch out;
  out.step = step;
  out.input_ids = torch::full({batch, length}, int64_t(kPadId), torch::kInt64);  // (B, T)
  out.attention_mask = torch::zeros({batch, length}, torch::kBool);              // (B, T)
  out.heads = torch::full({batch, length}, int64_t(-1), torch::kInt64);          // (B, T)
  out.word_index = torch::full({batch, length}, int32_t(-1), torch::kInt32);     // (B, T)
  out.sequence_ids = torch::tensor(sequence_ids, torch::kInt64);                 // (B,)
  out.parsed = torch::zeros({batch}, torch::kBool);                               // (B,)
  auto* ids = out.input_ids.data_ptr<int64_t>();
  auto* mask = out.attention_mask.data_ptr<bool>();
  auto* heads = out.heads.data_ptr<int64_t>();
  auto* words = out.word_index.data_ptr<int32_t>();
  auto* parsed = out.parsed.data_ptr<bool>();
  for (int64_t b = 0; b < batch; ++b) {
    const SequenceRecord& r = records[size_t(b)];
    SASMLM_CHECK(r.heads.size() == r.ids.size() && r.word_index.size() == r.ids.size(),
                 "sequence " + std::to_string(sequence_ids[size_t(b)]) + " has ragged fields");
    for (size_t t = 0; t < r.ids.size(); ++t) {
      const int64_t flat = b * length + int64_t(t);
      ids[flat] = r.ids[t];
      mask[flat] = true;
      heads[flat] = r.heads[t];
      words[flat] = r.word_index[t];
    }
    parsed[b] = r.parsed;
    out.num_real_tokens += static_cast<int64_t>(r.ids.size());
  }
  return out;
}

StepBatches build_step(const SequenceSource& source, Sampler& sampler, const LoaderOptions& options, int64_t step) {
  const std::vector<int64_t> slice = sampler.rank_slice(step, options.rank, options.world_size);
  const int64_t micro = options.micro_batch_size > 0 ? options.micro_batch_size : int64_t(slice.size());
  // Masking key per step: a sequence met again in a later epoch gets a fresh mask (dynamic masking).
  const uint64_t key = derive_key(options.seed, 0x4D41534Bull, uint64_t(step));
  StepBatches out;
  out.step = step;
  for (size_t start = 0; start < slice.size(); start += size_t(micro)) {
    const size_t end = std::min(slice.size(), start + size_t(micro));
    std::vector<int64_t> ids(slice.begin() + int64_t(start), slice.begin() + int64_t(end));
    Batch batch = apply_masking(collate(source, ids, step), options.masking, key);
    if (options.pin_memory) batch = batch.pinned();
    out.num_masked += batch.mlm_positions.size(0);
    out.micro.push_back(std::move(batch));
  }
  return out;
}

Loader::Loader(std::shared_ptr<const SequenceSource> source, LoaderOptions options, int64_t start_step)
    : source_(std::move(source)),
      options_(options),
      sampler_(source_->size(), options.batch_size, options.seed, options.shuffle),
      next_step_(start_step),
      produce_step_(start_step) {
  if (options_.prefetch > 0) thread_ = std::thread([this] { run(); });
}

Loader::~Loader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Loader::run() {
  try {
    for (;;) {
      int64_t step = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || int64_t(queue_.size()) < options_.prefetch; });
        if (stop_) return;
        step = produce_step_++;
      }
      // Built outside the lock; only this thread touches the sampler when prefetching.
      StepBatches batches = build_step(*source_, sampler_, options_, step);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.push_back(std::move(batches));
      }
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    cv_.notify_all();
  }
}

StepBatches Loader::next() {
  if (options_.prefetch <= 0) return build_step(*source_, sampler_, options_, next_step_++);
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return !queue_.empty() || error_; });
  if (queue_.empty() && error_) std::rethrow_exception(error_);
  StepBatches out = std::move(queue_.front());
  queue_.pop_front();
  ++next_step_;
  lock.unlock();
  cv_.notify_all();
  return out;
}

}  // namespace sasmlm
