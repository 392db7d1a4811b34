/* LLVM backend: a lowered, planned Graph -> an object, assembly, LLVM IR or
 * bitcode for the target's triple, and the same module JIT-compiled
 * in-process for `tnnc run` / `tnnc bench` (LLVM 19 C API).
 *
 * The runtime's kernels are compiled to bitcode when tnnc is built, once
 * per kernel target (runtime/tnn_bitcode.c, meson.build; the table below),
 * as external functions tnnk_<name>.  For a model, tnnc
 *   1. picks the bitcode whose feature set makes the runtime choose the
 *      variants the target runs (the same TNN_HAS_* values, so the layouts
 *      the passes planned are the kernels' own);
 *   2. builds the model module: each constant as a private global, each
 *      layer's params as a constant [N x i64] (the params' 8-byte slots,
 *      ir/kernel.c), and <prefix>_run, which checks its pointers and the
 *      workspace's alignment as the C backend's does and calls the layers'
 *      kernels in order over the planned workspace;
 *   3. links the two, makes every kernel internal and inlines it into its
 *      calls (so each is specialised on its constant params), sets every
 *      function's CPU and features to the target's, optimises with the new
 *      pass manager (default<O2>, default<Os> for Cortex-M) and writes the
 *      result for the triple.
 * The header is the C backend's (emit_c_header), so the object links into
 * any driver of the C output, the --emit-main program's included
 * (emit_c_driver). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "../ir/ir.h"

/* The kernel bitcode embedded at build time (codegen/embed.c --bitcode). */
extern const struct tnnc_bitcode {
  const char *name;
  const unsigned char *bytes;
  size_t size;
} tnnc_bitcode_sets[];

#define F(x) (1u << TF_##x)
/* The features runtime/tnn_isa.h tests (TNN_HAS_*): two feature sets with
 * the same of these make the runtime pick the same variant everywhere. */
#define TESTED (F(AVX2) | F(FMA) | F(AVX512F) | F(AVX512BW) | F(AVX512DQ) | \
                F(AVX512VPOPCNTDQ) | F(AVX512VNNI) | F(NEON) | F(DSP))
#define V4_TESTED (F(AVX2) | F(FMA) | F(AVX512F) | F(AVX512BW) | F(AVX512DQ))

/* The kernel targets meson.build compiles (same names and flags). */
static const struct {
  const char *name;
  TargetArch arch;
  uint32_t tested;             /* its TNN_HAS_* features */
  bool hard_float;             /* Cortex-M: the FPU and its calling convention */
  const char *triple;
} kernel_targets[] = {
    {"x86-64", ARCH_X86_64, 0, false, "x86_64-unknown-linux-gnu"},
    {"x86-64-v3", ARCH_X86_64, F(AVX2) | F(FMA), false, "x86_64-unknown-linux-gnu"},
    {"x86-64-v4", ARCH_X86_64, V4_TESTED, false, "x86_64-unknown-linux-gnu"},
    {"x86-64-v4+vpopcntdq", ARCH_X86_64, V4_TESTED | F(AVX512VPOPCNTDQ), false,
     "x86_64-unknown-linux-gnu"},
    {"x86-64-v4+vnni", ARCH_X86_64, V4_TESTED | F(AVX512VNNI), false, "x86_64-unknown-linux-gnu"},
    {"x86-64-v4+vpopcntdq+vnni", ARCH_X86_64, V4_TESTED | F(AVX512VPOPCNTDQ) | F(AVX512VNNI),
     false, "x86_64-unknown-linux-gnu"},
    {"aarch64", ARCH_AARCH64, F(NEON), false, "aarch64-unknown-linux-gnu"},
    {"riscv64", ARCH_RISCV64, 0, false, "riscv64-unknown-linux-gnu"},
    {"armv7e-m", ARCH_ARMV7EM, F(DSP), false, "thumbv7em-unknown-none-eabi"},
    {"armv7e-m+fpu", ARCH_ARMV7EM, F(DSP), true, "thumbv7em-unknown-none-eabihf"},
};
enum { NKT = sizeof kernel_targets / sizeof kernel_targets[0] };

