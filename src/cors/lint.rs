//! Mistakes in a CORS configuration, found before it is deployed.
//!
//! Each finding has a stable name (`origin-trailing-slash`), a severity, the place in
//! the developer's file and one sentence on what to write instead. Errors are entries
//! that can never match or that the provider refuses; warnings are configurations that
//! work but break uploads or leak more than meant; notes are worth knowing.

use serde::Serialize;

use super::check::{header_matches, method_matches, origin_matches};
use super::parse::{Field, Parsed, Provider};
use super::{CorsRule, S3_METHODS};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable name of the check, e.g. `origin-trailing-slash`.
    pub check: &'static str,
    pub severity: Severity,
    /// The rule (index) the finding is about, if one.
    pub rule: Option<usize>,
    /// Where: `CORSRules[1].AllowedOrigins[0]`.
    pub place: String,
    pub message: String,
    /// What to write instead, when there is one answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The app sends credentials (cookies, `credentials: 'include'`) to the bucket.
    pub credentials: bool,
}

/// Chrome keeps a preflight answer at most this long (Firefox: 86400 s).
pub const BROWSER_MAX_AGE: u32 = 7200;

/// Methods each provider accepts in a rule.
fn valid_methods(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::S3 | Provider::R2 => &S3_METHODS,
        Provider::Azure => &[
            "DELETE", "GET", "HEAD", "MERGE", "POST", "OPTIONS", "PUT", "PATCH",
        ],
        Provider::Gcs => &[],
    }
}

/// Rule count and size limits: (rules, bytes, what the bytes count).
fn limits(provider: Provider) -> Option<(usize, usize, &'static str)> {
    match provider {
        Provider::S3 => Some((100, 64 * 1024, "the configuration")),
        Provider::Azure => Some((5, 2 * 1024, "the rules' values")),
        _ => None,
    }
}

fn is_loopback(origin: &str) -> bool {
    let host = origin
        .split_once("://")
        .map(|(_, h)| h)
        .unwrap_or(origin)
        .trim_end_matches('/');
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
}

struct Linter<'a> {
    parsed: &'a Parsed,
    out: Vec<Finding>,
}

impl Linter<'_> {
    fn push(
        &mut self,
        check: &'static str,
        severity: Severity,
        rule: Option<usize>,
        place: String,
        message: String,
        fix: Option<String>,
    ) {
        self.out.push(Finding {
            check,
            severity,
            rule,
            place,
            message,
            fix,
        });
    }

    fn value(&self, i: usize, field: Field, k: usize, v: &str) -> String {
        self.parsed.value_place(i, field, k, v)
    }

    fn field(&self, field: Field) -> &'static str {
        self.parsed.format.field(field)
    }
}

/// Every finding for `parsed`, errors first, then in file order.
pub fn lint(parsed: &Parsed, options: &LintOptions) -> Vec<Finding> {
    let provider = parsed.provider;
    let rules = &parsed.config.rules;
    let mut l = Linter {
        parsed,
        out: Vec::new(),
    };
    if rules.is_empty() {
        l.push(
            "no-rules",
            Severity::Warning,
            None,
            String::new(),
            format!(
                "The configuration has no rules: {} refuses every cross-origin request",
                provider.title()
            ),
            None,
        );
    }
    if let Some((max_rules, max_bytes, what)) = limits(provider) {
        if rules.len() > max_rules {
            l.push(
                "too-many-rules",
                Severity::Error,
                None,
                String::new(),
                format!(
                    "{} rules: {} accepts at most {max_rules}",
                    rules.len(),
                    provider.title()
                ),
                Some("merge rules that share methods and headers".into()),
            );
        }
        let bytes = if provider == Provider::Azure {
            rules
                .iter()
                .map(|r| {
                    [
                        &r.allowed_origins,
                        &r.allowed_methods,
                        &r.allowed_headers,
                        &r.expose_headers,
                    ]
                    .iter()
                    .map(|v| v.iter().map(|s| s.len() + 1).sum::<usize>())
                    .sum::<usize>()
                })
                .sum()
        } else {
            parsed.bytes
        };
        if bytes > max_bytes {
            l.push(
                "config-too-large",
                Severity::Error,
                None,
                String::new(),
                format!(
                    "{what} is {bytes} bytes: {} accepts at most {max_bytes}",
                    provider.title()
                ),
                None,
            );
        }
    }
    let has_public = rules
        .iter()
        .flat_map(|r| &r.allowed_origins)
        .any(|o| o != "*" && o.contains("://") && !is_loopback(o));
    for (i, rule) in rules.iter().enumerate() {
        lint_rule(&mut l, i, rule, options, has_public);
    }
    shadowed(&mut l);
    let mut out = l.out;
    out.sort_by_key(|f| f.severity);
    out
}

