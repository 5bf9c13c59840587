#include "sasmlm/config/config_key.h"

#include "config_reader.h"

namespace sasmlm {

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool is_list_index(const std::string& part) {
  return !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
}

void check_config_key(const Config& config, const std::string& key) {
  Config scratch = config;
  KeySources sources;
  ConfigReader(scratch, sources).check_key(key);
}

}  // namespace sasmlm
