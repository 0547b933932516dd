//! Sends one request and, when it fails, diagnoses why: the one path that `putObject`,
//! `uploadFetch` and every multipart request go through.

use crate::codes::Code;
use crate::cors::{CorsConfig, CorsRule};
use crate::diagnosis::{
    config_disagrees, csp_blocked, from_config, from_network_error, from_response, likely_causes,
    offline, precheck, Attempt, Diagnosis, Observed,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::error::{to_js, warn, Context};
use super::js::{is_offline, watch_csp};
use super::request::{observe, Target};
use super::{js, probes};

/// What the caller wants from a 2xx response.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Etag {
    /// The ETag must be readable (`putObject`, multipart parts).
    Require,
    /// A hidden ETag is explained in the console, the response still returned (`uploadFetch`).
    Warn,
    /// Not an upload of an object (completion, abort).
    Ignore,
}

/// A failure, diagnosed, with what the JS error needs.
pub struct Failure {
    pub diagnosis: Diagnosis,
    pub attempt: Attempt,
    pub probes: Option<(usize, f64)>,
    pub response: Option<JsValue>,
}

impl Failure {
    /// The JS `UploadError` for this failure.
    /// `url` is the request's URL with its secrets removed.
    pub fn into_js(self, url: String, console: bool, aborted: Option<bool>) -> JsValue {
        to_js(
            &self.diagnosis,
            &self.attempt,
            Context {
                url,
                probes: self.probes,
                aborted,
                console,
                response: self.response,
            },
        )
    }
}

/// How one request is sent and judged.
pub struct Send<'a> {
    /// The caller's signal (`aborted` when it fires).
    pub signal: Option<&'a AbortSignal>,
    /// Fires when the request took too long (a retryable failure, not an abort).
    pub timeout: Option<(&'a AbortSignal, u32)>,
    pub etag: Etag,
    pub console: bool,
    /// An earlier request of the same kind in this upload passed CORS: a network failure
    /// now is the network, and no probe is needed.
    pub cors_proven: bool,
    /// The bucket's CORS configuration, when the app passed it (`cors` option): the
    /// diagnosis is then exact, without probes.
    pub config: Option<&'a CorsConfig>,
}

/// Reads the `cors` option: the bucket's configuration in S3's shape, as
/// `{ CORSRules: [...] }` or the bare rule array. (The command line reads every other
/// shape; the page keeps to this one so the parsers stay out of its Wasm.)
pub fn cors_option(options: &JsValue) -> Result<Option<CorsConfig>, String> {
    let Some(value) = js::get(options, "cors") else {
        return Ok(None);
    };
    let bad = |e: serde_wasm_bindgen::Error| {
        format!("options.cors must be the bucket's CORS configuration in S3's shape ({{ CORSRules: [...] }} or a rule array): {e}")
    };
    if js_sys::Array::is_array(&value) {
        let rules: Vec<CorsRule> = serde_wasm_bindgen::from_value(value).map_err(bad)?;
        return Ok(Some(CorsConfig { rules }));
    }
    serde_wasm_bindgen::from_value(value).map(Some).map_err(bad)
}

/// The signal for one request: the caller's `base`, plus a timeout when `ms` is set.
/// Returns the combined signal and the timeout's own signal.
pub fn with_timeout(base: &AbortSignal, ms: Option<u32>) -> (AbortSignal, Option<AbortSignal>) {
    match ms {
        None => (base.clone(), None),
        Some(ms) => {
            let timeout = AbortSignal::timeout_with_u32(ms);
            let both = AbortSignal::any(&js_sys::Array::of2(base, &timeout));
            (both, Some(timeout))
        }
    }
}

/// Sends the request that `start` begins and diagnoses any failure, adding the likely
/// causes the request alone shows to the evidence.
pub async fn send<F>(
    target: &Target,
    attempt: Attempt,
    how: &Send<'_>,
    start: F,
) -> Result<Response, Failure>
where
    F: std::future::Future<Output = Result<Response, JsValue>>,
{
    let notes = likely_causes(&attempt);
    send_once(target, attempt, how, start)
        .await
        .map_err(|mut f| {
            if f.diagnosis.code != Code::Aborted {
                f.diagnosis.evidence.extend(notes);
            }
            f
        })
}

