//! Explaining a real preflight answer, as `upload-doctor preflight URL` sends it.
//!
//! Outside the browser nothing is hidden: the status, the `Access-Control-*` headers and
//! S3's XML body can all be read. A refusal (`403 CORSResponse: This CORS request is not
//! allowed`) does not say which part failed, so a few more preflights are sent (they
//! are harmless OPTIONS requests, no signature): the same method with no headers, each
//! header alone, each other method. Which of them pass singles the cause out. The
//! command line does the sending; every decision is made here.

use super::check::Request;
use super::{fix_rule, CorsRule, S3_METHODS};
use crate::codes::Code;
use crate::s3_error;

/// One more preflight to send after a refusal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub method: String,
    pub headers: Vec<String>,
}

/// What came back for one preflight.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status; 0 when nothing answered.
    pub status: u16,
    /// Response headers (any case).
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The network error when nothing answered.
    pub error: Option<String>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.header(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The preflights that single out the cause of a refusal of `req`.
pub fn probes(req: &Request) -> Vec<Probe> {
    let mut out = Vec::new();
    if !req.headers.is_empty() {
        out.push(Probe {
            method: req.method.clone(),
            headers: Vec::new(),
        });
    }
    if req.headers.len() > 1 {
        for h in &req.headers {
            out.push(Probe {
                method: req.method.clone(),
                headers: vec![h.clone()],
            });
        }
    }
    for m in S3_METHODS {
        if m != req.method {
            out.push(Probe {
                method: m.to_string(),
                headers: Vec::new(),
            });
        }
    }
    out
}

/// Why a browser would refuse an answer, per the fetch spec's CORS checks.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Refusal {
    Status(u16),
    Origin(Option<String>),
    Method(Vec<String>),
    Headers(Vec<String>),
}

/// The browser's CORS checks on a preflight answer for a request without credentials.
fn browser_check(
    origin: &str,
    method: &str,
    headers: &[String],
    a: &Answer,
) -> Result<(), Refusal> {
    if !(200..300).contains(&a.status) {
        return Err(Refusal::Status(a.status));
    }
    match a.header("access-control-allow-origin") {
        Some(v) if v.trim() == "*" || v.trim() == origin => {}
        other => return Err(Refusal::Origin(other.map(str::to_string))),
    }
    let methods = a.list("access-control-allow-methods");
    let safelisted = matches!(method, "GET" | "HEAD" | "POST");
    if !safelisted && !methods.iter().any(|m| m == method || m == "*") {
        return Err(Refusal::Method(methods));
    }
    let allowed = a.list("access-control-allow-headers");
    let wildcard = allowed.iter().any(|h| h == "*");
    let missing: Vec<String> = headers
        .iter()
        .filter(|h| {
            // `*` covers every name but authorization (fetch spec).
            let covered = wildcard && h.as_str() != "authorization";
            !covered && !allowed.iter().any(|a| a.eq_ignore_ascii_case(h))
        })
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(Refusal::Headers(missing));
    }
    Ok(())
}

/// The explanation of one preflight (and its follow-ups).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    pub code: Option<Code>,
    pub summary: String,
    pub status: u16,
    /// The S3 error code and message of the answer's body, if it had one.
    pub server_code: Option<String>,
    pub server_message: Option<String>,
    /// What the configuration lacks: `method PUT`, `header content-type`.
    pub lacks: Vec<String>,
    /// What was sent and seen.
    pub evidence: Vec<String>,
    /// The allowing answer's headers, when allowed.
    pub allow_methods: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<String>,
    /// A rule for this origin that makes the request pass (S3's shape).
    pub fix: Option<CorsRule>,
    /// True when the refusal needs the follow-up preflights of [`probes`] to be singled
    /// out and they were not given.
    pub needs_probes: bool,
}

fn describe(method: &str, headers: &[String]) -> String {
    if headers.is_empty() {
        format!("{method} (no extra headers)")
    } else {
        format!("{method} with {}", headers.join(", "))
    }
}

