// The job, done with Uppy 5 (@uppy/core + @uppy/aws-s3, its multipart mode with the
// signPart-style callbacks): the app's backend creates, signs each part and completes.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import { api } from './backend-api.js';

export async function upload(file, { bucket, key, partSize, concurrency }) {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    shouldUseMultipart: true,
    limit: concurrency,
    getChunkSize: () => partSize,
    createMultipartUpload: (f) => api('/api/create', { bucket, key, contentType: f.type }),
    signPart: async (f, { uploadId, key: k, partNumber }) => ({ url: (await api('/api/sign', { op: 'part', bucket, key: k, uploadId, partNumber })).url }),
    completeMultipartUpload: (f, { uploadId, key: k, parts }) => api('/api/complete', { bucket, key: k, uploadId, parts: parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) }),
    abortMultipartUpload: (f, { uploadId, key: k }) => api('/api/abort', { bucket, key: k, uploadId }),
    listParts: (f, { uploadId, key: k }) => api('/api/list-parts', { bucket, key: k, uploadId }).then((r) => r.parts.map((p) => ({ PartNumber: p.partNumber, Size: p.size, ETag: p.etag }))),
  });
  uppy.addFile({ name: key, type: file.type, data: file });
  const result = await uppy.upload();
  uppy.destroy();
  if (!result || result.failed?.length) throw new Error(`uppy: ${result?.failed?.[0]?.error ?? 'upload failed'}`);
  return result.successful[0].response;
}
