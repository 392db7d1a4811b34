/* The runtime a generated model.c carries (C backend): tnn_runtime.h with,
 * in place of its #include "tnn_*.h" lines, only the kernel files of the
 * kernels the graph calls and the files those include, each once; and the
 * thread pool (tnn_thread.h) when --threads splits a layer. */
#include <string.h>

#include "../ir/ir.h"
#include "c_emit.h"

/* Whether some layer runs on the thread pool (--threads). */
bool c_uses_pool(const Graph *g) {
  for (int i = 0; i < g->nnodes; i++)
    if (registry_node_splits(g, g->nodes[i])) return true;
  return false;
}

/* The embedded runtime file `name` (it exists: tnnc embeds them all). */
static const RuntimeFile *runtime_file(const char *name) {
  for (const RuntimeFile *f = tnnc_runtime_files; f->name; f++)
    if (strcmp(f->name, name) == 0) return f;
  tnnc_unreachable();
}

/* The file name of an #include "tnn_*.h" line at p, else false. */
static bool runtime_include(const char *p, char *name, size_t n) {
  static const char dir[] = "#include \"tnn_";
  if (strncmp(p, dir, sizeof dir - 1) != 0) return false;
  const char *q = p + sizeof dir - 1 - 4, *e = strchr(q, '"');
  if (!e || (size_t)(e - q) >= n) return false;
  memcpy(name, q, (size_t)(e - q));
  name[e - q] = 0;
  return true;
}

static void mark_needed(const RuntimeFile *f, bool *needed) {
  const int i = (int)(f - tnnc_runtime_files);
  if (needed[i]) return;
  needed[i] = true;
  char inc[128];
  for (const char *p = f->text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (runtime_include(p, inc, sizeof inc)) mark_needed(runtime_file(inc), needed);
}

static void inline_runtime(FILE *c, const RuntimeFile *f, const bool *needed, bool *done) {
  done[f - tnnc_runtime_files] = true;
  char inc[128];
  for (const char *p = f->text; *p;) {
    const char *e = strchr(p, '\n');
    const size_t len = e ? (size_t)(e - p + 1) : strlen(p);
    if (runtime_include(p, inc, sizeof inc)) {
      const RuntimeFile *sub = runtime_file(inc);
      const int i = (int)(sub - tnnc_runtime_files);
      if (needed[i] && !done[i]) inline_runtime(c, sub, needed, done);
    } else {
      fwrite(p, 1, len, c);
    }
    p += len;
  }
}

void c_emit_runtime(FILE *c, Graph *g) {
  int n = 0;
  while (tnnc_runtime_files[n].name) n++;
  bool *needed = arena_alloc(g->arena, (size_t)n * sizeof *needed);
  bool *done = arena_alloc(g->arena, (size_t)n * sizeof *done);
  memset(needed, 0, (size_t)n * sizeof *needed);
  memset(done, 0, (size_t)n * sizeof *done);
  needed[0] = true;                      /* tnn_runtime.h */
  fputs("/* ---- runtime: tnn_runtime.h", c);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *nd = g->nodes[i];
    if (nd->dead || nd->call.kernel < 0) continue;
    const RuntimeFile *f = runtime_file(kernel_file(nd->call.kernel));
    if (!needed[f - tnnc_runtime_files]) fprintf(c, ", %s", f->name);
    mark_needed(f, needed);
  }
  if (c_uses_pool(g)) {
    fprintf(c, ", tnn_thread.h");
    mark_needed(runtime_file("tnn_thread.h"), needed);
  }
  fputs(" ---- */\n", c);
  if (c_uses_pool(g)) fprintf(c, "#define TNN_THREADS %d /* --threads */\n", g->threads);
  inline_runtime(c, &tnnc_runtime_files[0], needed, done);
}

