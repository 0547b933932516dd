// Multipart throughput and memory, every contender side by side in one browser page against
// one S3 server, alternating contenders within each run. See bench/run.mjs for the report.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { content } from '../tests/support/content.mjs';
import { randomBytes } from 'node:crypto';
import { ROOT } from '../tests/support/servers.mjs';
import { startBenchServer } from './server.mjs';

const MiB = 1048576;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts bench/sink.mjs in its own process (so that it does not share this event loop). */
export function startSinkProcess(port) {
  return new Promise((resolve, reject) => {
    // With an IPC channel: the sink exits when this process does, even when it crashes.
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'sink.mjs'), String(port)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening at (\S+)/.exec(buf);
      if (m) resolve({ endpoint: m[1], stop: () => child.kill('SIGTERM'), pid: child.pid });
    });
    child.once('exit', (code) => reject(new Error(`bench sink exited (${code}) before listening`)));
  });
}

/** The `mib` MiB test file on disk (deterministic bytes: `content(size, 9)`), made once. */
export function benchFile(mib) {
  const dir = join(ROOT, 'bench', '.out', 'files');
  const path = join(dir, `bench-${mib}MiB.bin`);
  if (!existsSync(path) || statSync(path).size !== mib * MiB) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, content(mib * MiB, 9));
  }
  return path;
}

/** Gives the page the `mib` MiB file through its file input, as a user picking it would. */
export async function loadFile({ page }, mib) {
  await page.setInputFiles('#file', benchFile(mib));
  return page.evaluate((m) => window.takeFile(m), mib);
}

/** A page of `origin` in its own browser context, with a CDP session for heap figures. */
export async function openBenchPage(browser, origin) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${origin}/page/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return { ctx, page, cdp };
}

/** The page's main thread: busy time of all its tasks, cumulative seconds. */
async function mainThread(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0;
}

async function heap(cdp) {
  const h = await cdp.send('Runtime.getHeapUsage');
  return { v8: h.usedSize, buffers: h.backingStorageSize ?? 0 };
}

/**
 * One timed upload by `who` of the `mib` MiB file, with memory sampled every `sampleMs`
 * when asked. The sink's count of the stored object is checked against the file size.
 */
export async function uploadOnce({ page, cdp }, who, mib, cfg, { memory = false, verify } = {}) {
  const key = `bench-${who}-${randomBytes(4).toString('hex')}.bin`;
  let mem = null;
  if (memory) {
    await cdp.send('HeapProfiler.collectGarbage');
    mem = { before: await heap(cdp), wasmBefore: await page.evaluate((w) => window.wasmBytes(w), who), peak: { v8: 0, buffers: 0, total: 0 } };
  }
  const cpu0 = await mainThread(cdp);
  let done = false;
  const sampler = (async () => {
    while (memory && !done) {
      const h = await heap(cdp);
      if (h.v8 + h.buffers > mem.peak.total) mem.peak = { ...h, total: h.v8 + h.buffers };
      await sleep(100);
    }
  })();
  const r = await page.evaluate(({ who, mib, cfg }) => window.uploadOnce(who, mib, cfg), { who, mib, cfg: { ...cfg, key } });
  done = true;
  const cpu1 = await mainThread(cdp);
  await sampler;
  if (!r.ok) throw new Error(`${who} ${mib} MiB: ${r.error}`);
  if (memory) {
    mem.wasmAfter = await page.evaluate((w) => window.wasmBytes(w), who);
    mem.afterNoGc = await heap(cdp);
    await cdp.send('HeapProfiler.collectGarbage');
    mem.after = await heap(cdp);
  }
  if (verify) {
    const size = await verify(cfg.bucket, key);
    if (size !== mib * MiB) throw new Error(`${who} ${mib} MiB: the server got ${size} bytes, not ${mib * MiB}`);
  }
  return {
    ms: r.ms, mbps: (mib * MiB) / 1e6 / (r.ms / 1000), mem,
    // Main-thread time of the page during the upload (includes the 100 ms memory samples' own cost, same for all).
    taskMs: (cpu1 - cpu0) * 1000,
  };
}

/** The size the sink counted for a completed object (HEAD answers it in x-sink-size). */
export function sinkVerifier(endpoint) {
  return async (bucket, key) => {
    const r = await fetch(`${endpoint}/${bucket}/${encodeURIComponent(key)}`, { method: 'HEAD' });
    return r.ok ? Number(r.headers.get('x-sink-size')) : null;
  };
}

/**
 * Runs every contender `runs` times per size, alternating the order each run (a rotation,
 * so each contender goes first, middle and last as often as the others). Returns
 * { [who]: { [mib]: [{ ms, mbps, mem }] } }.
 */
export async function runRounds(bp, contenders, { sizes, runs, cfgFor, memoryAt, verify, log = () => {} }) {
  const results = Object.fromEntries(contenders.map((c) => [c, {}]));
  for (const mib of sizes) {
    await loadFile(bp, mib);
    for (let run = 0; run < runs; run++) {
      const k = run % contenders.length;
      const order = [...contenders.slice(k), ...contenders.slice(0, k)];
      for (const who of order) {
        // A failed upload is reported and tried once more (a benchmark is no test); a second
        // failure ends the bench.
        let r;
        try {
          r = await uploadOnce(bp, who, mib, cfgFor(who), { memory: memoryAt === mib, verify });
        } catch (err) {
          log(`  ${mib} MiB run ${run + 1}/${runs} ${who}: FAILED (${err.message}); once more`);
          (results.failures ??= []).push(`${who}, ${mib} MiB, run ${run + 1}: ${err.message}`);
          r = await uploadOnce(bp, who, mib, cfgFor(who), { memory: memoryAt === mib, verify });
        }
        (results[who][mib] ??= []).push(r);
        log(`  ${mib} MiB run ${run + 1}/${runs} ${who}: ${r.mbps.toFixed(1)} MB/s`);
      }
    }
  }
  return results;
}

export { startBenchServer };
