//! Small safe helpers over `js-sys`: reading option objects, the global `fetch`, the
//! page's origin and clock. Works in windows and workers alike.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestInit;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &JsValue, init: &RequestInit) -> Promise;
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch_value(input: &JsValue, init: &JsValue) -> Promise;
}

/// Starts `fetch(input, init)` now and returns its promise.
pub fn fetch_promise(input: &JsValue, init: &RequestInit) -> Promise {
    global_fetch(input, init)
}

/// `fetch(input, init)`: resolves to the `Response` or rejects with the browser's error.
pub async fn fetch(input: &JsValue, init: &RequestInit) -> Result<web_sys::Response, JsValue> {
    let resp = JsFuture::from(global_fetch(input, init)).await?;
    Ok(resp.unchecked_into())
}

/// `fetch` with the caller's own `init` object, untouched (the drop-in path).
pub async fn fetch_value(input: &JsValue, init: &JsValue) -> Result<web_sys::Response, JsValue> {
    let resp = JsFuture::from(global_fetch_value(input, init)).await?;
    Ok(resp.unchecked_into())
}

/// `obj[key]`, with `undefined` and `null` as `None`.
pub fn get(obj: &JsValue, key: &str) -> Option<JsValue> {
    if !obj.is_object() {
        return None;
    }
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

pub fn get_string(obj: &JsValue, key: &str) -> Option<String> {
    get(obj, key).and_then(|v| v.as_string())
}

pub fn get_function(obj: &JsValue, key: &str) -> Option<Function> {
    get(obj, key).and_then(|v| v.dyn_into::<Function>().ok())
}

pub fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

// Everything imported from js/network-watch.js, in one place.
#[wasm_bindgen(module = "/js/network-watch.js")]
extern "C" {
    pub type CspWatch;
    #[wasm_bindgen(js_name = watchCsp)]
    pub fn watch_csp(url: &str) -> CspWatch;
    #[wasm_bindgen(method)]
    pub fn stop(this: &CspWatch) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    pub fn drop(this: &CspWatch);
    #[wasm_bindgen(js_name = isOffline)]
    pub fn is_offline() -> bool;
    #[wasm_bindgen(js_name = callUntil)]
    fn call_until_js(f: &Function, arg: &JsValue, signal: &web_sys::AbortSignal) -> Promise;
    #[wasm_bindgen(js_name = isNetworkFailure)]
    pub fn is_network_failure(err: &JsValue) -> bool;
}

/// Calls an app callback; rejects with the signal's reason as soon as `signal` fires.
pub async fn call_until(
    f: &Function,
    arg: &JsValue,
    signal: &web_sys::AbortSignal,
) -> Result<JsValue, JsValue> {
    JsFuture::from(call_until_js(f, arg, signal)).await
}

/// `location.origin` of the page (or worker) at this moment.
pub fn page_origin() -> String {
    get(&js_sys::global(), "location")
        .and_then(|l| get_string(&l, "origin"))
        .unwrap_or_else(|| "null".to_string())
}

/// Unix seconds by the page's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Milliseconds from `performance.now()` (falls back to the wall clock).
pub fn now_ms() -> f64 {
    get(&js_sys::global(), "performance")
        .and_then(|p| {
            let f = get_function(&p, "now")?;
            f.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// The `[name, value]` pairs of an iterable such as `URLSearchParams` or `Headers`.
pub fn entries(iterable: &JsValue) -> Vec<(String, String)> {
    js_sys::try_iter(iterable)
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.ok()?.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The body of `resp` as text; empty when it cannot be read.
pub async fn text(resp: &web_sys::Response) -> String {
    match resp.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The text of a rejection value (`TypeError: Failed to fetch`).
pub fn error_text(err: &JsValue) -> String {
    if let Some(e) = err.dyn_ref::<js_sys::Error>() {
        format!("{}: {}", String::from(e.name()), String::from(e.message()))
    } else {
        err.as_string()
            .unwrap_or_else(|| "unknown error".to_string())
    }
}

/// True when `err` is the `AbortError` of an aborted fetch.
pub fn is_abort_error(err: &JsValue) -> bool {
    err.dyn_ref::<js_sys::Error>()
        .is_some_and(|e| e.name() == "AbortError")
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(set_timeout) = get_function(&js_sys::global(), "setTimeout") {
            let _ = set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(ms));
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
