//! What the command line (and JavaScript) shows for each result: JSON for machines,
//! text for people, and the exit code (0 allowed or clean, 1 not, 2 is left to input
//! errors, which never reach here).
//!
//! The JSON always carries `allowed`, `code`, `origin`, `method`, `headers` and `fix`
//! for `check` and `preflight`; field order is fixed by the structs below.

use serde::Serialize;

use super::check::{Check, Request};
use super::lint::{Finding, Severity};
use super::parse::{Format, Parsed};
use super::preflight::Verdict;
use super::render::{config_text, rule_text, shaped, Shaped};
use super::CorsRule;

/// One result, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub json: String,
    pub text: String,
    pub exit_code: i32,
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn request_line(req: &Request) -> String {
    format!(
        "{} from {}{}",
        req.method,
        req.origin,
        if req.headers.is_empty() {
            ", no extra headers".to_string()
        } else {
            format!(", headers: {}", req.headers.join(", "))
        }
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------
// check

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleRef<'a> {
    index: usize,
    place: String,
    id: Option<&'a str>,
    matched: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseJson<'a> {
    allow_origin: &'a str,
    allow_methods: &'a [String],
    allow_headers: &'a [String],
    expose_headers: &'a [String],
    max_age: Option<u32>,
}

#[derive(Serialize)]
struct Replace<'a> {
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EditJson<'a> {
    description: String,
    rule: Option<usize>,
    replace_origin: Option<Replace<'a>>,
    add_origins: &'a [String],
    add_methods: &'a [String],
    add_headers: &'a [String],
    add_expose_headers: &'a [String],
    insert_first: Option<Shaped<'a>>,
    /// The rule as it reads after the edit (or the inserted rule).
    result: Option<Shaped<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckJson<'a> {
    allowed: bool,
    code: Option<&'static str>,
    origin: &'a str,
    method: &'a str,
    headers: &'a [String],
    /// A complete rule for this origin alone, in the file's shape.
    fix: Option<Shaped<'a>>,
    summary: &'a str,
    provider: &'static str,
    format: Format,
    rule: Option<RuleRef<'a>>,
    lacks: &'a [String],
    notes: &'a [String],
    expose_headers: &'a [String],
    response: Option<ResponseJson<'a>>,
    edit: Option<EditJson<'a>>,
    /// The whole configuration with the edit made, as text in the file's format.
    config: Option<String>,
}

