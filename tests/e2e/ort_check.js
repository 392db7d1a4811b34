#!/usr/bin/env node
// Run an ONNX model with onnxruntime and compare its outputs with .npy files.
//
//   node ort_check.js MODEL.onnx --inputs IN0.npy [IN1.npy ...]
//                     --got GOT0.npy [GOT1.npy ...] [--stacked] [--tol T]
//   node ort_check.js MODEL.onnx --inputs IN0.npy [...]
//                     --write OUT0.npy [OUT1.npy ...] [--stacked]
//                     (--write-ref is the same as --write)
//   node ort_check.js --compare REF0.npy [...] --got GOT0.npy [...] [--tol T]
//
// Inputs are bound to the model's runtime inputs in order, outputs to its
// outputs in order.  onnxruntime-node is loaded from $ORT_NODE_MODULES when
// set, else by plain require.  The session runs with one intra-op thread and
// graphOptimizationLevel 'all'.
//
// Comparison: float outputs pass when max|got - ref| <= tol * max(1, max|ref|)
// (NaN must match NaN, infinities must match exactly); integer and bool
// outputs must be equal.  Shapes and dtypes must be equal.  Default tol 1e-4.
//
// --stacked: the (single) input holds N samples on axis 0 while the model's
// input has batch 1: onnxruntime runs once per sample and the outputs are
// stacked on axis 0 (an output whose dim 0 is 1 is concatenated, giving
// [N, ...rest]; any other output gets a new leading axis).  If the model's
// input dim 0 is symbolic, the whole batch is run at once instead.
//
// --compare: no model; compares committed reference .npy files with got files.
//
// Prints one line `PASS <model> max_abs_err=<e> scale=<s>` (the output with
// the largest err/scale ratio) or `FAIL <model> <reason>`; exit status 0 on
// PASS, 1 on FAIL or any error, 2 on a usage error.
'use strict';
const fs = require('fs');
const path = require('path');

// ---------------------------------------------------------------- npy ----
// descr -> [typed array ctor, onnxruntime type name, kind]; float16 ('h')
// is held as its bits and compared by value
const NPY_TYPES = {
  '<f4': [Float32Array, 'float32', 'f'],
  '<f2': [Uint16Array, 'float16', 'h'],
  '<f8': [Float64Array, 'float64', 'f'],
  '<i8': [BigInt64Array, 'int64', 'i'],
  '<u8': [BigUint64Array, 'uint64', 'i'],
  '<i4': [Int32Array, 'int32', 'i'],
  '<u4': [Uint32Array, 'uint32', 'i'],
  '<i2': [Int16Array, 'int16', 'i'],
  '<u2': [Uint16Array, 'uint16', 'i'],
  '|i1': [Int8Array, 'int8', 'i'],
  '|u1': [Uint8Array, 'uint8', 'i'],
  '|b1': [Uint8Array, 'bool', 'b'],
};
const DESCR_ALIAS = { '<b1': '|b1', '<i1': '|i1', '<u1': '|u1', 'i1': '|i1', 'u1': '|u1',
  'b1': '|b1', '|?': '|b1', '?': '|b1' };
const ORT_TO_DESCR = {};
for (const [d, v] of Object.entries(NPY_TYPES)) ORT_TO_DESCR[v[1]] = d;

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  let hlen, hstart;
  if (major === 1) { hlen = buf.readUInt16LE(8); hstart = 10; } else { hlen = buf.readUInt32LE(8); hstart = 12; }
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const dm = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fm = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const sm = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!dm || !fm || !sm) throw new Error(`${file}: bad npy header ${header}`);
  let descr = DESCR_ALIAS[dm[1]] || dm[1];
  if (!NPY_TYPES[descr]) throw new Error(`${file}: unsupported npy dtype ${dm[1]}`);
  if (fm[1] === 'True') throw new Error(`${file}: Fortran-order arrays are not supported`);
  const dims = sm[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [Ctor, type, kind] = NPY_TYPES[descr];
  const n = dims.reduce((a, b) => a * b, 1);
  const off = hstart + hlen;
  const nbytes = n * Ctor.BYTES_PER_ELEMENT;
  if (buf.length - off < nbytes) throw new Error(`${file}: truncated data`);
  const data = new Ctor(n);
  new Uint8Array(data.buffer).set(buf.subarray(off, off + nbytes));
  if (kind === 'b') for (let i = 0; i < n; i++) data[i] = data[i] ? 1 : 0;
  return { descr, type, kind, dims, data };
}

