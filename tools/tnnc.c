/* tnnc command-line driver.
 *
 *   tnnc model.onnx -o model.c [--prefix NAME] [--emit-main] [--profile] [--batch N]
 *        [--const-input NAME=FILE.npy]... [--dump-ir[=after-PASS]] ...
 *   tnnc --list-ops | --version | --help
 *
 * Options are parsed by getopt_long: every option with a value takes both
 * `--opt=value` and `--opt value`; the two whose value is optional take the
 * next argument only when it is a value they know (`--report json`,
 * `--dump-ir after-PASS`), so `--report model.onnx` still reads a model.
 *
 * Exit status: 0 success, 1 bad or unsupported model (a model beyond a
 * --limit, compile-time memory included), 2 bad usage, 3 I/O error.
 *
 * While the outputs are written, their temporary files are registered
 * (tnnc_options.temp_file) so that SIGINT, SIGTERM or SIGHUP removes them
 * before the process dies of the signal.  SIGXFSZ (a file beyond
 * RLIMIT_FSIZE) is ignored instead: the write then fails with EFBIG and the
 * library's own error path removes them and tnnc exits 3. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ir/ir.h"

static void usage(FILE *f) {
  int n;
  const Pass *p = pipeline_passes(&n);
  fputs("usage: tnnc MODEL.onnx -o OUT.c [options]\n"
        "       tnnc MODEL.onnx --emit=obj|asm|llvm|bc -o OUT.o [options]\n"
        "       tnnc run MODEL.onnx IN.npy... OUT.npy... [options]\n"
        "       tnnc bench MODEL.onnx [IN.npy...] [--runs N] [--profile] [options]\n"
        "       tnnc --report[=text|json] MODEL.onnx [options]\n"
        "       tnnc --list-ops | --version | --help\n"
        "\n"
        "Compiles an ONNX model into one self-contained C file OUT.c and its\n"
        "header OUT.h (int <prefix>_run(inputs..., outputs..., workspace)).\n"
        "\n"
        "options (every value may also be given as --opt=VALUE):\n"
        "  -o FILE             output C file (the header is FILE with .h); an\n"
        "                      existing FILE must be a regular file, and its\n"
        "                      name must be one #include \"...\" can hold (no\n"
        "                      quotes, backslashes or control characters)\n"
        "  --prefix NAME       C symbol prefix (default: from the output name);\n"
        "                      a C identifier, not starting with '_' or tnn_,\n"
        "                      without '__' or a trailing '_'\n"
        "  --emit c|obj|asm|llvm|bc\n"
        "                      what OUT is: C (default), or through LLVM an\n"
        "                      object, assembly, LLVM IR or bitcode for the\n"
        "                      target (default native); the header is the\n"
        "                      same, and --emit-main then writes the driver\n"
        "                      as OUT_main.c (cc OUT_main.c OUT.o -lm)\n"
        "  --emit-main         add main(): prog IN.npy... OUT.npy...\n"
        "  --profile           --emit-main, and the program times every layer:\n"
        "                      prog [--runs N] IN.npy... OUT.npy... prints per\n"
        "                      layer its median/min time, share, MACs and GMAC/s\n"
        "  --batch N           value of a symbolic batch dimension (default 1)\n"
        "  --report[=text|json]\n"
        "                      print per weighted layer: op, nodes, weight shape,\n"
        "                      bits, scale granularity, bytes, MACs; totals and\n"
        "                      the compression ratio (no -o needed); also\n"
        "                      `--report json` / `--report text`\n"
        "  --quantize binary|ternary|auto\n"
        "                      quantize float layers' weights (post-training);\n"
        "                      auto picks per layer the cheaper form within\n"
        "                      --tolerance (relative L2 error, default 0.5);\n"
        "                      the first and last layers stay float unless\n"
        "                      --quantize-all.  Without it the numerics of the\n"
        "                      model never change.\n"
        "  --tolerance T       see --quantize auto\n"
        "  --quantize-all      quantize the first and last layers too\n"
        "  --pack 2bit|base3   ternary storage: 2 bits (default) or 1.6 bits\n"
        "  --float-acts        keep binary/ternary activations as floats (by\n"
        "                      default a layer between two activation\n"
        "                      quantizers runs XOR/popcount on packed bits)\n"
        "  --quiet             no notes on layers that stay float next to a\n"
        "                      quantizer (--report gives the reasons too)\n"
        "  --target generic|x86-64|x86-64-v2|x86-64-v3|x86-64-v4|native|aarch64|armv7e-m|riscv64\n"
        "                      the machine the output is for: an architecture\n"
        "                      level or CPU (icelake-server, cortex-m4, ...),\n"
        "                      with +FEATURE suffixes (x86-64-v4+vpopcntdq,\n"
        "                      aarch64+dotprod); native is this machine.  The\n"
        "                      output then #errors without the exact compiler\n"
        "                      flags its kernels need; --report names them.\n"
        "                      Default: whatever the C compiler enables.\n"
        "  --weights inline|extern\n"
        "                      where the constants go: inline (default) as\n"
        "                      arrays in OUT.c; extern into OUT.bin (OUT.c less\n"
        "                      .c), whose address the run function then takes\n"
        "                      as its last argument `const void *weights`\n"
        "  --threads N         split each large layer's outputs over N threads\n"
        "                      (1 to 64; default 1, no threads): a pthreads pool\n"
        "                      in OUT.c, built with -pthread; the outputs are\n"
        "                      the same bytes as with one thread (C backend)\n"
        "  --thread-min-work W layers with less work than W multiply-adds (a\n"
        "                      packed one counts 1/16) stay on one thread\n"
        "                      (default 131072; 1 splits every layer it can)\n"
        "  --const-input NAME=FILE.npy\n"
        "                      fix runtime input NAME to the array in FILE.npy\n"
        "                      (for inputs that decide shapes: Reshape's shape,\n"
        "                      axes, pads...); it leaves the run function\n"
        "  --dump-ir[=after-PASS]\n"
        "                      print the IR after the last pass or after PASS\n"
        "                      (also `--dump-ir after-PASS`):\n"
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
        "  -h, --help          print this help\n"
        "\n"
        "tnnc run compiles the model for this machine in-process (LLVM JIT)\n"
        "and runs it on the inputs (one sample, or stacked samples of a\n"
        "single-input model, as the --emit-main program takes them); tnnc bench\n"
        "times it: --runs N (default 20) after 3 warm-ups, median and minimum\n"
        "per sample; --profile adds the time, MACs and kernel variant per layer.\n"
        "\n"
        "exit status: 0 success; 1 bad or unsupported model, or one beyond a\n"
        "--limit (compile-time memory included); 2 bad usage; 3 I/O error\n"
        "(cannot read the model or write an output)\n",
        f);
}

static int bad_usage(const char *msg, const char *arg) {
  fprintf(stderr, "tnnc: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  fputs("try 'tnnc --help'\n", stderr);
  return 2;
}

/* ---- temporary files and signals ---- */