/// The result of `upload-doctor check`.
pub fn check_output(parsed: &Parsed, c: &Check) -> Output {
    let format = parsed.format;
    let fixed = c.fixed_config(parsed);
    let edited: Option<&CorsRule> = match (&c.edit, &fixed) {
        (Some(e), Some(cfg)) if e.insert_first.is_some() => cfg.rules.first(),
        (Some(e), Some(cfg)) => e.rule.and_then(|i| cfg.rules.get(i)),
        _ => None,
    };
    let json = CheckJson {
        allowed: c.allowed,
        code: c.code.map(|c| c.as_str()),
        origin: &c.request.origin,
        method: &c.request.method,
        headers: &c.request.headers,
        fix: c.fix.as_ref().map(|r| shaped(format, r)),
        summary: &c.summary,
        provider: c.provider.as_str(),
        format,
        rule: c.rule.map(|i| RuleRef {
            index: i,
            place: parsed.places.get(i).cloned().unwrap_or_default(),
            id: parsed.config.rules.get(i).and_then(|r| r.id.as_deref()),
            matched: c.matched,
        }),
        lacks: &c.lacks,
        notes: &c.notes,
        expose_headers: c
            .answer
            .as_ref()
            .map(|a| a.expose_headers.as_slice())
            .unwrap_or(&[]),
        response: c.answer.as_ref().map(|a| ResponseJson {
            allow_origin: &a.allow_origin,
            allow_methods: &a.allow_methods,
            allow_headers: &a.allow_headers,
            expose_headers: &a.expose_headers,
            max_age: a.max_age,
        }),
        edit: c.edit.as_ref().map(|e| EditJson {
            description: e.describe(parsed),
            rule: e.rule,
            replace_origin: e
                .replace_origin
                .as_ref()
                .map(|(from, to)| Replace { from, to }),
            add_origins: &e.add_origins,
            add_methods: &e.add_methods,
            add_headers: &e.add_headers,
            add_expose_headers: &e.add_expose,
            insert_first: e.insert_first.as_ref().map(|r| shaped(format, r)),
            result: edited.map(|r| shaped(format, r)),
        }),
        config: fixed.as_ref().map(|cfg| config_text(format, cfg)),
    };
    let mut text = String::new();
    let head = match (c.allowed, c.code) {
        (true, None) => "allowed".to_string(),
        (true, Some(code)) => format!("warning[{}]", code.as_str()),
        (false, Some(code)) => format!("error[{}]", code.as_str()),
        (false, None) => "error".to_string(),
    };
    text.push_str(&format!("{head}: {}\n", c.summary));
    text.push_str(&format!("  request: {}\n", request_line(&c.request)));
    text.push_str(&format!(
        "  configuration: {}, {}, {}\n",
        c.provider.title(),
        format.describe(),
        plural(parsed.config.rules.len(), "rule", "rules")
    ));
    if let (Some(i), false) = (c.rule, c.matched) {
        text.push_str(&format!("  closest rule: {}\n", parsed.rule_label(i)));
    }
    if !c.lacks.is_empty() && !c.allowed {
        text.push_str(&format!("  lacks: {}\n", c.lacks.join("; ")));
    }
    for n in &c.notes {
        text.push_str(&format!("  note: {n}\n"));
    }
    if let Some(a) = &c.answer {
        text.push_str("  the preflight answer carries:\n");
        text.push_str(&format!(
            "    Access-Control-Allow-Origin: {}\n",
            a.allow_origin
        ));
        text.push_str(&format!(
            "    Access-Control-Allow-Methods: {}\n",
            a.allow_methods.join(", ")
        ));
        if !a.allow_headers.is_empty() {
            text.push_str(&format!(
                "    Access-Control-Allow-Headers: {}\n",
                a.allow_headers.join(", ")
            ));
        }
        text.push_str(&format!(
            "    Access-Control-Expose-Headers: {}\n",
            if a.expose_headers.is_empty() {
                "(none: the page can read only the safelisted response headers)".to_string()
            } else {
                a.expose_headers.join(", ")
            }
        ));
        if let Some(age) = a.max_age {
            text.push_str(&format!("    Access-Control-Max-Age: {age}\n"));
        }
    }
    if let Some(e) = &c.edit {
        text.push_str(&format!("\nfix: {}\n", e.describe(parsed)));
        if let Some(rule) = edited {
            text.push_str(&rule_text(format, rule));
            text.push('\n');
        }
    } else if !c.allowed {
        text.push_str("\nno edit can make this request pass (see the note above)\n");
    }
    Output {
        json: pretty(&json),
        text,
        exit_code: if c.allowed { 0 } else { 1 },
    }
}

// ---------------------------------------------------------------------------------------
// lint

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LintJson<'a> {
    ok: bool,
    provider: &'static str,
    format: Format,
    rules: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    findings: &'a [Finding],
}

/// The result of `upload-doctor lint`: exit 1 when there is an error or a warning.
pub fn lint_output(parsed: &Parsed, findings: &[Finding]) -> Output {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let ok = errors + warnings == 0;
    let json = LintJson {
        ok,
        provider: parsed.provider.as_str(),
        format: parsed.format,
        rules: parsed.config.rules.len(),
        errors,
        warnings,
        notes,
        findings,
    };
    let mut text = String::new();
    for f in findings {
        text.push_str(&format!(
            "{}[{}]: {}\n",
            f.severity.as_str(),
            f.check,
            f.message
        ));
        if !f.place.is_empty() {
            text.push_str(&format!("  --> {}\n", f.place));
        }
        if let Some(fix) = &f.fix {
            text.push_str(&format!("  fix: {fix}\n"));
        }
    }
    let what = format!(
        "{}, {}, {}",
        parsed.provider.title(),
        parsed.format.describe(),
        plural(parsed.config.rules.len(), "rule", "rules")
    );
    if findings.is_empty() {
        text.push_str(&format!("no problems found ({what})\n"));
    } else {
        text.push_str(&format!(
            "{}, {}, {} ({what})\n",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            plural(notes, "note", "notes")
        ));
    }
    Output {
        json: pretty(&json),
        text,
        exit_code: if ok { 0 } else { 1 },
    }
}

