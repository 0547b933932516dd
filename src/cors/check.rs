//! Exact evaluation of one request against a configuration, with each provider's
//! documented semantics, and the smallest edit that makes the request pass.
//!
//! - **S3**: the first rule whose origin, method and every requested header match wins.
//!   Origins match case-sensitively, exactly or with one `*`; headers case-insensitively
//!   with one `*`; methods are GET, PUT, POST, DELETE, HEAD.
//! - **R2**: like S3, but an origin is `*` or exactly `scheme://host[:port]` (no partial
//!   wildcard); headers are `*` or exact names.
//! - **GCS**: the first rule whose `origin` and `method` match is *the* rule (`*` means
//!   any in both); its `responseHeader` list must cover the requested headers, and there
//!   is no falling through to a later rule when it does not.
//! - **Azure**: first full match like S3; origins are `*` or exact (case-sensitive);
//!   headers are `*`, exact, or a prefix ending in `*` such as `x-ms-meta*`.
//!
//! The result names the rule that matched, or the one that came closest and what it
//! lacks, what the response would carry, and one [`Edit`] to make the request pass.

use super::parse::{Field, Parsed, Provider};
use super::{fix_rule, CorsConfig, CorsRule, S3_METHODS};
use crate::codes::Code;

/// A request as a browser presents it to the bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The page's origin, `scheme://host[:port]`.
    pub origin: String,
    pub method: String,
    /// Lower-case names of the headers the preflight lists (non-safelisted ones).
    pub headers: Vec<String>,
}

/// Methods `fetch` upper-cases; any other method is sent as written.
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

impl Request {
    /// The request a browser would make: `method` upper-cased where `fetch` does it,
    /// header names lower-cased, de-duplicated and split on commas. A header given as
    /// `name: value` whose value the fetch spec safelists (e.g. `content-type:
    /// text/plain`) is dropped, since the browser does not list it in the preflight.
    pub fn from_browser(origin: &str, method: &str, headers: &[String]) -> Request {
        let method = method.trim();
        let method = NORMALIZED_METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(method))
            .map(|m| m.to_string())
            .unwrap_or_else(|| method.to_string());
        let mut names: Vec<String> = Vec::new();
        for entry in headers {
            let (list, value) = match entry.split_once(':') {
                Some((name, value)) => (name, Some(value.trim())),
                None => (entry.as_str(), None),
            };
            for name in list.split(',') {
                let name = name.trim().to_ascii_lowercase();
                if name.is_empty() || names.contains(&name) {
                    continue;
                }
                if value.is_some_and(|v| is_safelisted(&name, v)) {
                    continue;
                }
                names.push(name);
            }
        }
        Request {
            origin: origin.trim().to_string(),
            method,
            headers: names,
        }
    }

    /// Like [`Request::from_browser`], refusing input a browser never sends: an origin
    /// with a path, a trailing slash or no scheme, an empty method.
    pub fn new(origin: &str, method: &str, headers: &[String]) -> Result<Request, String> {
        let req = Request::from_browser(origin, method, headers);
        if let Some(problem) = origin_problem(&req.origin) {
            return Err(format!(
                "--origin {:?} {problem}: an Origin is scheme://host[:port], e.g. http://localhost:5173",
                req.origin
            ));
        }
        if req.method.is_empty() || req.method.contains(|c: char| !c.is_ascii_alphabetic()) {
            return Err(format!("--method {:?} is not an HTTP method", req.method));
        }
        if let Some(bad) = req
            .headers
            .iter()
            .find(|h| h.contains(|c: char| c.is_whitespace() || c.is_control()))
        {
            return Err(format!("--header {bad:?} is not a header name"));
        }
        Ok(req)
    }
}

/// Why `origin` cannot be a browser's `Origin` header, if it cannot.
pub fn origin_problem(origin: &str) -> Option<&'static str> {
    if origin == "null" {
        return None;
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Some("has no scheme");
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Some("has an invalid scheme");
    }
    if rest.is_empty() {
        return Some("has no host");
    }
    if rest.ends_with('/') {
        return Some("ends with a slash");
    }
    if rest.contains(['/', '?', '#']) {
        return Some("has a path");
    }
    if rest.contains(|c: char| c.is_whitespace() || c == '*') {
        return Some("is not one origin");
    }
    None
}

