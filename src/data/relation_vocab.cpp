#include "sasmlm/data/relation_vocab.h"

#include "sasmlm/core/error.h"

namespace sasmlm {

RelationVocab::RelationVocab(std::vector<std::string> labels) {
  for (auto& label : labels) {
    if (ids_.count(label) > 0) throw UserError("relation label '" + label + "' listed twice");
    add(label);
  }
}

int32_t RelationVocab::add(const std::string& label) {
  auto it = ids_.find(label);
  if (it != ids_.end()) return it->second;
  if (size() >= kMaxRelations) {
    throw UserError("more than " + std::to_string(kMaxRelations) + " distinct DEPREL labels (at '" + label +
                    "'); is column 8 really DEPREL?");
  }
  const int32_t id = size();
  labels_.push_back(label);
  ids_.emplace(label, id);
  return id;
}

int32_t RelationVocab::find(const std::string& label) const {
  auto it = ids_.find(label);
  return it == ids_.end() ? -1 : it->second;
}

const std::string& RelationVocab::label(int32_t id) const {
  SASMLM_CHECK(id >= 0 && id < size(), "relation id out of range: " + std::to_string(id));
  return labels_[static_cast<size_t>(id)];
}

}  // namespace sasmlm
