/* tnnc_compile: the library entry point.  Reads the model, runs the
 * frontend and the pass pipeline in one arena, and writes model.c/model.h
 * through temporary files renamed into place only when both are complete,
 * so a failed compilation never leaves a partial output behind. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
  bool err = ferror(f);
  fclose(f);
  if (!b || err) {
    free(b);
    diag_error(d, NULL, "cannot read the file");
    return false;
  }
  *buf = b;
  *len = n;
  return true;
}

/* "out/model.c" -> "model" as a C identifier. */
static const char *derive_prefix(Arena *a, const char *out) {
  const char *base = strrchr(out, '/');
  base = base ? base + 1 : out;
  size_t n = strcspn(base, ".");
  char *p = arena_alloc(a, n + 3);
  size_t k = 0;
  if (n == 0 || isdigit((unsigned char)base[0])) {
    p[k++] = 'm';
    p[k++] = '_';
  }
  for (size_t i = 0; i < n; i++)
    p[k++] = isalnum((unsigned char)base[i]) ? base[i] : '_';
  return p;
}

static const char *derive_header(Arena *a, const char *out_c) {
  size_t n = strlen(out_c);
  if (n > 2 && strcmp(out_c + n - 2, ".c") == 0)
    return arena_printf(a, "%.*s.h", (int)(n - 2), out_c);
  return arena_printf(a, "%s.h", out_c);
}

static FILE *open_temp(Arena *a, const char *final, char **tmp_path) {
  char *t = arena_printf(a, "%s.tmpXXXXXX", final);
  int fd = mkstemp(t);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    unlink(t);
    return NULL;
  }
  *tmp_path = t;
  return f;
}

static enum tnnc_status write_outputs(Graph *g, const tnnc_options *opt,
                                      Diag *d) {
  Arena *a = g->arena;
  const char *out_h = opt->output_h ? opt->output_h : derive_header(a, opt->output_c);
  const char *slash = strrchr(out_h, '/');
  EmitOptions eo = {
      .prefix = opt->prefix ? opt->prefix : derive_prefix(a, opt->output_c),
      .header_name = slash ? slash + 1 : out_h,
      .command_line = opt->command_line,
      .emit_main = opt->emit_main,
      .target = opt->target,
  };
  char *tc = NULL, *th = NULL;
  FILE *fc = open_temp(a, opt->output_c, &tc);
  FILE *fh = fc ? open_temp(a, out_h, &th) : NULL;
  bool ok = fc && fh && emit_c(g, &eo, fc, fh);
  if (fc && fclose(fc) != 0) ok = false;
  if (fh && fclose(fh) != 0) ok = false;
  if (ok && rename(th, out_h) != 0) ok = false;
  if (ok && rename(tc, opt->output_c) != 0) {
    unlink(out_h);
    ok = false;
  }
  if (!ok) {
    if (tc) unlink(tc);
    if (th) unlink(th);
    diag_error(d, NULL, "cannot write %s: %s", opt->output_c, strerror(errno));
    return TNNC_ERR_IO;
  }
  return TNNC_OK;
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
  if (opt->batch < 0) {
    diag_error(&diag, NULL, "--batch must be at least 1");
    return TNNC_ERR_USAGE;
  }

  uint8_t *owned = NULL;
  const uint8_t *bytes = opt->input_bytes;
  size_t len = opt->input_len;
  if (!bytes) {
    if (!read_file(opt->input_path, &owned, &len, &diag)) return TNNC_ERR_MODEL;
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
  Graph *g = ir_graph_new(arena, &diag, &lim);
  g->batch = opt->batch ? opt->batch : 1;
  g->quantize = opt->quantize;
  g->tolerance = opt->tolerance > 0 ? opt->tolerance : 0.5;
  g->quantize_all = opt->quantize_all;
  g->pack = opt->pack_base3 ? PACK_BASE3 : PACK_2BIT;
  g->float_acts = opt->float_acts;
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
  if (opt->report &&
      !emit_report(g, opt->report == 2, opt->report_sink ? opt->report_sink : stdout)) {
    st = TNNC_ERR_IO;
    goto done;
  }
  if (opt->output_c_stream && opt->output_h_stream) {
    EmitOptions eo = {
        .prefix = opt->prefix ? opt->prefix : "model",
        .header_name = opt->output_h ? opt->output_h : "model.h",
        .command_line = opt->command_line,
        .emit_main = opt->emit_main,
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