/// The fetch spec's CORS-safelisted request headers, for a given value.
fn is_safelisted(name: &str, value: &str) -> bool {
    match name {
        "accept" | "accept-language" | "content-language" => true,
        "content-type" => {
            let essence = value.split(';').next().unwrap_or("").trim();
            [
                "text/plain",
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            ]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(essence))
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Each provider's matching

/// `*` stands for any run of characters (possibly none), at most once; a pattern with
/// more than one `*` never matches (S3 refuses such a configuration).
pub fn star_match(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let eq = |a: &str, b: &str| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    match pattern.split_once('*') {
        None => eq(pattern, value),
        Some((_, tail)) if tail.contains('*') => false,
        Some((head, tail)) => {
            value.len() >= head.len() + tail.len()
                && value.get(..head.len()).is_some_and(|v| eq(v, head))
                && value
                    .get(value.len() - tail.len()..)
                    .is_some_and(|v| eq(v, tail))
        }
    }
}

/// Whether `pattern` in a rule's origins admits the request's `origin`.
pub fn origin_matches(provider: Provider, pattern: &str, origin: &str) -> bool {
    match provider {
        Provider::S3 => star_match(pattern, origin, false),
        Provider::Gcs | Provider::R2 | Provider::Azure => pattern == "*" || pattern == origin,
    }
}

/// Whether `allowed` in a rule's methods admits `method`.
pub fn method_matches(provider: Provider, allowed: &str, method: &str) -> bool {
    match provider {
        Provider::Gcs => allowed == "*" || allowed == method,
        _ => allowed == method,
    }
}

/// Whether `pattern` in a rule's allowed headers admits the (lower-case) `header`.
pub fn header_matches(provider: Provider, pattern: &str, header: &str) -> bool {
    match provider {
        Provider::S3 => star_match(pattern, header, true),
        Provider::Gcs | Provider::R2 => pattern == "*" || pattern.eq_ignore_ascii_case(header),
        Provider::Azure => {
            pattern == "*"
                || match pattern.strip_suffix('*') {
                    Some(prefix) if !prefix.contains('*') => header
                        .get(..prefix.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(prefix)),
                    _ => pattern.eq_ignore_ascii_case(header),
                }
        }
    }
}

/// Whether a header missing from the first origin-and-method rule lets a later rule
/// match (everywhere but GCS).
fn headers_fall_through(provider: Provider) -> bool {
    provider != Provider::Gcs
}

/// How one rule fits the request.
#[derive(Clone, Debug)]
struct Fit {
    index: usize,
    /// `Some(true)` when the origin is listed without a wildcard.
    origin: Option<bool>,
    method: bool,
    missing: Vec<String>,
}

fn fit(provider: Provider, index: usize, rule: &CorsRule, req: &Request) -> Fit {
    let origin = rule
        .allowed_origins
        .iter()
        .filter(|o| origin_matches(provider, o, &req.origin))
        .map(|o| *o == req.origin)
        .max();
    let method = rule
        .allowed_methods
        .iter()
        .any(|m| method_matches(provider, m, &req.method));
    let missing = req
        .headers
        .iter()
        .filter(|h| {
            !rule
                .allowed_headers
                .iter()
                .any(|p| header_matches(provider, p, h))
        })
        .cloned()
        .collect();
    Fit {
        index,
        origin,
        method,
        missing,
    }
}

// ---------------------------------------------------------------------------------------
// The result

/// What a preflight answer from the matched rule carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// `Access-Control-Allow-Origin`: `*` when an S3 rule lists `*`, else the origin.
    pub allow_origin: String,
    pub allow_methods: Vec<String>,
    /// The requested headers, lower case (S3 echoes them).
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<u32>,
}

/// One change to the configuration that makes the request pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edit {
    /// The rule to change; `None` when a new rule goes first.
    pub rule: Option<usize>,
    /// An origin entry that can never match (trailing slash, path, upper case, no
    /// scheme), to be replaced by the request's origin: `(old, new)`.
    pub replace_origin: Option<(String, String)>,
    pub add_origins: Vec<String>,
    pub add_methods: Vec<String>,
    pub add_headers: Vec<String>,
    pub add_expose: Vec<String>,
    /// The new rule to insert first, for this origin only.
    pub insert_first: Option<CorsRule>,
}

impl Edit {
    /// The configuration with this edit made.
    pub fn apply(&self, provider: Provider, config: &CorsConfig) -> CorsConfig {
        let mut out = config.clone();
        if let Some(rule) = &self.insert_first {
            out.rules.insert(0, rule.clone());
            return out;
        }
        let Some(rule) = self.rule.and_then(|i| out.rules.get_mut(i)) else {
            return out;
        };
        if let Some((old, new)) = &self.replace_origin {
            for o in rule.allowed_origins.iter_mut().filter(|o| *o == old) {
                o.clone_from(new);
            }
        }
        rule.allowed_origins
            .extend(self.add_origins.iter().cloned());
        for m in &self.add_methods {
            rule.allowed_methods.push(m.clone());
        }
        // S3's console keeps methods in its own order; follow it where the rule did.
        if rule
            .allowed_methods
            .iter()
            .all(|m| S3_METHODS.contains(&m.as_str()))
        {
            let order = |m: &String| S3_METHODS.iter().position(|s| s == m);
            rule.allowed_methods.sort_by_key(order);
        }
        rule.allowed_headers
            .extend(self.add_headers.iter().cloned());
        rule.expose_headers.extend(self.add_expose.iter().cloned());
        if provider == Provider::Gcs {
            // One `responseHeader` list serves both purposes.
            let mut all = rule.expose_headers.clone();
            for h in rule.allowed_headers.iter() {
                if !all.iter().any(|a| a.eq_ignore_ascii_case(h)) {
                    all.push(h.clone());
                }
            }
            rule.allowed_headers = all.clone();
            rule.expose_headers = all;
        }
        out
    }

    /// One sentence, in the file's own field names: `In CORSRules[1], add "PUT" to
    /// AllowedMethods.`
    pub fn describe(&self, parsed: &Parsed) -> String {
        if self.insert_first.is_some() {
            return if parsed.config.rules.is_empty() {
                "Add this rule (the configuration has none).".to_string()
            } else {
                "Insert this rule first, before every other rule.".to_string()
            };
        }
        let Some(index) = self.rule else {
            return String::new();
        };
        let format = parsed.format;
        let mut parts = Vec::new();
        if let Some((old, new)) = &self.replace_origin {
            parts.push(format!(
                "replace {old:?} with {new:?} in {}",
                format.field_ref(Field::Origins)
            ));
        }
        let adds = [
            (&self.add_origins, Field::Origins),
            (&self.add_methods, Field::Methods),
            (&self.add_headers, Field::Headers),
            (&self.add_expose, Field::Expose),
        ];
        for (values, field) in adds {
            if !values.is_empty() {
                parts.push(format.add_phrase(field, values));
            }
        }
        format!("In {}, {}.", parsed.rule_label(index), parts.join("; "))
    }
}

