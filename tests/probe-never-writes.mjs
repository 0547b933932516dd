#!/usr/bin/env -S node --no-warnings
// Proves that no diagnosis probe can create, overwrite or delete an object, on a server
// that does not check signatures (s3rver: it accepts anonymous requests and any SigV4
// signature, so any request that reaches a key's handler acts on it).
//
// Run: node --no-warnings tests/probe-never-writes.mjs
//
// What it does:
// 1. starts s3rver on a free port with one bucket per failure case (no CORS config, origin
//    not listed, PUT not in AllowedMethods, no AllowedHeaders) plus a correct config and a
//    control bucket, and the harness page at http://localhost:5173 (another free port when
//    5173 is taken);
// 2. seeds every bucket with a known object at the upload's key and at the key a probe
//    targets when the page's Math.random is pinned (`<key>.upload-doctor-probe-800000000000`);
// 3. control: from the page, a PUT with a zeroed signature DOES overwrite an object (so the
//    server is as careless as claimed, and the checks below see a write when there is one);
// 4. in the page, per case: putObject / uploadFetch(DELETE) with a valid, a zeroed, or an
//    expired signature (or an extra header the bucket does not allow) so that the request
//    fails as CORS and the library probes; with the probe tag random (probes go to fresh
//    keys) and pinned (probes go to a key that holds a seeded object). After each case the
//    bucket is compared with what was seeded; on a difference, the requests s3rver received
//    in that case are printed, so the request that wrote is named;
// 5. at the end, through the S3 API: seeded bytes unchanged (sha256), object keys exactly the
//    seeded ones (ListObjectsV2), ListMultipartUploads; and, since s3rver implements no
//    ListMultipartUploads, its directory on disk.
// Prints one line per check and `N passed, N failed`; exits 1 on any failure.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import {
  PutObjectCommand, GetObjectCommand, ListObjectsV2Command, ListMultipartUploadsCommand,
  DeleteObjectCommand, CompleteMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ROOT, startS3rverLogged, launchBrowser, ensurePackage } from './support/servers.mjs';

// s3rver knows one access key (S3RVER/S3RVER) and rejects any other with InvalidAccessKeyId,
// though it never checks a SigV4 signature. The backend reads its credentials at import.
process.env.S3_ACCESS_KEY = 'S3RVER';
process.env.S3_SECRET_KEY = 'S3RVER';
const { startBackend, sign, s3Client } = await import('../www/backend.mjs');

const UPLOAD_KEY = 'uploads/holiday-photo.jpg';
// The probes' key tag is `(Math.random() * 2^48) as u64` in hex; pinned, it is known.
const PIN = 0.5;
const PINNED_TAG = Math.floor(PIN * 2 ** 48).toString(16).padStart(12, '0');
const PINNED_PROBE_KEY = `${UPLOAD_KEY}.upload-doctor-probe-${PINNED_TAG}`;
const PROBE_MARK = '.upload-doctor-probe-';
// Not x-amz-*: an unsigned x-amz-* header is refused before sending, and this must reach the probes.
const EXTRA_HEADER = { 'x-upload-note': 'not-in-allowed-headers' };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

let passed = 0;
let failed = 0;
function report(ok, text, problems = []) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${text}`);
  for (const p of problems) console.log(`        - ${p}`);
}
const note = (text) => console.log(`note  ${text}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startPage() {
  try {
    const origin = 'http://localhost:5173';
    return { origin, server: await startBackend(origin) };
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    const origin = `http://localhost:${await freePort()}`;
    return { origin, server: await startBackend(origin) };
  }
}

/** Builds pkg/ when it is missing; warns when it is older than the Rust sources. */
function ensureBuilt() {
  const wasm = join(ROOT, 'pkg', 'web', 'upload_doctor_bg.wasm');
  if (!existsSync(wasm)) {
    console.error('building pkg/ (bash scripts/build)');
    ensurePackage();
    return;
  }
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
  if (newest(join(ROOT, 'src')) > statSync(wasm).mtimeMs) {
    console.error('warning: pkg/ is older than src/; this tests the built package (run bash scripts/build to refresh)');
  }
}

// ---- buckets -------------------------------------------------------------------------

function corsXml(rules) {
  const tags = (name, values = []) => values.map((v) => `<${name}>${v}</${name}>`).join('');
  return `<CORSConfiguration>${rules.map((r) => `<CORSRule>${tags('AllowedOrigin', r.origins)}${tags('AllowedMethod', r.methods)}`
    + `${tags('AllowedHeader', r.headers)}${tags('ExposeHeader', r.expose)}</CORSRule>`).join('')}</CORSConfiguration>`;
}

