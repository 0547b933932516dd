// A small upload form with upload-doctor, plain DOM and no build step. With a bundler,
// `import { putObject, multipartUpload, isUploadError } from 'upload-doctor'` instead and
// drop `init()`.
import init, { putObject, multipartUpload, isUploadError } from '/pkg/web/upload_doctor.js';

const $ = (id) => document.getElementById(id);
const MiB = 1024 * 1024;
const params = new URLSearchParams(location.search);
if (params.get('bucket')) $('bucket').add(new Option(params.get('bucket'), params.get('bucket'), true, true));

// The app's backend presigns (www/backend.mjs here; yours has the same role).
async function api(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path} answered ${r.status}`);
  return r.json();
}

/** Uploads `file`: one PUT for small files, 5 MiB parts (with progress) for large ones. */
async function upload(file, bucket, signal, onProgress) {
  const key = `uploads/${Date.now()}-${file.name}`;
  if (file.size <= 5 * MiB) {
    const { url } = await api('/api/sign', { op: 'put', bucket, key, contentType: file.type || undefined });
    const { etag } = await putObject(url, file, { signal });
    onProgress({ loaded: file.size, total: file.size });
    return { key, etag };
  }
  const ids = ({ uploadId, key }) => ({ bucket, key, uploadId });
  return multipartUpload(file, {
    partSize: 5 * MiB,
    signal,
    onProgress,
    createMultipartUpload: ({ contentType }) => api('/api/create', { bucket, key, contentType }),
    signPart: async ({ uploadId, key, partNumber }) => (await api('/api/sign', { op: 'part', bucket, key, uploadId, partNumber })).url,
    completeMultipartUpload: (a) => api('/api/complete', { ...ids(a), parts: a.parts }),
    abortMultipartUpload: (a) => api('/api/abort', ids(a)),
  });
}

/** What the user reads: one sentence per kind of failure, the details for whoever fixes it. */
function userMessage(err) {
  switch (err.code) {
    case 'aborted': return 'Upload cancelled.';
    case 'network/unreachable': return 'The storage server could not be reached. Check your connection and try again.';
    case 'input/invalid': return 'This file cannot be uploaded.';
    default:
      return err.code.startsWith('cors/')
        ? 'Uploads are not set up for this site yet (the storage bucket refuses this page). The details below say what to change.'
        : 'The upload failed. Please try again; if it keeps failing, send the details below to support.';
  }
}

function showError(err) {
  const box = $('outcome');
  box.className = 'error';
  box.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = isUploadError(err) ? userMessage(err) : 'The upload failed.';
  box.append(h);
  if (!isUploadError(err)) {
    box.append(String(err.message || err));
    return;
  }
  const p = document.createElement('p');
  p.append(`${err.message} `);
  const code = document.createElement('code');
  code.textContent = `[${err.code}]`;
  p.append(code);
  box.append(p);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Details for developers';
  details.append(summary);
  const origin = document.createElement('p');
  origin.append('Page origin: ');
  const mark = document.createElement('mark');
  mark.textContent = err.origin;
  origin.append(mark, `. Fix: ${err.hint} `);
  const link = document.createElement('a');
  link.href = err.docs;
  link.textContent = 'Documentation';
  origin.append(link);
  details.append(origin);
  if (err.fix) {
    const rule = document.createElement('pre');
    rule.textContent = `{\n${Object.entries(err.fix).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}`;
    details.append('The CORS rule to put first in the bucket:', rule);
  }
  const full = document.createElement('details');
  const fullSummary = document.createElement('summary');
  fullSummary.textContent = 'The full explanation (err.explain())';
  const explain = document.createElement('pre');
  explain.textContent = err.explain();
  full.append(fullSummary, explain);
  details.append(full);
  box.append(details);
  if (err.code.startsWith('cors/')) details.open = true;
}

let controller = null;

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return;
  controller = new AbortController();
  $('upload').disabled = true;
  $('cancel').disabled = false;
  $('progress').hidden = false;
  $('progress').removeAttribute('value'); // indeterminate until the first part is done
  $('status').textContent = `Uploading ${file.name}…`;
  $('outcome').replaceChildren();
  try {
    await init();
    const { key, etag } = await upload(file, $('bucket').value, controller.signal, ({ loaded, total }) => {
      $('progress').max = total;
      $('progress').value = loaded;
      $('status').textContent = `${Math.round((100 * loaded) / total)} %`;
    });
    $('outcome').className = 'ok';
    $('outcome').textContent = `Uploaded ${file.name} as ${key} (ETag ${etag}).`;
    $('status').textContent = 'Done.';
  } catch (err) {
    showError(err);
    $('status').textContent = '';
  } finally {
    $('upload').disabled = false;
    $('cancel').disabled = true;
    $('progress').hidden = true;
    controller = null;
  }
});

$('cancel').addEventListener('click', () => controller?.abort());
window.exampleReady = true;
