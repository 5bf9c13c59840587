#include "sasmlm/data/parallel_aligner.h"

#include <algorithm>

#include "sasmlm/core/error.h"

namespace sasmlm {

ParallelAligner::ParallelAligner(const Tokenizer& tokenizer, ArcPieces arc_pieces, int64_t threads,
                                 int64_t max_in_flight)
    : tokenizer_(tokenizer), arc_pieces_(arc_pieces), max_in_flight_(std::max<int64_t>(1, max_in_flight)) {
  if (threads <= 1) return;
  workers_.reserve(static_cast<size_t>(threads));
  for (int64_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ParallelAligner::~ParallelAligner() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  work_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ParallelAligner::align(AlignBatch& batch) const {
  try {
    batch.aligned.resize(batch.sentences.size());
    for (size_t i = 0; i < batch.sentences.size(); ++i) {
      align_sentence(batch.sentences[i], tokenizer_, arc_pieces_, batch.relations, batch.aligned[i]);
    }
  } catch (...) {
    batch.error = std::current_exception();
  }
  std::vector<ConlluSentence>().swap(batch.sentences);
}

void ParallelAligner::work() {
  while (true) {
    AlignBatch* batch = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return stop_ || !todo_.empty(); });
      if (stop_) return;
      batch = todo_.front();
      todo_.pop_front();
    }
    align(*batch);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batch->done = true;
    }
    batch_done_.notify_all();
  }
}

void ParallelAligner::submit(std::unique_ptr<AlignBatch> batch) {
  SASMLM_CHECK(!full(), "ParallelAligner::submit past max_in_flight");
  if (workers_.empty()) {
    align(*batch);
    batch->done = true;
    order_.push_back(std::move(batch));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    todo_.push_back(batch.get());
    order_.push_back(std::move(batch));
  }
  work_ready_.notify_one();
}

std::unique_ptr<AlignBatch> ParallelAligner::next() {
  SASMLM_CHECK(!order_.empty(), "ParallelAligner::next without a pending batch");
  std::unique_ptr<AlignBatch> batch;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    batch_done_.wait(lock, [&] { return order_.front()->done; });
    batch = std::move(order_.front());
    order_.pop_front();
  }
  if (batch->error) std::rethrow_exception(batch->error);
  return batch;
}

void relation_ids_in_order(const RelationVocab& local, RelationVocab& shared, std::vector<int32_t>& map,
                           AlignedSentence& sentence) {
  if (map.size() < static_cast<size_t>(local.size())) map.resize(static_cast<size_t>(local.size()), -1);
  for (int32_t& id : sentence.relations) {
    if (id < 0) continue;
    int32_t& mapped = map[static_cast<size_t>(id)];
    if (mapped < 0) mapped = shared.add(local.label(id));
    id = mapped;
  }
}

}  // namespace sasmlm
