// A minimal S3-compatible part sink for the throughput benchmark: fast enough that the
// browser, not the server, is what is measured. It speaks just enough of the S3 REST API
// (path-style) for every contender:
//
//   POST   /<bucket>/<key>?uploads                      CreateMultipartUpload
//   PUT    /<bucket>/<key>?partNumber=N&uploadId=ID     UploadPart (bytes counted, then dropped)
//   POST   /<bucket>/<key>?uploadId=ID                  CompleteMultipartUpload (checks every part)
//   DELETE /<bucket>/<key>?uploadId=ID                  AbortMultipartUpload
//   GET    /<bucket>/<key>?uploadId=ID                  ListParts
//   PUT    /<bucket>/<key>                              PutObject (bytes counted, then dropped)
//   GET/HEAD /<bucket>/<key>                            the size and ETag of a completed object (no bytes)
//   OPTIONS *                                           a CORS preflight that allows the asking origin
//
// Every response carries CORS headers for the asking origin and exposes ETag. It does NOT
// verify signatures (presigned or in-page SigV4 alike): that is what makes it fair to point
// a contender that signs in the page (lib-storage) and the presigned ones at the same
// server. Bytes are counted, never stored, so completion can check that each part arrived
// whole: a contender that skipped or truncated a part fails instead of looking fast.
//
//   node bench/sink.mjs [port]     (standalone, for poking at it; SINK_LOG=1 logs each request's
//                                   arrival time and duration to stderr)

import http from 'node:http';
import { randomBytes } from 'node:crypto';

const xml = (body) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const unquote = (etag) => etag.replace(/"/g, '').trim();
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function cors(req, res) {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'ETag, x-amz-version-id, x-amz-request-id');
}

function s3Error(req, res, status, code, message) {
  cors(req, res);
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(xml(`<Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`));
}

/** Reads and drops a request body; resolves to its length in bytes. */
function drain(req) {
  return new Promise((resolve, reject) => {
    let n = 0;
    req.on('data', (chunk) => { n += chunk.length; });
    req.on('end', () => resolve(n));
    req.on('error', reject);
  });
}

