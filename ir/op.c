/* The op table, generated from ops.def, and the lookup from ONNX names. */
#include <string.h>

#include "ir.h"

/* Each kind module in ir/ops/ defines one `const OpKind opkind_<kind>`. */
#define X(id, name, mi, xi, mo, xo, kind) extern const OpKind opkind_##kind;
#include "ops.def"
#undef X

static const OpInfo op_table[] = {
#define X(id, name, mi, xi, mo, xo, kind) {name, mi, xi, mo, xo, &opkind_##kind},
#include "ops.def"
#undef X
};

_Static_assert(sizeof op_table / sizeof op_table[0] == OP_COUNT,
               "ops.def and the op enum disagree");

const OpInfo *op_info(Op op) {
  TNNC_ASSERT(op >= 0 && op < OP_COUNT);
  return &op_table[op];
}

const char *op_name(Op op) { return op_info(op)->name; }

/* The domains of the QONNX custom ops: QONNX's own, Brevitas's export
 * domain and FINN's older one. */
static const char *const qonnx_domains[] = {
    "qonnx.custom_op.general", "onnx.brevitas", "finn.custom_op.general"};

bool op_is_qonnx(Op op) {
  return op == OP_QUANT || op == OP_BIPOLAR_QUANT || op == OP_MULTI_THRESHOLD;
}

const char *op_qonnx_domain(int i) {
  return i >= 0 && i < (int)(sizeof qonnx_domains / sizeof qonnx_domains[0])
             ? qonnx_domains[i] : NULL;
}

/* ai.onnx ops live in the "" or "ai.onnx" domain, the QONNX ops in one of
 * qonnx_domains (whether or not the model imports that domain's opset). */
bool op_lookup(const char *domain, const char *op_type, Op *out) {
  bool std = !domain || !domain[0] || strcmp(domain, "ai.onnx") == 0;
  bool qonnx = false;
  for (int i = 0; op_qonnx_domain(i); i++)
    if (domain && strcmp(domain, op_qonnx_domain(i)) == 0) qonnx = true;
  if (!std && !qonnx) return false;
  for (int i = 0; i < OP_COUNT; i++) {
    if (strcmp(op_table[i].name, op_type) == 0 && op_is_qonnx((Op)i) == qonnx) {
      *out = (Op)i;
      return true;
    }
  }
  return false;
}

/* The properties of ir/op_props.def; every other op has none. */
static const struct {
  OpMono mono;
  unsigned flags;
} op_props[OP_COUNT] = {
#define P(id, mono, flags) [OP_##id] = {mono, flags},
#include "op_props.def"
#undef P
};

OpMono op_mono(Op op) {
  TNNC_ASSERT(op >= 0 && op < OP_COUNT);
  return op_props[op].mono;
}

bool op_is_quantizer(Op op) {
  TNNC_ASSERT(op >= 0 && op < OP_COUNT);
  return op_props[op].flags & OPF_QUANTIZER;
}

bool op_is_view(const Node *n) {
  TNNC_ASSERT(n->op >= 0 && n->op < OP_COUNT);
  return op_props[n->op].flags & OPF_VIEW;
}