/* LLVM's names of tnnc's x86 features (the same spelling) */
static const char *const llvm_x86_feature[TF_COUNT] = {
    [TF_SSE42] = "sse4.2", [TF_AVX2] = "avx2", [TF_FMA] = "fma", [TF_AVX512F] = "avx512f",
    [TF_AVX512BW] = "avx512bw", [TF_AVX512DQ] = "avx512dq", [TF_AVX512VL] = "avx512vl",
    [TF_AVX512VPOPCNTDQ] = "avx512vpopcntdq", [TF_AVX512VNNI] = "avx512vnni",
};

static const struct tnnc_bitcode *bitcode_of(const char *name) {
  for (const struct tnnc_bitcode *b = tnnc_bitcode_sets; b->name; b++)
    if (strcmp(b->name, name) == 0) return b;
  return NULL;
}

bool llvm_available(void) { return true; }

const char *llvm_kernel_targets(Arena *a) {
  const char *s = "";
  for (const struct tnnc_bitcode *b = tnnc_bitcode_sets; b->name; b++)
    s = arena_printf(a, "%s%s%s", s, *s ? ", " : "", b->name);
  return *s ? s : "none";
}

/* What LLVM is told about the target: triple, CPU, features, and the
 * kernel bitcode to link. */
typedef struct LlvmTarget {
  const char *triple, *cpu, *features;
  const struct tnnc_bitcode *bc;
  bool size_opt;               /* Cortex-M: optimise for size */
  bool hard_float;             /* Cortex-M with FPU: floats in VFP registers */
  bool bare_metal;             /* no dynamic linker: static relocations */
} LlvmTarget;

static bool llvm_target(Graph *g, LlvmTarget *lt) {
  Arena *a = g->arena;
  const Target *t = g->target;
  if (t->arch == ARCH_GENERIC) {
    diag_error(g->diag, NULL, "--target=generic is portable C and names no architecture; "
                              "--emit=obj/asm/llvm/bc needs one (x86-64, x86-64-v3, "
                              "aarch64, armv7e-m, riscv64, native, ...)");
    return false;
  }
  const bool hf = t->arch == ARCH_ARMV7EM && (t->features & F(FPU));
  const uint32_t tested = t->features & TESTED;
  int k = 0;
  while (k < NKT && !(kernel_targets[k].arch == t->arch && kernel_targets[k].tested == tested &&
                      kernel_targets[k].hard_float == hf))
    k++;
  if (k == NKT) {
    diag_error(g->diag, NULL,
               "--target=%s: no kernel bitcode makes the runtime pick this target's "
               "variants (its features tested by the runtime match none of: %s); emit C "
               "(--emit=c) and build it with the flags --report names",
               t->name, llvm_kernel_targets(a));
    return false;
  }
  lt->bc = bitcode_of(kernel_targets[k].name);
  if (!lt->bc) {
    diag_error(g->diag, NULL,
               "--target=%s: this tnnc was built without the %s kernel bitcode (the C "
               "library headers for it were missing when it was built; it has: %s)",
               t->name, kernel_targets[k].name, llvm_kernel_targets(a));
    return false;
  }
  lt->triple = kernel_targets[k].triple;
  lt->size_opt = lt->bare_metal = t->arch == ARCH_ARMV7EM;
  lt->hard_float = hf;
  const char *base = arena_printf(a, "%.*s", (int)strcspn(t->resolved, "+"), t->resolved);
  const char *feat = "";
  switch (t->arch) {
  case ARCH_X86_64:
    lt->cpu = base;
    for (int f = 0; f < TF_COUNT; f++)
      if (llvm_x86_feature[f])
        feat = arena_printf(a, "%s%s%c%s", feat, *feat ? "," : "",
                            t->features & (1u << f) ? '+' : '-', llvm_x86_feature[f]);
    break;
  case ARCH_AARCH64:
    lt->cpu = "generic";
    feat = t->features & F(DOTPROD) ? "+neon,+dotprod" : "+neon";
    break;
  case ARCH_RISCV64:
    lt->cpu = "generic-rv64";
    feat = "+m,+a,+f,+d,+c";
    break;
  case ARCH_ARMV7EM:
    lt->cpu = strncmp(base, "cortex-", 7) == 0 ? base : hf ? "cortex-m4" : "generic";
    feat = hf ? "+dsp" : "+dsp,+soft-float,-fpregs";
    break;
  case ARCH_GENERIC:
    break;
  }
  lt->features = feat;
  return true;
}

