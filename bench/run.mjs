// Benchmarks (figures, not pass/fail; not run in CI): shipped size of every contender for the
// same job, start-up, the cost of a diagnosis per failure kind, multipart throughput of
// upload-doctor, Uppy, the AWS SDK's lib-storage and raw parallel fetch side by side in one
// page against one fast S3 server, and memory during a large upload. Writes BENCHMARKS.md.
//
//   bash scripts/bench [--sizes 64,512] [--runs 5] [--concurrency 4] [--part-mib 8]
//                      [--only size,startup,diagnosis,throughput,timeline,localstack] [--out BENCHMARKS.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketCorsCommand, DeleteBucketCorsCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, ensurePackage, CHROMIUM_ARGS, ROOT, LOCALSTACK } from '../tests/support/servers.mjs';
import { startBackend, s3Client } from '../www/backend.mjs';
import { bundleAll, CONTENDERS } from './bundle.mjs';
import { wasmBreakdown } from './wasm-size.mjs';
import { startSinkProcess, openBenchPage, runRounds, sinkVerifier, startBenchServer, loadFile } from './throughput.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES_MIB = arg('sizes', '64,512').split(',').map(Number);
const RUNS = Number(arg('runs', '5'));
const CONCURRENCY = arg('concurrency', '4').split(',').map(Number);
const PART = Number(arg('part-mib', '8')) * 1048576;
const ONLY = new Set(arg('only', 'size,startup,diagnosis,throughput,timeline,localstack').split(','));
const OUT = arg('out', 'BENCHMARKS.md');
// Ports: 5500-5599 are the bench's (tests and other tools use 5173, 5181-5199, 5300-5499, 8080, 8443).
const ORIGIN = 'http://localhost:5520'; // the test harness page (start-up, diagnosis), LocalStack
const BENCH_ORIGIN = 'http://localhost:5510'; // the contenders' page, for the sink
const SINK_PORT = 5511;
const LS_BENCH_ORIGIN = 'http://localhost:5512'; // the contenders' page, for LocalStack
const MEMORY_MIB = Math.max(...SIZES_MIB);
const admin = s3Client();

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const range = (xs, d = 1) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
const stat = (xs, d = 1) => `${median(xs).toFixed(d)} (${range(xs, d)})`;
const mb = (bytes) => bytes / 1e6;
const kb = (n) => (n / 1000).toFixed(1);
const lines = [];
const out = (s = '') => { console.log(s); lines.push(s); };
const log = (s) => console.error(s);
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

