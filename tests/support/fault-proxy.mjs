// A fault-injecting HTTP proxy for tests: sits between the browser and LocalStack and,
// for upload requests (PUT and POST, not the diagnosis probes), injects faults chosen by
// a seeded PRNG so that a failing run can be replayed with the same seed:
//   reset     the connection is destroyed while the request body arrives
//   s500      500 InternalError (with CORS headers, as S3 sends them)
//   s503      503 SlowDown
//   delay     the answer comes 0.2–1.5 s late
//   stall     nothing happens for `stallMs`, then the connection is dropped
//   truncate  the real answer, cut off half-way through its body
// Preflights, GETs and DELETEs pass untouched. Loopback only.
import http from 'node:http';

/** mulberry32: a small seeded PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS = ['reset', 's500', 's503', 'delay', 'stall', 'truncate'];

/**
 * Starts the proxy. `rate` is the chance that an upload request gets a fault (split evenly
 * across `faults`). Resolves to `{ url, stats, requests, stop }`.
 */
export function startFaultProxy({ upstream = 'http://127.0.0.1:4566', seed = 1, rate = 0.15, faults = FAULTS, stallMs = 6000 } = {}) {
  const random = prng(seed);
  const target = new URL(upstream);
  const stats = Object.fromEntries(faults.map((f) => [f, 0]));
  const requests = { total: 0, parts: new Map() };

  const cors = (req) => ({
    'access-control-allow-origin': req.headers.origin || '*',
    'access-control-expose-headers': 'ETag',
    vary: 'Origin',
  });
  const xmlError = (res, req, status, code, message) => {
    res.writeHead(status, { 'content-type': 'application/xml', ...cors(req) });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`);
  };

  function forward(req, res, { truncate = false } = {}) {
    const up = http.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers,
    }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      if (!truncate) { upRes.pipe(res); return; }
      let sent = 0;
      const cut = Math.floor(Number(upRes.headers['content-length'] || 0) / 2);
      upRes.on('data', (chunk) => {
        if (sent >= cut) return;
        res.write(chunk.subarray(0, Math.max(0, cut - sent)));
        sent += chunk.length;
        if (sent >= cut) res.socket?.destroy();
      });
      upRes.on('end', () => res.socket?.destroy());
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  }

  const server = http.createServer((req, res) => {
    requests.total++;
    const url = new URL(req.url, 'http://proxy');
    if (req.method === 'PUT' && url.searchParams.has('partNumber') && !url.pathname.includes('upload-doctor-probe')) {
      const id = `${url.pathname}#${url.searchParams.get('uploadId')}#${url.searchParams.get('partNumber')}`;
      requests.parts.set(id, (requests.parts.get(id) || 0) + 1);
    }
    const faultable = (req.method === 'PUT' || req.method === 'POST') && !url.pathname.includes('upload-doctor-probe');
    const fault = faultable && random() < rate ? faults[Math.floor(random() * faults.length)] : null;
    if (!fault) return forward(req, res);
    stats[fault]++;
    switch (fault) {
      case 'reset':
        req.once('data', () => req.socket.destroy());
        req.once('end', () => req.socket.destroy());
        return;
      case 's500':
        req.resume();
        return req.on('end', () => xmlError(res, req, 500, 'InternalError', 'We encountered an internal error. Please try again.'));
      case 's503':
        req.resume();
        return req.on('end', () => xmlError(res, req, 503, 'SlowDown', 'Please reduce your request rate.'));
      case 'delay':
        return setTimeout(() => forward(req, res), 200 + Math.floor(random() * 1300));
      case 'stall':
        req.resume();
        return setTimeout(() => req.socket.destroy(), stallMs);
      case 'truncate':
        return forward(req, res, { truncate: true });
      default:
        return forward(req, res);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        stats,
        requests,
        /** Upload-part requests beyond one per part: the retries the proxy saw. */
        retries: () => [...requests.parts.values()].reduce((n, c) => n + c - 1, 0),
        stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
