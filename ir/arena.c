/* Bump allocator: one per compilation, freed in one call.
 *
 * Blocks grow geometrically; a request larger than the default block gets a
 * block of its own.  When the system refuses memory or `limit` would be
 * exceeded, arena_alloc longjmps to a->oom (set by tnnc_compile), so no
 * caller checks for NULL. */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

#define ARENA_ALIGN 64
#define ARENA_BLOCK (1u << 20)

struct ArenaBlock {
  struct ArenaBlock *next;
  size_t size, used;
  _Alignas(ARENA_ALIGN) unsigned char data[];
};

Arena *arena_new(size_t limit) {
  Arena *a = calloc(1, sizeof *a);
  if (a) a->limit = limit;
  return a;
}

void arena_free(Arena *a) {
  if (!a) return;
  for (struct ArenaBlock *b = a->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(a);
}

static _Noreturn void arena_fail(Arena *a) {
  if (a->oom) longjmp(*a->oom, 1);
  tnnc_internal_error(__FILE__, __LINE__, "out of memory");
}

void *arena_alloc(Arena *a, size_t size) {
  if (size > SIZE_MAX / 2) arena_fail(a);
  size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (size == 0) size = ARENA_ALIGN;
  if (a->limit && (size > a->limit || a->used > a->limit - size))
    arena_fail(a);
  struct ArenaBlock *b = a->head;
  if (!b || b->size - b->used < size) {
    size_t bs = size > ARENA_BLOCK ? size : ARENA_BLOCK;
    b = malloc(sizeof *b + bs);
    if (!b) arena_fail(a);
    b->size = bs;
    b->used = 0;
    /* Keep the partly used head block in front for small requests. */
    if (a->head && size > ARENA_BLOCK) {
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->data + b->used;
  b->used += size;
  a->used += size;
  memset(p, 0, size);
  return p;
}

void *arena_calloc(Arena *a, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) arena_fail(a);
  return arena_alloc(a, n * size);
}

char *arena_strdup(Arena *a, const char *s) {
  size_t n = strlen(s);
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  return p;
}

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
  if (n > 0) vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}
