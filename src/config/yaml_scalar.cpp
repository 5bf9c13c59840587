#include "yaml_scalar.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sasmlm {
namespace {

constexpr size_t kMaxShownChars = 60;  // longer values are cut in messages

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Lower-cases ASCII letters, for the case-insensitive special values (inf, NaN, .INF).
std::string ascii_lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

}  // namespace

IntParse parse_int64(const std::string& text, int64_t* out) {
  size_t start = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  if (start == text.size()) return IntParse::kNotInteger;
  for (size_t i = start; i < text.size(); ++i) {
    if (!is_digit(text[i])) return IntParse::kNotInteger;
  }
  // from_chars takes '-' but not '+'.
  const char* first = text.data() + (text[0] == '+' ? 1 : 0);
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, *out);
  if (ec == std::errc::result_out_of_range) return IntParse::kOutOfRange;
  return (ec == std::errc() && ptr == last) ? IntParse::kOk : IntParse::kNotInteger;
}

bool parse_double(const std::string& text, double* out) {
  if (text.empty()) return false;
  bool negative = text[0] == '-';
  std::string body = (text[0] == '+' || text[0] == '-') ? text.substr(1) : text;
  std::string lower = ascii_lower(body);
  if (lower == ".inf" || lower == "inf" || lower == "infinity") {
    *out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (lower == ".nan" || lower == "nan") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // Digits, at most one '.', then an optional exponent; at least one digit before the exponent.
  size_t i = 0, digits = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < body.size() && is_digit(body[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  if (i != body.size()) return false;
  double value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  // Out of range: overflow reads as infinity (rejected later as not finite), underflow as zero.
  if (ec == std::errc::result_out_of_range) {
    value = std::abs(std::strtod(body.c_str(), nullptr));
  } else if (ec != std::errc() || ptr != body.data() + body.size()) {
    return false;
  }
  *out = negative ? -value : value;
  return true;
}

bool parse_bool(const std::string& text, bool* out) {
  if (text == "true") {
    *out = true;
    return true;
  }
  if (text == "false") {
    *out = false;
    return true;
  }
  return false;
}

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (text.size() > kMaxShownChars) text = text.substr(0, kMaxShownChars) + "...";
      return "'" + text + "'";
    }
    default:
      return "an empty value";
  }
}

std::string format_number(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return std::to_string(value);
  return std::string(buffer, ptr);
}

std::string format_double_yaml(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  std::string text = format_number(value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string quote_yaml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof(escape), "\\x%02x", static_cast<unsigned char>(c));
          out += escape;
        } else {
          out += c;  // UTF-8 bytes pass through: YAML files are UTF-8
        }
    }
  }
  return out + "\"";
}

}  // namespace sasmlm
