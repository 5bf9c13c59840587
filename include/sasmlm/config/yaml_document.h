// The one YAML document of a config or sweep file, read safely with yaml-cpp; and one value of it written back as
// one line of YAML (a sweep axis value applied as a --set override).
//
// yaml-cpp 0.7 (Debian 12) has two traps this avoids. YAML::LoadAll never returns on a document that starts with
// ',' (or with an anchor or tag followed by ','): the parser yields an empty document without consuming the token,
// forever, and memory grows until the machine runs out (found by tests/fuzz/fuzz_config). YAML::Load reads only
// the first document and silently ignores the rest of the text, so `a: 1\n---\nb: 2` or `[x]\n,` would pass.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace sasmlm {

// The document in `text`, or a null node when the text holds only comments or nothing. `file` names the text in
// messages. Throws UserError "<file>:<line>: malformed YAML: <problem>" or "<file>:<line>: expected one YAML
// document, found N (remove the '---' separators)".
YAML::Node load_yaml_document(const std::string& text, const std::string& file);

// `node` as one line of flow-style YAML ("[1, 2]", "{a: 1}", a scalar quoted where YAML needs it), so it can be
// applied as an override value and shown in messages.
std::string flow_yaml(const YAML::Node& node);

}  // namespace sasmlm
