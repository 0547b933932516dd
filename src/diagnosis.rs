//! The diagnosis decision: from what one request did (and what the probes saw) to one
//! typed error with its evidence and fix.
//!
//! The browser layer only gathers [`Attempt`], [`Observed`] and [`Probes`]; every
//! decision is made here so that it is tested natively.

use crate::codes::Code;
use crate::cors::{evaluate, CorsConfig, CorsRequest, Verdict};
use crate::cors::{fix_rule, CorsRule};
use crate::presigned::{parse_amz_date, Signing};
use crate::provider::{endpoint, Endpoint, Provider};
use crate::s3_error;

/// How far past its expiry (by the page's clock) a URL must be before it is refused
/// without asking the server. Page clocks are often hours off (a wrong time zone setting),
/// so only a day-old URL is certain; anything fresher goes to the server, which decides.
pub const EXPIRY_MARGIN_SECS: i64 = 86_400;

/// The request as the page made it, with the facts the decision needs.
#[derive(Clone, Debug, Default)]
pub struct Attempt {
    /// `window.location.origin` at the time of the request.
    pub page_origin: String,
    pub method: String,
    /// Scheme, host and path: the URL with its query removed (safe to show).
    pub url_base: String,
    /// `http` or `https`.
    pub url_scheme: String,
    /// True when the URL's host is loopback (`localhost`, `127.x`, `[::1]`).
    pub url_loopback: bool,
    /// Lower-case names of every header the request sends, `content-type` included.
    pub sent_headers: Vec<String>,
    /// The `Content-Type` the browser sends, if any.
    pub content_type: Option<String>,
    pub signing: Signing,
    /// Unix seconds, from the page's clock.
    pub now: i64,
    /// Every method the whole upload needs (a multipart upload needs more than its parts').
    pub upload_methods: Vec<String>,
    /// Headers other requests of the same upload send that the rule must allow too
    /// (browser-side completion sends `content-type`).
    pub upload_headers: Vec<String>,
}

impl Attempt {
    /// The headers that make the browser send a preflight and so must be allowed by the rule.
    pub fn cors_headers(&self) -> Vec<String> {
        self.sent_headers
            .iter()
            .filter(|h| !is_safelisted(h, self.content_type.as_deref()))
            .cloned()
            .collect()
    }

    fn page_secure(&self) -> bool {
        self.page_origin.starts_with("https:")
    }

    fn fix(&self) -> CorsRule {
        let mut methods: Vec<&str> = self.upload_methods.iter().map(String::as_str).collect();
        methods.push(&self.method);
        let mut headers = self.cors_headers();
        headers.extend(self.upload_headers.iter().cloned());
        fix_rule(&self.page_origin, &methods, &headers)
    }
}

/// A request header that never needs a CORS rule (the fetch spec's safelist).
fn is_safelisted(name: &str, content_type: Option<&str>) -> bool {
    match name {
        "accept" | "accept-language" | "content-language" => true,
        "content-type" => {
            let essence = content_type
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                essence.as_str(),
                "text/plain" | "multipart/form-data" | "application/x-www-form-urlencoded"
            )
        }
        _ => false,
    }
}

/// What the request itself came back with.
#[derive(Clone, Debug)]
pub enum Observed {
    /// A response the page could read.
    Response {
        status: u16,
        /// `None` when the header is absent or not exposed to the page.
        etag: Option<String>,
        body: String,
        /// `x-amz-error-code`, for bodies that are empty (HEAD).
        error_code_header: Option<String>,
    },
    /// `TypeError: Failed to fetch`: the browser hides why.
    NetworkError(String),
}

/// One harmless request made after an opaque failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    NotRun,
    /// The page could read the response (its status).
    Readable(u16),
    /// A `no-cors` request got an opaque response: the server answered.
    Opaque,
    /// The request failed like the upload did.
    Failed,
}

impl Probe {
    fn describe(self) -> String {
        match self {
            Probe::NotRun => "not run".into(),
            Probe::Readable(status) => format!("readable (HTTP {status})"),
            Probe::Opaque => "answered (opaque response)".into(),
            Probe::Failed => "failed (TypeError)".into(),
        }
    }
}

/// The probes, each chosen so that it can never write (see `web::probes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probes {
    /// `no-cors` GET of a key that cannot exist: is anything listening?
    pub reach: Probe,
    /// CORS GET without preflight: is the origin allowed at all (for GET)?
    pub get: Probe,
    /// Preflighted request with the upload's method and no extra headers, to a
    /// multipart part of an upload id that cannot exist: is the method allowed?
    pub method: Probe,
}

impl Probes {
    pub const NONE: Probes = Probes {
        reach: Probe::NotRun,
        get: Probe::NotRun,
        method: Probe::NotRun,
    };

    pub fn count(&self) -> usize {
        [self.reach, self.get, self.method]
            .iter()
            .filter(|p| **p != Probe::NotRun)
            .count()
    }
}

/// The typed error, before the browser layer turns it into a JS `Error`.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    pub code: Code,
    /// One line: what is wrong, with the origin or the server's words.
    pub headline: String,
    /// Request header names that matter for this code, lower case.
    pub headers: Vec<String>,
    /// What was observed and what each probe answered.
    pub evidence: Vec<String>,
    /// For `cors/*`: the rule that makes this upload work.
    pub fix: Option<CorsRule>,
    /// One sentence: what to change.
    pub hint: String,
    /// For `cors/blocked`: the rules that may be missing.
    pub candidates: Vec<String>,
    pub status: Option<u16>,
    /// True when sending the same request again may succeed (see [`Diagnosis::retryable`]).
    pub transient: bool,
}

impl Diagnosis {
    fn new(code: Code, headline: String, hint: &str) -> Diagnosis {
        Diagnosis {
            code,
            headline,
            headers: Vec::new(),
            evidence: Vec::new(),
            fix: None,
            hint: hint.to_string(),
            candidates: Vec::new(),
            status: None,
            transient: false,
        }
    }

    /// A call with bad arguments: nothing was sent.
    pub fn input_invalid(reason: &str) -> Diagnosis {
        Diagnosis::new(
            Code::InputInvalid,
            format!("Invalid argument: {reason}"),
            "Fix the call's arguments; nothing was sent.",
        )
        .evidence("checked before sending; nothing was sent")
    }