/* LLVM's fatal errors (a backend that cannot select an instruction, ...)
 * end the process: tnnc's handler removes the outputs being written first
 * (codegen/compile.c registers them), says why and exits 1, as for a model
 * it cannot compile, instead of LLVM's abort. */
static void (*fatal_cleanup)(void *);
static void *fatal_ctx;

void llvm_on_fatal(void (*cleanup)(void *ctx), void *ctx) {
  fatal_cleanup = cleanup;
  fatal_ctx = ctx;
}

static void on_fatal(const char *reason) {
  if (fatal_cleanup) fatal_cleanup(fatal_ctx);
  fprintf(stderr, "tnnc: error: LLVM: %s\n", reason);
  _exit(1);
}

static void init_llvm(void) {
  static bool done;
  if (done) return;
  LLVMInstallFatalErrorHandler(on_fatal);
  LLVMInitializeAllTargetInfos();
  LLVMInitializeAllTargets();
  LLVMInitializeAllTargetMCs();
  LLVMInitializeAllAsmPrinters();
  LLVMInitializeAllAsmParsers(); /* module inline asm (the Cortex-M ABI tag) */
  done = true;
}

/* An LLVM error message as a diagnostic (and disposed). */
static void llvm_diag(Graph *g, const char *what, char *msg) {
  diag_error(g->diag, NULL, "LLVM: %s: %s", what, msg ? msg : "unknown error");
  if (msg) LLVMDisposeMessage(msg);
}

static bool llvm_error(Graph *g, const char *what, LLVMErrorRef e) {
  if (!e) return false;
  char *m = LLVMGetErrorMessage(e);
  diag_error(g->diag, NULL, "LLVM: %s: %s", what, m);
  LLVMDisposeErrorMessage(m);
  return true;
}

/* ------------------------------------------------------------ the module */

typedef struct Builder {
  Graph *g;
  LLVMContextRef cx;
  LLVMModuleRef m;
  LLVMBuilderRef b;
  LLVMTypeRef i8, i32, i64, ptr, kfn;
  LLVMValueRef *consts;        /* by tensor id, NULL: not a used constant */
  LLVMValueRef *params;        /* run's parameters: inputs, outputs, workspace */
  LLVMValueRef ws;
  int *input_of, *output_of;   /* by tensor id: graph input / output index, -1 */
} Builder;

static LLVMValueRef const_global(Builder *B, const Tensor *t) {
  const int64_t bytes = ir_tensor_bytes(t);
  LLVMValueRef init = LLVMConstStringInContext2(B->cx, bytes > 0 ? t->data : "", (size_t)(bytes > 0 ? bytes : 1), 1);
  LLVMValueRef gv = LLVMAddGlobal(B->m, LLVMTypeOf(init), arena_printf(B->g->arena, "c%d", t->id));
  LLVMSetInitializer(gv, init);
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
  LLVMSetAlignment(gv, 64);
  return gv;
}

static bool kernel_written(const Builder *B, const Tensor *t) {
  return !t->data && B->input_of[t->id] < 0 && t->producer && !t->producer->dead &&
         t->producer->call.kernel >= 0;
}