fn lint_rule(l: &mut Linter, i: usize, rule: &CorsRule, options: &LintOptions, has_public: bool) {
    let provider = l.parsed.provider;
    let label = l.parsed.rule_label(i);
    if rule.allowed_origins.is_empty() || rule.allowed_methods.is_empty() {
        let missing = if rule.allowed_origins.is_empty() {
            l.field(Field::Origins)
        } else {
            l.field(Field::Methods)
        };
        l.push(
            "rule-incomplete",
            Severity::Error,
            Some(i),
            label.clone(),
            format!("The rule has no {missing}: it matches nothing (and S3 refuses it)"),
            None,
        );
    }
    for (k, o) in rule.allowed_origins.iter().enumerate() {
        lint_origin(l, i, k, o, rule, options, has_public);
    }
    let valid = valid_methods(provider);
    for (k, m) in rule.allowed_methods.iter().enumerate() {
        if valid.is_empty() || valid.contains(&m.as_str()) {
            continue;
        }
        let upper = m.to_ascii_uppercase();
        let (message, fix) = if m == "*" {
            (
                format!(
                    "\"*\" is not a method on {}: list the methods (GET, PUT, POST, DELETE, HEAD)",
                    provider.title()
                ),
                Some(format!("{:?}", valid)),
            )
        } else if valid.contains(&upper.as_str()) {
            (
                format!("{m:?}: methods are upper case"),
                Some(format!("{upper:?}")),
            )
        } else {
            (
                format!(
                    "{m:?} is not a method {} accepts (it accepts {})",
                    provider.title(),
                    valid.join(", ")
                ),
                None,
            )
        };
        let place = l.value(i, Field::Methods, k, m);
        l.push(
            "method-invalid",
            Severity::Error,
            Some(i),
            place,
            message,
            fix,
        );
    }
    if provider == Provider::Gcs {
        for (k, m) in rule.allowed_methods.iter().enumerate() {
            if m != "*" && m.to_ascii_uppercase() != *m {
                let place = l.value(i, Field::Methods, k, m);
                l.push(
                    "method-invalid",
                    Severity::Error,
                    Some(i),
                    place,
                    format!("{m:?}: methods are upper case and compared exactly"),
                    Some(format!("{:?}", m.to_ascii_uppercase())),
                );
            }
        }
    }
    lint_headers(l, i, rule);
    let uploads = rule
        .allowed_methods
        .iter()
        .any(|m| method_matches(provider, m, "PUT") || method_matches(provider, m, "POST"));
    if uploads {
        let etag = rule
            .expose_headers
            .iter()
            .any(|h| h == "*" || h.eq_ignore_ascii_case("etag"));
        if !etag {
            l.push(
                "etag-not-exposed",
                Severity::Warning,
                Some(i),
                label.clone(),
                format!(
                    "The rule allows uploads (PUT/POST) but its {} lacks ETag: an upload's ETag reads as null in the page, and a multipart upload cannot complete",
                    l.parsed.format.field_ref(Field::Expose)
                ),
                Some(l.parsed.format.add_phrase(Field::Expose, &["ETag".into()])),
            );
        }
        if !rule
            .allowed_headers
            .iter()
            .any(|h| header_matches(provider, h, "content-type"))
        {
            l.push(
                "content-type-not-allowed",
                Severity::Warning,
                Some(i),
                label.clone(),
                "The rule allows uploads but not the content-type header: uploading a File or typed Blob sends it, and the preflight fails".to_string(),
                Some(
                    l.parsed
                        .format
                        .add_phrase(Field::Headers, &["content-type".into()]),
                ),
            );
        }
    }
    match rule.max_age_seconds {
        Some(0) => l.push(
            "max-age-zero",
            Severity::Warning,
            Some(i),
            label,
            format!(
                "{} is 0: the browser sends a preflight before every request (every part of a multipart upload)",
                l.field(Field::MaxAge)
            ),
            Some(format!("set {} to 3000", l.field(Field::MaxAge))),
        ),
        Some(age) if age > BROWSER_MAX_AGE => l.push(
            "max-age-too-long",
            Severity::Note,
            Some(i),
            label,
            format!(
                "{} is {age} s: Chrome keeps a preflight at most {BROWSER_MAX_AGE} s (Firefox 86400 s), so a rule change shows up late in Firefox and the extra length buys nothing in Chrome",
                l.field(Field::MaxAge)
            ),
            Some(format!("set {} to {BROWSER_MAX_AGE}", l.field(Field::MaxAge))),
        ),
        Some(_) => {}
        None => l.push(
            "max-age-missing",
            Severity::Note,
            Some(i),
            label,
            format!(
                "No {}: browsers keep the preflight answer for 5 s, so most requests are preceded by one",
                l.field(Field::MaxAge)
            ),
            Some(format!("set {} to 3000", l.field(Field::MaxAge))),
        ),
    }
}

