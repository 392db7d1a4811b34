"""Makes the cli_* models of tests/cli/run_cli.sh (command line and output
files): python3 tests/cli/data/cli_gen.py, writes next to this script.

cli_zero_ws.onnx   y = Relu(x), x and y float[1,4]: the run function writes
                   straight into the caller's output, so the workspace
                   needs 0 bytes.
cli_x_1x4.npy      [[-1, 2, -3, 4]] float32, an input of cli_zero_ws.onnx.
cli_esc_name.onnx  one node of an unknown op whose node name, op type and
                   input name hold ESC, BEL, a newline, a C1 control
                   (U+009B, the one-byte CSI) and a non-UTF-8 byte: the
                   diagnostic that names them must not pass them raw.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

here = os.path.dirname(os.path.abspath(__file__))


def save(graph, name):
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", 13)], producer_name="cli_gen")
    onnx.save(m, os.path.join(here, name))


save(h.make_graph([h.make_node("Relu", ["x"], ["y"], name="relu")], "zero_ws",
                  [h.make_tensor_value_info("x", T.FLOAT, [1, 4])],
                  [h.make_tensor_value_info("y", T.FLOAT, [1, 4])]), "cli_zero_ws.onnx")

# onnx's helpers take str; raw bytes go in through the protobuf fields.
node = h.make_node("Relu", ["x"], ["y"], name="relu")
node.op_type = "Evil\x1b]0;pwned\x07"
node.name = "n\x1b[2J\x1b[31mred\nline2\u009bX"
g = h.make_graph([node], "esc",
                 [h.make_tensor_value_info("x", T.FLOAT, [1, 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, [1, 4])])
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)], producer_name="cli_gen")
raw = m.SerializeToString()
# a byte that is not UTF-8 (0xff) in the node name: patch the serialized
# string in place (same length, so no length prefix changes)
raw = raw.replace(b"line2", b"lin\xff2", 1)
with open(os.path.join(here, "cli_esc_name.onnx"), "wb") as f:
    f.write(raw)

np.save(os.path.join(here, "cli_x_1x4.npy"), np.array([[-1, 2, -3, 4]], np.float32))
