//! `multipartUpload`: parts are `Blob.slice` views handed to `fetch` (file bytes never
//! enter Wasm memory); the pure [`Scheduler`] decides order, concurrency and retries.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diagnosis::{from_completion, Diagnosis};
use crate::parts::{
    backoff_ms, complete_xml, Decision, Plan, Scheduler, DEFAULT_CONCURRENCY, DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_MS,
};
use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal, Blob};

use super::error::{to_js, Context};
use super::js::{self, get, get_function, get_string, set};
use super::request::{self, Target};
use super::send::{invalid, send, with_timeout, Etag, Failure, Send};
use super::{console_enabled, headers_of, signal_of};

/// Why the upload stopped early.
enum Stop {
    /// A request failed and was diagnosed.
    Diagnosed(Box<Failure>, String),
    /// One of the app's callbacks threw or returned something unusable.
    Callback(JsValue),
}

struct Upload {
    file: Blob,
    upload_id: String,
    key: String,
    console: bool,
    sign_part: Function,
    on_progress: Option<Function>,
    /// Every method this upload sends from the browser (for the fix rule).
    methods: Vec<&'static str>,
    /// Headers any of its requests send that need the rule (completion's content-type).
    headers: Vec<&'static str>,
    scheduler: RefCell<Scheduler>,
    /// Aborts every request in flight once one part has failed for good.
    stop_all: AbortController,
    /// The caller's signal or ours, whichever fires first.
    signal: AbortSignal,
    stopped: RefCell<Option<Stop>>,
    /// Per-request time limit (ms) for parts and completion.
    timeout: Option<u32>,
    /// How many times a part or the completion is sent again.
    retries: u32,
    /// Set once a part has passed: later network failures of parts are not CORS.
    part_passed: std::cell::Cell<bool>,
    /// The bucket's CORS configuration, when the app passed it.
    config: Option<crate::cors::CorsConfig>,
}

fn ids(upload_id: &str, key: &str) -> Object {
    let o = Object::new();
    set(&o, "uploadId", upload_id);
    set(&o, "key", key);
    o
}

/// `signPart` may return a URL or `{ url, headers }`.
fn signed_request(value: &JsValue) -> Result<(String, Option<JsValue>), String> {
    if let Some(url) = super::url_of(value) {
        return Ok((url, None));
    }
    match get(value, "url").as_ref().and_then(super::url_of) {
        Some(url) => Ok((url, get(value, "headers"))),
        None => Err("a signing callback must return a URL or { url, headers }".into()),
    }
}

impl Upload {
    fn stop(&self, why: Stop) {
        let mut stopped = self.stopped.borrow_mut();
        if stopped.is_none() {
            *stopped = Some(why);
            self.stop_all.abort();
        }
    }

    async fn send_part(&self, number: u32) -> Result<String, Stop> {
        let (start, end) = self.scheduler.borrow().plan.range(number);
        let blob = self
            .file
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(Stop::Callback)?;
        let args = ids(&self.upload_id, &self.key);
        set(&args, "partNumber", number);
        set(&args, "size", (end - start) as f64);
        let signed = self
            .call(&self.sign_part, &args)
            .await
            .map_err(Stop::Callback)?;
        let (url, headers) =
            signed_request(&signed).map_err(|r| Stop::Callback(invalid(&r, "PUT", false)))?;
        let target = Target::parse(&url)
            .map_err(|r| Stop::Callback(invalid(&format!("signPart: {r}"), "PUT", false)))?;
        let headers = headers_of(headers).map_err(|r| Stop::Callback(invalid(&r, "PUT", false)))?;
        let attempt = target.attempt("PUT", &headers, None, &self.methods, &self.headers);
        let (signal, timeout) = with_timeout(&self.signal, self.timeout);
        let init = request::init("PUT", &headers, Some(&blob), Some(&signal));
        let how = Send {
            signal: Some(&self.signal),
            timeout: timeout.as_ref().zip(self.timeout),
            etag: Etag::Require,
            console: self.console,
            cors_proven: self.part_passed.get(),
            config: self.config.as_ref(),
        };
        let resp = send(
            &target,
            attempt,
            &how,
            js::fetch(&JsValue::from_str(&url), &init),
        )
        .await
        .map_err(|f| Stop::Diagnosed(Box::new(f), target.redacted.clone()))?;
        self.part_passed.set(true);
        Ok(resp
            .headers()
            .get("etag")
            .ok()
            .flatten()
            .unwrap_or_default())
    }

