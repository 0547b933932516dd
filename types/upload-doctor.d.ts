// Type declarations for upload-doctor (both entries: `upload-doctor` and `upload-doctor/web`).
// Hand-written, except the part between the `codes` markers, which scripts/gen-docs writes
// from src/codes.rs (the single list of error codes). Shipped as index.d.ts.

// ---------------------------------------------------------------------------------------
// Uploading
// ---------------------------------------------------------------------------------------

/** What can be uploaded: a `File` is a `Blob`. */
export type UploadBody = Blob | ArrayBuffer | ArrayBufferView | string;

/** A value, or a promise of it: every callback may be sync or async. */
export type MaybePromise<T> = T | PromiseLike<T>;

/** Options every call accepts. */
export interface CommonOptions {
  /** Cancels the upload; the call then rejects with an `UploadError` of code `aborted`. */
  signal?: AbortSignal;
  /** `false` stops the console explanation (one collapsed group per failure otherwise). */
  console?: boolean;
}

/** Options of {@link putObject}. */
export interface PutObjectOptions extends CommonOptions {
  /** Sets the `content-type` header (it must match what the URL was signed with, if signed). */
  contentType?: string;
  /** Extra request headers, e.g. `x-amz-meta-*` ones signed into the URL. */
  headers?: HeadersInit;
}

/** What {@link putObject} resolves to. */
export interface PutObjectResult {
  /** The object's ETag, quotes included (never empty: a hidden ETag is an error). */
  etag: string;
  /** The HTTP status, 200 on S3. */
  status: number;
}

