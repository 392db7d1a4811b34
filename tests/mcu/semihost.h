/* Minimal ARM semihosting (the host's files and console through QEMU's
 * -semihosting), enough for the bare-metal harness: no newlib stdio. */
#ifndef TNN_SEMIHOST_H
#define TNN_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Opens a host file, mode "rb" or "wb"; returns a handle or -1. */
int32_t sh_open(const char *path, const char *mode);
/* Reads up to n bytes; returns the number read (0 at end of file). */
size_t sh_read(int32_t fd, void *buf, size_t n);
/* Writes n bytes; returns 0 when all were written. */
int sh_write(int32_t fd, const void *buf, size_t n);
void sh_close(int32_t fd);
/* The command line QEMU was given (-semihosting-config arg=...), "" if none. */
const char *sh_cmdline(void);
/* Console output: a string, an unsigned decimal. */
void sh_puts(const char *s);
void sh_putu(uint32_t v);
/* Ends the emulation: status 0 -> QEMU exits 0, anything else -> 1. */
void tnn_exit(int status) __attribute__((noreturn));

#endif
