// The ceiling: the same presigned parts PUT by plain parallel `fetch`, no retries, no
// diagnosis, nothing but the requests. The app's backend creates, signs and completes.
import { api } from './backend-api.js';

export async function upload(file, { bucket, key, partSize, concurrency }) {
  const { uploadId } = await api('/api/create', { bucket, key, contentType: file.type });
  const count = Math.ceil(file.size / partSize);
  const parts = [];
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      const { url } = await api('/api/sign', { op: 'part', bucket, key, uploadId, partNumber: n });
      const resp = await fetch(url, { method: 'PUT', body: file.slice((n - 1) * partSize, n * partSize) });
      if (!resp.ok) throw new Error(`part ${n}: HTTP ${resp.status}`);
      parts[n - 1] = { PartNumber: n, ETag: resp.headers.get('etag') };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return api('/api/complete', { bucket, key, uploadId, parts });
}
