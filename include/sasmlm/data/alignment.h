// Word-to-subword alignment of one sentence: every word's pieces with their word index, and the dependency arcs
// moved from words to piece positions.
//
// Convention (data.arc_pieces): "first" -- the dependent's first piece points at the head's first piece;
// "all" -- every piece of the dependent points at the head's first piece. Pieces that carry no arc (the other
// pieces under "first", and all pieces of the root) have head -1 and relation -1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sasmlm/data/conllu.h"
#include "sasmlm/data/relation_vocab.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {

enum class ArcPieces { kFirst, kAll };

// Parses data.arc_pieces ("first" | "all"); UserError naming the key otherwise.
ArcPieces parse_arc_pieces(const std::string& value);

// One sentence's pieces; all vectors have one entry per piece except word_starts.
struct AlignedSentence {
  std::vector<int32_t> ids;          // piece ids, words in order
  std::vector<int32_t> word_index;   // 0-based word of each piece
  std::vector<int32_t> heads;        // position (in this sentence's pieces) of the head's first piece, -1 none
  std::vector<int32_t> relations;    // relation id of the arc the piece carries, -1 none
  std::vector<int32_t> word_starts;  // first piece of each word, plus the total at the end (size words + 1)

  int32_t num_pieces() const { return static_cast<int32_t>(ids.size()); }
  int32_t num_words() const { return static_cast<int32_t>(word_starts.size()) - 1; }
  void clear();
};

// Aligns `sentence` (already validated: heads in range). Relations are looked up in, and added to, `relations`.
void align_sentence(const ConlluSentence& sentence, const Tokenizer& tokenizer, ArcPieces arc_pieces,
                    RelationVocab& relations, AlignedSentence& out);

}  // namespace sasmlm