/* The temporary outputs that exist: the one global of tnnc, because a
 * signal handler can reach nothing else.  Written by on_temp_file only,
 * read by on_signal; a pointer store is one machine write. */
static const char *volatile temp_paths[3]; /* .c, .h, --weights=extern .bin */

static void on_temp_file(void *ctx, const char *path, bool created) {
  (void)ctx;
  for (int i = 0; i < 3; i++)
    if (created ? !temp_paths[i] : temp_paths[i] == path) {
      temp_paths[i] = created ? path : NULL;
      return;
    }
}

/* unlink and raise are async-signal-safe; SA_RESETHAND restored the
 * default action, so the raised signal ends the process as it would have. */
static void on_signal(int sig) {
  for (int i = 0; i < 3; i++)
    if (temp_paths[i]) unlink(temp_paths[i]);
  raise(sig);
}

static void install_signal_handlers(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction old, sa;
    /* a signal the parent ignores (nohup, background jobs) stays ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaddset(&sa.sa_mask, sigs[k]);
    sigaction(sigs[i], &sa, NULL);
  }
  signal(SIGXFSZ, SIG_IGN);
}

/* ---- option values ---- */

/* --limit KEY=N: 0, or 1 for a bad N (also one strtoll cannot hold), 2 for
 * an unknown KEY. */
static int parse_limit(tnnc_options *o, const char *v) {
  const char *eq = strchr(v, '=');
  if (!eq || !eq[1]) return 1;
  char *end = NULL;
  errno = 0;
  long long n = strtoll(eq + 1, &end, 10);
  if (*end || errno == ERANGE || n < 1) return 1;
  size_t kl = (size_t)(eq - v);
  static const struct {
    const char *key;
    size_t off;
  } keys[] = {
      {"elements", offsetof(tnnc_limits, max_tensor_elements)},
      {"weight-bytes", offsetof(tnnc_limits, max_weight_bytes)},
      {"nodes", offsetof(tnnc_limits, max_nodes)},
      {"depth", offsetof(tnnc_limits, max_graph_depth)},
      {"memory", offsetof(tnnc_limits, max_arena_bytes)},
  };
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
    if (strlen(keys[k].key) == kl && strncmp(v, keys[k].key, kl) == 0) {
      *(int64_t *)((char *)&o->limits + keys[k].off) = n;
      return 0;
    }
  return 2;
}

/* `--dump-ir=after-PASS` or `=PASS`: the pass name, or NULL. */
static const char *dump_ir_pass(const char *v) {
  if (strncmp(v, "after-", 6) == 0) v += 6;
  int n;
  const Pass *p = pipeline_passes(&n);
  for (int k = 0; k < n; k++)
    if (strcmp(p[k].name, v) == 0) return v;
  return NULL;
}

static void list_ops(void) {
  for (int k = 0; k < OP_COUNT; k++) {
    if (!op_is_qonnx((Op)k)) puts(op_name((Op)k));
    for (int d = 0; op_is_qonnx((Op)k) && op_qonnx_domain(d); d++)
      printf("%s:%s\n", op_qonnx_domain(d), op_name((Op)k));
  }
}

enum {
  OPT_PREFIX = 256, OPT_EMIT_MAIN, OPT_BATCH, OPT_REPORT, OPT_QUANTIZE, OPT_TOLERANCE,
  OPT_QUANTIZE_ALL, OPT_PACK, OPT_FLOAT_ACTS, OPT_TARGET, OPT_CONST_INPUT, OPT_DUMP_IR,
  OPT_LIMIT, OPT_LIST_OPS, OPT_VERSION, OPT_QUIET, OPT_WEIGHTS, OPT_PROFILE, OPT_EMIT, OPT_RUNS,
  OPT_THREADS, OPT_THREAD_MIN_WORK,
};

static const struct option long_options[] = {
    {"prefix", required_argument, NULL, OPT_PREFIX},
    {"emit-main", no_argument, NULL, OPT_EMIT_MAIN},
    {"profile", no_argument, NULL, OPT_PROFILE},
    {"emit", required_argument, NULL, OPT_EMIT},
    {"runs", required_argument, NULL, OPT_RUNS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"thread-min-work", required_argument, NULL, OPT_THREAD_MIN_WORK},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"report", optional_argument, NULL, OPT_REPORT},
    {"quantize", required_argument, NULL, OPT_QUANTIZE},
    {"tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"quantize-all", no_argument, NULL, OPT_QUANTIZE_ALL},
    {"pack", required_argument, NULL, OPT_PACK},
    {"float-acts", no_argument, NULL, OPT_FLOAT_ACTS},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"target", required_argument, NULL, OPT_TARGET},
    {"const-input", required_argument, NULL, OPT_CONST_INPUT},
    {"dump-ir", optional_argument, NULL, OPT_DUMP_IR},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"list-ops", no_argument, NULL, OPT_LIST_OPS},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A decimal count from 1 to max, else -1. */
