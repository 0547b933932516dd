// The error class every upload-doctor failure is an instance of, and its console report.
// Kept in JS so that errors are real `Error`s with a stack and an `explain()` method.

const MARK = Symbol.for('upload-doctor.error');

/**
 * Where the per-code pages (docs/errors/<code with "/" as "-">.md) are published: the one
 * place this address is written (scripts/gen-docs reads it from here). A placeholder until
 * the repository has its public home.
 */
export const DOCS_BASE = 'https://github.com/upload-doctor/upload-doctor/blob/main/docs/errors/';

/** The page that documents `code`. */
export function docsUrl(code) {
  return `${DOCS_BASE}${String(code).replace(/\//g, '-')}.md`;
}

export class UploadError extends Error {
  constructor(fields, explanation) {
    super(fields.message);
    this.name = 'UploadError';
    Object.assign(this, fields);
    this.docs = docsUrl(fields.code);
    Object.defineProperty(this, MARK, { value: true });
    Object.defineProperty(this, 'explanation', { value: explanation, enumerable: false });
  }

  /** The long form: cause, evidence, the rule and where it goes, a curl replay, the docs page. */
  explain() {
    return `${this.explanation.trimEnd()}\n\ndocs: ${this.docs}\n`;
  }
}

export function makeUploadError(fields, explanation) {
  return new UploadError(fields, explanation);
}

/** True for errors thrown by upload-doctor, even from another copy of the package. */
export function isUploadErrorJs(value) {
  return value instanceof UploadError || Boolean(value && value[MARK]);
}

// ---- the console report ---------------------------------------------------------------
// One collapsed group per failure, styled with %c (Chrome, Edge, Firefox and Safari all
// apply it; elsewhere the text reads the same without it). Everything meant to be copied
// (the rule's JSON, the curl command) is printed alone in its own message, unstyled, so
// that selecting it or "Copy message" copies exactly that.

const FONT = 'font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace';
const STYLE = {
  badge: 'background:#b00020;color:#fff;border-radius:3px;padding:1px 5px;font-weight:600',
  badgeWarn: 'background:#8a6d00;color:#fff;border-radius:3px;padding:1px 5px;font-weight:600',
  code: 'color:#b00020;font-weight:600',
  codeWarn: 'color:#8a6d00;font-weight:600',
  headline: 'font-weight:600',
  label: 'color:#6b7280',
  value: '',
  origin: 'background:#fff3b0;color:#1f2937;border-radius:3px;padding:0 3px;font-weight:700',
  fix: 'color:#0b6e4f;font-weight:600',
  section: 'color:#374151;font-weight:600',
  muted: 'color:#6b7280',
  reset: '',
};

const PROVIDERS = {
  aws: 'AWS S3', r2: 'Cloudflare R2', gcs: 'Google Cloud Storage', azure: 'Azure Blob Storage', b2: 'Backblaze B2',
  spaces: 'DigitalOcean Spaces', wasabi: 'Wasabi', minio: 'MinIO', 's3-compatible': 'S3-compatible: AWS CLI, SDK v3, Terraform',
};

/**
 * One `console` call's arguments from `[text, style]` pieces. The texts go in as `%s`
 * arguments, never into the format string: a URL's `%c` or `%s` stays text.
 */
function styled(...pieces) {
  let format = '';
  const args = [];
  for (const [text, style] of pieces) {
    format += '%c%s';
    args.push(style || STYLE.reset, String(text));
  }
  return [format, ...args];
}

/** `text` with every occurrence of `origin` highlighted. */
function withOrigin(text, origin, style) {
  if (!origin || origin === 'null' || !text.includes(origin)) return [[text, style]];
  const pieces = [];
  text.split(origin).forEach((part, i) => {
    if (i > 0) pieces.push([origin, STYLE.origin]);
    if (part) pieces.push([part, style]);
  });
  return pieces;
}

/** A `label  value` line with the label padded to one width. */
function row(label, ...valuePieces) {
  return styled([`${label.padEnd(9)} `, STYLE.label], ...valuePieces);
}