fn lint_origin(
    l: &mut Linter,
    i: usize,
    k: usize,
    o: &str,
    rule: &CorsRule,
    options: &LintOptions,
    has_public: bool,
) {
    let provider = l.parsed.provider;
    let place = l.value(i, Field::Origins, k, o);
    let push = |l: &mut Linter, check, severity, message: String, fix: Option<String>| {
        l.push(check, severity, Some(i), place.clone(), message, fix)
    };
    if o == "*" {
        let writes = rule
            .allowed_methods
            .iter()
            .any(|m| m != "GET" && m != "HEAD");
        if options.credentials {
            push(
                l,
                "origin-wildcard-credentials",
                Severity::Error,
                "\"*\" with credentials: the answer says Access-Control-Allow-Origin: *, which browsers refuse for a request with credentials".into(),
                Some("list the site's origins instead of \"*\"".into()),
            );
        } else if writes {
            push(
                l,
                "origin-wildcard",
                Severity::Note,
                "\"*\" lets every website's pages send these methods to the bucket from a visitor's browser (the presigned URL is still needed); and a request with credentials is refused with \"*\"".into(),
                None,
            );
        }
        return;
    }
    let stars = o.matches('*').count();
    if stars > 0 {
        if provider == Provider::S3 && stars > 1 {
            push(
                l,
                "origin-wildcard-count",
                Severity::Error,
                format!("{o:?} has {stars} wildcards: S3 accepts at most one `*` per origin (it refuses the configuration)"),
                None,
            );
        } else if provider != Provider::S3 {
            push(
                l,
                "origin-wildcard-unsupported",
                Severity::Error,
                format!(
                    "{o:?}: {} takes an origin as exactly scheme://host[:port], or \"*\" alone; a partial wildcard never matches",
                    provider.title()
                ),
                Some("list each origin".into()),
            );
        }
    }
    let Some((scheme, rest)) = o.split_once("://") else {
        let fix = if is_loopback(o) {
            format!("\"http://{}\"", o.trim_end_matches('/'))
        } else {
            format!("\"https://{}\"", o.trim_end_matches('/'))
        };
        push(
            l,
            "origin-scheme-missing",
            Severity::Error,
            format!("{o:?} has no scheme: the Origin header is always scheme://host[:port], so this never matches"),
            Some(fix),
        );
        return;
    };
    let (hostport, path) = match rest.find('/') {
        Some(j) => (&rest[..j], &rest[j..]),
        None => (rest, ""),
    };
    let bare = format!("{scheme}://{hostport}");
    if path == "/" {
        push(
            l,
            "origin-trailing-slash",
            Severity::Error,
            format!("{o:?} ends with a slash: the Origin header never does, so this never matches"),
            Some(format!("{bare:?}")),
        );
    } else if !path.is_empty() {
        push(
            l,
            "origin-path",
            Severity::Error,
            format!(
                "{o:?} has a path: an origin is scheme://host[:port] only, so this never matches"
            ),
            Some(format!("{bare:?}")),
        );
    }
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        push(
            l,
            "origin-scheme-unusual",
            Severity::Warning,
            format!("{o:?}: the scheme {scheme:?} is not http or https; web pages have http or https origins"),
            None,
        );
    } else if scheme == "http" && !is_loopback(o) && !hostport.contains('*') {
        let https = format!("https://{hostport}");
        let listed = l
            .parsed
            .config
            .rules
            .iter()
            .flat_map(|r| &r.allowed_origins)
            .any(|x| x.starts_with(&https));
        if !listed {
            push(
                l,
                "origin-http",
                Severity::Warning,
                format!("{o:?} is http: a site served over https has the origin {https:?}, which this entry does not match"),
                Some(format!("{https:?}")),
            );
        }
    }
    if bare != bare.to_ascii_lowercase() {
        push(
            l,
            "origin-uppercase",
            Severity::Error,
            format!("{o:?} has upper-case letters: browsers send the origin in lower case and it is compared case-sensitively, so this never matches"),
            Some(format!("{:?}", bare.to_ascii_lowercase())),
        );
    }
    if has_public && is_loopback(o) {
        push(
            l,
            "localhost-in-production",
            Severity::Warning,
            format!("{o:?} is a development origin in a configuration that also serves public sites: any page a visitor opens on that port of their own machine gets the same access"),
            Some("keep development origins in a separate (development) bucket's configuration".into()),
        );
    }
}

