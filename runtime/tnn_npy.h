/* tnn .npy header reader: the one strict parser of NumPy's .npy header,
 * shared by tnnc's --const-input (frontend/npy.c) and the --emit-main test
 * driver (runtime/tnn_main.h, pasted into every such generated model.c).
 * C99 and self-contained.
 *
 * A file is the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0), the header
 * length (2 bytes little-endian for 1.0, 4 bytes for 2.0/3.0), the header,
 * then the data.  The header is a Python dict literal holding exactly the
 * keys 'descr' (a string), 'fortran_order' (True or False) and 'shape' (a
 * tuple of non-negative integers), each once, in any order, with optional
 * whitespace and trailing commas; only whitespace may follow the dict.
 * Anything else is refused: no decoy keys, no substring matching.  The
 * element count is computed with overflow checks, and a Fortran-order array
 * is refused unless its layout is the same as C order (at most one axis
 * longer than 1). */
#ifndef TNN_NPY_H
#define TNN_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TNN_NPY_MAX_RANK 16
#define TNN_NPY_MAX_HEADER 65536 /* bytes of header dict accepted */

typedef struct tnn_npy_header {
  char descr[8];               /* e.g. "<f4" */
  int fortran_order;
  int rank;
  int64_t dims[TNN_NPY_MAX_RANK];
  int64_t count;               /* product of dims, < 2^63 */
} tnn_npy_header;

/* The fixed part before the header dict: pre holds the first n bytes of
 * the file (12 are enough).  Sets *off to the dict's offset (10 or 12) and
 * *hlen to its length; returns NULL, or why the file is refused. */
static const char *tnn_npy_preamble(const unsigned char *pre, size_t n,
                                    size_t *off, size_t *hlen) {
  if (n < 10 || memcmp(pre, "\x93NUMPY", 6) != 0) return "not a .npy file";
  if (pre[6] == 1) {
    *off = 10;
    *hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
  } else if (pre[6] == 2 || pre[6] == 3) {
    if (n < 12) return "truncated .npy header";
    *off = 12;
    *hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
            (size_t)pre[11] << 24;
  } else {
    return "unsupported .npy format version";
  }
  if (pre[7] != 0) return "unsupported .npy format version";
  if (*hlen > TNN_NPY_MAX_HEADER) return ".npy header longer than 64 KiB";
  return NULL;
}

typedef struct tnn_npy_cursor {
  const char *p, *end;
} tnn_npy_cursor;

static void tnn_npy_ws(tnn_npy_cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

/* Consumes ch (after whitespace); 0 if the next character is another. */
static int tnn_npy_eat(tnn_npy_cursor *c, char ch) {
  tnn_npy_ws(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return 1;
  }
  return 0;
}

/* A quoted string without escapes, of at most cap - 1 bytes, into out. */
static int tnn_npy_string(tnn_npy_cursor *c, char *out, size_t cap) {
  tnn_npy_ws(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return 0;
  char q = *c->p++;
  size_t n = 0;
  while (c->p < c->end && *c->p != q) {
    char ch = *c->p++;
    if (ch == '\\' || ch == '\n' || ch == 0 || n + 1 >= cap) return 0;
    out[n++] = ch;
  }
  if (c->p >= c->end) return 0;
  c->p++;
  out[n] = 0;
  return 1;
}

/* The word w, not followed by more identifier characters. */
static int tnn_npy_word(tnn_npy_cursor *c, const char *w) {
  size_t n = strlen(w);
  tnn_npy_ws(c);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return 0;
  if (c->p + n < c->end) {
    char next = c->p[n];
    if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
        (next >= '0' && next <= '9') || next == '_')
      return 0;
  }
  c->p += n;
  return 1;
}

/* A decimal integer in [0, INT64_MAX] (Python syntax: no leading zeros). */
static int tnn_npy_int(tnn_npy_cursor *c, int64_t *v) {
  tnn_npy_ws(c);
  const char *s = c->p;
  *v = 0;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
    int d = *c->p - '0';
    if (*v > (INT64_MAX - d) / 10) return 0;
    *v = *v * 10 + d;
    c->p++;
  }
  if (c->p == s || (*s == '0' && c->p - s > 1)) return 0;
  return 1;
}

