// The demo: prepares the preset buckets on LocalStack and serves the page at
// http://localhost:5173 until Ctrl-C. Run through `bash scripts/demo`, which installs and
// builds what is missing first.
//
//   node www/demo.mjs                      serve the page
//   node www/demo.mjs --headless           run every preset in headless Chromium, print one
//                                          line each, exit 1 if any outcome is not the expected one
//     --only ID[,ID]                       only these presets
//     --screenshot FILE                    then show a failing upload and save a screenshot

import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { ensureLocalStack, launchBrowser } from '../tests/support/servers.mjs';
import { startBackend, s3Client } from './backend.mjs';
import { presets, setupPresets, DEMO_ORIGIN } from './presets.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
const headless = args.includes('--headless');
const only = option('--only')?.split(',') ?? null;
const screenshot = option('--screenshot');
const SCREENSHOT_PRESET = 'no-allowed-headers';

async function serve() {
  try {
    return await startBackend(DEMO_ORIGIN, { presets, quiet: false });
  } catch (err) {
    if (err.code === 'EADDRINUSE') {
      console.error(`port ${new URL(DEMO_ORIGIN).port} is already in use: the demo page must be served at ${DEMO_ORIGIN}` +
        ' (the preset buckets\' CORS rules name that origin). Stop whatever listens there and try again.');
      process.exit(1);
    }
    throw err;
  }
}

/** One line per preset, as the brief's format: `ok   <id>  etag ...` or `<code>  <id>  origin=...`. */
function line(id, r) {
  if (r.ok) return `ok   ${id}  etag ${r.etag}`;
  const rule = r.fix ? JSON.stringify(r.fix) : '-';
  return `${r.code}  ${id}  origin=${r.origin} method=${r.method} rule=${rule}`;
}

async function runHeadless() {
  const selected = presets.filter((p) => !only || only.includes(p.id));
  const unknown = (only || []).filter((id) => !presets.some((p) => p.id === id));
  if (unknown.length) throw new Error(`unknown preset(s): ${unknown.join(', ')}`);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${DEMO_ORIGIN}/`);
    await page.waitForFunction(() => window.demoReady === true, null, { timeout: 20_000 }).catch(() => {
      throw new Error(`the demo page did not load: ${pageErrors.join(' | ') || 'no page error reported'}`);
    });
    let differing = 0;
    for (const p of selected) {
      const r = await page.evaluate((id) => window.demoRun(id), p.id);
      console.log(line(p.id, r));
      const got = r.ok ? 'ok' : r.code;
      if (got !== p.expect) {
        differing++;
        console.log(`     ^ expected ${p.expect}, got ${got}${r.ok ? '' : `: ${r.message}`}`);
      }
    }
    if (screenshot) {
      await page.evaluate((id) => window.demoRun(id), SCREENSHOT_PRESET);
      await page.screenshot({ path: screenshot, fullPage: true });
      console.log(`screenshot of the page after preset ${SCREENSHOT_PRESET}: ${screenshot}`);
    }
    console.log(`${selected.length - differing} of ${selected.length} presets gave the expected outcome`);
    return differing === 0;
  } finally {
    await browser.close();
  }
}

await ensureLocalStack();
const admin = s3Client();
await setupPresets(admin);
const server = await serve();

if (!headless) {
  console.log(`upload-doctor demo: open ${DEMO_ORIGIN}/ (presets on LocalStack at 127.0.0.1:4566; Ctrl-C to stop)`);
  // Buckets vanish when LocalStack restarts (it keeps no state): put them back.
  const watch = setInterval(async () => {
    try {
      await admin.send(new HeadBucketCommand({ Bucket: presets[0].bucket }));
    } catch (err) {
      if (err.name !== 'NotFound' && err.name !== 'NoSuchBucket') return;
      await setupPresets(admin).then(() => console.log('LocalStack lost the preset buckets (restarted?): created them again'),
        (e) => console.error(`demo: could not recreate the preset buckets: ${e.name}: ${e.message}`));
    }
  }, 5000);
  process.on('SIGINT', () => {
    clearInterval(watch);
    server.close();
    process.exit(0);
  });
} else {
  let ok = false;
  try {
    ok = await runHeadless();
  } catch (err) {
    console.error(`demo: ${err.message}`);
  }
  server.close();
  process.exit(ok ? 0 : 1);
}
