/* Calls a --weights=extern model (prefix net, one float input, one float
 * output) with good and bad weights pointers and prints each return code:
 *
 *   bad_weights NET.bin   -> "ok=0 null=2 misaligned=3 foreign=4"
 *
 * (the numbers the header documents; run_weights.sh checks them). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  /* room for an aligned copy and a misaligned one */
  unsigned char *raw = malloc(2 * NET_WEIGHTS_SIZE + 3 * NET_WEIGHTS_ALIGN);
  static float in[NET_INPUT0_SIZE], out[NET_OUTPUT0_SIZE];
  void *wsb = malloc(NET_WORKSPACE_SIZE + NET_WORKSPACE_ALIGN), *ws = wsb ? (char *)wsb + (NET_WORKSPACE_ALIGN - (uintptr_t)wsb % NET_WORKSPACE_ALIGN) % NET_WORKSPACE_ALIGN : NULL;
  if (!raw || !ws) return 2;
  unsigned char *w = raw + (NET_WEIGHTS_ALIGN - (uintptr_t)raw % NET_WEIGHTS_ALIGN);
  size_t got = fread(w, 1, NET_WEIGHTS_SIZE, f);
  fclose(f);
  if (got != NET_WEIGHTS_SIZE) return 2;
  int ok = net_run(in, out, ws, w);
  int null = net_run(in, out, ws, NULL);
  unsigned char *mis = w + NET_WEIGHTS_SIZE + NET_WEIGHTS_ALIGN + 8;
  memcpy(mis, w, NET_WEIGHTS_SIZE);
  int misaligned = net_run(in, out, ws, mis);
  w[9] ^= 1;                   /* another blob's content hash */
  int foreign = net_run(in, out, ws, w);
  printf("ok=%d null=%d misaligned=%d foreign=%d\n", ok, null, misaligned, foreign);
  free(raw);
  free(wsb);
  return 0;
}
