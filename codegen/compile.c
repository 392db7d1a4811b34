/* tnnc_compile: the library entry point.  Reads the model, runs the
 * frontend and the pass pipeline in one arena, and writes model.c/model.h
 * through temporary files renamed into place only when both are complete,
 * so a failed compilation never leaves a partial output behind. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ir/ir.h"

#define TNNC_MAX_ELEMENTS_CEILING (INT64_C(1) << 35)
#define TNNC_MAX_NODES_CEILING (INT64_C(1) << 24)

void tnnc_default_limits(tnnc_limits *l) {
  l->max_tensor_elements = INT64_C(1) << 30;
  l->max_weight_bytes = INT64_C(1) << 31;
  l->max_nodes = 1000000;
  l->max_arena_bytes = INT64_C(8) << 30;
  l->max_graph_depth = 100000;
}

static bool read_file(const char *path, uint8_t **buf, size_t *len, Diag *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_error(d, NULL, "cannot open: %s", strerror(errno));
    return false;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *b = malloc(cap);
  while (b) {
    size_t r = fread(b + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
    if (n == cap) {
      uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(b, cap * 2);
      if (!nb) {
        free(b);
        b = NULL;
        break;
      }
      b = nb;
      cap *= 2;
    }
  }
  int e = b ? errno : ENOMEM;
  bool err = ferror(f);
  fclose(f);
  if (!b || err) {
    free(b);
    diag_error(d, NULL, "cannot read the file: %s", strerror(e));
    return false;
  }
  *buf = b;
  *len = n;
  return true;
}

/* tnn / tnn_... in any case: the runtime's namespace (tnn_*, TNN_*). */
static bool is_tnn(const char *p) {
  return tolower((unsigned char)p[0]) == 't' && tolower((unsigned char)p[1]) == 'n' &&
         tolower((unsigned char)p[2]) == 'n' && (p[3] == '_' || !p[3]);
}

/* "out/model.c" -> "model": the C prefix of an output name.  Characters
 * that cannot be in an identifier become '_', runs of '_' become one and
 * leading or trailing ones go (no `__`, no reserved leading '_': "_x.c"
 * gives "x"); a name then empty is "model", and one starting with a digit
 * or with tnn_ ("tnn_runtime.c") gets "m_" in front.  The result always
 * passes prefix_problem(). */
static const char *derive_prefix(Arena *a, const char *out) {
  const char *base = strrchr(out, '/');
  base = base ? base + 1 : out;
  size_t n = strcspn(base, ".");
  char *p = arena_alloc(a, n + 3);
  size_t k = 2;                /* room for "m_" */
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)base[i];
    char c = ch < 0x80 && isalnum(ch) ? (char)ch : '_';
    if (c == '_' && (k == 2 || p[k - 1] == '_')) continue;
    p[k++] = c;
  }
  while (k > 2 && p[k - 1] == '_') k--;
  p[k] = '\0';
  if (k == 2) return "model";
  if (isdigit((unsigned char)p[2]) || is_tnn(p + 2)) {
    p[0] = 'm';
    p[1] = '_';
    return p;
  }
  return p + 2;
}

/* Why `p` cannot be the C prefix, or NULL.  It names `<p>_run` and the
 * macros `<P>_...` (upper case) beside the runtime's tnn_ / TNN_ names, so
 * it must be an identifier, not start with '_' (reserved at file scope), not
 * be tnn or start with tnn_ in any case, and not hold "__" or end in '_'
 * (`p__run`: reserved in C++, which includes the header too).  C keywords
 * and standard names are fine: they only ever appear with a suffix. */
static const char *prefix_problem(const char *p) {
  if (!p[0]) return "it is empty";
  for (const char *c = p; *c; c++)
    if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9')))
      return "it must be a C identifier (letters, digits and '_')";
  if (p[0] >= '0' && p[0] <= '9') return "it must be a C identifier (not starting with a digit)";
  if (p[0] == '_') return "names starting with '_' are reserved in C";
  if (is_tnn(p)) return "tnn_ and TNN_ are the runtime's own names";
  if (strstr(p, "__") || p[strlen(p) - 1] == '_')
    return "it would give names with '__' (reserved in C++)";
  return NULL;
}

