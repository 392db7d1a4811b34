/* A user of the installed library: compiles argv[1] to argv[2] (and its
 * header) with tnnc_compile from <tnnc.h>, prefix "digits". */
#include <stdio.h>
#include <tnnc.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODEL.onnx OUT.c\n", argv[0]);
    return 2;
  }
  tnnc_options o = {0};
  o.input_path = argv[1];
  o.output_c = argv[2];
  o.prefix = "digits";
  o.batch = 1;
  o.diag_sink = stderr;
  enum tnnc_status st = tnnc_compile(&o);
  printf("tnnc_compile: %d (tnnc %s)\n", (int)st, TNNC_VERSION);
  return st == TNNC_OK ? 0 : 1;
}