    /// The caller's `AbortSignal` fired.
    pub fn aborted(method: &str) -> Diagnosis {
        Diagnosis::new(
            Code::Aborted,
            format!("The {method} was aborted by its AbortSignal"),
            "Nothing to fix: the caller aborted the upload.",
        )
    }

    /// No answer within the request's time limit: worth sending again.
    pub fn timed_out(method: &str, ms: u32) -> Diagnosis {
        let mut d = Diagnosis::new(
            Code::NetworkUnreachable,
            format!("The {method} got no answer within {ms} ms"),
            "Check the network; raise options.timeout for slow connections.",
        )
        .evidence(format!(
            "the request's {ms} ms time limit fired; no probe was sent"
        ));
        d.transient = true;
        d
    }

    /// A network failure after the same kind of request already passed CORS in this
    /// upload: the connection, not a rule. Worth sending again.
    pub fn dropped(method: &str, message: &str) -> Diagnosis {
        let mut d = Diagnosis::new(
            Code::NetworkUnreachable,
            format!("The {method} failed on the network ({message})"),
            "Nothing to change if it passes when sent again; otherwise check the network.",
        )
        .evidence(format!(
            "an earlier {method} of this upload passed the same CORS rule, so this is not CORS; no probe was sent"
        ));
        d.transient = true;
        d
    }

    /// Removes every secret value from the text a user sees. The one exit to the user
    /// (the JS error) calls it, so no path can forget it.
    pub fn redact(&mut self, secrets: &[String]) {
        use crate::presigned::redact;
        self.headline = redact(&self.headline, secrets);
        self.hint = redact(&self.hint, secrets);
        for line in self
            .evidence
            .iter_mut()
            .chain(self.candidates.iter_mut())
            .chain(self.headers.iter_mut())
        {
            *line = redact(line, secrets);
        }
    }

    /// Whether a failed CompleteMultipartUpload is sent again: only when the server
    /// answered that it did not complete for a passing reason (5xx, SlowDown). A network
    /// failure is not: the upload may have completed without the page seeing the answer.
    pub fn completion_retryable(&self) -> bool {
        self.status.is_some() && self.retryable()
    }

    /// Whether a multipart part that failed like this is sent again.
    pub fn retryable(&self) -> bool {
        self.transient || crate::parts::retryable(self.code, self.status)
    }

    pub fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }
}

/// Headers the browser sets itself: a URL may sign them without the page sending them.
const BROWSER_HEADERS: &[&str] = &["host", "content-length"];

/// The service the URL points at, read from `url_base`.
pub fn endpoint_of(a: &Attempt) -> Endpoint {
    let (scheme, rest) = a
        .url_base
        .split_once("://")
        .unwrap_or(("https", &a.url_base));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !authority.ends_with(']') => (h, p.parse().ok()),
        _ => (authority, None),
    };
    endpoint(scheme, host, port, path)
}

/// Likely causes the request alone shows: not certain enough to stop it, worth saying in
/// any failure's evidence.
pub fn likely_causes(a: &Attempt) -> Vec<String> {
    let mut notes = Vec::new();
    if !a.signing.checksum_params.is_empty() {
        notes.push(format!(
            "the URL signs checksum parameters ({}): many S3-compatible stores reject them, and a checksum computed for another body fails; presign without a checksum (SDK v3: requestChecksumCalculation: 'WHEN_REQUIRED')",
            a.signing.checksum_params.join(", ")
        ));
    }
    if let Some(at) = a.signing.signed_at {
        let ahead = at - a.now;
        if ahead > 15 * 60 {
            notes.push(format!(
                "the URL was signed {ahead} s in the future by this page's clock: the signing server's clock (or this computer's) is off; S3 refuses more than 15 minutes of skew"
            ));
        }
    }
    notes
}

/// Checks that need no request. A `Some` is certain: the request must not be sent.
pub fn precheck(a: &Attempt) -> Option<Diagnosis> {
    if a.page_secure() && a.url_scheme == "http" && !a.url_loopback {
        return Some(
            Diagnosis::new(
                Code::NetworkMixedContent,
                format!(
                    "The https page {} cannot upload to the http URL {}: the browser blocks it as mixed content",
                    a.page_origin, a.url_base
                ),
                "Presign the URL with an https endpoint (or serve the page over http in development).",
            )
            .evidence("page is https, URL is http on a non-loopback host; nothing was sent"),
        );
    }
    if let Some(late) = a.signing.expired_for(a.now) {
        if late > EXPIRY_MARGIN_SECS {
            return Some(expired(late, "checked before sending; nothing was sent"));
        }
    }
    let ep = endpoint_of(a);
    if ep.provider == Provider::Aws && ep.virtual_hosted && a.url_scheme == "https" {
        if let Some(bucket) = ep.bucket.as_deref().filter(|b| b.contains('.')) {
            let mut d = Diagnosis::new(
                Code::NetworkUnreachable,
                format!("The bucket name {bucket} has dots: over https its virtual-hosted address cannot match S3's certificate"),
                "Presign with path-style addressing (SDK v3: forcePathStyle: true), or use a bucket name without dots.",
            )
            .evidence("*.s3.amazonaws.com certificates cover one label; nothing was sent");
            d.headers = Vec::new();
            return Some(d);
        }
    }
    if ep.provider == Provider::Aws {
        if let (Some(host_region), Some(signed)) = (&ep.region, &a.signing.region) {
            if host_region != signed {
                return Some(
                    Diagnosis::new(
                        Code::S3WrongRegion,
                        format!("The URL is signed for {signed} but addresses {host_region}"),
                        "Presign with the bucket's own region (the S3 client's region must be the bucket's).",
                    )
                    .evidence(format!("X-Amz-Credential names {signed}; the host names {host_region}; nothing was sent")),
                );
            }
        }
    }
    if a.signing.sigv4 {
        let not_sent: Vec<String> = a
            .signing
            .signed_headers
            .iter()
            .filter(|h| !BROWSER_HEADERS.contains(&h.as_str()) && !a.sent_headers.contains(h))
            .cloned()
            .collect();
        if !not_sent.is_empty() {
            let mut d = Diagnosis::new(
                Code::S3SignatureMismatch,
                format!(
                    "The URL signs {} but this request does not send {}",
                    not_sent.join(", "),
                    if not_sent.len() > 1 { "them" } else { "it" }
                ),
                if not_sent.iter().any(|h| h == "content-type") {
                    "Send the signed Content-Type (options.contentType, or a File whose type is the signed one), or presign without a content type."
                } else {
                    "Send every signed header with its signed value (options.headers)."
                },
            )
            .evidence(format!(
                "X-Amz-SignedHeaders: {}; the request sends: {}; nothing was sent",
                a.signing.signed_headers.join(";"),
                if a.sent_headers.is_empty() { "(none)".to_string() } else { a.sent_headers.join(", ") }
            ));
            d.headers = not_sent;
            return Some(d);
        }
        let unsigned: Vec<String> = a
            .sent_headers
            .iter()
            .filter(|h| h.starts_with("x-amz-") && !a.signing.signed_headers.contains(h))
            .cloned()
            .collect();
        if !unsigned.is_empty() {
            let mut d = Diagnosis::new(
                Code::S3HeadersNotSigned,
                format!("The request sends headers that the URL does not sign: {}", unsigned.join(", ")),
                "Sign these headers into the URL on the backend, or do not send them.",
            )
            .evidence(format!(
                "X-Amz-SignedHeaders: {}; S3 refuses unsigned x-amz-* headers on a presigned request; nothing was sent",
                a.signing.signed_headers.join(";")
            ));
            d.headers = unsigned;
            return Some(d);
        }
    }
    None
}

