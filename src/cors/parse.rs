//! Reading a CORS configuration in whichever shape the developer has it.
//!
//! People paste what their tool printed: the AWS CLI's `{"CORSRules": [...]}`, the S3
//! console's bare array, `<CORSConfiguration>` XML, Google Cloud Storage's
//! `[{"origin": ...}]` (or its `<CorsConfig>` XML), Cloudflare R2's `{"rules": [...]}`,
//! Azure's `{"corsRules": [...]}` or `<Cors>` XML. Each is read into the same
//! [`CorsConfig`] (S3's field names) and tagged with its [`Provider`], whose semantics the
//! evaluation then applies. Errors say where: `line 3, column 7` or a path such as
//! `CORSRules[1].AllowedMethods[0]`, and suggest the right field name for the usual
//! mistakes (`AllowedOrigin` for `AllowedOrigins` in JSON and the reverse in XML).

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::xml::{self, Element};
use super::{CorsConfig, CorsRule};

/// Whose semantics a configuration is evaluated with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    S3,
    Gcs,
    R2,
    Azure,
}

impl Provider {
    pub const ALL: [Provider; 4] = [Provider::S3, Provider::Gcs, Provider::R2, Provider::Azure];

    /// `s3`/`aws`, `gcs`/`google`, `r2`/`cloudflare`, `azure`.
    pub fn from_name(name: &str) -> Option<Provider> {
        match name.trim().to_ascii_lowercase().as_str() {
            "s3" | "aws" => Some(Provider::S3),
            "gcs" | "google" | "gcp" => Some(Provider::Gcs),
            "r2" | "cloudflare" => Some(Provider::R2),
            "azure" => Some(Provider::Azure),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::S3 => "s3",
            Provider::Gcs => "gcs",
            Provider::R2 => "r2",
            Provider::Azure => "azure",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Provider::S3 => "AWS S3",
            Provider::Gcs => "Google Cloud Storage",
            Provider::R2 => "Cloudflare R2",
            Provider::Azure => "Azure Blob Storage",
        }
    }
}

/// The shape the configuration came in; results are written back in the same shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `{"CORSRules": [...]}` (AWS CLI `get-bucket-cors` / `put-bucket-cors`).
    S3Json,
    /// `[{"AllowedOrigins": ...}]` (the S3 console's editor).
    S3Array,
    /// One rule object on its own (what upload-doctor prints as a fix).
    S3Rule,
    /// `<CORSConfiguration><CORSRule>…`.
    S3Xml,
    /// `[{"origin": [...], "method": [...], "responseHeader": [...]}]`, bare or under `cors`.
    GcsJson,
    /// `<CorsConfig><Cors>…` (GCS XML API).
    GcsXml,
    /// `{"rules": [{"allowed": {"origins": ...}}]}` (Cloudflare API, wrangler).
    R2Json,
    /// `{"corsRules": [{"allowedOrigins": ...}]}` (ARM, az CLI, Azure SDKs).
    AzureJson,
    /// `<Cors><CorsRule>…` (Set Blob Service Properties).
    AzureXml,
}

/// A rule field, named per format by [`Format::field`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Origins,
    Methods,
    Headers,
    Expose,
    MaxAge,
}

impl Format {
    pub fn provider(self) -> Provider {
        match self {
            Format::S3Json | Format::S3Array | Format::S3Rule | Format::S3Xml => Provider::S3,
            Format::GcsJson | Format::GcsXml => Provider::Gcs,
            Format::R2Json => Provider::R2,
            Format::AzureJson | Format::AzureXml => Provider::Azure,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Format::S3Json => "S3 JSON ({\"CORSRules\": [...]})",
            Format::S3Array => "S3 JSON rule list ([{\"AllowedOrigins\": ...}])",
            Format::S3Rule => "one S3 JSON rule",
            Format::S3Xml => "S3 XML (<CORSConfiguration>)",
            Format::GcsJson => "GCS JSON ([{\"origin\": ...}])",
            Format::GcsXml => "GCS XML (<CorsConfig>)",
            Format::R2Json => "R2 JSON ({\"rules\": [...]})",
            Format::AzureJson => "Azure JSON ({\"corsRules\": [...]})",
            Format::AzureXml => "Azure XML (<Cors>)",
        }
    }

    pub fn is_xml(self) -> bool {
        matches!(self, Format::S3Xml | Format::GcsXml | Format::AzureXml)
    }

