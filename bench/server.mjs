// The page origin of the throughput benchmark: serves the bench page and the contenders'
// bundles, and is the app's backend for the presigned contenders. It presigns with the same
// code as the demo's backend (`sign()` in www/backend.mjs, the official AWS SDK presigner),
// pointed at the bench's S3 server (`endpoint`), and creates/completes/aborts there with the
// SDK.
//
// API (POST, JSON):
//   /api/create       { bucket, key, contentType? }              -> { uploadId, key }
//   /api/sign         { op: 'part'|'put'|'complete'|'abort', bucket, key, uploadId?, partNumber? } -> { url }
//   /api/complete     { bucket, key, uploadId, parts: [{ PartNumber, ETag }] } -> { etag }
//   /api/abort        { bucket, key, uploadId }                  -> {}
//   /api/list-parts   { bucket, key, uploadId }                  -> { parts: [{ partNumber, size, etag }] }
//   /api/sign-request { bucket, method, key, uploadId?, partNumber? } -> { url }  (Uppy 6's signRequest)

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import {
  CreateMultipartUploadCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand,
  ListPartsCommand, UploadPartCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sign, s3Client } from '../www/backend.mjs';
import { ROOT } from '../tests/support/servers.mjs';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
};

/** Starts the page server at `origin` (http://localhost:PORT) for the S3 server at `endpoint`. */
export function startBenchServer(origin, { endpoint, bundles }) {
  const admin = s3Client(endpoint);
  const STATIC = [['/bundles/', bundles], ['/page/', join(ROOT, 'bench', 'page')], ['/support/', join(ROOT, 'tests', 'support')]];

  async function api(path, b) {
    switch (path) {
      case '/api/create': {
        const r = await admin.send(new CreateMultipartUploadCommand({
          Bucket: b.bucket, Key: b.key, ...(b.contentType ? { ContentType: b.contentType } : {}),
        }));
        return { uploadId: r.UploadId, key: r.Key || b.key };
      }
      case '/api/sign':
        return { url: await sign({ ...b, endpoint }) };
      case '/api/complete': {
        const r = await admin.send(new CompleteMultipartUploadCommand({
          Bucket: b.bucket, Key: b.key, UploadId: b.uploadId,
          MultipartUpload: { Parts: b.parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) },
        }));
        return { etag: r.ETag };
      }
      case '/api/abort':
        await admin.send(new AbortMultipartUploadCommand({ Bucket: b.bucket, Key: b.key, UploadId: b.uploadId }));
        return {};
      case '/api/list-parts': {
        const r = await admin.send(new ListPartsCommand({ Bucket: b.bucket, Key: b.key, UploadId: b.uploadId }));
        return { parts: (r.Parts || []).map((p) => ({ partNumber: p.PartNumber, size: p.Size, etag: p.ETag })) };
      }
      case '/api/sign-request': {
        const input = { Bucket: b.bucket, Key: b.key };
        let command;
        if (b.method === 'POST' && !b.uploadId) command = new CreateMultipartUploadCommand(input);
        else if (b.method === 'PUT' && b.uploadId) command = new UploadPartCommand({ ...input, UploadId: b.uploadId, PartNumber: b.partNumber });
        else if (b.method === 'POST') command = new CompleteMultipartUploadCommand({ ...input, UploadId: b.uploadId });
        else if (b.method === 'DELETE' && b.uploadId) command = new AbortMultipartUploadCommand({ ...input, UploadId: b.uploadId });
        else if (b.method === 'GET' && b.uploadId) command = new ListPartsCommand({ ...input, UploadId: b.uploadId });
        else if (b.method === 'PUT') command = new PutObjectCommand(input);
        else throw new Error(`cannot sign ${b.method}`);
        return { url: await getSignedUrl(s3Client(endpoint), command, { expiresIn: 900 }) };
      }
      default:
        return null;
    }
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, origin);
    try {
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        let raw = '';
        for await (const chunk of req) raw += chunk;
        const out = await api(url.pathname, raw ? JSON.parse(raw) : {});
        if (out === null) { res.writeHead(404); res.end('{}'); return; }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(out));
        return;
      }
      const path = decodeURIComponent(url.pathname);
      for (const [prefix, dir] of STATIC) {
        if (!path.startsWith(prefix)) continue;
        const rel = normalize(path.slice(prefix.length) || 'index.html');
        if (rel.startsWith('..')) break;
        try {
          const data = await readFile(join(dir, rel));
          res.writeHead(200, { 'content-type': MIME[extname(rel)] || 'application/octet-stream', 'cache-control': 'no-store' });
          res.end(data);
          return;
        } catch { /* next */ }
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err.name, message: String(err.message).slice(0, 300) }));
    }
  });
  server.keepAliveTimeout = 60_000;
  const port = Number(new URL(origin).port);
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      if (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL') server.listen(port, '127.0.0.1', () => resolve(server));
      else reject(err);
    });
    server.listen({ port, host: '::', ipv6Only: false }, () => resolve(server));
  });
}