function bucketsFor(origin) {
  const all = ['GET', 'PUT', 'DELETE', 'HEAD'];
  return [
    { name: 'ud-no-cors', what: 'no CORS configuration', cors: null },
    { name: 'ud-origin-not-listed', what: 'page origin not listed',
      cors: corsXml([{ origins: ['https://app.example.test'], methods: all, headers: ['*'], expose: ['ETag'] }]) },
    { name: 'ud-put-not-allowed', what: 'PUT/DELETE not in AllowedMethods (GET, HEAD allowed)',
      cors: corsXml([{ origins: [origin], methods: ['GET', 'HEAD'], headers: ['*'], expose: ['ETag'] }]) },
    { name: 'ud-no-allowed-headers', what: 'no AllowedHeaders',
      cors: corsXml([{ origins: [origin], methods: all, headers: [], expose: ['ETag'] }]) },
    { name: 'ud-correct', what: 'correct rule (AllowedHeaders content-type)',
      cors: corsXml([{ origins: [origin], methods: all, headers: ['content-type'], expose: ['ETag'] }]) },
    { name: 'ud-control', what: 'control: correct rule, written to on purpose',
      cors: corsXml([{ origins: [origin], methods: all, headers: ['content-type'], expose: ['ETag'] }]) },
  ];
}

// ---- what the store holds ------------------------------------------------------------

