//! Bucket CORS rules in S3's JSON shape, evaluated the way S3 evaluates them.
//!
//! S3 takes the first rule whose origin, method and every requested header match;
//! origins match case-sensitively (exactly or with one `*`), headers case-insensitively.
//!
//! The submodules make this exact for every provider and every shape a configuration
//! comes in: [`parse`] reads S3 JSON/XML, GCS, R2 and Azure configurations (with [`xml`],
//! a reader small enough to ship in the Wasm), [`check`] evaluates a request with each
//! provider's semantics and finds the minimal edit, [`lint`] finds mistakes before
//! deployment, [`preflight`] explains a real preflight answer, [`render`] writes rules
//! back in the shape they came in and [`report`] turns results into text and JSON for the
//! command line and JavaScript.

pub mod check;
pub mod lint;
pub mod parse;
pub mod preflight;
pub mod render;
pub mod report;
pub mod xml;

use serde::{Deserialize, Serialize};

/// Methods S3 accepts in `AllowedMethods`.
pub const S3_METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "HEAD"];

/// How long the fix rule lets a browser cache the preflight (seconds).
pub const FIX_MAX_AGE_SECONDS: u32 = 3000;

/// One rule of `{"CORSRules": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsRule {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "AllowedOrigins", default)]
    pub allowed_origins: Vec<String>,
    #[serde(rename = "AllowedMethods", default)]
    pub allowed_methods: Vec<String>,
    #[serde(
        rename = "AllowedHeaders",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub allowed_headers: Vec<String>,
    #[serde(
        rename = "ExposeHeaders",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub expose_headers: Vec<String>,
    #[serde(
        rename = "MaxAgeSeconds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_age_seconds: Option<u32>,
}

/// A bucket's whole CORS configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsConfig {
    #[serde(rename = "CORSRules")]
    pub rules: Vec<CorsRule>,
}

/// What a browser asks in a preflight (or sends as a simple request).
#[derive(Clone, Debug)]
pub struct CorsRequest<'a> {
    pub origin: &'a str,
    pub method: &'a str,
    /// Lower-case names from `Access-Control-Request-Headers`.
    pub headers: &'a [String],
}

/// The outcome of evaluating a request against a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rule `index` matched.
    Allowed { index: usize },
    /// The bucket has no CORS configuration.
    NoConfig,
    /// No rule lists the origin.
    OriginNotAllowed,
    /// Rules list the origin but none allows the method; `index` is the first of them.
    MethodNotAllowed { index: usize },
    /// A rule allows origin and method but not these headers; `index` is the first such rule.
    HeaderNotAllowed { index: usize, headers: Vec<String> },
}

/// `*` matches any run of characters, at most once per pattern (S3's rule).
pub fn wildcard_match(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let (p, v) = if ignore_case {
        (pattern.to_ascii_lowercase(), value.to_ascii_lowercase())
    } else {
        (pattern.to_string(), value.to_string())
    };
    match p.split_once('*') {
        None => p == v,
        Some((head, tail)) => {
            v.len() >= head.len() + tail.len() && v.starts_with(head) && v.ends_with(tail)
        }
    }
}

impl CorsRule {
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins
            .iter()
            .any(|o| wildcard_match(o, origin, false))
    }

    pub fn allows_method(&self, method: &str) -> bool {
        self.allowed_methods.iter().any(|m| m == method)
    }

    /// The requested headers this rule does not allow.
    pub fn missing_headers(&self, headers: &[String]) -> Vec<String> {
        headers
            .iter()
            .filter(|h| {
                !self
                    .allowed_headers
                    .iter()
                    .any(|a| wildcard_match(a, h, true))
            })
            .cloned()
            .collect()
    }

    pub fn exposes(&self, header: &str) -> bool {
        self.expose_headers
            .iter()
            .any(|e| e.eq_ignore_ascii_case(header))
    }
}

/// Evaluates `req` as S3 does. `config` is `None` when the bucket has no CORS configuration.
pub fn evaluate(config: Option<&CorsConfig>, req: &CorsRequest) -> Verdict {
    let Some(config) = config.filter(|c| !c.rules.is_empty()) else {
        return Verdict::NoConfig;
    };
    let mut method_miss = None;
    let mut header_miss = None;
    for (index, rule) in config.rules.iter().enumerate() {
        if !rule.allows_origin(req.origin) {
            continue;
        }
        if !rule.allows_method(req.method) {
            method_miss.get_or_insert(index);
            continue;
        }
        let missing = rule.missing_headers(req.headers);
        if missing.is_empty() {
            return Verdict::Allowed { index };
        }
        header_miss.get_or_insert((index, missing));
    }
    match (header_miss, method_miss) {
        (Some((index, headers)), _) => Verdict::HeaderNotAllowed { index, headers },
        (None, Some(index)) => Verdict::MethodNotAllowed { index },
        (None, None) => Verdict::OriginNotAllowed,
    }
}