/** The `init` of {@link uploadFetch}: `fetch`'s own, plus two options. */
export interface UploadFetchInit extends RequestInit, CommonOptions {
  /** `'require'`: a 2xx PUT whose ETag the page cannot read rejects (`cors/etag-not-exposed`). */
  etag?: 'require';
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------
// Multipart
// ---------------------------------------------------------------------------------------

/** The upload's identity, passed to every multipart callback. */
export interface UploadIds {
  uploadId: string;
  key: string;
}

/** A presigned request: a URL, or a URL with headers that must be sent with it. */
export type SignedRequest = string | { url: string; headers?: HeadersInit };

/** One finished part, in S3's own field names (hand it to CompleteMultipartUpload as is). */
export interface CompletedPart {
  PartNumber: number;
  ETag: string;
}

/** One part already on the server, for resuming (either spelling). */
export type ListedPart =
  | { partNumber: number; size: number; etag: string }
  | { PartNumber: number; Size: number; ETag: string };

/** Options of {@link multipartUpload} that do not depend on where the upload completes. */
export interface MultipartBaseOptions extends CommonOptions {
  /** Your backend creates the upload. Resolves to `{ uploadId, key }` (or S3's `{ UploadId, Key }`). */
  createMultipartUpload(args: { contentType: string; size: number }): MaybePromise<UploadIds | { UploadId: string; Key: string }>;
  /** Presigns one UploadPart. Called again for each retry, so an expired URL is renewed. */
  signPart(args: UploadIds & { partNumber: number; size: number }): MaybePromise<SignedRequest>;
  /** Your backend aborts the upload (when it fails or is aborted). */
  abortMultipartUpload?(args: UploadIds): MaybePromise<unknown>;
  /** Or: presigns AbortMultipartUpload and the page sends the DELETE. */
  signAbort?(args: UploadIds): MaybePromise<SignedRequest>;
  /** Lists the parts already uploaded, to resume an upload. */
  listParts?(args: UploadIds): MaybePromise<ListedPart[] | { Parts: ListedPart[] }>;
  /** Bytes per part (default 8 MiB, or more so that the file fits in 10,000 parts). */
  partSize?: number;
  /** Parts in flight at once, 1 to 64 (default 4). */
  concurrency?: number;
  /** Attempts after the first for a part that failed transiently, 0 to 10 (default 3). */
  retries?: number;
  /** Milliseconds per part or completion request (and per callback), 1,000 to 3,600,000 (default 300,000): a stall is retried, never a hang. */
  timeout?: number;
  /** Called after each part with the bytes done so far. */
  onProgress?(progress: { loaded: number; total: number }): void;
  /** The object's content type (default: the file's `type`); passed to `createMultipartUpload`. */
  contentType?: string;
}

/** Your backend completes the upload. */
export interface BackendCompletion {
  completeMultipartUpload(args: UploadIds & { parts: CompletedPart[] }): MaybePromise<{ etag?: string } | { ETag?: string } | void>;
  signComplete?(args: UploadIds): MaybePromise<SignedRequest>;
}

/** Or: your backend presigns CompleteMultipartUpload and the page POSTs the XML. */
export interface BrowserCompletion {
  completeMultipartUpload?: undefined;
  signComplete(args: UploadIds): MaybePromise<SignedRequest>;
}

/** Options of {@link multipartUpload}: one of `completeMultipartUpload` or `signComplete` is required. */
export type MultipartOptions = MultipartBaseOptions & (BackendCompletion | BrowserCompletion);

/** What {@link multipartUpload} resolves to. */
export interface MultipartResult {
  /** The completed object's ETag (as your completion returned it, or S3's answer). */
  etag: string;
  key: string;
  uploadId: string;
  parts: { partNumber: number; etag: string }[];
}

// ---------------------------------------------------------------------------------------
// The error
// ---------------------------------------------------------------------------------------

/** One bucket CORS rule in S3's JSON shape (`{"CORSRules": [rule, ...]}`). */
export interface CorsRule {
  ID?: string;
  AllowedOrigins: string[];
  AllowedMethods: ('GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD')[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** The storage service a URL points at, recognised from its host. */
export type Provider = 'aws' | 'r2' | 'gcs' | 'azure' | 'b2' | 'spaces' | 'wasabi' | 'minio' | 's3-compatible';

/** How many probes the diagnosis sent and how long they took. */
export interface ProbeStats {
  count: number;
  ms: number;
}

/** The fields every `UploadError` has, whatever its code. */
export interface UploadErrorBase<C extends UploadErrorCode = UploadErrorCode> extends Error {
  readonly name: 'UploadError';
  /** The stable code: `switch (err.code)` narrows to the fields of that code. */
  readonly code: C;
  /** One headline. */
  readonly message: string;
  /** The page's `location.origin` when it failed (`"null"` outside a page). */
  readonly origin: string;
  /** The method of the request that failed (`PUT` for a part, `POST` for completion). */
  readonly method: string;
  /** The request URL with every signature, credential and token removed (empty when nothing was sent). */
  readonly url: string;
  /** The request header names that matter for this code, lower case. */
  readonly headers: string[];
  /** What was observed, and each probe with its outcome. */
  readonly evidence: string[];
  /** One sentence: what to change. */
  readonly hint: string;
  /** The page that documents this code: causes, fixes per provider, how to verify. */
  readonly docs: string;
  /** For `cors/*`: one complete rule for this origin; `null` otherwise. */
  readonly fix: CorsRule | null;
  /** The service the request went to (absent when nothing was sent). */
  readonly provider?: Provider;
  /** For `cors/*`: the fix in that service's own form (CLI command, file, dashboard steps). */
  readonly providerFix?: string;
  /** The HTTP status, when a response was readable. */
  readonly status: number | null;
  /** Present after an opaque failure: the probes sent to diagnose it. */
  readonly probes?: ProbeStats;
  /** `multipartUpload` only: whether the upload was aborted on the server after this failure. */
  readonly aborted?: boolean;
  /** The long form: cause, evidence, the rule and where it goes, a `curl` replay. */
  explain(): string;
}

/** `cors/origin-not-allowed`, `cors/method-not-allowed`, `cors/header-not-allowed`: the rule to add is known. */
export interface CorsRuleError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: CorsRule;
  readonly provider: Provider;
  readonly providerFix: string;
  readonly status: null;
}

/** `cors/blocked`: CORS for sure; `candidates` lists the rules that may be missing. */
export interface CorsBlockedError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: CorsRule;
  readonly provider: Provider;
  readonly providerFix: string;
  readonly status: null;
  /** The causes the probes did not rule out, one sentence each. */
  readonly candidates: string[];
}

/** `cors/etag-not-exposed`: the request succeeded, the ETag is hidden from the page. */
export interface CorsEtagError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: CorsRule;
  readonly provider: Provider;
  readonly providerFix: string;
  /** The 2xx status of the upload that succeeded. */
  readonly status: number;
  /** The response (its ETag header reads as `null`). */
  readonly response?: Response;
}

