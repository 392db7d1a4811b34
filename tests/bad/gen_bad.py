#!/usr/bin/python3
"""Writes the bad-input models of tests/bad/ (run with Debian's python3-onnx).

Each file exercises one way a model can be wrong; tnnc must refuse it with a
diagnostic naming the problem.  Deterministic: running it again rewrites the
same bytes.  The models are built without onnx.checker, on purpose.
"""
import os
import random

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]


def model(nodes, inputs, outputs, inits=(), opsets=OPSET):
    g = helper.make_graph(nodes, "bad", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=opsets, producer_name="gen_bad")
    m.ir_version = 8
    return m


def vi(name, dims, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, dims)


def save(name, m):
    path = os.path.join(HERE, name)
    data = m if isinstance(m, bytes) else m.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)


def valid_model():
    w = helper.make_tensor("w", TensorProto.FLOAT, [4, 4],
                           [float(i) for i in range(16)])
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm"),
                  helper.make_node("Relu", ["y"], ["z"], name="relu")],
                 [vi("x", [1, 4])], [vi("z", [1, 4])], [w])


def main():
    save("empty.onnx", b"")

    data = valid_model().SerializeToString()
    save("truncated.onnx", data[:len(data) // 2])

    # Random bytes: field 0 in the first tag byte is invalid in protobuf.
    rng = random.Random(1234)
    save("corrupt.onnx", bytes([0x00]) + bytes(rng.randrange(256)
                                               for _ in range(255)))

    save("cyclic.onnx", model(
        [helper.make_node("Add", ["x", "b"], ["a"], name="add_a"),
         helper.make_node("Add", ["x", "a"], ["b"], name="add_b")],
        [vi("x", [1, 4])], [vi("b", [1, 4])]))

    save("undefined_input.onnx", model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu"),
         helper.make_node("Add", ["r", "foo"], ["y"], name="add")],
        [vi("x", [1, 4])], [vi("y", [1, 4])]))

    w3 = helper.make_tensor("w", TensorProto.FLOAT, [2, 3, 3], [0.5] * 18)
    save("wrong_rank.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")],
        [vi("x", [1, 3, 8, 8])], [vi("y", None)], [w3]))

    save("overflow_shape.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", [1 << 40, 1 << 40])], [vi("y", None)]))

    save("unsupported_ops.onnx", model(
        [helper.make_node("FooBar", ["x"], ["a"], name="foo"),
         helper.make_node("Trunc", ["a", "s", "z", "bw", "bw"], ["q"],
                          name="t1", domain="qonnx.custom_op.general",
                          rounding_mode="FLOOR"),
         helper.make_node("Relu", ["q"], ["y"], name="relu")],
        [vi("x", [1, 4])], [vi("y", [1, 4])],
        [helper.make_tensor("s", TensorProto.FLOAT, [], [1.0]),
         helper.make_tensor("z", TensorProto.FLOAT, [], [0.0]),
         helper.make_tensor("bw", TensorProto.FLOAT, [], [4.0])],
        opsets=OPSET + [helper.make_opsetid("qonnx.custom_op.general", 1)]))

    s = helper.make_tensor("s", TensorProto.STRING, [2], [b"a", b"b"])
    save("unsupported_dtype.onnx", model(
        [helper.make_node("Add", ["x", "s"], ["y"], name="add")],
        [vi("x", [2])], [vi("y", [2])], [s]))

    w = helper.make_tensor("w", TensorProto.FLOAT, [4], [0.0] * 4)
    w.ClearField("float_data")
    w.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "0"),
                 ("length", "16")):
        e = w.external_data.add()
        e.key, e.value = k, v
    save("external_data.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
        [vi("x", [4])], [vi("y", [4])], [w]))

    # Malicious shapes.
    save("negative_dim.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", [2, -5])], [vi("y", [2, 5])]))
    huge = onnx.TensorProto()
    huge.name, huge.data_type = "w", TensorProto.FLOAT
    huge.dims.extend([1 << 40, 1 << 40])
    save("huge_initializer.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
        [vi("x", [1])], [vi("y", [1])], [huge]))
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [3, 5])
    save("reshape_mismatch.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [vi("x", [3, 4])], [vi("y", [3, 5])], [shape]))
    data = helper.make_tensor("data", TensorProto.FLOAT, [4], [1, 2, 3, 4])
    idx = helper.make_tensor("idx", TensorProto.INT64, [2], [1, 10])
    save("gather_out_of_range.onnx", model(
        [helper.make_node("Gather", ["data", "idx"], ["g"], name="gather"),
         helper.make_node("Add", ["x", "g"], ["y"], name="add")],
        [vi("x", [2])], [vi("y", [2])], [data, idx]))
    big = helper.make_tensor("big", TensorProto.INT64, [3], [1 << 21, 1 << 21, 1 << 21])
    save("constantofshape_overflow.onnx", model(
        [helper.make_node("ConstantOfShape", ["big"], ["c"], name="cos"),
         helper.make_node("Add", ["x", "c"], ["y"], name="add")],
        [vi("x", [1])], [vi("y", [1])], [big]))

    nul_models()
    npy_models()
    fold_models()
    ub_models()
    qdq_models()
    index_nd_models()


def nul_models():
    """Names with an embedded NUL: read as C strings they would lose their
    tail ("\0b" becomes "", an omitted input).  tnnc refuses them all."""
    w = helper.make_tensor("w", TensorProto.FLOAT, [2, 2], [1.0, 0.0, 0.0, 1.0])
    b = helper.make_tensor("b", TensorProto.FLOAT, [2], [100.0, 100.0])
    save("nul_gemm_bias.onnx", model(
        [helper.make_node("Constant", [], ["\0b"], name="bias", value=b),
         helper.make_node("Gemm", ["x", "w", "\0b"], ["y"], name="gemm")],
        [vi("x", [1, 2])], [vi("y", [1, 2])], [w]))
    lo = helper.make_tensor("lo", TensorProto.FLOAT, [], [0.5])
    save("nul_clip_min.onnx", model(
        [helper.make_node("Constant", [], ["\0m"], name="min", value=lo),
         helper.make_node("Clip", ["x", "\0m"], ["y"], name="clip")],
        [vi("x", [1, 4])], [vi("y", [1, 4])]))
    save("nul_op_type.onnx", model(
        [helper.make_node("Relu\0Sigmoid", ["x"], ["y"], name="relu")],
        [vi("x", [1, 4])], [vi("y", [1, 4])]))
    save("nul_attr_name.onnx", model(
        [helper.make_node("LeakyRelu", ["x"], ["y"], name="leaky",
                          **{"alpha\0x": 0.5})],
        [vi("x", [1, 4])], [vi("y", [1, 4])]))
    save("nul_domain.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu", domain="\0qonnx")],
        [vi("x", [1, 4])], [vi("y", [1, 4])]))
    save("nul_output_name.onnx", model(
        [helper.make_node("Relu", ["x"], ["y\0a"], name="relu")],
        [vi("x", [1, 4])], [vi("y\0b", [1, 4])]))
    wc = helper.make_tensor("wc", TensorProto.FLOAT, [1, 1, 3, 3], [1.0] * 9)
    save("nul_attr_string.onnx", model(
        [helper.make_node("Conv", ["x", "wc"], ["y"], name="conv",
                          auto_pad=b"SAME_UPPER\0VALID")],
        [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])], [wc]))


