/* Runs a tnnc-compiled model (model.c / model.h, built with --prefix model,
 * one float input and one float output) on a bare-metal Cortex-M under
 * QEMU, on a batch of inputs read from a host file:
 *
 *   qemu-system-arm -M mps2-an386 -icount shift=0 -semihosting-config
 *     enable=on,target=native,arg=harness,arg=IN,arg=OUT,arg=STATS -kernel ...
 *
 * IN holds N samples of MODEL_INPUT0_SIZE floats back to back; OUT gets the
 * N outputs the same way; STATS gets per sample three uint32: the CMSDK
 * timer ticks the model_run call took, its stack high-water mark (bytes
 * below the caller's stack pointer, found by painting the stack before the
 * call), and the workspace bytes it touched (the highest byte that differs
 * from the paint).  The console gets one line, `mcu: ...`, with the timer's
 * calibration against a loop of known instruction count.
 *
 * Under -icount shift=0 QEMU's virtual clock advances 1 ns per instruction
 * executed, so the 25 MHz timer ticks every 40 instructions: instructions =
 * ticks * calib_insns / calib_ticks (within one tick).  Fails (exit 1) if a
 * run returns non-zero, writes past its workspace (into the painted guard
 * words after it) or, when the header gives MODEL_STACK_BYTES, uses more
 * stack than that. */
#include <stdint.h>
#include <string.h>

#include "model.h"
#include "semihost.h"

#if MODEL_NUM_INPUTS != 1 || MODEL_NUM_OUTPUTS != 1 || MODEL_INPUT0_DTYPE != 1 || \
    MODEL_OUTPUT0_DTYPE != 1
#error "the harness runs models with one float input and one float output"
#endif

#define PAINT 0x5aa5c33cu /* the start-up code's stack paint, also for the workspace */
#define GUARD_WORDS 64    /* painted words after the workspace */

/* CMSDK APB timer 0 of the MPS2 boards: a 32-bit down counter at SYSCLK */
#define TIMER0_CTRL (*(volatile uint32_t *)0x40000000u)
#define TIMER0_VALUE (*(volatile uint32_t *)0x40000004u)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008u)

uint32_t tnn_paint_stack(void);
uint32_t tnn_stack_low(void);
void tnn_spin(uint32_t n);
extern uint32_t __stack_limit[]; /* mps2.ld */

#define WS_WORDS ((MODEL_WORKSPACE_SIZE + 3) / 4)
static uint32_t workspace[WS_WORDS + GUARD_WORDS] __attribute__((aligned(64)));
static float input[MODEL_INPUT0_SIZE];
static float output[MODEL_OUTPUT0_SIZE];

static void timer_start(void) {
  TIMER0_CTRL = 0;
  TIMER0_RELOAD = 0xffffffffu;
  TIMER0_VALUE = 0xffffffffu;
  TIMER0_CTRL = 1; /* enable, no interrupt */
}

/* The next whitespace-separated word of *line, NUL-terminated in place. */
static char *next_arg(char **line) {
  char *p = *line, *start;
  while (*p == ' ') p++;
  start = p;
  while (*p && *p != ' ') p++;
  if (*p) *p++ = 0;
  *line = p;
  return *start ? start : NULL;
}

/* One inference, measured; returns model_run's status. */
static int run_one(uint32_t stats[3]) {
  uint32_t sp, t0, t1;
  int rc;
  for (uint32_t i = 0; i < WS_WORDS + GUARD_WORDS; i++) workspace[i] = PAINT;
  sp = tnn_paint_stack(); /* this frame's sp: the one model_run is called with */
  t0 = TIMER0_VALUE;
  rc = model_run(input, output, workspace);
  t1 = TIMER0_VALUE;
  stats[0] = t0 - t1;
  stats[1] = sp - tnn_stack_low();
  stats[2] = 0;
  for (uint32_t i = WS_WORDS + GUARD_WORDS; i-- > 0;)
    if (workspace[i] != PAINT) {
      const uint8_t *b = (const uint8_t *)&workspace[i];
      uint32_t k = 4;
      while (k > 0 && b[k - 1] == (uint8_t)(PAINT >> (8 * (k - 1)))) k--;
      stats[2] = 4 * i + k;
      break;
    }
  return rc;
}

int main(void) {
  char *line = (char *)sh_cmdline();
  const char *in_path, *out_path, *stats_path;
  int32_t in, out, st;
  uint32_t n = 0, bad = 0, calib_ticks, t0, worst_stack = 0, worst_ws = 0;
  const uint32_t calib_iters = 1000000;

  next_arg(&line); /* the program's name */
  in_path = next_arg(&line);
  out_path = next_arg(&line);
  stats_path = next_arg(&line);
  if (!stats_path) {
    sh_puts("mcu: FAIL usage: harness IN OUT STATS (semihosting arg=)\n");
    return 1;
  }
  in = sh_open(in_path, "rb");
  out = sh_open(out_path, "wb");
  st = sh_open(stats_path, "wb");
  if (in < 0 || out < 0 || st < 0) {
    sh_puts("mcu: FAIL cannot open the host files\n");
    return 1;
  }

  timer_start();
  t0 = TIMER0_VALUE;
  tnn_spin(calib_iters);
  calib_ticks = t0 - TIMER0_VALUE;

  while (sh_read(in, input, sizeof input) == sizeof input) {
    uint32_t stats[3];
    int rc = run_one(stats);
    if (rc != 0) {
      sh_puts("mcu: FAIL model_run returned ");
      sh_putu((uint32_t)rc);
      sh_puts("\n");
      bad++;
    }
    if (sh_write(out, output, sizeof output) || sh_write(st, stats, sizeof stats)) {
      sh_puts("mcu: FAIL writing the host files\n");
      return 1;
    }
    if (stats[1] > worst_stack) worst_stack = stats[1];
    if (stats[2] > worst_ws) worst_ws = stats[2];
    n++;
  }
  sh_close(in);
  sh_close(out);
  sh_close(st);

  sh_puts("mcu: samples=");
  sh_putu(n);
  sh_puts(" calib_insns=");
  sh_putu(2 * calib_iters);
  sh_puts(" calib_ticks=");
  sh_putu(calib_ticks);
  sh_puts(" stack_hwm=");
  sh_putu(worst_stack);
  sh_puts(" workspace_touched=");
  sh_putu(worst_ws);
  sh_puts(" workspace_size=");
  sh_putu(MODEL_WORKSPACE_SIZE);
#ifdef MODEL_STACK_BYTES
  sh_puts(" stack_bytes=");
  sh_putu(MODEL_STACK_BYTES);
#endif
  sh_puts("\n");

  if (worst_ws > MODEL_WORKSPACE_SIZE) {
    sh_puts("mcu: FAIL model_run wrote past MODEL_WORKSPACE_SIZE\n");
    bad++;
  }
#ifdef MODEL_STACK_BYTES
  if (worst_stack > MODEL_STACK_BYTES) {
    sh_puts("mcu: FAIL stack high-water mark above MODEL_STACK_BYTES\n");
    bad++;
  }
#endif
  if (tnn_stack_low() <= (uint32_t)__stack_limit) {
    sh_puts("mcu: FAIL the stack overflowed its STACK_SIZE\n");
    bad++;
  }
  if (n == 0) {
    sh_puts("mcu: FAIL no input samples\n");
    bad++;
  }
  return bad != 0;
}