/* A tuple of integers: (), (3,), (2, 3) or (2, 3,). */
static const char *tnn_npy_shape(tnn_npy_cursor *c, tnn_npy_header *h) {
  if (!tnn_npy_eat(c, '(')) return "the shape is not a tuple";
  h->rank = 0;
  int commas = 0;
  while (!tnn_npy_eat(c, ')')) {
    if (h->rank >= TNN_NPY_MAX_RANK) return "the shape has more than 16 axes";
    if (!tnn_npy_int(c, &h->dims[h->rank]))
      return "bad dimension in the shape (not a non-negative integer below 2^63)";
    h->rank++;
    if (tnn_npy_eat(c, ',')) commas++;
    else if (!tnn_npy_eat(c, ')')) return "bad shape tuple";
    else break;
  }
  if (h->rank == 1 && commas == 0) return "the shape is not a tuple";
  h->count = 1;
  for (int d = 0; d < h->rank; d++) {
    if (h->dims[d] != 0 && h->count > INT64_MAX / h->dims[d])
      return "the element count overflows";
    h->count *= h->dims[d];
  }
  return NULL;
}

/* Parses the header dict h[0..len) into *out; returns NULL, or why it is
 * refused. */
static const char *tnn_npy_parse_header(const char *h, size_t len,
                                        tnn_npy_header *out) {
  tnn_npy_cursor c = {h, h + len};
  int have_descr = 0, have_fortran = 0, have_shape = 0;
  memset(out, 0, sizeof *out);
  if (!tnn_npy_eat(&c, '{')) return "the .npy header is not a dict";
  while (!tnn_npy_eat(&c, '}')) {
    char key[16];
    if (!tnn_npy_string(&c, key, sizeof key) || !tnn_npy_eat(&c, ':'))
      return "bad key in the .npy header";
    if (strcmp(key, "descr") == 0) {
      if (have_descr++) return "'descr' twice in the .npy header";
      if (!tnn_npy_string(&c, out->descr, sizeof out->descr))
        return "bad 'descr' in the .npy header";
    } else if (strcmp(key, "fortran_order") == 0) {
      if (have_fortran++) return "'fortran_order' twice in the .npy header";
      if (tnn_npy_word(&c, "True")) out->fortran_order = 1;
      else if (!tnn_npy_word(&c, "False"))
        return "'fortran_order' is neither True nor False";
    } else if (strcmp(key, "shape") == 0) {
      if (have_shape++) return "'shape' twice in the .npy header";
      const char *why = tnn_npy_shape(&c, out);
      if (why) return why;
    } else {
      return "unknown key in the .npy header";
    }
    if (!tnn_npy_eat(&c, ',')) {
      if (!tnn_npy_eat(&c, '}')) return "bad .npy header dict";
      break;
    }
  }
  tnn_npy_ws(&c);
  if (c.p != c.end) return "bytes after the .npy header dict";
  if (!have_descr || !have_fortran || !have_shape)
    return "the .npy header lacks 'descr', 'fortran_order' or 'shape'";
  if (out->fortran_order) {
    int long_axes = 0;
    for (int d = 0; d < out->rank; d++) long_axes += out->dims[d] > 1;
    if (long_axes > 1) return "Fortran-order arrays are not supported";
  }
  return NULL;
}

/* The data's byte count for elements of esize bytes, checked against
 * INT64_MAX and SIZE_MAX; returns NULL, or why it is refused. */
static const char *tnn_npy_data_bytes(const tnn_npy_header *h, size_t esize,
                                      int64_t *bytes) {
  if (esize == 0 || (uint64_t)h->count > (uint64_t)INT64_MAX / esize)
    return "the data size overflows";
#if SIZE_MAX < INT64_MAX
  if ((uint64_t)h->count * esize > (uint64_t)SIZE_MAX)
    return "the data size overflows";
#endif
  *bytes = h->count * (int64_t)esize;
  return NULL;
}

#endif
