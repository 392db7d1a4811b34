#!/usr/bin/env node
// Differential tester: random valid ONNX graphs (gen.py), compiled by tnnc,
// built with ASan+UBSan, run, compared with onnxruntime; graphs with
// activation quantizers also compare the packed build with --float-acts bit
// for bit.  One node process evaluates every graph (no per-model start-up of
// onnxruntime); the generator writes a batch of graphs per Python start.
//
//   node driver.js --count N [--seed S] [--jobs J] [--batch K] [--work DIR]
//                  [--failures DIR] [--tnnc PATH] [--cc CC] [--cflags FLAGS]
//                  [--merge M] [--only NAME[,NAME...]] [--cases DIR] [--no-simd] [--verbose]
//
// Each graph is built for one SIMD variant of the kernels this host runs
// (generic, -mavx2 -mfma, -march=x86-64-v4 -mavx512vpopcntdq), picked from
// its name; --no-simd (or DIFF_SIMD=0) builds every graph generic.
//
// --cases DIR: first check every DIR/<name>/ (model.onnx, input_K.npy,
// meta.json: the kept regression fixtures) the same way, counted apart in a
// `cases: ...` line; a case tnnc refuses fails.
// --only g7_12: regenerate and check just those graphs (gS_I: seed S, index I).
// Classes: passed; refused (tnnc exit 1 with a diagnostic); failed: tnnc
// crash/other exit, the C does not build, the program fails or a sanitizer
// reports, outputs differ from onnxruntime, packed differs from --float-acts;
// invalid: onnxruntime refuses the graph (a generator bug, reported apart).
// Every failed graph is copied to the failures directory with reason.txt,
// onnxruntime's outputs (ref_K.npy) and tnnc's (got_K.npy).
// Prints `diff: N passed, M failed, R refused` (and the breakdown) last;
// exit status 1 if anything failed or was invalid.  After each batch a `progress:` line gives the
// totals so far; SIGINT/SIGTERM/SIGHUP print them and exit 3 (1 if something failed).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { readNpy, writeNpy, compare, fromOrt } = require('./compare');

const here = __dirname;
const root = path.resolve(here, '..', '..', '..');

function parseArgs(argv) {
  const a = {
    count: 100, seed: 1, jobs: 2, batch: 25, work: null, failures: path.join(root, 'build', 'diff-failures'),
    tnnc: process.env.TNNC || path.join(root, 'build', 'tnnc'), cc: process.env.CC || 'gcc',
    cflags: process.env.DIFF_CFLAGS ||
      '-std=c99 -O0 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all',
    tol: 1e-4, merge: 8, simd: process.env.DIFF_SIMD !== '0', only: null, cases: null, verbose: false, python: process.env.PYTHON || '/usr/bin/python3',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i], v = () => argv[++i];
    if (k === '--count') a.count = Number(v());
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--jobs') a.jobs = Number(v());
    else if (k === '--batch') a.batch = Number(v());
    else if (k === '--work') a.work = v();
    else if (k === '--failures') a.failures = v();
    else if (k === '--tnnc') a.tnnc = v();
    else if (k === '--cc') a.cc = v();
    else if (k === '--cflags') a.cflags = v();
    else if (k === '--tol') a.tol = Number(v());
    else if (k === '--merge') a.merge = Number(v());
    else if (k === '--no-simd') a.simd = false;
    else if (k === '--cases') a.cases = v();
    else if (k === '--only') a.only = v().split(',');
    else if (k === '--verbose') a.verbose = true;
    else { process.stderr.write(`driver: unknown option ${k}\n`); process.exit(2); }
  }
  return a;
}

