/* The constants the generated code reads, and --weights=extern's blob.
 *
 * weights_used() says which constant tensors the emitted code refers to;
 * both ways of emitting them (inline arrays in model.c, or the blob
 * model.bin) take exactly that set, in graph order.
 *
 * The blob is WEIGHTS_HEADER bytes of identification, then each constant
 * at the next multiple of WEIGHTS_ALIGN, zero bytes between.  The header:
 *
 *   bytes  0..7   "TNNCWTS1"
 *   bytes  8..15  FNV-1a 64 of bytes [64, size), little-endian
 *   bytes 16..23  size of the whole blob in bytes, little-endian
 *   bytes 24..63  zero
 *
 * The run function compares the first WEIGHTS_ID_BYTES with the values it
 * was compiled with, so a blob of another model (or another version of
 * this one) is refused instead of read.  Elements are stored
 * little-endian whatever the host, as the targets tnnc supports expect. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../ir/ir.h"

static void mark_const(bool *used, const Tensor *t) {
  while (t->alias) t = t->alias;
  if (t->data) used[t->id] = true;
}

/* Marks in used[] (by tensor id) the constants the emitted code refers to:
 * inputs of the nodes that run a kernel and the graph outputs, each seen
 * through its views.  Constants only a view node or a folded-away node
 * read are not emitted. */
bool *weights_used(const Graph *g) {
  bool *used = arena_alloc(g->arena, (size_t)g->ntensors + 1); /* zeroed */
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    for (int j = 0; j < n->nin; j++)
      if (n->in[j]) mark_const(used, n->in[j]);
  }
  for (int i = 0; i < g->noutputs; i++) mark_const(used, g->outputs[i]);
  return used;
}

/* Walks the blob's payload in order: calls put() with each run of bytes
 * (zero padding, then a constant's elements little-endian). */
typedef void (*PutFn)(void *ctx, const uint8_t *p, size_t n);

static void put_zeros(PutFn put, void *ctx, int64_t n) {
  static const uint8_t zero[WEIGHTS_ALIGN];
  while (n > 0) {
    size_t k = n > WEIGHTS_ALIGN ? WEIGHTS_ALIGN : (size_t)n;
    put(ctx, zero, k);
    n -= (int64_t)k;
  }
}

static void put_tensor(PutFn put, void *ctx, const Tensor *t) {
  size_t es = dtype_size(t->dtype);
  int64_t n = ir_tensor_numel(t);
  const uint8_t *src = t->data;
  uint8_t buf[4096];
  size_t k = 0;
  for (int64_t i = 0; i < n; i++) {
    uint64_t v = 0;
    switch (es) {
    case 1: v = src[i]; break;
    case 2: { uint16_t x; memcpy(&x, src + 2 * i, 2); v = x; break; }
    case 4: { uint32_t x; memcpy(&x, src + 4 * i, 4); v = x; break; }
    default: memcpy(&v, src + 8 * i, 8); break;
    }
    for (size_t b = 0; b < es; b++) buf[k++] = (uint8_t)(v >> (8 * b));
    if (k + 8 > sizeof buf) {
      put(ctx, buf, k);
      k = 0;
    }
  }
  if (k) put(ctx, buf, k);
}

static void walk_payload(const Graph *g, const WeightsLayout *l, PutFn put, void *ctx) {
  int64_t at = WEIGHTS_HEADER;
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (l->offset[t->id] < 0) continue;
    put_zeros(put, ctx, l->offset[t->id] - at);
    put_tensor(put, ctx, t);
    at = l->offset[t->id] + ir_tensor_bytes(t);
  }
  put_zeros(put, ctx, l->size - at);
}

static void put_hash(void *ctx, const uint8_t *p, size_t n) {
  uint64_t *h = ctx;
  for (size_t i = 0; i < n; i++) *h = (*h ^ p[i]) * UINT64_C(0x100000001b3);
}

static void put_le64(uint8_t *p, uint64_t v) {
  for (int b = 0; b < 8; b++) p[b] = (uint8_t)(v >> (8 * b));
}

WeightsLayout weights_layout(const Graph *g) {
  WeightsLayout l = {0};
  const bool *used = weights_used(g);
  l.offset = arena_alloc(g->arena, ((size_t)g->ntensors + 1) * sizeof *l.offset);
  for (int i = 0; i <= g->ntensors; i++) l.offset[i] = -1;
  int64_t at = WEIGHTS_HEADER;
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (!t->data || !used[t->id]) continue;
    at = (at + WEIGHTS_ALIGN - 1) / WEIGHTS_ALIGN * WEIGHTS_ALIGN;
    l.offset[t->id] = at;
    at += ir_tensor_bytes(t);
  }
  l.size = (at + WEIGHTS_ALIGN - 1) / WEIGHTS_ALIGN * WEIGHTS_ALIGN;
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  walk_payload(g, &l, put_hash, &h);
  memcpy(l.id, "TNNCWTS1", 8);
  put_le64(l.id + 8, h);
  put_le64(l.id + 16, (uint64_t)l.size);
  return l;
}

typedef struct Sink {
  FILE *f;
  bool ok;
} Sink;

static void put_file(void *ctx, const uint8_t *p, size_t n) {
  Sink *s = ctx;
  if (s->ok && fwrite(p, 1, n, s->f) != n) s->ok = false;
}

bool weights_write(const Graph *g, FILE *f) {
  WeightsLayout l = weights_layout(g);
  uint8_t head[WEIGHTS_HEADER] = {0};
  memcpy(head, l.id, WEIGHTS_ID_BYTES);
  Sink s = {f, fwrite(head, 1, sizeof head, f) == sizeof head};
  walk_payload(g, &l, put_file, &s);
  return s.ok && !ferror(f);
}

const char *weights_file_name(Arena *a, const char *out_c) {
  size_t n = strlen(out_c);
  if (n > 2 && strcmp(out_c + n - 2, ".c") == 0) n -= 2;
  return arena_printf(a, "%.*s.bin", (int)n, out_c);
}
