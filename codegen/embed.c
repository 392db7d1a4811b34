/* Build-time tool: embeds a runtime header, with the tnn_*.h files it
 * includes inlined in place, as a C string constant.
 *
 *   embed OUT.c SYMBOL HEADER.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* every file once (the runtime's headers have include guards) */
static char seen[64][256];
static int nseen;

static int emit_file(FILE *out, const char *path, int depth) {
  for (int i = 0; i < nseen; i++)
    if (strcmp(seen[i], path) == 0) return 0;
  if (nseen < 64) snprintf(seen[nseen++], sizeof seen[0], "%s", path);
  FILE *f = fopen(path, "r");
  char line[4096];
  if (!f || depth > 8) {
    fprintf(stderr, "embed: cannot read %s\n", path);
    return 1;
  }
  while (fgets(line, sizeof line, f)) {
    char inc[512];
    if (sscanf(line, "#include \"%511[^\"]\"", inc) == 1 &&
        strncmp(inc, "tnn_", 4) == 0) {
      char sub[1024];
      const char *slash = strrchr(path, '/');
      int dir = slash ? (int)(slash - path + 1) : 0;
      snprintf(sub, sizeof sub, "%.*s%s", dir, path, inc);
      if (emit_file(out, sub, depth + 1)) return 1;
      continue;
    }
    fputs("  \"", out);
    for (char *p = line; *p; p++) {
      if (*p == '\n') fputs("\\n", out);
      else if (*p == '\\' || *p == '"') fprintf(out, "\\%c", *p);
      else if (*p == '\t') fputs("\\t", out);
      else fputc(*p, out);
    }
    fputs("\"\n", out);
  }
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: embed OUT.c SYMBOL HEADER.h\n");
    return 2;
  }
  FILE *out = fopen(argv[1], "w");
  if (!out) return 1;
  fprintf(out, "/* Generated from %s by codegen/embed.c. */\n", argv[3]);
  fprintf(out, "const char %s[] =\n", argv[2]);
  if (emit_file(out, argv[3], 0)) return 1;
  fputs("  \"\";\n", out);
  return fclose(out) != 0;
}
