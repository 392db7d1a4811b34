/* tnnc internal interface.
 *
 * Data flows one way: frontend (ONNX bytes -> Graph) -> passes (Graph -> Graph)
 * -> codegen (Graph -> C text).  This header is the whole contract between
 * them, split by banners naming the file that implements each part, so the
 * data flow can be read from here alone (chibicc's chibicc.h).
 *
 * Memory: everything a compilation allocates comes from one Arena and is
 * freed by one arena_free(); nothing here frees.  No globals: every function
 * takes the Graph (or Arena/Diag) it works on.
 */
#ifndef TNNC_IR_H
#define TNNC_IR_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tnnc.h"
#include "../runtime/tnn_runtime.h"

#define IR_MAX_RANK TNN_MAX_RANK

typedef struct Arena Arena;
typedef struct Diag Diag;
typedef struct Tensor Tensor;
typedef struct Node Node;
typedef struct Graph Graph;

/* ---------------------------------------------------------------- arena.c */

/* Bump allocator.  Allocation failure (or exceeding `limit` bytes) longjmps
 * to `oom` when it is set, so callers never check for NULL. */
struct Arena {
  struct ArenaBlock *head;
  size_t used;          /* bytes handed out so far */
  size_t limit;         /* 0: unlimited */
  jmp_buf *oom;         /* where to go when out of memory */
};

Arena *arena_new(size_t limit);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t size);        /* zeroed, 64-byte aligned */
void *arena_calloc(Arena *a, size_t n, size_t size); /* overflow-checked */
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ----------------------------------------------------------------- diag.c */

/* Diagnostics.  A bad model is the user's problem: every message names the
 * file and, where there is one, the node (index, name, op type).  Errors are
 * collected; the caller checks nerrors after a phase. */
struct Diag {
  FILE *sink;           /* NULL: count only */
  const char *file;     /* model path used as the location prefix */
  int nerrors;
  int nwarnings;
};

