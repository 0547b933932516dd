//! The long form of an error (`err.explain()`): cause, evidence, the rule and where it
//! goes, the preflight-cache caveat and a `curl` replay with no signature in it.

use crate::diagnosis::{endpoint_of, Attempt, Diagnosis};
use crate::provider::render_fix;

/// Single-quotes `s` for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `curl` command that sends the same preflight the browser sent (no query, so no signature).
pub fn curl_preflight(a: &Attempt) -> String {
    let mut cmd = format!(
        "curl -i -X OPTIONS {} \\\n  -H {} \\\n  -H {}",
        shell_quote(&a.url_base),
        shell_quote(&format!("Origin: {}", a.page_origin)),
        shell_quote(&format!("Access-Control-Request-Method: {}", a.method)),
    );
    let headers = a.cors_headers();
    if !headers.is_empty() {
        cmd.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!(
                "Access-Control-Request-Headers: {}",
                headers.join(",")
            ))
        ));
    }
    cmd
}

/// The rule as JSON, one field a line: short enough to read, exact enough to paste.
pub fn rule_json(rule: &crate::cors::CorsRule) -> String {
    let list = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_default();
    let mut lines = Vec::new();
    if let Some(id) = &rule.id {
        lines.push(format!(
            "  \"ID\": {}",
            serde_json::to_string(id).unwrap_or_default()
        ));
    }
    for (name, values) in [
        ("AllowedOrigins", &rule.allowed_origins),
        ("AllowedMethods", &rule.allowed_methods),
        ("AllowedHeaders", &rule.allowed_headers),
        ("ExposeHeaders", &rule.expose_headers),
    ] {
        if !values.is_empty() || name != "AllowedHeaders" && name != "ExposeHeaders" {
            lines.push(format!("  \"{name}\": {}", list(values)));
        }
    }
    if let Some(age) = rule.max_age_seconds {
        lines.push(format!("  \"MaxAgeSeconds\": {age}"));
    }
    format!("{{\n{}\n}}", lines.join(",\n"))
}

/// The text of `err.explain()`.
pub fn explain(d: &Diagnosis, a: &Attempt) -> String {
    let mut out = format!("error[{}]: {}\n\n", d.code.as_str(), d.headline);
    out.push_str(&format!(
        "  request: {} {}\n  page origin: {}\n",
        a.method, a.url_base, a.page_origin
    ));
    if !d.headers.is_empty() {
        out.push_str(&format!("  headers: {}\n", d.headers.join(", ")));
    }
    out.push_str("\nevidence:\n");
    for line in &d.evidence {
        out.push_str(&format!("  - {line}\n"));
    }
    if !d.candidates.is_empty() {
        out.push_str("\none of these is the cause (the browser does not say which):\n");
        for c in &d.candidates {
            out.push_str(&format!("  - {c}\n"));
        }
    }
    out.push_str(&format!("\nfix: {}\n", d.hint));
    if let Some(rule) = &d.fix {
        let json = rule_json(rule);
        let ep = endpoint_of(a);
        out.push_str(&format!(
            "\nthe rule (S3 JSON, for this origin only):\n{json}\n\n\
             how to apply it ({}):\n{}\n\n\
             S3 uses the FIRST rule that matches origin, method and headers: put this rule \
             first, or edit the rule that matches {} today.\n\n\
             after changing it: browsers cache preflight answers (Chrome up to 2 hours, \
             as MaxAgeSeconds allows); reload with the cache disabled (DevTools > Network > \
             Disable cache) before you test again.\n",
            ep.provider.as_str(),
            render_fix(&ep, rule),
            a.page_origin
        ));
    }
    if d.code.is_cors() || d.code == crate::codes::Code::NetworkUnreachable {
        out.push_str(&format!(
            "\nreplay the preflight (no signature needed; a 200 with Access-Control-Allow-Origin means it passes):\n{}\n",
            curl_preflight(a)
        ));
    }
    crate::presigned::redact(&out, &a.signing.secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::{from_network_error, Probe, Probes};
    use crate::presigned::Signing;

    #[test]
    fn explanation_has_rule_order_cache_and_curl_without_secrets() {
        let a = Attempt {
            page_origin: "http://localhost:5173".into(),
            method: "PUT".into(),
            url_base: "http://127.0.0.1:4566/b/it's".into(),
            url_scheme: "http".into(),
            url_loopback: true,
            sent_headers: vec!["content-type".into()],
            content_type: Some("image/png".into()),
            signing: Signing {
                secrets: vec!["SECRETSIG99".into()],
                ..Default::default()
            },
            now: 0,
            upload_methods: vec!["PUT".into()],
            upload_headers: vec![],
        };
        let mut d = from_network_error(
            &a,
            "TypeError: Failed to fetch",
            &Probes {
                reach: Probe::Opaque,
                get: Probe::Failed,
                method: Probe::Failed,
            },
        );
        d.evidence.push("saw SECRETSIG99".into());
        let text = explain(&d, &a);
        assert!(text.starts_with("error[cors/origin-not-allowed]"));
        assert!(
            text.contains("  \"AllowedOrigins\": [\"http://localhost:5173\"],\n"),
            "{text}"
        );
        assert!(text.contains("FIRST rule"));
        let json = &text[text.find("{\n").unwrap()..];
        let json = &json[..json.find("\n}").unwrap() + 2];
        let back: crate::cors::CorsRule = serde_json::from_str(json).unwrap();
        assert_eq!(Some(back), d.fix);
        assert!(text.contains("cache"));
        assert!(text.contains("-H 'Access-Control-Request-Headers: content-type'"));
        assert!(text.contains(r"'http://127.0.0.1:4566/b/it'\''s'"));
        assert!(!text.contains("SECRETSIG99"));
    }
}