/// The verdict on one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub provider: Provider,
    pub request: Request,
    /// True when the provider would let the browser make the request.
    pub allowed: bool,
    /// The failure (`cors/…`); `cors/etag-not-exposed` alongside `allowed` for an
    /// upload (PUT, POST) whose rule hides the ETag; `None` when all is well.
    pub code: Option<Code>,
    /// One line saying what happens and why.
    pub summary: String,
    /// The rule that matched (`matched`), or the one that came closest.
    pub rule: Option<usize>,
    pub matched: bool,
    /// What the closest rule lacks: `method PUT`, `header content-type`, `origin …`.
    pub lacks: Vec<String>,
    /// Origin entries that look meant for this page but cannot match it.
    pub notes: Vec<String>,
    /// What the preflight answer carries, when allowed.
    pub answer: Option<Answer>,
    /// The smallest change that makes the request pass (and expose ETag for uploads).
    pub edit: Option<Edit>,
    /// A complete rule for this origin alone, in S3's shape, as the browser-side errors
    /// give it.
    pub fix: Option<CorsRule>,
}

impl Check {
    /// The configuration with [`Check::edit`] made.
    pub fn fixed_config(&self, parsed: &Parsed) -> Option<CorsConfig> {
        self.edit
            .as_ref()
            .map(|e| e.apply(self.provider, &parsed.config))
    }
}

/// Whether the upload needs the response's ETag (a PUT of an object or part, a POST).
fn is_upload(method: &str) -> bool {
    method == "PUT" || method == "POST"
}

fn exposes_etag(rule: &CorsRule) -> bool {
    rule.expose_headers
        .iter()
        .any(|h| h == "*" || h.eq_ignore_ascii_case("etag"))
}

/// Evaluates `req` against `parsed` with its provider's semantics.
pub fn check(parsed: &Parsed, req: &Request) -> Check {
    let provider = parsed.provider;
    let rules = &parsed.config.rules;
    let fits: Vec<Fit> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| fit(provider, i, r, req))
        .collect();
    let mut out = Check {
        provider,
        request: req.clone(),
        allowed: false,
        code: None,
        summary: String::new(),
        rule: None,
        matched: false,
        lacks: Vec::new(),
        notes: Vec::new(),
        answer: None,
        edit: None,
        fix: Some(rule_for(provider, req)),
    };
    let origin_method: Vec<&Fit> = fits
        .iter()
        .filter(|f| f.origin.is_some() && f.method)
        .collect();
    let chosen = if headers_fall_through(provider) {
        origin_method.iter().find(|f| f.missing.is_empty()).copied()
    } else {
        origin_method
            .first()
            .copied()
            .filter(|f| f.missing.is_empty())
    };
    if let Some(f) = chosen {
        return allowed(parsed, req, f.index, out);
    }
    out.edit = best_edit(parsed, req, &fits);
    out.notes = origin_notes(parsed, req, false);
    if !valid_method(provider, &req.method) {
        out.notes.push(format!(
            "{} is not a method {} accepts in a rule, so no rule can allow it",
            req.method,
            provider.title()
        ));
        out.edit = None;
        out.fix = None;
    }
    if rules.is_empty() {
        out.code = Some(Code::CorsOriginNotAllowed);
        out.summary = format!(
            "The configuration has no rules: {} refuses every cross-origin request, {} from {} included",
            provider.title(),
            req.method,
            req.origin
        );
        out.lacks.push(format!("a rule for origin {}", req.origin));
        return out;
    }
    // With fall-through any origin-and-method rule could take the headers; GCS only ever
    // uses the first.
    let candidates: Vec<&Fit> = if headers_fall_through(provider) {
        origin_method.clone()
    } else {
        origin_method.iter().take(1).copied().collect()
    };
    if let Some(best) = pick(&candidates, |f| f.missing.len()) {
        out.code = Some(Code::CorsHeaderNotAllowed);
        out.rule = Some(best.index);
        out.lacks = best.missing.iter().map(|h| format!("header {h}")).collect();
        out.summary = format!(
            "{} allows {} from {} but not the header{} {}",
            parsed.rule_label(best.index),
            req.method,
            req.origin,
            if best.missing.len() == 1 { "" } else { "s" },
            best.missing.join(", ")
        );
        if !headers_fall_through(provider) {
            out.summary.push_str(&format!(
                " ({} uses the first rule that matches origin and method, and stops there)",
                provider.title()
            ));
        }
        return out;
    }
    let with_origin: Vec<&Fit> = fits.iter().filter(|f| f.origin.is_some()).collect();
    if let Some(best) = pick(&with_origin, |f| {
        f.missing.len() + usize::from(f.origin != Some(true))
    }) {
        out.code = Some(Code::CorsMethodNotAllowed);
        out.rule = Some(best.index);
        out.lacks.push(format!("method {}", req.method));
        out.lacks
            .extend(best.missing.iter().map(|h| format!("header {h}")));
        let places: Vec<String> = with_origin
            .iter()
            .map(|f| parsed.rule_label(f.index))
            .collect();
        out.summary = format!(
            "No rule allows {} from {}: the rule{} for this origin ({}) allow{} {}",
            req.method,
            req.origin,
            if places.len() == 1 { "" } else { "s" },
            places.join(", "),
            if places.len() == 1 { "s" } else { "" },
            allowed_methods(rules, &with_origin)
        );
        return out;
    }
    out.code = Some(Code::CorsOriginNotAllowed);
    out.summary = format!("No rule allows the origin {}", req.origin);
    out.notes = origin_notes(parsed, req, true);
    // The closest rule holds an entry meant for this origin that cannot match, or
    // lacks nothing but the origin.
    let broken = fits
        .iter()
        .find_map(|f| broken_entry(&rules[f.index], req).map(|e| (f, e)));
    let complete = fits.iter().find(|f| f.method && f.missing.is_empty());
    if let Some((f, entry)) = broken {
        out.summary = format!(
            "No rule allows the origin {}: {} lists {entry:?}, which no browser sends",
            req.origin,
            parsed.rule_label(f.index)
        );
        out.rule = Some(f.index);
        out.lacks
            .push(format!("origin {} (it has {entry:?})", req.origin));
        if !f.method {
            out.lacks.push(format!("method {}", req.method));
        }
        out.lacks
            .extend(f.missing.iter().map(|h| format!("header {h}")));
    } else if let Some(f) = complete {
        out.rule = Some(f.index);
        out.lacks.push(format!("origin {}", req.origin));
    } else {
        out.lacks.push(format!("origin {}", req.origin));
    }
    out
}