/** The URL without its signing parameters (already secret-free): short enough to read. */
function shortUrl(url) {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) {
      if (/^x-amz-|^x-id$/i.test(k)) u.searchParams.delete(k);
    }
    return u.href;
  } catch {
    return url;
  }
}

/** The rule as JSON, one field a line, the way S3's console shows it. */
export function ruleJson(rule) {
  const lines = Object.entries(rule).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** The `curl` replay of the preflight, as the explanation prints it (it is built in Rust). */
export function curlOf(explanation) {
  const m = /^curl (?:[^\n]*\\\n)*[^\n]*/m.exec(explanation || '');
  return m ? m[0] : null;
}

/** Prints one failure as a collapsed group (level 'warn': a diagnosis that did not fail the call). */
export function reportToConsole(err, level) {
  const warn = level === 'warn';
  const c = console;
  c.groupCollapsed(...styled(
    ['upload-doctor', warn ? STYLE.badgeWarn : STYLE.badge],
    [' ', STYLE.reset],
    [err.code, warn ? STYLE.codeWarn : STYLE.code],
    [' ', STYLE.reset],
    ...withOrigin(err.message, err.origin, STYLE.headline),
  ));
  try {
    if (err.url || err.method) c.log(...row('request', [`${err.method} ${err.url ? shortUrl(err.url) : '(nothing was sent)'}`, FONT]));
    c.log(...row('origin', [err.origin, STYLE.origin], ["  the page's origin: the bucket's CORS rule must name exactly this", STYLE.muted]));
    if (err.headers && err.headers.length) c.log(...row('headers', [err.headers.join(', '), FONT]));
    if (err.status != null) c.log(...row('status', [`HTTP ${err.status}`, FONT]));
    if (typeof err.aborted === 'boolean') {
      c.log(...row('multipart', [err.aborted ? 'the upload was aborted on the server: no parts are left behind' : 'the upload could not be aborted: its parts stay until a lifecycle rule removes them', STYLE.value]));
    }
    c.log(...row('fix', ...withOrigin(err.hint, err.origin, STYLE.fix)));

    if (err.candidates && err.candidates.length) {
      c.group(...styled(['one of these is the cause (the browser does not say which):', STYLE.section]));
      for (const line of err.candidates) c.log(...styled(['• ', STYLE.muted], ...withOrigin(line, err.origin, STYLE.value)));
      c.groupEnd();
    }

    if (err.fix) {
      c.group(...styled(
        ['the rule, S3 JSON for ', STYLE.section], [err.origin, STYLE.origin],
        [' only: put it FIRST in the bucket\'s CORS configuration', STYLE.section],
      ));
      c.log(ruleJson(err.fix));
      c.log(...styled(
        ['AWS console: Permissions › Cross-origin resource sharing (a JSON array: [rule, ...existing]). ', STYLE.muted],
        ['Browsers cache preflight answers: test again with DevTools › Network › Disable cache.', STYLE.muted],
      ));
      c.groupEnd();
    }
    if (err.providerFix) {
      c.groupCollapsed(...styled(['apply it', STYLE.section], [` (${PROVIDERS[err.provider] || err.provider || 'S3'})`, STYLE.muted]));
      c.log(err.providerFix);
      c.groupEnd();
    }

    const curl = curlOf(err.explanation);
    if (curl) {
      c.groupCollapsed(...styled(['replay the preflight with curl', STYLE.section], [' (no signature needed: a 200 with Access-Control-Allow-Origin means it passes)', STYLE.muted]));
      c.log(curl);
      c.groupEnd();
    }

    if (err.evidence && err.evidence.length) {
      c.groupCollapsed(...styled([`evidence (${err.evidence.length})`, STYLE.section], err.probes ? [`  ${err.probes.count} probes, ${Math.round(err.probes.ms)} ms`, STYLE.muted] : ['', STYLE.reset]));
      for (const line of err.evidence) c.log(...styled(['• ', STYLE.muted], ...withOrigin(line, err.origin, STYLE.value)));
      c.groupEnd();
    }

    c.log(...row('docs', [err.docs, STYLE.value]));
  } finally {
    c.groupEnd();
  }
}
