#!/usr/bin/env -S node --no-warnings
// The npm package as a user gets it: `npm pack` on pkg/, installed into a fresh Vite 7 app
// and a fresh webpack 5 app (no configuration file in either), built for production,
// served, and driven in headless Chromium against LocalStack: one good upload and one
// `cors/method-not-allowed` each (err instanceof Error, err.code, err.origin). Also: the
// Vite app's TypeScript checked strictly against the installed types, Vite's dev server,
// `upload-doctor/web` in a plain <script type="module"> page, and Node. First, the checks
// that need no network: `tsc --strict` on tests/types (an example consumer handling every
// code) and `scripts/gen-docs --check` (the lists made from src/codes.rs). Prints the
// tarball's size, the shipped size per entry, one line per check and `N passed, N failed`.
//
// Ports 5401-5405. npm installs come from the registry (npm's cache makes reruns quick).

import { spawn, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutBucketCorsCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { ROOT, ensureLocalStack, ensurePackage, launchBrowser } from './support/servers.mjs';
import { sign, s3Client, startBackend } from '../www/backend.mjs';

const PORTS = { vite: 5401, webpack: 5402, viteDev: 5403, plain: 5404, example: 5405 };
const origin = (port) => `http://localhost:${port}`;
const ORIGINS = Object.values(PORTS).map(origin);
const keep = process.argv.includes('--keep');

let passed = 0;
let failed = 0;
function report(name, problems, detail = '') {
  if (problems.length === 0) {
    passed++;
    console.log(`ok    ${name}${detail ? `  ${detail}` : ''}`);
  } else {
    failed++;
    console.log(`FAIL  ${name}${detail ? `  ${detail}` : ''}`);
    for (const p of problems) console.log(`        - ${p}`);
  }
}

function run(cmd, args, cwd, { timeout = 300_000 } = {}) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout, env: { ...process.env, NODE_ENV: '' } });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${(err.stdout || '') + (err.stderr || '') || err.message}`.slice(0, 4000));
  }
}

async function runAsync(cmd, args, cwd) {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 24 });
    return stdout;
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${(err.stdout || '') + (err.stderr || '') || err.message}`.slice(0, 4000));
  }
}

const gz = (data) => gzipSync(data, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// ---- the tarball ----

function pack(dir) {
  const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], join(ROOT, 'pkg')));
  const info = out[0];
  return { path: join(dir, info.filename), size: info.size, unpacked: info.unpackedSize, files: info.files.map((f) => f.path) };
}

/** Raw and gzip bytes of what each entry makes a browser download. */
function entrySizes() {
  const pkg = join(ROOT, 'pkg');
  const snippets = readdirSync(join(pkg, 'web', 'snippets')).flatMap((d) =>
    readdirSync(join(pkg, 'web', 'snippets', d, 'js')).map((f) => join('web', 'snippets', d, 'js', f)));
  const web = ['web/upload_doctor.js', ...snippets, 'web/upload_doctor_bg.wasm'];
  const entries = {
    'upload-doctor': ['index.js', 'codes.js', 'wasm-url.js', ...web],
    'upload-doctor/web': web,
  };
  const rows = [];
  for (const [name, files] of Object.entries(entries)) {
    let raw = 0; let gzip = 0; let wasmRaw = 0; let wasmGz = 0;
    for (const f of files) {
      const data = readFileSync(join(pkg, f));
      raw += data.length; gzip += gz(data);
      if (f.endsWith('.wasm')) { wasmRaw = data.length; wasmGz = gz(data); }
    }
    rows.push(`  ${name.padEnd(18)} ${String(raw).padStart(7)} B raw, ${String(gzip).padStart(6)} B gzip  (JS ${raw - wasmRaw} / ${gzip - wasmGz} gzip, Wasm ${wasmRaw} / ${wasmGz} gzip)`);
  }
  return rows;
}

/** Raw and gzip bytes of a production build's output (every file under `dir`). */
function buildSizes(dir) {
  let js = [0, 0]; let wasm = [0, 0];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      const data = readFileSync(p);
      if (f.endsWith('.js')) js = [js[0] + data.length, js[1] + gz(data)];
      if (f.endsWith('.wasm')) wasm = [wasm[0] + data.length, wasm[1] + gz(data)];
    }
  };
  walk(dir);
  return `JS ${kb(js[0])} (${kb(js[1])} gzip), Wasm ${kb(wasm[0])} (${kb(wasm[1])} gzip)`;
}

// ---- the apps ----

