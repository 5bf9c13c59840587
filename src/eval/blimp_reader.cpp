#include "sasmlm/eval/blimp_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"

namespace fs = std::filesystem;

namespace sasmlm {
namespace {

constexpr size_t kQuoteChars = 60;  // how much of an offending line an error message shows

// A short, printable excerpt of untrusted text for an error message.
std::string excerpt(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < kQuoteChars; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (text.size() > kQuoteChars) out += "...";
  return "'" + out + "'";
}

const char* json_type(const nlohmann::json& value) { return value.type_name(); }

// The non-empty string field `key` of `object`; `where` is "file:line".
std::string string_field(const nlohmann::json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) {
    throw UserError(where + ": missing field \"" + key +
                    "\" (a BLiMP line needs sentence_good, sentence_bad, field, linguistics_term, UID)");
  }
  if (!it->is_string()) {
    throw UserError(where + ": field \"" + key + "\" must be a string, found " + json_type(*it));
  }
  std::string value = it->get<std::string>();
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw UserError(where + ": field \"" + key + "\" is empty");
  }
  return value;
}

// Fails when a per-file field differs from the value the file's first pair set.
void require_same(const std::string& first, const std::string& value, const char* key, const std::string& where) {
  if (value != first) {
    throw UserError(where + ": " + key + " " + excerpt(value) + " differs from " + excerpt(first) +
                    " on the file's first pair (one paradigm per file)");
  }
}

}  // namespace

BlimpParadigm read_blimp_file(const std::string& path, int64_t max_pairs) {
  SASMLM_CHECK(max_pairs >= 0, "max_pairs must be >= 0");
  const std::string text = read_file(path, "BLiMP file");
  BlimpParadigm paradigm;
  size_t start = 0;
  int64_t line_number = 0;
  while (start < text.size() && (max_pairs == 0 || int64_t(paradigm.pairs.size()) < max_pairs)) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;

    const std::string where = path + ":" + std::to_string(line_number);
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw UserError(where + ": not valid JSON (" + e.what() + "); found " + excerpt(line));
    }
    if (!object.is_object()) {
      throw UserError(where + ": expected a JSON object per line, found " + std::string(json_type(object)));
    }
    BlimpPair pair{string_field(object, "sentence_good", where), string_field(object, "sentence_bad", where)};
    const std::string uid = string_field(object, "UID", where);
    const std::string field = string_field(object, "field", where);
    const std::string phenomenon = string_field(object, "linguistics_term", where);
    if (paradigm.pairs.empty()) {
      paradigm.name = uid;
      paradigm.field = field;
      paradigm.phenomenon = phenomenon;
    } else {
      require_same(paradigm.name, uid, "UID", where);
      require_same(paradigm.field, field, "field", where);
      require_same(paradigm.phenomenon, phenomenon, "linguistics_term", where);
    }
    paradigm.pairs.push_back(std::move(pair));
  }
  if (paradigm.pairs.empty()) throw UserError(path + ": no minimal pairs (the file is empty)");
  return paradigm;
}

std::vector<BlimpParadigm> read_blimp_dir(const std::string& dir, int64_t max_pairs_per_paradigm) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw UserError("BLiMP directory " + dir + " does not exist or is not a directory (expected one " +
                    "<paradigm>.jsonl file per paradigm, as in BLiMP's data/ or `sasmlm synth`'s blimp/)");
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".jsonl" && it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) throw UserError("cannot list BLiMP directory " + dir + ": " + ec.message());
  if (files.empty()) throw UserError("BLiMP directory " + dir + " holds no .jsonl file");
  std::sort(files.begin(), files.end());

  std::vector<BlimpParadigm> paradigms;
  std::map<std::string, std::string> file_of_uid;
  for (const fs::path& file : files) {
    paradigms.push_back(read_blimp_file(file.string(), max_pairs_per_paradigm));
    const auto [it, inserted] = file_of_uid.emplace(paradigms.back().name, file.string());
    if (!inserted) {
      throw UserError(file.string() + ": UID " + excerpt(paradigms.back().name) + " is also the UID of " +
                      it->second + " (each paradigm must have one file)");
    }
  }
  return paradigms;
}

}  // namespace sasmlm
