#include "sasmlm/config/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "key_sources.h"
#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

// Records where each document starts and ignores the rest: a first pass that counts documents and notices a
// parser that stopped making progress.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// The 1-based line of `mark` for messages, 0 when it has none. yaml-cpp marks an error found at the end of the
// text (an unclosed '[') one line past the last one: clamp it to the last line.
int line_of(const YAML::Mark& mark, const std::string& text) {
  if (mark.is_null()) return 0;
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') ++lines;
  return std::min(mark.line + 1, std::max(lines, 1));
}

[[noreturn]] void fail(const std::string& file, int line, const std::string& problem) {
  KeySource at{file, line};
  throw UserError(config_message(&at, "", problem));
}

}  // namespace

std::string flow_yaml(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

YAML::Node load_yaml_document(const std::string& text, const std::string& file) {
  // Pass 1: count the documents. Each call to HandleNextDocument must consume input; one that starts where the
  // previous document started is yaml-cpp stuck on a token no node can begin with.
  DocumentStarts handler;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
      const size_t n = handler.starts.size();
      if (n >= 2 && handler.starts[n - 1].pos == handler.starts[n - 2].pos) {
        const YAML::Mark& at = handler.starts[n - 1];
        const size_t pos = static_cast<size_t>(std::max(at.pos, 0));
        const std::string token = pos < text.size() ? "'" + text.substr(pos, 1) + "'" : "text";
        fail(file, line_of(at, text), "malformed YAML: unexpected " + token + " where a value should start");
      }
    }
  } catch (const YAML::Exception& e) {
    fail(file, line_of(e.mark, text), "malformed YAML: " + e.msg);
  }
  if (handler.starts.empty()) return YAML::Node();
  if (handler.starts.size() > 1) {
    fail(file, line_of(handler.starts[1], text),
         "expected one YAML document, found " + std::to_string(handler.starts.size()) +
             " (remove the '---' separators)");
  }
  // Pass 2: build the node of the one document (the text parsed cleanly above).
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail(file, line_of(e.mark, text), "malformed YAML: " + e.msg);
  }
}

}  // namespace sasmlm