    /// The field's name as the developer's file spells it.
    pub fn field(self, field: Field) -> &'static str {
        use Field::*;
        match (self.provider(), self.is_xml(), field) {
            (Provider::S3 | Provider::R2, true, Origins) => "AllowedOrigin",
            (Provider::S3 | Provider::R2, true, Methods) => "AllowedMethod",
            (Provider::S3 | Provider::R2, true, Headers) => "AllowedHeader",
            (Provider::S3 | Provider::R2, true, Expose) => "ExposeHeader",
            (Provider::S3 | Provider::R2, _, MaxAge) => "MaxAgeSeconds",
            (Provider::S3, false, Origins) => "AllowedOrigins",
            (Provider::S3, false, Methods) => "AllowedMethods",
            (Provider::S3, false, Headers) => "AllowedHeaders",
            (Provider::S3, false, Expose) => "ExposeHeaders",
            (Provider::R2, false, Origins) => "allowed.origins",
            (Provider::R2, false, Methods) => "allowed.methods",
            (Provider::R2, false, Headers) => "allowed.headers",
            (Provider::R2, false, Expose) => "exposeHeaders",
            (Provider::Gcs, false, Origins) => "origin",
            (Provider::Gcs, false, Methods) => "method",
            (Provider::Gcs, false, Headers | Expose) => "responseHeader",
            (Provider::Gcs, false, MaxAge) => "maxAgeSeconds",
            (Provider::Gcs, true, Origins) => "Origin",
            (Provider::Gcs, true, Methods) => "Method",
            (Provider::Gcs, true, Headers | Expose) => "ResponseHeader",
            (Provider::Gcs, true, MaxAge) => "MaxAgeSec",
            (Provider::Azure, false, Origins) => "allowedOrigins",
            (Provider::Azure, false, Methods) => "allowedMethods",
            (Provider::Azure, false, Headers) => "allowedHeaders",
            (Provider::Azure, false, Expose) => "exposedHeaders",
            (Provider::Azure, false, MaxAge) => "maxAgeInSeconds",
            (Provider::Azure, true, Origins) => "AllowedOrigins",
            (Provider::Azure, true, Methods) => "AllowedMethods",
            (Provider::Azure, true, Headers) => "AllowedHeaders",
            (Provider::Azure, true, Expose) => "ExposedHeaders",
            (Provider::Azure, true, MaxAge) => "MaxAgeInSeconds",
        }
    }
}

impl Format {
    /// How to say "add these values to that field" in this format: `add "PUT" to
    /// AllowedMethods`, in S3's XML `add <AllowedMethod>PUT</AllowedMethod>`.
    pub fn add_phrase(self, field: Field, values: &[String]) -> String {
        let name = self.field(field);
        if self == Format::S3Xml {
            let elements: Vec<String> = values
                .iter()
                .map(|v| format!("<{name}>{v}</{name}>"))
                .collect();
            return format!("add {}", elements.join(""));
        }
        let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
        if self.is_xml() {
            format!("add {} to <{name}>", quoted.join(", "))
        } else {
            format!("add {} to {name}", quoted.join(", "))
        }
    }

    /// The field as a reader finds it in the file: `AllowedOrigins`, `<AllowedOrigin>`.
    pub fn field_ref(self, field: Field) -> String {
        if self.is_xml() {
            format!("<{}>", self.field(field))
        } else {
            self.field(field).to_string()
        }
    }
}

/// A configuration read from text: the rules, whose semantics apply, and where each
/// rule is in the text (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub provider: Provider,
    pub format: Format,
    pub config: CorsConfig,
    /// Where rule `i` is: `CORSRules[1]`, `<CORSRule> at line 9, column 3`.
    pub places: Vec<String>,
    /// Size of the text it was read from, in bytes (S3 refuses more than 64 KB).
    pub bytes: usize,
}

impl Parsed {
    /// A configuration built in code, evaluated with `provider`'s semantics.
    pub fn from_config(provider: Provider, config: CorsConfig) -> Parsed {
        let format = match provider {
            Provider::S3 => Format::S3Json,
            Provider::Gcs => Format::GcsJson,
            Provider::R2 => Format::R2Json,
            Provider::Azure => Format::AzureJson,
        };
        let places = (0..config.rules.len())
            .map(|i| rule_path(format, i))
            .collect();
        let bytes = serde_json::to_string(&config).map(|s| s.len()).unwrap_or(0);
        Parsed {
            provider,
            format,
            config,
            places,
            bytes,
        }
    }

    /// Where rule `index` is, with its ID when it has one.
    pub fn rule_label(&self, index: usize) -> String {
        let place = match self.places.get(index) {
            Some(p) if p.starts_with('[') => format!("rule {p}"),
            Some(p) => p.clone(),
            None => format!("rule [{index}]"),
        };
        match self.config.rules.get(index).and_then(|r| r.id.as_deref()) {
            Some(id) => format!("{place} (ID {id:?})"),
            None => place,
        }
    }

    /// Where one value of a rule is: `CORSRules[1].AllowedOrigins[0]`, or for XML the
    /// rule's place and the element with its value.
    pub fn value_place(&self, index: usize, field: Field, k: usize, value: &str) -> String {
        let name = self.format.field(field);
        let place = self.places.get(index).cloned().unwrap_or_default();
        if self.format.is_xml() {
            format!("{place}, <{name}> {value:?}")
        } else {
            format!("{place}.{name}[{k}]")
        }
    }
}