static long long parse_count(const char *v, long long max) {
  char *end = NULL;
  errno = 0;
  const long long n = strtoll(v, &end, 10);
  return end == v || *end || errno || n < 1 || n > max ? -1 : n;
}

/* Parses argv into o.  Returns -1 to go on compiling, else the exit
 * status (0 after --help, --version, --list-ops). */
static int parse_args(int argc, char **argv, tnnc_options *o, const char **consts,
                      tnnc_run_options *run, const char **files) {
  /* "-" first: operands come back in order as option 1 whatever
   * POSIXLY_CORRECT says, so the model may stand anywhere; after "--"
   * everything is an operand. */
  static const char short_options[] = "-ho:";
  opterr = 1; /* getopt's own messages for unknown options, missing values */
  int c;
  while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
    const char *v = optarg;
    switch (c) {
    case 1:
      if (o->input_path && run) files[run->nfiles++] = v;
      else if (o->input_path) return bad_usage("more than one model given", v);
      else o->input_path = v;
      break;
    case OPT_EMIT: {
      static const char *const kinds[] = {"c", "obj", "asm", "llvm", "bc"};
      int k = 0;
      while (k < 5 && strcmp(v, kinds[k])) k++;
      if (k == 5) return bad_usage("--emit takes c, obj, asm, llvm or bc", v);
      o->emit = k;
      break;
    }
    case OPT_RUNS: {
      if (!run || run->runs == 0) return bad_usage("--runs is an option of tnnc bench", v);
      const long long n = parse_count(v, 1000000);
      if (n < 0) return bad_usage("--runs takes a count from 1 to 1000000", v);
      run->runs = (int)n;
      break;
    }
    case OPT_THREADS: {
      const long long n = parse_count(v, 64);
      if (n < 0) return bad_usage("--threads takes a count from 1 to 64", v);
      o->threads = (int)n;
      break;
    }
    case OPT_THREAD_MIN_WORK: {
      const long long n = parse_count(v, 1LL << 40);
      if (n < 0) return bad_usage("--thread-min-work takes a count from 1 to 2^40", v);
      o->thread_min_work = n;
      break;
    }
    case 'h': usage(stdout); return 0;
    case OPT_LIST_OPS: list_ops(); return 0;
    case OPT_VERSION: printf("tnnc %s\n", TNNC_VERSION); return 0;
    case 'o': o->output_c = v; break;
    case OPT_PREFIX: o->prefix = v; break; /* checked by tnnc_compile */
    case OPT_EMIT_MAIN: o->emit_main = true; break;
    case OPT_PROFILE: o->profile = true; break;
    case OPT_QUANTIZE_ALL: o->quantize_all = true; break;
    case OPT_FLOAT_ACTS: o->float_acts = true; break;
    case OPT_QUIET: o->quiet = true; break;
    case OPT_WEIGHTS:
      if (strcmp(v, "inline") && strcmp(v, "extern"))
        return bad_usage("--weights takes inline or extern", v);
      o->weights_extern = v[0] == 'e';
      break;
    case OPT_CONST_INPUT:
      if (!strchr(v, '=') || v[0] == '=') return bad_usage("--const-input needs NAME=FILE.npy", v);
      consts[o->nconst_inputs++] = v;
      break;
    case OPT_LIMIT:
      switch (parse_limit(o, v)) {
      case 1: return bad_usage("--limit needs KEY=N with 1 <= N <= 2^63-1", v);
      case 2: return bad_usage("unknown --limit key (see --help)", v);
      }
      break;
    case OPT_REPORT:
      if (!v && optind < argc && (strcmp(argv[optind], "json") == 0 ||
                                  strcmp(argv[optind], "text") == 0))
        v = argv[optind++];
      if (v && strcmp(v, "json") && strcmp(v, "text"))
        return bad_usage("--report takes text or json", v);
      o->report = v && strcmp(v, "json") == 0 ? 2 : 1;
      break;
    case OPT_DUMP_IR:
      if (!v && optind < argc && strncmp(argv[optind], "after-", 6) == 0 &&
          dump_ir_pass(argv[optind]))
        v = argv[optind++];
      if (v && !dump_ir_pass(v)) return bad_usage("unknown pass in --dump-ir (see --help)", v);
      o->dump_ir = v ? dump_ir_pass(v) : "";
      break;
    case OPT_QUANTIZE:
      o->quantize = strcmp(v, "binary") == 0 ? 1 : strcmp(v, "ternary") == 0 ? 2
                    : strcmp(v, "auto") == 0 ? 3 : -1;
      if (o->quantize < 0) return bad_usage("--quantize takes binary, ternary or auto", v);
      break;
    case OPT_TARGET:
      o->target = v; /* tnnc_compile checks it (TNNC_ERR_USAGE) */
      break;
    case OPT_PACK:
      if (strcmp(v, "2bit") && strcmp(v, "base3")) return bad_usage("--pack takes 2bit or base3", v);
      o->pack_base3 = v[0] == 'b';
      break;
    case OPT_TOLERANCE: {
      char *end = NULL;
      double t = strtod(v, &end);
      if (end == v || *end || !(t > 0 && t <= 10))
        return bad_usage("--tolerance needs a number in (0, 10]", v);
      o->tolerance = t;
      break;
    }
    case OPT_BATCH: {
      char *end = NULL;
      errno = 0;
      long long b = strtoll(v, &end, 10);
      if (end == v || *end || errno == ERANGE || b < 1 || b > (1LL << 30))
        return bad_usage("--batch needs an integer from 1 to 2^30", v);
      o->batch = b;
      break;
    }
    default: /* '?': getopt has said what is wrong */
      fputs("try 'tnnc --help'\n", stderr);
      return 2;
    }
  }
  for (; optind < argc; optind++) { /* after "--" */
    if (o->input_path && run) files[run->nfiles++] = argv[optind];
    else if (o->input_path) return bad_usage("more than one model given", argv[optind]);
    else o->input_path = argv[optind];
  }
  if (!o->input_path) return bad_usage("no model given", NULL);
  if (run) {
    if (o->output_c || o->emit_main || o->emit || o->weights_extern)
      return bad_usage(run->runs ? "tnnc bench writes no files (no -o, --emit, --emit-main, --weights)"
                                 : "tnnc run writes only its OUT.npy files (no -o, --emit, --emit-main, --weights)",
                       NULL);
    run->profile = o->profile;
    o->profile = false;
    if (run->profile && !run->runs) return bad_usage("--profile with tnnc run: use tnnc bench --profile", NULL);
    return -1;
  }
  if (!o->output_c && !o->dump_ir && !o->report) return bad_usage("no output given (-o FILE.c)", NULL);
  return -1;
}