/// The page's Content-Security-Policy blocked the request (seen by a
/// `securitypolicyviolation` event while it ran).
pub fn csp_blocked(a: &Attempt, directive: &str) -> Diagnosis {
    Diagnosis::new(
        Code::NetworkCspBlocked,
        format!(
            "The page's Content-Security-Policy ({directive}) blocks requests to {}",
            endpoint_of(a).service_url
        ),
        "Add the bucket's origin to connect-src in the page's Content-Security-Policy.",
    )
    .evidence(format!(
        "a securitypolicyviolation event for directive {directive} fired during the request; no probe was sent"
    ))
}

/// The browser says it is offline (`navigator.onLine` is false).
pub fn offline(a: &Attempt) -> Diagnosis {
    Diagnosis::new(
        Code::NetworkUnreachable,
        format!("The browser is offline: the {} could not be sent", a.method),
        "Reconnect and try again.",
    )
    .evidence("navigator.onLine is false; no probe was sent")
}

fn expired(late: i64, how: &str) -> Diagnosis {
    Diagnosis::new(
        Code::S3UrlExpired,
        format!("The presigned URL expired {late} s ago (by this page's clock)"),
        "Presign the URL just before the upload starts, or give it a longer expiry.",
    )
    .evidence(format!(
        "the URL's expiry lies {late} s before the page's clock; {how}"
    ))
}

/// Decides a readable response. `None` means success (the caller returns it).
///
/// `need_etag` is true where the caller needs the ETag (`putObject`, multipart parts).
pub fn from_response(a: &Attempt, observed: &Observed, need_etag: bool) -> Option<Diagnosis> {
    let Observed::Response {
        status,
        etag,
        body,
        error_code_header,
    } = observed
    else {
        return None;
    };
    let status = *status;
    if (200..300).contains(&status) {
        if etag.is_none() && need_etag {
            let mut d = Diagnosis::new(
                Code::CorsEtagNotExposed,
                format!(
                    "{} succeeded (HTTP {status}) but the ETag header is hidden from {}: the bucket's CORS rule lacks ExposeHeaders: [\"ETag\"]",
                    a.method, a.page_origin
                ),
                "Add \"ETag\" to ExposeHeaders of the rule that matches this origin.",
            )
            .evidence(format!(
                "HTTP {status}; response.headers.get('etag') is null: S3 always sends ETag, so the rule does not expose it"
            ));
            d.fix = Some(a.fix());
            d.status = Some(status);
            return Some(d);
        }
        return None;
    }
    let parsed = s3_error::parse(body).or_else(|| {
        error_code_header.as_ref().map(|code| s3_error::S3Error {
            code: code.clone(),
            ..Default::default()
        })
    });
    let mut d = match &parsed {
        Some(e) => from_s3_error(a, status, e),
        None if status == 503 => slow_down(status),
        None => Diagnosis::new(
            Code::HttpStatus,
            format!("{} answered HTTP {status} with no S3 error body", a.method),
            "Check the URL and the server's logs.",
        ),
    };
    d.status = Some(status);
    d.evidence.insert(
        0,
        match &parsed {
            Some(e) if e.message.is_empty() => format!("HTTP {status}, S3 code {}", e.code),
            Some(e) => format!("HTTP {status}, S3 code {}: {}", e.code, e.message),
            None => format!("HTTP {status}"),
        },
    );
    for h in &mut d.evidence {
        *h = crate::presigned::redact(h, &a.signing.secrets);
    }
    d.headline = crate::presigned::redact(&d.headline, &a.signing.secrets);
    Some(d)
}

/// Reads a CompleteMultipartUpload answer: S3 may send an error inside a 200.
pub fn from_completion(a: &Attempt, status: u16, body: &str) -> Result<String, Box<Diagnosis>> {
    if s3_error::parse(body).is_some() {
        let observed = Observed::Response {
            status: if (200..300).contains(&status) {
                500
            } else {
                status
            },
            etag: None,
            body: body.to_string(),
            error_code_header: None,
        };
        let mut d = from_response(a, &observed, false)
            .unwrap_or_else(|| Diagnosis::new(Code::HttpStatus, "completion failed".into(), ""));
        d.status = Some(status);
        return Err(Box::new(d));
    }
    Ok(s3_error::tag(body, "ETag").unwrap_or_default())
}

fn slow_down(status: u16) -> Diagnosis {
    Diagnosis::new(
        Code::S3SlowDown,
        format!("The server asks to slow down (HTTP {status})"),
        "Retry later with fewer requests at once.",
    )
}

