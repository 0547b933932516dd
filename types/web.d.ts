// Type declarations for `upload-doctor/web`, the build for a plain `<script type="module">`:
// the same API as the default entry; call the default export `init()` once before anything else.
export * from './upload-doctor.js';
export { default } from './upload-doctor.js';
import type { InitOutput, SyncInitInput } from './upload-doctor.js';

/** Instantiates the Wasm synchronously from bytes or a compiled module. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;