/** `network/*`: no response was readable. */
export interface NetworkError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: null;
  readonly status: null;
}

/** `s3/*` and `http/status`: the server answered with an error (or, for a few codes, it was found before sending). */
export interface HttpError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: null;
  /** The HTTP status; `null` when the problem was found before sending (`s3/url-expired`, for one). */
  readonly status: number | null;
  /** The error response, as `fetch` resolved it (its body is already read). */
  readonly response?: Response;
}

/** `http/status`: any other HTTP error, always with a status. */
export interface HttpStatusError<C extends UploadErrorCode> extends HttpError<C> {
  readonly status: number;
}

/** `input/invalid`: bad arguments; nothing was sent. */
export interface InputError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: null;
  readonly status: null;
}

/** `aborted`: your `AbortSignal` fired. */
export interface AbortedError<C extends UploadErrorCode> extends UploadErrorBase<C> {
  readonly fix: null;
  readonly status: null;
}

// <codes> generated by scripts/gen-docs from src/codes.rs: do not edit by hand
/** Every error code: a string-literal union, in documentation order. */
export type UploadErrorCode =
  | 'cors/origin-not-allowed'
  | 'cors/method-not-allowed'
  | 'cors/header-not-allowed'
  | 'cors/etag-not-exposed'
  | 'cors/blocked'
  | 'network/unreachable'
  | 'network/mixed-content'
  | 'network/csp-blocked'
  | 's3/signature-mismatch'
  | 's3/headers-not-signed'
  | 's3/url-expired'
  | 's3/clock-skew'
  | 's3/access-denied'
  | 's3/wrong-region'
  | 's3/no-such-bucket'
  | 's3/no-such-upload'
  | 's3/entity-too-small'
  | 's3/invalid-part'
  | 's3/checksum-mismatch'
  | 's3/slow-down'
  | 'http/status'
  | 'input/invalid'
  | 'aborted';