fn rule_path(format: Format, i: usize) -> String {
    match format {
        Format::S3Json => format!("CORSRules[{i}]"),
        Format::R2Json => format!("rules[{i}]"),
        Format::AzureJson => format!("corsRules[{i}]"),
        _ => format!("[{i}]"),
    }
}

/// Why a configuration could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// `line 3, column 7`, or a JSON path such as `CORSRules[1].AllowedMethods`.
    pub place: String,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

impl std::error::Error for ParseError {}

fn err(place: impl Into<String>, message: impl Into<String>) -> ParseError {
    ParseError {
        place: place.into(),
        message: message.into(),
    }
}

const SHAPES: &str = "expected S3's {\"CORSRules\": [...]} or [{\"AllowedOrigins\": ...}], <CORSConfiguration> XML, GCS's [{\"origin\": ...}], R2's {\"rules\": [...]} or Azure's {\"corsRules\": [...]} / <Cors>";

/// Reads a configuration, detecting its shape. `provider` (from `--provider`) picks the
/// semantics where the shape alone does not: R2 accepts S3's shapes too.
pub fn parse_config(text: &str, provider: Option<Provider>) -> Result<Parsed, ParseError> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let mut parsed = match body.chars().next() {
        None => return Err(err("", format!("the configuration is empty; {SHAPES}"))),
        Some('<') => parse_xml(text)?,
        Some('{' | '[') => parse_json(text)?,
        Some(c) => {
            return Err(err(
                "line 1, column 1",
                format!("unexpected {c:?}: {SHAPES}"),
            ))
        }
    };
    parsed.bytes = text.len();
    if let Some(p) = provider {
        let native = parsed.format.provider();
        if p == native {
            // nothing to do
        } else if p == Provider::R2 && native == Provider::S3 {
            parsed.provider = Provider::R2;
        } else {
            return Err(err(
                "",
                format!(
                    "the file is {}, but --provider {} was given",
                    parsed.format.describe(),
                    p.as_str()
                ),
            ));
        }
    }
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------
// JSON

fn parse_json(text: &str) -> Result<Parsed, ParseError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let message = full
            .rsplit_once(" at line ")
            .map(|(m, _)| m.to_string())
            .unwrap_or(full);
        err(
            format!("line {}, column {}", e.line(), e.column()),
            format!("invalid JSON: {message}"),
        )
    })?;
    match &value {
        Value::Array(items) => parse_json_list(items, ""),
        Value::Object(map) => {
            if let Some(rules) = map.get("CORSRules") {
                s3_rules(rules, "CORSRules", Format::S3Json)
            } else if let Some(inner) = map.get("CORSConfiguration") {
                match inner {
                    Value::Object(m) if m.contains_key("CORSRules") => s3_rules(
                        m.get("CORSRules").unwrap_or(&Value::Null),
                        "CORSConfiguration.CORSRules",
                        Format::S3Json,
                    ),
                    _ => Err(err(
                        "CORSConfiguration",
                        "expected {\"CORSRules\": [...]} inside",
                    )),
                }
            } else if let Some(rules) = map.get("rules") {
                r2_rules(rules)
            } else if let Some(rules) = get_ci(map, "corsRules") {
                azure_rules(rules, "corsRules")
            } else if let Some(cors) = map.get("cors").or_else(|| map.get("cors_config")) {
                let key = if map.contains_key("cors") {
                    "cors"
                } else {
                    "cors_config"
                };
                match cors {
                    Value::Array(items) => parse_json_list(items, key),
                    Value::Object(m) if get_ci(m, "corsRules").is_some() => azure_rules(
                        get_ci(m, "corsRules").unwrap_or(&Value::Null),
                        &format!("{key}.corsRules"),
                    ),
                    _ => Err(err(key, "expected a list of CORS rules")),
                }
            } else if looks_like_s3_rule(map) {
                let rule = s3_rule(map, "")?;
                Ok(Parsed {
                    provider: Provider::S3,
                    format: Format::S3Rule,
                    config: CorsConfig { rules: vec![rule] },
                    places: vec!["the rule".into()],
                    bytes: 0,
                })
            } else {
                let keys: Vec<&str> = map.keys().map(String::as_str).take(5).collect();
                Err(err(
                    "",
                    format!(
                        "not a CORS configuration (top-level keys: {}); {SHAPES}",
                        if keys.is_empty() {
                            "none".to_string()
                        } else {
                            keys.join(", ")
                        }
                    ),
                ))
            }
        }
        _ => Err(err("", SHAPES)),
    }
}

fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn looks_like_s3_rule(map: &Map<String, Value>) -> bool {
    map.contains_key("AllowedOrigins") || map.contains_key("AllowedMethods")
}

