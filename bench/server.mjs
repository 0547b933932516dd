// The page origin of the throughput benchmark: the demo's backend (www/backend.mjs: the
// official AWS SDK presigner and the multipart endpoints) pointed at the bench's S3 server
// (`endpoint`), serving the bench page and the contenders' bundles, plus one endpoint of
// its own:
//   /api/sign-request { bucket, method, key, uploadId?, partNumber? } -> { url }  (Uppy 6's signRequest)

import { join } from 'node:path';
import {
  CreateMultipartUploadCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand,
  ListPartsCommand, UploadPartCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client, startBackend } from '../www/backend.mjs';
import { ROOT } from '../tests/support/servers.mjs';

/** Starts the page server at `origin` (http://localhost:PORT) for the S3 server at `endpoint`. */
export function startBenchServer(origin, { endpoint, bundles }) {
  const roots = [['/bundles/', bundles], ['/page/', join(ROOT, 'bench', 'page')], ['/support/', join(ROOT, 'tests', 'support')]];
  async function signRequest(path, b) {
    if (path !== '/api/sign-request') return null;
    const input = { Bucket: b.bucket, Key: b.key };
    let command;
    if (b.method === 'POST' && !b.uploadId) command = new CreateMultipartUploadCommand(input);
    else if (b.method === 'PUT' && b.uploadId) command = new UploadPartCommand({ ...input, UploadId: b.uploadId, PartNumber: b.partNumber });
    else if (b.method === 'POST') command = new CompleteMultipartUploadCommand({ ...input, UploadId: b.uploadId });
    else if (b.method === 'DELETE' && b.uploadId) command = new AbortMultipartUploadCommand({ ...input, UploadId: b.uploadId });
    else if (b.method === 'GET' && b.uploadId) command = new ListPartsCommand({ ...input, UploadId: b.uploadId });
    else if (b.method === 'PUT') command = new PutObjectCommand(input);
    else throw new Error(`cannot sign ${b.method}`);
    return { url: await getSignedUrl(s3Client(endpoint), command, { expiresIn: 900 }) };
  }
  return startBackend(origin, { endpoint, roots, extraApi: signRequest });
}
