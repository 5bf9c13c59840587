// Checkpoints: everything an exact resume needs, in one self-verifying file.
//
// File layout (little-endian):
//   char[8]  magic "SASMCKPT"
//   uint32   format version (kCheckpointVersion)
//   uint64   metadata length M, then M bytes of JSON metadata (step, config YAML, tokenizer checksum, loader step,
//            counters, library version)
//   uint64   payload length P, then P bytes: a torch serialize archive with model/*, optimizer, rng/* tensors and
//            the tokenizer model bytes
//   uint32   CRC-32 of every byte before it
// Written to a temporary name, fsynced, renamed: a crash leaves the previous checkpoint intact. Readers verify magic,
// version, lengths and the CRC before trusting anything, and name the file when they refuse it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sasmlm {

constexpr uint32_t kCheckpointVersion = 1;


// Serializes metadata + archive into `path` atomically.
void write_checkpoint(const std::string& path, const nlohmann::json& metadata,
                      torch::serialize::OutputArchive& archive);

struct LoadedCheckpoint {
  std::string path;
  nlohmann::json metadata;
  std::string payload;  // torch archive bytes; open with open_payload()
};

// Reads and verifies a checkpoint; throws UserError "<path>: <problem>" on any corruption.
LoadedCheckpoint read_checkpoint(const std::string& path);

// Opens a verified payload as an InputArchive.
void open_payload(const LoadedCheckpoint& checkpoint, torch::serialize::InputArchive& archive);

// Checkpoint file name for a step: step_00001234.ckpt
std::string checkpoint_name(int64_t step);

// The step in a checkpoint file name (the last component of `path`, as checkpoint_name writes it: "step_", decimal
// digits, ".ckpt"); -1 for any other name, such as a writer's temporary step_N.ckpt.tmp.<pid>.
int64_t checkpoint_step(const std::string& path);

// What identifies a checkpoint file's contents without reading it all: its size and the CRC-32 stored in its last
// four bytes (the CRC of everything before it, which read_checkpoint verifies). Used to tell whether an output made
// from a checkpoint (an HF export) is still the output of the file now at that path. UserError when the file cannot
// be read or is shorter than a CRC.
struct CheckpointIdentity {
  uint64_t bytes = 0;
  uint32_t crc32 = 0;
};
CheckpointIdentity checkpoint_identity(const std::string& path);

// Checkpoints in `dir`, newest (highest step) first.
std::vector<std::string> list_checkpoints(const std::string& dir);

// The newest checkpoint of `dir` that verifies, and why each newer one did not ("PATH: problem").
struct CheckpointSearch {
  std::optional<LoadedCheckpoint> newest_valid;
  std::vector<std::string> rejected;
};
CheckpointSearch find_newest_valid_checkpoint(const std::string& dir);

// The newest checkpoint that verifies; corrupt ones are skipped with a warning naming them. nullopt if none.
std::optional<LoadedCheckpoint> newest_valid_checkpoint(const std::string& dir);

// `--resume auto`: the newest checkpoint that verifies (newer damaged ones are skipped with a warning naming them);
// nullopt when `dir` holds no checkpoint at all. When it holds checkpoints but none verifies, throws UserError listing
// each file and why, and nothing has been changed: starting over is the user's explicit choice.
std::optional<LoadedCheckpoint> resume_auto_checkpoint(const std::string& dir);

// Deletes periodic checkpoints beyond the newest `keep_last` that verify, never the steps listed in `keep_steps`, and
// the partial temporaries (step_N.ckpt.tmp.<pid>) of writers that are no longer running. Files that do not verify
// are neither counted nor deleted (a warning names them once), so the newest valid checkpoint always survives.
void prune_checkpoints(const std::string& dir, int64_t keep_last, const std::vector<int64_t>& keep_steps);

}  // namespace sasmlm
