// Benchmarks (figures, not pass/fail): shipped size, start-up, multipart throughput at
// several concurrencies against raw parallel fetch of the same presigned parts, Wasm
// memory, and the cost of a diagnosis per failure kind. Writes BENCHMARKS.md.
//
//   bash scripts/bench [--sizes 64,200] [--runs 3] [--concurrency 1,4,8]
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketCorsCommand, DeleteBucketCorsCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, ensurePackage, launchBrowser, ROOT } from '../tests/support/servers.mjs';
import { startBackend, s3Client } from '../www/backend.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES_MIB = arg('sizes', '64,200').split(',').map(Number);
const RUNS = Number(arg('runs', '3'));
const CONCURRENCY = arg('concurrency', '1,4,8').split(',').map(Number);
const PART = 8 * 1048576;
const ORIGIN = 'http://localhost:5183';
const admin = s3Client();

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const spread = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const lines = [];
const out = (s = '') => { console.log(s); lines.push(s); };

async function bucketWith(rules) {
  const bucket = `ud-bench-${randomBytes(4).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  if (rules) await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  else await admin.send(new DeleteBucketCorsCommand({ Bucket: bucket })).catch(() => {});
  return bucket;
}
const GOOD = { AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT', 'POST', 'GET', 'DELETE', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 };

function sizes() {
  out('## Shipped size (bytes)');
  out();
  out('| file | raw | gzip | brotli |');
  out('|---|---:|---:|---:|');
  let total = [0, 0, 0];
  for (const f of ['bundler/upload_doctor_bg.wasm', 'bundler/upload_doctor_bg.js', 'bundler/upload_doctor.js']) {
    const data = readFileSync(join(ROOT, 'pkg', f));
    const row = [data.length, gzipSync(data, { level: 9 }).length, brotliCompressSync(data).length];
    total = total.map((t, i) => t + row[i]);
    out(`| ${f} | ${row.join(' | ')} |`);
  }
  const snippet = execSync('ls pkg/bundler/snippets/*/js/upload-error.js', { cwd: ROOT }).toString().trim();
  const data = readFileSync(join(ROOT, snippet));
  const row = [data.length, gzipSync(data, { level: 9 }).length, brotliCompressSync(data).length];
  total = total.map((t, i) => t + row[i]);
  out(`| snippets/…/upload-error.js | ${row.join(' | ')} |`);
  out(`| **total (bundler entry)** | ${total.join(' | ')} |`);
  out();
}

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
      await mod.default(`/pkg/web/upload_doctor_bg.wasm?fresh=${Math.random()}`);
      return performance.now() - t0;
    }));
    await ctx.close();
  }
  out('## Start-up (fetch + compile + instantiate, uncached, loopback)');
  out();
  out(`median ${median(times).toFixed(1)} ms (range ${spread(times)} ms over ${times.length} runs)`);
  out();
}

async function throughput(page) {
  out(`## Multipart throughput (LocalStack 4.6.0 on loopback, ${PART / 1048576} MiB parts, backend completes)`);
  out();
  out('Raw fetch: the same presigned parts PUT by plain `fetch` with the same concurrency: the ceiling this server allows.');
  out();
  out('| file | concurrency | upload-doctor MB/s (median, range) | raw fetch MB/s (median, range) | ratio | Wasm memory before → after |');
  out('|---|---:|---:|---:|---:|---|');
  for (const mib of SIZES_MIB) {
    for (const c of CONCURRENCY) {
      const ours = [];
      const raw = [];
      let mem = '';
      for (let run = 0; run < RUNS; run++) {
        // Alternate who goes first so that neither always meets a warmer server.
        const order = run % 2 ? ['raw', 'ours'] : ['ours', 'raw'];
        for (const who of order) {
          const bucket = await bucketWith([GOOD]);
          const r = await page.evaluate(async ({ who, bucket, mib, c, PART }) => {
            const { multipartUpload, content, api } = window.lib;
            window.benchFile ??= {};
            window.benchFile[mib] ??= new File([content(mib * 1048576, 9)], 'bench.bin');
            const file = window.benchFile[mib];
            const key = `bench-${who}.bin`;
            const before = window.wasmMemoryBytes();
            const t0 = performance.now();
            if (who === 'ours') {
              await multipartUpload(file, {
                partSize: PART, concurrency: c, console: false,
                createMultipartUpload: () => api('/api/create', { bucket, key }),
                signPart: async (a) => (await api('/api/sign', { op: 'part', bucket, ...a })).url,
                completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }),
                abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }),
              });
            } else {
              const { uploadId } = await api('/api/create', { bucket, key });
              const count = Math.ceil(file.size / PART);
              const parts = [];
              let next = 1;
              const worker = async () => {
                while (next <= count) {
                  const n = next++;
                  const { url } = await api('/api/sign', { op: 'part', bucket, key, uploadId, partNumber: n });
                  const resp = await fetch(url, { method: 'PUT', body: file.slice((n - 1) * PART, n * PART) });
                  parts[n - 1] = { PartNumber: n, ETag: resp.headers.get('etag') };
                }
              };
              await Promise.all(Array.from({ length: c }, worker));
              await api('/api/complete', { bucket, key, uploadId, parts });
            }
            const ms = performance.now() - t0;
            return { ms, before, after: window.wasmMemoryBytes() };
          }, { who, bucket, mib, c, PART });
          const mbps = (mib * 1048576) / 1e6 / (r.ms / 1000);
          (who === 'ours' ? ours : raw).push(mbps);
          if (who === 'ours') mem = `${r.before} → ${r.after}`;
        }
      }
      out(`| ${mib} MiB | ${c} | ${median(ours).toFixed(1)} (${spread(ours)}) | ${median(raw).toFixed(1)} (${spread(raw)}) | ${(median(ours) / median(raw)).toFixed(3)} | ${mem} |`);
    }
  }
  out();
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
  out('## Diagnosis cost per failure kind (PUT of 2 KiB, 5 runs each)');
  out();
  out('Added time: from the failed request settling to the typed error (the probes, sent at once).');
  out();
  out('| failure | code | extra requests | added ms (median, range) | whole call ms (median) |');
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
    out(`| ${name} | \`${code}\` | ${extra} | ${median(added).toFixed(1)} (${spread(added)}) | ${median(whole).toFixed(1)} |`);
  }
  out();
}

ensurePackage();
await ensureLocalStack();
const server = await startBackend(ORIGIN);
const browser = await launchBrowser();
const chromium = browser.version();
const page = await (await browser.newContext()).newPage();
await page.goto(`${ORIGIN}/harness/index.html`);
await page.waitForFunction(() => window.harnessReady === true);

out('# Benchmarks');
out();
out(`Date: ${new Date().toISOString()}. Machine: ${execSync('nproc').toString().trim()} cores, ${(Number(execSync("awk '/MemTotal/ {print $2}' /proc/meminfo")) / 1048576).toFixed(0)} GiB. Chromium ${chromium}, Node ${process.version}, upload-doctor ${JSON.parse(readFileSync(join(ROOT, 'pkg.json'))).version}.`);
out(`Command: \`bash scripts/bench ${process.argv.slice(2).join(' ')}\``.replace(/ `$/, '`'));
out();
sizes();
await startup(browser);
await diagnosisCost(page);
await throughput(page);
await browser.close();
server.close();
writeFileSync(join(ROOT, 'BENCHMARKS.md'), lines.join('\n') + '\n');
console.log('wrote BENCHMARKS.md');
process.exit(0);