// The same page code in each app: the test passes in a presigned URL, the page uploads.
const PAGE_JS = `
window.runUpload = async (url, text) => {
  const file = new File([text], 'hello.txt', { type: 'text/plain' });
  try {
    const r = await putObject(url, file);
    return { ok: true, etag: r.etag, status: r.status };
  } catch (err) {
    return {
      ok: false, isError: err instanceof Error, isUploadError: isUploadError(err), hasStack: typeof err?.stack === 'string',
      name: err?.name, code: err?.code ?? null, origin: err?.origin ?? null, message: String(err?.message),
      fix: err?.fix ?? null, docs: err?.docs ?? null, explainNamesCode: typeof err?.explain === 'function' && err.explain().includes(err.code),
    };
  }
};
window.codes = errorCodes();
window.appReady = true;
`;

const INDEX_HTML = (script, type = 'module') =>
  `<!doctype html>\n<meta charset="utf-8">\n<title>app</title>\n<script type="${type}" src="${script}"></script>\n`;

async function makeViteApp(dir, tarball) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'vite-app', private: true, type: 'module' }, null, 2));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML('/src/main.ts'));
  mkdirSync(join(dir, 'src'));
  // TypeScript: Vite strips the types; tsc checks them against the installed package.
  writeFileSync(join(dir, 'src', 'main.ts'), `import { putObject, isUploadError, errorCodes, type UploadError } from 'upload-doctor';

declare global {
  interface Window { runUpload(url: string, text: string): Promise<unknown>; codes: string[]; appReady: boolean }
}

export function advice(err: UploadError): string {
  switch (err.code) {
    case 'cors/method-not-allowed':
      return \`add \${err.fix.AllowedMethods.join(', ')} for \${err.fix.AllowedOrigins[0]}\`;
    case 'http/status':
      return \`HTTP \${err.status}\`;
    default:
      return err.hint;
  }
}
window.runUpload = async (url: string, text: string) => {
  const file = new File([text], 'hello.txt', { type: 'text/plain' });
  try {
    const r = await putObject(url, file);
    return { ok: true, etag: r.etag, status: r.status };
  } catch (err: unknown) {
    if (!isUploadError(err)) return { ok: false, isError: err instanceof Error, isUploadError: false, message: String(err) };
    return {
      ok: false, isError: err instanceof Error, isUploadError: true, hasStack: typeof err.stack === 'string',
      name: err.name, code: err.code, origin: err.origin, message: err.message, fix: err.fix, docs: err.docs,
      explainNamesCode: err.explain().includes(err.code), advice: advice(err),
    };
  }
};
window.codes = errorCodes();
window.appReady = true;
`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [], skipLibCheck: false, isolatedModules: true,
    },
    include: ['src'],
  }, null, 2));
  await runAsync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', 'vite@7', tarball], dir);
}

async function makeWebpackApp(dir, tarball) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'webpack-app', private: true }, null, 2));
  // webpack's zero-configuration defaults: src/index.js -> dist/main.js. No webpack.config.js.
  writeFileSync(join(dir, 'src', 'index.js'), `import { putObject, isUploadError, errorCodes } from 'upload-doctor';\n${PAGE_JS}`);
  writeFileSync(join(dir, 'index.html'), INDEX_HTML('/dist/main.js', 'text/javascript'));
  await runAsync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', 'webpack@5', 'webpack-cli@6', tarball], dir);
}