fn from_s3_error(a: &Attempt, status: u16, e: &s3_error::S3Error) -> Diagnosis {
    let msg = e.message.to_ascii_lowercase();
    match e.code.as_str() {
        "SignatureDoesNotMatch" => {
            let named: Vec<String> = a
                .signing
                .signed_headers
                .iter()
                .filter(|h| *h != "host")
                .cloned()
                .collect();
            let missing: Vec<&String> = named
                .iter()
                .filter(|h| !a.sent_headers.contains(h))
                .collect();
            let detail = if named.is_empty() {
                "the URL signs no header but host, so the method, key or signing key differ"
                    .to_string()
            } else {
                let sent_ct = a.content_type.as_deref().unwrap_or("(none)");
                let mut parts = vec![format!("signed headers: {}", named.join(", "))];
                if named.iter().any(|h| h == "content-type") {
                    parts.push(format!("the browser sent Content-Type: {sent_ct}"));
                }
                if !missing.is_empty() {
                    let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                    parts.push(format!("not sent: {}", names.join(", ")));
                }
                parts.join("; ")
            };
            let mut d = Diagnosis::new(
                Code::S3SignatureMismatch,
                format!("The server rejected the signature: the {} request differs from what the URL was signed for ({detail})", a.method),
                "Send exactly the signed header values (for content-type: presign with the File's type, or pass options.contentType equal to the signed one).",
            )
            .evidence(detail);
            d.headers = named;
            d
        }
        "AccessDenied" if msg.contains("expired") => {
            let late = a.signing.expired_for(a.now).unwrap_or(0).max(0);
            let mut d = expired(late, "the server said so");
            if let Some(server) = e.field("ServerTime") {
                d.evidence.push(format!(
                    "server time {server}, URL expired at {}",
                    e.field("Expires").unwrap_or("?")
                ));
            }
            d
        }
        "AccessDenied" | "HeadersNotSigned"
            if msg.contains("not signed") || e.field("HeadersNotSigned").is_some() =>
        {
            let unsigned: Vec<String> = match e.field("HeadersNotSigned") {
                Some(list) => list
                    .split(',')
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect(),
                None => a
                    .sent_headers
                    .iter()
                    .filter(|h| h.starts_with("x-amz-") && !a.signing.signed_headers.contains(h))
                    .cloned()
                    .collect(),
            };
            let mut d = Diagnosis::new(
                Code::S3HeadersNotSigned,
                format!(
                    "The request sends headers that the URL does not sign: {}",
                    unsigned.join(", ")
                ),
                "Sign these headers into the URL on the backend, or do not send them.",
            )
            .evidence(format!("unsigned x-amz-* headers: {}", unsigned.join(", ")));
            d.headers = unsigned;
            d
        }
        "AccessDenied" | "AllAccessDisabled" | "AccountProblem" | "InvalidAccessKeyId" => {
            Diagnosis::new(
                Code::S3AccessDenied,
                format!("The server denied the {}: {}", a.method, e.message),
                "Check that the signing credentials may write to this bucket and key.",
            )
        }
        "RequestTimeTooSkewed" => {
            // ServerTime is ISO 8601; RequestTime is the signature's X-Amz-Date.
            let iso = |t: &str| parse_amz_date(&t.replace(['-', ':'], "").replace(".000", ""));
            let server = e.field("ServerTime").and_then(iso);
            let request = e.field("RequestTime").and_then(iso).or(a.signing.signed_at);
            let detail = match (server, request) {
                (Some(s), Some(r)) => format!(
                    "server time {}, signed at {}: the signing clock is {} s {}",
                    e.field("ServerTime").unwrap_or_default(),
                    e.field("RequestTime").unwrap_or("(X-Amz-Date)"),
                    (r - s).abs(),
                    if r > s { "ahead" } else { "behind" }
                ),
                _ => e.message.clone(),
            };
            Diagnosis::new(
                Code::S3ClockSkew,
                format!("The signing clock is too far from the server's ({detail})"),
                "Sync the backend's clock (NTP) before presigning; S3 allows 15 minutes.",
            )
        }
        "AuthorizationHeaderMalformed"
        | "AuthorizationQueryParametersError"
        | "PermanentRedirect"
        | "TemporaryRedirect"
        | "IllegalLocationConstraintException" => {
            let want = e
                .field("Region")
                .or(e.field("Endpoint"))
                .unwrap_or("another region");
            Diagnosis::new(
                Code::S3WrongRegion,
                format!(
                    "The URL is signed for {} but the bucket expects {want}",
                    a.signing.region.as_deref().unwrap_or("an unknown region")
                ),
                "Presign with the bucket's own region and regional endpoint.",
            )
        }
        "NoSuchBucket" => Diagnosis::new(
            Code::S3NoSuchBucket,
            format!("The bucket does not exist: {}", e.message),
            "Check the bucket name and endpoint the backend presigns for.",
        ),
        "NoSuchUpload" => Diagnosis::new(
            Code::S3NoSuchUpload,
            e.message.clone(),
            "Start a new multipart upload.",
        ),
        "EntityTooSmall" => Diagnosis::new(
            Code::S3EntityTooSmall,
            e.message.clone(),
            "Use parts of at least 5 MiB (all but the last).",
        ),
        "InvalidPart" | "InvalidPartOrder" => Diagnosis::new(
            Code::S3InvalidPart,
            e.message.clone(),
            "Complete with every part's number and exact ETag, in ascending order.",
        ),
        "InvalidDigest" | "BadDigest" | "XAmzContentChecksumMismatch" | "InvalidChecksum" => {
            Diagnosis::new(
                Code::S3ChecksumMismatch,
                e.message.clone(),
                "Do not sign a checksum into the URL for a body the browser sends as is.",
            )
        }
        "SlowDown" | "ServiceUnavailable" => slow_down(status),
        _ if status == 503 => slow_down(status),
        _ => Diagnosis::new(
            Code::HttpStatus,
            format!(
                "{} answered HTTP {status} {}: {}",
                a.method, e.code, e.message
            ),
            "See the server's code and message.",
        ),
    }
}