fn lint_headers(l: &mut Linter, i: usize, rule: &CorsRule) {
    let provider = l.parsed.provider;
    let mut prefixed = 0;
    for (k, h) in rule.allowed_headers.iter().enumerate() {
        let stars = h.matches('*').count();
        if stars == 0 || h == "*" {
            continue;
        }
        let place = l.value(i, Field::Headers, k, h);
        match provider {
            Provider::S3 if stars > 1 => l.push(
                "header-wildcard-count",
                Severity::Error,
                Some(i),
                place,
                format!("{h:?} has {stars} wildcards: S3 accepts at most one `*` per header"),
                None,
            ),
            Provider::S3 => {}
            Provider::Azure if stars == 1 && h.ends_with('*') => prefixed += 1,
            Provider::Azure => l.push(
                "header-wildcard-unsupported",
                Severity::Error,
                Some(i),
                place,
                format!("{h:?}: Azure takes a header prefix ending in `*` (x-ms-meta*), a full name, or \"*\""),
                None,
            ),
            Provider::Gcs | Provider::R2 => l.push(
                "header-wildcard-unsupported",
                Severity::Error,
                Some(i),
                place,
                format!(
                    "{h:?}: {} matches header names exactly (or \"*\" alone), so this matches no header",
                    provider.title()
                ),
                Some("list the headers by name".into()),
            ),
        }
    }
    if prefixed > 2 {
        let label = l.parsed.rule_label(i);
        l.push(
            "header-wildcard-count",
            Severity::Error,
            Some(i),
            label,
            format!("{prefixed} prefixed headers: Azure accepts at most 2 per rule"),
            None,
        );
    }
}

/// Whether every value `inner` matches is matched by `outer` (both patterns of the same
/// kind under `provider`).
fn covers(provider: Provider, field: Field, outer: &str, inner: &str) -> bool {
    let ignore_case = field == Field::Headers;
    let eq = |a: &str, b: &str| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    if outer == "*" && (field != Field::Methods || provider == Provider::Gcs) {
        return true;
    }
    let starred = |p: &str| match (provider, field) {
        (Provider::S3, Field::Origins | Field::Headers) => p.contains('*'),
        (Provider::Azure, Field::Headers) => p.ends_with('*') && p.matches('*').count() == 1,
        _ => false,
    };
    if !starred(inner) {
        return match field {
            Field::Origins => origin_matches(provider, outer, inner),
            Field::Methods => method_matches(provider, outer, inner),
            _ => header_matches(provider, outer, &inner.to_ascii_lowercase()),
        };
    }
    if !starred(outer) {
        return false;
    }
    let split = |p: &str| {
        let (h, t) = p.split_once('*').unwrap_or((p, ""));
        (h.to_string(), t.to_string())
    };
    let ((h1, t1), (h2, t2)) = (split(outer), split(inner));
    if t1.contains('*') || t2.contains('*') {
        return false;
    }
    let starts = h2.len() >= h1.len() && h2.get(..h1.len()).is_some_and(|p| eq(p, &h1));
    let ends = t2.len() >= t1.len() && t2.get(t2.len() - t1.len()..).is_some_and(|p| eq(p, &t1));
    starts && ends
}