function makePlainPage(dir) {
  // upload-doctor/web from the installed package, as a plain module script would use it.
  writeFileSync(join(dir, 'plain.html'), `<!doctype html>\n<meta charset="utf-8">\n<title>plain</title>\n<script type="module">
import init, { putObject, isUploadError, errorCodes } from '/node_modules/upload-doctor/web/upload_doctor.js';
await init();
${PAGE_JS}
</script>\n`);
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** A static file server for `dir` at `port` (what any host does with a production build). */
function serve(dir, port) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = join(dir, path);
    if (relative(dir, file).startsWith('..')) { res.writeHead(403); res.end(); return; }
    try {
      const data = readFileSync(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** `vite` (the dev server) in `dir` on `port`; resolves to a stop function once it answers. */
async function startViteDev(dir, port) {
  const child = spawn(join(dir, 'node_modules', '.bin', 'vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NODE_ENV: '' },
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const stop = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      if (r.ok) return stop;
    } catch { /* not yet */ }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`vite dev did not start: ${log.slice(-1500)}`);
}

// ---- the uploads ----

const admin = s3Client();

async function makeBucket(label, rules) {
  const bucket = `ud-bundlers-${label}-${randomBytes(4).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  return bucket;
}

async function stored(bucket, key) {
  const r = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body.transformToByteArray()).toString('utf8');
}

/** One good upload and one cors/method-not-allowed in the page at `url`. */
async function drive(browser, name, pageUrl, pageOrigin, buckets) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource|blocked by CORS/.test(m.text())) errors.push(m.text()); });
  try {
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.appReady === true, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the page did not load: ${errors.join(' | ') || 'appReady never set'}`);
    });

    // A good upload: the object arrives with the bytes sent.
    const key = `${name}/good-${randomBytes(3).toString('hex')}.txt`;
    const text = `hello from ${name} ${randomBytes(8).toString('hex')}`;
    const goodUrl = await sign({ op: 'put', bucket: buckets.good, key, contentType: 'text/plain' });
    const good = await page.evaluate(([u, t]) => window.runUpload(u, t), [goodUrl, text]);
    const problems = [];
    if (!good.ok) problems.push(`the good upload failed: ${good.code}: ${good.message}`);
    else {
      if (!good.etag) problems.push('no ETag');
      const got = await stored(buckets.good, key).catch((e) => `(not stored: ${e.name})`);
      if (got !== text) problems.push(`stored object differs: ${JSON.stringify(got.slice(0, 60))}`);
    }
    report(`${name}: good upload`, problems, good.ok ? `etag ${good.etag}` : '');

    // The bucket's rule lacks PUT: cors/method-not-allowed, a real Error naming this origin.
    const badUrl = await sign({ op: 'put', bucket: buckets.getOnly, key: `${name}/bad.txt`, contentType: 'text/plain' });
    const bad = await page.evaluate(([u, t]) => window.runUpload(u, t), [badUrl, 'x']);
    const p2 = [];
    if (bad.ok) p2.push('the upload succeeded');
    else {
      if (!bad.isError) p2.push('err instanceof Error is false');
      if (!bad.isUploadError) p2.push('isUploadError(err) is false');
      if (!bad.hasStack || bad.name !== 'UploadError') p2.push(`name ${bad.name}, stack ${bad.hasStack}`);
      if (bad.code !== 'cors/method-not-allowed') p2.push(`code: expected cors/method-not-allowed, got ${bad.code}: ${bad.message}`);
      if (bad.origin !== pageOrigin) p2.push(`origin: expected ${pageOrigin}, got ${bad.origin}`);
      if (!bad.fix?.AllowedMethods?.includes('PUT') || !bad.fix?.AllowedOrigins?.includes(pageOrigin)) p2.push(`fix: ${JSON.stringify(bad.fix)}`);
      if (!bad.docs?.endsWith('/cors-method-not-allowed.md')) p2.push(`docs: ${bad.docs}`);
      if (!bad.explainNamesCode) p2.push('explain() does not name the code');
    }
    const codes = await page.evaluate(() => window.codes);
    if (!Array.isArray(codes) || !codes.includes('cors/method-not-allowed')) p2.push(`errorCodes(): ${JSON.stringify(codes)}`);
    if (errors.length) p2.push(`page errors: ${errors.join(' | ').slice(0, 500)}`);
    report(`${name}: cors/method-not-allowed`, p2, bad.ok ? '' : `code=${bad.code} origin=${bad.origin} instanceof Error=${bad.isError}`);
  } finally {
    await context.close();
  }
}

/** The checks that need no network: the example consumer's types, the generated lists. */
function localChecks() {
  try {
    run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tests', 'types')], ROOT);
    report('tsc --strict --noEmit tests/types (every code handled, exhaustive switch)', []);
  } catch (e) { report('tsc --strict --noEmit tests/types (every code handled, exhaustive switch)', [e.message]); }
  try {
    run(process.execPath, [join(ROOT, 'scripts', 'gen-docs'), '--check'], ROOT);
    report('gen-docs --check: README table, TS union, js/codes.js and docs/errors/ match src/codes.rs', []);
  } catch (e) { report('gen-docs --check: README table, TS union, js/codes.js and docs/errors/ match src/codes.rs', [e.message]); }
}

