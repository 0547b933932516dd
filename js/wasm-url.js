// The Wasm's source for the default entry: the .wasm file beside the package's JS, by URL.
// Bundlers see `new URL('<literal>', import.meta.url)`, emit the file and rewrite the URL.
export function wasmSource() {
  const url = new URL('./web/upload_doctor_bg.wasm', import.meta.url);
  // Node (the command line): fetch() cannot read file: URLs; read the bytes instead.
  if (url.protocol === 'file:' && typeof process === 'object' && process.versions && process.versions.node) {
    const fs = 'node:fs/promises';
    return import(/* webpackIgnore: true */ /* @vite-ignore */ fs).then((m) => m.readFile(url));
  }
  return url;
}