fn refusal_text(r: &Refusal) -> String {
    match r {
        Refusal::Status(s) => format!("HTTP {s}"),
        Refusal::Origin(None) => "no Access-Control-Allow-Origin".into(),
        Refusal::Origin(Some(v)) => format!("Access-Control-Allow-Origin: {v}"),
        Refusal::Method(m) => format!("Access-Control-Allow-Methods lacks it ({})", m.join(", ")),
        Refusal::Headers(h) => format!("Access-Control-Allow-Headers lacks {}", h.join(", ")),
    }
}

/// Decides from the first answer and, after a refusal, the answers to [`probes`].
pub fn diagnose(req: &Request, first: &Answer, followups: &[(Probe, Answer)]) -> Verdict {
    let error = s3_error::parse(&first.body);
    let mut v = Verdict {
        allowed: false,
        code: None,
        summary: String::new(),
        status: first.status,
        server_code: error.as_ref().map(|e| e.code.clone()),
        server_message: error.as_ref().map(|e| e.message.clone()),
        lacks: Vec::new(),
        evidence: Vec::new(),
        allow_methods: Vec::new(),
        expose_headers: Vec::new(),
        max_age: None,
        fix: Some(fix_rule(&req.origin, &[req.method.as_str()], &req.headers)),
        needs_probes: false,
    };
    let sent = describe(&req.method, &req.headers);
    if first.status == 0 {
        v.code = Some(Code::NetworkUnreachable);
        v.summary = format!(
            "Nothing answered the preflight: {}",
            first.error.as_deref().unwrap_or("no response")
        );
        v.evidence.push("OPTIONS failed before any response".into());
        v.fix = None;
        return v;
    }
    v.evidence.push(match &error {
        Some(e) => format!(
            "OPTIONS for {sent}: HTTP {}, {}: {}",
            first.status, e.code, e.message
        ),
        None => format!("OPTIONS for {sent}: HTTP {}", first.status),
    });
    match browser_check(&req.origin, &req.method, &req.headers, first) {
        Ok(()) => return allowed(req, first, v),
        Err(Refusal::Status(_)) => {}
        Err(r) => {
            // A 2xx the browser still refuses.
            v.evidence
                .push(format!("the browser refuses it: {}", refusal_text(&r)));
            match r {
                Refusal::Origin(got) => {
                    v.code = Some(Code::CorsOriginNotAllowed);
                    v.lacks.push(format!("origin {}", req.origin));
                    v.summary = format!(
                        "The answer does not allow the origin {} ({})",
                        req.origin,
                        got.map(|g| format!("it says {g}"))
                            .unwrap_or_else(|| "no Access-Control-Allow-Origin".into())
                    );
                }
                Refusal::Method(_) => {
                    v.code = Some(Code::CorsMethodNotAllowed);
                    v.lacks.push(format!("method {}", req.method));
                    v.summary = format!("The answer does not list the method {}", req.method);
                }
                Refusal::Headers(h) => {
                    v.code = Some(Code::CorsHeaderNotAllowed);
                    v.lacks = h.iter().map(|h| format!("header {h}")).collect();
                    v.summary = format!(
                        "The answer does not allow the header{} {}",
                        if h.len() == 1 { "" } else { "s" },
                        h.join(", ")
                    );
                }
                // Handled by the arm above.
                Refusal::Status(_) => {}
            }
            return v;
        }
    }
    let message = error
        .as_ref()
        .map(|e| e.message.to_ascii_lowercase())
        .unwrap_or_default();
    let code = error.as_ref().map(|e| e.code.as_str()).unwrap_or("");
    let location = first.header("location").map(str::to_string);
    if matches!(first.status, 301 | 302 | 307 | 308)
        || matches!(
            code,
            "PermanentRedirect" | "TemporaryRedirect" | "AuthorizationHeaderMalformed"
        )
    {
        v.code = Some(Code::S3WrongRegion);
        v.summary = format!(
            "The preflight was redirected ({}): a browser never follows a redirect on a preflight, so the upload fails as CORS",
            location
                .or_else(|| error.as_ref().and_then(|e| e.field("Endpoint").map(str::to_string)))
                .unwrap_or_else(|| format!("HTTP {}", first.status))
        );
        v.fix = None;
        return v;
    }
    if message.contains("bucket not found") || code == "NoSuchBucket" {
        v.code = Some(Code::S3NoSuchBucket);
        v.summary = "The bucket does not exist (check the bucket name and endpoint)".into();
        v.fix = None;
        return v;
    }
    if message.contains("cors is not enabled") {
        v.code = Some(Code::CorsOriginNotAllowed);
        v.lacks.push("a CORS configuration".into());
        v.summary = format!(
            "The bucket has no CORS configuration: {sent} from {} is refused",
            req.origin
        );
        return v;
    }
    let cors_refusal = code == "CORSResponse"
        || message.contains("cors request is not allowed")
        || message.starts_with("corsresponse");
    if !cors_refusal {
        v.fix = None;
        v.code = Some(match code {
            "AccessDenied" => Code::S3AccessDenied,
            _ => Code::HttpStatus,
        });
        v.summary = match &error {
            Some(e) => format!(
                "The server refused the preflight: HTTP {} {}: {}",
                first.status, e.code, e.message
            ),
            None => format!(
                "The server refused the preflight with HTTP {}",
                first.status
            ),
        };
        return v;
    }
    let passes = |p: &Probe| {
        followups
            .iter()
            .find(|(q, _)| q == p)
            .map(|(q, a)| browser_check(&req.origin, &q.method, &q.headers, a).is_ok())
    };
    for (p, a) in followups {
        let outcome = match browser_check(&req.origin, &p.method, &p.headers, a) {
            Ok(()) => "allowed".to_string(),
            Err(r) => format!("refused ({})", refusal_text(&r)),
        };
        v.evidence.push(format!(
            "OPTIONS for {}: {outcome}",
            describe(&p.method, &p.headers)
        ));
    }
    let bare = Probe {
        method: req.method.clone(),
        headers: Vec::new(),
    };
    let bare_passes = if req.headers.is_empty() {
        Some(false)
    } else {
        passes(&bare)
    };
    let Some(bare_passes) = bare_passes.filter(|_| !followups.is_empty()) else {
        v.needs_probes = true;
        v.code = Some(Code::CorsBlocked);
        v.summary = format!(
            "The bucket's CORS rules refuse {sent} from {} (origin, method or a header)",
            req.origin
        );
        return v;
    };
    if bare_passes {
        let mut lacking: Vec<String> = if req.headers.len() > 1 {
            req.headers
                .iter()
                .filter(|h| {
                    passes(&Probe {
                        method: req.method.clone(),
                        headers: vec![(*h).clone()],
                    }) == Some(false)
                })
                .cloned()
                .collect()
        } else {
            req.headers.clone()
        };
        let together = lacking.is_empty();
        if together {
            lacking = req.headers.clone();
        }
        v.code = Some(Code::CorsHeaderNotAllowed);
        v.lacks = lacking.iter().map(|h| format!("header {h}")).collect();
        v.summary = if together {
            format!(
                "The bucket's CORS rules allow {} from {} with each of {} alone, but no single rule allows them together",
                req.method,
                req.origin,
                lacking.join(", ")
            )
        } else {
            format!(
                "The bucket's CORS rules allow {} from {} but not the header{} {}",
                req.method,
                req.origin,
                if lacking.len() == 1 { "" } else { "s" },
                lacking.join(", ")
            )
        };
        return v;
    }
    let other: Vec<&str> = S3_METHODS
        .iter()
        .copied()
        .filter(|m| *m != req.method)
        .filter(|m| {
            passes(&Probe {
                method: m.to_string(),
                headers: Vec::new(),
            }) == Some(true)
        })
        .collect();
    if !other.is_empty() {
        v.code = Some(Code::CorsMethodNotAllowed);
        v.lacks.push(format!("method {}", req.method));
        v.summary = format!(
            "The bucket's CORS rules allow the origin {} for {} but not {}",
            req.origin,
            other.join(", "),
            req.method
        );
        return v;
    }
    v.code = Some(Code::CorsOriginNotAllowed);
    v.lacks.push(format!("origin {}", req.origin));
    v.summary = format!(
        "No CORS rule of the bucket allows the origin {} (for any method)",
        req.origin
    );
    v
}