    /// Calls an app callback; it loses the race against an abort or the time limit.
    async fn call(&self, f: &Function, arg: &JsValue) -> Result<JsValue, JsValue> {
        let (signal, _) = with_timeout(&self.signal, self.timeout);
        js::call_until(f, arg, &signal).await
    }

    fn progress(&self) {
        if let Some(f) = &self.on_progress {
            let s = self.scheduler.borrow();
            let p = Object::new();
            set(&p, "loaded", s.bytes_done() as f64);
            set(&p, "total", s.plan.size as f64);
            let _ = f.call1(&JsValue::NULL, &p);
        }
    }
}

/// One of `concurrency` loops that take the next part until none is left.
async fn worker(up: Rc<Upload>) {
    loop {
        let Some(number) = up.scheduler.borrow_mut().next_part() else {
            return;
        };
        match up.send_part(number).await {
            Ok(etag) => {
                up.scheduler.borrow_mut().succeeded(number, etag);
                up.progress();
            }
            Err(_) if up.signal.aborted() => {
                let _ = up.scheduler.borrow_mut().failed(number, false, 0.0);
                return;
            }
            Err(Stop::Diagnosed(f, url)) => {
                let retry = f.diagnosis.retryable();
                let decision =
                    up.scheduler
                        .borrow_mut()
                        .failed(number, retry, js_sys::Math::random());
                match decision {
                    // The part is signed again on every attempt, so an expired URL is renewed.
                    Decision::Retry { delay_ms } => js::sleep(delay_ms).await,
                    Decision::Fail => {
                        up.stop(Stop::Diagnosed(f, url));
                        return;
                    }
                }
            }
            Err(stop) => {
                let _ = up.scheduler.borrow_mut().failed(number, false, 0.0);
                up.stop(stop);
                return;
            }
        }
    }
}

struct Callbacks {
    create: Function,
    sign_part: Function,
    complete: Option<Function>,
    sign_complete: Option<Function>,
    abort: Option<Function>,
    sign_abort: Option<Function>,
    list_parts: Option<Function>,
}

fn callbacks(options: &JsValue) -> Result<Callbacks, String> {
    let cb = Callbacks {
        create: get_function(options, "createMultipartUpload")
            .ok_or("options.createMultipartUpload (a function) is required")?,
        sign_part: get_function(options, "signPart")
            .ok_or("options.signPart (a function) is required")?,
        complete: get_function(options, "completeMultipartUpload"),
        sign_complete: get_function(options, "signComplete"),
        abort: get_function(options, "abortMultipartUpload"),
        sign_abort: get_function(options, "signAbort"),
        list_parts: get_function(options, "listParts"),
    };
    if cb.complete.is_none() && cb.sign_complete.is_none() {
        return Err("options.completeMultipartUpload or options.signComplete is required".into());
    }
    Ok(cb)
}

fn whole_number(
    options: &JsValue,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<f64>, String> {
    match get(options, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && range.contains(&n) => Ok(Some(n)),
            _ => Err(format!(
                "options.{key} must be a whole number from {} to {}",
                range.start(),
                range.end()
            )),
        },
    }
}

