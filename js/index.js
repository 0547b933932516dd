// The package's default entry (`import ... from 'upload-doctor'`), for bundlers and browsers.
//
// It wraps the `web` build and finds the .wasm with `new URL('./web/...wasm', import.meta.url)`
// (in wasm-url.js): the one pattern that Vite, webpack 5, Rollup, esbuild and Parcel all
// understand without configuration (they emit the file and rewrite the URL). The Wasm is
// fetched on the first upload, or earlier by calling the default export `init()`. No
// top-level await, no `experiments.asyncWebAssembly`, no plugin.
import wasmInit, * as web from './web/upload_doctor.js';
import { CODES } from './codes.js';
// Where the Wasm comes from: the .wasm file, by URL. scripts/build also writes this file as
// index.development.js with './wasm-inline.js' here (the bytes inlined), for the
// `development` export condition (Vite's and webpack's dev servers): Vite's dev
// pre-bundling moves this file away from the .wasm, so a relative URL would miss it.
import { wasmSource } from './wasm-url.js';

const MARK = Symbol.for('upload-doctor.error');
let loading;

/**
 * Loads the Wasm (once; later calls return the same promise). Optional: every upload
 * function calls it. Pass `{ module_or_path }` to load the .wasm from elsewhere.
 */
export default function init(input) {
  if (input !== undefined) return wasmInit(input);
  if (!loading) {
    loading = wasmInit({ module_or_path: wasmSource() });
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/** Uploads `body` with one presigned PUT. See index.d.ts. */
export async function putObject(url, body, options) {
  await init();
  return web.putObject(url, body, options);
}

/** A drop-in for `fetch(input, init)` on an upload. See index.d.ts. */
export async function uploadFetch(input, requestInit) {
  await init();
  return web.uploadFetch(input, requestInit);
}

/** Uploads `file` in presigned parts. See index.d.ts. */
export async function multipartUpload(file, options) {
  await init();
  return web.multipartUpload(file, options);
}

/** True for errors thrown by upload-doctor, even from another copy of the package. */
export function isUploadError(value) {
  return value != null && value[MARK] === true;
}

/** Every error code, in documentation order (generated from src/codes.rs). */
export function errorCodes() {
  return CODES.slice();
}
