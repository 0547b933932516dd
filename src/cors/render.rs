//! Writing rules and configurations back in the shape they came in, so that a fix can be
//! pasted where the original came from (the AWS CLI, gcloud, wrangler, the Azure portal).
//!
//! JSON is written through small ordered structs rather than `serde_json::Value` (whose
//! maps sort their keys) so that fields come in each provider's documented order.

use serde::Serialize;

use super::parse::{Format, Provider};
use super::{CorsConfig, CorsRule};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GcsRule<'a> {
    origin: &'a [String],
    method: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    response_header: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age_seconds: Option<u32>,
}

#[derive(Serialize)]
pub struct R2Allowed<'a> {
    origins: &'a [String],
    methods: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    headers: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct R2Rule<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    allowed: R2Allowed<'a>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    expose_headers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age_seconds: Option<u32>,
}

/// ARM's shape: every field present.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureRule<'a> {
    allowed_origins: &'a [String],
    allowed_methods: &'a [String],
    allowed_headers: &'a [String],
    exposed_headers: &'a [String],
    max_age_in_seconds: u32,
}

/// One rule in a provider's JSON shape.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Shaped<'a> {
    S3(&'a CorsRule),
    Gcs(GcsRule<'a>),
    R2(R2Rule<'a>),
    Azure(AzureRule<'a>),
}

/// GCS keeps one list for allowed request headers and exposed response headers.
fn gcs_headers(rule: &CorsRule) -> Vec<String> {
    let mut all = rule.expose_headers.clone();
    for h in &rule.allowed_headers {
        if !all.iter().any(|a| a.eq_ignore_ascii_case(h)) {
            all.push(h.clone());
        }
    }
    all
}

/// `rule` in the JSON shape of `format`'s provider (XML formats get their provider's
/// JSON shape; [`rule_text`] writes XML).
pub fn shaped(format: Format, rule: &CorsRule) -> Shaped<'_> {
    match format {
        Format::GcsJson | Format::GcsXml => Shaped::Gcs(GcsRule {
            origin: &rule.allowed_origins,
            method: &rule.allowed_methods,
            response_header: gcs_headers(rule),
            max_age_seconds: rule.max_age_seconds,
        }),
        Format::R2Json => Shaped::R2(R2Rule {
            id: rule.id.as_deref(),
            allowed: R2Allowed {
                origins: &rule.allowed_origins,
                methods: &rule.allowed_methods,
                headers: &rule.allowed_headers,
            },
            expose_headers: &rule.expose_headers,
            max_age_seconds: rule.max_age_seconds,
        }),
        Format::AzureJson | Format::AzureXml => Shaped::Azure(AzureRule {
            allowed_origins: &rule.allowed_origins,
            allowed_methods: &rule.allowed_methods,
            allowed_headers: &rule.allowed_headers,
            exposed_headers: &rule.expose_headers,
            max_age_in_seconds: rule.max_age_seconds.unwrap_or(0),
        }),
        _ => Shaped::S3(rule),
    }
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn xml_rule(format: Format, rule: &CorsRule, indent: &str) -> String {
    let mut out = String::new();
    let mut line = |depth: usize, text: String| {
        out.push_str(indent);
        out.push_str(&"  ".repeat(depth));
        out.push_str(&text);
        out.push('\n');
    };
    match format.provider() {
        Provider::Gcs => {
            line(0, "<Cors>".into());
            let lists = [
                ("Origins", "Origin", rule.allowed_origins.clone()),
                ("Methods", "Method", rule.allowed_methods.clone()),
                ("ResponseHeaders", "ResponseHeader", gcs_headers(rule)),
            ];
            for (outer, inner, values) in lists {
                if values.is_empty() {
                    continue;
                }
                line(1, format!("<{outer}>"));
                for v in values {
                    line(2, format!("<{inner}>{}</{inner}>", escape(&v)));
                }
                line(1, format!("</{outer}>"));
            }
            if let Some(age) = rule.max_age_seconds {
                line(1, format!("<MaxAgeSec>{age}</MaxAgeSec>"));
            }
            line(0, "</Cors>".into());
        }
        Provider::Azure => {
            line(0, "<CorsRule>".into());
            let lists = [
                ("AllowedOrigins", &rule.allowed_origins),
                ("AllowedMethods", &rule.allowed_methods),
                ("AllowedHeaders", &rule.allowed_headers),
                ("ExposedHeaders", &rule.expose_headers),
            ];
            for (name, values) in lists {
                line(1, format!("<{name}>{}</{name}>", escape(&values.join(","))));
            }
            line(
                1,
                format!(
                    "<MaxAgeInSeconds>{}</MaxAgeInSeconds>",
                    rule.max_age_seconds.unwrap_or(0)
                ),
            );
            line(0, "</CorsRule>".into());
        }
        Provider::S3 | Provider::R2 => {
            line(0, "<CORSRule>".into());
            if let Some(id) = &rule.id {
                line(1, format!("<ID>{}</ID>", escape(id)));
            }
            let lists = [
                ("AllowedOrigin", &rule.allowed_origins),
                ("AllowedMethod", &rule.allowed_methods),
                ("AllowedHeader", &rule.allowed_headers),
                ("ExposeHeader", &rule.expose_headers),
            ];
            for (name, values) in lists {
                for v in values {
                    line(1, format!("<{name}>{}</{name}>", escape(v)));
                }
            }
            if let Some(age) = rule.max_age_seconds {
                line(1, format!("<MaxAgeSeconds>{age}</MaxAgeSeconds>"));
            }
            line(0, "</CORSRule>".into());
        }
    }
    out
}

/// One rule as text in `format`: pretty JSON, or the rule's XML element.
pub fn rule_text(format: Format, rule: &CorsRule) -> String {
    if format.is_xml() {
        xml_rule(format, rule, "").trim_end().to_string()
    } else {
        pretty(&shaped(format, rule))
    }
}

/// A whole configuration as text in `format`, ready to apply.
pub fn config_text(format: Format, config: &CorsConfig) -> String {
    let rules: Vec<Shaped> = config.rules.iter().map(|r| shaped(format, r)).collect();
    match format {
        Format::S3Json => {
            #[derive(Serialize)]
            struct S3<'a> {
                #[serde(rename = "CORSRules")]
                rules: &'a [Shaped<'a>],
            }
            pretty(&S3 { rules: &rules })
        }
        Format::R2Json => {
            #[derive(Serialize)]
            struct R2<'a> {
                rules: &'a [Shaped<'a>],
            }
            pretty(&R2 { rules: &rules })
        }
        Format::AzureJson => {
            #[derive(Serialize)]
            struct Azure<'a> {
                #[serde(rename = "corsRules")]
                rules: &'a [Shaped<'a>],
            }
            pretty(&Azure { rules: &rules })
        }
        Format::S3Rule if rules.len() == 1 => pretty(&rules[0]),
        Format::S3Array | Format::S3Rule | Format::GcsJson => pretty(&rules),
        Format::S3Xml | Format::GcsXml | Format::AzureXml => {
            let (open, close) = match format.provider() {
                Provider::Gcs => ("<CorsConfig>", "</CorsConfig>"),
                Provider::Azure => ("<Cors>", "</Cors>"),
                _ => (
                    "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
                    "</CORSConfiguration>",
                ),
            };
            let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{open}\n");
            for rule in &config.rules {
                out.push_str(&xml_rule(format, rule, "  "));
            }
            out.push_str(close);
            out.push('\n');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_config;
    use super::*;

    const SAMPLES: &[&str] = &[
        r#"{"CORSRules":[{"ID":"a&b","AllowedOrigins":["http://localhost:5173","https://*.example.com"],"AllowedMethods":["PUT","GET"],"AllowedHeaders":["content-type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000},{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}"#,
        r#"[{"AllowedOrigins":["*"],"AllowedMethods":["GET"],"ExposeHeaders":["ETag","x-amz-meta-<x>"]}]"#,
        r#"{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}"#,
        "<CORSConfiguration><CORSRule><ID>x</ID><AllowedOrigin>http://a</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>0</MaxAgeSeconds></CORSRule></CORSConfiguration>",
        r#"[{"origin":["*"],"method":["PUT","GET"],"responseHeader":["Content-Type","ETag"],"maxAgeSeconds":3600}]"#,
        "<CorsConfig><Cors><Origins><Origin>http://a</Origin></Origins><Methods><Method>GET</Method></Methods><MaxAgeSec>10</MaxAgeSec></Cors></CorsConfig>",
        r#"{"rules":[{"id":"dev","allowed":{"origins":["http://localhost:3000"],"methods":["GET"],"headers":["x-requested-by"]},"exposeHeaders":["ETag"],"maxAgeSeconds":3600}]}"#,
        r#"{"corsRules":[{"allowedOrigins":["http://a"],"allowedMethods":["PUT"],"allowedHeaders":["x-ms-meta*"],"exposedHeaders":["etag"],"maxAgeInSeconds":200}]}"#,
        "<Cors><CorsRule><AllowedOrigins>http://a,http://b</AllowedOrigins><AllowedMethods>PUT,GET</AllowedMethods><AllowedHeaders>x-ms-meta*</AllowedHeaders><ExposedHeaders></ExposedHeaders><MaxAgeInSeconds>5</MaxAgeInSeconds></CorsRule></Cors>",
    ];

    #[test]
    fn round_trips_every_format() {
        for text in SAMPLES {
            let p = parse_config(text, None).unwrap();
            let again = parse_config(&config_text(p.format, &p.config), None)
                .unwrap_or_else(|e| panic!("{e}\n{}", config_text(p.format, &p.config)));
            assert_eq!(again.config, p.config, "{text}");
            assert_eq!(again.provider, p.provider);
        }
    }

    #[test]
    fn shapes() {
        let p = parse_config(SAMPLES[4], None).unwrap();
        assert_eq!(
            serde_json::to_string(&shaped(p.format, &p.config.rules[0])).unwrap(),
            r#"{"origin":["*"],"method":["PUT","GET"],"responseHeader":["Content-Type","ETag"],"maxAgeSeconds":3600}"#
        );
        let p = parse_config(SAMPLES[6], None).unwrap();
        assert_eq!(
            serde_json::to_string(&shaped(p.format, &p.config.rules[0])).unwrap(),
            r#"{"id":"dev","allowed":{"origins":["http://localhost:3000"],"methods":["GET"],"headers":["x-requested-by"]},"exposeHeaders":["ETag"],"maxAgeSeconds":3600}"#
        );
        let p = parse_config(SAMPLES[3], None).unwrap();
        assert_eq!(
            rule_text(p.format, &p.config.rules[0]),
            "<CORSRule>\n  <ID>x</ID>\n  <AllowedOrigin>http://a</AllowedOrigin>\n  <AllowedMethod>PUT</AllowedMethod>\n  <AllowedHeader>*</AllowedHeader>\n  <MaxAgeSeconds>0</MaxAgeSeconds>\n</CORSRule>"
        );
    }
}