// ---------------------------------------------------------------------------------------
// preflight

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreflightJson<'a> {
    allowed: bool,
    code: Option<&'static str>,
    origin: &'a str,
    method: &'a str,
    headers: &'a [String],
    /// A complete rule for this origin (S3's shape).
    fix: Option<&'a CorsRule>,
    url: &'a str,
    status: u16,
    summary: &'a str,
    server_code: Option<&'a str>,
    server_message: Option<&'a str>,
    lacks: &'a [String],
    evidence: &'a [String],
    allow_methods: &'a [String],
    expose_headers: &'a [String],
    max_age: Option<&'a str>,
}

/// The URL with its query and fragment removed: a presigned URL's signature never
/// appears in the output.
pub fn url_without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or("")
}

/// The result of `upload-doctor preflight`.
pub fn preflight_output(url: &str, req: &Request, v: &Verdict) -> Output {
    let url = url_without_query(url);
    let json = PreflightJson {
        allowed: v.allowed,
        code: v.code.map(|c| c.as_str()),
        origin: &req.origin,
        method: &req.method,
        headers: &req.headers,
        fix: v.fix.as_ref(),
        url,
        status: v.status,
        summary: &v.summary,
        server_code: v.server_code.as_deref(),
        server_message: v.server_message.as_deref(),
        lacks: &v.lacks,
        evidence: &v.evidence,
        allow_methods: &v.allow_methods,
        expose_headers: &v.expose_headers,
        max_age: v.max_age.as_deref(),
    };
    let head = match (v.allowed, v.code) {
        (true, None) => "allowed".to_string(),
        (true, Some(code)) => format!("warning[{}]", code.as_str()),
        (false, Some(code)) => format!("error[{}]", code.as_str()),
        (false, None) => "error".to_string(),
    };
    let mut text = format!("{head}: {}\n", v.summary);
    text.push_str(&format!("  preflight: OPTIONS {url}\n"));
    text.push_str(&format!("  request: {}\n", request_line(req)));
    if !v.lacks.is_empty() && !v.allowed {
        text.push_str(&format!("  lacks: {}\n", v.lacks.join("; ")));
    }
    if v.allowed {
        text.push_str(&format!(
            "  Access-Control-Allow-Methods: {}\n  Access-Control-Expose-Headers: {}\n",
            v.allow_methods.join(", "),
            if v.expose_headers.is_empty() {
                "(none)".to_string()
            } else {
                v.expose_headers.join(", ")
            }
        ));
        if let Some(age) = &v.max_age {
            text.push_str(&format!("  Access-Control-Max-Age: {age}\n"));
        }
    }
    if !v.evidence.is_empty() {
        text.push_str("\nevidence:\n");
        for e in &v.evidence {
            text.push_str(&format!("  - {e}\n"));
        }
    }
    if let Some(rule) = &v.fix {
        let how = if v.code == Some(crate::codes::Code::CorsEtagNotExposed) {
            "add \"ETag\" to ExposeHeaders of the rule that matches; this rule works on its own:"
        } else {
            "put this rule first in the bucket's CORS configuration (S3's JSON shape):"
        };
        text.push_str(&format!(
            "\nfix: {how}\n{}\n",
            indent(&rule_text(Format::S3Json, rule), "")
        ));
    }
    Output {
        json: pretty(&json),
        text,
        exit_code: if v.allowed { 0 } else { 1 },
    }
}

#[cfg(test)]
mod tests {
    use super::super::check::check;
    use super::super::lint::{lint, LintOptions};
    use super::super::parse::parse_config;
    use super::super::preflight::{diagnose, Answer};
    use super::*;

    const PAGE: &str = "http://localhost:5173";

    fn req(method: &str, headers: &[&str]) -> Request {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        Request::new(PAGE, method, &headers).unwrap()
    }

