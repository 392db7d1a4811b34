#!/usr/bin/env node
// ONNX backend conformance runner.
//
//   node run_conformance.js [--tnnc PATH] [--jobs N] [--filter REGEX]
//                           [--list FILE] [--summary-only] [--supported-only]
//                           DIR...
//
// Each DIR holds test folders (model.onnx + test_data_set_N/input_K.pb,
// output_K.pb), as Debian's libonnx-testdata installs them under
// /usr/share/libonnx-testdata/data/{node,pytorch-converted,...}.  For every
// test: compile with tnnc --emit-main, build the C with $CC (gcc) and
// $CFLAGS_EXTRA (e.g. sanitizers), run it on each
// data set and compare with the expected outputs using the suite's
// tolerances (rtol 1e-3, atol 1e-7; exact for integers and bool).  Prints one
// line per test and the summary `N passed, N failed, N refused`.  A refusal
// is tnnc declining the model with a diagnostic (exit 1); it is counted, not
// failed.  Exit status 1 if any test failed.  The runner itself refuses, with
// a message starting "test data:", a test whose data contradicts its model
// (an input's shape) or the spec (TEST_DATA_DEFECTS).  float16 travels as
// '<f2', bfloat16 as '|V2' of its bits (the suite stores bfloat16 data as
// uint16 tensors: read as bfloat16 where the model's type says so).
//
// A test whose model takes a shape-deciding tensor (Reshape's shape, axes,
// pads, K...) as a graph input is refused by tnnc, which compiles for
// static shapes; the runner then fixes that input to the data set's value
// with `tnnc --const-input NAME=FILE.npy` and says so on the PASS line.
// --supported-only skips, without compiling, tests that use an operator
// missing from `tnnc --list-ops`; the summary counts them.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');

// ---- a minimal protobuf reader for TensorProto ----
function readVarint(buf, pos) {
  let v = 0n, shift = 0n, b;
  do {
    if (pos.i >= buf.length) throw new Error('truncated varint');
    b = buf[pos.i++];
    v |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  } while (b & 0x80);
  return v;
}

const DT = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7,
  STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16 };

function parseTensor(buf) {
  const t = { dims: [], dataType: 0, raw: null, floats: [], int32s: [], int64s: [],
    doubles: [], uint64s: [], strings: 0 };
  const pos = { i: 0 };
  const packedOrOne = (wire, fn) => {
    if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      const end = pos.i + len;
      while (pos.i < end) fn();
    } else fn();
  };
  while (pos.i < buf.length) {
    const key = Number(readVarint(buf, pos));
    const field = key >> 3, wire = key & 7;
    if (field === 1) packedOrOne(wire, () => t.dims.push(Number(BigInt.asIntN(64, readVarint(buf, pos)))));
    else if (field === 2) t.dataType = Number(readVarint(buf, pos));
    else if (field === 4) packedOrOne(wire, () => { t.floats.push(buf.readFloatLE(pos.i)); pos.i += 4; });
    else if (field === 5) packedOrOne(wire, () => t.int32s.push(Number(BigInt.asIntN(32, readVarint(buf, pos)))));
    else if (field === 7) packedOrOne(wire, () => t.int64s.push(BigInt.asIntN(64, readVarint(buf, pos))));
    else if (field === 10) packedOrOne(wire, () => { t.doubles.push(buf.readDoubleLE(pos.i)); pos.i += 8; });
    else if (field === 11) packedOrOne(wire, () => t.uint64s.push(readVarint(buf, pos)));
    else if (field === 9) {
      const len = Number(readVarint(buf, pos));
      t.raw = buf.subarray(pos.i, pos.i + len);
      pos.i += len;
    } else if (wire === 0) readVarint(buf, pos);
    else if (wire === 1) pos.i += 8;
    else if (wire === 5) pos.i += 4;
    else if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      if (field === 6) t.strings++;
      pos.i += len;
    } else throw new Error('bad wire type ' + wire);
  }
  return t;
}