fn all_covered(provider: Provider, field: Field, outer: &[String], inner: &[String]) -> bool {
    inner
        .iter()
        .all(|i| outer.iter().any(|o| covers(provider, field, o, i)))
}

/// A rule that can never be the first to match because an earlier rule matches every
/// request it would (under GCS, origin and method decide alone).
fn shadowed(l: &mut Linter) {
    let provider = l.parsed.provider;
    let rules = &l.parsed.config.rules;
    let mut found = Vec::new();
    for (j, later) in rules.iter().enumerate() {
        if later.allowed_origins.is_empty() || later.allowed_methods.is_empty() {
            continue;
        }
        let by = rules[..j].iter().position(|earlier| {
            all_covered(
                provider,
                Field::Origins,
                &earlier.allowed_origins,
                &later.allowed_origins,
            ) && all_covered(
                provider,
                Field::Methods,
                &earlier.allowed_methods,
                &later.allowed_methods,
            ) && (provider == Provider::Gcs
                || all_covered(
                    provider,
                    Field::Headers,
                    &earlier.allowed_headers,
                    &later.allowed_headers,
                ))
        });
        if let Some(i) = by {
            found.push((i, j));
        }
    }
    for (i, j) in found {
        let message = format!(
            "{} can never match: {} comes first and matches every request it would{}",
            l.parsed.rule_label(j),
            l.parsed.rule_label(i),
            if provider == Provider::Gcs {
                " (GCS picks the rule on origin and method alone)"
            } else {
                ""
            }
        );
        let place = l.parsed.rule_label(j);
        l.push(
            "rule-shadowed",
            Severity::Warning,
            Some(j),
            place,
            message,
            Some(format!(
                "move it before {}, or merge the two",
                l.parsed.rule_label(i)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_config;
    use super::*;

    fn checks(text: &str) -> Vec<(&'static str, Severity, String)> {
        let p = parse_config(text, None).unwrap();
        lint(&p, &LintOptions::default())
            .into_iter()
            .map(|f| (f.check, f.severity, f.place))
            .collect()
    }

    fn names(text: &str) -> Vec<&'static str> {
        let mut v: Vec<&str> = checks(text).into_iter().map(|c| c.0).collect();
        v.sort();
        v
    }

    const GOOD: &str = r#"{"CORSRules":[{"AllowedOrigins":["https://app.example.com"],"AllowedMethods":["PUT","GET"],"AllowedHeaders":["content-type","x-amz-meta-*"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}]}"#;

    #[test]
    fn a_good_config_is_clean() {
        assert!(checks(GOOD).is_empty(), "{:?}", checks(GOOD));
    }

    #[test]
    fn origins() {
        let c = checks(
            r#"{"CORSRules":[{"AllowedOrigins":["http://localhost:5173/","https://app.example.com/upload","localhost:3000","https://App.Example.com","https://*.*.example.com","http://shop.example.com","https://app.example.com"],"AllowedMethods":["GET"]}]}"#,
        );
        let find = |name: &str| c.iter().find(|x| x.0 == name).cloned();
        assert_eq!(
            find("origin-trailing-slash").unwrap().2,
            "CORSRules[0].AllowedOrigins[0]"
        );
        assert_eq!(
            find("origin-path").unwrap().2,
            "CORSRules[0].AllowedOrigins[1]"
        );
        assert_eq!(
            find("origin-scheme-missing").unwrap().2,
            "CORSRules[0].AllowedOrigins[2]"
        );
        assert_eq!(
            find("origin-uppercase").unwrap().2,
            "CORSRules[0].AllowedOrigins[3]"
        );
        assert_eq!(
            find("origin-wildcard-count").unwrap().2,
            "CORSRules[0].AllowedOrigins[4]"
        );
        assert_eq!(
            find("origin-http").unwrap().2,
            "CORSRules[0].AllowedOrigins[5]"
        );
        assert_eq!(
            find("localhost-in-production").unwrap().1,
            Severity::Warning
        );
        // Errors come first.
        assert!(c.iter().take(5).all(|x| x.1 == Severity::Error), "{c:?}");
    }

    #[test]
    fn methods_uploads_and_max_age() {
        assert_eq!(
            names(
                r#"[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["*","put"],"MaxAgeSeconds":0}]"#
            ),
            ["max-age-zero", "method-invalid", "method-invalid"]
        );
        assert_eq!(
            names(
                r#"[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["PUT"],"MaxAgeSeconds":86400}]"#
            ),
            [
                "content-type-not-allowed",
                "etag-not-exposed",
                "max-age-too-long"
            ]
        );
        assert_eq!(
            names(r#"[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["GET"]}]"#),
            ["max-age-missing"]
        );
        assert_eq!(names("[]"), ["no-rules"]);
        let p = parse_config(
            r#"[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"MaxAgeSeconds":5}]"#,
            None,
        )
        .unwrap();
        let f = lint(&p, &LintOptions { credentials: true });
        assert_eq!(f[0].check, "origin-wildcard-credentials");
    }

    #[test]
    fn shadowing() {
        let text = r#"{"CORSRules":[
            {"AllowedOrigins":["https://*.example.com"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":60},
            {"AllowedOrigins":["https://app.example.com"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":60},
            {"AllowedOrigins":["https://app.example.com","https://other.test"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":60},
            {"AllowedOrigins":["https://a.b.example.com"],"AllowedMethods":["DELETE"],"MaxAgeSeconds":60}
        ]}"#;
        let c = checks(text);
        let shadowed: Vec<&String> = c
            .iter()
            .filter(|x| x.0 == "rule-shadowed")
            .map(|x| &x.2)
            .collect();
        assert_eq!(shadowed, ["CORSRules[1]"], "{c:?}");
        // A starred header inside a wider star.
        let text = r#"[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"AllowedHeaders":["x-amz-*"],"MaxAgeSeconds":60},
                       {"AllowedOrigins":["https://*.test"],"AllowedMethods":["GET"],"AllowedHeaders":["x-amz-meta-*"],"MaxAgeSeconds":60}]"#;
        assert_eq!(names(text), ["rule-shadowed"]);
        // GCS: the header list does not matter.
        let text = r#"[{"origin":["*"],"method":["*"],"responseHeader":["ETag"]},{"origin":["https://a.test"],"method":["PUT"],"responseHeader":["content-type","ETag"]}]"#;
        assert!(names(text).contains(&"rule-shadowed"));
    }

    #[test]
    fn provider_specific() {
        let r2 = r#"{"rules":[{"allowed":{"origins":["https://*.example.com"],"methods":["GET"],"headers":["x-amz-*"]},"maxAgeSeconds":60}]}"#;
        assert_eq!(
            names(r2),
            ["header-wildcard-unsupported", "origin-wildcard-unsupported"]
        );
        let azure = r#"{"corsRules":[{"allowedOrigins":["https://a.test"],"allowedMethods":["GET","MERGE"],"allowedHeaders":["x-ms-meta*","x-ms-a*","x-ms-b*","x*y"],"exposedHeaders":["*"],"maxAgeInSeconds":60}]}"#;
        assert_eq!(
            names(azure),
            ["header-wildcard-count", "header-wildcard-unsupported"]
        );
        let many = format!(
            "[{}]",
            [r#"{"allowedOrigins":"https://a.test","allowedMethods":"GET","maxAgeInSeconds":60}"#;
                6]
                .join(",")
        );
        assert!(names(&many).contains(&"too-many-rules"));
        let gcs = r#"[{"origin":["https://a.test"],"method":["put","*"],"maxAgeSeconds":60}]"#;
        assert_eq!(
            names(gcs),
            [
                "content-type-not-allowed",
                "etag-not-exposed",
                "method-invalid"
            ]
        );
    }

    #[test]
    fn xml_places() {
        let c = checks("<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>http://localhost:5173/</AllowedOrigin>\n    <AllowedMethod>GET</AllowedMethod>\n    <MaxAgeSeconds>60</MaxAgeSeconds>\n  </CORSRule>\n</CORSConfiguration>");
        assert_eq!(
            c[0].2,
            "<CORSRule> at line 2, column 3, <AllowedOrigin> \"http://localhost:5173/\""
        );
    }
}
