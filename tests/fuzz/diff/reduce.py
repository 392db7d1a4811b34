#!/usr/bin/python3
"""Shrink a failing graph kept by the differential tester.

    /usr/bin/python3 tests/fuzz/diff/reduce.py build/diff-failures/g7_12 OUT_DIR

Greedy, each step kept only while the graph still fails with the same class
(the first word of reason.txt, e.g. `mismatch`, `tnnc-internal`; a
`mismatch-io[...]` stays a mismatch-io): drop graph outputs one at a time,
then bypass nodes (a node's output replaced by one of its inputs of the same
type and shape), then drop what no output needs (nodes, initializers, inputs
and their input_K.npy).  Each check runs driver.js --cases on a one-graph
directory, so TNNC, ORT_NODE_MODULES and DIFF_CFLAGS apply as there.
Writes the smallest failing graph found to OUT_DIR.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))


def klass(reason_first_line):
    c = reason_first_line.strip()
    return 'mismatch-io' if c.startswith('mismatch-io') else c


class Case:
    def __init__(self, src):
        self.model = onnx.load(os.path.join(src, 'model.onnx'))
        rp = os.path.join(src, 'ref_model.onnx')
        self.ref = onnx.load(rp) if os.path.exists(rp) else None
        self.meta = json.load(open(os.path.join(src, 'meta.json')))
        self.inputs = [np.load(os.path.join(src, f'input_{i}.npy')) for i in range(self.meta['n_in'])]

    def copy(self):
        c = Case.__new__(Case)
        c.model = onnx.ModelProto()
        c.model.CopyFrom(self.model)
        c.ref = None
        if self.ref is not None:
            c.ref = onnx.ModelProto()
            c.ref.CopyFrom(self.ref)
        c.meta = json.loads(json.dumps(self.meta))
        c.inputs = list(self.inputs)
        return c

    def graphs(self):
        return [self.model.graph] + ([self.ref.graph] if self.ref is not None else [])

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        onnx.save(self.model, os.path.join(d, 'model.onnx'))
        if self.ref is not None:
            onnx.save(self.ref, os.path.join(d, 'ref_model.onnx'))
        self.meta['n_in'] = len(self.inputs)
        self.meta['n_out'] = len(self.model.graph.output)
        for i, a in enumerate(self.inputs):
            np.save(os.path.join(d, f'input_{i}.npy'), a)
        with open(os.path.join(d, 'meta.json'), 'w') as f:
            json.dump(self.meta, f)

    def size(self):
        return len(self.model.graph.node) * 4 + len(self.model.graph.output) + len(self.inputs)


def check(case, want, work):
    """The class the driver gives this case, or None if it passes."""
    d = os.path.join(work, 'cases', 'g')
    case.write(d)
    fails = os.path.join(work, 'fails')
    shutil.rmtree(fails, ignore_errors=True)
    subprocess.run(['node', os.path.join(HERE, 'driver.js'), '--count', '0', '--jobs', '1',
                    '--cases', os.path.join(work, 'cases'), '--failures', fails],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    r = os.path.join(fails, 'case_g', 'reason.txt')
    if not os.path.exists(r):
        return None
    return klass(open(r).readline())


def dce(case):
    """Drop nodes, initializers and inputs no output needs (in both graphs)."""
    g = case.model.graph
    need = {o.name for o in g.output}
    keep = []
    for n in reversed(g.node):
        if any(o in need for o in n.output):
            keep.append(n)
            need.update(i for i in n.input if i)
    keep.reverse()
    del g.node[:]
    g.node.extend(keep)
    if case.ref is not None:
        rg = case.ref.graph
        rneed = {o.name for o in rg.output}
        rkeep = []
        for n in reversed(rg.node):
            if any(o in rneed for o in n.output):
                rkeep.append(n)
                rneed.update(i for i in n.input if i)
        rkeep.reverse()
        del rg.node[:]
        rg.node.extend(rkeep)
        need |= rneed
    for gr in case.graphs():
        inits = [i for i in gr.initializer if i.name in need]
        del gr.initializer[:]
        gr.initializer.extend(inits)
    names = [i.name for i in g.input]
    drop = [k for k, nm in enumerate(names) if nm not in need]
    if drop and len(drop) < len(names):
        consts = case.meta.get('const_inputs', [])
        kept = [k for k in range(len(names)) if k not in drop]
        case.meta['const_inputs'] = [[nm, kept.index(k)] for nm, k in consts if k in kept]
        case.inputs = [case.inputs[k] for k in kept]
        for gr in case.graphs():
            ins = [i for i in gr.input if i.name not in {names[k] for k in drop}]
            del gr.input[:]
            gr.input.extend(ins)


def types(model):
    m = shape_inference.infer_shapes(model)
    t = {}
    for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        tt = v.type.tensor_type
        t[v.name] = (tt.elem_type, tuple(d.dim_value if d.HasField('dim_value') else d.dim_param for d in tt.shape.dim))
    for i in m.graph.initializer:
        t[i.name] = (i.data_type, tuple(i.dims))
    return t


def bypass(case, k, src):
    """Node k's first output replaced by tensor `src` everywhere (both graphs)."""
    out = case.model.graph.node[k].output[0]
    for gr in case.graphs():
        for n in gr.node:
            for j, i in enumerate(n.input):
                if i == out:
                    n.input[j] = src
        for o in gr.output:
            if o.name == out:
                o.name = src
    del case.model.graph.node[k]
    if case.ref is not None:
        rn = [n for n in case.ref.graph.node if out not in n.output]
        del case.ref.graph.node[:]
        case.ref.graph.node.extend(rn)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix='tnnc-reduce-')
    best = Case(src)
    want = check(best, None, work)
    if want is None:
        sys.exit(f'{src}: passes, nothing to reduce')
    print(f'class {want}, size {best.size()}', flush=True)
    changed = True
    while changed:
        changed = False
        # 1. outputs
        i = 0
        while len(best.model.graph.output) > 1 and i < len(best.model.graph.output):
            c = best.copy()
            for gr in c.graphs():
                del gr.output[i]
            dce(c)
            if check(c, want, work) == want:
                best, changed = c, True
                print(f'  dropped an output: size {best.size()}', flush=True)
            else:
                i += 1
        # 2. bypass nodes, last first
        try:
            t = types(best.model)
        except Exception:
            t = {}
        k = len(best.model.graph.node) - 1
        while k >= 0:
            n = best.model.graph.node[k]
            done = False
            outs = {o.name for o in best.model.graph.output}
            ins = {i.name for i in best.model.graph.input}
            if n.output and n.output[0] in t:
                for s in [i for i in n.input if i]:
                    if t.get(s) != t.get(n.output[0]) or t.get(s) is None:
                        continue
                    if s in ins and n.output[0] in outs:
                        continue    # would make an input an output: another bug class
                    if s in outs and n.output[0] in outs:
                        continue    # would list one tensor twice
                    c = best.copy()
                    bypass(c, k, s)
                    dce(c)
                    if check(c, want, work) == want:
                        best, changed, done = c, True, True
                        print(f'  bypassed {n.op_type}: size {best.size()}', flush=True)
                        try:
                            t = types(best.model)
                        except Exception:
                            t = {}
                        break
            k = min(k - 1, len(best.model.graph.node) - 1) if not done else len(best.model.graph.node) - 1
    best.write(dst)
    shutil.rmtree(work, ignore_errors=True)
    print(f'{dst}: {len(best.model.graph.node)} nodes, {len(best.model.graph.output)} outputs, '
          f'{len(best.inputs)} inputs, class {want}')


if __name__ == '__main__':
    main()
