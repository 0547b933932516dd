// Runs one upload scenario in the page with the built package, as an app would: the
// backend (same origin) presigns, the library uploads. Driven by tests/run-cases.
import init, { putObject, uploadFetch, multipartUpload, isUploadError } from '/pkg/web/upload_doctor.js';
import { content } from '/support/content.mjs';

// Every console line the page's scripts print (the library's explanations among them);
// the browser's own network messages do not pass through here.
window.consoleLines = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'group', 'groupCollapsed']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    window.consoleLines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    original(...args);
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(`backend ${path}: ${j.error}: ${j.message}`);
  return j;
}

export function describeError(e) {
  return {
    isError: e instanceof Error, isUploadError: isUploadError(e), hasStack: typeof e?.stack === 'string',
    name: e?.name, message: String(e?.message), code: e?.code ?? null, origin: e?.origin ?? null,
    method: e?.method ?? null, url: e?.url ?? null, headers: e?.headers ?? null, evidence: e?.evidence ?? null,
    fix: e?.fix ?? null, hint: e?.hint ?? null, candidates: e?.candidates ?? null, status: e?.status ?? null,
    aborted: e?.aborted ?? null, probes: e?.probes ?? null,
    explain: typeof e?.explain === 'function' ? e.explain() : null,
  };
}

/** spec: { kind, size, type, headers, sign, part_size, complete, bucket, key, endpoint, seed, concurrency } */
window.runUpload = async (spec) => {
  const urls = [];
  const sign = spec.sign || {};
  const signArgs = { bucket: spec.bucket, key: spec.key, expiresIn: sign.expires_in, region: sign.region, endpoint: spec.endpoint };
  const signed = async (extra) => {
    const { url } = await api('/api/sign', { ...signArgs, ...extra });
    urls.push(url);
    if (sign.wait_s) await sleep(sign.wait_s * 1000);
    return url;
  };
  const file = new File([content(spec.size, spec.seed)], spec.key.split('/').pop(), { type: spec.type ?? '' });
  const started = performance.now();
  try {
    let result;
    if (spec.kind === 'put') {
      const url = await signed({ op: 'put', contentType: sign.content_type, headers: sign.headers });
      const r = await putObject(url, file, { headers: spec.headers });
      result = { etag: r.etag, status: r.status };
    } else if (spec.kind === 'fetch') {
      const url = await signed({ op: 'put', contentType: sign.content_type, headers: sign.headers });
      const resp = await uploadFetch(url, { method: 'PUT', body: file, headers: spec.headers });
      result = { isResponse: resp instanceof Response, status: resp.status, etag: resp.headers.get('etag') };
    } else if (spec.kind === 'multipart') {
      const ids = ({ uploadId, key }) => ({ bucket: spec.bucket, key, uploadId });
      const browser = spec.complete === 'browser';
      const r = await multipartUpload(file, {
        partSize: spec.part_size,
        concurrency: spec.concurrency,
        createMultipartUpload: ({ contentType }) => api('/api/create', { bucket: spec.bucket, key: spec.key, contentType }),
        signPart: ({ uploadId, key, partNumber }) => signed({ op: 'part', key, uploadId, partNumber }),
        ...(browser
          ? { signComplete: (a) => signed({ op: 'complete', ...ids(a) }), signAbort: (a) => signed({ op: 'abort', ...ids(a) }) }
          : { completeMultipartUpload: (a) => api('/api/complete', { ...ids(a), parts: a.parts }),
              abortMultipartUpload: (a) => api('/api/abort', ids(a)) }),
      });
      result = { etag: r.etag, parts: r.parts.length, uploadId: r.uploadId };
    } else {
      throw new Error(`unknown upload kind ${spec.kind}`);
    }
    return { ok: true, ...result, urls, ms: performance.now() - started, consoleLines: window.consoleLines };
  } catch (e) {
    return { ok: false, error: describeError(e), urls, ms: performance.now() - started, consoleLines: window.consoleLines };
  }
};

const wasm = await init();
// For flow tests and benchmarks: the library, the backend and the Wasm memory size.
window.lib = { putObject, uploadFetch, multipartUpload, isUploadError, describeError, content, api };
window.wasmMemoryBytes = () => wasm.memory.buffer.byteLength;
// JS values the Wasm side still holds (wasm-bindgen's externref table): callbacks,
// promises and objects not yet released.
window.liveRefs = () => {
  const table = wasm.__wbindgen_externrefs;
  let live = 0;
  for (let i = 0; i < table.length; i++) if (table.get(i) !== undefined) live++;
  return live;
};
window.harnessReady = true;