void diag_error(Diag *d, const Node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(Diag *d, const Node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_verror(Diag *d, const Node *n, const char *kind, const char *fmt,
                 va_list ap);
/* Information, neither error nor warning (counts nothing). */
void diag_note(Diag *d, const Node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Internal bugs are ours, not the user's. */
#define TNNC_ASSERT(c)                                                        \
  do {                                                                        \
    if (!(c)) tnnc_internal_error(__FILE__, __LINE__, #c);                    \
  } while (0)
#define tnnc_unreachable() tnnc_internal_error(__FILE__, __LINE__, "unreachable")
_Noreturn void tnnc_internal_error(const char *file, int line, const char *what);

/* ------------------------------------------------------------------ ir.c */

/* Element types, numbered as ONNX TensorProto.DataType. */
typedef enum {
  DT_UNDEFINED = 0,
  DT_FLOAT = 1,
  DT_UINT8 = 2,
  DT_INT8 = 3,
  DT_UINT16 = 4,
  DT_INT16 = 5,
  DT_INT32 = 6,
  DT_INT64 = 7,
  DT_STRING = 8,
  DT_BOOL = 9,
  DT_FLOAT16 = 10,
  DT_DOUBLE = 11,
  DT_UINT32 = 12,
  DT_UINT64 = 13,
  DT_BFLOAT16 = 16,
} DType;

/* float16 and bfloat16 are storage types: their 16-bit patterns are held
 * as uint16_t, and the ops that take them compute in float (Cast converts,
 * rounding to nearest even; runtime/tnn_elementwise.h). */
size_t dtype_size(DType t);           /* 0 for unsupported types */
const char *dtype_name(DType t);      /* "float", "int64", ... */
const char *dtype_ctype(DType t);     /* "float", "int64_t", ... */
bool dtype_supported(DType t);        /* storable and computable by tnnc */
int dtype_tnn(DType t);               /* TNN_DT_* code used by the runtime */

struct Tensor {
  const char *name;
  int id;                      /* index in Graph.tensors */
  DType dtype;                 /* DT_UNDEFINED until inferred */
  int rank;                    /* -1 until inferred */
  int64_t dims[IR_MAX_RANK];
  const char *dim_param[IR_MAX_RANK]; /* symbolic name of a dim, or NULL */
  void *data;                  /* constant value, or NULL */
  bool is_initializer;         /* came from the model's initializers */
  Node *producer;              /* NULL for inputs and constants */
  int nuses;                   /* live consumers (ir_recount) */
  bool is_input, is_output;
  /* memory plan (pass plan_memory) */
  Tensor *alias;               /* shares storage with this tensor */
  int64_t offset;              /* byte offset in the workspace, -1 if none */
};

typedef enum {
  ATTR_UNDEFINED = 0,
  ATTR_FLOAT = 1,
  ATTR_INT = 2,
  ATTR_STRING = 3,
  ATTR_TENSOR = 4,
  ATTR_GRAPH = 5,
  ATTR_FLOATS = 6,
  ATTR_INTS = 7,
  ATTR_STRINGS = 8,
} AttrType;

typedef struct Attr {
  const char *name;
  AttrType type;
  int64_t i;
  float f;
  const char *s;               /* ATTR_STRING (NUL-terminated copy) */
  int n;                       /* element count of the list kinds */
  int64_t *ints;
  float *floats;
  const char **strings;
  Tensor *t;                   /* ATTR_TENSOR: a constant, not in the graph */
} Attr;

typedef enum {
#define X(id, name, mi, xi, mo, xo, kind) OP_##id,
#include "ops.def"
#undef X
  OP_COUNT
} Op;

/* A kernel call chosen by lowering: the runtime kernel and its parameters.
 * The interpreter calls it; codegen prints the same call. */
typedef struct KernelCall {
  int kernel;                  /* TNN_K_* index, -1: none (aliased view) */
  void *params;                /* the kernel's tnn_*_params struct */
} KernelCall;

/* Binary/ternary weights of a Conv, Gemm or MatMul (pass quant-weights):
 * W[m][k] = scale[m] * t[m][k], t in {-1, 0, +1}, rows per output channel
 * in ONNX order (Conv [M][C/group*kh*kw]; Gemm/MatMul as op(B)^T). */
typedef enum { PACK_2BIT = 0, PACK_BASE3 = 1 } PackFormat;

typedef struct QuantInfo {
  int bits;                    /* 1: binary, 2: ternary */
  bool per_channel;            /* scales differ between channels */
  bool from_quantize;          /* made by --quantize, not found in the model */
  int64_t m, k;
  float *scale;                /* [m], >= 0 */
  int8_t *t;                   /* [m][k] */
  const Tensor *weight;        /* the float weights it was read from */
  bool packed;                 /* lowered to a packed kernel (pass lower) */
  Tensor *wpacked;             /* the weights in the layout of the kernel the
                                  layer runs; filled once, by pass pack-weights */
  int64_t hw;                  /* x_bafc on packed images: pixels per channel
                                  (its columns are permuted to pixel-major) */
  int abits;                   /* input activations: 1, 2 packed, 3..8 codes
                                  (pass quant-int8), 0 float */
  int obits;                   /* packed output activations: 1, 2 (0 float) */
} QuantInfo;

struct Node {
  Op op;
  int index;                   /* position in the ONNX graph's node list */
  const char *name;            /* ONNX node name ("" if none) */
  const char *op_type;         /* as written in the model */
  const char *domain;          /* "" for ai.onnx */
  int nin, nout;
  Tensor **in;                 /* in[i] NULL: optional input omitted */
  Tensor **out;
  int nattrs;
  Attr *attrs;
  bool dead;                   /* removed; skipped everywhere */
  const char *fused;           /* names of ONNX nodes folded into this one */
  const Node **fused_nodes;    /* the same nodes, in the order folded */
  int nfused;
  QuantInfo *quant;            /* binary/ternary weights, or NULL */
  const Tensor *orig_weight;   /* weights before lowering re-laid them out */
  KernelCall call;             /* set by pass lower */
  /* Why a layer next to a quantizer (binary/ternary weights, or an
   * activation quantizer feeding it) stays float, or NULL: set where a
   * pass turns the candidate down; --report shows it, and tnnc_compile
   * prints it as a note unless quiet (emit_fallback_notes). */
  const char *fallback_reason;
};

struct Graph {
  Arena *arena;
  Diag *diag;
  const tnnc_limits *limits;
  const char *producer;        /* ONNX producer_name + version */
  int64_t opset;               /* ai.onnx opset version */
  int64_t batch;               /* value bound to symbolic batch dims */
  Tensor **tensors;
  int ntensors, cap_tensors;
  Node **nodes;                /* topologically sorted after ir_toposort */
  int nnodes, cap_nodes;
  Tensor **inputs;             /* runtime inputs (initializers excluded) */
  int ninputs, cap_inputs;
  Tensor **outputs;
  int noutputs, cap_outputs;
  int64_t const_bytes;         /* constant data so far (initializers and
                                  folded), against limits->max_weight_bytes */
  int64_t fold_work;           /* element-operations spent folding */
  /* weight quantization (--quantize, --tolerance, --quantize-all, --pack) */
  int quantize;                /* 0 none, 1 binary, 2 ternary, 3 auto */
  double tolerance;            /* auto: max relative L2 error */
  bool quantize_all;           /* also the first and last layers */
  PackFormat pack;             /* storage of ternary weights */
  bool float_acts;             /* --float-acts: no packed activations */
  int64_t ws_size;             /* planned workspace bytes */
  int64_t ws_peak;             /* peak bytes of simultaneously live tensors */
  const struct Target *target; /* --target; NULL: the C compiler's flags decide */
  int64_t stack_bytes;         /* bound on the run function's stack use */
  int threads;                 /* --threads: 1, or the pool's size (tnn_thread.h) */
  int64_t thread_min_work;     /* --thread-min-work: smaller layers stay on one */
};

Graph *ir_graph_new(Arena *a, Diag *d, const tnnc_limits *limits);
Tensor *ir_tensor_new(Graph *g, const char *name);
Tensor *ir_tensor_find(Graph *g, const char *name);   /* NULL if absent */
Node *ir_node_new(Graph *g, Op op, const char *name, int nin, int nout);
void ir_tensor_set_shape(Tensor *t, DType dt, int rank, const int64_t *dims);
int64_t ir_tensor_numel(const Tensor *t);     /* -1 if rank unknown */
int64_t ir_tensor_bytes(const Tensor *t);
void *ir_tensor_alloc_data(Graph *g, Tensor *t); /* zeroed buffer for data */
/* A new constant tensor of the given type and shape, data zeroed. */
Tensor *ir_const_new(Graph *g, const char *name, DType dt, int rank,
                     const int64_t *dims);
bool ir_shape_numel(const int64_t *dims, int rank, int64_t max, int64_t *out);
/* Counts t's data, about to be created by folding node n, against
 * --limit weight-bytes: false after a diagnostic at n when it does not fit. */
bool ir_count_const(Graph *g, const Node *n, const Tensor *t);
/* Whether folding n (its shapes inferred) fits the folding budget: at most
 * IR_FOLD_NODE_WORK element-operations for one node, IR_FOLD_TOTAL_WORK for
 * the whole compilation; a node beyond it stays a run-time node.  Charges
 * the work when it fits. */
#define IR_FOLD_NODE_WORK (INT64_C(1) << 30)
#define IR_FOLD_TOTAL_WORK (INT64_C(1) << 34)
bool ir_fold_affordable(Graph *g, const Node *n);
void ir_graph_add_input(Graph *g, Tensor *t);
void ir_graph_add_output(Graph *g, Tensor *t);
void ir_recount(Graph *g);                    /* recompute nuses/producer */
bool ir_toposort(Graph *g);                   /* false (+diag) on a cycle */
void ir_replace_uses(Graph *g, Tensor *from, Tensor *to);
/* Records that node n was folded into `into` (its fused list, for
 * comments, --dump-ir and --report). */
void ir_add_fused(Graph *g, Node *into, const Node *n);

/* Attributes (defaults are applied by the caller). */
const Attr *ir_attr(const Node *n, const char *name);
int64_t ir_attr_int(const Node *n, const char *name, int64_t def);
float ir_attr_float(const Node *n, const char *name, float def);
const char *ir_attr_string(const Node *n, const char *name, const char *def);
/* ints list; returns count (-1 if absent), copies at most max values. */
int ir_attr_ints(const Node *n, const char *name, int64_t *out, int max);
Attr *ir_node_add_attr(Graph *g, Node *n, const char *name, AttrType type);

/* Reads element i of a constant integer tensor (int32/int64/...), as int64. */
int64_t ir_const_int(const Tensor *t, int64_t i);
double ir_const_double(const Tensor *t, int64_t i);

/* ------------------------------------------------------------------ op.c */

/* An op kind implements shape/type inference and kernel selection.
 * infer: set the outputs' dtype and shape from the inputs (their shapes are
 *        known; constant inputs have data).  Report errors through
 *        g->diag naming the node and return false.
 * lower: choose the runtime kernel and fill its params (node->call).
 *        Views may set call.kernel = -1 to alias output 0 to input 0. */
typedef struct OpKind {
  bool (*infer)(Graph *g, Node *n);
  bool (*lower)(Graph *g, Node *n);
} OpKind;

typedef struct OpInfo {
  const char *name;            /* ONNX op_type */
  int min_in, max_in, min_out, max_out;
  const OpKind *kind;
} OpInfo;

const OpInfo *op_info(Op op);
bool op_lookup(const char *domain, const char *op_type, Op *out);
const char *op_name(Op op);
/* QONNX custom ops (Quant, BipolarQuant, MultiThreshold) and their domains, i = 0, 1, ...
 * until NULL. */
bool op_is_qonnx(Op op);
const char *op_qonnx_domain(int i);
/* True when output 0 of n may share storage with input 0 (pure views). */
bool op_is_view(const Node *n);

/* How an op's output moves with its run-time inputs (ir/op_props.def):
 * MONO_UP / MONO_DOWN non-decreasing / non-increasing in its one input;
 * MONO_ALPHA non-decreasing when attribute alpha >= 0 (LeakyRelu);
 * MONO_ALPHA_SIGN in the direction of alpha's sign (HardSigmoid); MONO_SUM
 * non-decreasing in each input (Add, Min, Max); MONO_DIFF up in the first,
 * down in the second (Sub); MONO_PROD / MONO_QUOT by the sign of the
 * constant operand (Mul, Div by a constant); MONO_CMP_UP / MONO_CMP_DOWN a
 * comparison rising with its first / second input; MONO_CAST as its input
 * (to a non-bool type); MONO_SELECT Where between two constants, by their
 * order; MONO_QUANT by the sign of the scale; MONO_THRESHOLD by the sign of
 * out_scale. */
typedef enum {
  MONO_NONE, MONO_UP, MONO_DOWN, MONO_ALPHA, MONO_ALPHA_SIGN, MONO_SUM,
  MONO_DIFF, MONO_PROD, MONO_QUOT, MONO_CMP_UP, MONO_CMP_DOWN, MONO_CAST,
  MONO_SELECT, MONO_QUANT, MONO_THRESHOLD
} OpMono;
enum { OPF_VIEW = 1, OPF_QUANTIZER = 2 };
OpMono op_mono(Op op);
/* An activation quantizer op (Quant, BipolarQuant, MultiThreshold, Sign). */
bool op_is_quantizer(Op op);

/* Helpers shared by op kinds (ir/ops/common.c). */
bool opk_check_rank(Graph *g, Node *n, int input, int min, int max);
bool opk_check_float(Graph *g, Node *n, int input);
bool opk_broadcast(Graph *g, Node *n, Tensor *const *ins, int nin,
                   int *rank, int64_t *dims);
/* Strides (in elements) of `t` broadcast to an output of rank/dims. */
void opk_bcast_strides(const Tensor *t, int rank, const int64_t *dims,
                       int64_t *strides);
int opk_norm_axis(Graph *g, Node *n, int64_t axis, int rank, bool *ok);
int opk_scatter_reduction(Graph *g, Node *n); /* 0 none .. 4 min, -1: bad */
void *opk_params(Graph *g, size_t size);
/* The 2-D window geometry every conv and pool params struct shares (input
 * n, c, h, w; output oh, ow; kernel, strides, top/left pads, dilations),
 * copied from one kind's params to another's when a pass moves a node to
 * another kernel family. */
#define IR_COPY_WINDOW(d, s)                                                  \
  ((d)->n = (s)->n, (d)->c = (s)->c, (d)->h = (s)->h, (d)->w = (s)->w,        \
   (d)->oh = (s)->oh, (d)->ow = (s)->ow, (d)->kh = (s)->kh, (d)->kw = (s)->kw, \
   (d)->sh = (s)->sh, (d)->sw = (s)->sw, (d)->pt = (s)->pt, (d)->pl = (s)->pl, \
   (d)->dh = (s)->dh, (d)->dw = (s)->dw)
/* Window geometry of Conv and the pools (ir/ops/conv.c): strides s,
 * dilations d and pads default to 1/1/0 unless set; auto_pad resolved;
 * output extents in out.  False after a diagnostic. */
bool opk_window(Graph *g, Node *n, int nsp, const int64_t *in,
                const int64_t *k, bool ceil_mode, int64_t *s, int64_t *d,
                int64_t *pads, int64_t *out);

/* --------------------------------------------------------------- kernel.c */

/* The runtime's kernels, indexed by TNN_K_<name> (runtime TNN_KERNELS). */
enum {
#define K(name, kind) TNN_K_##name,
  TNN_KERNELS(K)
#undef K
  TNN_K_COUNT
};

typedef int (*KernelPartFn)(const void *params, const void *const *in, void *const *out,
                            int64_t part, int64_t nparts);
typedef int (*KernelFn)(const void *params, const void *const *in,
                        void *const *out);

typedef struct ParamField {
  const char *name;
  char type;                   /* 'I' int64, 'F' double, 'A' int64 array */
  int count;                   /* array length (1 for scalars) */
} ParamField;

typedef struct KernelInfo {
  const char *name;            /* C function is tnn_<name> */
  KernelFn fn;
  const char *params_kind;     /* params struct is tnn_<kind>_params */
  const ParamField *fields;
  int nfields;
  size_t params_size;
  int64_t stack;               /* bytes of stack a call takes at most */
} KernelInfo;

const KernelInfo *kernel_info(int k);
/* Kernel k's tnn_<name>_part (TNN_PART_KERNELS), or NULL. */
KernelPartFn kernel_part(int k);
/* Lowered node n's kernel on one element each of in[] (channel c). */
void kernel_eval_one(const Node *n, int64_t c, const void *const *in, void *out);
/* The runtime header that defines kernel k ("tnn_ba_conv.h"). */
const char *kernel_file(int k);

/* ---------------------------------------------------------------- target.c */

/* --target: architecture, CPU features and the compiler flags enabling
 * them; it decides each runtime kernel's variant (scalar/avx2/avx512/neon). */
typedef enum { ARCH_GENERIC, ARCH_X86_64, ARCH_AARCH64, ARCH_ARMV7EM, ARCH_RISCV64 } TargetArch;
enum {
  TF_SSE42, TF_AVX2, TF_FMA, TF_AVX512F, TF_AVX512BW, TF_AVX512DQ, TF_AVX512VL,
  TF_AVX512VPOPCNTDQ, TF_AVX512VNNI, TF_NEON, TF_DOTPROD, TF_DSP, TF_FPU, TF_COUNT
};
typedef struct Target {
  const char *name;            /* as given: "x86-64-v4+vpopcntdq", "native" */
  const char *resolved;        /* base + added features ("native" resolved) */
  TargetArch arch;
  uint32_t features;           /* 1u << TF_* */
  const char *flags;           /* compiler flags enabling exactly these */
} Target;
typedef enum { KF_PORTABLE, KF_PACKED, KF_BITW, KF_FLOAT, KF_I8, KF_COUNT } KernelFamily;
typedef enum { KV_SCALAR, KV_AVX2, KV_AVX512, KV_NEON, KV_ARMV7EM, KV_COUNT } KernelVariant;

/* NULL after a diagnostic listing the known names (a usage error). */
const Target *target_parse(Arena *a, Diag *d, const char *name);
const char *target_known_names(void);
const char *target_arch_name(TargetArch a);
const char *target_feature_name(int f);
const char *target_feature_macro(int f);  /* "__AVX512VPOPCNTDQ__" */
const char *target_feature_flag(int f);   /* "-mavx512vpopcntdq" */

/* -------------------------------------------------------------- registry.c */

/* One variant of a kernel family (ir/registry.c's table). */
typedef struct KernelVariantInfo {
  KernelFamily family;
  KernelVariant variant;
  const char *macro;           /* the runtime's variant macro, NULL: scalar */
  uint32_t needs;              /* 1u << TF_*, from runtime/tnn_isa.h */
  const char *files;           /* runtime files holding its bodies */
  const char *shapes;          /* the shapes it takes */
  const char *workspace;       /* the workspace it needs */
  bool pad_scratch;            /* plans the packed conv's padded image */
} KernelVariantInfo;

KernelFamily kernel_family(int kernel);
const char *kernel_family_name(KernelFamily k);
const char *kernel_variant_name(KernelVariant v);
uint32_t kernel_variant_needs(KernelFamily k, KernelVariant v); /* ~0u: none */
const KernelVariantInfo *registry_variant(KernelFamily k, KernelVariant v); /* NULL: none */
/* The variant family k runs on target t (the runtime's own choice). */
const KernelVariantInfo *registry_select(const Target *t, KernelFamily k);
KernelVariant target_family_variant(const Target *t, KernelFamily k);
KernelVariant target_kernel_variant(const Target *t, int kernel);
/* Whether to plan the AVX-512 packed convolution's padded-image scratch. */
bool target_plans_conv_scratch(const Target *t);
/* "avx512 with -mavx512f -mavx512vpopcntdq, avx2 with -mavx2, ..." */
const char *kernel_family_by_flags(Arena *a, KernelFamily k);
/* Layout and workspace choices of lowering (t may be NULL: no --target). */
int registry_conv_kernel(const Target *t, const tnn_conv_params *p, bool const_weights);
int registry_bwconv_kernel(const Target *t, const tnn_bwconv_params *p);
int64_t registry_baconv_scratch(const Target *t, const tnn_baconv_params *p);
/* Whether 8-bit convolutions on target t store their weights in the
 * blocked layout (tnn_i8_b16_at) of the VNNI body; false without one. */
bool registry_i8_blocked(const Target *t);
/* The inputs node n's kernel takes when the registry's layouts fixed them
 * (a packed layer, the first quantizer), else -1 (the op table's range). */
int registry_kernel_arity(const Node *n);
/* The MACs of n's kernel from its params, for kernels whose output shape
 * does not give them (packed bits out), else -1. */
int64_t registry_kernel_macs(const Node *n);
/* Whether node n runs split over g->threads threads (its kernel has a
 * part function and enough work to pay for waking the pool). */
bool registry_node_splits(const Graph *g, const Node *n);

/* ---------------------------------------------------------------- interp.c */

/* Reference interpreter: runs one lowered node on buffers (for constant
 * folding), or a whole graph on given inputs.  The kernels are the runtime's
 * scalar kernels, the same ones the generated C calls. */
bool interp_node(Graph *g, Node *n, void *const *in, void *const *out);
/* Evaluates n if all its inputs are constant: its outputs get data. */
bool interp_fold_node(Graph *g, Node *n);
/* Runs the whole graph; inputs/outputs are in graph order. */
bool interp_run(Graph *g, const void *const *inputs, void *const *outputs);

/* ---------------------------------------------------------------- print.c */

void ir_print(const Graph *g, FILE *f);

/* --------------------------------------------------------------- verify.c */

/* Checks structural invariants; reports through diag as internal errors. */
bool ir_verify(Graph *g);

/* -------------------------------------------------------- frontend/onnx.c */

/* Parses ONNX bytes into g.  Returns false after reporting diagnostics. */
bool onnx_import(Graph *g, const uint8_t *bytes, size_t len);
/* frontend/npy.c: makes runtime input NAME a constant read from a .npy
 * file; spec is "NAME=FILE.npy".  False after a diagnostic. */
bool bind_const_input(Graph *g, const char *spec);

/* ------------------------------------------------------ passes/pipeline.c */

typedef bool (*PassFn)(Graph *g);     /* returns false on error */

typedef struct Pass {
  const char *name;
  PassFn run;
} Pass;

const Pass *pipeline_passes(int *count);
/* Runs the pipeline; dumps the IR after pass `dump_after` ("" = last) to
 * dump when non-NULL.  Returns false on error. */
bool pipeline_run(Graph *g, const char *dump_after, FILE *dump);

bool pass_canonicalize(Graph *g);
bool pass_infer_shapes(Graph *g);
bool pass_fold_constants(Graph *g);
bool pass_fold_bn(Graph *g);
bool pass_quant_weights(Graph *g);
bool pass_dce(Graph *g);
bool pass_lower(Graph *g);
bool pass_quant_acts(Graph *g);
bool pass_quant_int8(Graph *g);
bool pass_fuse_residual(Graph *g);
bool pass_pack_weights(Graph *g);
bool pass_plan_memory(Graph *g);

/* ----------------------------------------------------------- codegen/c.c */

typedef struct EmitOptions {
  const char *prefix;          /* C symbol prefix */
  const char *header_name;     /* file name the .c includes */
  const char *command_line;    /* recorded in the front matter */
  bool emit_main;
  bool profile;                /* per-layer timing in the --emit-main program */
  const char *target;          /* NULL: whatever the C compiler enables */
  const char *weights_file;    /* --weights=extern: the blob's path; NULL: inline */
} EmitOptions;

bool emit_c(Graph *g, const EmitOptions *o, FILE *c_out, FILE *h_out);
/* The header alone (the LLVM backend's objects take the same one), and
 * the --emit-main program as its own C file including it, for an object
 * of the LLVM backend. */
bool emit_c_header(Graph *g, const EmitOptions *o, FILE *h_out);
bool emit_c_driver(Graph *g, const EmitOptions *o, FILE *c_out);

/* codegen/llvm.c (codegen/llvm_none.c in a tnnc built without LLVM): the
 * LLVM backend.  emit_llvm writes an object, assembly, textual IR or
 * bitcode for g->target (never NULL here); llvm_jit compiles the model for
 * this machine in-process and gives `int <prefix>_call(void **args)`, the
 * run function with its arguments (inputs, outputs, workspace) in an
 * array.  hook, if not NULL, is called as hook(layer, 0) before and
 * hook(layer, 1) after each kernel call.  False / NULL after a diagnostic. */
typedef enum { EMIT_C, EMIT_OBJ, EMIT_ASM, EMIT_LLVM, EMIT_BC } EmitKind;
typedef int (*LlvmCallFn)(void *const *args);
typedef struct LlvmJit LlvmJit;
bool llvm_available(void);
const char *llvm_kernel_targets(Arena *a);   /* "x86-64, x86-64-v3, ..." */
bool emit_llvm(Graph *g, const EmitOptions *o, EmitKind kind, FILE *out);
LlvmJit *llvm_jit(Graph *g, const char *prefix, void (*hook)(int layer, int phase));
LlvmCallFn llvm_jit_fn(const LlvmJit *j);
void llvm_jit_free(LlvmJit *j);
/* Called, if set, before an LLVM fatal error ends the process (exit 1). */
void llvm_on_fatal(void (*cleanup)(void *ctx), void *ctx);
/* codegen/run.c: tnnc_run's work on the compiled graph. */
enum tnnc_status run_jit(Graph *g, const tnnc_options *opt, const tnnc_run_options *r);
/* s as the body of a C string literal (quotes, backslashes, '?' and
 * non-printing bytes escaped). */
const char *c_string_safe(Arena *a, const char *s);

/* codegen/profile.c: --profile's prelude, layer count and table. */
void emit_profile_prelude(FILE *c);
int profile_layers(const Graph *g);
/* The roofline class of layer n for the profile's ceiling column (w1a1,
 * w2a2, i8, f32, or "" without MACs). */
const char *profile_layer_mode(const Node *n);
void emit_profile_table(FILE *c, Graph *g);

/* codegen/weights.c: the constants the code reads and --weights=extern's
 * blob (layout in weights.c). */
#define WEIGHTS_ALIGN 64       /* each constant's offset, and the blob's address */
#define WEIGHTS_HEADER 64      /* bytes before the first constant */
#define WEIGHTS_ID_BYTES 24    /* of the header, checked by the run function */
typedef struct WeightsLayout {
  int64_t *offset;             /* by tensor id: offset in the blob, -1: not in it */
  int64_t size;                /* bytes, header included */
  uint8_t id[WEIGHTS_ID_BYTES];
} WeightsLayout;
bool *weights_used(const Graph *g);          /* by tensor id, arena-allocated */
WeightsLayout weights_layout(const Graph *g);
bool weights_write(const Graph *g, FILE *f);
/* "out/model.c" -> "out/model.bin" */
const char *weights_file_name(Arena *a, const char *out_c);
/* codegen/report.c: --report (text or JSON) of the compiled graph. */
bool emit_report(Graph *g, bool json, FILE *f);
/* MACs of a weighted layer (Conv, Gemm, MatMul with constant weights) as
 * --report counts them; 0 for any other node. */
int64_t report_layer_macs(const Node *n);
/* One note per layer with a fallback_reason, through g->diag. */
void emit_fallback_notes(Graph *g);

/* Runtime header text, embedded at build time (codegen/runtime_text.c). */
/* The runtime's headers, tnn_runtime.h first, each with its #include
 * "tnn_*.h" lines (codegen/embed.c --files); ends with {NULL, NULL}. */
typedef struct tnnc_runtime_file { const char *name, *text; } RuntimeFile;
extern const RuntimeFile tnnc_runtime_files[];
/* The .npy helpers of --emit-main (runtime/tnn_main.h). */
extern const char tnnc_main_text[];
extern const char tnnc_prof_text[];

#endif
