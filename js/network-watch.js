// Watches for what the browser reports outside the failed request itself: a
// Content-Security-Policy block of the URL's origin while the request runs.
export function watchCsp(url) {
  const seen = [];
  let origin = '';
  try { origin = new URL(url, globalThis.location?.href).origin; } catch { /* leave empty */ }
  const listener = (e) => {
    try {
      if (!e.blockedURI || new URL(e.blockedURI, globalThis.location?.href).origin === origin) seen.push(e.effectiveDirective || e.violatedDirective);
    } catch { seen.push(e.effectiveDirective || e.violatedDirective); }
  };
  const target = typeof document !== 'undefined' ? document : globalThis;
  target.addEventListener?.('securitypolicyviolation', listener);
  return {
    // After a failure: violations are queued as tasks, so give them one turn to arrive.
    async stop() {
      await new Promise((r) => setTimeout(r, 0));
      target.removeEventListener?.('securitypolicyviolation', listener);
      return seen[0] ?? null;
    },
    // After an answer: nothing was blocked, and nothing is worth a wait.
    drop() {
      target.removeEventListener?.('securitypolicyviolation', listener);
    },
  };
}

export function isOffline() {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/**
 * Calls an app callback, settling early when `signal` fires: a callback that never
 * settles must not hang the upload past an abort or a time limit.
 */
export function callUntil(f, arg, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return; }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(() => f(arg))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** True for the TypeError a browser gives when a request fails on the network or by CORS
 * (Chromium, Firefox, Safari), as opposed to fetch refusing its arguments. */
export function isNetworkFailure(err) {
  return err instanceof TypeError &&
    /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed|Network request failed)$/.test(err.message);
}
