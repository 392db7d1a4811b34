/* Build-time tool: embeds runtime headers as C string constants.
 *
 *   embed OUT.c SYMBOL HEADER.h          one string: HEADER.h with the
 *                                        tnn_*.h files it includes inlined
 *                                        in place, each once
 *   embed --files OUT.c SYMBOL HEADER.h  a table {name, text} of HEADER.h
 *                                        and every tnn_*.h it includes
 *                                        (transitively), each text with
 *                                        its #include "tnn_*.h" lines kept;
 *                                        tnnc inlines only the files a
 *                                        model needs (codegen/c.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char seen[128][256];
static int nseen;

static int seen_before(const char *path) {
  for (int i = 0; i < nseen; i++)
    if (strcmp(seen[i], path) == 0) return 1;
  if (nseen < 128) snprintf(seen[nseen++], sizeof seen[0], "%s", path);
  return 0;
}

static void put_line(FILE *out, const char *line) {
  fputs("  \"", out);
  for (const char *p = line; *p; p++) {
    if (*p == '\n') fputs("\\n", out);
    else if (*p == '\\' || *p == '"') fprintf(out, "\\%c", *p);
    else if (*p == '\t') fputs("\\t", out);
    else fputc(*p, out);
  }
  fputs("\"\n", out);
}

static void sibling(char *sub, size_t n, const char *path, const char *inc) {
  const char *slash = strrchr(path, '/');
  const int dir = slash ? (int)(slash - path + 1) : 0;
  snprintf(sub, n, "%.*s%.200s", dir, path, inc);
}

/* inline mode: the file, its tnn_ includes in place */
static int emit_file(FILE *out, const char *path, int depth) {
  if (seen_before(path)) return 0;
  FILE *f = fopen(path, "r");
  char line[4096];
  if (!f || depth > 8) {
    fprintf(stderr, "embed: cannot read %s\n", path);
    return 1;
  }
  while (fgets(line, sizeof line, f)) {
    char inc[512];
    if (sscanf(line, "#include \"%511[^\"]\"", inc) == 1 && strncmp(inc, "tnn_", 4) == 0) {
      char sub[1024];
      sibling(sub, sizeof sub, path, inc);
      if (emit_file(out, sub, depth + 1)) return 1;
      continue;
    }
    put_line(out, line);
  }
  fclose(f);
  return 0;
}

/* table mode: one entry per file, includes kept, then the included files */
static int emit_entry(FILE *out, const char *path, int depth) {
  if (seen_before(path)) return 0;
  FILE *f = fopen(path, "r");
  char line[4096], incs[64][512];
  int ninc = 0;
  if (!f || depth > 8) {
    fprintf(stderr, "embed: cannot read %s\n", path);
    return 1;
  }
  const char *base = strrchr(path, '/');
  fprintf(out, "  {\"%s\",\n", base ? base + 1 : path);
  while (fgets(line, sizeof line, f)) {
    char inc[512];
    if (sscanf(line, "#include \"%511[^\"]\"", inc) == 1 && strncmp(inc, "tnn_", 4) == 0 &&
        ninc < 64)
      snprintf(incs[ninc++], sizeof incs[0], "%s", inc);
    put_line(out, line);
  }
  fputs("  \"\"},\n", out);
  fclose(f);
  for (int i = 0; i < ninc; i++) {
    char sub[1024];
    sibling(sub, sizeof sub, path, incs[i]);
    if (emit_entry(out, sub, depth + 1)) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const int files = argc == 5 && strcmp(argv[1], "--files") == 0;
  if (argc != 4 && !files) {
    fprintf(stderr, "usage: embed [--files] OUT.c SYMBOL HEADER.h\n");
    return 2;
  }
  char **a = argv + files;
  FILE *out = fopen(a[1], "w");
  if (!out) return 1;
  fprintf(out, "/* Generated from %s by codegen/embed.c. */\n", a[3]);
  if (files) {
    fputs("#include <stddef.h>\n", out);
    fprintf(out, "const struct tnnc_runtime_file { const char *name, *text; } %s[] = {\n", a[2]);
    if (emit_entry(out, a[3], 0)) return 1;
    fputs("  {NULL, NULL}};\n", out);
  } else {
    fprintf(out, "const char %s[] =\n", a[2]);
    if (emit_file(out, a[3], 0)) return 1;
    fputs("  \"\";\n", out);
  }
  return fclose(out) != 0;
}