// The operators of a ModelProto's main graph (and its subgraphs), as
// "domain:op_type" ('' for the default domain).
function modelOps(buf) {
  const ops = new Set();
  const fields = (b, fn) => {
    const pos = { i: 0 };
    while (pos.i < b.length) {
      const key = Number(readVarint(b, pos));
      const field = key >> 3, wire = key & 7;
      if (wire === 0) fn(field, readVarint(b, pos));
      else if (wire === 1) pos.i += 8;
      else if (wire === 5) pos.i += 4;
      else if (wire === 2) {
        const len = Number(readVarint(b, pos));
        fn(field, b.subarray(pos.i, pos.i + len));
        pos.i += len;
      } else throw new Error('bad wire type ' + wire);
    }
  };
  const graph = g => fields(g, (f, v) => {
    if (f !== 1) return;                          // GraphProto.node
    let op = '', domain = '';
    fields(v, (nf, nv) => {
      if (nf === 4) op = nv.toString();           // NodeProto.op_type
      else if (nf === 7) domain = nv.toString();  // NodeProto.domain
      else if (nf === 5)                          // NodeProto.attribute
        fields(nv, (af, av) => { if (af === 6) graph(av); if (af === 11) graph(av); });
    });
    ops.add((domain === 'ai.onnx' ? '' : domain) + ':' + op);
  });
  fields(buf, (f, v) => { if (f === 7) graph(v); });  // ModelProto.graph
  return ops;
}

// numpy descr and element size per ONNX type tnnc's driver handles
const NPY = { 1: ['<f4', 4], 11: ['<f8', 8], 7: ['<i8', 8], 6: ['<i4', 4], 3: ['|i1', 1],
  2: ['|u1', 1], 9: ['|b1', 1], 10: ['<f2', 2], 16: ['|V2', 2] };
// float16 and bfloat16 travel as their 16-bit patterns ('|V2': numpy has no
// bfloat16) and are compared by value.

// The tensor's elements as a little-endian byte buffer of its own type.
function tensorBytes(t) {
  const n = t.dims.reduce((a, b) => a * b, 1);
  const info = NPY[t.dataType];
  if (!info) return null;
  const out = Buffer.alloc(n * info[1]);
  if (t.raw) {
    t.raw.copy(out, 0, 0, Math.min(t.raw.length, out.length));
    return out;
  }
  for (let i = 0; i < n; i++) {
    switch (t.dataType) {
      case DT.FLOAT: out.writeFloatLE(t.floats[i], i * 4); break;
      case DT.DOUBLE: out.writeDoubleLE(t.doubles[i], i * 8); break;
      case DT.INT64: out.writeBigInt64LE(t.int64s[i], i * 8); break;
      case DT.INT32: out.writeInt32LE(t.int32s[i], i * 4); break;
      case DT.INT8: out.writeInt8(t.int32s[i], i); break;
      case DT.UINT8: case DT.BOOL: out.writeUInt8(t.int32s[i] & 255, i); break;
      case DT.FLOAT16: case DT.BFLOAT16: out.writeUInt16LE(t.int32s[i] & 65535, i * 2); break;
    }
  }
  return out;
}

function npyWrite(file, t) {
  const [descr] = NPY[t.dataType];
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let hdr = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + hdr.length + 1;
  hdr += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, hdr.length & 255, hdr.length >> 8]);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(hdr, 'latin1'), tensorBytes(t)]));
}

function npyRead(file) {
  const b = fs.readFileSync(file);
  const ver = b[6];
  const hlen = ver === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const off = ver === 1 ? 10 : 12;
  const hdr = b.subarray(off, off + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(hdr)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(hdr)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  return { descr, shape, data: b.subarray(off + hlen) };
}

function elements(descr, data) {
  switch (descr) {
    case '<f4': return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    case '<f8': return new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    case '<i8': return new BigInt64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    case '<i4': return new Int32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    case '|i1': return new Int8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    case '<f2': case '|V2': {
      const h = new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
      return Float64Array.from(h, v => descr === '|V2' ? bf16Value(v) : f16Value(v));
    }
    default: return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  }
}

function f16Value(h) {
  const e = (h >> 10) & 31, m = h & 1023, s = h & 0x8000 ? -1 : 1;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (e ? (1024 + m) * 2 ** (e - 25) : m * 2 ** -24);
}

function bf16Value(h) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(h << 16 >>> 0);
  return b.readFloatLE(0);
}

