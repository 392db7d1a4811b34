/* Diagnostics: "file: node #12 'conv1' (Conv): message". */
#include <stdlib.h>

#include "ir.h"

void diag_verror(Diag *d, const Node *n, const char *kind, const char *fmt,
                 va_list ap) {
  if (!d->sink) return;
  fprintf(d->sink, "%s: ", d->file ? d->file : "<model>");
  if (kind[0]) fprintf(d->sink, "%s: ", kind);
  if (n) {
    fprintf(d->sink, "node #%d '%s' (%s): ", n->index, n->name ? n->name : "",
            n->op_type ? n->op_type : op_name(n->op));
  }
  vfprintf(d->sink, fmt, ap);
  fputc('\n', d->sink);
}

void diag_error(Diag *d, const Node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  d->nerrors++;
  diag_verror(d, n, "error", fmt, ap);
  va_end(ap);
}

void diag_warn(Diag *d, const Node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  d->nwarnings++;
  diag_verror(d, n, "warning", fmt, ap);
  va_end(ap);
}

void diag_note(Diag *d, const Node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_verror(d, n, "note", fmt, ap);
  va_end(ap);
}

_Noreturn void tnnc_internal_error(const char *file, int line,
                                   const char *what) {
  fprintf(stderr, "tnnc: internal error at %s:%d: %s\n", file, line, what);
  abort();
}
