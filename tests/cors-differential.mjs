// Differential test of the CORS engine against LocalStack's real preflight answers.
//
// For a few hundred generated (configuration, request) pairs (examples/cors_cases.rs,
// seeded), the configuration is applied to a bucket with PutBucketCors and the preflight
// is sent with fetch (Origin, Access-Control-Request-Method, -Headers). The engine (the
// Node build of the shipped Wasm, pkg/node/) must agree with LocalStack on:
//   - allowed or not, and for "not", whether the bucket had a configuration at all;
//   - which rule matched (each rule's MaxAgeSeconds is 1000 + its index, echoed in
//     Access-Control-Max-Age), and the answer's Allow-Origin, Allow-Methods,
//     Allow-Headers and Expose-Headers;
//   - for a refusal, the kind (origin, method, header): `corsDiagnosePreflight` singles it out
//     from LocalStack's answers to the follow-up preflights, `corsCheck` from the rules.
// Cases where LocalStack is known to differ from AWS are excluded by the generator (it
// says why; see examples/cors_cases.rs). Prints `N passed, N failed`; exits 1 on any
// disagreement.
//
// Usage: node tests/cors-differential.mjs [--count 400] [--seed 1] [--verbose]

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteBucketCorsCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, LOCALSTACK, ROOT } from './support/servers.mjs';
import { s3Client } from '../www/backend.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const COUNT = Number(opt('count', 400));
const SEED = Number(opt('seed', 1));
const VERBOSE = argv.includes('--verbose');
const WORKERS = 8;

async function engine() {
  const built = join(ROOT, 'pkg', 'node', 'upload_doctor.js');
  if (!existsSync(built) || !process.env.UPLOAD_DOCTOR_SKIP_BUILD) {
    execFileSync('bash', [join(ROOT, 'scripts', 'build')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return import(built);
}

function generate() {
  const out = execFileSync('cargo', ['run', '--quiet', '--example', 'cors_cases', '--', String(COUNT), String(SEED)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out).cases;
}

async function options(url, request) {
  const headers = { Origin: request.origin, 'Access-Control-Request-Method': request.method };
  if (request.headers.length) headers['Access-Control-Request-Headers'] = request.headers.join(',');
  const r = await fetch(url, { method: 'OPTIONS', headers, redirect: 'manual' });
  return { status: r.status, headers: [...r.headers], body: await r.text() };
}

const list = (v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
const header = (answer, name) => answer.headers.find(([k]) => k === name)?.[1];
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Compares one case; returns a list of disagreements (empty when they agree). */
async function runCase(ud, admin, bucket, c) {
  if (c.rules) {
    await admin.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: c.rules } }));
  } else {
    await admin.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  }
  const url = `${LOCALSTACK}/${bucket}/object.bin`;
  const config = JSON.stringify({ CORSRules: c.rules ?? [] });
  const plan = ud.corsPreflightPlan({ origin: c.origin, method: c.method, headers: c.headers });
  const mine = ud.corsCheck(config, plan.request).report;
  const first = await options(url, plan.request);
  const bad = [];
  const expect = (what, engineSays, localstackSays) => {
    if (!same(engineSays, localstackSays)) bad.push(`${what}: engine ${JSON.stringify(engineSays)}, LocalStack ${JSON.stringify(localstackSays)}`);
  };
  const theirsAllowed = first.status === 200;
  expect('allowed', mine.allowed, theirsAllowed);
  if (theirsAllowed && mine.allowed) {
    expect('matched rule', mine.rule?.index, Number(header(first, 'access-control-max-age')) - 1000);
    expect('Access-Control-Allow-Origin', mine.response.allowOrigin, header(first, 'access-control-allow-origin'));
    expect('Access-Control-Allow-Methods', mine.response.allowMethods, list(header(first, 'access-control-allow-methods')));
    expect('Access-Control-Allow-Headers', mine.response.allowHeaders, list(header(first, 'access-control-allow-headers')));
    expect('Access-Control-Expose-Headers', mine.response.exposeHeaders, list(header(first, 'access-control-expose-headers')));
  } else if (!theirsAllowed && !mine.allowed) {
    expect('status', 403, first.status);
    expect('bucket has a configuration', !!c.rules, !first.body.includes('CORS is not enabled'));
    // The kind of refusal, singled out from LocalStack's answers to the follow-ups.
    let diagnosis = ud.corsDiagnosePreflight({ url, request: plan.request, first });
    if (diagnosis.needsProbes) {
      const followups = [];
      for (const p of plan.probes) followups.push({ ...p, answer: await options(url, p) });
      diagnosis = ud.corsDiagnosePreflight({ url, request: plan.request, first, followups });
    }
    expect('refusal kind', mine.code, diagnosis.report.code);
  }
  return { bad, verdict: mine.allowed ? 'allowed' : mine.code };
}

async function main() {
  await ensureLocalStack();
  const ud = await engine();
  const cases = generate();
  const admin = s3Client();
  const run = randomBytes(3).toString('hex');
  const buckets = Array.from({ length: WORKERS }, (_, i) => `ud-diff-${run}-${i}`);
  for (const b of buckets) await admin.send(new CreateBucketCommand({ Bucket: b }));
  let passed = 0;
  let failed = 0;
  const excluded = new Map();
  const verdicts = new Map();
  const queue = cases.filter((c) => {
    if (!c.excluded) return true;
    excluded.set(c.excluded, (excluded.get(c.excluded) ?? 0) + 1);
    return false;
  });
  let next = 0;
  async function worker(bucket) {
    while (next < queue.length) {
      const c = queue[next++];
      let result;
      try {
        result = await runCase(ud, admin, bucket, c);
      } catch (e) {
        result = { bad: [`error: ${e.message}`], verdict: 'error' };
      }
      verdicts.set(result.verdict, (verdicts.get(result.verdict) ?? 0) + 1);
      if (result.bad.length === 0) {
        passed++;
        if (VERBOSE) console.log(`ok    case ${c.id}: ${result.verdict}`);
      } else {
        failed++;
        console.log(`FAIL  case ${c.id}: ${c.method} from ${c.origin} [${c.headers.join(',')}]`);
        console.log(`      rules: ${JSON.stringify(c.rules)}`);
        for (const b of result.bad) console.log(`      ${b}`);
      }
    }
  }
  try {
    await Promise.all(buckets.map(worker));
  } finally {
    for (const b of buckets) await admin.send(new DeleteBucketCommand({ Bucket: b })).catch(() => {});
  }
  console.log(`differential test: ${cases.length} generated cases (seed ${SEED}), ${queue.length} compared with LocalStack`);
  console.log(`  engine verdicts: ${[...verdicts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const [why, n] of excluded) console.log(`  excluded ${n}: ${why}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
