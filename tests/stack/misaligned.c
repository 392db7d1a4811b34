/* The workspace contract of a generated run function: a workspace not
 * aligned to <P>_WORKSPACE_ALIGN makes net_run return 3 (TNN_E_ALIGN)
 * before it reads or writes anything; an aligned one runs (0).  Built by
 * run_stack.sh with -fsanitize=undefined against a model compiled with
 * --prefix net that has one float input and one float output. */
#include <stdio.h>
#include <stdlib.h>

#include "model.c"

int main(void) {
  float *in = calloc(NET_INPUT0_SIZE, sizeof(float));
  float *out = malloc(sizeof(float) * NET_OUTPUT0_SIZE);
  unsigned char *block = malloc(NET_WORKSPACE_SIZE + 2 * NET_WORKSPACE_ALIGN);
  if (!in || !out || !block) return 2;
  unsigned char *ws =
      block + (NET_WORKSPACE_ALIGN - (uintptr_t)block % NET_WORKSPACE_ALIGN) % NET_WORKSPACE_ALIGN;
  memset(out, 0xab, sizeof(float) * NET_OUTPUT0_SIZE);
  for (int off = 1; off < NET_WORKSPACE_ALIGN; off++) {
    const int rc = net_run(in, out, ws + off);
    if (rc != TNN_E_ALIGN) {
      fprintf(stderr, "workspace at +%d: returned %d, expected %d\n", off, rc, TNN_E_ALIGN);
      return 1;
    }
  }
  for (size_t i = 0; i < sizeof(float) * NET_OUTPUT0_SIZE; i++)
    if (((unsigned char *)out)[i] != 0xab) {
      fprintf(stderr, "a misaligned call wrote output byte %zu\n", i);
      return 1;
    }
  const int rc = net_run(in, out, ws);
  if (rc != 0) {
    fprintf(stderr, "aligned workspace: returned %d\n", rc);
    return 1;
  }
  free(in), free(out), free(block);
  return 0;
}
