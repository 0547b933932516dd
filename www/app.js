// The demo page: choose a file and a destination, upload with upload-doctor, and show
// either the ETag or the diagnosed error with the CORS rule to add.
import init, { putObject, multipartUpload, isUploadError } from '/pkg/web/upload_doctor.js';

const MiB = 1024 * 1024;
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ui = {
  file: $('file'), generate: $('generate'), genSize: $('gen-size'), fileInfo: $('file-info'),
  preset: $('preset'), presetAbout: $('preset-about'), presetCors: $('preset-cors'), ownUrl: $('own-url'),
  multipart: $('multipart'), partSize: $('part-size'),
  upload: $('upload'), progress: $('progress'), status: $('status'), result: $('result'),
};

let presets = [];
/** The file to upload: chosen by the user or generated. */
let chosenFile = null;

// ---- the backend (same origin): presigning and multipart bookkeeping ----

async function api(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`the demo backend failed on ${path}: ${j.error || r.status}: ${j.message || ''}`);
  return j;
}

// ---- the file ----

/** A test file of `mib` MiB with a PNG type (the content is random bytes). */
function testFile(mib) {
  const bytes = new Uint8Array(Math.round(mib * MiB));
  const chunk = crypto.getRandomValues(new Uint8Array(65536));
  for (let i = 0; i < bytes.length; i += chunk.length) bytes.set(chunk.subarray(0, bytes.length - i), i);
  return new File([bytes], `test-${mib}MiB.png`, { type: 'image/png' });
}