// Compares got (.npy) with expected (TensorProto); returns null or a reason.
function compare(gotFile, expPb, elemType) {
  const exp = asModelType(parseTensor(fs.readFileSync(expPb)), elemType);
  const info = NPY[exp.dataType];
  if (!info) return `expected output has unsupported type ${exp.dataType}`;
  const got = npyRead(gotFile);
  if (got.descr !== info[0]) return `type ${got.descr}, expected ${info[0]}`;
  const n = exp.dims.reduce((a, b) => a * b, 1);
  const gn = got.shape.reduce((a, b) => a * b, 1);
  if (gn !== n || got.shape.length !== exp.dims.length || got.shape.some((d, i) => d !== exp.dims[i]))
    return `shape (${got.shape}) expected (${exp.dims})`;
  const g = elements(got.descr, got.data), e = elements(info[0], tensorBytes(exp));
  let maxErr = 0;
  const isFloat = ['<f4', '<f8', '<f2', '|V2'].includes(info[0]);
  for (let i = 0; i < n; i++) {
    if (isFloat) {
      const a = g[i], b = e[i];
      if (Number.isNaN(b) && Number.isNaN(a)) continue;
      if (a === b) continue;
      const err = Math.abs(a - b);
      if (!(err <= 1e-7 + 1e-3 * Math.abs(b))) return `element ${i}: ${a} expected ${b} (abs err ${err})`;
      if (err > maxErr) maxErr = err;
    } else if (g[i] !== e[i]) return `element ${i}: ${g[i]} expected ${e[i]}`;
  }
  return { maxErr };
}

function run(cmd, args, opts) {
  return new Promise(resolve => {
    execFile(cmd, args, { maxBuffer: 1 << 24, timeout: 120000, ...opts }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, signal: err && err.signal, stdout, stderr });
    });
  });
}

// Compiles model.onnx into w/<tag>/prog with the given --const-input
// bindings.  Returns {prog} or {status, msg} (refused or fail).
async function build(model, tnnc, w, tag, consts) {
  const d = path.join(w, tag);
  fs.mkdirSync(d, { recursive: true });
  const args = [model, '-o', path.join(d, 'm.c'), '--emit-main'];
  for (const [k, v] of consts) args.push('--const-input', `${k}=${v}`);
  const r = await run(tnnc, args);
  if (r.code === 1) {
    const line = r.stderr.split('\n').find(l => /error/.test(l)) || r.stderr.split('\n')[0];
    return { status: 'refused', msg: line.replace(model + ': ', '') };
  }
  if (r.code !== 0) return { status: 'fail', msg: `tnnc exit ${r.code} ${r.signal || ''}: ${r.stderr.slice(0, 300)}` };
  const extra = (process.env.CFLAGS_EXTRA || '').split(/\s+/).filter(s => s);
  const cc = await run(process.env.CC || 'gcc', ['-std=c99', '-O1', '-Wall', '-Wextra', '-Werror',
    ...extra, path.join(d, 'm.c'), '-o', path.join(d, 'prog'), '-lm']);
  if (cc.code !== 0) return { status: 'fail', msg: 'C build failed: ' + cc.stderr.slice(0, 400) };
  return { prog: path.join(d, 'prog') };
}

// The graph input names of a model, in order.
function modelInputs(buf) {
  const names = [], inits = new Set();
  const fields = (b, fn) => {
    const pos = { i: 0 };
    while (pos.i < b.length) {
      const key = Number(readVarint(b, pos));
      const field = key >> 3, wire = key & 7;
      if (wire === 0) readVarint(b, pos);
      else if (wire === 1) pos.i += 8;
      else if (wire === 5) pos.i += 4;
      else if (wire === 2) {
        const len = Number(readVarint(b, pos));
        fn(field, b.subarray(pos.i, pos.i + len));
        pos.i += len;
      } else throw new Error('bad wire type ' + wire);
    }
  };
  fields(buf, (f, g) => {
    if (f !== 7) return;
    fields(g, (gf, v) => {
      if (gf === 11) fields(v, (vf, s) => { if (vf === 1) names.push(s.toString()); });   // input.name
      if (gf === 5) fields(v, (tf, s) => { if (tf === 8) inits.add(s.toString()); });    // initializer.name
    });
  });
  return names.filter(n => !inits.has(n));
}