/* A tensor's storage as codegen/c.c's storage() gives it. */
static LLVMValueRef storage(Builder *B, const Tensor *t) {
  Graph *g = B->g;
  while (t->alias) t = t->alias;
  if (t->data) {
    if (!B->consts[t->id]) B->consts[t->id] = const_global(B, t);
    return B->consts[t->id];
  }
  if (B->input_of[t->id] >= 0) return B->params[B->input_of[t->id]];
  if (B->output_of[t->id] >= 0 && kernel_written(B, t))
    return B->params[g->ninputs + B->output_of[t->id]];
  TNNC_ASSERT(t->offset >= 0);
  LLVMValueRef off = LLVMConstInt(B->i64, (unsigned long long)t->offset, 0);
  return LLVMBuildGEP2(B->b, B->i8, B->ws, &off, 1, "");
}

static LLVMValueRef params_global(Builder *B, const KernelInfo *ki, const void *params, int pos) {
  const size_t n = ki->params_size / 8;
  LLVMValueRef *v = arena_alloc(B->g->arena, (n ? n : 1) * sizeof *v);
  const int64_t *slot = params;
  for (size_t i = 0; i < n; i++) v[i] = LLVMConstInt(B->i64, (unsigned long long)slot[i], 1);
  if (!n) v[0] = LLVMConstInt(B->i64, 0, 0);
  LLVMValueRef init = LLVMConstArray2(B->i64, v, n ? n : 1);
  LLVMValueRef gv = LLVMAddGlobal(B->m, LLVMTypeOf(init), arena_printf(B->g->arena, "p%d", pos));
  LLVMSetInitializer(gv, init);
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, LLVMPrivateLinkage);
  LLVMSetAlignment(gv, 8);
  return gv;
}

static LLVMValueRef kernel_fn(Builder *B, const KernelInfo *ki) {
  const char *name = arena_printf(B->g->arena, "tnnk_%s", ki->name);
  LLVMValueRef f = LLVMGetNamedFunction(B->m, name);
  return f ? f : LLVMAddFunction(B->m, name, B->kfn);
}

/* `if (cond) return code;` */
static void return_if(Builder *B, LLVMValueRef fn, LLVMValueRef cond, int code) {
  LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(B->cx, fn, "");
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(B->cx, fn, "");
  LLVMBuildCondBr(B->b, cond, bad, ok);
  LLVMPositionBuilderAtEnd(B->b, bad);
  LLVMBuildRet(B->b, LLVMConstInt(B->i32, (unsigned long long)code, 0));
  LLVMPositionBuilderAtEnd(B->b, ok);
}

/* <prefix>_run; with `hook` (tnnc bench --profile) a call hook(layer, 0)
 * before and hook(layer, 1) after each layer. */