async function text(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the sink on 127.0.0.1:`port` (0: any free port). Resolves to
 * `{ port, endpoint, stats, close }`; `stats` counts requests and bytes received.
 */
export function startSink(port = 0) {
  const uploads = new Map(); // uploadId -> { bucket, key, parts: Map(n -> { size, etag }) }
  const objects = new Map(); // "bucket/key" -> { size, etag }
  const stats = { requests: 0, preflights: 0, bytes: 0, parts: 0, completed: 0 };

  const server = http.createServer(async (req, res) => {
    stats.requests++;
    if (process.env.SINK_LOG) {
      const t0 = performance.now();
      res.on('finish', () => console.error(`sink @${t0.toFixed(0)} ${(performance.now() - t0).toFixed(1).padStart(7)} ms ${res.statusCode} ${req.method} ${req.url.slice(0, 80)} ${req.headers['content-length'] ?? ''}`));
    }
    const url = new URL(req.url, 'http://sink');
    const q = url.searchParams;
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const slash = path.indexOf('/');
    const bucket = slash < 0 ? path : path.slice(0, slash);
    const key = slash < 0 ? '' : path.slice(slash + 1);
    try {
      if (req.method === 'OPTIONS') {
        stats.preflights++;
        cors(req, res);
        res.setHeader('access-control-allow-methods', 'GET, PUT, POST, DELETE, HEAD');
        const asked = req.headers['access-control-request-headers'];
        if (asked) res.setHeader('access-control-allow-headers', asked);
        res.setHeader('access-control-max-age', '3000');
        res.writeHead(200);
        res.end();
        return;
      }
      if (!bucket || !key) {
        // Bucket-level calls (CreateBucket, PutBucketCors, ...): accepted and ignored.
        await drain(req);
        cors(req, res);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(xml('<Ok/>'));
        return;
      }
      if (req.method === 'POST' && q.has('uploads')) {
        await drain(req);
        const id = randomBytes(12).toString('hex');
        uploads.set(id, { bucket, key, parts: new Map() });
        cors(req, res);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(xml(`<InitiateMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`));
        return;
      }
      if (req.method === 'PUT' && q.has('uploadId')) {
        const up = uploads.get(q.get('uploadId'));
        const n = Number(q.get('partNumber'));
        const size = await drain(req);
        stats.bytes += size;
        if (!up) return s3Error(req, res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
        if (!(n >= 1 && n <= 10000)) return s3Error(req, res, 400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
        const etag = `"${randomBytes(16).toString('hex')}"`;
        up.parts.set(n, { size, etag });
        stats.parts++;
        cors(req, res);
        res.writeHead(200, { etag });
        res.end();
        return;
      }
      if (req.method === 'POST' && q.has('uploadId')) {
        const id = q.get('uploadId');
        const up = uploads.get(id);
        const body = await text(req);
        if (!up) return s3Error(req, res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
        const listed = [...body.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
          n: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1])?.[1]),
          etag: /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1])?.[1]?.replace(/&quot;/g, '"'),
        }));
        if (listed.length === 0) return s3Error(req, res, 400, 'MalformedXML', 'The XML you provided was not well-formed');
        let size = 0;
        for (const [i, p] of listed.entries()) {
          const have = up.parts.get(p.n);
          if (p.n !== i + 1) return s3Error(req, res, 400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
          if (!have || unquote(have.etag) !== unquote(p.etag ?? '')) return s3Error(req, res, 400, 'InvalidPart', `Part ${p.n} was not uploaded or its ETag differs.`);
          size += have.size;
        }
        const etag = `"${randomBytes(16).toString('hex')}-${listed.length}"`;
        objects.set(`${bucket}/${key}`, { size, etag });
        uploads.delete(id);
        stats.completed++;
        cors(req, res);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(xml(`<CompleteMultipartUploadResult><Location>/${esc(bucket)}/${esc(key)}</Location><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><ETag>${esc(etag)}</ETag></CompleteMultipartUploadResult>`));
        return;
      }
      if (req.method === 'DELETE' && q.has('uploadId')) {
        uploads.delete(q.get('uploadId'));
        cors(req, res);
        res.writeHead(204);
        res.end();
        return;
      }
      if (req.method === 'GET' && q.has('uploadId')) {
        const up = uploads.get(q.get('uploadId'));
        if (!up) return s3Error(req, res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
        const parts = [...up.parts.entries()].sort((a, b) => a[0] - b[0])
          .map(([n, p]) => `<Part><PartNumber>${n}</PartNumber><ETag>${esc(p.etag)}</ETag><Size>${p.size}</Size></Part>`).join('');
        cors(req, res);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(xml(`<ListPartsResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${esc(q.get('uploadId'))}</UploadId><IsTruncated>false</IsTruncated>${parts}</ListPartsResult>`));
        return;
      }
      if (req.method === 'PUT') {
        const size = await drain(req);
        stats.bytes += size;
        const etag = `"${randomBytes(16).toString('hex')}"`;
        objects.set(`${bucket}/${key}`, { size, etag });
        cors(req, res);
        res.writeHead(200, { etag });
        res.end();
        return;
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const o = objects.get(`${bucket}/${key}`);
        if (!o) return s3Error(req, res, 404, 'NoSuchKey', 'The specified key does not exist.');
        cors(req, res);
        res.writeHead(200, { etag: o.etag, 'x-sink-size': String(o.size), 'content-length': '0' });
        res.end();
        return;
      }
      await drain(req);
      s3Error(req, res, 405, 'MethodNotAllowed', `${req.method} is not supported by the bench sink`);
    } catch (err) {
      if (!res.headersSent) s3Error(req, res, 500, 'InternalError', String(err?.message || err));
    }
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = server.address().port;
      resolve({
        port: p,
        endpoint: `http://127.0.0.1:${p}`,
        stats,
        /** The size the sink counted for a completed object, or null. */
        objectSize: (bucket, key) => objects.get(`${bucket}/${key}`)?.size ?? null,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sink = await startSink(Number(process.argv[2] || 5511));
  console.log(`bench sink listening at ${sink.endpoint}`);
  // Started by the bench (bench/throughput.mjs): go when it goes.
  if (process.send) process.on('disconnect', () => process.exit(0));
}