/* The character of file name `name` that cannot stand between the quotes
 * of #include "...", or 0: C99 6.4.7 excludes '"' and new-line and leaves
 * ', \ and (in practice) control characters undefined. */
static int include_problem(const char *name) {
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    if (*c == '"' || *c == '\\' || *c == '\'' || *c < 0x20 || *c == 0x7f) return *c;
  return 0;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* "out/model.c" (or .o, .s, .ll, .bc) -> "out/model" */
static const char *output_stem(Arena *a, const char *out) {
  static const char *const ext[] = {".c", ".o", ".s", ".ll", ".bc"};
  size_t n = strlen(out);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t k = strlen(ext[i]);
    if (n > k && strcmp(out + n - k, ext[i]) == 0 && out[n - k - 1] != '/')
      return arena_printf(a, "%.*s", (int)(n - k), out);
  }
  return out;
}

static const char *derive_header(Arena *a, const char *out_c) {
  return arena_printf(a, "%s.h", output_stem(a, out_c));
}

/* The names the options give the outputs, checked before any work: usage
 * errors, reported as "tnnc: error: ...". */
static bool check_names(const tnnc_options *opt) {
  Diag d = {.sink = opt->diag_sink, .file = "tnnc"};
  bool streams = opt->output_c_stream && opt->output_h_stream;
  const char *why = opt->prefix ? prefix_problem(opt->prefix) : NULL;
  if (why) diag_error(&d, NULL, "--prefix %s: %s", opt->prefix, why);
  const char *c = streams ? NULL : opt->output_c;
  if (c && strcmp(c, "-") == 0) {
    diag_error(&d, NULL, "-o -: tnnc writes two files (OUT.c and its header OUT.h), "
                         "give a file name such as -o model.c");
    return false;
  }
  const char *b = c ? base_name(c) : NULL;
  if (b && (!b[0] || strcmp(b, ".") == 0 || strcmp(b, "..") == 0)) {
    diag_error(&d, NULL, "-o %s: not a file name", c);
    return false;
  }
  /* the header's name as the .c includes it (its .h suffix is harmless) */
  const char *inc = streams ? (opt->output_h ? opt->output_h : "model.h")
                    : opt->output_h      ? base_name(opt->output_h)
                    : b                  ? b
                                         : "";
  int bad = include_problem(inc);
  if (bad) {
    char what[32];
    if (bad < 0x20 || bad == 0x7f) snprintf(what, sizeof what, "a control character");
    else snprintf(what, sizeof what, "'%c'", bad);
    diag_error(&d, NULL, "-o %s: the header's name cannot be written in #include \"...\" "
                         "(it has %s); use a name without quotes, backslashes or control "
                         "characters",
               opt->output_h ? opt->output_h : c ? c : inc, what);
  }
  return d.nerrors == 0;
}

/* Why `path` may not be replaced by an output, or NULL when it names a
 * regular file or nothing.  The outputs are renamed into place, which
 * would swap a device node (-o /dev/null), FIFO or socket for a regular
 * file, and fails on a directory only after the header is in place. */
static const char *target_problem(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return errno == ENOENT ? NULL : strerror(errno);
  if (S_ISREG(st.st_mode)) return NULL;
  if (S_ISDIR(st.st_mode)) return "it is a directory";
  return "it is not a regular file (tnnc only replaces regular files)";
}

/* One output: written to `tmp` ("<path>.tmpXXXXXX") and renamed to `path`
 * once both are complete.  Kept in the arena, not in automatic variables,
 * so that the out-of-memory longjmp in write_outputs sees their values. */
typedef struct OutFile {
  const char *path;
  char *tmp;
  FILE *f;
} OutFile;

