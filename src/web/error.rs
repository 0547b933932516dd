//! Turns a [`Diagnosis`] into the JS `UploadError` and prints its console explanation.

use crate::diagnosis::{Attempt, Diagnosis};
use crate::explain::explain;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::js::set;

#[wasm_bindgen(module = "/js/upload-error.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeUploadError)]
    fn make_upload_error(fields: &Object, explanation: &str) -> JsValue;
    #[wasm_bindgen(js_name = isUploadErrorJs)]
    pub fn is_upload_error(value: &JsValue) -> bool;
    #[wasm_bindgen(js_name = reportToConsole)]
    fn report_to_console(err: &JsValue, level: &str);
}

/// How the failure came about, beyond the diagnosis itself.
#[derive(Default)]
pub struct Context {
    /// The URL with its secrets removed.
    pub url: String,
    /// Probes sent and the milliseconds they took.
    pub probes: Option<(usize, f64)>,
    /// Multipart: whether the upload was aborted on the server.
    pub aborted: Option<bool>,
    /// Print the console explanation (the `console` option).
    pub console: bool,
    /// The response, for `uploadFetch`'s HTTP errors.
    pub response: Option<JsValue>,
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// Builds the `UploadError` (and prints it unless `console: false`).
pub fn to_js(d: &Diagnosis, a: &Attempt, ctx: Context) -> JsValue {
    let err = build(d, a, &ctx);
    if ctx.console {
        report_to_console(&err, "error");
    }
    err
}

/// Prints an `UploadError` made earlier without its console report (once per failure).
pub fn report(err: &JsValue) {
    if is_upload_error(err) {
        report_to_console(err, "error");
    }
}

/// Prints a diagnosis that does not fail the call (a hidden ETag in `uploadFetch`).
pub fn warn(d: &Diagnosis, a: &Attempt, ctx: Context) {
    if ctx.console {
        report_to_console(&build(d, a, &ctx), "warn");
    }
}

fn build(d: &Diagnosis, a: &Attempt, ctx: &Context) -> JsValue {
    let mut d = d.clone();
    d.redact(&a.signing.secrets);
    let d = &d;
    let f = Object::new();
    set(&f, "message", d.headline.as_str());
    set(&f, "code", d.code.as_str());
    set(&f, "origin", a.page_origin.as_str());
    set(&f, "method", a.method.as_str());
    set(&f, "url", ctx.url.as_str());
    set(&f, "headers", strings(&d.headers));
    set(&f, "evidence", strings(&d.evidence));
    set(&f, "hint", d.hint.as_str());
    let fix = d
        .fix
        .as_ref()
        .and_then(|rule| serde_wasm_bindgen::to_value(rule).ok())
        .unwrap_or(JsValue::NULL);
    set(&f, "fix", fix);
    if !a.url_base.is_empty() {
        let ep = crate::diagnosis::endpoint_of(a);
        set(&f, "provider", ep.provider.as_str());
        if let Some(rule) = &d.fix {
            set(&f, "providerFix", crate::provider::render_fix(&ep, rule));
        }
    }
    if !d.candidates.is_empty() {
        set(&f, "candidates", strings(&d.candidates));
    }
    set(&f, "status", d.status.map_or(JsValue::NULL, JsValue::from));
    if let Some((count, ms)) = ctx.probes {
        let p = Object::new();
        set(&p, "count", count as u32);
        set(&p, "ms", ms);
        set(&f, "probes", p);
    }
    if let Some(aborted) = ctx.aborted {
        set(&f, "aborted", aborted);
    }
    if let Some(resp) = &ctx.response {
        set(&f, "response", resp.clone());
    }
    make_upload_error(&f, &explain(d, a))
}
