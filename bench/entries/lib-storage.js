// The job, done with the AWS SDK v3 (@aws-sdk/lib-storage `Upload` on @aws-sdk/client-s3):
// the SDK signs every request in the page, so the page holds credentials (static test
// credentials here; a real app would fetch temporary ones). SDK defaults otherwise
// (`clientConfig`, unused by the bench, lets an experiment override them, e.g.
// `{ requestChecksumCalculation: 'WHEN_REQUIRED' }`).
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export async function upload(file, { bucket, key, partSize, concurrency, endpoint, clientConfig }) {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...clientConfig,
  });
  const up = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: file, ContentType: file.type || undefined },
    partSize,
    queueSize: concurrency,
    leavePartsOnError: false,
  });
  return up.done();
}
