// Bundles each contender's entry (bench/entries/, bench/uppy6/entry.js) with esbuild, the
// same way for all: bundle, minify, ESM, browser platform, NODE_ENV=production. Two builds
// each: one of just the job (`export { upload }`: what the size table counts; anything the
// bench adds is tree-shaken away) and one for the bench page (also exports the
// measurement hooks). Ours is imported as `upload-doctor`, resolved to the built package in
// pkg/ through its package.json `exports`, as an app's bundler would.

import { build } from 'esbuild';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../tests/support/servers.mjs';

export const CONTENDERS = [
  { name: 'upload-doctor', label: 'upload-doctor', entry: 'bench/entries/upload-doctor.js', packages: ['upload-doctor'] },
  { name: 'uppy', label: 'Uppy 5 (@uppy/core + @uppy/aws-s3, signPart callbacks)', entry: 'bench/entries/uppy.js', packages: ['@uppy/core', '@uppy/aws-s3'] },
  { name: 'uppy6', label: 'Uppy 6 (@uppy/core + @uppy/aws-s3, signRequest)', entry: 'bench/uppy6/entry.js', packages: ['@uppy/core', '@uppy/aws-s3'], nodeModules: 'bench/uppy6/node_modules' },
  { name: 'lib-storage', label: 'AWS SDK v3 (@aws-sdk/lib-storage + @aws-sdk/client-s3)', entry: 'bench/entries/lib-storage.js', packages: ['@aws-sdk/lib-storage', '@aws-sdk/client-s3'] },
  { name: 'raw-fetch', label: 'raw parallel fetch (no library)', entry: 'bench/entries/raw-fetch.js', packages: [] },
];

/** The .wasm that ours fetches at run time (esbuild leaves `new URL(..., import.meta.url)` alone). */
const OUR_WASM = 'web/upload_doctor_bg.wasm';

/** Ours resolves as an installed package would: `<out>/node_modules/upload-doctor` -> pkg/. */
function linkPackage(outdir, pkgDir) {
  const modules = join(outdir, '..', 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(modules, { recursive: true });
  symlinkSync(pkgDir, join(modules, 'upload-doctor'), 'dir');
  return modules;
}

function options(modules) {
  return {
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths: [modules],
    logLevel: 'silent',
    legalComments: 'none',
  };
}

const sized = (name, data) => ({
  name,
  raw: data.length,
  gzip: gzipSync(data, { level: 9 }).length,
  brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

/** Version of `name` as installed for contender `c`. */
export function installedVersion(c, name) {
  if (name === 'upload-doctor') return JSON.parse(readFileSync(join(ROOT, 'pkg', 'package.json'))).version;
  const dir = join(ROOT, c.nodeModules || 'node_modules', name, 'package.json');
  return JSON.parse(readFileSync(dir)).version;
}

/**
 * Builds every contender into `outdir` (the bench page's /bundles/) and measures the job
 * bundles. Resolves to [{ ...contender, files: [{ name, raw, gzip, brotli }], total }].
 */
export async function bundleAll(outdir, pkgDir = join(ROOT, 'pkg')) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const modules = linkPackage(outdir, pkgDir);
  const results = [];
  for (const c of CONTENDERS) {
    const entry = join(ROOT, c.entry);
    // The job alone, for the size table.
    const job = await build({
      ...options(modules),
      stdin: { contents: `export { upload } from ${JSON.stringify(entry)};`, resolveDir: ROOT, loader: 'js' },
      write: false,
      outfile: join(outdir, `${c.name}.size.js`),
    });
    const files = [sized(`${c.name}.js (bundle)`, Buffer.from(job.outputFiles[0].contents))];
    if (c.name === 'upload-doctor') {
      const js = Buffer.from(job.outputFiles[0].contents).toString();
      if (!js.includes('upload_doctor_bg.wasm')) throw new Error('ours: the bundle no longer names its .wasm; update bench/bundle.mjs');
      files.push(sized('upload_doctor_bg.wasm', readFileSync(join(pkgDir, OUR_WASM))));
    }
    const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });
    // The page's copy, with the bench hooks.
    await build({ ...options(modules), entryPoints: [entry], outfile: join(outdir, `${c.name}.js`) });
    if (c.name === 'upload-doctor') {
      // Deployed beside the bundle where `new URL('./web/upload_doctor_bg.wasm', import.meta.url)` looks.
      mkdirSync(join(outdir, 'web'), { recursive: true });
      copyFileSync(join(pkgDir, OUR_WASM), join(outdir, OUR_WASM));
    }
    // What an app's build would print while bundling it (e.g. duplicate keys in generated glue).
    const warnings = job.warnings.map((w) => `${w.text}${w.location ? ` (${w.location.file.replace(/^.*node_modules\//, '')})` : ''}`);
    results.push({ ...c, files, total, warnings, versions: c.packages.map((p) => `${p}@${installedVersion(c, p)}`) });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await bundleAll(join(ROOT, 'bench', '.out', 'bundles'));
  for (const c of r) console.log(c.name, JSON.stringify(c.total), c.versions.join(' '));
}