/// What a new rule for this origin alone costs, in fields touched; an edit of an
/// existing rule is preferred when it costs no more.
const NEW_RULE_COST: usize = 3;

/// The cheapest edit that makes the request pass: change one rule, counting the fields
/// it touches; mending an origin entry written for this page (a trailing slash) is free,
/// adding the origin to another site's rule costs two, opening a wildcard-origin rule to
/// a new method costs three more. Otherwise a rule for this origin goes first.
fn best_edit(parsed: &Parsed, req: &Request, fits: &[Fit]) -> Option<Edit> {
    let provider = parsed.provider;
    let rules = &parsed.config.rules;
    // Under GCS a rule after the first origin-and-method rule is never consulted.
    let last = if headers_fall_through(provider) {
        usize::MAX
    } else {
        fits.iter()
            .find(|f| f.origin.is_some() && f.method)
            .map_or(usize::MAX, |f| f.index)
    };
    let mut best: Option<(usize, Edit)> = None;
    for f in fits.iter().filter(|f| f.index <= last) {
        let method_cost = usize::from(!f.method);
        let header_cost = usize::from(!f.missing.is_empty());
        let (origin_cost, replace, add_origin) = match f.origin {
            Some(true) => (0, None, false),
            Some(false) => (3 * method_cost, None, false),
            None => match broken_entry(&rules[f.index], req) {
                Some(entry) => (0, Some(entry), false),
                None if method_cost + header_cost == 0 => (2, None, true),
                None => continue,
            },
        };
        let cost = origin_cost + method_cost + header_cost;
        if best.as_ref().is_some_and(|(c, _)| *c <= cost) {
            continue;
        }
        let mut edit = edit_rule(parsed, req, f, replace);
        if add_origin {
            edit.add_origins.push(req.origin.clone());
        }
        best = Some((cost, edit));
    }
    match best {
        Some((cost, edit)) if cost <= NEW_RULE_COST => Some(edit),
        _ => Some(Edit {
            insert_first: Some(with_etag(rule_for(parsed.provider, req), req)),
            ..Default::default()
        }),
    }
}

/// An entry of `rule`'s origins meant for the request's origin that can never match.
fn broken_entry(rule: &CorsRule, req: &Request) -> Option<String> {
    rule.allowed_origins
        .iter()
        .find(|o| never_matches_but_means(o, &req.origin))
        .cloned()
}

/// The one rule for this origin that makes the request pass ([`fix_rule`], which keeps
/// S3's methods only, with the request's method where the provider accepts more).
fn rule_for(provider: Provider, req: &Request) -> CorsRule {
    let mut rule = fix_rule(&req.origin, &[req.method.as_str()], &req.headers);
    if rule.allowed_methods.is_empty() && valid_method(provider, &req.method) {
        rule.allowed_methods.push(req.method.clone());
    }
    rule
}

fn with_etag(mut rule: CorsRule, req: &Request) -> CorsRule {
    if !is_upload(&req.method) {
        rule.expose_headers.clear();
    }
    rule
}

/// The fit with the lowest cost; ties go to the earlier rule.
fn pick<'a>(fits: &[&'a Fit], cost: impl Fn(&Fit) -> usize) -> Option<&'a Fit> {
    fits.iter().copied().min_by_key(|f| cost(f))
}

fn allowed_methods(rules: &[CorsRule], fits: &[&Fit]) -> String {
    let mut all: Vec<&str> = Vec::new();
    for f in fits {
        for m in &rules[f.index].allowed_methods {
            if !all.contains(&m.as_str()) {
                all.push(m);
            }
        }
    }
    if all.is_empty() {
        "no method".to_string()
    } else {
        all.join(", ")
    }
}

fn valid_method(provider: Provider, method: &str) -> bool {
    match provider {
        Provider::S3 | Provider::R2 => S3_METHODS.contains(&method),
        Provider::Azure => [
            "DELETE", "GET", "HEAD", "MERGE", "POST", "OPTIONS", "PUT", "PATCH",
        ]
        .contains(&method),
        Provider::Gcs => true,
    }
}