def npy_models():
    """Valid models the cli tests feed hostile .npy files to: through
    --const-input (w of npy_const_add) and through the --emit-main program
    (npy_concat4: a 2x2 input, a 2x8 output)."""
    save("npy_const_add.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
        [vi("x", [2, 2]), vi("w", [2, 2])], [vi("y", [2, 2])]))
    save("npy_concat4.onnx", model(
        [helper.make_node("Concat", ["x", "x", "x", "x"], ["y"], name="cat",
                          axis=1)],
        [vi("x", [2, 2])], [vi("y", [2, 8])]))


def fold_models():
    """Tiny models whose constant folding would be huge: a 4 GiB constant
    (refused by the weight limit before it is made) and an 8192x8192 MatMul
    of constants (too much work to fold: it stays a run-time node)."""
    shape = helper.make_tensor("shape", TensorProto.INT64, [1], [1 << 30])
    save("fold_cos_huge.onnx", model(
        [helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos")],
        [], [vi("y", [1 << 30])], [shape]))
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [8192, 8192])
    one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    save("fold_matmul_8192.onnx", model(
        [helper.make_node("ConstantOfShape", ["shape"], ["c"], name="cos",
                          value=one),
         helper.make_node("MatMul", ["c", "c"], ["y"], name="mm")],
        [], [vi("y", [8192, 8192])], [shape]))