static LLVMValueRef build_run(Builder *B, const char *prefix, void (*hook)(int, int)) {
  Graph *g = B->g;
  Arena *a = g->arena;
  const int np = g->ninputs + g->noutputs + 1;
  LLVMTypeRef *pt = arena_alloc(a, (size_t)np * sizeof *pt);
  for (int i = 0; i < np; i++) pt[i] = B->ptr;
  LLVMTypeRef fty = LLVMFunctionType(B->i32, pt, (unsigned)np, 0);
  LLVMValueRef fn = LLVMAddFunction(B->m, arena_printf(a, "%s_run", prefix), fty);
  B->params = arena_alloc(a, (size_t)np * sizeof *B->params);
  for (int i = 0; i < np; i++) B->params[i] = LLVMGetParam(fn, (unsigned)i);
  B->ws = B->params[np - 1];
  LLVMPositionBuilderAtEnd(B->b, LLVMAppendBasicBlockInContext(B->cx, fn, "entry"));
  /* in[] and out[] as the C backend's: at least CALL_SLOTS, unused ones 0 */
  int slots = 6;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    if (n->nin > slots) slots = n->nin;
    if (n->nout > slots) slots = n->nout;
  }
  LLVMTypeRef arr = LLVMArrayType2(B->ptr, (uint64_t)slots);
  LLVMValueRef in = LLVMBuildAlloca(B->b, arr, "in"), out = LLVMBuildAlloca(B->b, arr, "out");
  LLVMValueRef bad = g->ws_size > 0 ? LLVMBuildIsNull(B->b, B->ws, "") : LLVMConstInt(LLVMInt1TypeInContext(B->cx), 0, 0);
  for (int i = 0; i < np - 1; i++) bad = LLVMBuildOr(B->b, bad, LLVMBuildIsNull(B->b, B->params[i], ""), "");
  return_if(B, fn, bad, TNN_E_ARG);
  if (g->ws_size > 0) {
    LLVMValueRef lo = LLVMBuildAnd(B->b, LLVMBuildPtrToInt(B->b, B->ws, B->i64, ""),
                                   LLVMConstInt(B->i64, TNN_WS_ALIGN - 1, 0), "");
    return_if(B, fn, LLVMBuildICmp(B->b, LLVMIntNE, lo, LLVMConstInt(B->i64, 0, 0), ""), TNN_E_ALIGN);
  }
  LLVMTypeRef hty = LLVMFunctionType(LLVMVoidTypeInContext(B->cx), (LLVMTypeRef[]){B->i32, B->i32}, 2, 0);
  LLVMValueRef hfn = hook ? LLVMConstIntToPtr(LLVMConstInt(B->i64, (unsigned long long)(uintptr_t)hook, 0), B->ptr) : NULL;
  LLVMValueRef null = LLVMConstPointerNull(B->ptr);
  int layer = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    const KernelInfo *ki = kernel_info(n->call.kernel);
    for (int pass = 0; pass < 2; pass++) {
      LLVMValueRef base = pass ? out : in;
      for (int j = 0; j < slots; j++) {
        const Tensor *t = NULL;
        if (!pass && j < n->nin) t = n->in[j];
        if (pass && j < n->nout && n->out[j] && !n->out[j]->data) t = n->out[j];
        LLVMValueRef idx[2] = {LLVMConstInt(B->i64, 0, 0), LLVMConstInt(B->i64, (unsigned long long)j, 0)};
        LLVMBuildStore(B->b, t ? storage(B, t) : null, LLVMBuildGEP2(B->b, arr, base, idx, 2, ""));
      }
    }
    LLVMValueRef args[3] = {params_global(B, ki, n->call.params, i), in, out};
    if (hfn) LLVMBuildCall2(B->b, hty, hfn, (LLVMValueRef[]){LLVMConstInt(B->i32, (unsigned long long)layer, 0), LLVMConstInt(B->i32, 0, 0)}, 2, "");
    LLVMValueRef rc = LLVMBuildCall2(B->b, B->kfn, kernel_fn(B, ki), args, 3, "");
    if (hfn) LLVMBuildCall2(B->b, hty, hfn, (LLVMValueRef[]){LLVMConstInt(B->i32, (unsigned long long)layer, 0), LLVMConstInt(B->i32, 1, 0)}, 2, "");
    layer++;
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(B->cx, fn, "");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(B->cx, fn, "");
    LLVMBuildCondBr(B->b, LLVMBuildICmp(B->b, LLVMIntNE, rc, LLVMConstInt(B->i32, 0, 0), ""), fail, next);
    LLVMPositionBuilderAtEnd(B->b, fail);
    LLVMBuildRet(B->b, rc);
    LLVMPositionBuilderAtEnd(B->b, next);
  }
  /* outputs no kernel writes, copied last (codegen/c.c emit_run) */
  for (int i = 0; i < g->noutputs; i++) {
    const Tensor *t = g->outputs[i];
    if (B->output_of[t->id] == i && kernel_written(B, t)) continue;
    LLVMBuildMemCpy(B->b, B->params[g->ninputs + i], 1, storage(B, t), 1,
                    LLVMConstInt(B->i64, (unsigned long long)ir_tensor_bytes(t), 0));
  }
  LLVMBuildRet(B->b, LLVMConstInt(B->i32, 0, 0));
  return fn;
}