/** www/example/: a small file and a 6 MiB one (multipart, with progress), then the error shown. */
async function driveExample(browser, buckets) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const attempt = async (bucket, name, size) => {
    await page.goto(`${origin(PORTS.example)}/example/?bucket=${bucket}`);
    await page.waitForFunction(() => window.exampleReady === true, null, { timeout: 20_000 });
    await page.evaluate(() => {
      window.progressSeen = [];
      new MutationObserver(() => window.progressSeen.push(document.getElementById('status').textContent))
        .observe(document.getElementById('status'), { childList: true, characterData: true, subtree: true });
    });
    await page.setInputFiles('#file', { name, mimeType: 'text/plain', buffer: Buffer.alloc(size, 97) });
    await page.click('#upload');
    await page.waitForFunction(() => document.getElementById('outcome').textContent !== '' && !document.getElementById('upload').disabled, null, { timeout: 60_000 });
    return page.evaluate(() => {
      const box = document.getElementById('outcome');
      return {
        cls: box.className, text: box.textContent, headline: box.querySelector('h2')?.textContent ?? null,
        mark: box.querySelector('mark')?.textContent ?? null, link: box.querySelector('a')?.href ?? null,
        progress: window.progressSeen.filter((t) => t.endsWith('%')),
      };
    });
  };
  try {
    const small = await attempt(buckets.good, 'small.txt', 1000);
    report('www/example: small file uploaded', small.cls === 'ok' && small.text.startsWith('Uploaded') ? [] : [JSON.stringify(small).slice(0, 300)]);
    const big = await attempt(buckets.good, 'big.txt', 6 * 1024 * 1024);
    const p = [];
    if (big.cls !== 'ok' || !big.text.startsWith('Uploaded')) p.push(JSON.stringify(big).slice(0, 300));
    if (!big.progress.includes('100 %') || big.progress.length < 2) p.push(`progress shown: ${JSON.stringify(big.progress)}`);
    report('www/example: 6 MiB file in parts, progress shown', p, big.progress.join(' '));
    const bad = await attempt(buckets.getOnly, 'small.txt', 1000);
    const p3 = [];
    if (bad.cls !== 'error') p3.push(`outcome: ${bad.cls}: ${bad.text.slice(0, 200)}`);
    if (!bad.text.includes('[cors/method-not-allowed]')) p3.push(`no code shown: ${bad.text.slice(0, 200)}`);
    if (!/not set up/.test(bad.headline || '')) p3.push(`headline: ${bad.headline}`);
    if (bad.mark !== origin(PORTS.example)) p3.push(`origin shown: ${bad.mark}`);
    if (!bad.link?.endsWith('/cors-method-not-allowed.md')) p3.push(`docs link: ${bad.link}`);
    if (errors.length) p3.push(`page errors: ${errors.join(' | ')}`);
    report('www/example: cors/method-not-allowed shown to the user', p3, bad.headline || '');
  } finally {
    await context.close();
  }
}