/// Uploads `file` in presigned parts. See the README for the callbacks.
#[wasm_bindgen(js_name = multipartUpload)]
pub async fn multipart_upload(file: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let console = console_enabled(&options);
    let bad = |reason: &str| invalid(reason, "PUT", console);
    let file: Blob = file
        .dyn_into()
        .map_err(|_| bad("file must be a File or Blob"))?;
    let cb = callbacks(&options).map_err(|r| bad(&r))?;
    let part_size = whole_number(&options, "partSize", 1.0..=9.0e15).map_err(|r| bad(&r))?;
    let concurrency = whole_number(&options, "concurrency", 1.0..=64.0).map_err(|r| bad(&r))?;
    let retries = whole_number(&options, "retries", 0.0..=10.0).map_err(|r| bad(&r))?;
    let timeout = whole_number(&options, "timeout", 1000.0..=3_600_000.0)
        .map_err(|r| bad(&r))?
        .map_or(DEFAULT_TIMEOUT_MS, |t| t as u32);
    let plan = Plan::new(file.size() as u64, part_size.map(|p| p as u64)).map_err(|r| bad(&r))?;
    let user_signal = signal_of(&options).map_err(|r| bad(&r))?;
    let config = super::send::cors_option(&options).map_err(|r| bad(&r))?;
    let on_progress = get_function(&options, "onProgress");
    let content_type = get_string(&options, "contentType").unwrap_or_else(|| file.type_());

    let mut methods = vec!["PUT"];
    let mut headers = vec![];
    if cb.sign_complete.is_some() {
        methods.push("POST");
        headers.push("content-type");
    }
    if cb.sign_abort.is_some() && cb.abort.is_none() {
        methods.push("DELETE");
    }

    let stop_all = AbortController::new()?;
    let signal = match &user_signal {
        Some(user) => AbortSignal::any(&Array::of2(user, &stop_all.signal())),
        None => stop_all.signal(),
    };
    if signal.aborted() {
        return Err(aborted_error(
            console,
            true,
            "aborted before the upload was created: nothing is left behind",
        ));
    }
    let create_args = Object::new();
    set(&create_args, "contentType", content_type.as_str());
    set(&create_args, "size", plan.size as f64);
    let (create_signal, _) = with_timeout(&signal, Some(timeout));
    let created = match js::call_until(&cb.create, &create_args.into(), &create_signal).await {
        Ok(created) => created,
        Err(_) if signal.aborted() => {
            return Err(aborted_error(console, true, "aborted while createMultipartUpload ran; if it still creates the upload, your backend's abort path should clean it up"));
        }
        Err(err) => return Err(err),
    };
    let upload_id = get_string(&created, "uploadId")
        .or_else(|| get_string(&created, "UploadId"))
        .ok_or_else(|| bad("createMultipartUpload must resolve to { uploadId, key }"))?;
    let key = get_string(&created, "key")
        .or_else(|| get_string(&created, "Key"))
        .ok_or_else(|| bad("createMultipartUpload must resolve to { uploadId, key }"))?;

    let retries = retries.map_or(DEFAULT_RETRIES, |r| r as u32);
    let scheduler = Scheduler::new(
        plan,
        concurrency.map_or(DEFAULT_CONCURRENCY, |c| c as u32),
        retries,
    );
    let workers = concurrency
        .map_or(DEFAULT_CONCURRENCY, |c| c as u32)
        .min(plan.count);
    let up = Rc::new(Upload {
        file,
        upload_id,
        key,
        console,
        sign_part: cb.sign_part.clone(),
        on_progress,
        methods,
        headers,
        scheduler: RefCell::new(scheduler),
        stop_all,
        signal,
        stopped: RefCell::new(None),
        timeout: Some(timeout),
        retries,
        part_passed: std::cell::Cell::new(false),
        config,
    });
    if let Some(list) = &cb.list_parts {
        match up.call(list, &ids(&up.upload_id, &up.key).into()).await {
            Ok(listed) => {
                up.scheduler.borrow_mut().resume(&listed_parts(&listed));
            }
            Err(err) => {
                abort_upload(&up, &cb).await;
                return Err(err);
            }
        }
    }

    let running: Array = (0..workers)
        .map(|_| {
            let up = up.clone();
            JsValue::from(future_to_promise(async move {
                worker(up).await;
                Ok(JsValue::UNDEFINED)
            }))
        })
        .collect();
    let _ = JsFuture::from(Promise::all(&running)).await;

    let user_aborted = user_signal.as_ref().is_some_and(|s| s.aborted());
    let stopped = up.stopped.borrow_mut().take();
    if user_aborted || stopped.is_some() || !up.scheduler.borrow().is_complete() {
        let aborted = abort_upload(&up, &cb).await;
        return Err(match stopped {
            _ if user_aborted => aborted_error(console, aborted, abort_outcome(aborted)),
            Some(Stop::Diagnosed(f, url)) => f.into_js(url, console, Some(aborted)),
            Some(Stop::Callback(err)) => {
                if console {
                    super::error::report(&err);
                }
                err
            }
            None => aborted_error(console, aborted, abort_outcome(aborted)),
        });
    }

    let parts = up.scheduler.borrow().parts();
    let etag = match complete_with_retries(&up, &cb, &parts).await {
        Ok(etag) => etag,
        Err(stop) => {
            let aborted = abort_upload(&up, &cb).await;
            return Err(match stop {
                Stop::Diagnosed(f, url) => f.into_js(url, console, Some(aborted)),
                Stop::Callback(err) => {
                    if console {
                        super::error::report(&err);
                    }
                    err
                }
            });
        }
    };
    let out = Object::new();
    set(&out, "etag", etag.as_str());
    set(&out, "key", up.key.as_str());
    set(&out, "uploadId", up.upload_id.as_str());
    set(&out, "parts", parts_array(&parts, "partNumber", "etag"));
    Ok(out.into())
}

