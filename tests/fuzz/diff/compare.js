// .npy reading/writing and the e2e comparison rule, for the differential tester.
//
// The rule mirrors tests/e2e/ort_check.js (kept separate so that file, used by
// run_e2e.sh, stays untouched): float outputs pass when
// max|got - ref| <= tol * max(1, max|ref|) (NaN must meet NaN, infinities must
// match exactly); integer and bool outputs must be equal; dtypes and shapes
// must be equal.  Default tol 1e-4.
'use strict';
const fs = require('fs');

const NPY_TYPES = {
  '<f4': [Float32Array, 'float32', 'f'],
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
  const descr = DESCR_ALIAS[dm[1]] || dm[1];
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

// {ok, err, scale, reason}
function compare(ref, got, tol) {
  if (ref.descr !== got.descr)
    return { ok: false, reason: `dtype: expected ${ref.descr}, got ${got.descr}` };
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

// onnxruntime tensor -> the npy record above
function fromOrt(t) {
  const descr = ORT_TO_DESCR[t.type];
  if (!descr) throw new Error(`unsupported output type ${t.type}`);
  const [Ctor, type, kind] = NPY_TYPES[descr];
  let data = t.data;
  if (!(data instanceof Ctor)) data = Ctor.from(data);
  else data = data.slice();
  return { descr, type, kind, dims: t.dims.map(Number), data };
}

module.exports = { readNpy, writeNpy, compare, fromOrt };
