/* Diagnostics: "file: node #12 'conv1' (Conv): message".
 *
 * A diagnostic quotes strings from the model (node, tensor and op names),
 * which are untrusted: it is written through put_escaped, which turns
 * control characters (ESC sequences would reach the terminal), DEL, the
 * C1 controls and bytes that are not UTF-8 into \xNN. */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

/* Length of the valid, printable UTF-8 sequence at s (2-4 bytes; U+0080 to
 * U+009F are C1 controls), or 0. */
static size_t utf8_len(const unsigned char *s) {
  size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
  if (s[0] >= 0xf5) return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) return 0;              /* C1 */
  if (n == 3 && s[0] == 0xe0 && s[1] < 0xa0) return 0;              /* overlong */
  if (n == 3 && s[0] == 0xed && s[1] >= 0xa0) return 0;             /* surrogate */
  if (n == 4 && s[0] == 0xf0 && s[1] < 0x90) return 0;              /* overlong */
  if (n == 4 && s[0] == 0xf4 && s[1] >= 0x90) return 0;             /* > U+10FFFF */
  return n;
}

static void put_escaped(FILE *f, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  while (*s) {
    size_t n = *s >= 0x20 && *s < 0x7f ? 1 : *s >= 0x80 ? utf8_len(s) : 0;
    if (n) {
      fwrite(s, 1, n, f);
      s += n;
    } else {
      fprintf(f, "\\x%02x", *s++);
    }
  }
}

void diag_verror(Diag *d, const Node *n, const char *kind, const char *fmt,
                 va_list ap) {
  if (!d->sink) return;
  char small[512], *msg = small;
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(small, sizeof small, fmt, ap);
  if (len >= (int)sizeof small) {
    msg = malloc((size_t)len + 1);
    if (msg) vsnprintf(msg, (size_t)len + 1, fmt, ap2);
    else msg = small; /* truncated rather than lost */
  }
  va_end(ap2);
  put_escaped(d->sink, d->file ? d->file : "<model>");
  fputs(": ", d->sink);
  if (kind[0]) fprintf(d->sink, "%s: ", kind);
  if (n) {
    fprintf(d->sink, "node #%d '", n->index);
    put_escaped(d->sink, n->name ? n->name : "");
    fputs("' (", d->sink);
    put_escaped(d->sink, n->op_type ? n->op_type : op_name(n->op));
    fputs("): ", d->sink);
  }
  put_escaped(d->sink, len < 0 ? fmt : msg);
  fputc('\n', d->sink);
  if (msg != small) free(msg);
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
