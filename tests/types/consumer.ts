// An app's code, type-checked by `tsc -p tests/types` (strict): every option and callback
// typed, and every error code handled in a `switch` that the compiler proves exhaustive.
import {
  putObject, uploadFetch, multipartUpload, isUploadError, errorCodes,
  type UploadError, type UploadErrorCode, type UploadErrorOf, type CorsRule, type MultipartOptions,
} from 'upload-doctor';

declare const file: File;
declare function presign(name: string): Promise<string>;
declare function api<T>(path: string, body: unknown): Promise<T>;

/** What the app shows for each code: the compiler fails here when a code is added. */
export function describe(err: UploadError): string {
  switch (err.code) {
    case 'cors/origin-not-allowed':
    case 'cors/method-not-allowed':
    case 'cors/header-not-allowed': {
      const rule: CorsRule = err.fix; // non-null for these codes
      const status: null = err.status;
      const howTo: string = err.providerFix;
      return `Add this rule first (${err.provider}): ${JSON.stringify(rule)} (${status ?? 'no status'}; ${err.origin}) ${howTo}`;
    }
    case 'cors/etag-not-exposed': {
      const status: number = err.status;
      return `ETag hidden after HTTP ${status}; expose it: ${err.fix.ExposeHeaders?.join(',')}`;
    }
    case 'cors/blocked':
      return `CORS blocked; one of: ${err.candidates.join('; ')}; try ${JSON.stringify(err.fix)}`;
    case 'network/unreachable':
    case 'network/mixed-content':
    case 'network/csp-blocked': {
      const fix: null = err.fix;
      return `${err.message} ${fix ?? ''}`;
    }
    case 's3/signature-mismatch':
    case 's3/headers-not-signed':
    case 's3/url-expired':
    case 's3/clock-skew':
    case 's3/access-denied':
    case 's3/wrong-region':
    case 's3/no-such-bucket':
    case 's3/no-such-upload':
    case 's3/entity-too-small':
    case 's3/invalid-part':
    case 's3/checksum-mismatch':
    case 's3/slow-down': {
      const status: number | null = err.status;
      const response: Response | undefined = err.response;
      return `${err.code} (HTTP ${status ?? '-'}, ${response?.statusText ?? 'no response'}): ${err.hint}`;
    }
    case 'http/status': {
      const status: number = err.status;
      return `HTTP ${status}: ${err.message}`;
    }
    case 'input/invalid':
      return `bug in the call: ${err.message}`;
    case 'aborted':
      return err.aborted === false ? 'cancelled; parts may be left on the server' : 'cancelled';
    default: {
      const unhandled: never = err;
      return unhandled;
    }
  }
}

// @ts-expect-error: `fix` may be null outside cors/*
export const noNarrowing = (err: UploadError): CorsRule => err.fix;

export function onlyMethod(err: UploadErrorOf<'cors/method-not-allowed'>): string[] {
  return err.fix.AllowedMethods;
}

export async function upload(): Promise<string> {
  const controller = new AbortController();
  try {
    const { etag, status } = await putObject(await presign(file.name), file, {
      contentType: file.type, signal: controller.signal, headers: { 'x-amz-meta-owner': 'me' }, console: true,
    });
    const resp: Response = await uploadFetch(await presign('b'), { method: 'PUT', body: file, etag: 'require' });
    return `${etag} ${status} ${resp.status}`;
  } catch (err: unknown) {
    if (!isUploadError(err)) throw err;
    const fields: [string, string, string, string[], string[], string] = [err.origin, err.method, err.url, err.headers, err.evidence, err.docs];
    console.log(fields, err.explain(), err.stack, err instanceof Error, err.probes?.count);
    return describe(err);
  }
}

export async function multipart(): Promise<number> {
  const options: MultipartOptions = {
    partSize: 8 * 1024 * 1024,
    concurrency: 4,
    retries: 3,
    timeout: 60_000,
    createMultipartUpload: ({ contentType, size }) => api<{ uploadId: string; key: string }>('/create', { contentType, size }),
    signPart: async ({ uploadId, key, partNumber, size }) => ({ url: await api<string>('/sign', { uploadId, key, partNumber, size }) }),
    completeMultipartUpload: ({ uploadId, key, parts }) => api<{ etag: string }>('/complete', { uploadId, key, parts: parts.map((p) => [p.PartNumber, p.ETag]) }),
    abortMultipartUpload: ({ uploadId, key }) => api('/abort', { uploadId, key }),
    listParts: async () => [{ partNumber: 1, size: 5, etag: '"x"' }],
    onProgress: ({ loaded, total }) => console.log(Math.round((100 * loaded) / total)),
  };
  const browserCompletes: MultipartOptions = {
    createMultipartUpload: () => ({ UploadId: 'u', Key: 'k' }),
    signPart: () => 'https://bucket.example/k?partNumber=1',
    signComplete: () => 'https://bucket.example/k?uploadId=u',
    signAbort: () => ({ url: 'https://bucket.example/k?uploadId=u', headers: [['x-amz-request-payer', 'requester']] }),
  };
  // @ts-expect-error: one of completeMultipartUpload or signComplete is required
  const incomplete: MultipartOptions = { createMultipartUpload: () => ({ uploadId: 'u', key: 'k' }), signPart: () => 'u' };
  const r = await multipartUpload(file, options);
  await multipartUpload(file, browserCompletes).catch(() => incomplete);
  return r.parts.length + r.parts[0]!.partNumber + r.etag.length + r.uploadId.length + r.key.length;
}

export const every: UploadErrorCode[] = errorCodes();
