#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sasmlm/core/error.h"
#include "sasmlm/core/file_util.h"
#include "sasmlm/train/checkpoint.h"
#include "sasmlm/train/training_state.h"
#include "test_util.h"

namespace sasmlm {
namespace {

void write_step(const std::filesystem::path& dir, int64_t step) {
  torch::serialize::OutputArchive archive;
  archive.write("weights", torch::full({64}, double(step)));
  write_checkpoint((dir / checkpoint_name(step)).string(), {{"step", step}}, archive);
}

std::string expect_user_error(const std::string& path) {
  try {
    read_checkpoint(path);
  } catch (const UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected UserError for " << path;
  return "";
}

}  // namespace

TEST(Checkpoint, RoundTrip) {
  test::TempDir dir;
  write_step(dir.path(), 7);
  auto loaded = read_checkpoint((dir / checkpoint_name(7)).string());
  EXPECT_EQ(loaded.metadata["step"], 7);
  torch::serialize::InputArchive archive;
  open_payload(loaded, archive);
  torch::Tensor w;
  archive.read("weights", w);
  EXPECT_TRUE(torch::equal(w, torch::full({64}, 7.0)));
}

TEST(Checkpoint, TruncatedAndFlippedAreDetectedAndTheOlderOneIsUsed) {
  test::TempDir dir;
  write_step(dir.path(), 10);
  write_step(dir.path(), 20);
  const std::string newest = (dir / checkpoint_name(20)).string();
  const std::string bytes = read_file(newest);

  // Truncated.
  write_file_atomic(newest, bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(expect_user_error(newest).find(newest + ": truncated checkpoint"), std::string::npos);
  auto chosen = newest_valid_checkpoint(dir.path().string());
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->metadata["step"], 10);

  // One byte flipped in the payload.
  std::string flipped = bytes;
  flipped[bytes.size() - 100] ^= 0x20;
  write_file_atomic(newest, flipped);
  EXPECT_NE(expect_user_error(newest).find(newest + ": checkpoint checksum mismatch"), std::string::npos);
  EXPECT_EQ(newest_valid_checkpoint(dir.path().string())->metadata["step"], 10);

  // Bad magic and a future version.
  std::string other = bytes;
  other[0] = 'X';
  write_file_atomic(newest, other);
  EXPECT_EQ(expect_user_error(newest), newest + ": not a sasmlm checkpoint (bad magic)");
  other = bytes;
  other[8] = 9;
  write_file_atomic(newest, other);
  EXPECT_EQ(expect_user_error(newest), newest + ": checkpoint format version 9, this build reads 1");
}

TEST(Checkpoint, NoneValidGivesNullopt) {
  test::TempDir dir;
  EXPECT_FALSE(newest_valid_checkpoint(dir.path().string()).has_value());
  write_file_atomic(dir / checkpoint_name(5), "garbage");
  EXPECT_FALSE(newest_valid_checkpoint(dir.path().string()).has_value());
}

TEST(Checkpoint, PruneKeepsLastNAndListedSteps) {
  test::TempDir dir;
  for (int64_t s : {1, 2, 3, 4, 5, 6}) write_step(dir.path(), s);
  prune_checkpoints(dir.path().string(), 2, {1, 3});
  auto left = list_checkpoints(dir.path().string());
  std::vector<std::string> names;
  for (auto& p : left) names.push_back(std::filesystem::path(p).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{checkpoint_name(6), checkpoint_name(5), checkpoint_name(3),
                                             checkpoint_name(1)}));
}

// The one reading of a checkpoint file name, shared by the checkpoint listing and `sasmlm eval --run`.
TEST(Checkpoint, StepIsReadFromTheNameCheckpointNameWrites) {
  EXPECT_EQ(checkpoint_step(checkpoint_name(1234)), 1234);
  EXPECT_EQ(checkpoint_step("run/checkpoints/" + checkpoint_name(0)), 0);
  EXPECT_EQ(checkpoint_step("step_99999999999.ckpt"), 99999999999);
  for (const char* other :
       {"step_00000012.ckpt.tmp.4242", "step_.ckpt", "step_12abc.ckpt", "step_-3.ckpt", "step_+3.ckpt", "step_ 3.ckpt",
        "model.ckpt", "step_3.pt", "step_99999999999999999999.ckpt"}) {
    EXPECT_EQ(checkpoint_step(other), -1) << other;
  }
}

// A checkpoint whose CRC matches but whose metadata is not what sasmlm writes (another tool, a hand edit) is refused
// naming the key, not with a JSON library exception (exit code 1) from inside a loader.
TEST(Checkpoint, MetadataOfWrongShapeIsAUserError) {
  test::TempDir dir;
  const std::string path = (dir / checkpoint_name(3)).string();
  auto error_with = [&](const nlohmann::json& meta) {
    torch::serialize::OutputArchive archive;
    archive.write("weights", torch::zeros({2}));
    write_checkpoint(path, meta, archive);
    return expect_user_error(path);
  };
  EXPECT_EQ(error_with(nlohmann::json::array({1, 2})),
            path + ": checkpoint metadata is not a JSON object (found array)");
  EXPECT_EQ(error_with({{"tokens_seen", 5}}), path + ": checkpoint metadata has no step");
  EXPECT_EQ(error_with({{"step", -4}}),
            path + ": checkpoint metadata: step: expected a non-negative integer, found -4");
  EXPECT_EQ(error_with({{"step", 1}, {"tokenizer_checksum", "abc"}}),
            path + ": checkpoint metadata: tokenizer_checksum: expected a CRC-32 (an integer from 0 to 4294967295), "
                   "found \"abc\"");
  EXPECT_EQ(error_with({{"step", 1}, {"model", 7}}),
            path + ": checkpoint metadata: model: expected an object, found 7");
  EXPECT_EQ(error_with({{"step", 1}, {"config_yaml", nlohmann::json::array({1})}}),
            path + ": checkpoint metadata: config_yaml: expected a string, found [1]");

  // Valid container, but not a training checkpoint: the model loader names what is missing.
  torch::serialize::OutputArchive archive;
  archive.write("weights", torch::zeros({2}));
  write_checkpoint(path, {{"step", 1}}, archive);
  try {
    load_model_checkpoint(path);
    ADD_FAILURE() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": checkpoint metadata has no model (hint: is it a checkpoint written by sasmlm train?)");
  }
}

}  // namespace sasmlm
