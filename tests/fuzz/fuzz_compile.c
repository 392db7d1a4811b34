/* libFuzzer target: ONNX bytes through the whole compiler - import,
 * verification, every pass, and C emission (to /dev/null).
 *
 * Built by tests/fuzz/run_fuzz.sh with clang -fsanitize=fuzzer,address,
 * undefined.  The limits are lowered so that one input cannot take more
 * than a few hundred MB or a second: a model beyond them must be refused
 * with a diagnostic, which is itself part of what is tested. */
#include <stdint.h>
#include <stdio.h>

#include "tnnc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *null_c, *null_h;
  if (!null_c) null_c = fopen("/dev/null", "w");
  if (!null_h) null_h = fopen("/dev/null", "w");
  if (!null_c || !null_h) return 0;
  tnnc_options o = {0};
  o.input_path = "fuzz.onnx";
  o.input_bytes = size ? data : (const uint8_t *)"";
  o.input_len = size;
  o.output_c_stream = null_c;
  o.output_h_stream = null_h;
  o.emit_main = size & 1;
  o.batch = 1 + (int64_t)(size % 3);
  o.diag_sink = NULL;
  o.limits.max_tensor_elements = 1 << 20;
  o.limits.max_weight_bytes = 16 << 20;
  o.limits.max_nodes = 5000;
  o.limits.max_graph_depth = 5000;
  o.limits.max_arena_bytes = 256 << 20;
  tnnc_compile(&o);
  return 0;
}
