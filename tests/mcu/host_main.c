/* The x86 twin of harness.c: the same model.c built with the host's gcc,
 * the same files (N samples of MODEL_INPUT0_SIZE floats in, N outputs out),
 * so the host test can compare the two bit for bit.
 *   host_main IN OUT */
#include <stdio.h>

#include "model.h"

int main(int argc, char **argv) {
  static float input[MODEL_INPUT0_SIZE], output[MODEL_OUTPUT0_SIZE];
  static unsigned char workspace[MODEL_WORKSPACE_SIZE + 1] __attribute__((aligned(64)));
  FILE *in, *out;
  int bad = 0;
  if (argc != 3) {
    fprintf(stderr, "usage: host_main IN OUT\n");
    return 2;
  }
  in = fopen(argv[1], "rb");
  out = fopen(argv[2], "wb");
  if (!in || !out) {
    perror("host_main");
    return 1;
  }
  while (fread(input, sizeof input, 1, in) == 1) {
    bad |= model_run(input, output, workspace) != 0;
    bad |= fwrite(output, sizeof output, 1, out) != 1;
  }
  fclose(in);
  bad |= fclose(out) != 0;
  return bad;
}