// The element types and static shapes (null where a dim is symbolic or the
// shape absent) of a model's graph inputs and outputs, in order
// (initializers included among the inputs, as in the model).
function modelElemTypes(buf) {
  const res = { inputs: [], outputs: [], inShapes: [] };
  const fields = (b, fn) => {
    const pos = { i: 0 };
    while (pos.i < b.length) {
      const key = Number(readVarint(b, pos));
      const field = key >> 3, wire = key & 7;
      if (wire === 0) fn(field, Number(readVarint(b, pos)));
      else if (wire === 1) pos.i += 8;
      else if (wire === 5) pos.i += 4;
      else if (wire === 2) {
        const len = Number(readVarint(b, pos));
        fn(field, b.subarray(pos.i, pos.i + len));
        pos.i += len;
      } else throw new Error('bad wire type ' + wire);
    }
  };
  // ValueInfoProto.type.tensor_type: elem_type (1) and shape (2)
  const elem = vi => {
    let t = 0, shape = null;
    fields(vi, (f, ty) => { if (f === 2 && typeof ty !== 'number') fields(ty, (tf, tt) => {
      if (tf === 1 && typeof tt !== 'number') fields(tt, (ef, e) => {
        if (ef === 1 && typeof e === 'number') t = e;
        if (ef === 2 && typeof e !== 'number') {
          shape = [];
          fields(e, (sf, dim) => {
            if (sf !== 1 || typeof dim === 'number') return;
            let v = null;
            fields(dim, (df, dv) => { if (df === 1 && typeof dv === 'number') v = dv; });
            shape.push(v);
          });
        }
      });
    }); });
    return { t, shape: shape && shape.every(d => d !== null) ? shape : null };
  };
  fields(buf, (f, g) => {
    if (f !== 7 || typeof g === 'number') return;
    fields(g, (gf, v) => {
      if (typeof v === 'number') return;
      if (gf === 11) { const e = elem(v); res.inputs.push(e.t); res.inShapes.push(e.shape); }
      if (gf === 12) res.outputs.push(elem(v).t);
    });
  });
  return res;
}

// The ONNX backend tests store bfloat16 data as uint16 tensors of its bits
// (numpy has no bfloat16): read them as bfloat16 where the model says so.
function asModelType(t, elemType) {
  if (t.dataType === DT.UINT16 && elemType === DT.BFLOAT16) t.dataType = DT.BFLOAT16;
  return t;
}

// Tests whose expected data is wrong by the current spec, refused with the
// reason instead of run (each checked by hand against its data).
const TEST_DATA_DEFECTS = {
  'node/test_cast_FLOAT_to_BFLOAT16': 'the expected output truncates float to bfloat16 (onnx < 1.14 ' +
    'wrote it so); tnnc rounds to nearest even, as onnxruntime and onnx >= 1.14 do',
};

// "input 1 'shape' (shape) must be a constant": the tensor tnnc needs fixed.
const NEEDS_CONST = /input \d+ '([^']+)' \([^)]*\) must be a constant/;

async function runTest(dir, tnnc, work) {
  const name = path.basename(path.dirname(dir)) + '/' + path.basename(dir);
  if (TEST_DATA_DEFECTS[name]) return { name, status: 'refused', msg: 'test data: ' + TEST_DATA_DEFECTS[name] };
  const w = fs.mkdtempSync(path.join(work, 't-'));
  try {
    const model = path.join(dir, 'model.onnx');
    const inputNames = modelInputs(fs.readFileSync(model));
    const elemTypes = modelElemTypes(fs.readFileSync(model));
    const sets = fs.readdirSync(dir).filter(d => d.startsWith('test_data_set_')).sort();
    let maxErr = 0;
    // Inputs tnnc asked to be constants (shape-deciding inputs given at run
    // time by the test): fixed per data set with --const-input.
    let consts = [];
    const shared = await build(model, tnnc, w, 'all', []);
    if (shared.status === 'fail' || (shared.status === 'refused' && !NEEDS_CONST.test(shared.msg)))
      return { name, status: shared.status, msg: shared.msg };
    const frozen = new Set();
    for (const s of sets) {
      const sd = path.join(dir, s);
      const files = fs.readdirSync(sd);
      const ins = files.filter(f => /^input_\d+\.pb$/.test(f)).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6)));
      const outs = files.filter(f => /^output_\d+\.pb$/.test(f)).sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)));
      const npys = [];
      for (const f of ins) {
        const t = asModelType(parseTensor(fs.readFileSync(path.join(sd, f))), elemTypes.inputs[parseInt(f.slice(6))]);
        if (!NPY[t.dataType]) return { name, status: 'refused', msg: `input type ${t.dataType} not handled by the driver` };
        const want = elemTypes.inShapes[parseInt(f.slice(6))];
        if (want && (want.length !== t.dims.length || want.some((d, k) => d !== t.dims[k])))
          return { name, status: 'refused', msg: `test data: ${f} has shape (${t.dims}), the model declares (${want})` };
        const npy = path.join(w, `${s}_${f}.npy`);
        npyWrite(npy, t);
        npys.push(npy);
      }
      let b = shared;
      if (b.status === 'refused' || frozen.size) {
        for (let tries = 0; b.status === 'refused' && tries < 8; tries++) {
          const m = NEEDS_CONST.exec(b.msg);
          const k = m ? inputNames.indexOf(m[1]) : -1;
          if (k < 0 || k >= npys.length || frozen.has(m[1])) break;
          frozen.add(m[1]);
          consts = [...frozen].map(n => [n, npys[inputNames.indexOf(n)]]);
          b = await build(model, tnnc, w, `${s}-${tries}`, consts);
        }
        if (!b.status && frozen.size)
          b = await build(model, tnnc, w, `${s}-final`,
            [...frozen].map(n => [n, npys[inputNames.indexOf(n)]]));
      }
      if (b.status) return { name, status: b.status, msg: b.msg };
      const args = npys.filter((_, k) => !frozen.has(inputNames[k]));
      const gots = outs.map(f => path.join(w, `${s}_${f}.got.npy`));
      const pr = await run(b.prog, [...args, ...gots]);
      if (pr.code !== 0) return { name, status: 'fail', msg: `${s}: program exit ${pr.code} ${pr.signal || ''}: ${pr.stderr.slice(0, 300)}` };
      for (let k = 0; k < outs.length; k++) {
        const c = compare(gots[k], path.join(sd, outs[k]), elemTypes.outputs[parseInt(outs[k].slice(7))]);
        if (typeof c === 'string') return { name, status: 'fail', msg: `${s} output ${k}: ${c}` };
        maxErr = Math.max(maxErr, c.maxErr);
      }
    }
    const note = frozen.size ? ` (fixed at compile time: ${[...frozen].join(', ')})` : '';
    return { name, status: 'pass', msg: `max abs err ${maxErr.toExponential(2)}${note}` };
  } catch (e) {
    return { name, status: 'fail', msg: 'runner error: ' + e.message };
  } finally {
    fs.rmSync(w, { recursive: true, force: true });
  }
}