/// Adds to rule `f` what it lacks for the request (and ETag for an upload).
fn edit_rule(parsed: &Parsed, req: &Request, f: &Fit, replace: Option<String>) -> Edit {
    let rule = &parsed.config.rules[f.index];
    Edit {
        rule: Some(f.index),
        replace_origin: replace.map(|old| (old, req.origin.clone())),
        add_methods: if f.method {
            Vec::new()
        } else {
            vec![req.method.clone()]
        },
        add_headers: f.missing.clone(),
        add_expose: if is_upload(&req.method) && !exposes_etag(rule) {
            vec!["ETag".to_string()]
        } else {
            Vec::new()
        },
        ..Default::default()
    }
}

fn allowed(parsed: &Parsed, req: &Request, index: usize, mut out: Check) -> Check {
    let Some(rule) = parsed.config.rules.get(index) else {
        return out;
    };
    out.allowed = true;
    out.rule = Some(index);
    out.matched = true;
    out.fix = None;
    let wildcard = parsed.provider == Provider::S3 && rule.allowed_origins.iter().any(|o| o == "*");
    out.answer = Some(Answer {
        allow_origin: if wildcard {
            "*".to_string()
        } else {
            req.origin.clone()
        },
        allow_methods: rule.allowed_methods.clone(),
        allow_headers: req.headers.clone(),
        expose_headers: rule.expose_headers.clone(),
        max_age: rule.max_age_seconds,
    });
    out.summary = format!(
        "{} {} from {} is allowed by {}",
        req.method,
        if req.headers.is_empty() {
            "with no extra headers".to_string()
        } else {
            format!("with {}", req.headers.join(", "))
        },
        req.origin,
        parsed.rule_label(index)
    );
    if is_upload(&req.method) && !exposes_etag(rule) {
        out.code = Some(Code::CorsEtagNotExposed);
        out.fix = Some(rule_for(parsed.provider, req));
        out.summary.push_str(", but the rule does not expose ETag: the upload succeeds and its ETag reads as null (multipart completion needs it)");
        out.lacks.push("exposed header ETag".to_string());
        out.edit = Some(Edit {
            rule: Some(index),
            add_expose: vec!["ETag".to_string()],
            ..Default::default()
        });
    }
    out
}

/// True for an origin entry that can never match any browser's origin but was clearly
/// written for `origin`: a trailing slash or path, upper case, or no scheme.
fn never_matches_but_means(entry: &str, origin: &str) -> bool {
    if entry == origin || entry.contains('*') {
        return false;
    }
    let trimmed = entry.trim_end_matches('/');
    let base = match entry.find("://") {
        Some(i) => match entry[i + 3..].find('/') {
            Some(j) => &entry[..i + 3 + j],
            None => trimmed,
        },
        None => trimmed,
    };
    base == origin
        || (entry.to_ascii_lowercase() == origin && entry != origin)
        || (!entry.contains("://") && origin.split_once("://").map(|(_, h)| h) == Some(trimmed))
}

/// Notes on origin entries that look meant for this origin but cannot match it; with
/// `near`, also on entries for the same host with another scheme or port.
fn origin_notes(parsed: &Parsed, req: &Request, near: bool) -> Vec<String> {
    let mut notes = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let Some((scheme, hostport)) = req.origin.split_once("://") else {
        return notes;
    };
    let host = host_of(hostport);
    for (i, rule) in parsed.config.rules.iter().enumerate() {
        for entry in &rule.allowed_origins {
            if entry == &req.origin || entry.contains('*') || seen.contains(&entry.as_str()) {
                continue;
            }
            let why = if never_matches_but_means(entry, &req.origin) {
                if entry.trim_end_matches('/') != entry && entry.trim_end_matches('/') == req.origin
                {
                    "ends with a slash; the Origin header never does"
                } else if !entry.contains("://") {
                    "has no scheme; the Origin header always has one"
                } else if entry.to_ascii_lowercase() == req.origin {
                    "differs in letter case; origins compare case-sensitively and browsers send lower case"
                } else {
                    "has a path; the Origin header never does"
                }
            } else if !near {
                continue;
            } else if let Some((s, hp)) = entry.split_once("://") {
                if hp == hostport && s != scheme {
                    "has another scheme: a page's origin includes http or https exactly"
                } else if s == scheme && host_of(hp) == host && hp != hostport {
                    "has another port: a page's origin includes its port (none for 80/443)"
                } else {
                    continue;
                }
            } else {
                continue;
            };
            seen.push(entry);
            notes.push(format!(
                "{} lists {entry:?}, which {why}",
                parsed.rule_label(i)
            ));
        }
    }
    notes
}

fn host_of(hostport: &str) -> &str {
    let hostport = hostport.split('/').next().unwrap_or(hostport);
    if hostport.starts_with('[') {
        return hostport.split(']').next().unwrap_or(hostport);
    }
    hostport.split(':').next().unwrap_or(hostport)
}

