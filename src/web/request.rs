//! One upload request: its facts for the diagnosis (read with the browser's `URL` and
//! `Headers`), the request itself, and what came back.

use crate::diagnosis::{Attempt, Observed};
use crate::presigned::{is_secret_param, Signing};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Headers, RequestInit, Response, Url};

use super::js;

/// A parsed upload URL.
pub struct Target {
    pub url: Url,
    /// Scheme, host and path, without query or fragment: safe to show and to probe.
    pub base: String,
    /// The URL with every secret parameter removed.
    pub redacted: String,
    pub signing: Signing,
}

impl Target {
    /// Parses `href`, relative to the page's address as `fetch` would.
    pub fn parse(href: &str) -> Result<Target, String> {
        if href.trim().is_empty() {
            return Err("the URL is empty".to_string());
        }
        let page = js::get(&js_sys::global(), "location").and_then(|l| js::get_string(&l, "href"));
        let parse = |h: &str| match &page {
            Some(base) => Url::new_with_base(h, base),
            None => Url::new(h),
        };
        let url = parse(href).map_err(|_| format!("{:?} is not a valid URL", short(href)))?;
        let scheme = url.protocol();
        if scheme != "http:" && scheme != "https:" {
            return Err(format!(
                "the URL's scheme is {scheme}; only http and https upload"
            ));
        }
        let params = js::entries(&url.search_params());
        let signing = Signing::from_params(&params);
        let clean = parse(href).map_err(|_| "invalid URL".to_string())?;
        let search = clean.search_params();
        for (name, _) in params.iter().filter(|(k, _)| is_secret_param(k)) {
            search.delete(name);
        }
        clean.set_hash("");
        let redacted = crate::presigned::redact(&clean.href(), &signing.secrets);
        let base = format!("{}{}", url.origin(), url.pathname());
        Ok(Target {
            url,
            base,
            redacted,
            signing,
        })
    }

    /// The storage service the URL points at.
    pub fn provider(&self) -> crate::provider::Provider {
        let port = self.url.port().parse().ok();
        crate::provider::endpoint(
            self.url.protocol().trim_end_matches(':'),
            &self.url.hostname(),
            port,
            &self.url.pathname(),
        )
        .provider
    }

    pub fn loopback(&self) -> bool {
        let host = self.url.hostname();
        host == "localhost"
            || host.ends_with(".localhost")
            || host.starts_with("127.")
            || host == "[::1]"
    }

    /// The attempt's facts; `headers` are the request headers as the browser will send them.
    pub fn attempt(
        &self,
        method: &str,
        headers: &Headers,
        content_type: Option<String>,
        upload_methods: &[&str],
        upload_headers: &[&str],
    ) -> Attempt {
        let mut sent: Vec<String> = js::entries(headers)
            .into_iter()
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        if content_type.is_some() && !sent.iter().any(|h| h == "content-type") {
            sent.push("content-type".into());
        }
        Attempt {
            page_origin: js::page_origin(),
            method: method.to_ascii_uppercase(),
            url_base: self.base.clone(),
            url_scheme: self.url.protocol().trim_end_matches(':').to_string(),
            url_loopback: self.loopback(),
            sent_headers: sent,
            content_type,
            signing: self.signing.clone(),
            now: js::now_secs(),
            upload_methods: upload_methods.iter().map(|m| m.to_string()).collect(),
            upload_headers: upload_headers.iter().map(|h| h.to_string()).collect(),
        }
    }
}

/// The start of a bad URL for its error message: never its query, where the secrets are.
fn short(href: &str) -> String {
    let before_query = href.split(['?', '#']).next().unwrap_or("");
    before_query.chars().take(60).collect()
}

/// The `Content-Type` the browser will send for `body` when no header sets one.
pub fn implied_content_type(body: &JsValue) -> Option<String> {
    if let Some(blob) = body.dyn_ref::<web_sys::Blob>() {
        let t = blob.type_();
        return (!t.is_empty()).then_some(t);
    }
    body.is_string()
        .then(|| "text/plain;charset=UTF-8".to_string())
}

/// Turns a settled request into an observation. The body is read only for errors.
pub async fn observe(
    result: Result<Response, JsValue>,
) -> Result<(Observed, Option<Response>), JsValue> {
    match result {
        Ok(resp) => {
            let status = resp.status();
            let h = resp.headers();
            let etag = h.get("etag").ok().flatten();
            let error_code_header = h.get("x-amz-error-code").ok().flatten();
            let body = if (200..300).contains(&status) {
                String::new()
            } else {
                js::text(&resp.clone()?).await
            };
            Ok((
                Observed::Response {
                    status,
                    etag,
                    body,
                    error_code_header,
                },
                Some(resp),
            ))
        }
        Err(err) if js::is_network_failure(&err) => {
            Ok((Observed::NetworkError(js::error_text(&err)), None))
        }
        // An abort, or fetch refusing its arguments: nothing crossed the network.
        Err(err) => Err(err),
    }
}

/// A `RequestInit` for one of our own requests.
pub fn init(
    method: &str,
    headers: &Headers,
    body: Option<&JsValue>,
    signal: Option<&web_sys::AbortSignal>,
) -> RequestInit {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(headers);
    if let Some(b) = body {
        init.set_body(b);
    }
    init.set_signal(signal);
    init
}
