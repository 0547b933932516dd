// The throughput page: makes the test file once per size (deterministic bytes, in the page),
// loads a contender's bundle and times one upload. Driven by bench/run.mjs.
import { content } from '/support/content.mjs';

const MiB = 1048576;
const files = {};
const modules = {};

/**
 * Takes the `mib` MiB file from the file input, where the bench put it (a file on disk with
 * `content(size, 9)`'s bytes, written by bench/throughput.mjs): a File as a file picker
 * gives it. (A File made in the page from bytes lives in the blob store, which refuses
 * blobs of about 480 MiB and more in this Chromium.)
 */
window.takeFile = (mib) => {
  const f = document.getElementById('file').files[0];
  files[mib] = new File([f], 'bench.bin', { type: 'application/octet-stream' });
  if (files[mib].size !== mib * MiB) throw new Error(`the file input holds ${f.size} bytes, not ${mib * MiB}`);
  return files[mib].size;
};

window.loadContender = async (name) => {
  modules[name] ??= await import(`/bundles/${name}.js`);
  return Object.keys(modules[name]);
};

/** Wasm linear memory of ours (null for the others). It only ever grows, so its value
 *  after an upload is also its peak during it. */
window.wasmBytes = async (name) => (modules[name]?.wasmMemoryBytes ? modules[name].wasmMemoryBytes() : null);

/** One timed upload: from the call to the promise settling (create, parts, complete). */
window.uploadOnce = async (name, mib, cfg) => {
  const t0 = performance.now();
  try {
    await modules[name].upload(files[mib], cfg);
    return { ok: true, ms: performance.now() - t0 };
  } catch (e) {
    return { ok: false, ms: performance.now() - t0, error: `${e?.name}: ${e?.code ?? ''} ${e?.message ?? e}` };
  }
};

/**
 * Why a contender that hands `fetch` bytes instead of a Blob is slow here: `concurrency`
 * parallel PUTs of `partSize` bytes to the S3 server, once with a Blob body and once with
 * the same bytes as a Uint8Array. Returns the ms of each kind.
 */
window.bodyKinds = async (endpoint, partSize, concurrency) => {
  const bytes = content(partSize, 3);
  const blob = new Blob([bytes]);
  const created = await (await fetch(`${endpoint}/body-test/k?uploads`, { method: 'POST' })).text();
  const id = /<UploadId>([^<]+)<\/UploadId>/.exec(created)[1];
  const put = (n, body) => fetch(`${endpoint}/body-test/k?partNumber=${n}&uploadId=${id}`, { method: 'PUT', body })
    .then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); });
  const time = async (body) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, i) => put(i + 1, body)));
    return performance.now() - t0;
  };
  return { blob: await time(blob), bytes: await time(bytes) };
};

/**
 * Records every fetch and XHR the page starts from now on: { kind, t0, t1 }, where kind is
 * the backend call ('create', 'sign', ...) or the method of a request to the S3 server.
 * Wrapping costs the same for every contender. For the per-part timeline in bench/run.mjs.
 */
window.trace = [];
window.startTrace = () => {
  if (window.traceOn) return;
  window.traceOn = true;
  const kindOf = (url, method) => (String(url).includes('/api/') ? String(url).split('/api/')[1] : method || 'GET');
  const original = window.fetch;
  window.fetch = (input, init) => {
    const e = { kind: kindOf(input?.url ?? input, init?.method ?? input?.method), t0: performance.now(), t1: null };
    window.trace.push(e);
    const p = original(input, init);
    p.then(() => { e.t1 = performance.now(); }, () => { e.t1 = performance.now(); });
    return p;
  };
  const { open, send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.traceEntry = { kind: kindOf(url, method), t0: 0, t1: null };
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    const e = this.traceEntry;
    e.t0 = performance.now();
    window.trace.push(e);
    this.addEventListener('loadend', () => { e.t1 = performance.now(); });
    return send.call(this, body);
  };
};

/** One traced upload: the timing of every request it made, relative to the call. */
window.tracedUpload = async (name, mib, cfg) => {
  window.trace = [];
  const t00 = performance.now();
  const r = await window.uploadOnce(name, mib, cfg);
  const end = performance.now();
  return { ...r, t00, end, trace: window.trace.map((e) => ({ ...e })) };
};

window.benchReady = true;