async function bucketWith(rules) {
  const bucket = `ud-bench-${randomBytes(4).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  if (rules) await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  else await admin.send(new DeleteBucketCorsCommand({ Bucket: bucket })).catch(() => {});
  return bucket;
}
const GOOD = { AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT', 'POST', 'GET', 'DELETE', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 };

async function launch() {
  const { chromium } = await import('playwright-core');
  // As launchBrowser() in tests/support/servers.mjs, plus exact (unrounded) heap figures.
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
    headless: true,
  });
}

// ---------------------------------------------------------------------------------------
// Shipped size

function sizes(bundles) {
  out('## Shipped size: the job "upload one file with multipart from a page"');
  out();
  out('Each contender\'s entry in `bench/entries/` (Uppy 6: `bench/uppy6/entry.js`) bundled by esbuild');
  out('(`--bundle --minify --format=esm --platform=browser`, `NODE_ENV=production`), tree-shaken to the one');
  out('exported `upload(file, …)`; ours counts the bundle plus the `.wasm` it fetches. gzip level 9,');
  out('brotli quality 11. Builds are deterministic: one build, no spread.');
  out();
  out('| contender | packages | JS bundle raw | .wasm raw | total raw | total gzip | total brotli | brotli vs Uppy 5 |');
  out('|---|---|---:|---:|---:|---:|---:|---:|');
  const uppy = bundles.find((b) => b.name === 'uppy');
  for (const b of bundles) {
    const js = b.files[0];
    const wasm = b.files.find((f) => f.name.endsWith('.wasm'));
    out(`| ${b.label} | ${b.versions.map((v) => `\`${v}\``).join(' ') || '—'} | ${js.raw} | ${wasm ? wasm.raw : '—'} | ${b.total.raw} | ${b.total.gzip} | ${b.total.brotli} | ${(b.total.brotli / uppy.total.brotli).toFixed(2)}× |`);
  }
  const ours = bundles.find((b) => b.name === 'upload-doctor');
  const wasm = ours.files.find((f) => f.name.endsWith('.wasm'));
  out();
  out(`Ours, split: JS ${ours.files[0].raw} B raw / ${ours.files[0].gzip} gzip / ${ours.files[0].brotli} brotli; .wasm ${wasm.raw} B raw / ${wasm.gzip} gzip / ${wasm.brotli} brotli.`);
  out('esbuild leaves `new URL(\'./web/upload_doctor_bg.wasm\', import.meta.url)` as it is (it does not emit');
  out('the file): an esbuild user must copy the `.wasm` next to the bundle under `web/` (the bench does).');
  for (const b of bundles.filter((x) => x.warnings.length)) {
    const distinct = [...new Set(b.warnings)];
    out(`esbuild printed ${b.warnings.length} warning(s) bundling ${b.label}: ${distinct.slice(0, 3).map((t) => `"${t.replace(/\/work\/main\//g, '')}"`).join('; ')}${distinct.length > 3 ? ' …' : ''}.`);
  }
  out();
  const w = wasmBreakdown();
  if (w) {
    out('### Where the .wasm bytes go');
    out();
    out('`bench/wasm-size.mjs`: the release build through the same wasm-bindgen and `wasm-opt -Oz`, names kept,');
    out('function bodies summed per crate (per module for ours). wasm-opt inlines across crates, so the split');
    out(`is indicative. Module: ${w.stripped} B stripped${w.stripped === wasm.raw ? ' (= the shipped file)' : ` (the shipped pkg/ file is ${wasm.raw} B: target/ holds another build)`}; code section ${w.code} B, data section (string literals, tables) ${w.data} B.`);
    out();
    out('| owner | code bytes | share of code |');
    out('|---|---:|---:|');
    for (const [g, b] of w.groups.slice(0, 14)) out(`| ${g} | ${b} | ${(100 * b / w.code).toFixed(1)} % |`);
    out();
    out(`Largest functions: ${w.top.slice(0, 6).map((f) => `\`${f.name.replace(/\[[0-9a-f]+\]/g, '').replace(/::h[0-9a-f]{16}$/, '').slice(0, 70)}\` ${f.size} B`).join(', ')}.`);
    out();
  }
  return { ours: ours.total, uppy: uppy.total, all: bundles };
}

// ---------------------------------------------------------------------------------------
// Start-up and diagnosis (the test harness page, LocalStack)

async function startup(browser) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${ORIGIN}/harness/index.html`);
    await page.waitForFunction(() => window.harnessReady === true);
    times.push(await page.evaluate(async () => {
      const t0 = performance.now();
      const mod = await import(`/pkg/web/upload_doctor.js?fresh=${Math.random()}`);
      await mod.default({ module_or_path: `/pkg/web/upload_doctor_bg.wasm?fresh=${Math.random()}` });
      return performance.now() - t0;
    }));
    await ctx.close();
  }
  out('## Start-up (fetch + compile + instantiate, uncached, loopback)');
  out();
  out(`median ${stat(times)} ms over ${times.length} runs (the parenthesis is the range, here and below)`);
  out();
  return times;
}

const FAILURES = [
  ['no CORS configuration', null, {}],
  ['origin not listed', [{ ...GOOD, AllowedOrigins: ['http://localhost:3000'] }], {}],
  ['PUT not allowed', [{ ...GOOD, AllowedMethods: ['GET'] }], {}],
  ['content-type not allowed', [{ ...GOOD, AllowedHeaders: [] }], {}],
  ['server down', [GOOD], { endpoint: 'http://127.0.0.1:4999' }],
  ['ETag not exposed', [{ ...GOOD, ExposeHeaders: [] }], {}],
  ['signed content-type differs', [GOOD], { contentType: 'image/jpeg' }],
];