async fn send_once<F>(
    target: &Target,
    attempt: Attempt,
    how: &Send<'_>,
    start: F,
) -> Result<Response, Failure>
where
    F: std::future::Future<Output = Result<Response, JsValue>>,
{
    let fail = |diagnosis: Diagnosis, attempt: Attempt| Failure {
        diagnosis,
        attempt,
        probes: None,
        response: None,
    };
    if let Some(d) = precheck(&attempt) {
        return Err(fail(d, attempt));
    }
    let csp = watch_csp(&target.base);
    let settled = start.await;
    // Only a failed request can have been blocked by CSP: an answer costs no wait.
    let blocked_by = if settled.is_ok() {
        csp.drop();
        None
    } else {
        JsFuture::from(csp.stop())
            .await
            .ok()
            .and_then(|v| v.as_string())
    };
    let timed_out = how.timeout.filter(|(t, _)| t.aborted()).map(|(_, ms)| ms);
    let observed = match observe(settled).await {
        Ok(o) => o,
        Err(err) => {
            let d = if let Some(ms) = timed_out {
                Diagnosis::timed_out(&attempt.method, ms)
            } else if how.signal.is_some_and(|s| s.aborted()) || js::is_abort_error(&err) {
                Diagnosis::aborted(&attempt.method)
            } else {
                // fetch refused its arguments (a bad method, a body on GET, ...).
                Diagnosis::input_invalid(&format!(
                    "fetch refused the request: {}",
                    js::error_text(&err)
                ))
            };
            return Err(fail(d, attempt));
        }
    };
    match observed {
        (Observed::NetworkError(_), _) if how.signal.is_some_and(|s| s.aborted()) => {
            Err(fail(Diagnosis::aborted(&attempt.method), attempt))
        }
        (Observed::NetworkError(_), _) if blocked_by.is_some() => {
            let directive = blocked_by.unwrap_or_default();
            Err(fail(csp_blocked(&attempt, &directive), attempt))
        }
        (Observed::NetworkError(_), _) if is_offline() => Err(fail(offline(&attempt), attempt)),
        (Observed::NetworkError(message), _) if how.cors_proven => {
            Err(fail(Diagnosis::dropped(&attempt.method, &message), attempt))
        }
        (Observed::NetworkError(message), _) => {
            let mut disagrees = false;
            if let Some(config) = how.config {
                match from_config(&attempt, &message, config) {
                    Some(d) => return Err(fail(d, attempt)),
                    None => disagrees = true,
                }
            }
            let (probes, ms) = probes::probe(&target.base, &attempt.method).await;
            let mut d = from_network_error(&attempt, &message, &probes);
            if disagrees {
                d.evidence.push(config_disagrees());
            }
            Err(Failure {
                diagnosis: d,
                attempt,
                probes: Some((probes.count(), ms)),
                response: None,
            })
        }
        (observed, Some(resp)) => {
            match from_response(&attempt, &observed, how.etag != Etag::Ignore) {
                None => Ok(resp),
                Some(d) if d.code == Code::CorsEtagNotExposed && how.etag == Etag::Warn => {
                    warn(
                        &d,
                        &attempt,
                        Context {
                            url: target.redacted.clone(),
                            console: how.console,
                            ..Default::default()
                        },
                    );
                    Ok(resp)
                }
                Some(d) => Err(Failure {
                    diagnosis: d,
                    attempt,
                    probes: None,
                    response: Some(resp.into()),
                }),
            }
        }
        (observed, None) => Err(fail(
            Diagnosis::input_invalid(&format!("unexpected observation {observed:?}")),
            attempt,
        )),
    }
}

/// An `input/invalid` error for the JS caller (nothing was sent).
pub fn invalid(reason: &str, method: &str, console: bool) -> JsValue {
    let attempt = Attempt {
        page_origin: js::page_origin(),
        method: method.to_string(),
        ..Default::default()
    };
    to_js(
        &Diagnosis::input_invalid(reason),
        &attempt,
        Context {
            console,
            ..Default::default()
        },
    )
}
