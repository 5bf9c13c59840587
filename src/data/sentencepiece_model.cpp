#include "sasmlm/data/sentencepiece_model.h"

#include <cstdint>
#include <cstring>
#include <string_view>

#include "sasmlm/core/error.h"
#include "sasmlm/core/logging.h"
#include "sasmlm/data/tokenizer.h"

namespace sasmlm {
namespace {

constexpr int kWireVarint = 0, kWireFixed64 = 1, kWireBytes = 2, kWireFixed32 = 5;

// The fields of one protobuf message, in order: varints, length-delimited bytes and fixed32 (floats) are kept;
// fixed64 is skipped. Anything running past the end is a UserError.
class ProtoFields {
 public:
  ProtoFields(std::string_view bytes, const std::string& what) : rest_(bytes), what_(what) {}

  bool next() {
    if (rest_.empty()) return false;
    const uint64_t key = read_varint();
    field_ = int(key >> 3);
    wire_ = int(key & 7);
    if (wire_ == kWireVarint) {
      varint_ = read_varint();
    } else if (wire_ == kWireBytes) {
      const uint64_t n = read_varint();
      if (n > rest_.size()) fail("a field runs past the end");
      bytes_ = rest_.substr(0, size_t(n));
      rest_.remove_prefix(size_t(n));
    } else if (wire_ == kWireFixed32) {
      if (rest_.size() < 4) fail("a field runs past the end");
      std::memcpy(&fixed32_, rest_.data(), 4);  // little-endian, as on every platform sasmlm builds for
      rest_.remove_prefix(4);
    } else if (wire_ == kWireFixed64) {
      if (rest_.size() < 8) fail("a field runs past the end");
      rest_.remove_prefix(8);
    } else {
      fail("unknown wire type " + std::to_string(wire_));
    }
    return true;
  }
  bool is(int field, int wire) const { return field_ == field && wire_ == wire; }
  bool is_bytes() const { return wire_ == kWireBytes; }
  int field() const { return field_; }
  uint64_t varint() const { return varint_; }
  std::string_view bytes() const { return bytes_; }
  float fixed32_float() const {
    float f;
    std::memcpy(&f, &fixed32_, 4);
    return f;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw UserError(cat(what_, ": not a SentencePiece model (", why, ")"));
  }
  uint64_t read_varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) fail("a varint runs past the end");
      const uint8_t byte = uint8_t(rest_.front());
      rest_.remove_prefix(1);
      value |= uint64_t(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    fail("a varint is longer than 10 bytes");
  }

  std::string_view rest_;
  const std::string& what_;
  int field_ = 0, wire_ = 0;
  uint64_t varint_ = 0;
  uint32_t fixed32_ = 0;
  std::string_view bytes_;
};

}  // namespace

SentencePieceModel read_sentencepiece_model(const std::string& bytes, const std::string& what) {
  SentencePieceModel model;
  ProtoFields fields(bytes, what);
  while (fields.next()) {
    if (!fields.is_bytes()) continue;
    ProtoFields inner(fields.bytes(), what);
    if (fields.field() == 1) {  // repeated SentencePiece pieces: piece = 1, score = 2, type = 3
      SentencePieceEntry piece;
      while (inner.next()) {
        if (inner.is(1, kWireBytes)) piece.text = std::string(inner.bytes());
        if (inner.is(2, kWireFixed32)) piece.score = inner.fixed32_float();
        if (inner.is(3, kWireVarint)) piece.type = SentencePieceType(int(inner.varint()));
      }
      model.pieces.push_back(std::move(piece));
    } else if (fields.field() == 2) {  // TrainerSpec: model_type = 3
      while (inner.next()) {
        if (inner.is(3, kWireVarint)) model.type = SentencePieceModelType(int(inner.varint()));
      }
    } else if (fields.field() == 3) {  // NormalizerSpec: name = 1, add_dummy_prefix = 3
      while (inner.next()) {
        if (inner.is(1, kWireBytes)) model.normalizer = std::string(inner.bytes());
        if (inner.is(3, kWireVarint)) model.dummy_prefix = inner.varint() != 0;
      }
    }
  }
  return model;
}

std::string sasmlm_kind_mismatch(const SentencePieceModel& model) {
  if (model.normalizer != "identity") return "its normalizer is '" + model.normalizer + "', not 'identity'";
  if (!model.dummy_prefix) return "add_dummy_prefix is off";
  if (model.type != SentencePieceModelType::kUnigram && model.type != SentencePieceModelType::kBpe) {
    return cat("its model type (", int(model.type), ") is neither unigram (1) nor bpe (2)");
  }
  for (int32_t id = 0; id < kNumSpecialTokens; ++id) {
    const SentencePieceType expected = id == kUnkId ? SentencePieceType::kUnknown : SentencePieceType::kControl;
    if (int32_t(model.pieces.size()) <= id || model.pieces[size_t(id)].text != kSpecialPieces[id] ||
        model.pieces[size_t(id)].type != expected) {
      return cat("id ", id, " is not sasmlm's special piece ", kSpecialPieces[id]);
    }
  }
  for (size_t id = kNumSpecialTokens; id < model.pieces.size(); ++id) {
    const SentencePieceType type = model.pieces[id].type;
    if (type != SentencePieceType::kNormal && type != SentencePieceType::kByte) {
      return cat("piece ", id, " '", model.pieces[id].text, "' has type ", int(type),
                 " (only normal and byte pieces follow the special ones)");
    }
  }
  return "";
}

}  // namespace sasmlm
