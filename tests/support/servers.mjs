// Starts the S3-compatible servers the tests and the demo need, installing them first
// when missing: LocalStack (AWS-faithful, the main one) and s3rver (ignores signatures:
// where the "probes never write" test runs). Also the browser and a TLS certificate.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'upload-doctor');
const VENV = join(CACHE, 'localstack-venv');
export const LOCALSTACK = 'http://127.0.0.1:4566';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function healthy(url) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!r.ok) return false;
    const j = await r.json();
    return ['running', 'available'].includes(j?.services?.s3);
  } catch {
    return false;
  }
}

function installLocalStack() {
  mkdirSync(CACHE, { recursive: true });
  console.error('installing LocalStack 4.6.0 into', VENV, '(a few minutes, once)');
  const python = process.env.PYTHON || 'python3';
  execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(join(VENV, 'bin', 'pip'), ['install', '-q',
    'localstack-core[runtime]==4.6.0', 'cbor2<6', 'cryptography==42.0.8', 'pyopenssl==24.1.0', 'service_identity==24.1.0',
  ], { stdio: 'inherit' });
}

/** Makes sure LocalStack answers on 127.0.0.1:4566; starts it (detached, reused by later runs) if not. */
export async function ensureLocalStack() {
  const health = `${LOCALSTACK}/_localstack/health`;
  if (await healthy(health)) return;
  if (!existsSync(join(VENV, 'bin', 'python'))) installLocalStack();
  mkdirSync(CACHE, { recursive: true });
  const log = openSync(join(CACHE, 'localstack.log'), 'a');
  const child = spawn(join(VENV, 'bin', 'python'), [join(ROOT, 'tests', 'support', 'localstack_main.py')], {
    env: {
      ...process.env, SERVICES: 's3', GATEWAY_LISTEN: '127.0.0.1:4566', S3_SKIP_SIGNATURE_VALIDATION: '0',
      DISABLE_CORS_CHECKS: '1', DISABLE_EVENTS: '1', SKIP_SSL_CERT_DOWNLOAD: '1', LOCALSTACK_TELEMETRY_DISABLED: '1',
    },
    detached: true, stdio: ['ignore', log, log],
  });
  child.unref();
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (await healthy(health)) return;
    if (child.exitCode !== null) break;
    await sleep(500);
  }
  throw new Error(`LocalStack did not start; see ${join(CACHE, 'localstack.log')}`);
}

/** Starts s3rver on `port` with `buckets` ([{ name, cors: XML or null }]); resolves to a stop function. */
export async function startS3rver(port, buckets) {
  const { default: S3rver } = await import('s3rver');
  const dir = join(CACHE, `s3rver-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const server = new S3rver({
    port, address: '127.0.0.1', silent: true, directory: dir,
    configureBuckets: buckets.map((b) => ({ name: b.name, configs: b.cors ? [b.cors] : [] })),
  });
  await server.run();
  return () => server.close();
}

/**
 * Like `startS3rver`, for tests that must see what reached the server: `port` may be 0 (a
 * free port is picked), every answered request is recorded, and the store's directory is
 * given so a test can look at the files behind the S3 API. Resolves to
 * `{ port, directory, requests, stop }`; `requests` grows with `{ seq, method, url, status,
 * origin, userAgent }` (url is path and query as received); `stop()` closes the server and
 * removes its directory.
 */
export async function startS3rverLogged(port, buckets) {
  const { default: S3rver } = await import('s3rver');
  const { rmSync } = await import('node:fs');
  const directory = join(CACHE, `s3rver-${process.pid}-${Date.now()}-logged`);
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port, address: '127.0.0.1', silent: true, directory,
    configureBuckets: buckets.map((b) => ({ name: b.name, configs: b.cors ? [b.cors] : [] })),
  });
  const address = await server.run();
  const requests = [];
  server.httpServer.on('request', (req, res) => {
    const entry = {
      seq: requests.length + 1, method: req.method, url: req.url, status: null,
      origin: req.headers.origin ?? null, userAgent: req.headers['user-agent'] ?? '',
    };
    requests.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
  });
  return {
    port: address.port, directory, requests,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A self-signed certificate for `*.example.test` (made once with openssl). */
export function testCertificate() {
  const dir = join(CACHE, 'tls');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  if (!existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
      '-days', '3650', '-subj', '/CN=example.test',
      '-addext', 'subjectAltName=DNS:*.example.test,DNS:example.test,DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP *.example.test 127.0.0.1', '--ignore-certificate-errors',
];

/** Launches Debian's Chromium through playwright-core. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** Builds pkg/ when it is missing or older than the sources. */
export function ensurePackage() {
  const built = join(ROOT, 'pkg', 'web', 'upload_doctor_bg.wasm');
  if (existsSync(built) && process.env.UPLOAD_DOCTOR_SKIP_BUILD) return;
  execFileSync('bash', [join(ROOT, 'scripts', 'build')], { stdio: ['ignore', 'ignore', 'inherit'] });
}