/* `int <prefix>_call(void **args)`: run with its arguments in an array
 * (tnnc run / bench call the JIT-compiled model through it). */
static void build_call(Builder *B, LLVMValueRef run, const char *name) {
  Graph *g = B->g;
  const int np = g->ninputs + g->noutputs + 1;
  LLVMValueRef fn = LLVMAddFunction(B->m, name, LLVMFunctionType(B->i32, &B->ptr, 1, 0));
  LLVMPositionBuilderAtEnd(B->b, LLVMAppendBasicBlockInContext(B->cx, fn, "entry"));
  LLVMValueRef *args = arena_alloc(g->arena, (size_t)np * sizeof *args);
  for (int i = 0; i < np; i++) {
    LLVMValueRef idx = LLVMConstInt(B->i64, (unsigned long long)i, 0);
    args[i] = LLVMBuildLoad2(B->b, B->ptr, LLVMBuildGEP2(B->b, B->ptr, LLVMGetParam(fn, 0), &idx, 1, ""), "");
  }
  LLVMBuildRet(B->b, LLVMBuildCall2(B->b, LLVMGlobalGetValueType(run), run, args, (unsigned)np, ""));
}

static void set_string_attr(LLVMContextRef cx, LLVMValueRef f, const char *k, const char *v) {
  LLVMRemoveStringAttributeAtIndex(f, LLVMAttributeFunctionIndex, k, (unsigned)strlen(k));
  if (v && *v)
    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(cx, k, (unsigned)strlen(k), v, (unsigned)strlen(v)));
}

/* Builds, links and optimises the model's module in cx; NULL after a
 * diagnostic.  `keep` are the functions that stay external. */
