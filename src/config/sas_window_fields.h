// The keys of one sas.schedule window, listed once (config.h's SasWindow has no visit of its own), so the reader,
// the dump and the checks name them alike.
#pragma once

#include "sasmlm/config/config.h"

namespace sasmlm {

// Calls v(name, field, comment) for each key of a window; the plain (non-optional) ones are required.
template <class Window, class V>
void visit_window(Window& window, V& v) {
  v("until", window.until, "exclusive end step; absent on the final window");
  v("lambda", window.lambda, "> 0 suppresses SAS, < 0 promotes it");
  v("ramp_to", window.ramp_to, "if set, lambda moves linearly to ramp_to across the window");
}

}  // namespace sasmlm
