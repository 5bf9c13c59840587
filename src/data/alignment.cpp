#include "sasmlm/data/alignment.h"

#include "sasmlm/core/error.h"

namespace sasmlm {

ArcPieces parse_arc_pieces(const std::string& value) {
  if (value == "first") return ArcPieces::kFirst;
  if (value == "all") return ArcPieces::kAll;
  throw UserError("data.arc_pieces: expected first or all, found '" + value + "'");
}

void AlignedSentence::clear() {
  ids.clear();
  word_index.clear();
  heads.clear();
  relations.clear();
  word_starts.clear();
}

void align_sentence(const ConlluSentence& sentence, const Tokenizer& tokenizer, ArcPieces arc_pieces,
                    RelationVocab& relations, AlignedSentence& out) {
  out.clear();
  const int32_t n = static_cast<int32_t>(sentence.words.size());
  for (int32_t w = 0; w < n; ++w) {
    out.word_starts.push_back(out.num_pieces());
    const int32_t count = tokenizer.encode_word_into(sentence.words[w].form, out.ids);
    out.word_index.insert(out.word_index.end(), count, w);
  }
  out.word_starts.push_back(out.num_pieces());
  out.heads.assign(out.ids.size(), -1);
  out.relations.assign(out.ids.size(), -1);

  for (int32_t w = 0; w < n; ++w) {
    const ConlluWord& word = sentence.words[w];
    if (word.head == 0) continue;  // the root carries no arc
    SASMLM_CHECK(word.head >= 1 && word.head <= n, "align_sentence on an unvalidated sentence");
    const int32_t head_piece = out.word_starts[word.head - 1];
    const int32_t relation = relations.add(word.deprel);
    const int32_t end = arc_pieces == ArcPieces::kAll ? out.word_starts[w + 1] : out.word_starts[w] + 1;
    for (int32_t p = out.word_starts[w]; p < end; ++p) {
      out.heads[p] = head_piece;
      out.relations[p] = relation;
    }
  }
}

}  // namespace sasmlm