/// Decides an opaque network failure from the bucket configuration the app passed (the
/// `cors` option, S3's shape), without probes. `None` when that configuration allows the
/// request: it is then not the one the bucket has, and the caller probes (see
/// [`config_disagrees`]).
pub fn from_config(a: &Attempt, message: &str, config: &CorsConfig) -> Option<Diagnosis> {
    let headers = a.cors_headers();
    let verdict = evaluate(
        Some(config),
        &CorsRequest {
            origin: &a.page_origin,
            method: &a.method,
            headers: &headers,
        },
    );
    let (o, m) = (&a.page_origin, &a.method);
    let (code, headline, lacking, detail) = match verdict {
        Verdict::Allowed { .. } => return None,
        Verdict::NoConfig => (
            Code::CorsOriginNotAllowed,
            format!("The bucket has no CORS rules: {m} from origin {o} is refused"),
            headers.clone(),
            "it has no rules".to_string(),
        ),
        Verdict::OriginNotAllowed => (
            Code::CorsOriginNotAllowed,
            format!("No rule of the bucket's CORS configuration allows origin {o}"),
            headers.clone(),
            "no rule lists this origin".to_string(),
        ),
        Verdict::MethodNotAllowed { index } => (
            Code::CorsMethodNotAllowed,
            format!(
                "The bucket's CORS rule {} for origin {o} does not allow {m}",
                index + 1
            ),
            headers.clone(),
            format!("rule {} lists the origin but not {m}", index + 1),
        ),
        Verdict::HeaderNotAllowed {
            index,
            headers: missing,
        } => (
            Code::CorsHeaderNotAllowed,
            format!(
                "The bucket's CORS rule {} for origin {o} allows {m} but not {}",
                index + 1,
                missing.join(", ")
            ),
            missing.clone(),
            format!(
                "rule {} lacks AllowedHeaders for {}",
                index + 1,
                missing.join(", ")
            ),
        ),
    };
    let mut d = Diagnosis::new(
        code,
        headline,
        "Put the rule below first in the bucket's CORS configuration, or edit the rule named.",
    )
    .evidence(format!(
        "{m} {}: {message} (no status: the browser hides the response)",
        a.url_base
    ))
    .evidence(format!(
        "evaluated against the configuration passed in options.cors ({} rules): {detail}; no probe was sent",
        config.rules.len()
    ));
    d.headers = lacking;
    d.fix = Some(a.fix());
    Some(d)
}

/// The evidence line when the configuration the app passed allows what the browser
/// refused: it is not the bucket's configuration.
pub fn config_disagrees() -> String {
    "the configuration passed in options.cors allows this request, yet the browser refused it: it is not the configuration the bucket has (another bucket or region, not yet applied, or a preflight answer the browser cached before the change)".to_string()
}

/// Decides an opaque network failure from the probes.
pub fn from_network_error(a: &Attempt, message: &str, probes: &Probes) -> Diagnosis {
    let headers = a.cors_headers();
    let o = &a.page_origin;
    let m = &a.method;
    let mut d = match (probes.reach, probes.get, probes.method) {
        (Probe::Failed, _, _) => {
            let mut d = Diagnosis::new(
                Code::NetworkUnreachable,
                format!("Nothing answered at {}: the server is down, the host is wrong or the network is offline", host_of(&a.url_base)),
                "Check that the storage server is running and that the URL's host and port are right.",
            );
            d.headers = Vec::new();
            d
        }
        (_, Probe::Failed, Probe::Failed) => cors(
            a,
            Code::CorsOriginNotAllowed,
            format!("No bucket CORS rule allows origin {o}: {m} was blocked (or the bucket has no CORS configuration)"),
            "Add the rule below to the bucket's CORS configuration, first in the list.",
        )
        .evidence("a bucket that does not exist looks the same from a page: if the rule is already there, check the bucket name and endpoint"),
        (_, Probe::Readable(_), Probe::Failed) => cors(
            a,
            Code::CorsMethodNotAllowed,
            format!("The bucket's CORS rule for origin {o} does not allow {m}"),
            "Add the method to AllowedMethods of the rule for this origin, or put the rule below first.",
        ),
        (_, _, Probe::Readable(_)) if expired_now(a) => {
            let late = a.signing.expired_for(a.now).unwrap_or(0);
            expired(
                late,
                "the preflight for this method passes, so the server's refusal came without CORS headers",
            )
        }
        (_, _, Probe::Readable(_)) if !headers.is_empty() => {
            let mut d = cors(
                a,
                Code::CorsHeaderNotAllowed,
                format!(
                    "The bucket's CORS rule for origin {o} allows {m} but not the header{} {}",
                    if headers.len() > 1 { "s" } else { "" },
                    headers.join(", ")
                ),
                "Add these names to AllowedHeaders of the rule for this origin, or put the rule below first.",
            );
            d.headers = headers.clone();
            d
        }
        _ => {
            let mut d = cors(
                a,
                Code::CorsBlocked,
                format!("The browser blocked the {m} from origin {o}; the probes could not single out the rule"),
                "Put the rule below first in the bucket's CORS configuration; if it still fails, the server's error responses carry no CORS headers (check the URL's signature and expiry).",
            );
            // The preflight for this very request passes: the failure is a dropped
            // connection or an error answer without CORS headers; both may pass if sent again.
            d.transient = matches!(probes.method, Probe::Readable(_)) && headers.is_empty();
            // Only what the probes did not rule out.
            let origin_ok = matches!(probes.get, Probe::Readable(_));
            let method_ok = matches!(probes.method, Probe::Readable(_));
            let mut candidates = Vec::new();
            if !origin_ok && !method_ok {
                candidates.push(format!("no rule allows origin {o}"));
            }
            if !method_ok {
                candidates.push(format!("the rule for {o} lacks {m} in AllowedMethods"));
            }
            if !headers.is_empty() {
                candidates.push(format!("the rule lacks AllowedHeaders for: {}", headers.join(", ")));
            }
            candidates.push("the server refused the request (signature, expiry) with a response that carries no CORS headers".to_string());
            candidates.push("the connection dropped during the request".to_string());
            d.candidates = candidates;
            d
        }
    };
    d.evidence.insert(
        0,
        format!(
            "{m} {}: {message} (no status: the browser hides the response)",
            a.url_base
        ),
    );
    d.evidence.push(format!(
        "probe 1, no-cors GET of a key that cannot exist: {}",
        probes.reach.describe()
    ));
    d.evidence.push(format!(
        "probe 2, CORS GET without preflight: {}",
        probes.get.describe()
    ));
    d.evidence.push(format!(
        "probe 3, preflighted {m} with no extra headers to a multipart part of an upload id that cannot exist: {}",
        probes.method.describe()
    ));
    d
}