async function diagnosisCost(page) {
  out('## Diagnosis cost per failure kind (PUT of 2 KiB to LocalStack, 5 runs each)');
  out();
  out('Added time: from the failed request settling to the typed error (the probes, sent at once).');
  out();
  out('| failure | code | extra requests | added ms (median, range) | whole call ms (median, range) |');
  out('|---|---|---:|---:|---:|');
  for (const [name, rules, opts] of FAILURES) {
    const bucket = await bucketWith(rules);
    const added = [];
    const whole = [];
    let code = '';
    let extra = 0;
    for (let i = 0; i < 5; i++) {
      const r = await page.evaluate(async ({ bucket, opts }) => {
        const { putObject, content, api, describeError } = window.lib;
        const { url } = await api('/api/sign', { op: 'put', bucket, key: `d${Math.random()}.png`, contentType: opts.contentType, endpoint: opts.endpoint });
        const t0 = performance.now();
        try {
          await putObject(url, new File([content(2048, 1)], 'x.png', { type: 'image/png' }), { console: false });
          return { ok: true };
        } catch (e) {
          return { ...describeError(e), ms: performance.now() - t0 };
        }
      }, { bucket, opts });
      code = r.code;
      extra = r.probes?.count ?? 0;
      added.push(r.probes?.ms ?? 0);
      whole.push(r.ms);
    }
    out(`| ${name} | \`${code}\` | ${extra} | ${stat(added)} | ${stat(whole)} |`);
  }
  out();
}

// ---------------------------------------------------------------------------------------
// Throughput and memory

const cfgFor = (endpoint, concurrency, bucket) => (who) => ({ bucket, partSize: PART, concurrency, endpoint });

function throughputTable(results, contenders, mib, labels) {
  out(`| contender | MB/s (median, range) | ratio to raw fetch, same run (median, range) | ms per upload (median) | page main thread busy, ms (median, range) |`);
  out('|---|---:|---:|---:|---:|');
  const raw = results['raw-fetch'][mib];
  for (const who of contenders) {
    const rs = results[who][mib];
    const mbps = rs.map((r) => r.mbps);
    const ratio = rs.map((r, i) => r.mbps / raw[i].mbps);
    out(`| ${labels[who]} | ${stat(mbps)} | ${who === 'raw-fetch' ? '1 (the ceiling)' : stat(ratio, 3)} | ${median(rs.map((r) => r.ms)).toFixed(0)} | ${stat(rs.map((r) => r.taskMs), 0)} |`);
  }
  out();
}

function memoryTable(results, contenders, mib, labels) {
  out(`## Memory during a ${mib} MiB upload`);
  out();
  out('Chromium\'s own figures through CDP `Runtime.getHeapUsage`: the V8 heap in use (`usedSize`) plus');
  out('ArrayBuffer backing stores (`backingStorageSize`; what `performance.memory.usedJSHeapSize`');
  out('reports with `--enable-precise-memory-info`), sampled every 100 ms. "Before" and "after" follow a');
  out('forced GC. The file itself is on disk, outside the page\'s heap.');
  out('Wasm linear memory can only grow, so its value after the upload is also its peak during it.');
  out(`Median (range) over ${RUNS} runs, MB (10^6 bytes).`);
  out();
  out('| contender | JS heap + buffers before | peak during | after (GC) | peak − before | Wasm memory before → after |');
  out('|---|---:|---:|---:|---:|---|');
  for (const who of contenders) {
    const rs = results[who][mib].map((r) => r.mem);
    const tot = (h) => mb(h.v8 + h.buffers);
    const wasm = rs[0].wasmBefore == null ? '—' : `${stat(rs.map((m) => mb(m.wasmBefore)), 2)} → ${stat(rs.map((m) => mb(m.wasmAfter)), 2)} (growth ${stat(rs.map((m) => m.wasmAfter - m.wasmBefore), 0)} B)`;
    out(`| ${labels[who]} | ${stat(rs.map((m) => tot(m.before)))} | ${stat(rs.map((m) => m.peak.total / 1e6))} | ${stat(rs.map((m) => tot(m.after)))} | ${stat(rs.map((m) => m.peak.total / 1e6 - tot(m.before)))} | ${wasm} |`);
  }
  out();
}