// wall time spent per stage, summed over concurrent jobs (printed at the end)
const stageTime = {};
function run(cmd, args, opts = {}) {
  const t = Date.now(), st = opts.stage;
  return runRaw(cmd, args, opts).then((r) => { if (st) stageTime[st] = (stageTime[st] || 0) + (Date.now() - t); return r; });
}
function runRaw(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env || process.env });
    let out = '', err = '';
    p.stdout.on('data', (d) => { if (out.length < 1e6) out += d; });
    p.stderr.on('data', (d) => { if (err.length < 1e6) err += d; });
    const t = setTimeout(() => { p.kill('SIGKILL'); err += `\n[killed after ${opts.timeout}s]`; },
      (opts.timeout || 120) * 1000);
    p.on('close', (code, signal) => { clearTimeout(t); resolve({ code, signal, out, err }); });
    p.on('error', (e) => { clearTimeout(t); resolve({ code: -1, signal: null, out, err: String(e) }); });
  });
}

const sanEnv = Object.assign({}, process.env, {
  ASAN_OPTIONS: 'exitcode=86:abort_on_error=0:detect_leaks=1:allocator_may_return_null=0',
  UBSAN_OPTIONS: 'exitcode=87:print_stacktrace=1',
});

function firstLine(s, n = 300) {
  const l = String(s).split('\n').find((x) => x.trim().length) || '';
  return l.length > n ? l.slice(0, n) + '...' : l;
}