    #[test]
    fn check_json_and_text() {
        let p = parse_config(
            r#"{"CORSRules":[{"ID":"dev","AllowedOrigins":["http://localhost:5173"],"AllowedMethods":["GET","PUT"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}]}"#,
            None,
        )
        .unwrap();
        let out = check_output(&p, &check(&p, &req("PUT", &["content-type"])));
        assert_eq!(out.exit_code, 1);
        let v: serde_json::Value = serde_json::from_str(&out.json).unwrap();
        assert_eq!(v["allowed"], false);
        assert_eq!(v["code"], "cors/header-not-allowed");
        assert_eq!(v["origin"], PAGE);
        assert_eq!(v["method"], "PUT");
        assert_eq!(v["headers"][0], "content-type");
        assert_eq!(v["fix"]["AllowedOrigins"][0], PAGE);
        assert_eq!(v["rule"]["place"], "CORSRules[0]");
        assert_eq!(v["edit"]["addHeaders"][0], "content-type");
        assert_eq!(v["edit"]["result"]["AllowedHeaders"][0], "content-type");
        let fixed = parse_config(v["config"].as_str().unwrap(), None).unwrap();
        assert!(check(&fixed, &req("PUT", &["content-type"])).allowed);
        assert!(out.text.starts_with("error[cors/header-not-allowed]: CORSRules[0] (ID \"dev\") allows PUT from http://localhost:5173 but not the header content-type\n"), "{}", out.text);
        assert!(out.text.contains("\nfix: In CORSRules[0] (ID \"dev\"), add \"content-type\" to AllowedHeaders.\n{\n  \"ID\": \"dev\","), "{}", out.text);

        let out = check_output(&p, &check(&p, &req("GET", &[])));
        assert_eq!(out.exit_code, 0);
        assert!(
            out.text.starts_with("allowed: GET with no extra headers"),
            "{}",
            out.text
        );
        assert!(out.text.contains("Access-Control-Expose-Headers: ETag"));
        let v: serde_json::Value = serde_json::from_str(&out.json).unwrap();
        assert_eq!(v["fix"], serde_json::Value::Null);
        assert_eq!(v["exposeHeaders"][0], "ETag");
    }

    #[test]
    fn xml_fix_is_xml() {
        let p = parse_config("<CORSConfiguration><CORSRule><AllowedOrigin>http://localhost:5173</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>", None).unwrap();
        let out = check_output(&p, &check(&p, &req("PUT", &[])));
        assert!(
            out.text.contains("<AllowedMethod>PUT</AllowedMethod>"),
            "{}",
            out.text
        );
        let v: serde_json::Value = serde_json::from_str(&out.json).unwrap();
        assert!(v["config"].as_str().unwrap().starts_with("<?xml"));
    }

    #[test]
    fn lint_counts() {
        let p = parse_config(r#"[{"AllowedOrigins":["http://localhost:5173/"],"AllowedMethods":["GET"],"MaxAgeSeconds":60}]"#, None).unwrap();
        let out = lint_output(&p, &lint(&p, &LintOptions::default()));
        assert_eq!(out.exit_code, 1);
        assert!(out.text.contains("error[origin-trailing-slash]"));
        assert!(out.text.contains("  --> [0].AllowedOrigins[0]\n"));
        assert!(out.text.ends_with("1 error, 0 warnings, 0 notes (AWS S3, S3 JSON rule list ([{\"AllowedOrigins\": ...}]), 1 rule)\n"), "{}", out.text);
        let v: serde_json::Value = serde_json::from_str(&out.json).unwrap();
        assert_eq!(v["findings"][0]["check"], "origin-trailing-slash");
        let p = parse_config(r#"[{"AllowedOrigins":["https://a.test"],"AllowedMethods":["GET"],"MaxAgeSeconds":60}]"#, None).unwrap();
        let out = lint_output(&p, &lint(&p, &LintOptions::default()));
        assert_eq!(out.exit_code, 0);
        assert!(out.text.starts_with("no problems found"));
    }

    #[test]
    fn preflight_never_prints_the_query() {
        let r = req("PUT", &[]);
        let url = "http://127.0.0.1:4566/b/k.png?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA";
        let v = diagnose(&r, &Answer { status: 403, body: "<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message></Error>".into(), ..Default::default() }, &[]);
        let out = preflight_output(url, &r, &v);
        for s in [&out.json, &out.text] {
            assert!(!s.contains("deadbeef") && !s.contains("AKIA"), "{s}");
        }
        assert!(out.text.contains("OPTIONS http://127.0.0.1:4566/b/k.png\n"));
        assert_eq!(out.exit_code, 1);
        let j: serde_json::Value = serde_json::from_str(&out.json).unwrap();
        for k in ["allowed", "code", "origin", "method", "headers", "fix"] {
            assert!(j.get(k).is_some(), "{k}");
        }
    }
}