int main(int argc, char **argv) {
  tnnc_options o = {0};
  o.diag_sink = stderr;
  o.batch = 1;
  o.temp_file = on_temp_file;
  size_t cl = 1;
  for (int i = 0; i < argc; i++) cl += strlen(argv[i]) + 1;
  char *cmd = calloc(cl, 1);
  const char **consts = calloc((size_t)argc + 1, sizeof *consts);
  if (!cmd || !consts) {
    free(cmd);
    fputs("tnnc: out of memory\n", stderr);
    return 1;
  }
  for (int i = 0; i < argc; i++) {
    if (i) strcat(cmd, " ");
    strcat(cmd, i == 0 ? "tnnc" : argv[i]);
  }
  o.command_line = cmd;
  o.const_inputs = consts;
  argv[0] = (char *)"tnnc"; /* getopt's messages start with it */
  /* tnnc run MODEL IN.npy... OUT.npy... | tnnc bench MODEL [IN.npy...] */
  tnnc_run_options run = {0}, *runp = NULL;
  const char **files = calloc((size_t)argc + 1, sizeof *files);
  if (argc > 1 && (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "bench") == 0)) {
    runp = &run;
    run.runs = argv[1][0] == 'b' ? 20 : 0;
    run.files = files;
    argv[1] = argv[0];
    argv++;
    argc--;
  }
  int rc = files ? parse_args(argc, argv, &o, consts, runp, files) : 1;
  if (rc < 0) {
    install_signal_handlers();
    switch (runp ? tnnc_run(&o, runp) : tnnc_compile(&o)) {
    case TNNC_OK: rc = 0; break;
    case TNNC_ERR_USAGE:
      fputs("try 'tnnc --help'\n", stderr);
      rc = 2;
      break;
    case TNNC_ERR_IO: rc = 3; break;
    default: rc = 1; break; /* TNNC_ERR_MODEL, TNNC_ERR_NOMEM */
    }
  }
  free(files);
  free(consts);
  free(cmd);
  return rc;
}
