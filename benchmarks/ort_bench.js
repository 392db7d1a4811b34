// onnxruntime latency of a float model, one thread (ORT_THREADS=N: N
// intra-op threads), all graph optimizations: WARMUP untimed runs then RUNS
// timed runs of one image; prints the median and minimum in milliseconds.
//   node ort_bench.js MODEL.onnx [RUNS=20] [WARMUP=3]
'use strict';
const path = require('path');
const mods = process.env.ORT_NODE_MODULES || path.join(__dirname, '../tests/e2e/node_modules');
const ort = require(path.join(mods, 'onnxruntime-node'));

async function main() {
  const [file, runsArg, warmArg] = process.argv.slice(2);
  const runs = Number(runsArg || 20), warm = Number(warmArg || 3);
  const threads = Number(process.env.ORT_THREADS || 1);
  const s = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const meta = s.inputMetadata ? null : null;
  void meta;
  const dims = JSON.parse(process.env.INPUT_SHAPE);
  const n = dims.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  let r = 12345;
  for (let i = 0; i < n; i++) { r = (Math.imul(r, 1664525) + 1013904223) >>> 0; x[i] = (r >>> 8) / 8388608 - 1; }
  const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', x, dims) };
  for (let i = 0; i < warm; i++) await s.run(feeds);
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await s.run(feeds);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  console.log(`median_ms ${t[runs >> 1].toFixed(4)} min_ms ${t[0].toFixed(4)} runs ${runs}`);
}
main().catch(e => { console.error(e.message); process.exit(1); });