def ub_models():
    """Models that made tnnc itself run into undefined behaviour: window
    arithmetic overflowing int64 (onnxruntime refuses all of these), opsets
    onnxruntime refuses, and two valid models: an empty initializer stored
    as empty raw_data and a graph without nodes."""
    big = 1 << 62
    w = helper.make_tensor("w", TensorProto.FLOAT, [1, 1, 3, 3], [1.0] * 9)
    x4, y = [vi("x", [1, 1, 4, 4])], [vi("y", None)]
    for name, op, attrs, inits in (
            ("window_conv_dil_pads", "Conv",
             dict(dilations=[big, 1], pads=[big, 0, big, 0]), [w]),
            ("window_conv_stride_same", "Conv",
             dict(strides=[(1 << 63) - 1, 1], auto_pad="SAME_UPPER"), [w]),
            ("window_conv_same_dil", "Conv",
             dict(dilations=[big, 1], auto_pad="SAME_UPPER"), [w]),
            ("window_conv_same_lower_dil", "Conv",
             dict(dilations=[big // 2, 1], auto_pad="SAME_LOWER"), [w]),
            ("window_pool_same_dil", "MaxPool",
             dict(kernel_shape=[3, 1], dilations=[big, 1], auto_pad="SAME_UPPER"), []),
            ("window_avgpool_area", "AveragePool",
             dict(kernel_shape=[big, big], auto_pad="SAME_UPPER"), [])):
        ins = ["x", "w"] if inits else ["x"]
        save(name + ".onnx", model([helper.make_node(op, ins, ["y"], name="win", **attrs)],
                                   x4, y, inits))
    w1 = helper.make_tensor("w", TensorProto.FLOAT, [1, 3, 3], [0.5] * 9)
    save("window_stride_huge_ok.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[big])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 1, 1])], [w1]))
    relu = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    x, y = [vi("x", [1, 4])], [vi("y", [1, 4])]
    for v in (0, -1, 99999):
        save("opset_%s.onnx" % str(v).replace("-", "minus"),
             model(relu, x, y, opsets=[helper.make_opsetid("", v)]))
    save("opset_missing.onnx", model(relu, x, y, opsets=[]))
    save("opset_twice.onnx", model(relu, x, y, opsets=[
        helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx", 14)]))
    e = helper.make_tensor("e", TensorProto.FLOAT, [1, 0], [])
    e.raw_data = b""
    save("empty_raw_data.onnx", model(
        [helper.make_node("Concat", ["x", "e"], ["y"], name="cat", axis=1)],
        x, y, [e]))
    save("no_nodes.onnx", model([], x, [vi("x", [1, 4])]))
    # 2^62 float elements between two nodes: 2^64 bytes when --limit
    # elements=INT64_MAX let it through
    save("limit_huge_intermediate.onnx", model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu"),
         helper.make_node("Neg", ["r"], ["y"], name="neg")],
        [vi("x", [1 << 61, 2])], [vi("y", [1 << 61, 2])]))


def qdq_models():
    # QuantizeLinear to uint16 (opset 21 output_dtype 4): not supported
    s = helper.make_tensor("s", TensorProto.FLOAT, [], [0.5])
    save("quantizelinear_uint16.onnx", model(
        [helper.make_node("QuantizeLinear", ["x", "s"], ["y"], name="ql", output_dtype=4)],
        [vi("x", [1, 4])], [vi("y", [1, 4], TensorProto.UINT16)], [s],
        opsets=[helper.make_opsetid("", 21)]))


def index_nd_models():
    I64 = TensorProto.INT64
    # OneHot's depth decides the output shape: a graph input is refused
    v = helper.make_tensor("v", TensorProto.FLOAT, [2], [0.0, 1.0])
    save("onehot_depth_input.onnx", model(
        [helper.make_node("OneHot", ["i", "depth", "v"], ["y"], name="oh")],
        [vi("i", [3], I64), vi("depth", [], I64)], [vi("y", [3, 4])], [v],
        opsets=[helper.make_opsetid("", 11)]))
    # GatherND indices whose last dim exceeds the data's rank
    ix = helper.make_tensor("ix", I64, [1, 3], [0, 0, 0])
    save("gathernd_index_too_long.onnx", model(
        [helper.make_node("GatherND", ["x", "ix"], ["y"], name="gnd")],
        [vi("x", [2, 3])], [vi("y", [1])], [ix]))
    # Compress with a condition true beyond the axis
    c = helper.make_tensor("c", TensorProto.BOOL, [4], [1, 0, 0, 1])
    save("compress_condition_beyond.onnx", model(
        [helper.make_node("Compress", ["x", "c"], ["y"], name="cmp", axis=1)],
        [vi("x", [2, 3])], [vi("y", [2, 1])], [c]))
    # Range with a zero delta
    r = [helper.make_tensor(k, I64, [], [v]) for k, v in (("a", 0), ("b", 5), ("d", 0))]
    save("range_delta_zero.onnx", model(
        [helper.make_node("Range", ["a", "b", "d"], ["y"], name="rng")],
        [], [vi("y", [5], I64)], r, opsets=[helper.make_opsetid("", 11)]))
    # Resize: sizes as a graph input (the output shape must fold), and
    # align_corners at a scale that gives no whole output length
    save("resize_sizes_input.onnx", model(
        [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="up",
                          mode="linear")],
        [vi("x", [1, 1, 2, 2]), vi("sizes", [4], I64)], [vi("y", None)]))
    sc = helper.make_tensor("sc", TensorProto.FLOAT, [4], [1, 1, 0.6, 0.6])
    save("resize_align_corners_fraction.onnx", model(
        [helper.make_node("Resize", ["x", "", "sc"], ["y"], name="down",
                          mode="linear",
                          coordinate_transformation_mode="align_corners")],
        [vi("x", [1, 1, 2, 4])], [vi("y", None)], [sc]))

    # ConvTranspose: W's dim 0 is not the input channels; a group that does
    # not divide them; pads that leave a negative output size
    w = helper.make_tensor("w", TensorProto.FLOAT, [3, 2, 3, 3], [0.5] * 54)
    save("convt_weight_channels.onnx", model(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up")],
        [vi("x", [1, 4, 5, 5])], [vi("y", [1, 2, 7, 7])], [w]))
    w = helper.make_tensor("w", TensorProto.FLOAT, [4, 2, 3, 3], [0.5] * 72)
    save("convt_bad_group.onnx", model(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up", group=3)],
        [vi("x", [1, 4, 5, 5])], [vi("y", [1, 6, 7, 7])], [w]))
    save("convt_negative_output.onnx", model(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up",
                          pads=[4, 0, 4, 0])],
        [vi("x", [1, 4, 2, 2])], [vi("y", [1, 2, 1, 4])], [w]))

if __name__ == "__main__":
    main()
