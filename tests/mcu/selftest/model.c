/* See model.h. */
#include "model.h"

void tnn_spin(uint32_t n); /* startup.S: exactly 2 * n instructions */

static void touch_stack(void) {
  volatile uint8_t buf[SELFTEST_STACK];
  for (uint32_t i = 0; i < SELFTEST_STACK; i += 64) buf[i] = (uint8_t)(i + 1);
  (void)buf[0];
}

int model_run(const float *input0, float *output0, void *workspace) {
  uint8_t *ws = (uint8_t *)workspace;
  for (int i = 0; i < MODEL_INPUT0_SIZE; i++) output0[i] = 2.0f * input0[i];
  touch_stack();
  tnn_spin(SELFTEST_SPIN);
  ws[MODEL_WORKSPACE_SIZE - 1] = 1;
  if (input0[0] == 1.0f) ws[MODEL_WORKSPACE_SIZE] = 1;
  if (input0[0] == 3.0f) __asm__ volatile("udf #0");
  return 0;
}