/** The error of each code (`UploadError` is the union of these). */
export interface UploadErrorByCode {
  /** The bucket's CORS rules do not allow this page's origin. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/cors-origin-not-allowed.md} */
  'cors/origin-not-allowed': CorsRuleError<'cors/origin-not-allowed'>;
  /** The bucket's CORS rule for this origin does not allow the method. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/cors-method-not-allowed.md} */
  'cors/method-not-allowed': CorsRuleError<'cors/method-not-allowed'>;
  /** The bucket's CORS rule does not allow a request header this upload sends. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/cors-header-not-allowed.md} */
  'cors/header-not-allowed': CorsRuleError<'cors/header-not-allowed'>;
  /** The upload succeeded but the bucket's CORS rule does not expose the ETag header. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/cors-etag-not-exposed.md} */
  'cors/etag-not-exposed': CorsEtagError<'cors/etag-not-exposed'>;
  /** The browser blocked the request for CORS reasons; the exact rule could not be determined. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/cors-blocked.md} */
  'cors/blocked': CorsBlockedError<'cors/blocked'>;
  /** The storage server could not be reached. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/network-unreachable.md} */
  'network/unreachable': NetworkError<'network/unreachable'>;
  /** An https page cannot upload to an http URL. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/network-mixed-content.md} */
  'network/mixed-content': NetworkError<'network/mixed-content'>;
  /** The page's Content-Security-Policy blocks requests to the bucket. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/network-csp-blocked.md} */
  'network/csp-blocked': NetworkError<'network/csp-blocked'>;
  /** The request does not match what the URL was signed for. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-signature-mismatch.md} */
  's3/signature-mismatch': HttpError<'s3/signature-mismatch'>;
  /** The request sends headers that the URL does not sign. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-headers-not-signed.md} */
  's3/headers-not-signed': HttpError<'s3/headers-not-signed'>;
  /** The presigned URL has expired. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-url-expired.md} */
  's3/url-expired': HttpError<'s3/url-expired'>;
  /** The signing clock differs too much from the server's. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-clock-skew.md} */
  's3/clock-skew': HttpError<'s3/clock-skew'>;
  /** The storage server denied access. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-access-denied.md} */
  's3/access-denied': HttpError<'s3/access-denied'>;
  /** The URL is signed for another region or endpoint. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-wrong-region.md} */
  's3/wrong-region': HttpError<'s3/wrong-region'>;
  /** The bucket does not exist. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-no-such-bucket.md} */
  's3/no-such-bucket': HttpError<'s3/no-such-bucket'>;
  /** The multipart upload does not exist (completed, aborted or never created). {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-no-such-upload.md} */
  's3/no-such-upload': HttpError<'s3/no-such-upload'>;
  /** A multipart part other than the last is smaller than 5 MiB. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-entity-too-small.md} */
  's3/entity-too-small': HttpError<'s3/entity-too-small'>;
  /** A part listed for completion was not found or its ETag differs. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-invalid-part.md} */
  's3/invalid-part': HttpError<'s3/invalid-part'>;
  /** A checksum sent with the request does not match the body. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-checksum-mismatch.md} */
  's3/checksum-mismatch': HttpError<'s3/checksum-mismatch'>;
  /** The storage server asks to slow down. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/s3-slow-down.md} */
  's3/slow-down': HttpError<'s3/slow-down'>;
  /** The storage server answered with an error. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/http-status.md} */
  'http/status': HttpStatusError<'http/status'>;
  /** The call's arguments are invalid. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/input-invalid.md} */
  'input/invalid': InputError<'input/invalid'>;
  /** The upload was aborted. {@link https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/aborted.md} */
  'aborted': AbortedError<'aborted'>;
}
// </codes>

/** Every upload-doctor error: a discriminated union on `code`. */
export type UploadError = UploadErrorByCode[UploadErrorCode];

/** The error of one code, e.g. `UploadErrorOf<'cors/method-not-allowed'>`. */
export type UploadErrorOf<C extends UploadErrorCode> = UploadErrorByCode[C];

// ---------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------

/**
 * Uploads `body` with one presigned PUT. Resolves to `{ etag, status }`; rejects with an
 * {@link UploadError} whose `code` says what is wrong and whose `fix` says what to change.
 */
export function putObject(url: string | URL, body: UploadBody, options?: PutObjectOptions): Promise<PutObjectResult>;

/**
 * A drop-in for `fetch(input, init)` on an upload: resolves to the `Response` as `fetch`
 * does; rejects with an {@link UploadError} instead of a bare `TypeError` (and, on an HTTP
 * error status, with the response in `err.response`).
 */
export function uploadFetch(input: RequestInfo | URL, init?: UploadFetchInit): Promise<Response>;

/**
 * Uploads `file` in presigned parts through your backend's callbacks. Rejects with an
 * {@link UploadError} (or with what one of your callbacks threw).
 */
export function multipartUpload(file: Blob, options: MultipartOptions): Promise<MultipartResult>;

/** True for errors thrown by upload-doctor (also across copies of the package). */
export function isUploadError(value: unknown): value is UploadError;

/** Every error code, in documentation order. */
export function errorCodes(): UploadErrorCode[];

// ---------------------------------------------------------------------------------------
// Loading the Wasm
// ---------------------------------------------------------------------------------------

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export type SyncInitInput = BufferSource | WebAssembly.Module;

/** The Wasm module's exports (for diagnostics such as `memory.buffer.byteLength`). */
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}

/**
 * Loads the Wasm. With `upload-doctor/web` call it once before anything else
 * (`await init()`); with the default entry it is optional (the first upload calls it).
 * Pass `{ module_or_path }` to load the .wasm from another URL or from bytes.
 */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;
