// The `upload-doctor` command line, run as a user runs it: `check` and `lint` on files of
// every shape, `preflight` against LocalStack and s3rver for each failing rule kind, and
// the same commands from the packed npm package installed in a fresh directory.
// Prints one line per check and `N passed, N failed`.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, startS3rver, LOCALSTACK, ROOT } from './support/servers.mjs';
import { s3Client } from '../www/backend.mjs';

const PAGE = 'http://localhost:5173';
const S3RVER_PORT = 5311;
const DEAD_PORT = 5399;
const CLI = join(ROOT, 'cli', 'upload-doctor.mjs');

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}${ok || !detail ? '' : `\n      ${detail}`}`);
}

/** Runs the command line; resolves to { code, stdout, stderr, json }. */
function run(args, bin = CLI) {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      let json = null;
      try { json = JSON.parse(stdout); } catch { /* human output */ }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, json });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'ud-cli-'));
function file(name, text) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function ensureNodeBuild() {
  if (existsSync(join(ROOT, 'pkg', 'node', 'upload_doctor.js')) && process.env.UPLOAD_DOCTOR_SKIP_BUILD) return;
  execFileSync('bash', [join(ROOT, 'scripts', 'build')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

// ---------------------------------------------------------------------------------------
// check and lint

const S3_JSON = file('s3.json', JSON.stringify({ CORSRules: [
  { ID: 'dev', AllowedOrigins: [`${PAGE}/`], AllowedMethods: ['GET'], AllowedHeaders: ['*'], MaxAgeSeconds: 60 },
  { ID: 'site', AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 },
] }, null, 2));
const S3_XML = file('s3.xml', `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>${PAGE}</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>content-type</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>
`);
const GCS = file('gcs.json', JSON.stringify([
  { origin: [PAGE], method: ['PUT'], responseHeader: ['ETag'], maxAgeSeconds: 3600 },
  { origin: ['*'], method: ['*'], responseHeader: ['content-type', 'ETag'], maxAgeSeconds: 3600 },
]));
const R2 = file('r2.json', JSON.stringify({ rules: [{ allowed: { origins: ['https://*.example.com'], methods: ['PUT'], headers: ['content-type'] }, exposeHeaders: ['ETag'], maxAgeSeconds: 3600 }] }));
const AZURE = file('azure.json', JSON.stringify({ corsRules: [{ allowedOrigins: [PAGE], allowedMethods: ['PUT'], allowedHeaders: ['x-ms-meta*', 'x-ms-blob-type', 'content-type'], exposedHeaders: ['etag'], maxAgeInSeconds: 600 }] }));
const BROKEN = file('broken.json', '{"CORSRules": [\n  {"AllowedOrigins": ["*"], "AllowedMethods": ["PUT"],}\n]}');
const WRONG_FIELD = file('wrong-field.json', '{"CORSRules": [{"AllowedOrigin": ["*"], "AllowedMethods": ["PUT"]}]}');

async function checkAndLint(bin, label = '') {
  let r = await run(['check', '--config', S3_JSON, '--origin', PAGE, '--method', 'PUT', '--header', 'content-type', '--json'], bin);
  check(`${label}check: a trailing-slash origin is origin-not-allowed, exit 1`, r.code === 1 && r.json?.code === 'cors/origin-not-allowed', r.stdout + r.stderr);
  check(`${label}check --json carries allowed, code, origin, method, headers, fix`,
    ['allowed', 'code', 'origin', 'method', 'headers', 'fix'].every((k) => r.json && k in r.json) && r.json.fix?.AllowedOrigins?.[0] === PAGE);
  check(`${label}check: the edit mends the entry`, r.json?.edit?.replaceOrigin?.from === `${PAGE}/` && r.json?.edit?.rule === 0, JSON.stringify(r.json?.edit));
  r = await run(['check', '--config', S3_JSON, '--origin', 'https://app.example.com', '--method', 'PUT', '--header', 'Content-Type'], bin);
  check(`${label}check: allowed request exits 0 and names the rule`, r.code === 0 && r.stdout.startsWith('allowed: PUT with content-type from https://app.example.com is allowed by CORSRules[1] (ID "site")'), r.stdout);
  r = await run(['check', '--config', S3_XML, '--origin', PAGE, '--method', 'PUT', '--header', 'content-type', '--header', 'x-amz-meta-owner'], bin);
  check(`${label}check: XML, header-not-allowed, fix in XML`, r.code === 1 && r.stdout.startsWith('error[cors/header-not-allowed]') && r.stdout.includes('<AllowedHeader>x-amz-meta-owner</AllowedHeader>'), r.stdout);
  r = await run(['check', '--config', GCS, '--origin', PAGE, '--method', 'PUT', '--header', 'content-type', '--json'], bin);
  check(`${label}check: GCS stops at the first origin-and-method rule`, r.code === 1 && r.json?.code === 'cors/header-not-allowed' && r.json?.rule?.index === 0 && r.json?.fix?.responseHeader, r.stdout);
  r = await run(['check', '--config', R2, '--origin', 'https://app.example.com', '--method', 'PUT', '--json'], bin);
  check(`${label}check: R2 has no partial origin wildcards`, r.code === 1 && r.json?.code === 'cors/origin-not-allowed' && r.json?.provider === 'r2', r.stdout);
  r = await run(['check', '--config', AZURE, '--origin', PAGE, '--method', 'PUT', '--header', 'x-ms-meta-owner,x-ms-blob-type', '--json'], bin);
  check(`${label}check: Azure prefix header x-ms-meta*`, r.code === 0 && r.json?.allowed === true && r.json?.code === null, r.stdout);
  r = await run(['check', '--config', S3_JSON, '--origin', 'https://app.example.com', '--method', 'PUT', '--header', 'content-type: text/plain'], bin);
  check(`${label}check: a safelisted content-type is not in the preflight`, r.code === 0, r.stdout);
  r = await run(['check', '--config', BROKEN, '--origin', PAGE, '--method', 'PUT'], bin);
  check(`${label}check: invalid JSON exits 2 and says where`, r.code === 2 && r.stderr.includes('line 2, column'), r.stderr);
  r = await run(['check', '--config', WRONG_FIELD, '--origin', PAGE, '--method', 'PUT', '--json'], bin);
  check(`${label}check: a wrong field name exits 2 with the path and the right name`, r.code === 2 && /CORSRules\[0\]\.AllowedOrigin: .*did you mean "AllowedOrigins"/.test(r.json?.error ?? ''), r.stdout);
  r = await run(['check', '--config', S3_JSON, '--origin', `${PAGE}/`, '--method', 'PUT'], bin);
  check(`${label}check: an origin no browser sends exits 2`, r.code === 2 && r.stderr.includes('ends with a slash'), r.stderr);
  r = await run(['check', '--config', join(dir, 'missing.json'), '--origin', PAGE, '--method', 'PUT'], bin);
  check(`${label}check: a missing file exits 2`, r.code === 2 && r.stderr.includes('ENOENT'), r.stderr);
  r = await run(['check', '--origin', PAGE], bin);
  check(`${label}check: missing options exit 2`, r.code === 2, r.stderr);
  r = await run(['lint', S3_JSON, '--json'], bin);
  const found = (r.json?.findings ?? []).map((f) => f.check);
  check(`${label}lint: finds the trailing slash and the localhost origin, exit 1`, r.code === 1 && found.includes('origin-trailing-slash') && found.includes('localhost-in-production'), r.stdout);
  r = await run(['lint', S3_XML], bin);
  check(`${label}lint: a good configuration exits 0`, r.code === 0 && r.stdout.startsWith('no problems found'), r.stdout);
  r = await run(['lint', BROKEN], bin);
  check(`${label}lint: unreadable configuration exits 2`, r.code === 2, r.stderr);
}

// ---------------------------------------------------------------------------------------
// preflight

/** Each failing kind, the rules that cause it and what `preflight` must say. */
const KINDS = [
  { name: 'no CORS configuration', rules: null, method: 'PUT', headers: ['content-type'], code: 'cors/origin-not-allowed', lacks: 'a CORS configuration' },
  { name: 'origin not listed', rules: [{ AllowedOrigins: ['http://localhost:3000'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }], method: 'PUT', headers: ['content-type'], code: 'cors/origin-not-allowed', lacks: `origin ${PAGE}` },
  { name: 'origin with a trailing slash', rules: [{ AllowedOrigins: [`${PAGE}/`], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }], method: 'PUT', headers: ['content-type'], code: 'cors/origin-not-allowed', lacks: `origin ${PAGE}` },
  { name: 'method missing', rules: [{ AllowedOrigins: [PAGE], AllowedMethods: ['GET'], AllowedHeaders: ['*'] }], method: 'PUT', headers: ['content-type'], code: 'cors/method-not-allowed', lacks: 'method PUT' },
  { name: 'no AllowedHeaders', rules: [{ AllowedOrigins: [PAGE], AllowedMethods: ['PUT'] }], method: 'PUT', headers: ['content-type'], code: 'cors/header-not-allowed', lacks: 'header content-type' },
  { name: 'one header of two missing', rules: [{ AllowedOrigins: [PAGE], AllowedMethods: ['PUT'], AllowedHeaders: ['content-type'], ExposeHeaders: ['ETag'] }], method: 'PUT', headers: ['content-type', 'x-amz-meta-owner'], code: 'cors/header-not-allowed', lacks: 'header x-amz-meta-owner' },
  { name: 'ETag not exposed', rules: [{ AllowedOrigins: [PAGE], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }], method: 'PUT', headers: ['content-type'], code: 'cors/etag-not-exposed', allowed: true, localstackOnly: true },
  { name: 'a correct rule', rules: [{ AllowedOrigins: [PAGE], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }], method: 'PUT', headers: ['content-type'], code: null, allowed: true },
];

const xml = (rules) => rules && `<CORSConfiguration>${rules.map((r) => `<CORSRule>${
  [['AllowedOrigin', r.AllowedOrigins], ['AllowedMethod', r.AllowedMethods], ['AllowedHeader', r.AllowedHeaders], ['ExposeHeader', r.ExposeHeaders]]
    .flatMap(([tag, values]) => (values ?? []).map((v) => `<${tag}>${v}</${tag}>`)).join('')
}</CORSRule>`).join('')}</CORSConfiguration>`;

async function preflightKinds(server, base, bucketOf) {
  for (const k of KINDS) {
    if (k.localstackOnly && server !== 'LocalStack') continue;
    const url = `${base}/${bucketOf(k)}/photo.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRETCRED%2F20261203&X-Amz-Signature=${'5ec7e7'.repeat(10)}`;
    const args = ['preflight', url, '--origin', PAGE, '--method', k.method, ...k.headers.flatMap((h) => ['--header', h])];
    const [j, h] = await Promise.all([run([...args, '--json']), run(args)]);
    const allowed = !!k.allowed;
    // s3rver never sends Expose-Headers on a preflight: a correct rule reads as etag-not-exposed there.
    const code = server === 's3rver' && k.code === null ? 'cors/etag-not-exposed' : k.code;
    check(`preflight (${server}): ${k.name} → ${code ?? 'allowed'}, exit ${allowed ? 0 : 1}`,
      j.code === (allowed ? 0 : 1) && h.code === j.code && j.json?.allowed === allowed && j.json?.code === code
        && (!k.lacks || j.json?.lacks?.some((l) => l.startsWith(k.lacks))),
      `exit ${j.code}: ${JSON.stringify(j.json && { code: j.json.code, lacks: j.json.lacks, summary: j.json.summary })} ${j.stderr}`);
    check(`preflight (${server}): ${k.name}: no signature or credential in the output`,
      ![j.stdout, h.stdout, j.stderr, h.stderr].some((s) => s.includes('5ec7e7') || s.includes('AKIASECRETCRED')));
    if (!allowed) {
      const fix = j.json?.fix;
      check(`preflight (${server}): ${k.name}: the fix names the origin, method and headers`,
        fix?.AllowedOrigins?.[0] === PAGE && fix.AllowedMethods.includes(k.method) && k.headers.every((x) => fix.AllowedHeaders?.includes(x)),
        JSON.stringify(fix));
    }
  }
}

async function preflightLocalStack() {
  await ensureLocalStack();
  const admin = s3Client();
  const run = randomBytes(3).toString('hex');
  const names = new Map();
  for (const [i, k] of KINDS.entries()) {
    const bucket = `ud-cli-${run}-${i}`;
    names.set(k, bucket);
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    if (k.rules) await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: k.rules } }));
  }
  await preflightKinds('LocalStack', LOCALSTACK, (k) => names.get(k));
}

async function preflightS3rver() {
  const kinds = KINDS.filter((k) => !k.localstackOnly);
  const stop = await startS3rver(S3RVER_PORT, kinds.map((k, i) => ({ name: `kind-${i}`, cors: xml(k.rules) })));
  try {
    await preflightKinds('s3rver', `http://127.0.0.1:${S3RVER_PORT}`, (k) => `kind-${kinds.indexOf(k)}`);
  } finally {
    await stop();
  }
}

