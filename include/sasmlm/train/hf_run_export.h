// `sasmlm export --run`: every checkpoint of a run as a Hugging Face directory, HFDIR/checkpoint-<step>/.
//
// Each directory is what export_checkpoint_hf writes (config.json, model.safetensors, tokenizer files) plus
// trainer_state.json: {global_step, step, mlm_loss, sas_loss, lambda, lr, metrics_step, source_checkpoint: {path,
// bytes, crc32}, sasmlm_version}. The losses, lambda and lr come from the run's metrics.jsonl training line at the
// checkpoint's step (metrics_step; the last line at or before it when the step was not logged; null without one).
//
// Incremental and crash-safe: a checkpoint is written into HFDIR/.checkpoint-<step>.tmp.<pid> and renamed into
// place, so a checkpoint-<step> directory exists only complete. One whose trainer_state.json records the size and
// CRC-32 of the checkpoint file now at that step is skipped; one that records another file (the run was resumed
// and rewrote that step) is exported again. Temporaries of killed exports are removed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sasmlm {

constexpr const char* kHfTrainerStateFile = "trainer_state.json";

// HFDIR/checkpoint-<step>.
std::string hf_run_checkpoint_dir(const std::string& out_dir, int64_t step);

struct HfRunExportSummary {
  std::vector<int64_t> exported;       // steps written now, ascending
  std::vector<int64_t> already_done;   // steps whose export was complete and current
  std::vector<std::string> failed;     // "PATH: problem" for checkpoints that did not verify or could not be written
  std::string out_dir;
};

// Exports every checkpoint of run_dir/checkpoints into out_dir ("" = run_dir/hf), oldest first. A checkpoint that
// fails (verification, or a checkpoint-<step> entry there that is not an export of this kind, unless `force`) is
// logged, listed in `failed` and skipped; the others go on. UserError when run_dir has no checkpoints folder.
HfRunExportSummary export_run_hf(const std::string& run_dir, const std::string& out_dir, bool force = false);

}  // namespace sasmlm
