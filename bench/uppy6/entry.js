// The job, done with Uppy 6 (@uppy/core + @uppy/aws-s3 6.x, the rewrite): one `signRequest`
// callback; the backend presigns every request (create, each part, complete, abort) and the
// page sends them. Uppy 6 sends the parts of one file one after another (its `limit` is
// over files), so it runs at concurrency 1 whatever the others use.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import { api } from '../entries/backend-api.js';

export async function upload(file, { bucket, key, partSize }) {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    shouldUseMultipart: true,
    getChunkSize: () => partSize,
    generateObjectKey: () => key,
    signRequest: (request) => api('/api/sign-request', { bucket, ...request }),
  });
  uppy.addFile({ name: key, type: file.type, data: file });
  const result = await uppy.upload();
  uppy.destroy();
  if (!result || result.failed?.length) throw new Error(`uppy 6: ${result?.failed?.[0]?.error ?? 'upload failed'}`);
  return result.successful[0].response;
}
