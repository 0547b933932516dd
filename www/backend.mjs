// The app backend for the demo and the tests: serves the pages and the built package,
// and presigns S3 requests with the official AWS SDK presigner (never our own code).
//
// API (POST, JSON in and out):
//   /api/sign    { op: 'put'|'part'|'complete'|'abort', bucket, key, uploadId?, partNumber?,
//                  contentType?, headers?, expiresIn?, region?, endpoint? } -> { url }
//   /api/create  { bucket, key, contentType? } -> { uploadId, key }
//   /api/complete { bucket, key, uploadId, parts: [{ PartNumber, ETag }] } -> { etag }
//   /api/abort   { bucket, key, uploadId } -> {}
//   /api/list-parts { bucket, key, uploadId } -> { parts: [{ partNumber, size, etag }] }
//   /api/presets -> the demo's preset buckets (when the server was given them)

import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  S3Client, PutObjectCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListPartsCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const S3_ENDPOINT = process.env.S3_ENDPOINT || 'http://127.0.0.1:4566';
export const S3_REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: process.env.S3_ACCESS_KEY || 'test', secretAccessKey: process.env.S3_SECRET_KEY || 'test' };

/** An S3 client for `endpoint` (path-style, no SDK checksum defaults: S3-compatible stores reject them). */
export function s3Client(endpoint = S3_ENDPOINT, region = S3_REGION) {
  return new S3Client({
    endpoint, region, credentials: CREDENTIALS, forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png',
  '.ts': 'text/plain',
};
const STATIC = [['/pkg/', 'pkg'], ['/harness/', 'tests/harness'], ['/support/', 'tests/support'], ['/', 'www']]
  .map(([prefix, dir]) => [prefix, join(ROOT, dir)]);

/** Signs one browser request. `headers` are extra headers signed into the URL. */
export async function sign({ op, bucket, key, uploadId, partNumber, contentType, headers, expiresIn, region, endpoint }) {
  const client = s3Client(endpoint || S3_ENDPOINT, region || S3_REGION);
  const input = { Bucket: bucket, Key: key };
  let command;
  if (op === 'put') command = new PutObjectCommand({ ...input, ...(contentType ? { ContentType: contentType } : {}) });
  else if (op === 'part') command = new UploadPartCommand({ ...input, UploadId: uploadId, PartNumber: partNumber });
  else if (op === 'complete') command = new CompleteMultipartUploadCommand({ ...input, UploadId: uploadId });
  else if (op === 'abort') command = new AbortMultipartUploadCommand({ ...input, UploadId: uploadId });
  else throw new Error(`unknown op ${op}`);
  const extra = Object.entries(headers || {});
  if (extra.length) {
    command.middlewareStack.add((next) => (args) => {
      for (const [k, v] of extra) args.request.headers[k.toLowerCase()] = v;
      return next(args);
    }, { step: 'build', name: 'signedExtraHeaders' });
  }
  return getSignedUrl(client, command, {
    expiresIn: expiresIn || 900,
    unhoistableHeaders: new Set(extra.map(([k]) => k.toLowerCase())),
    // The presigner signs only `host` unless told: sign what the app asked to sign.
    signableHeaders: new Set([...(contentType && op === 'put' ? ['content-type'] : []), ...extra.map(([k]) => k.toLowerCase())]),
  });
}

async function api(path, body, { presets, endpoint, extraApi }) {
  const admin = s3Client(endpoint);
  switch (path) {
    case '/api/sign': return { url: await sign({ ...(endpoint ? { endpoint } : {}), ...body }) };
    case '/api/create': {
      const r = await admin.send(new CreateMultipartUploadCommand({
        Bucket: body.bucket, Key: body.key, ...(body.contentType ? { ContentType: body.contentType } : {}),
      }));
      return { uploadId: r.UploadId, key: r.Key || body.key };
    }
    case '/api/complete': {
      const r = await admin.send(new CompleteMultipartUploadCommand({
        Bucket: body.bucket, Key: body.key, UploadId: body.uploadId,
        MultipartUpload: { Parts: body.parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) },
      }));
      return { etag: r.ETag };
    }
    case '/api/abort':
      await admin.send(new AbortMultipartUploadCommand({ Bucket: body.bucket, Key: body.key, UploadId: body.uploadId }));
      return {};
    case '/api/list-parts': {
      const r = await admin.send(new ListPartsCommand({ Bucket: body.bucket, Key: body.key, UploadId: body.uploadId }));
      return { parts: (r.Parts || []).map((p) => ({ partNumber: p.PartNumber, size: p.Size, etag: p.ETag })) };
    }
    case '/api/presets': return presets || [];
    default: return extraApi ? extraApi(path, body) : null;
  }
}

async function serveStatic(url, res, roots) {
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  for (const [prefix, dir] of roots) {
    if (!path.startsWith(prefix)) continue;
    const rel = normalize(path.slice(prefix.length));
    if (rel.startsWith('..')) break;
    try {
      const data = await readFile(join(dir, rel));
      res.writeHead(200, { 'content-type': MIME[extname(rel)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
      return;
    } catch { /* try the next root */ }
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

/**
 * Starts the page server at `origin` (http or https; https needs `tls: { key, cert }`).
 * Resolves to the node server once it listens.
 */
/**
 * Options: `endpoint` (the S3 server to administer and presign for; default S3_ENDPOINT),
 * `roots` ([[urlPrefix, absoluteDir], ...] to serve instead of the demo's), `extraApi`
 * (path, body) => result or null, for endpoints of a caller's own (the benchmarks').
 */
export function startBackend(origin, { tls, presets, endpoint, roots = STATIC, extraApi, quiet = true } = {}) {
  const u = new URL(origin);
  const handler = async (req, res) => {
    const url = new URL(req.url, origin);
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        let raw = '';
        for await (const chunk of req) raw += chunk;
        const out = await api(url.pathname, raw ? JSON.parse(raw) : {}, { presets, endpoint, extraApi });
        if (out === null) { res.writeHead(404); res.end('{}'); return; }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/api/presets') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(presets || []));
        return;
      }
      await serveStatic(url, res, roots);
    } catch (err) {
      if (!quiet) console.error(`backend: ${req.method} ${url.pathname}: ${err.name}`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err.name, message: String(err.message).slice(0, 300) }));
    }
  };
  const server = u.protocol === 'https:' ? https.createServer(tls, handler) : http.createServer(handler);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  // localhost may resolve to ::1 or 127.0.0.1: listen on both where the machine has IPv6.
  server.keepAliveTimeout = 60_000; // parts reuse connections across a long upload
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      if (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL') {
        server.listen(port, '127.0.0.1', () => resolve(server));
      } else reject(err);
    });
    server.listen({ port, host: '::', ipv6Only: false }, () => resolve(server));
  });
}