function formatSize(n) {
  return n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

function setFile(file) {
  chosenFile = file;
  ui.fileInfo.textContent = `${file.name}: ${formatSize(file.size)}, type ${file.type || '(none)'}`;
}

// ---- the destination ----

const currentPreset = () => presets.find((p) => p.id === ui.preset.value);
const target = () => document.querySelector('input[name="target"]:checked').value;

function showPreset() {
  const p = currentPreset();
  if (!p) return;
  ui.presetAbout.textContent = `${p.about} Expected outcome: ${p.expect}.`;
  ui.presetCors.textContent = p.cors ? JSON.stringify(p.cors, null, 2) : '(none: the bucket has no CORS configuration)';
  ui.multipart.checked = Boolean(p.multipart);
  if (p.multipart) ui.partSize.value = p.multipart.partSizeMiB;
  ui.genSize.value = p.fileSizeMiB;
}

function selectTarget(value) {
  document.querySelector(`input[name="target"][value="${value}"]`).checked = true;
  ui.multipart.disabled = value === 'url';
  if (value === 'url') ui.multipart.checked = false;
}

// ---- uploading ----

function setBusy(busy, text = '') {
  ui.upload.disabled = busy;
  ui.progress.hidden = !busy;
  ui.progress.removeAttribute('value');
  ui.status.textContent = text;
}

function onProgress({ loaded, total }) {
  ui.progress.max = total;
  ui.progress.value = loaded;
  ui.status.textContent = `${formatSize(loaded)} of ${formatSize(total)}`;
}

/** How a preset presigns: the backend's /api/sign arguments, then the preset's wait. */
function signer(p) {
  const sign = p.sign || {};
  return async (args) => {
    const { url } = await api('/api/sign', {
      bucket: p.bucket, expiresIn: sign.expires_in, endpoint: p.bucketHost, ...args,
    });
    if (sign.wait_s) {
      ui.status.textContent = `waiting ${sign.wait_s} s between signing and uploading...`;
      await sleep(sign.wait_s * 1000);
    }
    return url;
  };
}

async function uploadToPreset(p, file, multipart) {
  const signed = signer(p);
  const key = `demo/${Date.now()}-${file.name.replace(/[^\w.-]/g, '_')}`;
  if (!multipart) {
    const url = await signed({ op: 'put', key, contentType: p.sign?.content_type, headers: p.sign?.headers });
    ui.status.textContent = 'uploading...';
    return putObject(url, file, { headers: p.headers });
  }
  const ids = ({ uploadId, key: k }) => ({ bucket: p.bucket, key: k, uploadId });
  return multipartUpload(file, {
    partSize: Math.max(5, Number(ui.partSize.value) || 5) * MiB,
    createMultipartUpload: ({ contentType }) => api('/api/create', { bucket: p.bucket, key, contentType }),
    signPart: async ({ uploadId, key: k, partNumber }) => {
      const url = await signed({ op: 'part', key: k, uploadId, partNumber });
      return p.headers ? { url, headers: p.headers } : url;
    },
    completeMultipartUpload: (a) => api('/api/complete', { ...ids(a), parts: a.parts }),
    abortMultipartUpload: (a) => api('/api/abort', ids(a)),
    onProgress,
  });
}

/** Runs one upload from the form's state and shows the outcome. */
async function upload() {
  if (target() === 'url' && !ui.ownUrl.value.trim()) {
    ui.status.textContent = 'Paste a presigned PUT URL first.';
    ui.ownUrl.focus();
    return null;
  }
  const file = chosenFile || testFile(Number(ui.genSize.value) || 1);
  if (!chosenFile) setFile(file);
  const multipart = ui.multipart.checked;
  setBusy(true, multipart ? 'starting the multipart upload...' : 'signing...');
  ui.result.hidden = true;
  let outcome;
  try {
    let result;
    if (target() === 'url') {
      const url = ui.ownUrl.value.trim();
      ui.status.textContent = 'uploading...';
      result = await putObject(url, file, {});
    } else {
      result = await uploadToPreset(currentPreset(), file, multipart);
    }
    outcome = { ok: true, etag: result.etag, parts: result.parts?.length };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    setBusy(false);
  }
  showResult(outcome, file);
  return outcome;
}

// ---- the outcome ----

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function copyButton(text) {
  const button = el('button', { type: 'button', class: 'copy' }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy by hand';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  return button;
}

/** A CORS rule as JSON, one field a line (as the library's explanation prints it). */
function ruleJson(rule) {
  const fields = Object.entries(rule).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${fields.join(',\n')}\n}`;
}

function facts(rows) {
  const dl = el('dl', { class: 'facts' });
  for (const [name, value] of rows) dl.append(el('dt', {}, name), el('dd', {}, value));
  return dl;
}

function showResult(outcome, file) {
  const box = ui.result;
  box.replaceChildren();
  box.hidden = false;
  if (outcome.ok) {
    box.className = 'card result ok';
    box.append(
      el('h2', {}, 'Uploaded'),
      facts([
        ['File', `${file.name} (${formatSize(file.size)})`],
        ['ETag', el('code', {}, outcome.etag || '(empty)')],
        ...(outcome.parts ? [['Parts', String(outcome.parts)]] : []),
      ]),
    );
    return;
  }
  const e = outcome.error;
  box.className = 'card result failed';
  if (!isUploadError(e)) {
    box.append(el('h2', {}, 'The demo itself failed'), el('pre', { class: 'code' }, String(e?.message || e)));
    return;
  }
  const fixJson = e.fix ? ruleJson(e.fix) : null;
  box.append(
    el('p', { class: 'error-code' }, el('code', {}, e.code)),
    el('h2', {}, e.message),
    facts([
      ['Page origin', el('code', {}, e.origin)],
      ['Method', el('code', {}, e.method)],
      ['Headers', e.headers?.length ? el('code', {}, e.headers.join(', ')) : '—'],
      ...(e.status ? [['HTTP status', String(e.status)]] : []),
      ...(e.aborted !== undefined ? [['Multipart upload aborted', e.aborted ? 'yes, no parts left behind' : 'no']] : []),
    ]),
    fixJson
      ? el('div', { class: 'fix' },
        el('div', { class: 'fix-head' },
          el('h3', {}, 'Add this rule first in the bucket\'s CORS configuration'), copyButton(fixJson)),
        el('pre', { class: 'code' }, fixJson))
      : el('div', { class: 'fix' }, el('h3', {}, 'What to do'), el('p', {}, e.hint || '')),
    el('details', { open: '' },
      el('summary', {}, 'Explanation (err.explain(), also printed to the browser console)'),
      el('pre', { class: 'code explain' }, e.explain())),
  );
}

/** The outcome as a plain object, for scripts. */
function summary(outcome) {
  if (outcome.ok) {
    return { ok: true, etag: outcome.etag ?? null, code: null, origin: null, method: null, headers: null, fix: null };
  }
  const e = outcome.error;
  return {
    ok: false, etag: null, code: e?.code ?? 'demo/unexpected', origin: e?.origin ?? null, method: e?.method ?? null,
    headers: e?.headers ?? null, fix: e?.fix ?? null, message: String(e?.message ?? e),
  };
}

// ---- wiring ----

ui.file.addEventListener('change', () => {
  if (ui.file.files[0]) setFile(ui.file.files[0]);
});
ui.generate.addEventListener('click', () => {
  ui.file.value = '';
  setFile(testFile(Number(ui.genSize.value) || 1));
});
ui.preset.addEventListener('change', () => { selectTarget('preset'); showPreset(); });
ui.ownUrl.addEventListener('input', () => selectTarget('url'));
for (const radio of document.querySelectorAll('input[name="target"]')) {
  radio.addEventListener('change', () => selectTarget(radio.value));
}
ui.upload.addEventListener('click', () => { upload(); });

/** Runs preset `id` on a fresh test file of the preset's size; resolves to a plain summary. */
window.demoRun = async (id) => {
  if (!presets.some((p) => p.id === id)) throw new Error(`unknown preset ${id}`);
  ui.preset.value = id;
  selectTarget('preset');
  showPreset();
  ui.file.value = '';
  setFile(testFile(currentPreset().fileSizeMiB));
  return summary(await upload());
};

$('page-origin').textContent = location.origin;
presets = await fetch('/api/presets').then((r) => r.json());
for (const p of presets) ui.preset.append(el('option', { value: p.id }, p.label));
if (presets.length === 0) {
  ui.preset.disabled = true;
  ui.presetAbout.textContent = 'This server has no presets; paste your own presigned URL below.';
  selectTarget('url');
} else {
  showPreset();
}
await init();
window.demoReady = true;