async function preflightInput() {
  let r = await run(['preflight', `http://127.0.0.1:${DEAD_PORT}/b/k`, '--origin', PAGE, '--method', 'PUT', '--json']);
  check('preflight: nothing listening is network/unreachable, exit 1', r.code === 1 && r.json?.code === 'network/unreachable', r.stdout);
  r = await run(['preflight', 'not a url', '--origin', PAGE, '--method', 'PUT']);
  check('preflight: a bad URL exits 2', r.code === 2, r.stderr);
  r = await run(['preflight', 'http://127.0.0.1:4566/b/k', '--method', 'PUT']);
  check('preflight: no --origin exits 2', r.code === 2, r.stderr);
  r = await run(['frobnicate']);
  check('an unknown command exits 2', r.code === 2, r.stderr);
}

// ---------------------------------------------------------------------------------------
// the packed package

async function packedPackage() {
  const where = mkdtempSync(join(tmpdir(), 'ud-packed-'));
  try {
    execFileSync('npm', ['pack', join(ROOT, 'pkg'), '--pack-destination', where, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(where).find((f) => f.endsWith('.tgz'));
    writeFileSync(join(where, 'package.json'), '{"name":"fresh-app","private":true}');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(where, tgz)], { cwd: where, stdio: ['ignore', 'ignore', 'inherit'] });
    const bin = join(where, 'node_modules', '.bin', 'upload-doctor');
    check('packed package: installs a `upload-doctor` bin', existsSync(bin));
    // The bin is a symlink to cli/upload-doctor.mjs; run it through node as npx would.
    await checkAndLint(join(where, 'node_modules', 'upload-doctor', 'cli', 'upload-doctor.mjs'), 'packed: ');
    const viaNpx = await new Promise((resolve) => {
      execFile('npx', ['--offline', '--no-install', 'upload-doctor', 'lint', S3_XML], { cwd: where }, (err, stdout) => resolve({ code: err ? err.code : 0, stdout }));
    });
    check('packed package: `npx upload-doctor lint` works', viaNpx.code === 0 && viaNpx.stdout.startsWith('no problems found'), viaNpx.stdout);
  } finally {
    rmSync(where, { recursive: true, force: true });
  }
}

async function main() {
  ensureNodeBuild();
  await checkAndLint(CLI);
  await preflightInput();
  await preflightLocalStack();
  await preflightS3rver();
  await packedPackage();
}

main()
  .catch((e) => {
    failed++;
    console.log(`FAIL  ${e.stack || e}`);
  })
  .finally(() => {
    rmSync(dir, { recursive: true, force: true });
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  });