// a short, stable label for a tnnc refusal (the diagnostic without names)
function refusalClass(err) {
  const l = firstLine(err, 400);
  return l.replace(/^[^:]*\.onnx:\s*/, '').replace(/node '[^']*'/g, "node 'X'").replace(/'[^']*'/g, "'X'")
    .replace(/\d+/g, 'N').slice(0, 120);
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const ortDir = process.env.ORT_NODE_MODULES || path.join(root, 'tests', 'e2e', 'node_modules');
  const ort = require(path.join(path.resolve(ortDir), 'onnxruntime-node'));
  try { ort.env.logLevel = 'fatal'; } catch (e) { /* older onnxruntime-common */ }
  const work = a.work || fs.mkdtempSync('/tmp/tnnc-diff-');
  fs.mkdirSync(work, { recursive: true });
  const stats = { passed: 0, failed: 0, refused: 0, invalid: 0, quant: 0, packedChecked: 0, caseFailed: 0, merged: 0, units: 0 };
  const failClass = {}, refuseClass = {}, invalidClass = {};
  const t0 = Date.now();

  // ---------------------------------------------------------- graphs ----
  const names = [];
  if (a.only) names.push(...a.only);
  else for (let i = 0; i < a.count; i++) names.push(`g${a.seed}_${i}`);
  const batches = [];
  for (let i = 0; i < names.length; i += a.batch) batches.push(names.slice(i, i + a.batch));

  async function generate(batch) {
    // consecutive indices of one seed per call; --only lists may mix
    const dirs = [];
    const bySeed = {};
    for (const nm of batch) {
      const m = /^g(\d+)_(\d+)$/.exec(nm);
      if (!m) throw new Error(`bad graph name ${nm}`);
      (bySeed[m[1]] = bySeed[m[1]] || []).push(Number(m[2]));
    }
    for (const [seed, idx] of Object.entries(bySeed)) {
      idx.sort((x, y) => x - y);
      let i = 0;
      while (i < idx.length) {
        let j = i;
        while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
        const r = await run(a.python, [path.join(here, 'gen.py'), '--seed', seed, '--first', String(idx[i]),
          '--count', String(j - i + 1), '--out', work], { timeout: 600, stage: 'gen' });
        if (r.code !== 0) throw new Error(`gen.py failed: ${r.err.slice(-2000)}`);
        dirs.push(...r.out.split('\n').filter((x) => x));
        i = j + 1;
      }
    }
    return dirs;
  }

  function keep(dir, reason, cls) {
    const dst = path.join(a.failures, path.basename(dir));
    fs.mkdirSync(dst, { recursive: true });
    for (const f of fs.readdirSync(dir)) {
      if (/\.(onnx|npy|json|c|h|err)$/.test(f)) fs.copyFileSync(path.join(dir, f), path.join(dst, f));
    }
    fs.writeFileSync(path.join(dst, 'reason.txt'), `${cls}\n${reason}\n`);
  }

  async function pool(tasks, n) {
    let k = 0;
    const worker = async () => { while (k < tasks.length) { const t = tasks[k++]; await t(); } };
    await Promise.all(Array.from({ length: n }, worker));
  }

  function fail(dir, cls, reason) {
    stats.failed++;
    failClass[cls] = (failClass[cls] || 0) + 1;
    keep(dir, reason, cls);
    console.log(`FAIL ${path.basename(dir)} [${cls}] ${firstLine(reason, 400)}`);
  }

  async function ortRun(dir, meta, inputs) {
    const model = path.join(dir, meta.ref_model ? 'ref_model.onnx' : 'model.onnx');
    const session = await ort.InferenceSession.create(model,
      // 'basic', not ort_check.js's 'all': the extended level fuses DequantizeLinear -> MatMul into
      // a kernel that quantizes the activations on the fly, which is not the model's arithmetic
      { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'basic',
        executionMode: 'sequential', logSeverityLevel: 3 });
    const feeds = {};
    session.inputNames.forEach((nm, i) => { feeds[nm] = new ort.Tensor(inputs[i].type, inputs[i].data, inputs[i].dims); });
    const res = await session.run(feeds);
    const outs = session.outputNames.map((nm) => fromOrt(res[nm]));
    if (session.release) await session.release();
    return outs;
  }

  // ------------------------------------------------- merged builds ----
  // Compiling the C dominates (code generation of the kernels a model uses,
  // under ASan+UBSan), so up to --merge units share one translation unit:
  // the whole runtime once (runtime/tnn_runtime.h by -I, in place of each
  // unit's own selection of kernel files), each unit's model part with its
  // file-scope names renamed by #define, and a main() that dispatches on
  // argv[1].  Units merge when their --target lines and SIMD flags are the
  // same.  Each unit's own text is first checked alone by -fsyntax-only (a
  // tenth of a build), so a kernel file missing from its runtime selection
  // still fails; whatever does not build merged is built on its own, so a
  // diagnostic always belongs to one model.
  const RUNTIME = '/* ---- runtime', SPLIT = '/* ---- constants ---- */';
  const DRIVER = '/* ---- test driver (--emit-main) ---- */';
  function splitUnit(u) {
    const text = fs.readFileSync(u.c, 'utf8');
    const at = text.indexOf('\n' + SPLIT), rt = text.indexOf('\n' + RUNTIME);
    if (at < 0 || rt < 0 || rt > at) return null;
    // the head (a comment naming the command, the #include of the header)
    // differs per unit; what follows it (the --target lines, the runtime) is shared
    const inc = text.lastIndexOf('\n#include "', rt);
    if (inc < 0) return null;
    const pre = text.slice(text.indexOf('\n', inc + 1) + 1, rt + 1) + '#include "tnn_runtime.h"\n';
    let body = text.slice(at + 1), helpers = '';
    // the --emit-main helpers (.npy reading and writing) are the same text in
    // every unit: shared like the runtime, only main() is per unit
    const td = body.indexOf('\n' + DRIVER), mn = body.indexOf('\nint main(');
    if (td >= 0 && mn > td) { helpers = body.slice(td + 1, mn + 1); body = body.slice(0, td + 1) + body.slice(mn + 1); }
    const names = new Set(), macros = new Set();
    for (const line of body.split('\n')) {
      let m;
      if ((m = /^#define\s+(\w+)/.exec(line))) macros.add(m[1]);
      else if ((m = /^typedef\s+struct\s+(\w+)/.exec(line))) names.add(m[1]);
      else if ((m = /^\}\s*(\w+)\s*;/.exec(line))) names.add(m[1]);
      else if (/^[A-Za-z_]/.test(line) && !/^(return|typedef|else|if|for|while|do|switch|case|goto)\b/.test(line) &&
               (m = /^(?:[A-Za-z_]\w*[\s*]+)+?([A-Za-z_]\w*)\s*[[(=]/.exec(line))) names.add(m[1]);
    }
    for (const n of [...names]) if (n === u.prefix + '_run') names.delete(n);
    return { pre: pre + helpers, body, names: [...names], macros: [...macros] };
  }

  let nMerged = 0;
  // SIMD variants of the kernels: each graph is built for one, picked from
  // its name (its packed and --float-acts builds for the same one)
  const cpu = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const simdVariants = [''];
  if (a.simd && process.arch === 'x64') {
    if (/\bavx2\b/.test(cpu) && /\bfma\b/.test(cpu)) simdVariants.push('-mavx2 -mfma');
    if (/\bavx512_vpopcntdq\b/.test(cpu) && /\bavx512bw\b/.test(cpu)) simdVariants.push('-march=x86-64-v4 -mavx512vpopcntdq');
  }
  function simdOf(dir) {
    let h = 0;
    for (const ch of path.basename(dir)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return simdVariants[h % simdVariants.length];
  }
  const flagsOf = (u) => [...a.cflags.split(/\s+/), ...u.item.simd.split(/\s+/)].filter((x) => x);
  async function buildUnits(units, dir) {
    // returns nothing; sets u.prog/u.idx or u.fail for each unit
    stats.units += units.length;
    const parts = units.map((u) => ({ u, s: splitUnit(u) }));
    // its own runtime selection must hold everything it calls
    await pool(parts.filter((p) => p.s).map((p) => async () => {
      const b = await run(a.cc, [...flagsOf(p.u), '-fsyntax-only', p.u.c], { timeout: 300, stage: 'cc' });
      if (b.code !== 0) p.s = null;
    }), a.jobs);
    const alone = parts.filter((p) => !p.s).map((p) => p.u);
    const byPre = new Map();
    for (const p of parts.filter((q) => q.s)) {
      const key = p.u.item.simd + '\0' + p.s.pre;
      if (!byPre.has(key)) byPre.set(key, []);
      byPre.get(key).push(p);
    }
    const chunks = [];
    for (const group of byPre.values())
      for (let i = 0; i < group.length; i += a.merge) chunks.push(group.slice(i, i + a.merge));
    const tasks = [];
    for (const ch of chunks) {
      if (ch.length === 1) { alone.push(ch[0].u); continue; }
      tasks.push(async () => {
        const id = nMerged++;
        const c = path.join(dir, `merged_${id}.c`), prog = path.join(dir, `merged_${id}`);
        let t = ch.map((p) => `#include "${p.u.c.replace(/\.c$/, '.h')}"\n`).join('') + ch[0].s.pre;
        ch.forEach((p, k) => {
          const sfx = `__u${k}`;
          t += p.s.names.map((n) => `#define ${n} ${n}${sfx}\n`).join('') + p.s.body + '\n';
          t += [...p.s.names, ...p.s.macros].map((n) => `#undef ${n}\n`).join('');
        });
        t += '#include <stdlib.h>\nint main(int argc, char **argv) {\n  int k = argc > 1 ? atoi(argv[1]) : -1;\n' +
          '  if (argc < 2) return 2;\n  argv[1] = argv[0];\n  switch (k) {\n' +
          ch.map((p, k) => `  case ${k}: return main__u${k}(argc - 1, argv + 1);\n`).join('') +
          '  }\n  return 2;\n}\n';
        fs.writeFileSync(c, t);
        const b = await run(a.cc, [...flagsOf(ch[0].u), '-I', path.join(root, 'runtime'), c, '-o', prog, '-lm'],
          { timeout: 600, stage: 'cc' });
        if (b.code === 0) {
          ch.forEach((p, k) => { p.u.prog = prog; p.u.idx = k; });
          stats.merged += ch.length;
          fs.unlinkSync(c);
        } else {
          if (a.verbose) console.log(`merged build ${id} failed, building its ${ch.length} units alone: ${firstLine(b.err)}`);
          alone.push(...ch.map((p) => p.u));
        }
      });
    }
    await pool(tasks, a.jobs);
    await pool(alone.map((u) => async () => {
      const prog = u.c.replace(/\.c$/, '');
      const b = await run(a.cc, [...flagsOf(u), u.c, '-o', prog, '-lm'], { timeout: 300, stage: 'cc' });
      if (b.code !== 0) {
        fs.writeFileSync(u.c.replace(/\.c$/, '_cc.err'), b.err);
        u.fail = { cls: 'cc', reason: `${a.cc} ${flagsOf(u).join(' ')} failed: ${b.err.slice(0, 2000)}` };
      } else u.prog = prog;
    }), a.jobs);
  }

  async function runUnit(u) {
    const outs = [];
    for (let i = 0; i < u.nOut; i++) outs.push(path.join(u.item.dir, `got_${u.tag}_${i}.npy`));
    const args = u.idx === undefined ? [...u.item.ins, ...outs] : [String(u.idx), ...u.item.ins, ...outs];
    const x = await run(u.prog, args, { timeout: 120, env: sanEnv, stage: 'run' });
    fs.writeFileSync(path.join(u.item.dir, `run_${u.tag}.err`), x.err);
    if (x.code !== 0) {
      const san = /Sanitizer|runtime error:/.test(x.err);
      u.fail = { cls: san ? 'sanitizer' : 'run', reason: `program exit ${x.code} signal ${x.signal}: ${x.err.slice(0, 3000)}` };
    } else u.outs = outs;
  }

  async function tnncUnit(item, tag, flags) {
    const c = path.join(item.dir, `${path.basename(item.dir)}_${tag}.c`);
    // sanEnv: a sanitized tnnc (TNNC=build-san/tnnc) reports with its own exit codes, never 1
    const r = await run(a.tnnc, [path.join(item.dir, 'model.onnx'), '-o', c, '--emit-main', ...flags],
      { timeout: 120, env: sanEnv, stage: 'tnnc' });
    fs.writeFileSync(path.join(item.dir, `tnnc_${tag}.err`), r.err);
    if (r.code === 1 && !r.signal) return { refused: true, err: r.err };
    if (r.code !== 0)
      return { fail: { cls: /Sanitizer|runtime error:/.test(r.err) ? 'tnnc-sanitizer' : 'tnnc-crash',
        reason: `tnnc exit ${r.code} signal ${r.signal}: ${r.err.slice(0, 2000)}` } };
    return { item, tag, c, prefix: path.basename(c, '.c'), nOut: item.refs.length };
  }

  // stage 1: onnxruntime and tnnc; returns an item to build, or null
  async function prepare(dir, probe = false) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    const ins = [];
    for (let i = 0; i < meta.n_in; i++) ins.push(path.join(dir, `input_${i}.npy`));
    let refs;
    const tOrt = Date.now();
    try {
      refs = await ortRun(dir, meta, ins.map(readNpy));
      stageTime.ort = (stageTime.ort || 0) + (Date.now() - tOrt);
    } catch (e) {
      if (probe) return null;
      stats.invalid++;
      const msg = firstLine(String(e && e.message || e), 300);
      const k = msg.replace(/\d+/g, 'N').replace(/'[^']*'/g, "'X'").slice(0, 100);
      invalidClass[k] = (invalidClass[k] || 0) + 1;
      keep(dir, msg, 'ort-refused');
      console.log(`INVALID ${path.basename(dir)} onnxruntime: ${msg}`);
      return null;
    }
    refs.forEach((r, i) => writeNpy(path.join(dir, `ref_${i}.npy`), r));
    // --const-input fixes some inputs at compile time: the program reads the others
    const consts = meta.const_inputs || [];
    const flags = [...(meta.flags || [])];
    for (const [nm, k] of consts) flags.push('--const-input', `${nm}=${ins[k]}`);
    const rtIns = ins.filter((_, i) => !consts.some((c) => c[1] === i));
    const item = { dir, meta, ins: rtIns, refs, units: [], simd: simdOf(dir), flags };
    const u = await tnncUnit(item, 'model', flags);
    if (probe && (u.refused || u.fail)) return null;
    if (u.refused && /internal/i.test(firstLine(u.err, 1000))) {
      fail(dir, 'tnnc-internal', `tnnc exit 1 with an internal error: ${u.err.slice(0, 2000)}`);
      return null;
    }
    if (u.refused) {
      stats.refused++;
      const k = refusalClass(u.err);
      refuseClass[k] = (refuseClass[k] || 0) + 1;
      if (a.verbose) console.log(`REFUSED ${path.basename(dir)} ${firstLine(u.err)}`);
      return null;
    }
    if (u.fail) { fail(dir, u.fail.cls, u.fail.reason); return null; }
    item.units.push(u);
    if (meta.quant) {
      const f = await tnncUnit(item, 'float', [...flags, '--float-acts']);
      if (probe && (f.refused || f.fail)) return null;
      if (f.refused) { fail(dir, 'float-acts', `--float-acts refused what the packed build accepted: ${firstLine(f.err)}`); return null; }
      if (f.fail) { fail(dir, f.fail.cls, `--float-acts: ${f.fail.reason}`); return null; }
      item.units.push(f);
    }
    return item;
  }

  // the verdict on one built and run item
  function judge(item, probe = false) {
    const { dir, refs, meta } = item;
    const [b, f] = item.units;
    for (const u of item.units) {
      if (u.fail) return probe || fail(dir, u.fail.cls, (u.tag === 'float' ? '--float-acts: ' : '') + u.fail.reason), false;
    }
    for (let j = 0; j < refs.length; j++) {
      let got;
      try { got = readNpy(b.outs[j]); } catch (e) { return (probe || fail(dir, 'run', String(e.message))), false; }
      const c = compare(refs[j], got, a.tol);
      if (!c.ok) { item.mismatch = `output ${j} of ${refs.length}: ${c.reason}`; return false; }
    }
    if (meta.quant) {
      stats.quant++;
      for (let j = 0; j < refs.length; j++) {
        if (!fs.readFileSync(b.outs[j]).equals(fs.readFileSync(f.outs[j])))
          return (probe || fail(dir, 'packed-vs-float-acts', `output ${j}: the packed build differs from --float-acts`)), false;
      }
      stats.packedChecked++;
    }
    return true;
  }

  async function processBatch(dirs) {
    const items = [];
    await pool(dirs.map((d) => async () => { const it = await prepare(d); if (it) items.push(it); }), a.jobs);
    const units = items.flatMap((it) => it.units);
    await buildUnits(units, work);
    await pool(units.filter((u) => u.prog).map((u) => () => runUnit(u)), a.jobs);
    const mism = [];
    for (const it of items) {
      if (judge(it)) {
        stats.passed++;
        if (a.verbose) console.log(`PASS ${path.basename(it.dir)}`);
        fs.rmSync(it.dir, { recursive: true, force: true });
      } else if (it.mismatch) mism.push(it);
      else fs.rmSync(it.dir, { recursive: true, force: true });
    }
    for (const u of units) if (u.prog && u.idx === undefined) fs.rmSync(u.prog, { force: true });
    for (const u of units) if (u.prog && u.idx !== undefined) fs.rmSync(u.prog, { force: true });
    // a mismatch: does it need the random graph I/O?  Rebuild the same graph
    // with the leaves as its only outputs (gen.py --plain-io).
    if (!mism.length) return;
    // one generator call and one merged build for all the probes
    const probes = [];
    for (const it of mism) {
      const m = /g(\d+)_(\d+)$/.exec(it.dir);
      if (!m || !(it.meta.io || []).length) continue;
      const r = await run(a.python, [path.join(here, 'gen.py'), '--seed', m[1], '--first', m[2], '--count', '1',
        '--plain-io', '--out', work], { timeout: 120 });
      if (r.code === 0 && r.out.trim()) probes.push({ it, pdir: r.out.trim() });
    }
    const saved = JSON.stringify(stats);
    const ready = [];
    await pool(probes.map((p) => async () => { p.pit = await prepare(p.pdir, true); if (p.pit) ready.push(p); }), a.jobs);
    const punits = ready.flatMap((p) => p.pit.units);
    await buildUnits(punits, work);
    await pool(punits.filter((u) => u.prog).map((u) => () => runUnit(u)), a.jobs);
    for (const p of ready) if (judge(p.pit, true)) p.it.cls = `mismatch-io[${p.it.meta.io.join(',')}]`;
    Object.assign(stats, JSON.parse(saved));
    for (const u of punits) if (u.prog) fs.rmSync(u.prog, { force: true });
    for (const p of probes) fs.rmSync(p.pdir, { recursive: true, force: true });
    for (const it of mism) {
      const io = it.cls ? ' (passes with the leaves as the only outputs: the graph I/O is the cause)' : '';
      fail(it.dir, it.cls || 'mismatch', it.mismatch + io);
      fs.rmSync(it.dir, { recursive: true, force: true });
    }
  }

  // ----------------------------------------------------------- drive ----
  // the kept fixtures first, counted apart
  let caseLine = null;
  if (a.cases) {
    const dirs = fs.readdirSync(a.cases).filter((n) => fs.existsSync(path.join(a.cases, n, 'model.onnx'))).sort();
    const copies = dirs.map((n) => {
      const dst = path.join(work, `case_${n}`);
      fs.cpSync(path.join(a.cases, n), dst, { recursive: true });
      return dst;
    });
    const before = { ...stats };
    await processBatch(copies);
    const d = {};
    for (const k of Object.keys(stats)) { d[k] = stats[k] - before[k]; stats[k] = before[k]; }
    for (const k of Object.keys(failClass)) delete failClass[k];
    for (const k of Object.keys(refuseClass)) delete refuseClass[k];
    caseLine = `cases: ${d.passed} passed, ${d.failed} failed, ${d.refused} refused, ${d.invalid} invalid ` +
      `(of ${dirs.length} in ${a.cases})`;
    console.log(caseLine);
    stats.caseFailed = d.failed + d.refused + d.invalid;
  }
  // totals so far: after every batch, and when the run is stopped by a signal
  // (a long run killed at a deadline still says how many graphs it ran)
  const totals = () => {
    const n = stats.passed + stats.failed + stats.refused + stats.invalid, s = (Date.now() - t0) / 1000;
    return `${n} graphs (${stats.passed} passed, ${stats.failed} failed, ${stats.refused} refused, ` +
      `${stats.invalid} invalid) in ${s.toFixed(0)} s`;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.log(`stopped by ${sig} after ${totals()}`);
      console.log(`diff: ${stats.passed} passed, ${stats.failed} failed, ${stats.refused} refused (incomplete)`);
      process.exit(stats.failed || stats.invalid ? 1 : 3);
    });
  }
  let next = batches.length ? generate(batches[0]) : Promise.resolve([]);
  for (let bi = 0; bi < batches.length; bi++) {
    const dirs = await next;
    next = bi + 1 < batches.length ? generate(batches[bi + 1]) : null;
    await processBatch(dirs);
    if (batches.length > 1) console.log(`progress: batch ${bi + 1}/${batches.length}: ${totals()}`);
  }
  if (!a.work) fs.rmSync(work, { recursive: true, force: true });

  const secs = (Date.now() - t0) / 1000;
  const total = stats.passed + stats.failed + stats.refused + stats.invalid;
  const top = (o) => Object.entries(o).sort((x, y) => y[1] - x[1]).map(([k, v]) => `  ${v} ${k}`).join('\n');
  if (Object.keys(refuseClass).length) console.log(`refusals by diagnostic:\n${top(refuseClass)}`);
  if (Object.keys(failClass).length) console.log(`failures by class:\n${top(failClass)}`);
  if (Object.keys(invalidClass).length) console.log(`invalid graphs (onnxruntime refused):\n${top(invalidClass)}`);
  console.log(`${total} graphs in ${secs.toFixed(0)} s (${(total / secs).toFixed(2)}/s); ` +
    `${stats.quant} with activation quantizers, ${stats.packedChecked} of them bit-identical to --float-acts; ` +
    `${stats.invalid} invalid (onnxruntime refused)`);
  console.log(`${stats.merged} of ${stats.units} builds shared a translation unit; time per stage (s, summed over jobs): ` +
    Object.entries(stageTime).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`).join(', '));
  console.log(`diff: ${stats.passed} passed, ${stats.failed} failed, ${stats.refused} refused`);
  if (caseLine) console.log(caseLine);
  return stats.failed || stats.invalid || stats.caseFailed ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => { console.log(`diff: error ${e && e.stack || e}`); process.exit(1); });