fn expired_now(a: &Attempt) -> bool {
    a.signing.expired_for(a.now).is_some_and(|late| late > 0)
}

fn cors(a: &Attempt, code: Code, headline: String, hint: &str) -> Diagnosis {
    let mut d = Diagnosis::new(code, headline, hint);
    d.headers = a.cors_headers();
    d.fix = Some(a.fix());
    d
}

fn host_of(url_base: &str) -> &str {
    let rest = url_base.split_once("://").map_or(url_base, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presigned::Signing;

    fn attempt(content_type: Option<&str>) -> Attempt {
        let mut sent = vec![];
        if content_type.is_some() {
            sent.push("content-type".to_string());
        }
        Attempt {
            page_origin: "http://localhost:5173".into(),
            method: "PUT".into(),
            url_base: "http://127.0.0.1:4566/b/k".into(),
            url_scheme: "http".into(),
            url_loopback: true,
            sent_headers: sent,
            content_type: content_type.map(str::to_string),
            signing: Signing::default(),
            now: 1_000_000,
            upload_methods: vec!["PUT".into()],
            upload_headers: vec![],
        }
    }

    fn net(a: &Attempt, reach: Probe, get: Probe, method: Probe) -> Diagnosis {
        from_network_error(
            a,
            "TypeError: Failed to fetch",
            &Probes { reach, get, method },
        )
    }

    #[test]
    fn the_probe_table() {
        use Probe::*;
        let a = attempt(Some("image/png"));
        assert_eq!(
            net(&a, Failed, Failed, Failed).code,
            Code::NetworkUnreachable
        );
        let d = net(&a, Opaque, Failed, Failed);
        assert_eq!(d.code, Code::CorsOriginNotAllowed);
        assert_eq!(
            d.fix.as_ref().unwrap().allowed_origins,
            vec!["http://localhost:5173"]
        );
        assert_eq!(
            net(&a, Opaque, Readable(404), Failed).code,
            Code::CorsMethodNotAllowed
        );
        let d = net(&a, Opaque, Readable(404), Readable(404));
        assert_eq!(d.code, Code::CorsHeaderNotAllowed);
        assert_eq!(d.headers, vec!["content-type"]);
        assert_eq!(d.fix.unwrap().allowed_headers, vec!["content-type"]);
        // A safelisted content type needs no rule: nothing singles out the cause.
        let plain = attempt(Some("text/plain;charset=UTF-8"));
        let d = net(&plain, Opaque, Readable(404), Readable(404));
        assert_eq!(d.code, Code::CorsBlocked);
        assert!(d.retryable(), "the preflight passes: worth sending again");
        assert_eq!(d.candidates.len(), 2, "{:?}", d.candidates);
        // A failed completion POST (no method probe) after GET passed: origin is fine.
        let mut post = attempt(Some("application/xml"));
        post.method = "POST".into();
        let d = net(&post, Opaque, Readable(404), NotRun);
        assert_eq!(d.code, Code::CorsBlocked);
        assert!(d.candidates[0].contains("lacks POST"), "{:?}", d.candidates);
        assert!(d.candidates[1].contains("content-type"));
        assert_eq!(d.fix.unwrap().allowed_methods, vec!["PUT", "POST"]);
        assert!(!net(&a, Opaque, Failed, Failed).retryable());
        assert!(net(&a, Failed, Failed, Failed).retryable());
        assert_eq!(d.evidence.len(), 4);
    }

    #[test]
    fn multipart_fix_covers_the_whole_upload() {
        let mut part = attempt(None);
        part.upload_methods = vec!["PUT".into(), "POST".into(), "DELETE".into()];
        part.upload_headers = vec!["content-type".into()];
        let d = net(&part, Probe::Opaque, Probe::Failed, Probe::Failed);
        let fix = d.fix.unwrap();
        assert_eq!(fix.allowed_methods, vec!["PUT", "POST", "DELETE"]);
        assert_eq!(fix.allowed_headers, vec!["content-type"]);
    }

    #[test]
    fn expired_url_whose_error_has_no_cors_headers() {
        let mut a = attempt(Some("image/png"));
        a.signing.expires_at = Some(a.now - 2);
        let d = net(
            &a,
            Probe::Opaque,
            Probe::Readable(404),
            Probe::Readable(404),
        );
        assert_eq!(d.code, Code::S3UrlExpired);
        assert!(precheck(&a).is_none(), "2 s is within the clock margin");
        a.signing.expires_at = Some(a.now - 3600);
        assert!(precheck(&a).is_none(), "an hour may be the page's clock");
        a.signing.expires_at = Some(a.now - 2 * 86_400);
        assert_eq!(precheck(&a).unwrap().code, Code::S3UrlExpired);
    }

    fn sigv4(a: &mut Attempt, url_base: &str, query: &[(&str, &str)]) {
        a.url_base = url_base.into();
        a.url_scheme = url_base.split(':').next().unwrap().into();
        let mut params: Vec<(String, String)> =
            vec![("X-Amz-Algorithm".into(), "AWS4-HMAC-SHA256".into())];
        params.extend(query.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        a.signing = Signing::from_params(&params);
    }

    #[test]
    fn a_known_configuration_decides_without_probes() {
        use crate::cors::{CorsConfig, CorsRule};
        let a = attempt(Some("image/png"));
        let rule = |methods: &[&str], headers: &[&str]| CorsRule {
            allowed_origins: vec!["http://localhost:5173".into()],
            allowed_methods: methods.iter().map(|m| m.to_string()).collect(),
            allowed_headers: headers.iter().map(|h| h.to_string()).collect(),
            ..Default::default()
        };
        let cfg = |rules| CorsConfig { rules };
        let d = from_config(&a, "TypeError", &cfg(vec![rule(&["GET"], &["*"])])).unwrap();
        assert_eq!(d.code, Code::CorsMethodNotAllowed);
        let d = from_config(&a, "TypeError", &cfg(vec![rule(&["PUT"], &[])])).unwrap();
        assert_eq!(
            (d.code, d.headers.clone()),
            (Code::CorsHeaderNotAllowed, vec!["content-type".to_string()])
        );
        assert_eq!(
            from_config(&a, "TypeError", &cfg(vec![])).unwrap().code,
            Code::CorsOriginNotAllowed
        );
        assert!(
            from_config(&a, "TypeError", &cfg(vec![rule(&["PUT"], &["*"])])).is_none(),
            "allowed: not this bucket's"
        );
    }

    #[test]
    fn certain_problems_fail_before_sending() {
        let mut a = attempt(None);
        sigv4(
            &mut a,
            "https://photos.s3.eu-central-1.amazonaws.com/a.png",
            &[
                (
                    "X-Amz-Credential",
                    "AKIAEXAMPLE/20261203/us-east-1/s3/aws4_request",
                ),
                ("X-Amz-SignedHeaders", "host"),
            ],
        );
        let d = precheck(&a).unwrap();
        assert_eq!(d.code, Code::S3WrongRegion);
        assert!(d.headline.contains("us-east-1") && d.headline.contains("eu-central-1"));

        sigv4(
            &mut a,
            "https://my.photos.s3.us-east-1.amazonaws.com/a.png",
            &[("X-Amz-SignedHeaders", "host")],
        );
        let d = precheck(&a).unwrap();
        assert_eq!(d.code, Code::NetworkUnreachable);
        assert!(d.headline.contains("dots"));
        sigv4(
            &mut a,
            "https://s3.us-east-1.amazonaws.com/my.photos/a.png",
            &[("X-Amz-SignedHeaders", "host")],
        );
        assert!(
            precheck(&a).is_none(),
            "path style has no certificate problem"
        );

        // A File with no type and a URL that signs content-type.
        sigv4(
            &mut a,
            "http://127.0.0.1:4566/b/k",
            &[("X-Amz-SignedHeaders", "content-length;content-type;host")],
        );
        let d = precheck(&a).unwrap();
        assert_eq!(
            (d.code, d.headers.clone()),
            (Code::S3SignatureMismatch, vec!["content-type".to_string()])
        );
        a.sent_headers = vec!["content-type".into()];
        assert!(precheck(&a).is_none());

        a.sent_headers.push("x-amz-meta-owner".into());
        let d = precheck(&a).unwrap();
        assert_eq!(
            (d.code, d.headers),
            (
                Code::S3HeadersNotSigned,
                vec!["x-amz-meta-owner".to_string()]
            )
        );
    }

    #[test]
    fn likely_causes_are_evidence_only() {
        let mut a = attempt(None);
        sigv4(
            &mut a,
            "http://127.0.0.1:4566/b/k",
            &[
                ("X-Amz-SignedHeaders", "host"),
                ("x-amz-checksum-crc32", "AAAAAA=="),
                ("X-Amz-Date", "20991203T130500Z"),
            ],
        );
        a.now = 1_796_303_100; // 2026-12-03T13:05Z
        assert!(precheck(&a).is_none());
        let notes = likely_causes(&a);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("x-amz-checksum-crc32"));
        assert!(notes[1].contains("in the future"));
    }

    #[test]
    fn csp_and_offline() {
        let a = attempt(None);
        let d = csp_blocked(&a, "connect-src");
        assert_eq!(d.code, Code::NetworkCspBlocked);
        assert!(d.headline.contains("connect-src") && d.headline.contains("http://127.0.0.1:4566"));
        assert_eq!(offline(&a).code, Code::NetworkUnreachable);
        let ep = endpoint_of(&Attempt {
            url_base: "http://[::1]:4566/b/k".into(),
            ..a.clone()
        });
        assert_eq!(
            (ep.bucket.as_deref(), ep.service_url.as_str()),
            (Some("b"), "http://[::1]:4566")
        );
    }

    #[test]
    fn mixed_content_only_for_non_loopback_http() {
        let mut a = attempt(None);
        a.page_origin = "https://app.example.test:8443".into();
        assert!(precheck(&a).is_none());
        a.url_loopback = false;
        assert_eq!(precheck(&a).unwrap().code, Code::NetworkMixedContent);
    }

    fn resp(status: u16, etag: Option<&str>, body: &str) -> Observed {
        Observed::Response {
            status,
            etag: etag.map(str::to_string),
            body: body.into(),
            error_code_header: None,
        }
    }

    /// Error bodies as the services document them, each to its code.
    #[test]
    fn every_s3_error_body_to_its_code() {
        let a = attempt(Some("image/png"));
        let body = |code: &str, msg: &str, extra: &str| {
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{msg}</Message>{extra}<RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>")
        };
        let table: &[(u16, String, Code)] = &[
            (403, body("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", "<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256</StringToSign>"), Code::S3SignatureMismatch),
            (403, body("AccessDenied", "There were headers present in the request which were not signed", "<HeadersNotSigned>x-amz-acl</HeadersNotSigned>"), Code::S3HeadersNotSigned),
            (403, body("AccessDenied", "Request has expired", "<X-Amz-Expires>900</X-Amz-Expires><Expires>2026-12-03T13:05:01Z</Expires><ServerTime>2026-12-03T13:25:04Z</ServerTime>"), Code::S3UrlExpired),
            (403, body("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", "<RequestTime>20261203T100000Z</RequestTime><ServerTime>2026-12-03T13:05:04Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>"), Code::S3ClockSkew),
            (403, body("AccessDenied", "Access Denied", ""), Code::S3AccessDenied),
            (403, body("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", ""), Code::S3AccessDenied),
            (400, body("AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-central-1'", "<Region>eu-central-1</Region>"), Code::S3WrongRegion),
            (400, body("AuthorizationHeaderMalformed", "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'", "<Region>eu-west-1</Region>"), Code::S3WrongRegion),
            (301, body("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.", "<Bucket>photos</Bucket><Endpoint>photos.s3.eu-west-1.amazonaws.com</Endpoint>"), Code::S3WrongRegion),
            (307, body("TemporaryRedirect", "Please re-send this request to the specified temporary endpoint.", "<Endpoint>photos.s3-eu-west-1.amazonaws.com</Endpoint>"), Code::S3WrongRegion),
            (404, body("NoSuchBucket", "The specified bucket does not exist", "<BucketName>photos</BucketName>"), Code::S3NoSuchBucket),
            (404, body("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", "<UploadId>abc</UploadId>"), Code::S3NoSuchUpload),
            (400, body("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", "<ProposedSize>1024</ProposedSize><MinSizeAllowed>5242880</MinSizeAllowed><PartNumber>1</PartNumber><ETag>e</ETag>"), Code::S3EntityTooSmall),
            (400, body("InvalidPart", "One or more of the specified parts could not be found.", "<UploadId>u</UploadId><PartNumber>2</PartNumber><ETag>x</ETag>"), Code::S3InvalidPart),
            (400, body("InvalidPartOrder", "The list of parts was not in ascending order.", ""), Code::S3InvalidPart),
            (400, body("InvalidDigest", "The Content-MD5 you specified was invalid.", ""), Code::S3ChecksumMismatch),
            (400, body("BadDigest", "The Content-MD5 you specified did not match what we received.", ""), Code::S3ChecksumMismatch),
            (400, body("XAmzContentChecksumMismatch", "The provided 'x-amz-checksum' header does not match what was computed.", ""), Code::S3ChecksumMismatch),
            (503, body("SlowDown", "Please reduce your request rate.", ""), Code::S3SlowDown),
            (503, String::new(), Code::S3SlowDown),
            (400, body("InvalidArgument", "Invalid argument.", "<ArgumentName>x-amz-acl</ArgumentName>"), Code::HttpStatus),
            (500, body("InternalError", "We encountered an internal error. Please try again.", ""), Code::HttpStatus),
        ];
        for (status, body, want) in table {
            let d = from_response(&a, &resp(*status, None, body), true).unwrap();
            assert_eq!(d.code, *want, "{body}");
            assert_eq!(d.status, Some(*status));
            assert!(
                !format!("{d:?}").contains("AKIAIOSFODNN7EXAMPLE") || a.signing.secrets.is_empty()
            );
        }
        // The same codes from x-amz-error-code when the body is empty (a HEAD).
        let head = Observed::Response {
            status: 404,
            etag: None,
            body: String::new(),
            error_code_header: Some("NoSuchBucket".into()),
        };
        assert_eq!(
            from_response(&a, &head, true).unwrap().code,
            Code::S3NoSuchBucket
        );
        let skew = from_response(&a, &resp(403, None, &table[3].1), true).unwrap();
        assert!(
            skew.headline.contains("11104 s behind"),
            "{}",
            skew.headline
        );
        // The region the server expects is named.
        let wrong = from_response(&a, &resp(400, None, &table[6].1), true).unwrap();
        assert!(
            wrong.headline.contains("eu-central-1"),
            "{}",
            wrong.headline
        );
    }

    #[test]
    fn completion_is_retried_only_on_a_readable_passing_answer() {
        let mut a = attempt(None);
        a.method = "POST".into();
        let busy = "<Error><Code>SlowDown</Code><Message>m</Message></Error>";
        assert!(from_response(&a, &resp(503, None, busy), false)
            .unwrap()
            .completion_retryable());
        let gone = "<Error><Code>NoSuchUpload</Code><Message>m</Message></Error>";
        assert!(!from_response(&a, &resp(404, None, gone), false)
            .unwrap()
            .completion_retryable());
        let dropped = Diagnosis::dropped("POST", "TypeError: Failed to fetch");
        assert!(dropped.retryable() && !dropped.completion_retryable());
    }

    #[test]
    fn completion_answers() {
        let mut a = attempt(None);
        a.method = "POST".into();
        let ok = "<CompleteMultipartUploadResult><Bucket>b</Bucket><ETag>&quot;abc-3&quot;</ETag></CompleteMultipartUploadResult>";
        assert_eq!(from_completion(&a, 200, ok).unwrap(), "\"abc-3\"");
        let in_200 = "<Error><Code>InternalError</Code><Message>try again</Message></Error>";
        let d = from_completion(&a, 200, in_200).unwrap_err();
        assert_eq!((d.code, d.status), (Code::HttpStatus, Some(200)));
        let bad = "<Error><Code>InvalidPart</Code><Message>m</Message></Error>";
        assert_eq!(
            from_completion(&a, 400, bad).unwrap_err().code,
            Code::S3InvalidPart
        );
    }

    #[test]
    fn responses() {
        let a = attempt(Some("image/png"));
        assert!(from_response(&a, &resp(200, Some("\"e\""), ""), true).is_none());
        assert!(from_response(&a, &resp(200, None, ""), false).is_none());
        let d = from_response(&a, &resp(200, None, ""), true).unwrap();
        assert_eq!(d.code, Code::CorsEtagNotExposed);
        assert!(d.fix.unwrap().exposes("ETag"));

        let mut signed = a.clone();
        signed.signing = Signing::from_params(&[
            ("X-Amz-SignedHeaders".into(), "content-type;host".into()),
            ("X-Amz-Signature".into(), "feedface0123".into()),
        ]);
        let body = "<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message><SignatureProvided>feedface0123</SignatureProvided></Error>";
        let d = from_response(&signed, &resp(403, None, body), true).unwrap();
        assert_eq!(d.code, Code::S3SignatureMismatch);
        assert_eq!(d.headers, vec!["content-type"]);
        assert!(d.headline.contains("image/png"));
        assert!(!format!("{:?}", d.evidence).contains("feedface0123"));

        let expired = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message><ServerTime>t</ServerTime></Error>";
        assert_eq!(
            from_response(&a, &resp(403, None, expired), true)
                .unwrap()
                .code,
            Code::S3UrlExpired
        );

        let mut meta = a.clone();
        meta.sent_headers.push("x-amz-meta-owner".into());
        let body = "<Error><Code>AccessDenied</Code><Message>There were headers present in the request which were not signed</Message><HeadersNotSigned>x-amz-meta-owner</HeadersNotSigned></Error>";
        let d = from_response(&meta, &resp(403, None, body), true).unwrap();
        assert_eq!(
            (d.code, d.headers),
            (
                Code::S3HeadersNotSigned,
                vec!["x-amz-meta-owner".to_string()]
            )
        );

        assert_eq!(
            from_response(&a, &resp(503, None, ""), true).unwrap().code,
            Code::S3SlowDown
        );
        assert_eq!(
            from_response(&a, &resp(500, None, "oops"), true)
                .unwrap()
                .code,
            Code::HttpStatus
        );
        let d = from_response(
            &a,
            &resp(
                404,
                None,
                "<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>",
            ),
            true,
        )
        .unwrap();
        assert_eq!(d.code, Code::S3NoSuchBucket);
        assert_eq!(d.status, Some(404));
    }
}
