// Multipart throughput of upload-doctor against LocalStack by concurrency, in headless
// Chromium: a 200 MiB file (generated in the page), 8 MiB parts, backend completion,
// runs alternating over concurrency 1, 4 and 8; Wasm memory before and after each.
//
//   node bench/multipart-concurrency.mjs [--mib 200] [--runs 3] [--concurrency 1,4,8]
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, ensurePackage, launchBrowser } from '../tests/support/servers.mjs';
import { startBackend, s3Client } from '../www/backend.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const MIB = Number(arg('mib', '200'));
const RUNS = Number(arg('runs', '3'));
const LEVELS = arg('concurrency', '1,4,8').split(',').map(Number);
const ORIGIN = 'http://localhost:5184';
const admin = s3Client();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

ensurePackage();
await ensureLocalStack();
const bucket = `ud-bench-mp-${randomBytes(4).toString('hex')}`;
await admin.send(new CreateBucketCommand({ Bucket: bucket }));
await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{
  AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT', 'POST', 'GET', 'DELETE'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'],
}] } }));
const server = await startBackend(ORIGIN);
const browser = await launchBrowser();
const page = await (await browser.newContext()).newPage();
await page.goto(`${ORIGIN}/harness/index.html`);
await page.waitForFunction(() => window.harnessReady === true);

const results = Object.fromEntries(LEVELS.map((c) => [c, []]));
let memory = '';
for (let run = 0; run < RUNS; run++) {
  for (const c of run % 2 ? [...LEVELS].reverse() : LEVELS) {
    const r = await page.evaluate(async ({ bucket, mib, c, run }) => {
      const { multipartUpload, content, api } = window.lib;
      window.mpFile ??= new File([content(mib * 1048576, 3)], 'big.bin');
      const before = window.wasmMemoryBytes();
      const t0 = performance.now();
      await multipartUpload(window.mpFile, {
        partSize: 8 * 1048576, concurrency: c, console: false,
        createMultipartUpload: () => api('/api/create', { bucket, key: `c${c}-${run}.bin` }),
        signPart: async (a) => (await api('/api/sign', { op: 'part', bucket, ...a })).url,
        completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }),
        abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }),
      });
      return { ms: performance.now() - t0, before, after: window.wasmMemoryBytes() };
    }, { bucket, mib: MIB, c, run });
    const mbps = (MIB * 1048576) / 1e6 / (r.ms / 1000);
    results[c].push(mbps);
    memory = `${r.before} -> ${r.after} bytes`;
    console.log(`run ${run + 1}, concurrency ${c}: ${mbps.toFixed(1)} MB/s, Wasm memory ${r.before} -> ${r.after}`);
  }
}
console.log(`\n${MIB} MiB to LocalStack, 8 MiB parts, ${RUNS} runs each (median, range):`);
for (const c of LEVELS) {
  const xs = results[c];
  console.log(`  concurrency ${c}: ${median(xs).toFixed(1)} MB/s (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`);
}
console.log(`  Wasm memory, last run: ${memory}`);
await browser.close();
server.close();
process.exit(0);
