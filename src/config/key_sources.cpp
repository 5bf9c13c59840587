#include "key_sources.h"

namespace sasmlm {

std::string KeySource::prefix() const {
  if (line > 0) return file + ":" + std::to_string(line) + ": ";
  return file + ": ";
}

std::string config_message(const KeySource* source, const std::string& key, const std::string& problem) {
  std::string message = source != nullptr ? source->prefix() : std::string();
  if (!key.empty()) message += key + ": ";
  return message + problem;
}

void KeySources::set(const std::string& key, KeySource source) {
  auto it = sources_.lower_bound(key);
  while (it != sources_.end() && it->first.compare(0, key.size(), key) == 0) {
    const std::string& recorded = it->first;
    bool nested = recorded.size() == key.size() || recorded[key.size()] == '.' || recorded[key.size()] == '[';
    it = nested ? sources_.erase(it) : std::next(it);
  }
  sources_[key] = std::move(source);
}

const KeySource* KeySources::find(const std::string& key) const {
  std::string current = key;
  while (!current.empty()) {
    auto it = sources_.find(current);
    if (it != sources_.end()) return &it->second;
    size_t cut = current.find_last_of(".[");
    if (cut == std::string::npos) break;
    current.resize(cut);
  }
  return nullptr;
}

}  // namespace sasmlm
