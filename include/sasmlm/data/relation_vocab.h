// Dependency relation labels <-> dense ids, in order of first appearance (train before dev), as stored in shards
// (int16 per token) and listed in manifest.json. Only labels of arcs get ids: the root carries no arc, so "root"
// has none unless a non-root word uses it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sasmlm {

class RelationVocab {
 public:
  static constexpr int32_t kMaxRelations = 32767;  // ids must fit the shards' int16 column

  RelationVocab() = default;
  explicit RelationVocab(std::vector<std::string> labels);

  // Id of `label`, adding it when new; UserError past kMaxRelations labels.
  int32_t add(const std::string& label);
  // Id of `label`, or -1 when unknown.
  int32_t find(const std::string& label) const;
  const std::string& label(int32_t id) const;
  int32_t size() const { return static_cast<int32_t>(labels_.size()); }
  const std::vector<std::string>& labels() const { return labels_; }

 private:
  std::vector<std::string> labels_;
  std::unordered_map<std::string, int32_t> ids_;
};

}  // namespace sasmlm
