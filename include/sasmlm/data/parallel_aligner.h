// align_sentence (alignment.h) over batches of sentences on worker threads, the batches handed back strictly in
// the order they were submitted: what prepare's encoding pass spreads over data.prepare_threads.
//
// Output does not depend on the thread count. Each batch is aligned against its own RelationVocab (a worker
// cannot know which labels earlier batches introduce); relation_ids_in_order() then maps the batch's ids to the
// shared vocabulary while the caller consumes sentences in order, which gives every label the id a single pass
// gives it (first appearance, train before dev). SentencePiece's Encode and WordPiece's encode are const and
// keep no state between calls, so the workers share one Tokenizer.
//
// Memory stays flat in the corpus size: at most max_in_flight batches exist between submit() and next().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sasmlm/data/alignment.h"
#include "sasmlm/data/conllu.h"
#include "sasmlm/data/relation_vocab.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

struct AlignBatch {
  std::vector<ConlluSentence> sentences;  // in: read in order (freed once aligned)
  std::vector<char> new_document;         // in: per sentence, for the packer
  std::vector<char> parsed;               // in: per sentence, from CoNLL-U (else plain text, no arcs)
  std::vector<AlignedSentence> aligned;   // out: one per sentence, relation ids local to `relations`
  RelationVocab relations;                // out: the batch's own relation vocabulary
  std::exception_ptr error;               // out: what aligning threw (rethrown by next())
  bool done = false;
};

class ParallelAligner {
 public:
  // threads <= 1 aligns inside submit(), on the calling thread; otherwise `threads` workers do.
  ParallelAligner(const Tokenizer& tokenizer, ArcPieces arc_pieces, int64_t threads, int64_t max_in_flight);
  ~ParallelAligner();  // stops the workers (batches not taken are dropped)
  ParallelAligner(const ParallelAligner&) = delete;
  ParallelAligner& operator=(const ParallelAligner&) = delete;

  // Batches submitted and not yet taken by next().
  int64_t pending() const { return static_cast<int64_t>(order_.size()); }
  // Whether submit() would exceed max_in_flight: take a batch with next() first.
  bool full() const { return pending() >= max_in_flight_; }
  void submit(std::unique_ptr<AlignBatch> batch);
  // The oldest submitted batch once aligned; rethrows the exception aligning it threw. Requires pending() > 0.
  std::unique_ptr<AlignBatch> next();

 private:
  void align(AlignBatch& batch) const;
  void work();

  const Tokenizer& tokenizer_;
  ArcPieces arc_pieces_;
  int64_t max_in_flight_;
  std::deque<std::unique_ptr<AlignBatch>> order_;  // submitted, oldest first
  std::deque<AlignBatch*> todo_;                   // submitted, not yet picked by a worker
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable batch_done_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// Rewrites `sentence.relations` (ids of `local`) to ids of `shared`, adding labels to `shared` in the order the
// pieces carry them; `map` caches local id -> shared id across the sentences of one batch (start it empty).
void relation_ids_in_order(const RelationVocab& local, RelationVocab& shared, std::vector<int32_t>& map,
                           AlignedSentence& sentence);

}  // namespace sasmlm