/// `[{ <number>: n, <etag>: "..." }]` for the parts, in order.
fn parts_array(parts: &[(u32, String)], number: &str, etag: &str) -> Array {
    parts
        .iter()
        .map(|(n, e)| {
            let p = Object::new();
            set(&p, number, *n);
            set(&p, etag, e.as_str());
            JsValue::from(p)
        })
        .collect()
}

/// `listParts` may return `[{ partNumber, size, etag }]` or S3's `{ Parts: [...] }` shape.
fn listed_parts(listed: &JsValue) -> Vec<(u32, u64, String)> {
    let list = get(listed, "Parts").unwrap_or_else(|| listed.clone());
    if !Array::is_array(&list) {
        return Vec::new();
    }
    Array::from(&list)
        .iter()
        .filter_map(|p| {
            let number = get(&p, "partNumber")
                .or_else(|| get(&p, "PartNumber"))?
                .as_f64()?;
            let size = get(&p, "size").or_else(|| get(&p, "Size"))?.as_f64()?;
            let etag = get_string(&p, "etag").or_else(|| get_string(&p, "ETag"))?;
            Some((number as u32, size as u64, etag))
        })
        .collect()
}

/// Completes, sending the completion again while
/// [`crate::diagnosis::Diagnosis::completion_retryable`] says so.
async fn complete_with_retries(
    up: &Upload,
    cb: &Callbacks,
    parts: &[(u32, String)],
) -> Result<String, Stop> {
    let mut attempt = 0;
    loop {
        match complete(up, cb, parts).await {
            Err(Stop::Diagnosed(f, _))
                if attempt < up.retries && f.diagnosis.completion_retryable() =>
            {
                js::sleep(backoff_ms(attempt, js_sys::Math::random())).await;
                attempt += 1;
            }
            done => return done,
        }
    }
}