async function throughput(browser, bundles) {
  const sink = await startSinkProcess(SINK_PORT);
  const server = await startBenchServer(BENCH_ORIGIN, { endpoint: sink.endpoint, bundles });
  const labels = Object.fromEntries(CONTENDERS.map((c) => [c.name, c.label]));
  labels.uppy6 += ', concurrency 1: parts of one file go one after another';
  // raw fetch last in the list: the rotation still puts every contender in every position.
  const contenders = ['upload-doctor', 'uppy', 'uppy6', 'lib-storage', 'raw-fetch'];
  const all = {};
  try {
    for (const c of CONCURRENCY) {
      const bp = await openBenchPage(browser, BENCH_ORIGIN);
      for (const who of contenders) await bp.page.evaluate((w) => window.loadContender(w), who);
      // Warm-up, not counted: code loaded and compiled, connections and JIT warm.
      await loadFile(bp, 16);
      log(`throughput: warm-up (concurrency ${c}), load ${load()}`);
      await runRounds(bp, contenders, { sizes: [16], runs: 1, cfgFor: cfgFor(sink.endpoint, c, 'warmup'), verify: sinkVerifier(sink.endpoint) });
      log(`throughput: measuring (concurrency ${c}), load ${load()}`);
      all[c] = await runRounds(bp, contenders, {
        sizes: SIZES_MIB, runs: RUNS, cfgFor: cfgFor(sink.endpoint, c, 'bench'), memoryAt: MEMORY_MIB,
        verify: sinkVerifier(sink.endpoint), log,
      });
      await bp.ctx.close();
    }
    const bp = await openBenchPage(browser, BENCH_ORIGIN);
    const c = CONCURRENCY.includes(4) ? 4 : CONCURRENCY[0];
    for (let i = 0; i < RUNS; i++) {
      (all.bodyKinds ??= []).push(await bp.page.evaluate(({ ep, p, c }) => window.bodyKinds(ep, p, c), { ep: sink.endpoint, p: PART, c }));
    }
    await bp.ctx.close();
  } finally {
    server.close();
    sink.stop();
  }
  out(`## Multipart throughput (bench sink, ${PART / 1048576} MiB parts)`);
  out();
  out('Server: `bench/sink.mjs`, a minimal S3-compatible part sink (Node, its own process, 127.0.0.1) that');
  out('answers CreateMultipartUpload / UploadPart / CompleteMultipartUpload / AbortMultipartUpload /');
  out('PutObject with CORS, counts each part\'s bytes and drops them; completion checks every part arrived');
  out('whole and the bench checks the stored size. It does **not** verify signatures: that is what lets');
  out('lib-storage, which signs in the page with credentials, and the presigned contenders, which get');
  out('each part URL from the app backend (`bench/server.mjs`, the AWS SDK presigner), upload to the same');
  out('server. LocalStack, the AWS-faithful test server, verifies signatures and stores the bytes in Python:');
  out('its raw-fetch ceiling is in a section below, for comparison.');
  out();
  out('Same file for all: deterministic bytes written to disk once and handed to the page through');
  out('`<input type=file>` (Playwright `setInputFiles`), a disk-backed `File` as from a file picker. (Made in');
  out('the page from bytes, a File lives in the blob store, which in this headless Chromium refuses blobs');
  out('of about 480 MiB and more: `ERR_BLOB_REFERENCED_BLOB_BROKEN`.) Same part size and concurrency for all;');
  out('but Uppy 6 has no per-file part concurrency, so it runs at 1. Each run uploads with every contender in');
  out('turn, the order rotated run by run; a timed upload is from the call to its promise settling');
  out('(create, every part, complete). One warm-up upload each first, not counted. The ratio is taken');
  out(`within each run (the raw-fetch upload next to it), then the median (range) over ${RUNS} runs.`);
  out('"Page main thread busy" is Chromium\'s `TaskDuration` (CDP `Performance.getMetrics`) over the upload:');
  out('what the uploader costs the page\'s main thread (the rest of the time it is idle, waiting on the network).');
  out();
  for (const c of CONCURRENCY) {
    for (const mib of SIZES_MIB) {
      out(`### ${mib} MiB, concurrency ${c}`);
      out();
      throughputTable(all[c], contenders, mib, labels);
    }
  }
  const c = CONCURRENCY.includes(4) ? 4 : CONCURRENCY[0];
  out('### Request bodies: Blob or bytes');
  out();
  out('lib-storage reads the file into `Uint8Array` parts (a stream of the Blob, concatenated) and hands');
  out('those bytes to `fetch`; upload-doctor, Uppy and raw fetch hand `fetch`/XHR a `Blob.slice`. In the');
  out(`same page, ${c} parallel PUTs of ${PART / 1048576} MiB to the same server, ${RUNS} runs:`);
  out();
  out('| body | ms (median, range) | MB/s (median) |');
  out('|---|---:|---:|');
  for (const kind of ['blob', 'bytes']) {
    const ms = all.bodyKinds.map((k) => k[kind]);
    out(`| ${kind === 'blob' ? '`Blob`' : '`Uint8Array`'} | ${stat(ms, 0)} | ${((c * PART) / 1e6 / (median(ms) / 1000)).toFixed(1)} |`);
  }
  out();
  const failures = CONCURRENCY.flatMap((k) => all[k].failures ?? []);
  if (failures.length) {
    out(`Failed uploads, each sent once more: ${failures.join('; ')}.`);
    out();
  }
  memoryTable(all[c], contenders, MEMORY_MIB, labels);
  return { results: all, contenders, labels };
}