function writeNpy(file, arr) {
  const shape = arr.dims.length === 0 ? '()' :
    arr.dims.length === 1 ? `(${arr.dims[0]},)` : `(${arr.dims.join(', ')})`;
  let h = `{'descr': '${arr.descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + h.length + 1;
  h += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head[0] = 0x93; head.write('NUMPY', 1, 'latin1'); head[6] = 1; head[7] = 0;
  head.writeUInt16LE(h.length, 8);
  const body = Buffer.from(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(h, 'latin1'), body]));
}

// ---------------------------------------------------------- compare ----
function f16Value(h) {
  const e = (h >> 10) & 31, m = h & 1023, s = h & 0x8000 ? -1 : 1;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (e ? (1024 + m) * 2 ** (e - 25) : m * 2 ** -24);
}

function compare(ref, got, tol) {
  // returns {ok, err, scale, reason}
  if (ref.descr !== got.descr)
    return { ok: false, reason: `dtype: expected ${ref.descr}, got ${got.descr}` };
  if (ref.kind === 'h') {
    const val = (a) => ({ ...a, kind: 'f', data: Float64Array.from(a.data, f16Value) });
    return compare(val(ref), val(got), tol);
  }
  if (ref.dims.length !== got.dims.length || ref.dims.some((d, i) => d !== got.dims[i]))
    return { ok: false, reason: `shape: expected [${ref.dims}], got [${got.dims}]` };
  const n = ref.data.length;
  if (ref.kind !== 'f') {
    for (let i = 0; i < n; i++) {
      if (ref.data[i] !== got.data[i])
        return { ok: false, err: Infinity, scale: 1,
          reason: `element ${i}: expected ${ref.data[i]}, got ${got.data[i]} (exact match required)` };
    }
    return { ok: true, err: 0, scale: 1 };
  }
  let maxRef = 0;
  for (let i = 0; i < n; i++) { const a = Math.abs(ref.data[i]); if (a > maxRef && Number.isFinite(a)) maxRef = a; }
  const scale = Math.max(1, maxRef);
  let err = 0, worst = -1;
  for (let i = 0; i < n; i++) {
    const r = ref.data[i], g = got.data[i];
    if (Number.isNaN(r) || Number.isNaN(g)) {
      if (Number.isNaN(r) && Number.isNaN(g)) continue;
      return { ok: false, err: NaN, scale, reason: `element ${i}: expected ${r}, got ${g}` };
    }
    if (!Number.isFinite(r) || !Number.isFinite(g)) {
      if (r === g) continue;
      return { ok: false, err: Infinity, scale, reason: `element ${i}: expected ${r}, got ${g}` };
    }
    const e = Math.abs(r - g);
    if (e > err) { err = e; worst = i; }
  }
  if (err > tol * scale)
    return { ok: false, err, scale,
      reason: `max_abs_err=${err} > tol*scale=${tol * scale} (scale=${scale}) at element ${worst}: expected ${ref.data[worst]}, got ${got.data[worst]}` };
  return { ok: true, err, scale };
}

// ------------------------------------------------------------- args ----
function usage(msg) {
  if (msg) process.stderr.write(`ort_check: ${msg}\n`);
  process.stderr.write(
    'usage: node ort_check.js MODEL.onnx --inputs IN.npy... (--got GOT.npy... | --write OUT.npy...)\n' +
    '                         [--stacked] [--tol T]\n' +
    '       node ort_check.js --compare REF.npy... --got GOT.npy... [--tol T]\n' +
    '  --argmax P: also require the argmax of output 0 ([N, C]) to agree on P% of rows\n');
  process.exit(2);
}

function parseArgs(argv) {
  const a = { model: null, inputs: [], got: [], write: [], compare: [], stacked: false, tol: 1e-4,
    mode: null, argmax: null };
  let list = null;
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === '--inputs') list = a.inputs;
    else if (s === '--got') list = a.got;
    else if (s === '--write' || s === '--write-ref') { list = a.write; a.mode = a.mode || 'write'; }
    else if (s === '--compare') { list = a.compare; a.mode = 'compare'; }
    else if (s === '--stacked') { a.stacked = true; list = null; }
    else if (s === '--argmax') {
      a.argmax = Number(argv[++i]);
      if (!(a.argmax >= 0 && a.argmax <= 100)) usage(`bad --argmax ${argv[i]}`);
      list = null;
    }
    else if (s === '--tol') {
      if (i + 1 >= argv.length) usage('--tol needs a value');
      a.tol = Number(argv[++i]);
      if (!(a.tol >= 0)) usage(`bad --tol ${argv[i]}`);
      list = null;
    } else if (s === '-h' || s === '--help') usage();
    else if (s.startsWith('--')) usage(`unknown option ${s}`);
    else if (list) list.push(s);
    else if (a.model === null) a.model = s;
    else usage(`unexpected argument ${s}`);
  }
  if (a.mode === 'compare') {
    if (!a.compare.length || a.compare.length !== a.got.length)
      usage('--compare needs as many reference files as --got files');
  } else {
    if (!a.model) usage('no model given');
    if (!a.inputs.length) usage('no --inputs given');
    if (a.mode === 'write') { if (a.got.length) usage('--write and --got exclude each other'); }
    else { a.mode = 'check'; if (!a.got.length) usage('no --got files given'); }
  }
  return a;
}

function loadOrt() {
  const dir = process.env.ORT_NODE_MODULES;
  return dir ? require(path.join(path.resolve(dir), 'onnxruntime-node')) : require('onnxruntime-node');
}

// ------------------------------------------------------ run the model ----
function toOrt(ort, arr) { return new ort.Tensor(arr.type, arr.data, arr.dims); }

function fromOrt(t) {
  const descr = ORT_TO_DESCR[t.type];
  if (!descr) throw new Error(`unsupported output type ${t.type}`);
  const [Ctor, type, kind] = NPY_TYPES[descr];
  let data = t.data;
  if (!(data instanceof Ctor)) data = Ctor.from(data);
  else data = data.slice();
  return { descr, type, kind, dims: t.dims.map(Number), data };
}

function sliceSample(arr, k) {
  const n = arr.dims[0];
  const per = arr.data.length / n;
  return { ...arr, dims: [1, ...arr.dims.slice(1)], data: arr.data.slice(k * per, (k + 1) * per) };
}

function stackSamples(parts) {
  const first = parts[0];
  for (const p of parts) {
    if (p.dims.length !== first.dims.length || p.dims.some((d, i) => d !== first.dims[i]))
      throw new Error('outputs of the samples differ in shape');
  }
  const dims = first.dims.length && first.dims[0] === 1
    ? [parts.length, ...first.dims.slice(1)] : [parts.length, ...first.dims];
  const per = first.data.length;
  const data = new first.data.constructor(per * parts.length);
  parts.forEach((p, k) => data.set(p.data, k * per));
  return { ...first, dims, data };
}

async function runModel(ort, modelPath, inputs, stacked) {
  try { ort.env.logLevel = 'error'; } catch (e) { /* older onnxruntime-common */ }
  const session = await ort.InferenceSession.create(modelPath,
    { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all',
      executionMode: 'sequential', logSeverityLevel: 3 });
  const names = session.inputNames;
  if (names.length !== inputs.length)
    throw new Error(`the model has ${names.length} runtime input(s) (${names.join(', ')}), ${inputs.length} given`);
  const run = async (arrs) => {
    const feeds = {};
    names.forEach((nm, i) => { feeds[nm] = toOrt(ort, arrs[i]); });
    const res = await session.run(feeds);
    return session.outputNames.map((nm) => fromOrt(res[nm]));
  };
  if (!stacked) return run(inputs);
  let batchSymbolic = false;
  const meta = session.inputMetadata;
  if (meta && meta[0] && Array.isArray(meta[0].shape) && meta[0].shape.length) {
    const d0 = meta[0].shape[0];
    batchSymbolic = typeof d0 !== 'number' || d0 < 0;
  }
  if (batchSymbolic) return run(inputs);
  const n = inputs[0].dims[0];
  if (inputs.some((x) => !x.dims.length || x.dims[0] !== n))
    throw new Error('--stacked: every input needs the same leading dimension N');
  const per = [];
  for (let k = 0; k < n; k++) per.push(await run(inputs.map((x) => sliceSample(x, k))));
  return per[0].map((_, j) => stackSamples(per.map((outs) => outs[j])));
}

// ------------------------------------------------------------- main ----
// Percentage of rows of a [N, C] output whose argmax agrees.
function argmaxAgree(ref, got) {
  const n = ref.dims[0], c = ref.data.length / n;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    let br = 0, bg = 0;
    for (let j = 1; j < c; j++) {
      if (Number(ref.data[i * c + j]) > Number(ref.data[i * c + br])) br = j;
      if (Number(got.data[i * c + j]) > Number(got.data[i * c + bg])) bg = j;
    }
    agree += br === bg;
  }
  return (100 * agree) / n;
}

function report(label, refs, gots, tol, argmin) {
  if (refs.length !== gots.length) {
    console.log(`FAIL ${label} the model has ${refs.length} output(s), ${gots.length} got file(s) given`);
    return 1;
  }
  let worst = { err: 0, scale: 1, ratio: -1 };
  for (let j = 0; j < refs.length; j++) {
    const c = compare(refs[j], gots[j], tol);
    if (!c.ok) { console.log(`FAIL ${label} output ${j}: ${c.reason}`); return 1; }
    const ratio = c.err / c.scale;
    if (ratio > worst.ratio) worst = { err: c.err, scale: c.scale, ratio };
  }
  let extra = '';
  if (argmin !== null && argmin !== undefined) {
    const pct = argmaxAgree(refs[0], gots[0]);
    extra = ` argmax_agree=${pct.toFixed(2)}%`;
    if (pct < argmin) {
      console.log(`FAIL ${label} argmax agrees on ${pct.toFixed(2)}% of ${refs[0].dims[0]} samples, under ${argmin}%`);
      return 1;
    }
  }
  console.log(`PASS ${label} max_abs_err=${worst.err.toExponential(3)} scale=${worst.scale}${extra}`);
  return 0;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.mode === 'compare') {
    const label = path.dirname(a.compare[0]);
    try {
      const refs = a.compare.map(readNpy);
      const gots = a.got.map(readNpy);
      return report(label, refs, gots, a.tol, a.argmax);
    } catch (e) { console.log(`FAIL ${label} ${e.message}`); return 1; }
  }
  const label = a.model;
  let outs;
  try {
    const ort = loadOrt();
    const inputs = a.inputs.map(readNpy);
    outs = await runModel(ort, a.model, inputs, a.stacked);
  } catch (e) {
    console.log(`FAIL ${label} ${String(e && e.message || e).split('\n')[0]}`);
    return 1;
  }
  if (a.mode === 'write') {
    if (a.write.length !== outs.length) {
      console.log(`FAIL ${label} the model has ${outs.length} output(s), ${a.write.length} --write file(s) given`);
      return 1;
    }
    outs.forEach((o, j) => writeNpy(a.write[j], o));
    console.log(`WROTE ${label} ${outs.map((o, j) => `${path.basename(a.write[j])}:${o.type}[${o.dims}]`).join(' ')}`);
    return 0;
  }
  let gots;
  try { gots = a.got.map(readNpy); } catch (e) { console.log(`FAIL ${label} ${e.message}`); return 1; }
  return report(label, outs, gots, a.tol, a.argmax);
}

main().then((rc) => process.exit(rc), (e) => { console.log(`FAIL ${e && e.stack || e}`); process.exit(1); });
