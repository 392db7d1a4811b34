/* ARM semihosting calls (Arm "Semihosting for AArch32 and AArch64"):
 * `bkpt 0xab` on M-profile, operation in r0, parameter block in r1. */
#include "semihost.h"

enum {
  SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
  SYS_READ = 0x06, SYS_GET_CMDLINE = 0x15, SYS_EXIT = 0x18,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u

static uint32_t sh_call(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int32_t sh_open(const char *path, const char *mode) {
  /* SYS_OPEN modes: 1 = "rb", 5 = "wb"; no strlen, so that everything the
   * image takes from libc is the model's (run_mcu.js builds this file with
   * -fno-tree-loop-distribute-patterns, else gcc makes the loop a strlen) */
  uint32_t len = 0;
  while (path[len]) len++;
  uint32_t block[3] = { (uint32_t)path, mode[0] == 'w' ? 5u : 1u, len };
  return (int32_t)sh_call(SYS_OPEN, block);
}

size_t sh_read(int32_t fd, void *buf, size_t n) {
  uint32_t block[3] = { (uint32_t)fd, (uint32_t)buf, (uint32_t)n };
  return n - sh_call(SYS_READ, block);          /* it returns the bytes NOT read */
}

int sh_write(int32_t fd, const void *buf, size_t n) {
  uint32_t block[3] = { (uint32_t)fd, (uint32_t)buf, (uint32_t)n };
  return sh_call(SYS_WRITE, block) != 0;
}

void sh_close(int32_t fd) {
  uint32_t block[1] = { (uint32_t)fd };
  sh_call(SYS_CLOSE, block);
}

const char *sh_cmdline(void) {
  static char line[512];
  uint32_t block[2] = { (uint32_t)line, sizeof line - 1 };
  if (sh_call(SYS_GET_CMDLINE, block) != 0) return "";
  line[block[1]] = 0;
  return line;
}

void sh_puts(const char *s) { sh_call(SYS_WRITE0, s); }

void sh_putu(uint32_t v) {
  char buf[11];
  char *p = buf + sizeof buf - 1;
  *p = 0;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  sh_puts(p);
}

void tnn_exit(int status) {
  /* AArch32 SYS_EXIT takes the reason itself in r1, not a block */
  sh_call(SYS_EXIT, (const void *)(status ? ADP_STOPPED_RUNTIME_ERROR : ADP_STOPPED_APPLICATION_EXIT));
  for (;;) {
  }
}

/* Called by the start-up code's handler for any exception. */
void tnn_on_fault(uint32_t exception);
void tnn_on_fault(uint32_t exception) {
  sh_puts("mcu: FAIL exception ");
  sh_putu(exception);
  sh_puts(" (fault) on the target\n");
  tnn_exit(1);
}