/** Per-part timeline of one traced upload (see window.tracedUpload in bench/page/bench.js). */
function analyse(t) {
  const done = (e) => e.t1 != null;
  const puts = t.trace.filter((e) => e.kind === 'PUT' && done(e)).sort((a, b) => a.t0 - b.t0);
  const signs = t.trace.filter((e) => e.kind === 'sign' && done(e)).sort((a, b) => a.t0 - b.t0);
  const signEnds = signs.map((e) => e.t1).sort((a, b) => a - b);
  const used = new Set();
  const turnaround = [];
  for (const p of [...puts].sort((a, b) => a.t1 - b.t1)) {
    const next = signs.find((x) => !used.has(x) && x.t0 >= p.t1 - 0.01);
    if (next) { used.add(next); turnaround.push(next.t0 - p.t1); }
  }
  return {
    toFirstPut: puts[0].t0 - t.t00,
    sign: signs.map((e) => e.t1 - e.t0),
    signToPut: puts.map((p, i) => p.t0 - signEnds[i]).filter((x) => x >= 0),
    turnaround,
    tail: t.end - Math.max(...puts.map((p) => p.t1)),
    inFlight: puts.reduce((a, p) => a + (p.t1 - p.t0), 0) / (t.end - t.t00),
  };
}

async function timeline(browser, bundles) {
  const sink = await startSinkProcess(SINK_PORT);
  const server = await startBenchServer(BENCH_ORIGIN, { endpoint: sink.endpoint, bundles });
  const contenders = ['upload-doctor', 'uppy', 'raw-fetch'];
  const mib = Math.min(...SIZES_MIB);
  const c = CONCURRENCY.includes(4) ? 4 : CONCURRENCY[0];
  const per = Object.fromEntries(contenders.map((w) => [w, []]));
  try {
    const bp = await openBenchPage(browser, BENCH_ORIGIN);
    await bp.page.evaluate(() => window.startTrace());
    for (const who of contenders) await bp.page.evaluate((w) => window.loadContender(w), who);
    await loadFile(bp, mib);
    log(`timeline: measuring, load ${load()}`);
    for (let run = 0; run <= RUNS; run++) {
      const order = run % 2 ? [...contenders].reverse() : contenders;
      for (const who of order) {
        const cfg = { bucket: 'timeline', partSize: PART, concurrency: c, endpoint: sink.endpoint, key: `t-${who}-${run}.bin` };
        const t = await bp.page.evaluate(({ who, mib, cfg }) => window.tracedUpload(who, mib, cfg), { who, mib, cfg });
        if (!t.ok) throw new Error(`timeline ${who}: ${t.error}`);
        if (run > 0) per[who].push(analyse(t)); // run 0 is the warm-up
      }
    }
    await bp.ctx.close();
  } finally {
    server.close();
    sink.stop();
  }
  out(`## Where the time goes per part (${mib} MiB, concurrency ${c}, bench sink)`);
  out();
  out('Every fetch and XHR of the page timed from JS (the same wrapper for all), over the same uploads');
  out(`as above but traced (${RUNS} runs after a warm-up, order alternated). Each worker of every contender`);
  out('loops "sign the part at the backend, then PUT it", so the signing round trip and the turnaround');
  out('after a PUT are time in which that worker uploads nothing. "PUTs in flight" is the sum of PUT');
  out(`durations over the upload's duration: ${c} would be a full pipe. Median (range) of per-upload values;`);
  out('per-part columns are medians over all parts of all runs.');
  out();
  out('| contender | call → first PUT, ms | signing round trip, ms | sign answered → PUT sent, ms | PUT done → next sign sent, ms | last PUT done → resolved, ms | PUTs in flight |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const who of contenders) {
    const rs = per[who];
    const flat = (k) => rs.flatMap((r) => r[k]);
    const med2 = (xs) => (xs.length ? median(xs).toFixed(2) : '—');
    out(`| ${who} | ${stat(rs.map((r) => r.toFirstPut))} | ${median(flat('sign')).toFixed(1)} | ${med2(flat('signToPut'))} | ${med2(flat('turnaround'))} | ${stat(rs.map((r) => r.tail))} | ${stat(rs.map((r) => r.inFlight), 2)} |`);
  }
  out();
  return per;
}

