// Reading TensorBoard event files back (the framing and the Event fields sasmlm writes), and rewriting a run's event
// files without the steps an interrupted run wrote after its last checkpoint, so that a resumed run's dashboard
// (and any reader: TensorBoard, tbparse, a hand-written loop) holds each step once, as metrics.jsonl does.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sasmlm {

struct TensorBoardEvent {
  int64_t step = 0;
  bool has_summary = false;                            // false for the file-version record
  std::vector<std::pair<std::string, float>> scalars;  // (tag, simple_value) of its summary
  std::vector<std::string> other_tags;                 // summary values that are not simple scalars (hparams)
  std::string record;                                  // the whole framed record, as read
};

// Every complete record of an event file, in order. Reading stops at the first torn or corrupt record (a run
// killed mid-write leaves one); `intact` tells whether the file ended cleanly.
std::vector<TensorBoardEvent> read_tensorboard_events(const std::string& path, bool* intact = nullptr);

// Rewrites each `events.out.tfevents.*` file directly in `dir` (not below it) without the events after `step` and
// without a torn tail; a file left with no summary is removed. step < 0 drops every event (a run starting again at
// step 0). Each rewrite is atomic. Returns how many events were dropped. A missing `dir` is nothing to do.
int64_t drop_tensorboard_events_after(const std::string& dir, int64_t step);

}  // namespace sasmlm
