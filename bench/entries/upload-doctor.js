// The job, done with upload-doctor: upload one file with multipart from a page; the app's
// backend creates, signs each part and completes.
import init, { multipartUpload } from 'upload-doctor';
import { api } from './backend-api.js';

export function upload(file, { bucket, key, partSize, concurrency }) {
  return multipartUpload(file, {
    partSize,
    concurrency,
    createMultipartUpload: ({ contentType }) => api('/api/create', { bucket, key, contentType }),
    signPart: async (a) => (await api('/api/sign', { op: 'part', bucket, key: a.key, uploadId: a.uploadId, partNumber: a.partNumber })).url,
    completeMultipartUpload: (a) => api('/api/complete', { bucket, key: a.key, uploadId: a.uploadId, parts: a.parts }),
    abortMultipartUpload: (a) => api('/api/abort', { bucket, key: a.key, uploadId: a.uploadId }),
  });
}

// For the benchmark only (tree-shaken out of the size measurement): Wasm linear memory.
export async function wasmMemoryBytes() {
  return (await init()).memory.buffer.byteLength;
}