/// The one rule that makes an upload work: this origin only, its methods and
/// headers, `ETag` exposed. Methods are de-duplicated and kept in S3's order.
pub fn fix_rule(origin: &str, methods: &[&str], headers: &[String]) -> CorsRule {
    let allowed_methods = S3_METHODS
        .iter()
        .filter(|m| methods.contains(m))
        .map(|m| m.to_string())
        .collect();
    let mut allowed_headers: Vec<String> = Vec::new();
    for h in headers {
        let h = h.to_ascii_lowercase();
        if !allowed_headers.contains(&h) {
            allowed_headers.push(h);
        }
    }
    CorsRule {
        id: None,
        allowed_origins: vec![origin.to_string()],
        allowed_methods,
        allowed_headers,
        expose_headers: vec!["ETag".to_string()],
        max_age_seconds: Some(FIX_MAX_AGE_SECONDS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(origins: &[&str], methods: &[&str], headers: &[&str]) -> CorsRule {
        CorsRule {
            allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
            allowed_methods: methods.iter().map(|s| s.to_string()).collect(),
            allowed_headers: headers.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn eval(rules: Vec<CorsRule>, origin: &str, method: &str, headers: &[&str]) -> Verdict {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        evaluate(
            Some(&CorsConfig { rules }),
            &CorsRequest {
                origin,
                method,
                headers: &headers,
            },
        )
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", "http://a", false));
        assert!(wildcard_match(
            "https://*.example.com",
            "https://app.example.com",
            false
        ));
        assert!(!wildcard_match(
            "https://*.example.com",
            "https://example.com",
            false
        ));
        assert!(!wildcard_match(
            "http://Localhost:5173",
            "http://localhost:5173",
            false
        ));
        assert!(wildcard_match("X-Amz-*", "x-amz-meta-a", true));
    }

    #[test]
    fn first_match_and_failure_kinds() {
        let r = vec![
            rule(&["http://localhost:3000"], &["PUT"], &["*"]),
            rule(&["http://localhost:5173"], &["GET"], &["*"]),
            rule(&["http://localhost:5173"], &["PUT"], &[]),
        ];
        assert_eq!(
            eval(r.clone(), "http://localhost:9999", "PUT", &[]),
            Verdict::OriginNotAllowed
        );
        assert_eq!(
            eval(r.clone(), "http://localhost:5173", "PUT", &[]),
            Verdict::Allowed { index: 2 }
        );
        assert_eq!(
            eval(r.clone(), "http://localhost:5173", "PUT", &["content-type"]),
            Verdict::HeaderNotAllowed {
                index: 2,
                headers: vec!["content-type".into()]
            }
        );
        assert_eq!(
            eval(r, "http://localhost:5173", "DELETE", &[]),
            Verdict::MethodNotAllowed { index: 1 }
        );
        assert_eq!(
            evaluate(
                None,
                &CorsRequest {
                    origin: "x",
                    method: "PUT",
                    headers: &[]
                }
            ),
            Verdict::NoConfig
        );
    }

    #[test]
    fn fix_rule_is_exact_and_makes_the_request_pass() {
        let headers = vec!["Content-Type".to_string(), "x-amz-meta-a".to_string()];
        let fix = fix_rule("http://localhost:5173", &["PUT", "DELETE", "PUT"], &headers);
        assert_eq!(fix.allowed_origins, vec!["http://localhost:5173"]);
        assert_eq!(fix.allowed_methods, vec!["PUT", "DELETE"]);
        assert_eq!(fix.allowed_headers, vec!["content-type", "x-amz-meta-a"]);
        assert!(fix.exposes("etag"));
        let lower: Vec<String> = headers.iter().map(|h| h.to_ascii_lowercase()).collect();
        assert_eq!(
            eval(
                vec![fix],
                "http://localhost:5173",
                "PUT",
                &["content-type", "x-amz-meta-a"]
            ),
            Verdict::Allowed { index: 0 }
        );
        assert_eq!(lower.len(), 2);
    }

    #[test]
    fn json_shape_matches_s3() {
        let fix = fix_rule("http://a", &["PUT"], &["content-type".into()]);
        let json = serde_json::to_string(&fix).unwrap();
        assert_eq!(
            json,
            r#"{"AllowedOrigins":["http://a"],"AllowedMethods":["PUT"],"AllowedHeaders":["content-type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}"#
        );
        let cfg: CorsConfig = serde_json::from_str(
            r#"{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}"#,
        )
        .unwrap();
        assert_eq!(cfg.rules.len(), 1);
    }
}
