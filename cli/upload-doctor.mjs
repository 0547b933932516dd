#!/usr/bin/env node
// upload-doctor on the command line: check a bucket's CORS configuration, lint it, or
// replay the browser's preflight against the bucket and explain the answer the browser
// hides. Every decision is made by the same Rust core the page uses (the Node build of
// its Wasm, ../node/); this file only reads files, sends requests and prints.

import { readFileSync, existsSync } from 'node:fs';

const USAGE = `usage:
  upload-doctor check --config FILE --origin ORIGIN --method METHOD [--header NAME]... [--provider P] [--json]
  upload-doctor lint FILE [--provider P] [--credentials] [--json]
  upload-doctor preflight URL --origin ORIGIN --method METHOD [--header NAME]... [--json]

  check      evaluates the request against the configuration as the provider does
  lint       lists mistakes in the configuration
  preflight  sends the browser's preflight (OPTIONS, no signature) and explains the answer

  FILE       S3 JSON ({"CORSRules": [...]} or a rule list), <CORSConfiguration> XML,
             GCS JSON/XML, R2 JSON ({"rules": [...]}) or Azure JSON/XML; - reads stdin
  --header   a request header the upload sends (repeat, or comma-separate); give
             "content-type: text/plain" to let a safelisted value drop out as a browser does
  --provider s3 (default for S3 shapes), r2, gcs or azure: whose semantics apply
  --json     machine output: allowed, code, origin, method, headers, fix, ...

exit code: 0 allowed (lint: no errors or warnings), 1 not, 2 bad input`;

class Usage extends Error {}

function parseArgs(argv) {
  const args = { _: [], header: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json' || a === '--credentials' || a === '--help' || a === '-h') {
      args[a.replace(/^-+/, '')] = true;
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!['config', 'origin', 'method', 'header', 'provider', 'timeout'].includes(name)) {
        throw new Usage(`unknown option ${a}`);
      }
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Usage(`${a} needs a value`);
      if (name === 'header') args.header.push(value);
      else args[name] = value;
    } else {
      args._.push(a);
    }
  }
  return args;
}

/** The engine: the packed package has ../node/, the repository builds it into ../pkg/node/. */
async function engine() {
  for (const rel of ['../node/upload_doctor.js', '../pkg/node/upload_doctor.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return import(url.href);
  }
  throw new Error('the Node build of upload-doctor is missing (run bash scripts/build)');
}

function readConfig(file) {
  if (!file) throw new Usage('a configuration file is needed');
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new Usage(`cannot read ${file}: ${e.code || e.message}`);
  }
}

function need(args, ...names) {
  for (const n of names) if (!args[n]) throw new Usage(`--${n} is required`);
}

/** The URL with query and fragment removed: a presigned URL's signature is never sent or printed. */
function bareUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Usage(`not a URL: ${JSON.stringify(text.split('?')[0])}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Usage('the URL must be http or https');
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.href;
}

/** One preflight as a browser sends it; status 0 when nothing answered. */
async function options(url, request, timeoutMs) {
  const headers = { Origin: request.origin, 'Access-Control-Request-Method': request.method };
  if (request.headers.length) headers['Access-Control-Request-Headers'] = request.headers.join(',');
  try {
    const r = await fetch(url, { method: 'OPTIONS', headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = (await r.text()).slice(0, 64 * 1024);
    return { status: r.status, headers: [...r.headers], body };
  } catch (e) {
    return { status: 0, headers: [], body: '', error: String(e.cause?.code || e.cause?.message || e.message) };
  }
}

async function preflight(ud, args) {
  const [target] = args._;
  if (!target) throw new Usage('preflight needs a URL');
  need(args, 'origin', 'method');
  const url = bareUrl(target);
  const timeout = Number(args.timeout ?? 10000);
  const plan = ud.corsPreflightPlan({ origin: args.origin, method: args.method, headers: args.header });
  const first = await options(url, plan.request, timeout);
  let result = ud.corsDiagnosePreflight({ url, request: plan.request, first });
  if (result.needsProbes) {
    const followups = await Promise.all(plan.probes.map(async (p) => ({ ...p, answer: await options(url, p, timeout) })));
    result = ud.corsDiagnosePreflight({ url, request: plan.request, first, followups });
  }
  return result;
}

async function main(argv) {
  const args = parseArgs(argv);
  const [command, ...rest] = args._;
  args._ = rest;
  if (args.help || !command) {
    console.log(USAGE);
    return args.help ? 0 : 2;
  }
  const ud = await engine();
  let result;
  switch (command) {
    case 'check':
      need(args, 'config', 'origin', 'method');
      result = ud.corsCheck(readConfig(args.config), {
        origin: args.origin, method: args.method, headers: args.header, provider: args.provider,
      });
      break;
    case 'lint':
      result = ud.corsLint(readConfig(args._[0] ?? args.config), { provider: args.provider, credentials: !!args.credentials });
      break;
    case 'preflight':
      result = await preflight(ud, args);
      break;
    default:
      throw new Usage(`unknown command ${command}`);
  }
  process.stdout.write(args.json ? `${JSON.stringify(result.report, null, 2)}\n` : result.text);
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    // Bad input: a usage mistake or what the engine refused (with its place).
    const json = process.argv.includes('--json');
    const message = e instanceof Usage || e instanceof Error ? e.message : String(e);
    if (json) process.stdout.write(`${JSON.stringify({ error: message }, null, 2)}\n`);
    else process.stderr.write(`upload-doctor: ${message}\n${e instanceof Usage ? `\n${USAGE}\n` : ''}`);
    process.exitCode = 2;
  },
);
