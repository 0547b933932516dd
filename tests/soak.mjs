// Soak run under injected faults: many uploads of mixed kinds and sizes, several at once in
// one page, through tests/support/fault-proxy.mjs to LocalStack. Each upload must either
// succeed with stored bytes equal to the file (SHA-256) or fail with a typed UploadError in
// bounded time; nothing may be left in progress. Prints a table and `N passed, N failed`.
//
//   node tests/soak.mjs [--uploads 200] [--seed 7] [--parallel 4] [--rate 0.15] [--max-mib 100]
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutBucketCorsCommand, GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, ensurePackage, launchBrowser } from './support/servers.mjs';
import { startFaultProxy, prng } from './support/fault-proxy.mjs';
import { startBackend, s3Client } from '../www/backend.mjs';
import { content } from './support/content.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const UPLOADS = arg('uploads', 200);
const SEED = arg('seed', 7);
const PARALLEL = arg('parallel', 4);
const RATE = arg('rate', 0.15);
const MAX_MIB = arg('max-mib', 100);
const HANG_MS = arg('hang-s', 180) * 1000;
const ORIGIN = `http://localhost:${arg('port', 5186)}`;
const MIB = 1048576;

const admin = s3Client();
const random = prng(SEED);
const logUniform = (lo, hi) => Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))));
const TYPES = ['image/png', 'video/mp4', 'application/octet-stream', ''];

const plan = Array.from({ length: UPLOADS }, (_, i) => {
  const r = random();
  const kind = r < 0.5 ? 'put' : r < 0.75 ? 'multipart-backend' : 'multipart-browser';
  const size = kind === 'put' ? logUniform(1024, 8 * MIB) : logUniform(5 * MIB + 1, MAX_MIB * MIB);
  return { i, kind, size, type: TYPES[Math.floor(random() * TYPES.length)], seed: 1000 + i, key: `soak/${i}.bin` };
});

ensurePackage();
await ensureLocalStack();
const bucket = `ud-soak-${randomBytes(4).toString('hex')}`;
await admin.send(new CreateBucketCommand({ Bucket: bucket }));
await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{
  AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT', 'POST', 'GET', 'DELETE'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000,
}] } }));
const proxy = await startFaultProxy({ seed: SEED, rate: RATE, stallMs: 6000 });
const server = await startBackend(ORIGIN);
const browser = await launchBrowser();
const page = await (await browser.newContext()).newPage();
await page.goto(`${ORIGIN}/harness/index.html`);
await page.waitForFunction(() => window.harnessReady === true);

const started = Date.now();
const results = await page.evaluate(async ({ plan, bucket, endpoint, PARALLEL, HANG_MS }) => {
  const { putObject, multipartUpload, isUploadError, content, api } = window.lib;
  const sign = async (body) => (await api('/api/sign', { bucket, endpoint, ...body })).url;
  async function one(u) {
    const file = new File([content(u.size, u.seed)], 'f', { type: u.type });
    if (u.kind === 'put') {
      const r = await putObject(await sign({ op: 'put', key: u.key }), file, { console: false });
      return r.etag;
    }
    const browserSide = u.kind === 'multipart-browser';
    const r = await multipartUpload(file, {
      partSize: 5 * 1048576, concurrency: 3, retries: 4, timeout: 5000, console: false,
      createMultipartUpload: () => api('/api/create', { bucket, key: u.key }),
      signPart: (a) => sign({ op: 'part', ...a }),
      ...(browserSide
        ? { signComplete: (a) => sign({ op: 'complete', ...a }), signAbort: (a) => sign({ op: 'abort', ...a }) }
        : { completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }), abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }) }),
    });
    return r.etag;
  }
  const out = [];
  let next = 0;
  async function worker() {
    while (next < plan.length) {
      const u = plan[next++];
      const t0 = performance.now();
      let timer;
      const hang = new Promise((resolve) => { timer = setTimeout(() => resolve('hang'), HANG_MS); });
      try {
        const r = await Promise.race([one(u), hang]);
        out.push(r === 'hang' ? { i: u.i, hang: true } : { i: u.i, ok: true, ms: performance.now() - t0 });
      } catch (e) {
        out.push({ i: u.i, ok: false, typed: isUploadError(e), code: e?.code ?? String(e?.message ?? e), aborted: e?.aborted ?? null, ms: performance.now() - t0 });
      } finally {
        clearTimeout(timer);
      }
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}, { plan, bucket, endpoint: proxy.url, PARALLEL, HANG_MS });
const elapsed = (Date.now() - started) / 1000;

let corruptions = 0;
for (const r of results.filter((x) => x.ok)) {
  const u = plan[r.i];
  const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: u.key }));
  const bytes = Buffer.from(await got.Body.transformToByteArray());
  const want = createHash('sha256').update(content(u.size, u.seed)).digest('hex');
  if (createHash('sha256').update(bytes).digest('hex') !== want) {
    corruptions++;
    console.log(`corrupt: upload ${r.i} (${u.kind}, ${u.size} bytes)`);
  }
}
const leftovers = ((await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads || []).length;
const hangs = results.filter((r) => r.hang).length;
const untyped = results.filter((r) => r.ok === false && !r.typed);
const codes = {};
for (const r of results.filter((x) => x.ok === false)) codes[r.code] = (codes[r.code] || 0) + 1;
const bytes = plan.reduce((n, u) => n + u.size, 0);

console.log(`soak: seed ${SEED}, ${UPLOADS} uploads (${plan.filter((u) => u.kind === 'put').length} put, ${plan.filter((u) => u.kind !== 'put').length} multipart), ${(bytes / MIB).toFixed(0)} MiB, ${PARALLEL} at once, fault rate ${RATE} per upload request, ${elapsed.toFixed(0)} s`);
console.log(`| uploads | faults injected | part retries seen | successes | typed failures | untyped | corruptions | leftovers | hangs |`);
console.log(`|---:|---|---:|---:|---:|---:|---:|---:|---:|`);
console.log(`| ${results.length} | ${Object.entries(proxy.stats).map(([k, v]) => `${k} ${v}`).join(', ')} | ${proxy.retries()} | ${results.filter((r) => r.ok).length} | ${results.filter((r) => r.ok === false && r.typed).length} | ${untyped.length} | ${corruptions} | ${leftovers} | ${hangs} |`);
console.log(`failure codes: ${JSON.stringify(codes)}`);
for (const u of untyped.slice(0, 5)) console.log(`untyped failure: upload ${u.i}: ${u.code}`);

const checks = [
  ['every upload settled', results.length === UPLOADS],
  ['no corruption', corruptions === 0],
  ['no multipart upload left in progress', leftovers === 0],
  ['no hang', hangs === 0],
  ['every failure is a typed UploadError', untyped.length === 0],
  ['faults were injected', Object.values(proxy.stats).reduce((a, b) => a + b, 0) > 0],
];
let failed = 0;
for (const [name, ok] of checks) { console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}`); if (!ok) failed++; }
await browser.close();
server.close();
await proxy.stop();
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