static uint64_t mix64(uint64_t x) {
  x += UINT64_C(0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* Creates o->tmp with mode 0666 less the umask, like any file a program
 * creates (mkstemp gives 0600, and fchmod would need the umask, which can
 * only be read by setting it: not thread-safe).  The caller's temp_file
 * hook learns the name as soon as the file exists. */
static bool open_temp(Arena *a, OutFile *o, const tnnc_options *opt) {
  static const char alnum[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char *t = arena_printf(a, "%s.tmpXXXXXX", o->path);
  size_t n = strlen(t);
  struct timespec ts = {0, 0};
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t x = (uint64_t)getpid() << 40 ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)ts.tv_nsec ^
               (uint64_t)(uintptr_t)t;
  for (int tries = 0; tries < 1000; tries++) {
    x = mix64(x);
    for (int k = 0; k < 6; k++) t[n - 6 + k] = alnum[(x >> (8 * k)) % 62];
    int fd = open(t, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) return false;
    o->tmp = t;
    if (opt->temp_file) opt->temp_file(opt->temp_file_ctx, t, true);
    o->f = fdopen(fd, "w");
    if (o->f) return true;
    int e = errno;
    close(fd);
    errno = e;
    return false;
  }
  errno = EEXIST;
  return false;
}

/* The temporary of `o` is gone (renamed or removed): tell the hook. */
static void forget_temp(OutFile *o, const tnnc_options *opt) {
  if (o->tmp && opt->temp_file) opt->temp_file(opt->temp_file_ctx, o->tmp, false);
  o->tmp = NULL;
}

static void drop_temps(OutFile *o, int n, const tnnc_options *opt) {
  for (int i = 0; i < n; i++) {
    if (o[i].f) fclose(o[i].f);
    o[i].f = NULL;
    if (o[i].tmp) unlink(o[i].tmp);
    forget_temp(&o[i], opt);
  }
}

/* An LLVM fatal error while emitting: the temporaries go first. */
typedef struct FatalCleanup {
  OutFile *o;
  int n;
} FatalCleanup;

static void fatal_cleanup(void *ctx) {
  FatalCleanup *c = ctx;
  for (int i = 0; i < c->n; i++)
    if (c->o[i].tmp) unlink(c->o[i].tmp);
}

static enum tnnc_status write_outputs(Graph *g, const tnnc_options *opt,
                                      Diag *d) {
  Arena *a = g->arena;
  /* o[0] the .c (renamed last, so an existing .c means a complete set),
   * o[1] the .h, o[2] the weights blob of --weights=extern */
  const bool llvm = opt->emit != TNNC_EMIT_C;
  int nout = opt->weights_extern || (llvm && opt->emit_main) ? 3 : 2;
  OutFile *o = arena_alloc(a, 3 * sizeof *o); /* zeroed */
  o[0].path = opt->output_c;
  o[1].path = opt->output_h ? opt->output_h : derive_header(a, opt->output_c);
  o[2].path = opt->weights_extern ? weights_file_name(a, opt->output_c)
              : nout > 2          ? arena_printf(a, "%s_main.c", output_stem(a, opt->output_c))
                                  : NULL;
  EmitOptions eo = {
      .prefix = opt->prefix ? opt->prefix : derive_prefix(a, opt->output_c),
      .header_name = base_name(o[1].path),
      .command_line = opt->command_line,
      .emit_main = opt->emit_main || opt->profile,
      .profile = opt->profile,
      .target = opt->target,
      .weights_file = opt->weights_extern ? o[2].path : NULL,
  };
  /* Out of compile-time memory while emitting: remove the temporaries,
   * then leave the caller's way. */
  jmp_buf oom, *outer = a->oom;
  if (setjmp(oom)) {
    a->oom = outer;
    drop_temps(o, nout, opt);
    longjmp(*outer, 1);
  }
  a->oom = &oom;
  const char *failed = NULL, *why = NULL;
  int err = 0;
  for (int i = 0; i < nout && !failed; i++)
    if (!open_temp(a, &o[i], opt)) failed = o[i].path;
  bool model_error = false;
  if (!failed && opt->weights_extern && !weights_write(g, o[2].f)) failed = o[2].path;
  if (!failed && llvm) {
    if (!emit_c_header(g, &eo, o[1].f)) failed = o[1].path;
    else if (nout > 2 && !emit_c_driver(g, &eo, o[2].f)) failed = o[2].path;
    else {
      FatalCleanup fc = {o, nout};
      llvm_on_fatal(fatal_cleanup, &fc);
      if (!emit_llvm(g, &eo, (EmitKind)opt->emit, o[0].f))
        failed = ferror(o[0].f) ? o[0].path : (model_error = true, o[0].path);
      llvm_on_fatal(NULL, NULL);
    }
  } else if (!failed && !emit_c(g, &eo, o[0].f, o[1].f)) {
    failed = ferror(o[1].f) ? o[1].path : o[0].path;
  }
  if (failed) err = errno;
  for (int i = 0; i < nout; i++) {
    if (o[i].f && fclose(o[i].f) != 0 && !failed) {
      failed = o[i].path;
      err = errno;
    }
    o[i].f = NULL;
  }
  /* checked before compiling and again just before the renames */
  for (int i = 0; i < nout && !failed; i++)
    if ((why = target_problem(o[i].path)) != NULL) failed = o[i].path;
  /* renamed blob and header first, the .c last; a failed rename removes
   * the outputs already renamed */
  for (int i = nout - 1; i >= 0 && !failed; i--) {
    if (rename(o[i].tmp, o[i].path) != 0) {
      failed = o[i].path;
      err = errno;
      for (int k = nout - 1; k > i; k--) unlink(o[k].path);
    } else {
      forget_temp(&o[i], opt);
    }
  }
  drop_temps(o, nout, opt);
  a->oom = outer;
  if (model_error) return TNNC_ERR_MODEL; /* the LLVM backend's diagnostic */
  if (failed) {
    diag_error(d, NULL, "cannot write %s: %s", failed, why ? why : strerror(err));
    return TNNC_ERR_IO;
  }
  return TNNC_OK;
}

enum tnnc_status tnnc_run(const tnnc_options *opt, const tnnc_run_options *r) {
  tnnc_options o = *opt;
  o.run = r;
  o.output_c = NULL;
  o.emit_main = false;
  return tnnc_compile(&o);
}

enum tnnc_status tnnc_compile(const tnnc_options *opt) {
  Diag diag = {.sink = opt->diag_sink, .file = opt->input_path ? opt->input_path : "<model>"};
  tnnc_limits lim;
  tnnc_default_limits(&lim);
  if (opt->limits.max_tensor_elements > 0) lim.max_tensor_elements = opt->limits.max_tensor_elements;
  if (opt->limits.max_weight_bytes > 0) lim.max_weight_bytes = opt->limits.max_weight_bytes;
  if (opt->limits.max_nodes > 0) lim.max_nodes = opt->limits.max_nodes;
  if (opt->limits.max_arena_bytes > 0) lim.max_arena_bytes = opt->limits.max_arena_bytes;
  if (opt->limits.max_graph_depth > 0) lim.max_graph_depth = opt->limits.max_graph_depth;
  /* Ceilings whatever --limit asks (up to INT64_MAX), so that the size
   * arithmetic stays within int64: a tensor's bytes (2^35 elements of at
   * most 8 bytes) and a workspace summed over up to 2^24 nodes' tensors. */
  if (lim.max_tensor_elements > TNNC_MAX_ELEMENTS_CEILING)
    lim.max_tensor_elements = TNNC_MAX_ELEMENTS_CEILING;
  if (lim.max_nodes > TNNC_MAX_NODES_CEILING) lim.max_nodes = TNNC_MAX_NODES_CEILING;
  if ((uint64_t)lim.max_arena_bytes > (uint64_t)(SIZE_MAX / 2))
    lim.max_arena_bytes = (int64_t)(SIZE_MAX / 2);
  if (!check_names(opt)) return TNNC_ERR_USAGE;
  if (opt->batch < 0) {
    diag_error(&diag, NULL, "--batch must be at least 1");
    return TNNC_ERR_USAGE;
  }

  uint8_t *owned = NULL;
  const uint8_t *bytes = opt->input_bytes;
  size_t len = opt->input_len;
  if (!bytes) {
    if (!read_file(opt->input_path, &owned, &len, &diag)) return TNNC_ERR_IO;
    bytes = owned;
  }
  Arena *arena = arena_new((size_t)lim.max_arena_bytes);
  if (!arena) {
    free(owned);
    return TNNC_ERR_NOMEM;
  }
  jmp_buf oom;
  enum tnnc_status st = TNNC_OK;
  if (setjmp(oom)) {
    diag_error(&diag, NULL, "out of memory (compile-time limit %lld bytes; see --limit memory=N)",
               (long long)lim.max_arena_bytes);
    st = TNNC_ERR_NOMEM;
    goto done;
  }
  arena->oom = &oom;
  if (opt->output_c && !(opt->output_c_stream && opt->output_h_stream)) {
    const char *out[2] = {opt->output_c, opt->output_h ? opt->output_h
                                                       : derive_header(arena, opt->output_c)};
    for (int i = 0; i < 2; i++) {
      const char *why = target_problem(out[i]);
      if (why) {
        diag_error(&diag, NULL, "cannot write %s: %s", out[i], why);
        st = TNNC_ERR_IO;
      }
    }
    if (st != TNNC_OK) goto done;
  }
  /* the LLVM backend compiles for an architecture: this machine unless
   * --target names one; tnnc run / bench run here */
  const char *target = opt->target;
  if (opt->emit != TNNC_EMIT_C || opt->run) {
    const char *why = opt->weights_extern ? "--weights=extern"
                      : opt->profile      ? "--profile (tnnc bench --profile times every layer)"
                      : opt->output_c_stream ? "output streams"
                      : opt->threads > 1  ? "--threads"
                                          : NULL;
    if (opt->run && target && strcmp(target, "native") != 0)
      why = "a --target other than native (the model runs on this machine)";
    if (why) {
      diag_error(&diag, NULL, "%s: only with --emit=c", why);
      st = TNNC_ERR_USAGE;
      goto done;
    }
    if (!target) target = "native";
  }
  Graph *g = ir_graph_new(arena, &diag, &lim);
  if (target && !(g->target = target_parse(arena, &diag, target))) {
    st = TNNC_ERR_USAGE;
    goto done;
  }
  g->batch = opt->batch ? opt->batch : 1;
  g->quantize = opt->quantize;
  g->tolerance = opt->tolerance > 0 ? opt->tolerance : 0.5;
  g->quantize_all = opt->quantize_all;
  g->pack = opt->pack_base3 ? PACK_BASE3 : PACK_2BIT;
  g->float_acts = opt->float_acts;
  g->threads = opt->threads > 1 ? opt->threads : 1;
  g->thread_min_work = opt->thread_min_work > 0 ? opt->thread_min_work : 1 << 17;
  if (g->threads > 1 && g->target && (g->target->arch == ARCH_ARMV7EM)) {
    diag_error(&diag, NULL, "--threads: target %s is a microcontroller without threads",
               g->target->name);
    st = TNNC_ERR_USAGE;
    goto done;
  }
  if (g->threads > 1 && opt->threads > 64) {
    diag_error(&diag, NULL, "--threads takes a count from 1 to 64");
    st = TNNC_ERR_USAGE;
    goto done;
  }
  if (!onnx_import(g, bytes, len) || diag.nerrors) {
    st = TNNC_ERR_MODEL;
    goto done;
  }
  for (int i = 0; i < opt->nconst_inputs; i++)
    if (!bind_const_input(g, opt->const_inputs[i])) st = TNNC_ERR_MODEL;
  if (st != TNNC_OK) goto done;
  if (!pipeline_run(g, opt->dump_ir, opt->dump_ir ? (opt->dump_sink ? opt->dump_sink : stdout) : NULL) ||
      diag.nerrors) {
    st = TNNC_ERR_MODEL;
    goto done;
  }
  if (!opt->quiet) emit_fallback_notes(g);
  if (opt->report &&
      !emit_report(g, opt->report == 2, opt->report_sink ? opt->report_sink : stdout)) {
    st = TNNC_ERR_IO;
    goto done;
  }
  if (opt->run) {
    st = run_jit(g, opt, opt->run);
  } else if (opt->output_c_stream && opt->output_h_stream && opt->weights_extern) {
    diag_error(&diag, NULL, "--weights=extern needs output files, not streams");
    st = TNNC_ERR_USAGE;
  } else if (opt->output_c_stream && opt->output_h_stream) {
    EmitOptions eo = {
        .prefix = opt->prefix ? opt->prefix : "model",
        .header_name = opt->output_h ? opt->output_h : "model.h",
        .command_line = opt->command_line,
        .emit_main = opt->emit_main || opt->profile,
        .profile = opt->profile,
        .target = opt->target,
    };
    if (!emit_c(g, &eo, opt->output_c_stream, opt->output_h_stream)) {
      diag_error(&diag, NULL, "cannot write the output streams");
      st = TNNC_ERR_IO;
    }
  } else if (opt->output_c) {
    st = write_outputs(g, opt, &diag);
  }
done:
  arena_free(arena);
  free(owned);
  return st;
}
