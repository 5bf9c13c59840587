// Strict conversions between YAML scalar text and config values, and the texts used in messages and dumps.
//
// Stricter than yaml-cpp's own as<T>(): an integer is decimal digits only (1.5, 1e3 and 0x10 are refused), a bool
// is exactly true or false, and a number never silently loses its fraction.
#pragma once

#include <cstdint>
#include <string>

namespace YAML {
class Node;
}

namespace sasmlm {

enum class IntParse { kOk, kNotInteger, kOutOfRange };

// Optional sign and decimal digits.
IntParse parse_int64(const std::string& text, int64_t* out);

// Decimal or scientific notation with optional sign; also .inf/.nan (YAML) and inf/nan, which parse so that
// validation can reject them with "must be a finite number". Hex floats are refused.
bool parse_double(const std::string& text, double* out);

// Exactly "true" or "false".
bool parse_bool(const std::string& text, bool* out);

// What the user gave, for "expected X, got <this>": 'text', a list, a map, or an empty value.
std::string describe_node(const YAML::Node& node);

// Shortest text that reads back to the same double ("-1", "0.0005", "1e-12"); for messages.
std::string format_number(double value);

// format_number, with ".0" added when the text would otherwise look like an integer; for dumps.
std::string format_double_yaml(double value);

// A YAML double-quoted scalar with escapes, so any string (empty, "null", "true", "a: b") reads back unchanged.
std::string quote_yaml_string(const std::string& text);

}  // namespace sasmlm
