/* A stand-in for a tnnc-generated model.h with known behaviour, so that
 * run_mcu.js can check that the harness's measurements and checks work:
 * model_run (model.c) executes about 2 * SELFTEST_SPIN instructions, puts
 * SELFTEST_STACK bytes on the stack and, depending on the input, stays in
 * its workspace, writes one byte past it, or faults. */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>

#define MODEL_NUM_INPUTS 1
#define MODEL_NUM_OUTPUTS 1
#define MODEL_INPUT0_SIZE 4
#define MODEL_INPUT0_DTYPE 1
#define MODEL_OUTPUT0_SIZE 4
#define MODEL_OUTPUT0_DTYPE 1
#define MODEL_WORKSPACE_SIZE 100
#define MODEL_STACK_BYTES 1024 /* below SELFTEST_STACK: the harness must object */

#define SELFTEST_SPIN 50000
#define SELFTEST_STACK 2000

/* output = 2 * input; input0[0]: 0 stays in the workspace, 1 writes the
 * byte after it, 3 executes an undefined instruction. */
int model_run(const float *input0, float *output0, void *workspace);

#endif