static LLVMModuleRef build_module(Graph *g, LLVMContextRef cx, const LlvmTarget *lt,
                                  LLVMTargetMachineRef tm, const char *prefix,
                                  void (*hook)(int, int), bool with_call) {
  Arena *a = g->arena;
  LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(
      (const char *)lt->bc->bytes, lt->bc->size, lt->bc->name, 0);
  LLVMModuleRef k = NULL;
  if (LLVMParseBitcodeInContext2(cx, buf, &k)) {
    LLVMDisposeMemoryBuffer(buf);
    diag_error(g->diag, NULL, "LLVM: cannot read the %s kernel bitcode", lt->bc->name);
    return NULL;
  }
  LLVMDisposeMemoryBuffer(buf);
  Builder B = {.g = g, .cx = cx};
  B.m = LLVMModuleCreateWithNameInContext(prefix, cx);
  LLVMSetTarget(B.m, LLVMGetTarget(k));
  LLVMSetDataLayout(B.m, LLVMGetDataLayoutStr(k));
  B.b = LLVMCreateBuilderInContext(cx);
  B.i8 = LLVMInt8TypeInContext(cx);
  B.i32 = LLVMInt32TypeInContext(cx);
  B.i64 = LLVMInt64TypeInContext(cx);
  B.ptr = LLVMPointerTypeInContext(cx, 0);
  B.kfn = LLVMFunctionType(B.i32, (LLVMTypeRef[]){B.ptr, B.ptr, B.ptr}, 3, 0);
  B.consts = arena_calloc(a, (size_t)g->ntensors + 1, sizeof *B.consts);
  B.input_of = arena_alloc(a, ((size_t)g->ntensors + 1) * sizeof(int));
  B.output_of = arena_alloc(a, ((size_t)g->ntensors + 1) * sizeof(int));
  for (int i = 0; i <= g->ntensors; i++) B.input_of[i] = B.output_of[i] = -1;
  for (int i = g->ninputs - 1; i >= 0; i--) B.input_of[g->inputs[i]->id] = i;
  for (int i = g->noutputs - 1; i >= 0; i--) B.output_of[g->outputs[i]->id] = i;
  /* Cortex-M with an FPU: floats in VFP registers, which LLVM does but
   * does not record without clang's -mfloat-abi=hard (the linker then
   * refuses to mix the object with hard-float code) */
  if (lt->hard_float) {
    static const char tag[] = ".eabi_attribute 28, 1 @ Tag_ABI_VFP_args: VFP registers";
    LLVMSetModuleInlineAsm2(B.m, tag, sizeof tag - 1);
  }
  LLVMValueRef run = build_run(&B, prefix, hook);
  const char *call_name = arena_printf(a, "%s_call", prefix);
  if (with_call) build_call(&B, run, call_name);
  LLVMDisposeBuilder(B.b);
  if (LLVMLinkModules2(B.m, k)) {
    diag_error(g->diag, NULL, "LLVM: cannot link the model with the %s kernels", lt->bc->name);
    LLVMDisposeModule(B.m);
    return NULL;
  }
  /* every kernel internal and inlined into its layer's call; the target's
   * CPU and features on every function */
  const unsigned inl = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
  const char *run_name = arena_printf(a, "%s_run", prefix);
  for (LLVMValueRef f = LLVMGetFirstFunction(B.m); f; f = LLVMGetNextFunction(f)) {
    if (LLVMIsDeclaration(f)) continue;
    size_t len;
    const char *name = LLVMGetValueName2(f, &len);
    const bool keep = strcmp(name, run_name) == 0 || (with_call && strcmp(name, call_name) == 0);
    if (!keep) LLVMSetLinkage(f, LLVMInternalLinkage);
    if (strncmp(name, "tnnk_", 5) == 0 && !lt->size_opt)
      LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(cx, inl, 0));
    set_string_attr(cx, f, "target-cpu", lt->cpu);
    set_string_attr(cx, f, "target-features", lt->features);
    set_string_attr(cx, f, "tune-cpu", NULL);
  }
  char *msg = NULL;
  if (LLVMVerifyModule(B.m, LLVMReturnStatusAction, &msg)) {
    llvm_diag(g, "the model's module does not verify", msg);
    LLVMDisposeModule(B.m);
    return NULL;
  }
  LLVMDisposeMessage(msg);
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = LLVMRunPasses(B.m, lt->size_opt ? "default<Os>" : "default<O2>", tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (llvm_error(g, "optimising", e)) {
    LLVMDisposeModule(B.m);
    return NULL;
  }
  return B.m;
}

static LLVMTargetMachineRef target_machine(Graph *g, const LlvmTarget *lt) {
  init_llvm();
  LLVMTargetRef t;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(lt->triple, &t, &err)) {
    llvm_diag(g, lt->triple, err);
    return NULL;
  }
  LLVMTargetMachineRef tm = LLVMCreateTargetMachine(
      t, lt->triple, lt->cpu, lt->features, lt->size_opt ? LLVMCodeGenLevelDefault : LLVMCodeGenLevelAggressive,
      lt->bare_metal ? LLVMRelocStatic : LLVMRelocPIC, LLVMCodeModelDefault);
  if (!tm) diag_error(g->diag, NULL, "LLVM: no target machine for %s (cpu %s)", lt->triple, lt->cpu);
  return tm;
}