fn allowed(req: &Request, a: &Answer, mut v: Verdict) -> Verdict {
    v.allowed = true;
    v.fix = None;
    v.allow_methods = a.list("access-control-allow-methods");
    v.expose_headers = a.list("access-control-expose-headers");
    v.max_age = a.header("access-control-max-age").map(str::to_string);
    v.summary = format!(
        "The preflight for {} from {} is allowed",
        describe(&req.method, &req.headers),
        req.origin
    );
    let upload = req.method == "PUT" || req.method == "POST";
    if upload
        && !v
            .expose_headers
            .iter()
            .any(|h| h == "*" || h.eq_ignore_ascii_case("etag"))
    {
        v.code = Some(Code::CorsEtagNotExposed);
        v.lacks.push("exposed header ETag".into());
        v.summary.push_str(", but the answer does not expose ETag: the upload's ETag reads as null in the page (S3 sends ExposeHeaders on the preflight; a server that sends it only on the actual response is not seen here)");
        v.fix = Some(fix_rule(&req.origin, &[req.method.as_str()], &req.headers));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "http://localhost:5173";

    fn req(method: &str, headers: &[&str]) -> Request {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        Request::new(PAGE, method, &headers).unwrap()
    }

    fn ok(methods: &str, headers: &str, expose: &str) -> Answer {
        let mut h = vec![
            ("Access-Control-Allow-Origin".to_string(), PAGE.to_string()),
            (
                "Access-Control-Allow-Methods".to_string(),
                methods.to_string(),
            ),
        ];
        if !headers.is_empty() {
            h.push(("Access-Control-Allow-Headers".into(), headers.into()));
        }
        if !expose.is_empty() {
            h.push(("Access-Control-Expose-Headers".into(), expose.into()));
        }
        Answer {
            status: 200,
            headers: h,
            ..Default::default()
        }
    }

    fn refused() -> Answer {
        Answer {
            status: 403,
            body: "<?xml version='1.0' encoding='utf-8'?>\n<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.</Message><Method>PUT</Method><ResourceType>OBJECT</ResourceType></Error>".into(),
            ..Default::default()
        }
    }

    /// Answers each probe as a bucket allowing `methods` with `headers` would.
    fn answer_probes(r: &Request, methods: &[&str], headers: &[&str]) -> Vec<(Probe, Answer)> {
        probes(r)
            .into_iter()
            .map(|p| {
                let pass = methods.contains(&p.method.as_str())
                    && p.headers.iter().all(|h| headers.contains(&h.as_str()));
                let a = if pass {
                    ok(&methods.join(", "), &p.headers.join(", "), "")
                } else {
                    refused()
                };
                (p, a)
            })
            .collect()
    }

    #[test]
    fn probes_cover_headers_and_methods() {
        let p = probes(&req("PUT", &["content-type", "x-amz-meta-a"]));
        let names: Vec<String> = p
            .iter()
            .map(|p| format!("{} {}", p.method, p.headers.join(",")))
            .collect();
        assert_eq!(
            names,
            [
                "PUT ",
                "PUT content-type",
                "PUT x-amz-meta-a",
                "GET ",
                "POST ",
                "DELETE ",
                "HEAD "
            ]
        );
        assert_eq!(probes(&req("GET", &[])).len(), 4);
    }

    #[test]
    fn allowed_and_etag() {
        let r = req("PUT", &["content-type"]);
        let v = diagnose(&r, &ok("GET, PUT", "content-type", "ETag"), &[]);
        assert!(v.allowed);
        assert_eq!(v.code, None);
        assert_eq!(v.expose_headers, ["ETag"]);
        let v = diagnose(&r, &ok("GET, PUT", "content-type", ""), &[]);
        assert!(v.allowed);
        assert_eq!(v.code, Some(Code::CorsEtagNotExposed));
        assert!(v.fix.unwrap().exposes("etag"));
    }

    #[test]
    fn refusals_are_singled_out() {
        let r = req("PUT", &["content-type", "x-amz-meta-a"]);
        // The bucket allows PUT with content-type only.
        let v = diagnose(
            &r,
            &refused(),
            &answer_probes(&r, &["PUT"], &["content-type"]),
        );
        assert_eq!(v.code, Some(Code::CorsHeaderNotAllowed));
        assert_eq!(v.lacks, ["header x-amz-meta-a"]);
        // Each header alone passes: they are allowed by different rules.
        let v = diagnose(
            &r,
            &refused(),
            &answer_probes(&r, &["PUT"], &["content-type", "x-amz-meta-a"]),
        );
        assert_eq!(v.code, Some(Code::CorsHeaderNotAllowed));
        assert!(v.summary.contains("together"), "{}", v.summary);
        // The origin may GET only.
        let v = diagnose(&r, &refused(), &answer_probes(&r, &["GET", "HEAD"], &[]));
        assert_eq!(v.code, Some(Code::CorsMethodNotAllowed));
        assert!(v.summary.contains("GET, HEAD"), "{}", v.summary);
        // Nothing passes.
        let v = diagnose(&r, &refused(), &answer_probes(&r, &[], &[]));
        assert_eq!(v.code, Some(Code::CorsOriginNotAllowed));
        assert!(v.fix.is_some());
        // Without the follow-ups the cause is not known yet.
        let v = diagnose(&r, &refused(), &[]);
        assert!(v.needs_probes);
        assert_eq!(v.code, Some(Code::CorsBlocked));
        // No headers: the bare request is the first one.
        let r = req("DELETE", &[]);
        let v = diagnose(&r, &refused(), &answer_probes(&r, &["GET"], &[]));
        assert_eq!(v.code, Some(Code::CorsMethodNotAllowed));
    }

    #[test]
    fn other_answers() {
        let r = req("PUT", &[]);
        let v = diagnose(
            &r,
            &Answer {
                status: 403,
                body: "<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message></Error>".into(),
                ..Default::default()
            },
            &[],
        );
        assert_eq!(v.code, Some(Code::CorsOriginNotAllowed));
        assert_eq!(v.lacks, ["a CORS configuration"]);
        // s3rver's wording.
        let v = diagnose(
            &r,
            &Answer {
                status: 403,
                body: "<Error><Code>CORSResponse</Code><Message>This CORS request is not allowed.</Message></Error>".into(),
                ..Default::default()
            },
            &[],
        );
        assert!(v.needs_probes);
        let v = diagnose(
            &r,
            &Answer {
                status: 0,
                error: Some("connect ECONNREFUSED".into()),
                ..Default::default()
            },
            &[],
        );
        assert_eq!(v.code, Some(Code::NetworkUnreachable));
        let v = diagnose(
            &r,
            &Answer {
                status: 301,
                headers: vec![(
                    "Location".into(),
                    "https://b.s3.eu-west-1.amazonaws.com/k".into(),
                )],
                ..Default::default()
            },
            &[],
        );
        assert_eq!(v.code, Some(Code::S3WrongRegion));
        let v = diagnose(
            &r,
            &Answer {
                status: 404,
                body: "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>".into(),
                ..Default::default()
            },
            &[],
        );
        assert_eq!(v.code, Some(Code::S3NoSuchBucket));
        // A 200 that allows another origin.
        let mut a = ok("PUT", "", "ETag");
        a.headers[0].1 = "https://elsewhere.test".into();
        let v = diagnose(&r, &a, &[]);
        assert_eq!(v.code, Some(Code::CorsOriginNotAllowed));
        let v = diagnose(&r, &ok("GET", "", "ETag"), &[]);
        assert_eq!(v.code, Some(Code::CorsMethodNotAllowed));
        let v = diagnose(&req("PUT", &["x-a"]), &ok("PUT", "x-b", "ETag"), &[]);
        assert_eq!(v.lacks, ["header x-a"]);
        let v = diagnose(
            &r,
            &Answer {
                status: 500,
                ..Default::default()
            },
            &[],
        );
        assert_eq!(v.code, Some(Code::HttpStatus));
    }
}
