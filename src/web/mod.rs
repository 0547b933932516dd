//! The browser layer: the exported JS API. It gathers observations and hands every
//! decision to the pure core.

#[cfg(feature = "cli")]
mod engine;
mod error;
mod js;
mod multipart;
mod probes;
mod request;
mod send;

use js_sys::{ArrayBuffer, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Blob, Headers};

use request::{implied_content_type, Target};
use send::{cors_option, invalid, send, Etag, Send};

/// The `console` option: explanations are printed unless it is `false`.
fn console_enabled(options: &JsValue) -> bool {
    js::get(options, "console").and_then(|v| v.as_bool()) != Some(false)
}

fn signal_of(options: &JsValue) -> Result<Option<AbortSignal>, String> {
    match js::get(options, "signal") {
        None => Ok(None),
        Some(s) => s
            .dyn_into::<AbortSignal>()
            .map(Some)
            .map_err(|_| "options.signal must be an AbortSignal".to_string()),
    }
}

/// `new Headers(init)`, or an error text when the browser refuses them.
fn headers_of(init: Option<JsValue>) -> Result<Headers, String> {
    match init {
        None => Headers::new().map_err(|e| js::error_text(&e)),
        Some(h) => Headers::new_with_str_sequence_sequence(&h)
            .map_err(|e| format!("headers are invalid: {}", js::error_text(&e))),
    }
}

fn url_of(input: &JsValue) -> Option<String> {
    if let Some(s) = input.as_string() {
        return Some(s);
    }
    if let Some(r) = input.dyn_ref::<web_sys::Request>() {
        return Some(r.url());
    }
    // URL objects and anything with an `href`.
    js::get_string(input, "href")
}

fn is_body(body: &JsValue) -> bool {
    body.is_string()
        || body.is_instance_of::<Blob>()
        || body.is_instance_of::<ArrayBuffer>()
        || ArrayBuffer::is_view(body)
}

/// Uploads `body` with one presigned PUT. Resolves to `{ etag, status }`; rejects with an
/// `UploadError` whose `code` says what is wrong and whose `fix` says what to change.
#[wasm_bindgen(js_name = putObject)]
pub async fn put_object(url: JsValue, body: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let console = console_enabled(&options);
    let bad = |reason: &str| invalid(reason, "PUT", console);
    let href = url_of(&url).ok_or_else(|| bad("url must be a string or a URL"))?;
    let target = Target::parse(&href).map_err(|r| bad(&r))?;
    if !is_body(&body) {
        return Err(bad(
            "body must be a File, Blob, ArrayBuffer, typed array or string",
        ));
    }
    let signal = signal_of(&options).map_err(|r| bad(&r))?;
    let config = cors_option(&options).map_err(|r| bad(&r))?;
    let headers = headers_of(js::get(&options, "headers")).map_err(|r| bad(&r))?;
    if let Some(ct) = js::get_string(&options, "contentType") {
        headers
            .set("content-type", &ct)
            .map_err(|e| bad(&js::error_text(&e)))?;
    }
    let content_type = headers
        .get("content-type")
        .ok()
        .flatten()
        .or_else(|| implied_content_type(&body));
    // Azure Blob refuses a PUT without the blob type; S3 callers never need to know.
    if target.provider() == crate::provider::Provider::Azure
        && headers.get("x-ms-blob-type").ok().flatten().is_none()
    {
        let _ = headers.set("x-ms-blob-type", "BlockBlob");
    }
    let attempt = target.attempt("PUT", &headers, content_type, &["PUT"], &[]);
    let init = request::init("PUT", &headers, Some(&body), signal.as_ref());
    let how = Send {
        signal: signal.as_ref(),
        timeout: None,
        etag: Etag::Require,
        console,
        cors_proven: false,
        config: config.as_ref(),
    };
    let resp = send(
        &target,
        attempt,
        &how,
        js::fetch(&JsValue::from_str(&href), &init),
    )
    .await
    .map_err(|f| f.into_js(target.redacted.clone(), console, None))?;
    let out = Object::new();
    js::set(
        &out,
        "etag",
        resp.headers()
            .get("etag")
            .ok()
            .flatten()
            .unwrap_or_default(),
    );
    js::set(&out, "status", resp.status());
    Ok(out.into())
}

/// A drop-in for `fetch(input, init)` on an upload: resolves to the `Response` as
/// `fetch` does; rejects with a diagnosed `UploadError` instead of a bare `TypeError`
/// (and, like `ky`, on an HTTP error, with the response in `err.response`).
/// Extra `init` options: `etag: 'require'`, `console: false`.
#[wasm_bindgen(js_name = uploadFetch)]
pub async fn upload_fetch(input: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
    let console = console_enabled(&init);
    let request = input.dyn_ref::<web_sys::Request>();
    let method = js::get_string(&init, "method")
        .or_else(|| request.map(|r| r.method()))
        .unwrap_or_else(|| "GET".to_string())
        .to_ascii_uppercase();
    let bad = |reason: &str| invalid(reason, &method, console);
    let href = url_of(&input).ok_or_else(|| bad("input must be a string, URL or Request"))?;
    let target = Target::parse(&href).map_err(|r| bad(&r))?;
    let config = cors_option(&init).map_err(|r| bad(&r))?;
    let signal = match signal_of(&init).map_err(|r| bad(&r))? {
        Some(s) => Some(s),
        None => request.map(|r| r.signal()),
    };
    let headers = match (js::get(&init, "headers"), request) {
        (None, Some(r)) => r.headers(),
        (h, _) => headers_of(h).map_err(|r| bad(&r))?,
    };
    let content_type = headers.get("content-type").ok().flatten().or_else(|| {
        js::get(&init, "body")
            .as_ref()
            .and_then(implied_content_type)
    });
    let etag = if js::get_string(&init, "etag").as_deref() == Some("require") {
        Etag::Require
    } else if method == "PUT" {
        Etag::Warn
    } else {
        Etag::Ignore
    };
    let attempt = target.attempt(&method, &headers, content_type, &[&method], &[]);
    let init = if init.is_undefined() {
        Object::new().into()
    } else {
        init
    };
    let how = Send {
        signal: signal.as_ref(),
        timeout: None,
        etag,
        console,
        cors_proven: false,
        config: config.as_ref(),
    };
    let resp = send(&target, attempt, &how, js::fetch_value(&input, &init))
        .await
        .map_err(|f| f.into_js(target.redacted.clone(), console, None))?;
    Ok(resp.into())
}

/// True for errors thrown by upload-doctor (also across copies of the package).
#[wasm_bindgen(js_name = isUploadError)]
pub fn is_upload_error(value: &JsValue) -> bool {
    error::is_upload_error(value)
}

/// Every error code, in documentation order.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<JsValue> {
    crate::codes::Code::ALL
        .iter()
        .map(|c| JsValue::from_str(c.as_str()))
        .collect()
}