async function localstackCeiling(browser, bundles) {
  const bucket = await bucketWith([{ ...GOOD, AllowedOrigins: [LS_BENCH_ORIGIN] }]);
  const server = await startBenchServer(LS_BENCH_ORIGIN, { endpoint: LOCALSTACK, bundles });
  const contenders = ['upload-doctor', 'raw-fetch'];
  const mib = Math.min(...SIZES_MIB);
  const c = CONCURRENCY.includes(4) ? 4 : CONCURRENCY[0];
  let results;
  try {
    const bp = await openBenchPage(browser, LS_BENCH_ORIGIN);
    for (const who of contenders) await bp.page.evaluate((w) => window.loadContender(w), who);
    log(`localstack: measuring, load ${load()}`);
    await loadFile(bp, 16);
    await runRounds(bp, contenders, { sizes: [16], runs: 1, cfgFor: cfgFor(LOCALSTACK, c, bucket) });
    results = await runRounds(bp, contenders, { sizes: [mib], runs: RUNS, cfgFor: cfgFor(LOCALSTACK, c, bucket), log });
    await bp.ctx.close();
  } finally {
    server.close();
  }
  out(`## For comparison: the same against LocalStack 4.6.0 (${mib} MiB, concurrency ${c})`);
  out();
  out('Same page code and backend, pointed at LocalStack (signatures verified, bytes stored; completion');
  out('assembles the object).');
  out();
  throughputTable(results, contenders, mib, { 'upload-doctor': 'upload-doctor', 'raw-fetch': 'raw parallel fetch' });
  const sinkRaw = summary.throughput?.results?.[c]?.['raw-fetch']?.[mib];
  if (sinkRaw) {
    const ls = median(results['raw-fetch'][mib].map((r) => r.mbps));
    const sk = median(sinkRaw.map((r) => r.mbps));
    out(`Raw-fetch ceiling at ${mib} MiB: LocalStack ${ls.toFixed(1)} MB/s, the bench sink ${sk.toFixed(1)} MB/s (${(100 * (1 - ls / sk)).toFixed(0)} % lower on LocalStack, same page and machine; the two were measured minutes apart, so load changes count too).`);
    out();
  }
  return results;
}

// ---------------------------------------------------------------------------------------

const versionOf = (p) => JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'))).version;
const loadStart = load();
ensurePackage();
if (ONLY.has('startup') || ONLY.has('diagnosis') || ONLY.has('localstack')) await ensureLocalStack();
const bundles = join(ROOT, 'bench', '.out', 'bundles');
const built = await bundleAll(bundles);
const browser = await launch();
const chromium = browser.version();

