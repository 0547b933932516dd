// Where the bytes of ours' .wasm go: the release build (target/…/upload_doctor.wasm, as
// scripts/build leaves it) run through the same wasm-bindgen and wasm-opt options as the
// package's web .wasm (read from scripts/build), but keeping the function names, then the code section summed per crate (per
// module for ours). wasm-opt inlines across crates, so this is indicative, not exact.
//
//   node bench/wasm-size.mjs      (prints the table)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../tests/support/servers.mjs';

function leb(buf, p) {
  let r = 0;
  let s = 0;
  let b;
  do { b = buf[p.i++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
  return r;
}

/** Parses a module: section sizes, function names, and each function body's size. */
export function parseWasm(buf) {
  const p = { i: 8 };
  const names = new Map();
  const sections = {};
  let imported = 0;
  let code = null;
  while (p.i < buf.length) {
    const id = buf[p.i++];
    const size = leb(buf, p);
    const end = p.i + size;
    let key = `section ${id}`;
    if (id === 0) {
      const l = leb(buf, p);
      key = buf.subarray(p.i, p.i + l).toString();
      p.i += l;
      if (key === 'name') {
        while (p.i < end) {
          const sub = buf[p.i++];
          const sl = leb(buf, p);
          const se = p.i + sl;
          if (sub === 1) {
            const n = leb(buf, p);
            for (let k = 0; k < n; k++) {
              const idx = leb(buf, p);
              const nl = leb(buf, p);
              names.set(idx, buf.subarray(p.i, p.i + nl).toString());
              p.i += nl;
            }
          }
          p.i = se;
        }
      }
    } else if (id === 2) {
      const n = leb(buf, p);
      for (let k = 0; k < n; k++) {
        for (let part = 0; part < 2; part++) {
          const l = leb(buf, p); // (not `p.i += leb(...)`: that reads p.i before leb moves it)
          p.i += l;
        }
        const kind = buf[p.i++];
        if (kind === 0) { leb(buf, p); imported++; } else if (kind === 1) { p.i++; const f = buf[p.i++]; leb(buf, p); if (f & 1) leb(buf, p); } else if (kind === 2) { const f = buf[p.i++]; leb(buf, p); if (f & 1) leb(buf, p); } else if (kind === 3) { p.i += 2; } else if (kind === 4) { p.i++; leb(buf, p); }
      }
    } else if (id === 10) {
      code = { start: p.i };
    }
    key = { 1: 'type', 2: 'import', 3: 'function', 7: 'export', 10: 'code', 11: 'data' }[id] ?? key;
    sections[key] = (sections[key] ?? 0) + size;
    p.i = end;
  }
  const functions = [];
  if (code) {
    p.i = code.start;
    const n = leb(buf, p);
    for (let k = 0; k < n; k++) {
      const sz = leb(buf, p);
      functions.push({ name: names.get(imported + k) ?? `#${imported + k}`, size: sz });
      p.i += sz;
    }
  }
  return { sections, functions };
}

/** The crate (for ours: crate::module) a demangled function name belongs to. */
export function ownerOf(name) {
  if (/ externref shim| multivalue shim|^__wbg|^__wbindgen|^__externref/.test(name)) return 'exported-function shims (and what wasm-opt inlined into them)';
  const n = name.replace(/^<+/, '').replace(/\[[0-9a-f]+\]/g, '');
  if (n.startsWith('upload_doctor::')) return n.split('::').slice(0, 2).join('::');
  if (/^(f64|f32|u\d+|i\d+|usize|isize|str|char|bool|&)\b/.test(n)) return 'core (formatting and parsing of primitives)';
  if (n.startsWith('#')) return 'unnamed';
  return n.split(/::| /)[0];
}

/**
 * The wasm-opt options scripts/build gives the web .wasm (its first wasm-opt command, e.g.
 * `--remove-exports --pass-arg=remove-exports@cors* -Oz --strip-debug --strip-producers`),
 * so that the breakdown is of the module that ships.
 */
function buildWasmOptArgs() {
  const text = readFileSync(join(ROOT, 'scripts', 'build'), 'utf8').replace(/\\\n\s*/g, ' ');
  const line = text.split('\n').find((l) => /node_modules\/\.bin\/wasm-opt\s/.test(l) && !l.trim().startsWith('#'));
  if (!line) return ['-Oz', '--strip-debug', '--strip-producers'];
  const args = line.slice(line.indexOf('wasm-opt') + 'wasm-opt'.length).split(/\s+/).filter(Boolean);
  return args.slice(0, args.findIndex((a) => a.startsWith('"$') || a.startsWith('$'))).map((a) => a.replace(/'/g, ''));
}

/** Builds the named, optimized module in a temporary folder and sums it up. */
export function wasmBreakdown() {
  const input = join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', 'upload_doctor.wasm');
  const wasmOpt = join(ROOT, 'node_modules', '.bin', 'wasm-opt');
  if (!existsSync(input) || !existsSync(wasmOpt)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'ud-wasm-size-'));
  try {
    execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', dir, '--out-name', 'm', input], { stdio: 'ignore' });
    const args = buildWasmOptArgs();
    const named = [...args.filter((a) => a !== '--strip-debug'), '--debuginfo'];
    execFileSync(wasmOpt, [...named, join(dir, 'm_bg.wasm'), '-o', join(dir, 'named.wasm')], { stdio: 'ignore' });
    execFileSync(wasmOpt, [...args, join(dir, 'm_bg.wasm'), '-o', join(dir, 'stripped.wasm')], { stdio: 'ignore' });
    const { sections, functions } = parseWasm(readFileSync(join(dir, 'named.wasm')));
    const groups = new Map();
    for (const f of functions) groups.set(ownerOf(f.name), (groups.get(ownerOf(f.name)) ?? 0) + f.size);
    const top = [...functions].sort((a, b) => b.size - a.size).slice(0, 10);
    return {
      wasmOptArgs: args,
      stripped: readFileSync(join(dir, 'stripped.wasm')).length,
      code: sections.code ?? 0,
      data: sections.data ?? 0,
      groups: [...groups.entries()].sort((a, b) => b[1] - a[1]),
      top,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = wasmBreakdown();
  if (!r) { console.error('no release build or wasm-opt: run bash scripts/build first'); process.exit(1); }
  console.log(`stripped ${r.stripped} B: code ${r.code}, data ${r.data}`);
  for (const [g, b] of r.groups) console.log(String(b).padStart(8), `${(100 * b / r.code).toFixed(1).padStart(5)} %`, g);
  console.log('largest functions:');
  for (const f of r.top) console.log(String(f.size).padStart(8), f.name.slice(0, 120));
}
