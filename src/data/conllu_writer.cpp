// to_conllu(): a sentence back to CoNLL-U text (declared in conllu.h).
#include <string>
#include <vector>

#include "sasmlm/core/error.h"
#include "sasmlm/data/conllu.h"

namespace sasmlm {
namespace {

// A value written into one line of CoNLL-U must not break the line or the columns.
void check_single_line(const std::string& value, const char* what, bool allow_tab) {
  for (char c : value) {
    SASMLM_CHECK(c != '\n' && c != '\r' && (allow_tab || c != '\t'),
                 std::string("CoNLL-U ") + what + " contains a line break or tab: '" + value + "'");
  }
}

// For each word, whether `text` shows no space after it (UD's SpaceAfter=No). Empty when the forms cannot be
// found in the text in order, in which case nothing is claimed.
std::vector<bool> no_space_after(const ConlluSentence& sentence) {
  const std::string& text = sentence.text;
  std::vector<bool> result(sentence.words.size(), false);
  if (text.empty()) return {};
  size_t pos = 0;
  for (size_t i = 0; i < sentence.words.size(); ++i) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    const std::string& form = sentence.words[i].form;
    if (form.empty() || text.compare(pos, form.size(), form) != 0) return {};
    pos += form.size();
    result[i] = i + 1 < sentence.words.size() && pos < text.size() && text[pos] != ' ';
  }
  return result;
}

const std::string& or_underscore(const std::string& value) {
  static const std::string kUnderscore = "_";
  return value.empty() ? kUnderscore : value;
}

}  // namespace

std::string to_conllu(const ConlluSentence& sentence) {
  check_single_line(sentence.sent_id, "sent_id", false);
  check_single_line(sentence.text, "text", true);
  std::string out;
  if (sentence.new_document) out += "# newdoc\n";
  if (!sentence.sent_id.empty()) out += "# sent_id = " + sentence.sent_id + "\n";
  if (!sentence.text.empty()) out += "# text = " + sentence.text + "\n";
  const std::vector<bool> glued = no_space_after(sentence);
  for (size_t i = 0; i < sentence.words.size(); ++i) {
    const ConlluWord& w = sentence.words[i];
    check_single_line(w.form, "FORM", false);
    check_single_line(w.upos, "UPOS", false);
    check_single_line(w.deprel, "DEPREL", false);
    out += std::to_string(w.id);
    out += '\t';
    out += or_underscore(w.form);
    out += "\t_\t";
    out += or_underscore(w.upos);
    out += "\t_\t_\t";
    out += std::to_string(w.head);
    out += '\t';
    out += or_underscore(w.deprel);
    out += "\t_\t";
    out += !glued.empty() && glued[i] ? "SpaceAfter=No" : "_";
    out += '\n';
  }
  out += '\n';
  return out;
}

}  // namespace sasmlm