out('# Benchmarks');
out();
out('Written by `bash scripts/bench` (bench/run.mjs). Figures, not pass/fail; not run in CI.');
out();
out(`- Date: ${new Date().toISOString()}`);
out(`- Machine: ${cpus()[0]?.model?.trim() || 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Linux ${execSync('uname -r').toString().trim()}`);
out(`- Load averages (1, 5, 15 min) at the start: ${loadStart} — other jobs share this machine, so figures taken at a high load are noisy`);
out(`- Chromium ${chromium} (headless, playwright-core ${versionOf('playwright-core')}), Node ${process.version}, esbuild ${versionOf('esbuild')}`);
out(`- upload-doctor ${JSON.parse(readFileSync(join(ROOT, 'pkg', 'package.json'))).version} (pkg/, as built by scripts/build); ${built.filter((b) => b.versions.length && b.name !== 'upload-doctor').map((b) => b.versions.join(' + ')).join('; ')}`);
out(`- Command: \`bash scripts/bench ${process.argv.slice(2).join(' ')}\``.replace(/ `$/, '`'));
out();

const summary = {};
if (ONLY.has('size')) summary.size = sizes(built);
if (ONLY.has('startup') || ONLY.has('diagnosis')) {
  const server = await startBackend(ORIGIN);
  try {
    if (ONLY.has('startup')) summary.startup = await startup(browser);
    if (ONLY.has('diagnosis')) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${ORIGIN}/harness/index.html`);
      await page.waitForFunction(() => window.harnessReady === true);
      await diagnosisCost(page);
    }
  } finally {
    server.close();
  }
}
if (ONLY.has('throughput')) summary.throughput = await throughput(browser, bundles);
if (ONLY.has('timeline')) summary.timeline = await timeline(browser, bundles);
if (ONLY.has('localstack')) summary.localstack = await localstackCeiling(browser, bundles);
await browser.close();

// ---------------------------------------------------------------------------------------
// Targets

out('## Targets (from issue 7)');
out();
if (summary.size) {
  const { ours, uppy } = summary.size;
  const half = uppy.brotli / 2;
  const uppy6 = summary.size.all.find((b) => b.name === 'uppy6').total;
  out(`- **Size: less than half of Uppy's** (brotli): ours ${ours.brotli} B, half of Uppy 5's is ${half.toFixed(0)} B → ${ours.brotli < half ? 'met' : `**missed**: ${(ours.brotli / uppy.brotli).toFixed(2)}× Uppy 5, ${ours.brotli - Math.round(half)} B over the target`} (gzip: ${(ours.gzip / uppy.gzip).toFixed(2)}×, raw: ${(ours.raw / uppy.raw).toFixed(2)}×; against Uppy 6, brotli: ${(ours.brotli / uppy6.brotli).toFixed(2)}×).`);
}
if (summary.throughput) {
  const { results } = summary.throughput;
  const c = CONCURRENCY.includes(4) ? 4 : CONCURRENCY[0];
  for (const mib of SIZES_MIB) {
    const r = results[c];
    const med = (who) => median(r[who][mib].map((x) => x.mbps));
    const ours = med('upload-doctor');
    const ratioOf = (who) => median(r[who][mib].map((x, i) => x.mbps / r['raw-fetch'][mib][i].mbps));
    const best = ['uppy', 'uppy6', 'lib-storage'].map((w) => [w, ratioOf(w), med(w)]).sort((a, b) => b[1] - a[1])[0];
    const ratios = r['upload-doctor'][mib].map((x, i) => x.mbps / r['raw-fetch'][mib][i].mbps);
    const ratio = median(ratios);
    out(`- **Throughput, ${mib} MiB** (concurrency ${c}), at least the best contender: judged on the same-run ratio to raw fetch (load drifts between runs): ours ${ratio.toFixed(3)}, best ${best[0]} ${best[1].toFixed(3)} → ${ratio >= best[1] ? 'met' : `**missed** by ${(100 * (1 - ratio / best[1])).toFixed(1)} %`} (absolute medians: ours ${ours.toFixed(1)} MB/s, ${best[0]} ${best[2].toFixed(1)} MB/s).`);
    out(`- **Throughput, ${mib} MiB, within 5 % of raw fetch**: ratio ${ratio.toFixed(3)} (runs ${range(ratios, 3)}) → ${ratio >= 0.95 ? 'met' : `**missed** by ${(100 * (0.95 - ratio)).toFixed(1)} points`}.`);
  }
  const m = results[c]['upload-doctor'][MEMORY_MIB].map((x) => x.mem);
  const growth = m.map((x) => x.wasmAfter - x.wasmBefore);
  out(`- **Wasm memory does not grow with the file** (${MEMORY_MIB} MiB): growth ${median(growth)} B median (max ${Math.max(...growth)}) → ${Math.max(...growth) === 0 ? 'met' : '**missed**'}.`);
}
out();
out(`Load averages at the end: ${load()}.`);

writeFileSync(join(ROOT, OUT), lines.join('\n') + '\n');
console.error(`wrote ${OUT}`);
process.exit(0);