async function main() {
  localChecks();
  ensurePackage();
  const work = mkdtempSync(join(tmpdir(), 'upload-doctor-bundlers-'));
  const servers = [];
  const stops = [];
  let browser;
  try {
    const tgz = pack(work);
    console.log(`tarball ${tgz.path.split('/').pop()}: ${tgz.size} B packed (${kb(tgz.size)}), ${tgz.unpacked} B unpacked, ${tgz.files.length} files`);
    console.log('shipped per entry (what a browser downloads):');
    for (const line of entrySizes()) console.log(line);

    const vite = join(work, 'vite-app');
    const webpack = join(work, 'webpack-app');
    const t0 = Date.now();
    // Both installs at once: they are mostly waiting on the network.
    const [viteErr, webpackErr] = await Promise.all([
      makeViteApp(vite, tgz.path).then(() => null, (e) => e),
      makeWebpackApp(webpack, tgz.path).then(() => null, (e) => e),
    ]);
    console.log(`(installed in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const ready = { vite: !viteErr, webpack: !webpackErr };
    if (viteErr) report('vite: npm install', [viteErr.message]);
    if (webpackErr) report('webpack: npm install', [webpackErr.message]);

    // Production builds, no configuration.
    if (ready.vite) {
      try {
        const out = run(join(vite, 'node_modules', '.bin', 'vite'), ['build'], vite);
        const warnings = out.split('\n').filter((l) => /warn|error/i.test(l));
        report('vite 7: production build (no vite.config)', warnings.length ? [`warnings: ${warnings.join(' | ')}`] : [], buildSizes(join(vite, 'dist')));
      } catch (e) { ready.vite = false; report('vite 7: production build (no vite.config)', [e.message]); }
      try {
        run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', vite], vite);
        report('vite app: tsc --strict against the installed package types', []);
      } catch (e) { report('vite app: tsc --strict against the installed package types', [e.message]); }
    }
    if (ready.webpack) {
      try {
        const out = run(join(webpack, 'node_modules', '.bin', 'webpack'), ['--mode', 'production'], webpack);
        // webpack's size hints (any asset over 244 KiB) are advice about the Wasm's size, not a
        // configuration the user must add: shown as a note, not counted.
        const lines = out.split('\n').filter((l) => /WARNING|ERROR/.test(l));
        const sizeHint = /size limit|performance recommendations/;
        const warnings = lines.filter((l) => !sizeHint.test(l));
        report('webpack 5: production build (no webpack.config.js)', warnings.length ? [`warnings: ${warnings.join(' | ')}`] : [], buildSizes(join(webpack, 'dist')));
        if (lines.some((l) => sizeHint.test(l))) console.log('note  webpack 5: performance hint: an asset exceeds 244 KiB (the .wasm)');
      } catch (e) { ready.webpack = false; report('webpack 5: production build (no webpack.config.js)', [e.message]); }
    }

    await ensureLocalStack();
    const buckets = {
      good: await makeBucket('good', [{ AllowedOrigins: ORIGINS, AllowedMethods: ['PUT'], AllowedHeaders: ['content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }]),
      getOnly: await makeBucket('get-only', [{ AllowedOrigins: ORIGINS, AllowedMethods: ['GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }]),
    };
    browser = await launchBrowser();

    if (ready.vite) {
      servers.push(await serve(join(vite, 'dist'), PORTS.vite));
      await drive(browser, 'vite build', `${origin(PORTS.vite)}/`, origin(PORTS.vite), buckets);
    }
    if (ready.webpack) {
      servers.push(await serve(webpack, PORTS.webpack));
      await drive(browser, 'webpack build', `${origin(PORTS.webpack)}/`, origin(PORTS.webpack), buckets);
    }
    if (ready.vite) {
      // The dev server pre-bundles dependencies: the `development` entry inlines the Wasm.
      try {
        stops.push(await startViteDev(vite, PORTS.viteDev));
        await drive(browser, 'vite dev server', `${origin(PORTS.viteDev)}/`, origin(PORTS.viteDev), buckets);
      } catch (e) { report('vite dev server', [e.message]); }

      makePlainPage(vite);
      servers.push(await serve(vite, PORTS.plain));
      await drive(browser, 'upload-doctor/web in <script type="module">', `${origin(PORTS.plain)}/plain.html`, origin(PORTS.plain), buckets);

      // Node: the default entry loads its Wasm from the file (fetch() cannot read file: URLs).
      try {
        const out = run(process.execPath, ['--input-type=module', '-e', `
          import init, { errorCodes } from 'upload-doctor';
          const wasm = await init();
          console.log(JSON.stringify({ memory: wasm.memory.buffer.byteLength, codes: errorCodes().length }));
        `], vite);
        const r = JSON.parse(out.trim().split('\n').pop());
        report('node: import upload-doctor, init()', r.memory > 0 && r.codes > 0 ? [] : [out], `${r.codes} codes`);
      } catch (e) { report('node: import upload-doctor, init()', [e.message]); }
      // An upload from Node (no CORS there), printed as a note: not counted.
      const key = `node/good-${randomBytes(3).toString('hex')}.txt`;
      const url = await sign({ op: 'put', bucket: buckets.good, key, contentType: 'text/plain' });
      try {
        const out = run(process.execPath, ['--input-type=module', '-e', `
          import { putObject } from 'upload-doctor';
          const r = await putObject(process.argv[1], new Blob(['from node'], { type: 'text/plain' }), { console: false });
          console.log(r.etag);
        `, url], vite);
        const got = await stored(buckets.good, key).catch(() => null);
        console.log(`note  node: putObject ${got === 'from node' ? `stored, etag ${out.trim()}` : `did not store the object: ${out.trim()}`}`);
      } catch (e) {
        console.log(`note  node: putObject failed: ${(/^\w*Error: .*$/m.exec(e.message) || [e.message.split('\n').pop()])[0]}`);
      }
    }

    // The framework example (www/example/, plain DOM), served by the app backend.
    servers.push(await startBackend(origin(PORTS.example)));
    await driveExample(browser, buckets);
  } catch (err) {
    report('bundlers test', [err.stack || String(err)]);
  } finally {
    if (browser) await browser.close();
    for (const s of servers) s.close();
    for (const stop of stops) stop();
    if (keep) console.log(`apps kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();
