// Multipart flows that the scenario format cannot express, in headless Chromium against
// LocalStack: abort by AbortSignal, resume with listParts, progress, Wasm memory that
// does not grow with the file. Prints one line per check and `N passed, N failed`.
import { randomBytes, createHash } from 'node:crypto';
import { CreateBucketCommand, PutBucketCorsCommand, ListMultipartUploadsCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, ensurePackage, launchBrowser } from './support/servers.mjs';
import { startBackend, s3Client } from '../www/backend.mjs';
import { content } from './support/content.mjs';

const ORIGIN = 'http://localhost:5181';
const admin = s3Client();
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}${detail ? `  ${detail}` : ''}`);
}

async function freshBucket() {
  const bucket = `ud-flow-${randomBytes(4).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{
    AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT', 'POST', 'GET', 'DELETE'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000,
  }] } }));
  return bucket;
}
const inProgress = async (bucket) => ((await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads || []).length;
async function storedHash(bucket, key) {
  const r = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return createHash('sha256').update(Buffer.from(await r.Body.transformToByteArray())).digest('hex');
}
const hashOf = (size, seed) => createHash('sha256').update(content(size, seed)).digest('hex');

ensurePackage();
await ensureLocalStack();
const server = await startBackend(ORIGIN);
const browser = await launchBrowser();
const page = await (await browser.newContext()).newPage();
await page.goto(`${ORIGIN}/harness/index.html`);
await page.waitForFunction(() => window.harnessReady === true);

try {
  // 1. An AbortSignal stops the parts in flight and aborts the upload on the server.
  {
    const bucket = await freshBucket();
    const r = await page.evaluate(async ({ bucket }) => {
      const { multipartUpload, content, api, describeError } = window.lib;
      const file = new File([content(64 * 1048576, 3)], 'a.bin');
      const ctl = new AbortController();
      const key = 'abort.bin';
      try {
        await multipartUpload(file, {
          partSize: 5 * 1048576, concurrency: 2, signal: ctl.signal, console: false,
          onProgress: () => ctl.abort(),
          createMultipartUpload: () => api('/api/create', { bucket, key }),
          signPart: async (a) => (await api('/api/sign', { op: 'part', bucket, ...a })).url,
          completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }),
          abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }),
        });
        return { ok: true };
      } catch (e) { return describeError(e); }
    }, { bucket });
    check('abort by signal: code aborted', r.code === 'aborted', `got ${r.code}`);
    check('abort by signal: err.aborted is true', r.aborted === true);
    check('abort by signal: nothing left in progress', (await inProgress(bucket)) === 0);
  }

  // 2. Resume: parts already on the server (listParts) are not sent again.
  {
    const bucket = await freshBucket();
    const size = 12 * 1048576;
    const r = await page.evaluate(async ({ bucket, size }) => {
      const { multipartUpload, content, api, describeError } = window.lib;
      const bytes = content(size, 5);
      const key = 'resume.bin';
      const { uploadId } = await api('/api/create', { bucket, key });
      // An earlier page load sent part 1.
      const { url } = await api('/api/sign', { op: 'part', bucket, key, uploadId, partNumber: 1 });
      await fetch(url, { method: 'PUT', body: bytes.slice(0, 5 * 1048576) });
      const signed = [];
      try {
        const out = await multipartUpload(new File([bytes], 'r.bin'), {
          partSize: 5 * 1048576, console: false,
          createMultipartUpload: async () => ({ uploadId, key }),
          listParts: async (a) => (await api('/api/list-parts', { bucket, ...a })).parts,
          signPart: async (a) => { signed.push(a.partNumber); return (await api('/api/sign', { op: 'part', bucket, ...a })).url; },
          completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }),
          abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }),
        });
        return { ok: true, signed, parts: out.parts.length };
      } catch (e) { return { ok: false, signed, error: describeError(e) }; }
    }, { bucket, size });
    check('resume: completes', r.ok, r.ok ? '' : `${r.error?.code}: ${r.error?.message}`);
    check('resume: part 1 is not sent again', JSON.stringify(r.signed) === '[2,3]', `signed ${JSON.stringify(r.signed)}`);
    check('resume: stored bytes equal the file', r.ok && (await storedHash(bucket, 'resume.bin')) === hashOf(size, 5));
  }

  // 2b. A part URL that expires mid-upload is signed again and the upload goes on.
  {
    const bucket = await freshBucket();
    const size = 16 * 1048576;
    const r = await page.evaluate(async ({ bucket, size }) => {
      const { multipartUpload, content, api, describeError } = window.lib;
      const signs = [];
      try {
        const out = await multipartUpload(new File([content(size, 8)], 'e.bin'), {
          partSize: 5 * 1048576, concurrency: 2, console: false,
          createMultipartUpload: () => api('/api/create', { bucket, key: 'expiring.bin' }),
          signPart: async (a) => {
            signs.push(a.partNumber);
            // The first URL for part 2 is signed for 1 s and used after 2 s: expired.
            const first = a.partNumber === 2 && signs.filter((n) => n === 2).length === 1;
            const { url } = await api('/api/sign', { op: 'part', bucket, ...a, expiresIn: first ? 1 : 900 });
            if (first) await new Promise((res) => setTimeout(res, 2000));
            return url;
          },
          completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }),
          abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }),
        });
        return { ok: true, signs, parts: out.parts.length };
      } catch (e) { return { ok: false, signs, error: describeError(e) }; }
    }, { bucket, size });
    check('expired part URL: signed again, the upload completes', r.ok && r.signs.filter((n) => n === 2).length === 2,
      r.ok ? `signPart calls ${JSON.stringify(r.signs)}` : `${r.error?.code}: ${r.error?.message}`);
    check('expired part URL: stored bytes equal the file', r.ok && (await storedHash(bucket, 'expiring.bin')) === hashOf(size, 8));
  }

  // 3. Progress reaches the total; Wasm memory does not grow with a 100 MiB file.
  {
    const bucket = await freshBucket();
    const r = await page.evaluate(async ({ bucket }) => {
      const { multipartUpload, content, api } = window.lib;
      const before = window.wasmMemoryBytes();
      const size = 100 * 1048576;
      const events = [];
      await multipartUpload(new File([content(size, 7)], 'm.bin'), {
        partSize: 5 * 1048576, console: false,
        onProgress: (p) => events.push([p.loaded, p.total]),
        createMultipartUpload: () => api('/api/create', { bucket, key: 'm.bin' }),
        signPart: async (a) => (await api('/api/sign', { op: 'part', bucket, ...a })).url,
        completeMultipartUpload: (a) => api('/api/complete', { bucket, ...a }),
        abortMultipartUpload: (a) => api('/api/abort', { bucket, ...a }),
      });
      return { before, after: window.wasmMemoryBytes(), events, size };
    }, { bucket });
    const last = r.events.at(-1) || [];
    check('progress: one event per part, ending at the total', r.events.length === 20 && last[0] === r.size && last[1] === r.size,
      `${r.events.length} events, last ${JSON.stringify(last)}`);
    check('progress: monotonic', r.events.every((e, i) => i === 0 || e[0] >= r.events[i - 1][0]));
    check('wasm memory does not grow with the file', r.after - r.before < 1048576,
      `${r.before} -> ${r.after} bytes for a ${r.size}-byte file`);
  }
  // 4. A Content-Security-Policy that blocks the bucket is named, with its directive.
  {
    const bucket = await freshBucket();
    const csp = await (await browser.newContext()).newPage();
    await csp.goto(`${ORIGIN}/harness/csp.html`);
    await csp.waitForFunction(() => window.harnessReady === true);
    const r = await csp.evaluate(async ({ bucket }) => {
      const { putObject, api, describeError } = window.lib;
      const { url } = await api('/api/sign', { op: 'put', bucket, key: 'csp.png' });
      try { await putObject(url, new Blob(['x'], { type: 'image/png' }), { console: false }); return { ok: true }; } catch (e) { return describeError(e); }
    }, { bucket });
    check('CSP: network/csp-blocked naming connect-src', r.code === 'network/csp-blocked' && /connect-src/.test(r.message), `${r.code}: ${r.message}`);
    check('CSP: no probe was sent', r.probes === null);
  }

  // 5. Offline: named as such, without probes.
  {
    const bucket = await freshBucket();
    const ctx = await browser.newContext();
    const off = await ctx.newPage();
    await off.goto(`${ORIGIN}/harness/index.html`);
    await off.waitForFunction(() => window.harnessReady === true);
    const { url } = await off.evaluate(({ bucket }) => window.lib.api('/api/sign', { op: 'put', bucket, key: 'off.png' }), { bucket });
    await ctx.setOffline(true);
    const r = await off.evaluate(async ({ url }) => {
      try { await window.lib.putObject(url, new Blob(['x']), { console: false }); return { ok: true }; } catch (e) { return window.lib.describeError(e); }
    }, { url });
    check('offline: network/unreachable saying the browser is offline', r.code === 'network/unreachable' && /offline/.test(r.message), `${r.code}: ${r.message}`);
    await ctx.close();
  }
  // 6. The `cors` option: the app passes the bucket's configuration; the diagnosis is exact
  //    without probes, and a configuration that is not the bucket's is called out.
  {
    const rules = [{ AllowedOrigins: [ORIGIN], AllowedMethods: ['GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }];
    const bucket = `ud-flow-cfg-${randomBytes(4).toString('hex')}`;
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
    const run = (cors) => page.evaluate(async ({ bucket, cors }) => {
      const { putObject, api, describeError } = window.lib;
      const { url } = await api('/api/sign', { op: 'put', bucket, key: 'cfg.png' });
      try { await putObject(url, new Blob(['x'], { type: 'image/png' }), { console: false, cors }); return { ok: true }; } catch (e) { return describeError(e); }
    }, { bucket, cors });
    const exact = await run({ CORSRules: rules });
    check('cors option: exact code without probes', exact.code === 'cors/method-not-allowed' && exact.probes === null,
      `${exact.code}, probes ${JSON.stringify(exact.probes)}`);
    check('cors option: evidence names the configuration passed', (exact.evidence || []).some((e) => e.includes('options.cors')));
    const list = await run(rules);
    check('cors option: the bare rule array works too', list.code === 'cors/method-not-allowed', list.code);
    const stale = await run({ CORSRules: [{ ...rules[0], AllowedMethods: ['GET', 'PUT'] }] });
    check('cors option: a configuration that is not the bucket\'s is called out, and probes decide',
      stale.code === 'cors/method-not-allowed' && stale.probes?.count === 3 && (stale.evidence || []).some((e) => e.includes('not the configuration the bucket has')),
      `${stale.code}, probes ${JSON.stringify(stale.probes)}`);
    const bad = await run({ CORSRules: [{ AllowedOrigins: 5 }] });
    check('cors option: an unreadable configuration is input/invalid', bad.code === 'input/invalid', `${bad.code}: ${bad.message}`);
  }

  // 7. No leaks: after 100 uploads (good, CORS-failing, multipart), Wasm memory and the
  //    JS values Wasm holds are back where they were after a warm-up round.
  {
    const good = await freshBucket();
    const bad = `ud-flow-nocors-${randomBytes(4).toString('hex')}`;
    await admin.send(new CreateBucketCommand({ Bucket: bad }));
    const r = await page.evaluate(async ({ good, bad }) => {
      const { putObject, multipartUpload, content, api } = window.lib;
      const small = new File([content(4096, 1)], 'a.png', { type: 'image/png' });
      const mp = new File([content(6 * 1048576, 2)], 'b.bin');
      const one = async (i) => {
        const kind = i % 3;
        try {
          if (kind === 0) await putObject((await api('/api/sign', { op: 'put', bucket: good, key: `l${i}` })).url, small, { console: false });
          else if (kind === 1) await putObject((await api('/api/sign', { op: 'put', bucket: bad, key: `l${i}` })).url, small, { console: false });
          else await multipartUpload(mp, {
            partSize: 5 * 1048576, console: false,
            createMultipartUpload: () => api('/api/create', { bucket: good, key: `m${i}` }),
            signPart: async (a) => (await api('/api/sign', { op: 'part', bucket: good, ...a })).url,
            completeMultipartUpload: (a) => api('/api/complete', { bucket: good, ...a }),
            abortMultipartUpload: (a) => api('/api/abort', { bucket: good, ...a }),
          });
        } catch { /* failures are part of the mix */ }
      };
      for (let i = 0; i < 6; i++) await one(i); // warm-up: allocator and tables reach their size
      await new Promise((res) => setTimeout(res, 100));
      const before = { mem: window.wasmMemoryBytes(), refs: window.liveRefs() };
      for (let i = 0; i < 100; i++) await one(i);
      await new Promise((res) => setTimeout(res, 100));
      return { before, after: { mem: window.wasmMemoryBytes(), refs: window.liveRefs() } };
    }, { good, bad });
    check('no leak: Wasm memory after 100 uploads equals its level after warm-up', r.after.mem === r.before.mem, `${r.before.mem} -> ${r.after.mem} bytes`);
    check('no leak: JS values held by Wasm return to their level', r.after.refs <= r.before.refs, `${r.before.refs} -> ${r.after.refs} live references`);
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
