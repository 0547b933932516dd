//! The CORS configuration engine for JavaScript: the `upload-doctor` command line (a
//! Node build of this same Wasm) and any app that wants an exact answer from its
//! bucket's configuration. Every decision is in `crate::cors`; this only converts.
//!
//! The exports are named `cors*`: scripts/build removes them from the browser's .wasm
//! (pages use the engine through the upload functions, not directly), so they cost the
//! page nothing but their string constants; the Node build keeps them.
//!
//! Each function returns `{ report, text, exitCode }`: `report` is the JSON the command
//! line prints with `--json`, `text` the human form, `exitCode` 0 (allowed, or no
//! problems) or 1. Input that cannot be used (a configuration that does not parse, an
//! origin no browser sends) throws an `Error` whose message says where.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::cors::check::{check, Request};
use crate::cors::lint::{lint, LintOptions};
use crate::cors::parse::{parse_config, Parsed, Provider};
use crate::cors::preflight::{self, Answer, Probe};
use crate::cors::report::{self, Output};

fn fail(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

fn input<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| fail(format!("{what}: {e}")))
}

fn output(out: Output) -> Result<JsValue, JsValue> {
    let result = js_sys::Object::new();
    let report = js_sys::JSON::parse(&out.json)?;
    js_sys::Reflect::set(&result, &"report".into(), &report)?;
    js_sys::Reflect::set(&result, &"text".into(), &out.text.into())?;
    js_sys::Reflect::set(&result, &"exitCode".into(), &out.exit_code.into())?;
    Ok(result.into())
}

fn provider_of(name: Option<&str>) -> Result<Option<Provider>, JsValue> {
    match name {
        None | Some("") => Ok(None),
        Some(n) => Provider::from_name(n)
            .map(Some)
            .ok_or_else(|| fail(format!("unknown provider {n:?}: use s3, gcs, r2 or azure"))),
    }
}

fn parsed(config: &str, provider: Option<&str>) -> Result<Parsed, JsValue> {
    parse_config(config, provider_of(provider)?).map_err(|e| fail(e.to_string()))
}

#[derive(Deserialize)]
struct RequestIn {
    origin: String,
    method: String,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    provider: Option<String>,
}

impl RequestIn {
    fn request(&self) -> Result<Request, JsValue> {
        Request::new(&self.origin, &self.method, &self.headers).map_err(fail)
    }
}

/// `corsCheck(configText, { origin, method, headers?, provider? })`: evaluates the
/// request against the configuration (any supported shape) with the provider's exact
/// semantics; the report names the matching or closest rule, what it lacks and the edit.
#[wasm_bindgen(js_name = corsCheck)]
pub fn check_cors(config: &str, request: JsValue) -> Result<JsValue, JsValue> {
    let req: RequestIn = input(request, "the request")?;
    let parsed = parsed(config, req.provider.as_deref())?;
    let result = check(&parsed, &req.request()?);
    output(report::check_output(&parsed, &result))
}

#[derive(Deserialize, Default)]
struct LintIn {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    credentials: bool,
}

/// `corsLint(configText, { provider?, credentials? })`: the configuration's mistakes.
#[wasm_bindgen(js_name = corsLint)]
pub fn lint_cors(config: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let options: LintIn = if options.is_undefined() || options.is_null() {
        LintIn::default()
    } else {
        input(options, "the options")?
    };
    let parsed = parsed(config, options.provider.as_deref())?;
    let findings = lint(
        &parsed,
        &LintOptions {
            credentials: options.credentials,
        },
    );
    output(report::lint_output(&parsed, &findings))
}

fn request_js(req: &Request) -> Result<JsValue, JsValue> {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"origin".into(), &req.origin.as_str().into())?;
    js_sys::Reflect::set(&o, &"method".into(), &req.method.as_str().into())?;
    let headers: js_sys::Array = req.headers.iter().map(|h| JsValue::from_str(h)).collect();
    js_sys::Reflect::set(&o, &"headers".into(), &headers)?;
    Ok(o.into())
}

/// `corsPreflightPlan({ origin, method, headers? })`: the request as the browser would send
/// its preflight (validated, normalised) and the follow-up preflights that single out
/// the cause of a refusal: `{ request, probes: [{ method, headers }] }`.
#[wasm_bindgen(js_name = corsPreflightPlan)]
pub fn preflight_plan(request: JsValue) -> Result<JsValue, JsValue> {
    let req = input::<RequestIn>(request, "the request")?.request()?;
    let result = js_sys::Object::new();
    js_sys::Reflect::set(&result, &"request".into(), &request_js(&req)?)?;
    let probes = js_sys::Array::new();
    for p in preflight::probes(&req) {
        probes.push(&request_js(&Request {
            origin: req.origin.clone(),
            method: p.method,
            headers: p.headers,
        })?);
    }
    js_sys::Reflect::set(&result, &"probes".into(), &probes)?;
    Ok(result.into())
}

#[derive(Deserialize)]
struct AnswerIn {
    #[serde(default)]
    status: u16,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    error: Option<String>,
}

impl From<AnswerIn> for Answer {
    fn from(a: AnswerIn) -> Answer {
        Answer {
            status: a.status,
            headers: a.headers,
            body: a.body,
            error: a.error,
        }
    }
}

#[derive(Deserialize)]
struct FollowupIn {
    method: String,
    #[serde(default)]
    headers: Vec<String>,
    answer: AnswerIn,
}

#[derive(Deserialize)]
struct PreflightIn {
    url: String,
    request: RequestIn,
    first: AnswerIn,
    #[serde(default)]
    followups: Vec<FollowupIn>,
}

/// `corsDiagnosePreflight({ url, request, first, followups? })`: explains a real preflight
/// answer (`{ status, headers: [[name, value]], body, error? }`, status 0 when nothing
/// answered). When the report says `needsProbes`, send `corsPreflightPlan(request).probes`
/// and call again with their answers as `followups: [{ method, headers, answer }]`.
#[wasm_bindgen(js_name = corsDiagnosePreflight)]
pub fn diagnose_preflight(input_value: JsValue) -> Result<JsValue, JsValue> {
    let i: PreflightIn = input(input_value, "the preflight")?;
    let req = i.request.request()?;
    let followups: Vec<(Probe, Answer)> = i
        .followups
        .into_iter()
        .map(|f| {
            let probe = Request::from_browser(&req.origin, &f.method, &f.headers);
            (
                Probe {
                    method: probe.method,
                    headers: probe.headers,
                },
                f.answer.into(),
            )
        })
        .collect();
    let verdict = preflight::diagnose(&req, &i.first.into(), &followups);
    let result = output(report::preflight_output(&i.url, &req, &verdict))?;
    js_sys::Reflect::set(&result, &"needsProbes".into(), &verdict.needs_probes.into())?;
    Ok(result)
}
