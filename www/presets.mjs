// The demo's preset buckets: one correct bucket and one per failure the library names,
// all for a page served at http://localhost:5173. `setupPresets` creates them on LocalStack.
//
// A preset: { id, label, about, bucket, cors: { CORSRules } | null, sign?, headers?,
//             bucketHost?, multipart?, fileSizeMiB, expect: 'ok' | '<error code>' }
//   sign:       how the backend presigns (the scenario JSON's upload.sign): content_type,
//               headers (signed into the URL), expires_in (seconds), wait_s (seconds to
//               wait between signing and uploading)
//   headers:    extra request headers the page sends
//   bucketHost: scheme://host:port the presigned URL points at (default: LocalStack)
//   multipart:  { partSizeMiB }: upload with multipartUpload instead of one PUT

import { CreateBucketCommand, PutBucketCorsCommand, DeleteBucketCorsCommand } from '@aws-sdk/client-s3';
import { s3Client } from './backend.mjs';

export const DEMO_ORIGIN = 'http://localhost:5173';

const rule = (overrides = {}) => ({
  AllowedOrigins: [DEMO_ORIGIN],
  AllowedMethods: ['PUT', 'POST', 'GET', 'HEAD'],
  AllowedHeaders: ['*'],
  ExposeHeaders: ['ETag'],
  MaxAgeSeconds: 3000,
  ...overrides,
});
const config = (...rules) => ({ CORSRules: rules });
const without = (key) => { const r = rule(); delete r[key]; return r; };

const CORRECT = config(rule());

const PRESETS = [
  {
    id: 'ok', label: 'Correct bucket', expect: 'ok',
    about: 'A correct CORS rule for this page: the upload succeeds and the ETag is readable.',
    cors: CORRECT,
  },
  {
    id: 'multipart', label: 'Large file, multipart (correct bucket)', expect: 'ok',
    about: 'The correct bucket, uploaded in 5 MiB parts with a progress bar; the backend creates and completes the upload.',
    bucket: 'demo-ok', cors: CORRECT, multipart: { partSizeMiB: 5 }, fileSizeMiB: 12,
  },
  {
    id: 'no-cors', label: 'No CORS configuration', expect: 'cors/origin-not-allowed',
    about: 'The bucket has no CORS configuration at all.',
    cors: null,
  },
  {
    id: 'other-port', label: 'Origin with another port', expect: 'cors/origin-not-allowed',
    about: 'The rule lists http://localhost:3000, but the page is served from port 5173.',
    cors: config(rule({ AllowedOrigins: ['http://localhost:3000'] })),
  },
  {
    id: 'put-not-allowed', label: 'PUT not allowed', expect: 'cors/method-not-allowed',
    about: 'The origin is listed, but only for GET and HEAD.',
    cors: config(rule({ AllowedMethods: ['GET', 'HEAD'] })),
  },
  {
    id: 'no-allowed-headers', label: 'No AllowedHeaders', expect: 'cors/header-not-allowed',
    about: 'The rule has no AllowedHeaders, so the preflight asking for content-type is refused.',
    cors: config(without('AllowedHeaders')),
  },
  {
    id: 'etag-hidden', label: 'ETag not exposed', expect: 'cors/etag-not-exposed',
    about: 'Everything is allowed, but ExposeHeaders lacks ETag: the page cannot read it.',
    cors: config(without('ExposeHeaders')),
  },
  {
    id: 'server-down', label: 'Server down (127.0.0.1:4999)', expect: 'network/unreachable',
    about: 'The URL points at 127.0.0.1:4999, where nothing listens.',
    cors: CORRECT, bucketHost: 'http://127.0.0.1:4999',
  },
  {
    id: 'signed-jpeg', label: 'Signed for image/jpeg, file is image/png', expect: 's3/signature-mismatch',
    about: 'The backend signed content-type image/jpeg; the browser sends the file\'s type image/png.',
    cors: CORRECT, sign: { content_type: 'image/jpeg' },
  },
  {
    id: 'expired', label: 'Expired URL', expect: 's3/url-expired',
    about: 'The URL is valid for 1 second and the upload starts 2 seconds after signing.',
    cors: CORRECT, sign: { expires_in: 1, wait_s: 2 },
  },
  {
    id: 'meta-not-signed', label: 'x-amz-meta-owner sent but not signed', expect: 's3/headers-not-signed',
    about: 'The page sends x-amz-meta-owner; the URL does not sign it.',
    cors: CORRECT, headers: { 'x-amz-meta-owner': 'alice' },
  },
];

/** The presets, each with its bucket name and the size of the test file it uploads. */
export const presets = PRESETS.map((p) => ({
  bucket: `demo-${p.id}`, fileSizeMiB: 1, ...p,
}));

/** Creates every preset bucket on the S3 server behind `admin` and applies its CORS (idempotent). */
export async function setupPresets(admin = s3Client(), list = presets) {
  const done = new Map();
  for (const p of list) {
    if (done.has(p.bucket)) {
      if (JSON.stringify(done.get(p.bucket)) !== JSON.stringify(p.cors)) {
        throw new Error(`presets share bucket ${p.bucket} with different CORS configurations`);
      }
      continue;
    }
    done.set(p.bucket, p.cors);
    try {
      await admin.send(new CreateBucketCommand({ Bucket: p.bucket }));
    } catch (err) {
      if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
    }
    if (p.cors) {
      await admin.send(new PutBucketCorsCommand({ Bucket: p.bucket, CORSConfiguration: p.cors }));
    } else {
      await admin.send(new DeleteBucketCorsCommand({ Bucket: p.bucket }));
    }
  }
}