/** key -> sha256 of every object in `bucket`. */
async function snapshot(admin, bucket) {
  const out = new Map();
  let token;
  do {
    const r = await admin.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of r.Contents || []) {
      const g = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      out.set(o.Key, sha256(Buffer.from(await g.Body.transformToByteArray())));
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

function diff(want, got) {
  const out = [];
  for (const [k, h] of want) {
    if (!got.has(k)) out.push(`${k} was deleted`);
    else if (got.get(k) !== h) out.push(`${k} was overwritten (sha256 ${h.slice(0, 12)} -> ${got.get(k).slice(0, 12)})`);
  }
  for (const k of got.keys()) if (!want.has(k)) out.push(`${k} was created`);
  return out;
}

/** A request as s3rver saw it, without the signature parameters (shorter, no secrets). */
function showRequest(r) {
  const u = new URL(r.url, 'http://s3rver');
  for (const k of [...u.searchParams.keys()]) if (k.toLowerCase().startsWith('x-amz-')) u.searchParams.delete(k);
  const q = u.searchParams.toString();
  const who = r.origin ? 'page' : (r.userAgent.includes('aws-sdk') ? 'sdk' : 'other');
  return `#${r.seq} ${r.method} ${decodeURIComponent(u.pathname)}${q ? `?${q}` : ''}${r.url.includes('X-Amz-Signature') ? ' [presigned]' : ''} -> ${r.status ?? '?'} (${who})`;
}

// ---- the page --------------------------------------------------------------------------

async function inPage(browser, origin, c) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/harness/index.html`);
    await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 20_000 });
    return await page.evaluate(async (c) => {
      const lib = await import('/pkg/web/upload_doctor.js');
      const sent = [];
      const realFetch = window.fetch;
      const realRandom = Math.random;
      // Records every request the library starts (it calls the global fetch).
      window.fetch = function (input, init) {
        sent.push({
          method: String(init?.method ?? 'GET').toUpperCase(),
          url: String(input instanceof Request ? input.url : input),
          mode: init?.mode ?? 'cors',
        });
        return realFetch.call(this, input, init);
      };
      if (c.pin !== null) Math.random = () => c.pin;
      try {
        if (c.method === 'PUT') {
          const file = new File([c.body], 'holiday-photo.jpg', { type: 'application/octet-stream' });
          const r = await lib.putObject(c.url, file, { console: false, headers: c.headers });
          return { ok: true, status: r.status, sent };
        }
        const resp = await lib.uploadFetch(c.url, { method: c.method, headers: c.headers, console: false });
        return { ok: true, status: resp.status, sent };
      } catch (e) {
        return {
          ok: false, isUploadError: lib.isUploadError(e), code: e?.code ?? null, message: String(e?.message),
          probes: e?.probes ?? null, evidence: e?.evidence ?? null, sent,
        };
      } finally {
        window.fetch = realFetch;
        Math.random = realRandom;
      }
    }, c);
  } finally {
    await context.close();
  }
}

// ---- main --------------------------------------------------------------------------------

async function main() {
  ensureBuilt();
  const { origin, server: backend } = await startPage();
  const buckets = bucketsFor(origin);
  const s3 = await startS3rverLogged(0, buckets);
  const endpoint = `http://127.0.0.1:${s3.port}`;
  const admin = s3Client(endpoint);
  const browser = await launchBrowser();
  console.log(`s3rver at ${endpoint}, page at ${origin}; pinned probe tag ${PINNED_TAG}`);

  try {
    // Seed: the upload's key and the key the pinned probes target, in every bucket.
    const seeded = new Map();
    for (const b of buckets) {
      const want = new Map();
      for (const key of [UPLOAD_KEY, PINNED_PROBE_KEY]) {
        const body = Buffer.concat([Buffer.from(`seeded ${b.name}/${key}\n`), randomBytes(4096)]);
        await admin.send(new PutObjectCommand({ Bucket: b.name, Key: key, Body: body }));
        want.set(key, sha256(body));
      }
      const got = await snapshot(admin, b.name);
      const d = diff(want, got);
      if (d.length) throw new Error(`seeding ${b.name} failed: ${d.join('; ')}`);
      seeded.set(b.name, want);
    }

    const putUrl = async (bucket, { expiresIn = 900 } = {}) => sign({
      op: 'put', bucket, key: UPLOAD_KEY, contentType: 'application/octet-stream', endpoint, expiresIn,
    });
    const deleteUrl = async (bucket, { expiresIn = 900 } = {}) => getSignedUrl(
      admin, new DeleteObjectCommand({ Bucket: bucket, Key: UPLOAD_KEY }), { expiresIn },
    );
    const zeroed = (url) => {
      const z = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
      if (z === url) throw new Error('no X-Amz-Signature in the presigned URL');
      return z;
    };

    // 1. Control: a zeroed signature writes, and the per-case comparison sees it.
    {
      const url = zeroed(await putUrl('ud-control'));
      const before = s3.requests.length;
      const r = await inPage(browser, origin, { method: 'PUT', url, body: 'control write', headers: {}, pin: null });
      await sleep(50);
      const changes = diff(seeded.get('ud-control'), await snapshot(admin, 'ud-control'));
      const reqs = s3.requests.slice(before).filter((q) => q.origin && q.method !== 'OPTIONS').map(showRequest);
      const ok = r.ok && changes.length === 1 && changes[0].startsWith(`${UPLOAD_KEY} was overwritten`);
      report(ok, `control: a PUT with a zeroed signature from the page overwrites an object on s3rver, and the check sees it (${changes.join('; ') || 'no change'}; ${reqs.join(', ')})`,
        ok ? [] : [`expected the PUT to succeed and overwrite ${UPLOAD_KEY}; got ${JSON.stringify(r.ok ? { status: r.status } : { code: r.code, message: r.message })}`]);
    }

    // 2. The cases. Every one must fail as CORS (nothing of the caller's reaches a handler
    //    that writes), and the probes must run and change nothing.
    const cases = [];
    const failing = ['ud-no-cors', 'ud-origin-not-listed', 'ud-put-not-allowed', 'ud-no-allowed-headers'];
    for (const bucket of failing) {
      for (const [sig, tag] of [['valid', 'random'], ['valid', 'pinned'], ['zeroed', 'random'], ['zeroed', 'pinned']]) {
        cases.push({ method: 'PUT', bucket, sig, tag, expired: false, headers: {} });
      }
    }
    // A correct rule fails only when the server answers without CORS headers (expired URL)
    // or the caller adds a header the rule does not allow; then the method probe passes its
    // preflight and reaches s3rver: the dangerous case.
    for (const tag of ['random', 'pinned']) {
      cases.push({ method: 'PUT', bucket: 'ud-correct', sig: 'valid', tag, expired: true, headers: {} });
      cases.push({ method: 'PUT', bucket: 'ud-correct', sig: 'zeroed', tag, expired: true, headers: {} });
      cases.push({ method: 'PUT', bucket: 'ud-correct', sig: 'zeroed', tag, expired: false, headers: EXTRA_HEADER });
    }
    // DELETE (uploadFetch): the DELETE probe is an abort of a non-existent upload.
    for (const tag of ['random', 'pinned']) {
      cases.push({ method: 'DELETE', bucket: 'ud-no-cors', sig: 'valid', tag, expired: false, headers: {} });
      cases.push({ method: 'DELETE', bucket: 'ud-origin-not-listed', sig: 'zeroed', tag, expired: false, headers: {} });
      cases.push({ method: 'DELETE', bucket: 'ud-put-not-allowed', sig: 'zeroed', tag, expired: false, headers: {} });
      cases.push({ method: 'DELETE', bucket: 'ud-no-allowed-headers', sig: 'zeroed', tag, expired: false, headers: EXTRA_HEADER });
      cases.push({ method: 'DELETE', bucket: 'ud-correct', sig: 'valid', tag, expired: true, headers: {} });
      cases.push({ method: 'DELETE', bucket: 'ud-correct', sig: 'zeroed', tag, expired: false, headers: EXTRA_HEADER });
    }
    // Where the method probe's preflight (method, no extra headers) passes, it must reach s3rver.
    const reachesServer = (c) => c.bucket === 'ud-correct' || c.bucket === 'ud-no-allowed-headers';

    for (const c of cases) {
      const url = await (c.method === 'PUT' ? putUrl : deleteUrl)(c.bucket, { expiresIn: c.expired ? 1 : 900 });
      c.url = c.sig === 'zeroed' ? zeroed(url) : url;
    }
    if (cases.some((c) => c.expired)) await sleep(2500);

    const probeRequests = [];
    for (const c of cases) {
      const label = `${c.method === 'PUT' ? 'putObject' : 'uploadFetch DELETE'} ${c.bucket}, ${c.expired ? 'expired ' : ''}${c.sig} signature`
        + `${Object.keys(c.headers).length ? ' + x-upload-note header' : ''}, probe tag ${c.tag}`;
      const problems = [];
      const before = s3.requests.length;
      let r;
      try {
        r = await inPage(browser, origin, {
          method: c.method, url: c.url, body: `upload body ${randomBytes(8).toString('hex')}`, headers: c.headers,
          pin: c.tag === 'pinned' ? PIN : null,
        });
      } catch (err) {
        report(false, label, [`page error: ${err.message}`]);
        continue;
      }
      await sleep(50);
      const received = s3.requests.slice(before);
      const probesSent = r.sent.filter((s) => s.url.includes(PROBE_MARK));
      const probesAtServer = received.filter((q) => q.url.includes(PROBE_MARK) && q.method !== 'OPTIONS');
      probeRequests.push(...probesAtServer);

      if (r.ok) problems.push(`the ${c.method} succeeded (HTTP ${r.status}): it did not fail as CORS, so this case tests nothing about probes`);
      else {
        if (!r.isUploadError) problems.push(`rejected with something other than an UploadError: ${r.message}`);
        if (!(r.probes?.count >= 2)) problems.push(`expected err.probes.count >= 2, got ${JSON.stringify(r.probes)} (code ${r.code}: ${r.message})`);
        if (probesSent.length !== (r.probes?.count ?? 0)) problems.push(`the page sent ${probesSent.length} probe requests but err.probes.count is ${r.probes?.count}`);
      }
      if (c.tag === 'pinned' && probesSent.some((s) => !s.url.includes(PINNED_PROBE_KEY))) {
        problems.push(`a probe did not target the pinned key ${PINNED_PROBE_KEY}: ${probesSent.map((s) => s.url).join(', ')}`);
      }
      const methodProbe = probesAtServer.find((q) => q.method === c.method);
      if (reachesServer(c) && !methodProbe) {
        problems.push(`expected the ${c.method} probe to pass its preflight and reach s3rver; it did not (received: ${received.map(showRequest).join(', ') || 'nothing'})`);
      }
      const changes = diff(seeded.get(c.bucket), await snapshot(admin, c.bucket));
      if (changes.length) {
        problems.push(`the bucket changed: ${changes.join('; ')}`);
        problems.push(`requests s3rver received in this case: ${received.map(showRequest).join(', ')}`);
      }
      const detail = r.ok ? '' : ` -> ${r.code}, probes=${r.probes?.count}/${Math.round(r.probes?.ms ?? 0)}ms`
        + `${methodProbe ? `; at s3rver: ${showRequest(methodProbe)}` : ''}; bucket unchanged`;
      report(problems.length === 0, `${label}${problems.length ? '' : detail}`, problems);
    }

    // 3. Final state, through the S3 API.
    const checked = buckets.filter((b) => b.name !== 'ud-control');
    for (const b of checked) {
      const want = seeded.get(b.name);
      const got = await snapshot(admin, b.name);
      for (const [key, h] of want) {
        report(got.get(key) === h, `${b.name}: ${key} unchanged (sha256 ${h.slice(0, 16)}...)`,
          got.get(key) === h ? [] : [got.has(key) ? `now sha256 ${got.get(key).slice(0, 16)}...` : 'it is gone']);
      }
      const wantKeys = [...want.keys()].sort();
      const gotKeys = [...got.keys()].sort();
      const same = wantKeys.length === gotKeys.length && wantKeys.every((k, i) => k === gotKeys[i]);
      report(same, `${b.name}: ListObjectsV2 lists exactly the ${wantKeys.length} seeded keys`,
        same ? [] : [`listed: ${JSON.stringify(gotKeys)}; seeded: ${JSON.stringify(wantKeys)}`]);
    }
    const mpu = [];
    for (const b of checked) {
      try {
        const r = await admin.send(new ListMultipartUploadsCommand({ Bucket: b.name }));
        mpu.push({ bucket: b.name, uploads: (r.Uploads || []).map((u) => `${u.Key} ${u.UploadId}`) });
      } catch (err) {
        mpu.push({ bucket: b.name, error: `${err.name} (HTTP ${err.$metadata?.httpStatusCode})` });
      }
    }
    if (mpu.every((m) => m.error)) {
      console.log(`skip  ListMultipartUploads: s3rver does not implement it (${mpu[0].error}); the store's directory is checked instead`);
    } else {
      for (const m of mpu) {
        report(!m.error && m.uploads.length === 0, `${m.bucket}: ListMultipartUploads is empty`,
          m.error ? [m.error] : m.uploads);
      }
    }

    // 4. The store's directory: object files and multipart part files.
    const files = [];
    const walk = (dir) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p); else files.push(relative(s3.directory, p));
      }
    };
    walk(s3.directory);
    const objectFiles = files.filter((f) => f.endsWith('._S3rver_object'));
    const stray = objectFiles.filter((f) => {
      const [bucket, ...rest] = f.split('/');
      const key = rest.join('/').slice(0, -'._S3rver_object'.length);
      return !seeded.get(bucket)?.has(key);
    });
    report(stray.length === 0, `on disk: the ${objectFiles.length} object files are all seeded objects`, stray);
    const partFiles = files.filter((f) => /\/\._S3rver_uploads\/[^/]+\/\d+$/.test(f));
    const uploadRecords = files.filter((f) => /\/\._S3rver_uploads\/[^/]+\/(key|metadata)$/.test(f));
    const probeIds = new Set(partFiles.map((f) => f.split('/').at(-2)));
    const strangers = [...probeIds].filter((id) => !id.startsWith('upload-doctor-probe-'));
    report(strangers.length === 0 && uploadRecords.length === 0,
      `on disk: no multipart upload was initiated (no upload records); the ${partFiles.length} stray part files all belong to probe upload ids`,
      [...strangers.map((id) => `part files for upload id ${id}`), ...uploadRecords.map((f) => `upload record ${f}`)]);
    if (partFiles.length) {
      const sizes = partFiles.map((f) => statSync(join(s3.directory, f)).size);
      const writers = probeRequests.filter((q) => q.method === 'PUT' && q.status === 200);
      note(`s3rver stored ${partFiles.length} part files (${[...new Set(sizes)].join('/')} bytes) under <bucket>/._S3rver_uploads/upload-doctor-probe-<tag>/1: `
        + `it answers UploadPart to an unknown upload id with 200 and keeps the part. Written by the PUT probes, e.g. ${writers.slice(0, 1).map(showRequest).join('')}`);
    }
    const deletes = probeRequests.filter((q) => q.method === 'DELETE');
    if (deletes.length) note(`DELETE probes that reached s3rver were answered ${[...new Set(deletes.map((q) => q.status))].join('/')} (s3rver routes DELETE ?uploadId= to MethodNotAllowed: it implements no AbortMultipartUpload)`);

    // 5. Can a probe's stray part ever become an object? Try to complete each one.
    if (probeIds.size) {
      const problems = [];
      for (const f of partFiles) {
        const [bucket, , id] = f.split('/');
        const probe = probeRequests.find((q) => q.method === 'PUT' && q.url.includes(`uploadId=${id}`));
        const key = decodeURIComponent(new URL(probe.url, endpoint).pathname.split('/').slice(2).join('/'));
        const etag = readFileSync(join(s3.directory, `${f}.md5`), 'utf8');
        try {
          await admin.send(new CompleteMultipartUploadCommand({
            Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: `"${etag}"` }] },
          }));
          problems.push(`CompleteMultipartUpload of ${bucket}/${key} upload ${id} succeeded`);
        } catch { /* expected: there is no upload record */ }
        const changes = diff(seeded.get(bucket), await snapshot(admin, bucket));
        if (changes.length) problems.push(`${bucket}: ${changes.join('; ')}`);
      }
      report(problems.length === 0, `the stray parts are inert: CompleteMultipartUpload of each of the ${partFiles.length} probe upload ids fails and creates no object`, problems);
    }
  } finally {
    await browser.close().catch(() => {});
    backend.close();
    await s3.stop().catch(() => {});
  }
}

main().then(() => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}, (err) => {
  console.error(err);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