/// A bare list: its first rule's keys say whose it is.
fn parse_json_list(items: &[Value], prefix: &str) -> Result<Parsed, ParseError> {
    let first = items.iter().find_map(Value::as_object);
    let has = |k: &str| first.is_some_and(|m| m.contains_key(k));
    let format = if has("origin") || has("method") || has("responseHeader") {
        Format::GcsJson
    } else if has("allowed") {
        Format::R2Json
    } else if first.is_some_and(|m| {
        m.keys().any(|k| {
            ["exposedHeaders", "maxAgeInSeconds", "service"]
                .iter()
                .any(|a| k.eq_ignore_ascii_case(a))
                || k == "allowedOrigins"
                || k == "allowedMethods"
        }) || ["AllowedOrigins", "AllowedMethods"]
            .iter()
            .any(|k| m.get(*k).is_some_and(Value::is_string))
    }) {
        Format::AzureJson
    } else if prefix == "cors" || prefix == "cors_config" {
        Format::GcsJson
    } else {
        Format::S3Array
    };
    let list = Value::Array(items.to_vec());
    match format {
        Format::GcsJson => gcs_rules(items, prefix),
        Format::R2Json => r2_rules_at(&list, prefix),
        Format::AzureJson => azure_rules(&list, prefix),
        _ => s3_rules(&list, prefix, Format::S3Array),
    }
}

fn index_path(prefix: &str, i: usize) -> String {
    format!("{prefix}[{i}]")
}

fn list_of<'a>(value: &'a Value, path: &str, what: &str) -> Result<&'a [Value], ParseError> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(err(path, format!("expected a list of {what}"))),
    }
}

fn object_at<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ParseError> {
    value
        .as_object()
        .ok_or_else(|| err(path, "expected a rule object {…}"))
}

/// A list of strings; `comma` also accepts one comma-separated string (Azure's SDK shape).
fn strings(value: &Value, path: &str, comma: bool) -> Result<Vec<String>, ParseError> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(j, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| err(format!("{path}[{j}]"), "expected a string"))
            })
            .collect(),
        Value::String(s) if comma => Ok(split_commas(s)),
        Value::String(s) => Err(err(
            path,
            format!("expected a list of strings, e.g. [{s:?}], not a single string"),
        )),
        Value::Null => Ok(Vec::new()),
        _ => Err(err(path, "expected a list of strings")),
    }
}

fn split_commas(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn seconds(value: &Value, path: &str) -> Result<Option<u32>, ParseError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| err(path, "expected a whole number of seconds (0 or more)")),
        Value::String(s) => s
            .trim()
            .parse::<u32>()
            .map(Some)
            .map_err(|_| err(path, "expected a whole number of seconds")),
        _ => Err(err(path, "expected a whole number of seconds")),
    }
}

/// "did you mean `AllowedOrigins`?" for keys that differ in case, plural or spelling.
fn suggestion(key: &str, known: &[&str]) -> String {
    let norm = |s: &str| {
        let s = s
            .to_ascii_lowercase()
            .replace(['_', '-'], "")
            .replace("exposed", "expose")
            .replace("inseconds", "seconds")
            .replace("maxagesec", "maxageseconds");
        s.trim_end_matches('s').to_string()
    };
    match known.iter().find(|k| norm(k) == norm(key)) {
        Some(k) => format!("; did you mean {k:?}?"),
        None => format!("; expected one of {}", known.join(", ")),
    }
}

const S3_KEYS: [&str; 6] = [
    "ID",
    "AllowedOrigins",
    "AllowedMethods",
    "AllowedHeaders",
    "ExposeHeaders",
    "MaxAgeSeconds",
];