bool emit_llvm(Graph *g, const EmitOptions *o, EmitKind kind, FILE *out) {
  LlvmTarget lt;
  if (!llvm_target(g, &lt)) return false;
  LLVMTargetMachineRef tm = target_machine(g, &lt);
  if (!tm) return false;
  LLVMContextRef cx = LLVMContextCreate();
  LLVMModuleRef m = build_module(g, cx, &lt, tm, o->prefix, NULL, false);
  bool ok = m != NULL;
  if (ok) {
    char *err = NULL;
    LLVMMemoryBufferRef mb = NULL;
    char *text = NULL;
    if (kind == EMIT_OBJ || kind == EMIT_ASM) {
      if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, kind == EMIT_OBJ ? LLVMObjectFile : LLVMAssemblyFile,
                                              &err, &mb)) {
        llvm_diag(g, "code generation", err);
        ok = false;
      }
    } else if (kind == EMIT_BC) {
      mb = LLVMWriteBitcodeToMemoryBuffer(m);
    } else {
      text = LLVMPrintModuleToString(m);
    }
    if (mb) {
      ok = fwrite(LLVMGetBufferStart(mb), 1, LLVMGetBufferSize(mb), out) == LLVMGetBufferSize(mb);
      LLVMDisposeMemoryBuffer(mb);
    } else if (text) {
      ok = fputs(text, out) >= 0;
      LLVMDisposeMessage(text);
    }
    LLVMDisposeModule(m);
  }
  LLVMContextDispose(cx);
  LLVMDisposeTargetMachine(tm);
  return ok;
}

/* ------------------------------------------------------------------ JIT */

struct LlvmJit {
  LLVMOrcLLJITRef jit;
  LlvmCallFn call;
};

LlvmJit *llvm_jit(Graph *g, const char *prefix, void (*hook)(int, int)) {
  LlvmTarget lt;
  if (!llvm_target(g, &lt)) return NULL;
  LLVMTargetMachineRef tm = target_machine(g, &lt);
  if (!tm) return NULL;
  LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
  LLVMModuleRef m = build_module(g, LLVMOrcThreadSafeContextGetContext(tsc), &lt, tm, prefix, hook, true);
  LLVMDisposeTargetMachine(tm);
  if (!m) {
    LLVMOrcDisposeThreadSafeContext(tsc);
    return NULL;
  }
  LLVMOrcJITTargetMachineBuilderRef jtmb = NULL;
  LLVMOrcLLJITRef jit = NULL;
  LLVMErrorRef e = LLVMOrcJITTargetMachineBuilderDetectHost(&jtmb);
  if (!e) {
    LLVMOrcLLJITBuilderRef jb = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(jb, jtmb);
    e = LLVMOrcCreateLLJIT(&jit, jb);
  }
  if (llvm_error(g, "creating the JIT", e)) {
    LLVMDisposeModule(m);
    LLVMOrcDisposeThreadSafeContext(tsc);
    return NULL;
  }
  /* libc and libm (memcpy, expf, ...) from this process */
  LLVMOrcDefinitionGeneratorRef gen = NULL;
  e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(jit), NULL, NULL);
  if (!e) LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(jit), gen);
  if (!e) {
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(m, tsc);
    e = LLVMOrcLLJITAddLLVMIRModule(jit, LLVMOrcLLJITGetMainJITDylib(jit), tsm);
    if (e) LLVMOrcDisposeThreadSafeModule(tsm);
  } else {
    LLVMDisposeModule(m);
  }
  LLVMOrcDisposeThreadSafeContext(tsc);
  LLVMOrcExecutorAddress addr = 0;
  if (!e) e = LLVMOrcLLJITLookup(jit, &addr, arena_printf(g->arena, "%s_call", prefix));
  if (llvm_error(g, "JIT compilation", e)) {
    LLVMOrcDisposeLLJIT(jit);
    return NULL;
  }
  LlvmJit *j = malloc(sizeof *j);
  if (!j) {
    LLVMOrcDisposeLLJIT(jit);
    diag_error(g->diag, NULL, "out of memory");
    return NULL;
  }
  j->jit = jit;
  j->call = (LlvmCallFn)(uintptr_t)addr;
  return j;
}

LlvmCallFn llvm_jit_fn(const LlvmJit *j) { return j->call; }

void llvm_jit_free(LlvmJit *j) {
  if (!j) return;
  LLVMOrcDisposeLLJIT(j->jit);
  free(j);
}
