#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/model/safetensors.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>

namespace sasmlm {
namespace {

using test::TempDir;

// A file built byte by byte from a header object and a data buffer (independent of the writer under test).
std::string make_file(const nlohmann::json& header, const std::string& data) {
  const std::string text = header.dump();
  const uint64_t size = text.size();
  std::string bytes(reinterpret_cast<const char*>(&size), sizeof(size));
  return bytes + text + data;
}

void expect_rejected(const std::filesystem::path& path, const std::string& contents, const std::string& needle) {
  write_file_atomic(path, contents);
  try {
    read_safetensors(path);
    FAIL() << "expected UserError mentioning " << needle;
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(Safetensors, RoundTripsDtypesShapesAndMetadata) {
  TempDir dir;
  const auto path = dir / "t.safetensors";
  const auto a = torch::randn({3, 5});
  const auto b = torch::randn({4}).to(torch::kBFloat16);
  const auto c = torch::arange(6, torch::kInt64).view({2, 3}).t();  // non-contiguous
  const auto d = torch::tensor(2.5, torch::kFloat64);                // 0-dim
  const auto e = torch::zeros({0, 7});                               // empty
  write_safetensors(path, {{"a", a}, {"b", b}, {"c", c}, {"d", d}, {"e", e}}, {{"format", "pt"}});
  const SafetensorsFile file = read_safetensors(path);
  ASSERT_EQ(file.tensors.size(), 5u);
  EXPECT_TRUE(torch::equal(file.tensors.at("a"), a));
  EXPECT_EQ(file.tensors.at("b").scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(file.tensors.at("b"), b));
  EXPECT_TRUE(torch::equal(file.tensors.at("c"), c));
  EXPECT_EQ(file.tensors.at("d").dim(), 0);
  EXPECT_EQ(file.tensors.at("d").item<double>(), 2.5);
  EXPECT_EQ(file.tensors.at("e").sizes().vec(), (std::vector<int64_t>{0, 7}));
  EXPECT_EQ(file.metadata.at("format"), "pt");
}

TEST(Safetensors, LayoutFollowsTheSpecification) {
  TempDir dir;
  const auto path = dir / "t.safetensors";
  write_safetensors(path, {{"x", torch::tensor({1.0f, 2.0f})}, {"y", torch::tensor({7}, torch::kInt32)}});
  const std::string bytes = read_file(path);
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  EXPECT_EQ(header_size % 8, 0u);  // data buffer 8-byte aligned
  const auto header = nlohmann::json::parse(bytes.substr(8, header_size));
  EXPECT_EQ(header["x"]["dtype"], "F32");
  EXPECT_EQ(header["x"]["shape"], nlohmann::json::array({2}));
  EXPECT_EQ(header["x"]["data_offsets"], nlohmann::json::array({0, 8}));
  EXPECT_EQ(header["y"]["dtype"], "I32");
  EXPECT_EQ(header["y"]["data_offsets"], nlohmann::json::array({8, 12}));
  ASSERT_EQ(bytes.size(), 8 + header_size + 12);
  float second = 0.0f;
  std::memcpy(&second, bytes.data() + 8 + header_size + 4, 4);
  EXPECT_EQ(second, 2.0f);
}

TEST(Safetensors, ReadsAHandWrittenFile) {
  TempDir dir;
  const float values[3] = {1.5f, -2.0f, 0.25f};
  const std::string data(reinterpret_cast<const char*>(values), sizeof(values));
  const nlohmann::json header = {{"v", {{"dtype", "F32"}, {"shape", {3}}, {"data_offsets", {0, 12}}}}};
  write_file_atomic(dir / "h.safetensors", make_file(header, data));
  const auto file = read_safetensors(dir / "h.safetensors");
  EXPECT_TRUE(torch::equal(file.tensors.at("v"), torch::tensor({1.5f, -2.0f, 0.25f})));
  EXPECT_TRUE(file.metadata.empty());
}

TEST(Safetensors, RejectsBrokenFiles) {
  TempDir dir;
  const auto path = dir / "bad.safetensors";
  const std::string data(12, '\0');
  auto entry = [](const char* dtype, nlohmann::json shape, uint64_t begin, uint64_t end) {
    return nlohmann::json{{"dtype", dtype}, {"shape", shape}, {"data_offsets", {begin, end}}};
  };
  expect_rejected(path, "abc", "shorter than");
  std::string huge(8, '\xff');
  expect_rejected(path, huge + "{}", "header length");
  {
    const uint64_t size = 100;  // more than the 5 bytes that follow
    expect_rejected(path, std::string(reinterpret_cast<const char*>(&size), 8) + "{\"a\":", "header length");
  }
  {
    std::string text = "{not json}";
    const uint64_t size = text.size();
    expect_rejected(path, std::string(reinterpret_cast<const char*>(&size), 8) + text, "not valid JSON");
  }
  expect_rejected(path, make_file({{"v", entry("F99", {3}, 0, 12)}}, data), "unsupported dtype");
  expect_rejected(path, make_file({{"v", entry("F32", {4}, 0, 12)}}, data), "need 16");
  expect_rejected(path, make_file({{"v", entry("F32", {-3}, 0, 12)}}, data), "non-negative");
  expect_rejected(path, make_file({{"v", entry("F32", {3}, 0, 12)}}, data.substr(0, 8)), "truncated");
  expect_rejected(path, make_file({{"v", entry("F32", {3}, 0, 12)}}, data + "xx"), "trailing");
  expect_rejected(path, make_file({{"v", entry("F32", {2}, 4, 12)}}, data), "holes or overlaps");
  expect_rejected(path,
                  make_file({{"v", entry("F32", {2}, 0, 8)}, {"w", entry("F32", {2}, 4, 12)}}, data),
                  "holes or overlaps");
  expect_rejected(path, make_file({{"v", {{"dtype", "F32"}}}}, data), "data_offsets");
  expect_rejected(path, make_file({{"__metadata__", {{"format", 1}}}}, ""), "__metadata__");
  EXPECT_THROW(read_safetensors(dir / "missing.safetensors"), UserError);
}

}  // namespace
}  // namespace sasmlm
