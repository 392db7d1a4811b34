/* tnnc command-line driver.
 *
 *   tnnc model.onnx -o model.c [--prefix NAME] [--emit-main] [--batch N]
 *        [--const-input NAME=FILE.npy]... [--dump-ir[=after-PASS]]
 *   tnnc --list-ops | --version | --help
 *
 * Exit status: 0 success, 1 bad or unsupported model, 2 bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ir/ir.h"

static void usage(FILE *f) {
  int n;
  const Pass *p = pipeline_passes(&n);
  fputs("usage: tnnc MODEL.onnx -o OUT.c [options]\n"
        "\n"
        "Compiles an ONNX model into one self-contained C file OUT.c and its\n"
        "header OUT.h (int <prefix>_run(inputs..., outputs..., workspace)).\n"
        "\n"
        "options:\n"
        "  -o FILE             output C file (the header is FILE with .h)\n"
        "  --prefix NAME       C symbol prefix (default: from the output name)\n"
        "  --emit-main         add main(): prog IN.npy... OUT.npy...\n"
        "  --batch N           value of a symbolic batch dimension (default 1)\n"
        "  --report[=json]     print per weighted layer: op, nodes, weight shape,\n"
        "                      bits, scale granularity, bytes, MACs; totals and\n"
        "                      the compression ratio (no -o needed)\n"
        "  --quantize=binary|ternary|auto\n"
        "                      quantize float layers' weights (post-training);\n"
        "                      auto picks per layer the cheaper form within\n"
        "                      --tolerance (relative L2 error, default 0.5);\n"
        "                      the first and last layers stay float unless\n"
        "                      --quantize-all.  Without it the numerics of the\n"
        "                      model never change.\n"
        "  --tolerance T       see --quantize=auto\n"
        "  --quantize-all      quantize the first and last layers too\n"
        "  --pack=2bit|base3   ternary storage: 2 bits (default) or 1.6 bits\n"
        "  --float-acts        keep binary/ternary activations as floats (by\n"
        "                      default a layer between two activation\n"
        "                      quantizers runs XOR/popcount on packed bits)\n"
        "  --weights=inline|extern\n"
        "                      where the constants go: inline (default) as\n"
        "                      arrays in OUT.c; extern into OUT.bin (OUT.c less\n"
        "                      .c), whose address the run function then takes\n"
        "                      as its last argument `const void *weights`\n"
        "  --target=generic|x86-64-v3|x86-64-v4|aarch64\n"
        "                      SIMD variant of the kernels: the output then\n"
        "                      requires the matching compiler flags (e.g.\n"
        "                      -march=x86-64-v4); generic is portable scalar.\n"
        "                      Default: whatever the C compiler enables.\n"
        "  --const-input NAME=FILE.npy\n"
        "                      fix runtime input NAME to the array in FILE.npy\n"
        "                      (for inputs that decide shapes: Reshape's shape,\n"
        "                      axes, pads...); it leaves the run function\n"
        "  --dump-ir[=after-PASS]\n"
        "                      print the IR after the last pass or after PASS:\n"
        "                     ",
        f);
  for (int i = 0; i < n; i++) fprintf(f, " %s", p[i].name);
  fputs("\n"
        "  --limit KEY=N       raise or lower a bound; a model beyond one is\n"
        "                      refused.  KEY: elements (per tensor, default\n"
        "                      2^30), weight-bytes (2^31), nodes (10^6),\n"
        "                      depth (10^5), memory (compile-time bytes, 2^33)\n"
        "  --list-ops          print the supported ONNX operators, one per line\n"
        "  --version           print the version\n"
        "  --help              print this help\n"
        "\n"
        "exit status: 0 success, 1 bad or unsupported model, 2 bad usage\n",
        f);
}

static int bad_usage(const char *msg, const char *arg) {
  fprintf(stderr, "tnnc: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  fputs("try 'tnnc --help'\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  tnnc_options o = {0};
  o.diag_sink = stderr;
  o.batch = 1;
  size_t cl = 1;
  for (int i = 0; i < argc; i++) cl += strlen(argv[i]) + 1;
  char *cmd = calloc(cl, 1);
  if (!cmd) return 1;
  for (int i = 0; i < argc; i++) {
    if (i) strcat(cmd, " ");
    strcat(cmd, i == 0 ? "tnnc" : argv[i]);
  }
  o.command_line = cmd;
  const char **consts = calloc((size_t)argc + 1, sizeof *consts);
  if (!consts) {
    free(cmd);
    return 1;
  }
  o.const_inputs = consts;
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      goto out;
    } else if (strcmp(a, "--list-ops") == 0) {
      for (int k = 0; k < OP_COUNT; k++) {
        if (!op_is_qonnx((Op)k)) puts(op_name((Op)k));
        for (int d = 0; op_is_qonnx((Op)k) && op_qonnx_domain(d); d++)
          printf("%s:%s\n", op_qonnx_domain(d), op_name((Op)k));
      }
      goto out;
    } else if (strcmp(a, "--const-input") == 0 || strncmp(a, "--const-input=", 14) == 0) {
      const char *v = a[13] == '=' ? a + 14 : (++i < argc ? argv[i] : NULL);
      if (!v || !strchr(v, '=') || v[0] == '=') {
        rc = bad_usage("--const-input needs NAME=FILE.npy", v);
        goto out;
      }
      consts[o.nconst_inputs++] = v;
    } else if (strcmp(a, "--limit") == 0 || strncmp(a, "--limit=", 8) == 0) {
      const char *v = a[7] == '=' ? a + 8 : (++i < argc ? argv[i] : NULL);
      const char *eq = v ? strchr(v, '=') : NULL;
      char *end = NULL;
      long long n = eq ? strtoll(eq + 1, &end, 10) : 0;
      if (!eq || !eq[1] || *end || n < 1) {
        rc = bad_usage("--limit needs KEY=N with N >= 1", v);
        goto out;
      }
      size_t kl = (size_t)(eq - v);
      int64_t *slot = NULL;
      if (kl == 8 && strncmp(v, "elements", 8) == 0) slot = &o.limits.max_tensor_elements;
      else if (kl == 12 && strncmp(v, "weight-bytes", 12) == 0) slot = &o.limits.max_weight_bytes;
      else if (kl == 5 && strncmp(v, "nodes", 5) == 0) slot = &o.limits.max_nodes;
      else if (kl == 5 && strncmp(v, "depth", 5) == 0) slot = &o.limits.max_graph_depth;
      else if (kl == 6 && strncmp(v, "memory", 6) == 0) slot = &o.limits.max_arena_bytes;
      if (!slot) { rc = bad_usage("unknown --limit key (see --help)", v); goto out; }
      *slot = n;
    } else if (strcmp(a, "--report") == 0 || strcmp(a, "--report=text") == 0) {
      o.report = 1;
    } else if (strcmp(a, "--report=json") == 0) {
      o.report = 2;
    } else if (strncmp(a, "--quantize=", 11) == 0) {
      const char *v = a + 11;
      o.quantize = strcmp(v, "binary") == 0 ? 1 : strcmp(v, "ternary") == 0 ? 2
                   : strcmp(v, "auto") == 0 ? 3 : -1;
      if (o.quantize < 0) { rc = bad_usage("--quantize takes binary, ternary or auto", v); goto out; }
    } else if (strncmp(a, "--target=", 9) == 0) {
      const char *v = a + 9;
      if (strcmp(v, "generic") && strcmp(v, "x86-64-v3") && strcmp(v, "x86-64-v4") &&
          strcmp(v, "aarch64")) {
        rc = bad_usage("--target takes generic, x86-64-v3, x86-64-v4 or aarch64", v);
        goto out;
      }
      o.target = v;
    } else if (strcmp(a, "--quantize-all") == 0) {
      o.quantize_all = true;
    } else if (strcmp(a, "--tolerance") == 0 || strncmp(a, "--tolerance=", 12) == 0) {
      const char *v = a[11] == '=' ? a + 12 : (++i < argc ? argv[i] : NULL);
      char *end = NULL;
      double t = v ? strtod(v, &end) : 0;
      if (!v || *end || !(t > 0 && t <= 10)) { rc = bad_usage("--tolerance needs a number in (0, 10]", v); goto out; }
      o.tolerance = t;
    } else if (strcmp(a, "--pack=2bit") == 0 || strcmp(a, "--pack=base3") == 0) {
      o.pack_base3 = a[7] == 'b';
    } else if (strcmp(a, "--weights=inline") == 0 || strcmp(a, "--weights=extern") == 0) {
      o.weights_extern = a[10] == 'e';
    } else if (strcmp(a, "--float-acts") == 0) {
      o.float_acts = true;
    } else if (strcmp(a, "--version") == 0) {
      printf("tnnc %s\n", TNNC_VERSION);
      goto out;
    } else if (strcmp(a, "-o") == 0) {
      if (++i >= argc) { rc = bad_usage("-o needs a file name", NULL); goto out; }
      o.output_c = argv[i];
    } else if (strcmp(a, "--prefix") == 0) {
      if (++i >= argc) { rc = bad_usage("--prefix needs a name", NULL); goto out; }
      o.prefix = argv[i];
      bool okp = o.prefix[0] && !(o.prefix[0] >= '0' && o.prefix[0] <= '9');
      for (const char *p = o.prefix; *p; p++)
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9')))
          okp = false;
      if (!okp) { rc = bad_usage("--prefix must be a C identifier", o.prefix); goto out; }
    } else if (strcmp(a, "--emit-main") == 0) {
      o.emit_main = true;
    } else if (strcmp(a, "--batch") == 0 || strncmp(a, "--batch=", 8) == 0) {
      const char *v = a[7] == '=' ? a + 8 : (++i < argc ? argv[i] : NULL);
      char *end;
      long long b = v ? strtoll(v, &end, 10) : 0;
      if (!v || *end || b < 1 || b > (1LL << 30)) {
        rc = bad_usage("--batch needs a positive integer", v);
        goto out;
      }
      o.batch = b;
    } else if (strcmp(a, "--dump-ir") == 0) {
      o.dump_ir = "";
    } else if (strncmp(a, "--dump-ir=", 10) == 0) {
      const char *pass = a + 10;
      if (strncmp(pass, "after-", 6) == 0) pass += 6;
      int n;
      const Pass *p = pipeline_passes(&n);
      bool found = false;
      for (int k = 0; k < n; k++)
        if (strcmp(p[k].name, pass) == 0) found = true;
      if (!found) { rc = bad_usage("unknown pass in --dump-ir (see --help)", a + 10); goto out; }
      o.dump_ir = pass;
    } else if (a[0] == '-' && a[1]) {
      rc = bad_usage("unknown option", a);
      goto out;
    } else if (o.input_path) {
      rc = bad_usage("more than one model given", a);
      goto out;
    } else {
      o.input_path = a;
    }
  }
  if (!o.input_path) { rc = bad_usage("no model given", NULL); goto out; }
  if (!o.output_c && !o.dump_ir && !o.report) { rc = bad_usage("no output given (-o FILE.c)", NULL); goto out; }
  switch (tnnc_compile(&o)) {
  case TNNC_OK: rc = 0; break;
  case TNNC_ERR_USAGE: rc = 2; break;
  default: rc = 1; break;
  }
out:
  free(consts);
  free(cmd);
  return rc;
}