fn s3_rules(value: &Value, prefix: &str, format: Format) -> Result<Parsed, ParseError> {
    let items = list_of(value, prefix, "rules")?;
    let mut rules = Vec::with_capacity(items.len());
    let mut places = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index_path(prefix, i);
        rules.push(s3_rule(object_at(item, &path)?, &path)?);
        places.push(path);
    }
    Ok(Parsed {
        provider: Provider::S3,
        format,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn s3_rule(map: &Map<String, Value>, path: &str) -> Result<CorsRule, ParseError> {
    let mut rule = CorsRule::default();
    for (key, value) in map {
        let at = join(path, key);
        match key.as_str() {
            "ID" => {
                rule.id = Some(
                    value
                        .as_str()
                        .ok_or_else(|| err(&at, "expected a string"))?
                        .to_string(),
                )
            }
            "AllowedOrigins" => rule.allowed_origins = strings(value, &at, false)?,
            "AllowedMethods" => rule.allowed_methods = strings(value, &at, false)?,
            "AllowedHeaders" => rule.allowed_headers = strings(value, &at, false)?,
            "ExposeHeaders" => rule.expose_headers = strings(value, &at, false)?,
            "MaxAgeSeconds" => rule.max_age_seconds = seconds(value, &at)?,
            _ => {
                return Err(err(
                    at,
                    format!("unknown field {key:?}{}", suggestion(key, &S3_KEYS)),
                ))
            }
        }
    }
    Ok(rule)
}

const GCS_KEYS: [&str; 4] = ["origin", "method", "responseHeader", "maxAgeSeconds"];

fn gcs_rules(items: &[Value], prefix: &str) -> Result<Parsed, ParseError> {
    let mut rules = Vec::with_capacity(items.len());
    let mut places = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index_path(prefix, i);
        let map = object_at(item, &path)?;
        let mut rule = CorsRule::default();
        for (key, value) in map {
            let at = join(&path, key);
            match key.as_str() {
                "origin" => rule.allowed_origins = strings(value, &at, false)?,
                "method" => rule.allowed_methods = strings(value, &at, false)?,
                "responseHeader" => {
                    rule.expose_headers = strings(value, &at, false)?;
                    rule.allowed_headers = rule.expose_headers.clone();
                }
                "maxAgeSeconds" => rule.max_age_seconds = seconds(value, &at)?,
                _ => {
                    return Err(err(
                        at,
                        format!("unknown field {key:?}{}", suggestion(key, &GCS_KEYS)),
                    ))
                }
            }
        }
        rules.push(rule);
        places.push(path);
    }
    Ok(Parsed {
        provider: Provider::Gcs,
        format: Format::GcsJson,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

const R2_KEYS: [&str; 4] = ["id", "allowed", "exposeHeaders", "maxAgeSeconds"];
const R2_ALLOWED_KEYS: [&str; 3] = ["origins", "methods", "headers"];

fn r2_rules(value: &Value) -> Result<Parsed, ParseError> {
    r2_rules_at(value, "rules")
}

fn r2_rules_at(value: &Value, prefix: &str) -> Result<Parsed, ParseError> {
    let items = list_of(value, prefix, "rules")?;
    let mut rules = Vec::with_capacity(items.len());
    let mut places = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index_path(prefix, i);
        let map = object_at(item, &path)?;
        let mut rule = CorsRule::default();
        for (key, value) in map {
            let at = join(&path, key);
            match key.as_str() {
                "id" => {
                    rule.id = Some(
                        value
                            .as_str()
                            .ok_or_else(|| err(&at, "expected a string"))?
                            .to_string(),
                    )
                }
                "allowed" => {
                    let allowed = value.as_object().ok_or_else(|| {
                        err(&at, "expected {\"origins\": [...], \"methods\": [...]}")
                    })?;
                    for (k, v) in allowed {
                        let at = join(&at, k);
                        match k.as_str() {
                            "origins" => rule.allowed_origins = strings(v, &at, false)?,
                            "methods" => rule.allowed_methods = strings(v, &at, false)?,
                            "headers" => rule.allowed_headers = strings(v, &at, false)?,
                            _ => {
                                return Err(err(
                                    at,
                                    format!(
                                        "unknown field {k:?}{}",
                                        suggestion(k, &R2_ALLOWED_KEYS)
                                    ),
                                ))
                            }
                        }
                    }
                }
                "exposeHeaders" => rule.expose_headers = strings(value, &at, false)?,
                "maxAgeSeconds" => rule.max_age_seconds = seconds(value, &at)?,
                _ => {
                    return Err(err(
                        at,
                        format!("unknown field {key:?}{}", suggestion(key, &R2_KEYS)),
                    ))
                }
            }
        }
        rules.push(rule);
        places.push(path);
    }
    Ok(Parsed {
        provider: Provider::R2,
        format: Format::R2Json,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

const AZURE_KEYS: [&str; 5] = [
    "allowedOrigins",
    "allowedMethods",
    "allowedHeaders",
    "exposedHeaders",
    "maxAgeInSeconds",
];

/// Azure's JSON: ARM and the az CLI use lists, the SDKs comma-separated strings, and
/// PowerShell capitalises the names; all are accepted. A `service` other than blob
/// (az's `cors list` prints every service) is left out.
fn azure_rules(value: &Value, prefix: &str) -> Result<Parsed, ParseError> {
    let items = list_of(value, prefix, "rules")?;
    let mut rules = Vec::with_capacity(items.len());
    let mut places = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index_path(prefix, i);
        let map = object_at(item, &path)?;
        let mut rule = CorsRule::default();
        let mut other_service = false;
        for (key, value) in map {
            let at = join(&path, key);
            match key.to_ascii_lowercase().as_str() {
                "allowedorigins" => rule.allowed_origins = strings(value, &at, true)?,
                "allowedmethods" => rule.allowed_methods = strings(value, &at, true)?,
                "allowedheaders" => rule.allowed_headers = strings(value, &at, true)?,
                "exposedheaders" => rule.expose_headers = strings(value, &at, true)?,
                "maxageinseconds" => rule.max_age_seconds = seconds(value, &at)?,
                "service" => {
                    other_service = !matches!(
                        value.as_str().map(str::to_ascii_lowercase).as_deref(),
                        Some("blob" | "b")
                    )
                }
                _ => {
                    return Err(err(
                        at,
                        format!("unknown field {key:?}{}", suggestion(key, &AZURE_KEYS)),
                    ))
                }
            }
        }
        if !other_service {
            rules.push(rule);
            places.push(path);
        }
    }
    Ok(Parsed {
        provider: Provider::Azure,
        format: Format::AzureJson,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

// ---------------------------------------------------------------------------------------
// XML

fn parse_xml(text: &str) -> Result<Parsed, ParseError> {
    let root = xml::parse(text).map_err(|e| {
        err(
            format!("line {}, column {}", e.line, e.column),
            format!("invalid XML: {}", e.message),
        )
    })?;
    match root.name.as_str() {
        "CORSConfiguration" => s3_xml(&root),
        "CorsConfig" => gcs_xml(&root),
        "Cors" => azure_xml(&root),
        "StorageServiceProperties" => match root.children.iter().find(|c| c.name == "Cors") {
            Some(cors) => azure_xml(cors),
            None => Err(err(root.place(), "no <Cors> element in the service properties")),
        },
        other => Err(err(
            root.place(),
            format!("<{other}> is not a CORS configuration; expected <CORSConfiguration> (S3), <CorsConfig> (GCS) or <Cors> (Azure)"),
        )),
    }
}

/// The trimmed text of an element that must hold only text.
fn leaf_text(el: &Element) -> Result<String, ParseError> {
    if let Some(child) = el.children.first() {
        return Err(err(
            child.place(),
            format!("<{}> should hold text, not <{}>", el.name, child.name),
        ));
    }
    Ok(el.text.trim().to_string())
}

/// Containers may hold whitespace between elements, nothing else.
fn no_text(el: &Element) -> Result<(), ParseError> {
    if el.text.trim().is_empty() {
        Ok(())
    } else {
        Err(err(
            el.place(),
            format!(
                "<{}> should hold elements, not the text {:?}",
                el.name,
                el.text.trim()
            ),
        ))
    }
}

fn xml_seconds(el: &Element) -> Result<Option<u32>, ParseError> {
    let text = leaf_text(el)?;
    text.parse::<u32>().map(Some).map_err(|_| {
        err(
            el.place(),
            format!(
                "<{}> must be a whole number of seconds, not {text:?}",
                el.name
            ),
        )
    })
}

fn unknown_element(el: &Element, known: &[&str]) -> ParseError {
    err(
        el.place(),
        format!("unexpected <{}>{}", el.name, suggestion(&el.name, known)),
    )
}

const S3_XML_KEYS: [&str; 6] = [
    "ID",
    "AllowedOrigin",
    "AllowedMethod",
    "AllowedHeader",
    "ExposeHeader",
    "MaxAgeSeconds",
];

fn s3_xml(root: &Element) -> Result<Parsed, ParseError> {
    no_text(root)?;
    let mut rules = Vec::new();
    let mut places = Vec::new();
    for el in &root.children {
        if el.name != "CORSRule" {
            return Err(unknown_element(el, &["CORSRule"]));
        }
        no_text(el)?;
        let mut rule = CorsRule::default();
        for f in &el.children {
            match f.name.as_str() {
                "ID" => rule.id = Some(leaf_text(f)?),
                "AllowedOrigin" => rule.allowed_origins.push(leaf_text(f)?),
                "AllowedMethod" => rule.allowed_methods.push(leaf_text(f)?),
                "AllowedHeader" => rule.allowed_headers.push(leaf_text(f)?),
                "ExposeHeader" => rule.expose_headers.push(leaf_text(f)?),
                "MaxAgeSeconds" => rule.max_age_seconds = xml_seconds(f)?,
                _ => return Err(unknown_element(f, &S3_XML_KEYS)),
            }
        }
        rules.push(rule);
        places.push(format!("<CORSRule> at {}", el.place()));
    }
    Ok(Parsed {
        provider: Provider::S3,
        format: Format::S3Xml,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

const GCS_XML_KEYS: [&str; 4] = ["Origins", "Methods", "ResponseHeaders", "MaxAgeSec"];

fn gcs_xml(root: &Element) -> Result<Parsed, ParseError> {
    no_text(root)?;
    let mut rules = Vec::new();
    let mut places = Vec::new();
    for el in &root.children {
        if el.name != "Cors" {
            return Err(unknown_element(el, &["Cors"]));
        }
        no_text(el)?;
        let mut rule = CorsRule::default();
        for f in &el.children {
            let (list, item) = match f.name.as_str() {
                "Origins" => (&mut rule.allowed_origins, "Origin"),
                "Methods" => (&mut rule.allowed_methods, "Method"),
                "ResponseHeaders" => (&mut rule.expose_headers, "ResponseHeader"),
                "MaxAgeSec" => {
                    rule.max_age_seconds = xml_seconds(f)?;
                    continue;
                }
                _ => return Err(unknown_element(f, &GCS_XML_KEYS)),
            };
            no_text(f)?;
            for v in &f.children {
                if v.name != item {
                    return Err(unknown_element(v, &[item]));
                }
                list.push(leaf_text(v)?);
            }
        }
        rule.allowed_headers = rule.expose_headers.clone();
        rules.push(rule);
        places.push(format!("<Cors> at {}", el.place()));
    }
    Ok(Parsed {
        provider: Provider::Gcs,
        format: Format::GcsXml,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

const AZURE_XML_KEYS: [&str; 5] = [
    "AllowedOrigins",
    "AllowedMethods",
    "AllowedHeaders",
    "ExposedHeaders",
    "MaxAgeInSeconds",
];

fn azure_xml(cors: &Element) -> Result<Parsed, ParseError> {
    no_text(cors)?;
    let mut rules = Vec::new();
    let mut places = Vec::new();
    for el in &cors.children {
        if el.name != "CorsRule" {
            return Err(unknown_element(el, &["CorsRule"]));
        }
        no_text(el)?;
        let mut rule = CorsRule::default();
        for f in &el.children {
            match f.name.as_str() {
                "AllowedOrigins" => rule.allowed_origins = split_commas(&leaf_text(f)?),
                "AllowedMethods" => rule.allowed_methods = split_commas(&leaf_text(f)?),
                "AllowedHeaders" => rule.allowed_headers = split_commas(&leaf_text(f)?),
                "ExposedHeaders" => rule.expose_headers = split_commas(&leaf_text(f)?),
                "MaxAgeInSeconds" => rule.max_age_seconds = xml_seconds(f)?,
                _ => return Err(unknown_element(f, &AZURE_XML_KEYS)),
            }
        }
        rules.push(rule);
        places.push(format!("<CorsRule> at {}", el.place()));
    }
    Ok(Parsed {
        provider: Provider::Azure,
        format: Format::AzureXml,
        config: CorsConfig { rules },
        places,
        bytes: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Parsed {
        parse_config(text, None).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fails(text: &str) -> ParseError {
        parse_config(text, None).unwrap_err()
    }

    #[test]
    fn every_shape_reads_to_the_same_rule() {
        let expect = |p: &Parsed, provider: Provider, format: Format| {
            assert_eq!((p.provider, p.format), (provider, format));
            let r = &p.config.rules[0];
            assert_eq!(r.allowed_origins, ["http://localhost:5173"]);
            assert_eq!(r.allowed_methods, ["PUT", "GET"]);
            assert!(r.allowed_headers.iter().any(|h| h == "content-type"));
            assert!(r.expose_headers.iter().any(|h| h == "ETag"));
            assert_eq!(r.max_age_seconds, Some(3000));
        };
        let s3 = r#"{"AllowedOrigins":["http://localhost:5173"],"AllowedMethods":["PUT","GET"],"AllowedHeaders":["content-type"],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}"#;
        expect(
            &ok(&format!("{{\"CORSRules\":[{s3}]}}")),
            Provider::S3,
            Format::S3Json,
        );
        expect(&ok(&format!("[{s3}]")), Provider::S3, Format::S3Array);
        expect(&ok(s3), Provider::S3, Format::S3Rule);
        expect(
            &ok(&format!(
                "{{\"CORSConfiguration\":{{\"CORSRules\":[{s3}]}}}}"
            )),
            Provider::S3,
            Format::S3Json,
        );
        expect(
            &ok("<CORSConfiguration><CORSRule><AllowedOrigin>http://localhost:5173</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>content-type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>"),
            Provider::S3,
            Format::S3Xml,
        );
        let gcs = r#"[{"origin":["http://localhost:5173"],"method":["PUT","GET"],"responseHeader":["content-type","ETag"],"maxAgeSeconds":3000}]"#;
        expect(&ok(gcs), Provider::Gcs, Format::GcsJson);
        expect(
            &ok(&format!("{{\"cors\":{gcs}}}")),
            Provider::Gcs,
            Format::GcsJson,
        );
        expect(
            &ok("<CorsConfig><Cors><Origins><Origin>http://localhost:5173</Origin></Origins><Methods><Method>PUT</Method><Method>GET</Method></Methods><ResponseHeaders><ResponseHeader>content-type</ResponseHeader><ResponseHeader>ETag</ResponseHeader></ResponseHeaders><MaxAgeSec>3000</MaxAgeSec></Cors></CorsConfig>"),
            Provider::Gcs,
            Format::GcsXml,
        );
        expect(
            &ok(
                r#"{"rules":[{"allowed":{"origins":["http://localhost:5173"],"methods":["PUT","GET"],"headers":["content-type"]},"exposeHeaders":["ETag"],"maxAgeSeconds":3000}]}"#,
            ),
            Provider::R2,
            Format::R2Json,
        );
        expect(
            &ok(
                r#"{"corsRules":[{"allowedOrigins":["http://localhost:5173"],"allowedMethods":["PUT","GET"],"allowedHeaders":["content-type"],"exposedHeaders":["ETag"],"maxAgeInSeconds":3000}]}"#,
            ),
            Provider::Azure,
            Format::AzureJson,
        );
        expect(
            &ok(
                r#"{"cors":[{"allowedOrigins":"http://localhost:5173","allowedMethods":"PUT,GET","allowedHeaders":"content-type","exposedHeaders":"ETag","maxAgeInSeconds":3000}]}"#,
            ),
            Provider::Azure,
            Format::AzureJson,
        );
        expect(
            &ok(
                r#"[{"AllowedOrigins":"http://localhost:5173","AllowedMethods":"PUT,GET","AllowedHeaders":"content-type","ExposedHeaders":"ETag","MaxAgeInSeconds":3000,"Service":"blob"},{"AllowedOrigins":"*","AllowedMethods":"GET","Service":"queue"}]"#,
            ),
            Provider::Azure,
            Format::AzureJson,
        );
        let azure_xml = "<?xml version=\"1.0\"?><StorageServiceProperties><Logging/><Cors><CorsRule><AllowedOrigins>http://localhost:5173</AllowedOrigins><AllowedMethods>PUT,GET</AllowedMethods><AllowedHeaders>content-type,x-ms-meta-*</AllowedHeaders><ExposedHeaders>ETag</ExposedHeaders><MaxAgeInSeconds>3000</MaxAgeInSeconds></CorsRule></Cors></StorageServiceProperties>";
        expect(&ok(azure_xml), Provider::Azure, Format::AzureXml);
    }

    #[test]
    fn provider_flag() {
        let text = r#"{"CORSRules":[]}"#;
        assert_eq!(
            parse_config(text, Some(Provider::R2)).unwrap().provider,
            Provider::R2
        );
        let e = parse_config(text, Some(Provider::Gcs)).unwrap_err();
        assert!(e.message.contains("--provider gcs"), "{e}");
        assert_eq!(ok("[]").provider, Provider::S3);
    }

    #[test]
    fn errors_point_at_the_place() {
        let e = fails("{\"CORSRules\": [\n  {\"AllowedOrigins\": [\"a\"],}\n]}");
        assert_eq!(e.place, "line 2, column 28");
        assert!(e.message.starts_with("invalid JSON"), "{e}");
        let e = fails(r#"{"CORSRules":[{},{"AllowedOrigin":["x"]}]}"#);
        assert_eq!(e.place, "CORSRules[1].AllowedOrigin");
        assert!(e.message.contains("did you mean \"AllowedOrigins\""), "{e}");
        let e = fails(r#"{"CORSRules":[{"AllowedMethods":"PUT"}]}"#);
        assert_eq!(e.place, "CORSRules[0].AllowedMethods");
        assert!(e.message.contains("[\"PUT\"]"), "{e}");
        let e = fails(r#"{"CORSRules":[{"AllowedMethods":["PUT",3]}]}"#);
        assert_eq!(e.place, "CORSRules[0].AllowedMethods[1]");
        let e = fails(r#"[{"AllowedOrigins":["*"],"MaxAgeSeconds":-1}]"#);
        assert_eq!(e.place, "[0].MaxAgeSeconds");
        let e = fails("<CORSConfiguration>\n <CORSRule>\n  <AllowedOrigins>x</AllowedOrigins>\n </CORSRule>\n</CORSConfiguration>");
        assert_eq!(e.place, "line 3, column 3");
        assert!(e.message.contains("did you mean \"AllowedOrigin\""), "{e}");
        let e = fails("<CORSConfiguration><CORSRule><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule></CORSConfiguration>");
        assert!(e.message.contains("whole number"), "{e}");
        let e = fails("<CORSConfiguration><CORSRule></CORSRule>");
        assert!(e.message.contains("never closed"), "{e}");
        assert!(fails("").message.contains("empty"));
        assert!(fails("AllowedOrigins: x").message.contains("unexpected"));
        assert!(fails(r#"{"foo": 1}"#)
            .message
            .contains("top-level keys: foo"));
        assert!(fails("<html/>")
            .message
            .contains("not a CORS configuration"));
        let e = fails(r#"[{"origin":["*"],"methods":["GET"]}]"#);
        assert!(e.message.contains("did you mean \"method\""), "{e}");
        let e = fails(r#"{"rules":[{"allowed":{"origin":["*"]}}]}"#);
        assert_eq!(e.place, "rules[0].allowed.origin");
    }

    #[test]
    fn places_and_labels() {
        let p = ok(r#"{"CORSRules":[{"ID":"uploads","AllowedOrigins":["a"]}]}"#);
        assert_eq!(p.rule_label(0), "CORSRules[0] (ID \"uploads\")");
        assert_eq!(
            p.value_place(0, Field::Origins, 0, "a"),
            "CORSRules[0].AllowedOrigins[0]"
        );
        let p = ok("<CORSConfiguration>\n<CORSRule><AllowedOrigin>a</AllowedOrigin></CORSRule></CORSConfiguration>");
        assert_eq!(p.places[0], "<CORSRule> at line 2, column 1");
        assert_eq!(
            p.value_place(0, Field::Origins, 0, "a"),
            "<CORSRule> at line 2, column 1, <AllowedOrigin> \"a\""
        );
    }
}