async function main() {
  const argv = process.argv.slice(2);
  let tnnc = process.env.TNNC || path.join(__dirname, '../../build/tnnc');
  let jobs = Math.max(1, os.cpus().length);
  let filter = null, list = null, summaryOnly = false, supportedOnly = false;
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tnnc') tnnc = argv[++i];
    else if (argv[i] === '--jobs') jobs = parseInt(argv[++i]);
    else if (argv[i] === '--filter') filter = new RegExp(argv[++i]);
    else if (argv[i] === '--list') list = new Set(fs.readFileSync(argv[++i], 'utf8').split('\n').map(s => s.trim()).filter(s => s && !s.startsWith('#')));
    else if (argv[i] === '--summary-only') summaryOnly = true;
    else if (argv[i] === '--supported-only') supportedOnly = true;
    else dirs.push(argv[i]);
  }
  const tests = [];
  for (const d of dirs)
    for (const t of fs.readdirSync(d).sort()) {
      const full = path.join(d, t);
      if (!fs.existsSync(path.join(full, 'model.onnx'))) continue;
      const name = path.basename(d) + '/' + t;
      if (filter && !filter.test(name)) continue;
      if (list && !list.has(name)) continue;
      tests.push(full);
    }
  // --supported-only: tests using an operator tnnc does not list are
  // skipped without compiling (counted in the summary).
  const skipped = [];
  if (supportedOnly) {
    const r = await run(tnnc, ['--list-ops']);
    if (r.code !== 0) { console.error(`${tnnc} --list-ops failed: ${r.stderr}`); process.exit(2); }
    const supported = new Set(r.stdout.split('\n').filter(s => s).map(s => (s.includes(':') ? s : ':' + s)));
    for (let i = tests.length - 1; i >= 0; i--) {
      const ops = [...modelOps(fs.readFileSync(path.join(tests[i], 'model.onnx')))];
      const missing = ops.filter(o => !supported.has(o));
      if (missing.length) {
        skipped.push({ name: path.basename(path.dirname(tests[i])) + '/' + path.basename(tests[i]), missing });
        tests.splice(i, 1);
      }
    }
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tnnc-conf-'));
  const results = new Array(tests.length);
  let next = 0;
  async function worker() {
    while (next < tests.length) {
      const i = next++;
      results[i] = await runTest(tests[i], tnnc, work);
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker));
  fs.rmSync(work, { recursive: true, force: true });
  const count = { pass: 0, fail: 0, refused: 0 };
  for (const r of results) {
    count[r.status]++;
    if (!summaryOnly || r.status === 'fail') console.log(`${r.status.toUpperCase().padEnd(7)} ${r.name}: ${r.msg}`);
  }
  const skip = supportedOnly ? `; ${skipped.length} skipped (operators tnnc does not support)` : '';
  console.log(`conformance: ${count.pass} passed, ${count.fail} failed, ${count.refused} refused${skip}`);
  process.exit(count.fail ? 1 : 0);
}

main();