async fn complete(up: &Upload, cb: &Callbacks, parts: &[(u32, String)]) -> Result<String, Stop> {
    if let Some(f) = &cb.complete {
        let args = ids(&up.upload_id, &up.key);
        // S3's own field names: the backend hands them to CompleteMultipartUpload as they are.
        set(&args, "parts", parts_array(parts, "PartNumber", "ETag"));
        let result = up.call(f, &args).await.map_err(Stop::Callback)?;
        return Ok(get_string(&result, "etag")
            .or_else(|| get_string(&result, "ETag"))
            .unwrap_or_default());
    }
    let Some(sign) = &cb.sign_complete else {
        return Err(Stop::Callback(invalid(
            "no completion callback",
            "POST",
            up.console,
        )));
    };
    let signed = up
        .call(sign, &ids(&up.upload_id, &up.key))
        .await
        .map_err(Stop::Callback)?;
    let (url, headers) =
        signed_request(&signed).map_err(|r| Stop::Callback(invalid(&r, "POST", false)))?;
    let target = Target::parse(&url).map_err(|r| Stop::Callback(invalid(&r, "POST", false)))?;
    let headers = headers_of(headers).map_err(|r| Stop::Callback(invalid(&r, "POST", false)))?;
    let body = JsValue::from_str(&complete_xml(parts));
    // application/xml makes the browser ask first (a preflight): a text/plain POST would
    // run on the server even where no CORS rule allows it, completing an upload whose
    // answer the page then cannot read.
    if headers.get("content-type").ok().flatten().is_none() {
        let _ = headers.set("content-type", "application/xml");
    }
    let content_type = headers.get("content-type").ok().flatten();
    let attempt = target.attempt("POST", &headers, content_type, &up.methods, &up.headers);
    let (signal, timeout) = with_timeout(&up.signal, up.timeout);
    let init = request::init("POST", &headers, Some(&body), Some(&signal));
    let how = Send {
        signal: Some(&up.signal),
        timeout: timeout.as_ref().zip(up.timeout),
        etag: Etag::Ignore,
        console: up.console,
        cors_proven: false,
        config: up.config.as_ref(),
    };
    let resp = send(
        &target,
        attempt.clone(),
        &how,
        js::fetch(&JsValue::from_str(&url), &init),
    )
    .await
    .map_err(|f| Stop::Diagnosed(Box::new(f), target.redacted.clone()))?;
    let text = js::text(&resp).await;
    from_completion(&attempt, resp.status(), &text).map_err(|d| {
        Stop::Diagnosed(
            Box::new(Failure {
                diagnosis: *d,
                attempt,
                probes: None,
                response: None,
            }),
            target.redacted.clone(),
        )
    })
}

/// Aborts the upload on the server through the app's path. True when it was aborted.
async fn abort_upload(up: &Upload, cb: &Callbacks) -> bool {
    let Ok(never) = AbortController::new() else {
        return false;
    };
    let (limit, _) = with_timeout(&never.signal(), up.timeout);
    let args: JsValue = ids(&up.upload_id, &up.key).into();
    if let Some(f) = &cb.abort {
        return js::call_until(f, &args, &limit).await.is_ok();
    }
    let Some(sign) = &cb.sign_abort else {
        return false;
    };
    let Ok(signed) = js::call_until(sign, &args, &limit).await else {
        return false;
    };
    let Ok((url, headers)) = signed_request(&signed) else {
        return false;
    };
    let (Ok(target), Ok(headers)) = (Target::parse(&url), headers_of(headers)) else {
        return false;
    };
    let attempt = target.attempt("DELETE", &headers, None, &up.methods, &up.headers);
    let init = request::init("DELETE", &headers, None, None);
    let how = Send {
        signal: None,
        timeout: None,
        etag: Etag::Ignore,
        console: false,
        cors_proven: false,
        config: None,
    };
    send(
        &target,
        attempt,
        &how,
        js::fetch(&JsValue::from_str(&url), &init),
    )
    .await
    .is_ok()
}

fn abort_outcome(aborted: bool) -> &'static str {
    if aborted {
        "the multipart upload was aborted on the server: no parts are left behind"
    } else {
        "the multipart upload could not be aborted (no abort callback, or it failed)"
    }
}

fn aborted_error(console: bool, aborted: bool, why: &str) -> JsValue {
    let method = "PUT";
    let attempt = crate::diagnosis::Attempt {
        page_origin: js::page_origin(),
        method: method.to_string(),
        ..Default::default()
    };
    to_js(
        &Diagnosis::aborted(method).evidence(why),
        &attempt,
        Context {
            console,
            aborted: Some(aborted),
            ..Default::default()
        },
    )
}