/// The exact diagnosis when the page knows its bucket's configuration (the `cors`
/// option): parse it with [`super::parse::parse_config`], then call this with what the
/// browser was about to send. Never fails; `headers` may be in any case.
pub fn diagnose_with_config(
    config: &Parsed,
    origin: &str,
    method: &str,
    headers: &[String],
) -> Check {
    check(config, &Request::from_browser(origin, method, headers))
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_config;
    use super::super::{evaluate, CorsRequest, Verdict};
    use super::*;

    fn rule(origins: &[&str], methods: &[&str], headers: &[&str]) -> CorsRule {
        CorsRule {
            allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
            allowed_methods: methods.iter().map(|s| s.to_string()).collect(),
            allowed_headers: headers.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn cfg(provider: Provider, rules: Vec<CorsRule>) -> Parsed {
        Parsed::from_config(provider, CorsConfig { rules })
    }

    fn req(origin: &str, method: &str, headers: &[&str]) -> Request {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        Request::new(origin, method, &headers).unwrap()
    }

    const PAGE: &str = "http://localhost:5173";

    /// Applying the edit must make the request pass, with ETag for uploads.
    fn assert_edit_works(p: &Parsed, r: &Request) {
        let c = check(p, r);
        if c.allowed && c.code.is_none() {
            return;
        }
        let Some(edit) = &c.edit else {
            return;
        };
        let fixed = Parsed {
            config: edit.apply(p.provider, &p.config),
            ..p.clone()
        };
        let after = check(&fixed, r);
        assert!(after.allowed, "{:?} after {edit:?}", after);
        assert_eq!(after.code, None, "{after:?}");
    }

    #[test]
    fn s3_table() {
        let p = cfg(
            Provider::S3,
            vec![
                rule(&["http://localhost:3000"], &["PUT"], &["*"]),
                rule(&[PAGE], &["GET"], &["*"]),
                rule(&[PAGE], &["PUT"], &[]),
                rule(
                    &["https://*.example.com"],
                    &["PUT", "POST"],
                    &["Content-Type", "x-amz-meta-*"],
                ),
            ],
        );
        let table: &[(Request, Option<Code>, bool, Option<usize>)] = &[
            (
                req("http://localhost:9999", "PUT", &[]),
                Some(Code::CorsOriginNotAllowed),
                false,
                Some(0),
            ),
            (
                req(PAGE, "PUT", &[]),
                Some(Code::CorsEtagNotExposed),
                true,
                Some(2),
            ),
            (
                req(PAGE, "PUT", &["content-type"]),
                Some(Code::CorsHeaderNotAllowed),
                false,
                Some(2),
            ),
            (
                req(PAGE, "DELETE", &[]),
                Some(Code::CorsMethodNotAllowed),
                false,
                Some(1),
            ),
            (req(PAGE, "GET", &["x-anything"]), None, true, Some(1)),
            (
                req(
                    "https://app.example.com",
                    "POST",
                    &["content-type", "x-amz-meta-owner"],
                ),
                Some(Code::CorsEtagNotExposed),
                true,
                Some(3),
            ),
            (
                req("https://example.com", "PUT", &[]),
                Some(Code::CorsOriginNotAllowed),
                false,
                Some(0),
            ),
            (
                req("https://app.example.com", "PUT", &["x-amz-date"]),
                Some(Code::CorsHeaderNotAllowed),
                false,
                Some(3),
            ),
            (
                req("HTTP://LOCALHOST:5173", "PUT", &[]),
                Some(Code::CorsOriginNotAllowed),
                false,
                Some(0),
            ),
            (
                req("https://evil.test", "DELETE", &[]),
                Some(Code::CorsOriginNotAllowed),
                false,
                None,
            ),
        ];
        for (r, code, ok, rule) in table {
            let c = check(&p, r);
            assert_eq!(
                (c.code, c.allowed, c.rule),
                (*code, *ok, *rule),
                "{r:?}: {c:#?}"
            );
            assert_edit_works(&p, r);
        }
    }

    #[test]
    fn agrees_with_the_existing_s3_evaluation() {
        // Every combination of a few rules and requests: allowed/refused and the kind
        // of failure are the same as `cors::evaluate`, which the page-side diagnosis uses.
        let origins = [
            "*",
            PAGE,
            "http://localhost:*",
            "https://app.example.com",
            "http://localhost:5173/",
        ];
        let methods = [&["PUT"][..], &["GET", "PUT"], &["GET"]];
        let headers = [&[][..], &["*"], &["content-type"], &["x-amz-*"]];
        let mut rules = Vec::new();
        for o in origins {
            for m in methods {
                for h in headers {
                    rules.push(rule(&[o], m, h));
                }
            }
        }
        let requests = [
            req(PAGE, "PUT", &[]),
            req(PAGE, "PUT", &["content-type"]),
            req(PAGE, "PUT", &["content-type", "x-amz-meta-a"]),
            req("https://app.example.com", "GET", &["x-amz-date"]),
            req("http://localhost:3000", "DELETE", &[]),
            req("https://evil.test", "PUT", &[]),
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut picked = Vec::new();
            for _ in 0..(seed % 4) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                picked.push(rules[(seed >> 33) as usize % rules.len()].clone());
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let p = cfg(Provider::S3, picked.clone());
            for r in &requests {
                let c = check(&p, r);
                let old = evaluate(
                    Some(&CorsConfig {
                        rules: picked.clone(),
                    }),
                    &CorsRequest {
                        origin: &r.origin,
                        method: &r.method,
                        headers: &r.headers,
                    },
                );
                let old_code = match old {
                    Verdict::Allowed { index } => {
                        assert_eq!(c.rule, Some(index));
                        None
                    }
                    Verdict::NoConfig | Verdict::OriginNotAllowed => {
                        Some(Code::CorsOriginNotAllowed)
                    }
                    Verdict::MethodNotAllowed { .. } => Some(Code::CorsMethodNotAllowed),
                    Verdict::HeaderNotAllowed { .. } => Some(Code::CorsHeaderNotAllowed),
                };
                assert_eq!(c.allowed, old_code.is_none(), "{picked:?} {r:?}");
                if !c.allowed {
                    assert_eq!(c.code, old_code, "{picked:?} {r:?}");
                }
                assert_edit_works(&p, r);
            }
        }
    }

    #[test]
    fn gcs_does_not_fall_through_on_headers() {
        let p = parse_config(
            r#"[{"origin":["http://localhost:5173"],"method":["PUT"],"responseHeader":["ETag"]},
                {"origin":["*"],"method":["PUT","*"],"responseHeader":["content-type","ETag"]}]"#,
            None,
        )
        .unwrap();
        let c = check(&p, &req(PAGE, "PUT", &["content-type"]));
        assert_eq!(c.code, Some(Code::CorsHeaderNotAllowed));
        assert_eq!(c.rule, Some(0));
        assert!(c.summary.contains("stops there"), "{}", c.summary);
        // Under S3's semantics the second rule would have matched.
        let s3 = Parsed {
            provider: Provider::S3,
            ..p.clone()
        };
        assert!(check(&s3, &req(PAGE, "PUT", &["content-type"])).allowed);
        // `*` method and origin.
        let c = check(&p, &req("https://x.test", "PATCH", &["content-type"]));
        assert!(c.allowed);
        assert_eq!(c.answer.unwrap().expose_headers, ["content-type", "ETag"]);
        assert_edit_works(&p, &req(PAGE, "PUT", &["content-type", "x-goog-meta-a"]));
    }

    #[test]
    fn r2_origins_are_exact() {
        let rules = vec![rule(
            &["https://*.example.com", "http://localhost:5173"],
            &["PUT"],
            &["content-type"],
        )];
        let r2 = cfg(Provider::R2, rules.clone());
        let s3 = cfg(Provider::S3, rules);
        let r = req("https://app.example.com", "PUT", &[]);
        assert!(check(&s3, &r).allowed);
        assert_eq!(check(&r2, &r).code, Some(Code::CorsOriginNotAllowed));
        assert!(check(&r2, &req(PAGE, "PUT", &["content-type"])).allowed);
        let star = cfg(Provider::R2, vec![rule(&["*"], &["PUT"], &["x-amz-*"])]);
        assert_eq!(
            check(&star, &req(PAGE, "PUT", &["x-amz-meta-a"])).code,
            Some(Code::CorsHeaderNotAllowed)
        );
    }

    #[test]
    fn azure_prefix_headers() {
        let p = parse_config(
            "<Cors><CorsRule><AllowedOrigins>http://localhost:5173</AllowedOrigins><AllowedMethods>PUT</AllowedMethods><AllowedHeaders>x-ms-meta*,x-ms-blob-type,content-type</AllowedHeaders><ExposedHeaders>etag</ExposedHeaders><MaxAgeInSeconds>600</MaxAgeInSeconds></CorsRule></Cors>",
            None,
        )
        .unwrap();
        let ok = check(
            &p,
            &req(
                PAGE,
                "PUT",
                &["x-ms-meta-owner", "x-ms-blob-type", "content-type"],
            ),
        );
        assert!(ok.allowed && ok.code.is_none(), "{ok:#?}");
        let no = check(&p, &req(PAGE, "PUT", &["x-ms-version"]));
        assert_eq!(no.code, Some(Code::CorsHeaderNotAllowed));
        assert_eq!(no.lacks, ["header x-ms-version"]);
        assert!(
            check(&p, &req("http://localhost:5174", "PUT", &[])).code
                == Some(Code::CorsOriginNotAllowed)
        );
        // Under S3 a trailing `*` is also a prefix, but R2 has no prefixes.
        let r2 = Parsed {
            provider: Provider::R2,
            ..p.clone()
        };
        assert!(!check(&r2, &req(PAGE, "PUT", &["x-ms-meta-owner"])).allowed);
    }

    #[test]
    fn minimal_edits() {
        let p = parse_config(
            r#"{"CORSRules":[
                {"ID":"site","AllowedOrigins":["https://example.com"],"AllowedMethods":["GET"]},
                {"ID":"dev","AllowedOrigins":["http://localhost:5173/"],"AllowedMethods":["GET"],"AllowedHeaders":["*"]},
                {"ID":"wide","AllowedOrigins":["*"],"AllowedMethods":["GET"]}
            ]}"#,
            None,
        )
        .unwrap();
        // A `*` rule catches the origin, so the failure is the method; the cheapest edit
        // mends the entry written for this page rather than opening `*` to PUT.
        let c = check(&p, &req(PAGE, "PUT", &["content-type"]));
        assert_eq!(c.code, Some(Code::CorsMethodNotAllowed));
        assert_eq!(c.rule, Some(2));
        assert_eq!(c.lacks, ["method PUT", "header content-type"]);
        let e = c.edit.clone().unwrap();
        assert_eq!(e.describe(&p), "In CORSRules[1] (ID \"dev\"), replace \"http://localhost:5173/\" with \"http://localhost:5173\" in AllowedOrigins; add \"PUT\" to AllowedMethods; add \"ETag\" to ExposeHeaders.");
        assert!(
            c.notes.iter().any(|n| n.contains("ends with a slash")),
            "{:?}",
            c.notes
        );
        assert_edit_works(&p, &req(PAGE, "PUT", &["content-type"]));

        // Without the wildcard rule the trailing-slash entry is replaced.
        let p = Parsed {
            config: CorsConfig {
                rules: p.config.rules[..2].to_vec(),
            },
            ..p
        };
        let c = check(&p, &req(PAGE, "PUT", &["content-type"]));
        assert_eq!(c.code, Some(Code::CorsOriginNotAllowed));
        let e = c.edit.clone().unwrap();
        assert_eq!(e.describe(&p), "In CORSRules[1] (ID \"dev\"), replace \"http://localhost:5173/\" with \"http://localhost:5173\" in AllowedOrigins; add \"PUT\" to AllowedMethods; add \"ETag\" to ExposeHeaders.");
        assert_edit_works(&p, &req(PAGE, "PUT", &["content-type"]));

        // A stranger origin gets a rule of its own, first.
        let c = check(&p, &req("https://other.test", "PUT", &[]));
        let e = c.edit.clone().unwrap();
        assert!(e.insert_first.is_some());
        assert_eq!(
            e.describe(&p),
            "Insert this rule first, before every other rule."
        );
        assert_edit_works(&p, &req("https://other.test", "PUT", &[]));

        // A rule that lacks only the origin gets the origin.
        let p = cfg(
            Provider::S3,
            vec![rule(&["https://a.test"], &["PUT"], &["*"])],
        );
        let c = check(&p, &req("https://b.test", "PUT", &["content-type"]));
        assert_eq!(c.edit.as_ref().unwrap().add_origins, ["https://b.test"]);
        assert_edit_works(&p, &req("https://b.test", "PUT", &["content-type"]));

        // Empty configuration.
        let p = cfg(Provider::S3, vec![]);
        let c = check(&p, &req(PAGE, "GET", &[]));
        assert_eq!(c.code, Some(Code::CorsOriginNotAllowed));
        assert!(c
            .edit
            .unwrap()
            .insert_first
            .unwrap()
            .expose_headers
            .is_empty());
    }

    #[test]
    fn a_mended_entry_beats_another_sites_rule() {
        // The production rule lacks only the origin, but the fix belongs in the rule
        // written for this page, whose entry has a trailing slash.
        let p = cfg(
            Provider::S3,
            vec![
                rule(&["http://localhost:5173/"], &["GET"], &["*"]),
                rule(
                    &["https://app.example.com"],
                    &["GET", "PUT"],
                    &["content-type"],
                ),
            ],
        );
        let r = req(PAGE, "PUT", &["content-type"]);
        let e = check(&p, &r).edit.unwrap();
        assert_eq!(e.rule, Some(0));
        assert!(e.replace_origin.is_some());
        assert_edit_works(&p, &r);
    }

    #[test]
    fn new_rules_keep_methods_the_provider_accepts() {
        // Found by fuzzing: GCS and Azure accept PATCH, S3's fix rule does not.
        for provider in [Provider::Gcs, Provider::Azure] {
            let p = cfg(provider, vec![rule(&["http://a.test"], &["GET"], &[])]);
            let r = req("https://b.test", "PATCH", &["content-type"]);
            let c = check(&p, &r);
            assert_eq!(c.fix.as_ref().unwrap().allowed_methods, ["PATCH"]);
            assert_edit_works(&p, &r);
        }
        let p = cfg(Provider::S3, vec![rule(&["http://a.test"], &["GET"], &[])]);
        let c = check(&p, &req("https://b.test", "PATCH", &[]));
        assert!(c.edit.is_none() && c.fix.is_none(), "{c:?}");
    }

    #[test]
    fn answers_like_s3() {
        let mut r = rule(&["*"], &["GET", "PUT"], &["*"]);
        r.expose_headers = vec!["ETag".into()];
        r.max_age_seconds = Some(1000);
        let p = cfg(Provider::S3, vec![r]);
        let a = check(&p, &req(PAGE, "PUT", &["Content-Type"]))
            .answer
            .unwrap();
        assert_eq!(a.allow_origin, "*");
        assert_eq!(a.allow_methods, ["GET", "PUT"]);
        assert_eq!(a.allow_headers, ["content-type"]);
        assert_eq!(a.max_age, Some(1000));
    }

    #[test]
    fn request_normalisation() {
        let r = req(
            PAGE,
            "put",
            &["Content-Type, X-Amz-Meta-A", "content-type", "accept: x"],
        );
        assert_eq!(r.method, "PUT");
        assert_eq!(r.headers, ["content-type", "x-amz-meta-a"]);
        let r = Request::from_browser(
            PAGE,
            "patch",
            &["content-type: text/plain;charset=utf-8".into()],
        );
        assert_eq!(r.method, "patch");
        assert!(r.headers.is_empty());
        for bad in [
            "localhost:5173",
            "http://localhost:5173/",
            "http://a/b",
            "*",
            "http://",
        ] {
            assert!(Request::new(bad, "PUT", &[]).is_err(), "{bad}");
        }
        assert!(Request::new(PAGE, "P UT", &[]).is_err());
        assert!(Request::new("null", "PUT", &[]).is_ok());
    }

    #[test]
    fn star_matching() {
        assert!(star_match("*", "", false));
        assert!(star_match("a*b", "ab", false));
        assert!(!star_match("a*b*", "abc", false));
        assert!(star_match("X-AMZ-*", "x-amz-date", true));
        assert!(!star_match("aa*aa", "aaa", false));
        assert!(!star_match("é*", "e", false));
    }

    #[test]
    fn diagnose_with_config_never_fails() {
        let p = cfg(
            Provider::S3,
            vec![rule(&[PAGE], &["PUT"], &["content-type"])],
        );
        let c = diagnose_with_config(&p, PAGE, "put", &["Content-Type".into()]);
        assert!(c.allowed);
        let c = diagnose_with_config(&p, "garbage", "", &[]);
        assert!(!c.allowed);
    }
}
