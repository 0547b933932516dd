//! What a presigned URL says about itself: which parameters are secrets, when it
//! expires, which headers it signs and for which region.
//!
//! The browser's `URL` does the parsing; this module works on the decoded
//! `(name, value)` pairs so that it runs natively in tests.

/// Query parameters whose values must never be shown (AWS SigV4/SigV2, GCS, Azure SAS, B2).
const SECRET_PARAMS: &[&str] = &[
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "signature",
    "awsaccesskeyid",
    "x-goog-signature",
    "x-goog-credential",
    "googleaccessid",
    "sig",
    "authorization",
    "x-bz-signature",
    "token",
];

/// True when the value of query parameter `name` is a secret.
pub fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMS.contains(&name.as_str())
}

/// Replaces every occurrence of a secret value (raw or percent-encoded) in `text`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    // Real secrets are long; a short one (LocalStack's access key "test") would only
    // blank out ordinary words.
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        for form in [secret.clone(), percent_encode(secret)] {
            if out.contains(&form) {
                out = out.replace(&form, "[redacted]");
            }
        }
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SigV4 (or SigV2) facts read from a URL's query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signing {
    /// Unix seconds when the URL was signed (`X-Amz-Date`).
    pub signed_at: Option<i64>,
    /// Unix seconds after which the URL is refused (`X-Amz-Date + X-Amz-Expires`, or SigV2 `Expires`).
    pub expires_at: Option<i64>,
    /// Lower-case names from `X-Amz-SignedHeaders`.
    pub signed_headers: Vec<String>,
    /// The credential scope's region.
    pub region: Option<String>,
    /// Values to redact from anything shown.
    pub secrets: Vec<String>,
    /// True for SigV4 query signing (`X-Amz-Algorithm=AWS4-HMAC-SHA256`).
    pub sigv4: bool,
    /// Checksum parameters signed into the URL (`x-amz-checksum-crc32`, ...).
    pub checksum_params: Vec<String>,
}

impl Signing {
    pub fn from_params(params: &[(String, String)]) -> Signing {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let signed_at = get("X-Amz-Date").and_then(parse_amz_date);
        let expires_at = match (signed_at, get("X-Amz-Expires")) {
            (Some(at), Some(secs)) => secs.parse::<i64>().ok().map(|s| at + s),
            _ => get("Expires").and_then(|e| e.parse().ok()),
        };
        let signed_headers = get("X-Amz-SignedHeaders")
            .map(|h| {
                h.split(';')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        // Credential: AKID/20261203/us-east-1/s3/aws4_request
        let region = get("X-Amz-Credential")
            .and_then(|c| c.split('/').nth(2))
            .map(str::to_string);
        let secrets = params
            .iter()
            .filter(|(k, v)| is_secret_param(k) && !v.is_empty())
            .flat_map(|(_, v)| {
                // The access key id alone is also a credential.
                let mut all = vec![v.clone()];
                if let Some((akid, _)) = v.split_once('/') {
                    all.push(akid.to_string());
                }
                all
            })
            .collect();
        let sigv4 = get("X-Amz-Algorithm").is_some_and(|a| a.starts_with("AWS4-"));
        let checksum_params = params
            .iter()
            .map(|(k, _)| k.to_ascii_lowercase())
            .filter(|k| k.starts_with("x-amz-checksum-") || k == "x-amz-sdk-checksum-algorithm")
            .collect();
        Signing {
            signed_at,
            expires_at,
            signed_headers,
            region,
            secrets,
            sigv4,
            checksum_params,
        }
    }

    /// Seconds since the URL expired (positive) or until it expires (negative).
    pub fn expired_for(&self, now: i64) -> Option<i64> {
        self.expires_at.map(|at| now - at)
    }
}

/// Parses `20261203T130500Z` into Unix seconds.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_sigv4() {
        let s = Signing::from_params(&params(&[
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            (
                "X-Amz-Credential",
                "AKIAEXAMPLE/20261203/eu-central-1/s3/aws4_request",
            ),
            ("X-Amz-Date", "20261203T130500Z"),
            ("X-Amz-Expires", "900"),
            ("X-Amz-SignedHeaders", "content-type;host"),
            ("X-Amz-Signature", "abcd1234"),
        ]));
        assert_eq!(s.signed_at, Some(1_796_303_100));
        assert_eq!(s.expires_at, Some(1_796_304_000));
        assert_eq!(s.signed_headers, vec!["content-type", "host"]);
        assert_eq!(s.region.as_deref(), Some("eu-central-1"));
        assert!(s.secrets.contains(&"AKIAEXAMPLE".to_string()));
        assert_eq!(s.expired_for(1_796_304_010), Some(10));
    }

    #[test]
    fn every_providers_secrets_are_found_and_redacted() {
        let urls: &[&[(&str, &str)]] = &[
            &[
                ("X-Amz-Signature", "aaaabbbbccccdddd1111"),
                (
                    "X-Amz-Credential",
                    "AKIAQQQQQQQQ/20261203/us-east-1/s3/aws4_request",
                ),
                ("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEXAMPLE"),
            ],
            &[
                ("X-Goog-Signature", "deadbeefcafe0123"),
                (
                    "X-Goog-Credential",
                    "svc@proj.iam.gserviceaccount.com/20261203/auto/storage/goog4_request",
                ),
            ],
            &[
                ("GoogleAccessId", "svc@proj.iam.gserviceaccount.com"),
                ("Signature", "c2lnbmF0dXJlMTIz"),
            ],
            &[
                ("sv", "2022-11-02"),
                ("sig", "Zm9vYmFyYmF6cXV4MTIz"),
                ("se", "2026-12-04"),
            ],
            &[
                ("AWSAccessKeyId", "AKIAOLDSTYLE1234"),
                ("Signature", "b2xkc2lnbmF0dXJl"),
                ("Expires", "1796304000"),
            ],
        ];
        for params in urls {
            let owned: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let s = Signing::from_params(&owned);
            let all: String = params.iter().map(|(k, v)| format!("{k}={v} ")).collect();
            let shown = redact(&all, &s.secrets);
            for (k, v) in params.iter() {
                if is_secret_param(k) {
                    assert!(!shown.contains(v), "{k} leaked: {shown}");
                }
            }
            assert!(!s.secrets.is_empty());
        }
        assert!(!is_secret_param("sv") && !is_secret_param("se"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20000301T000000Z"), Some(951_868_800));
        assert_eq!(parse_amz_date("2026-12-03"), None);
        assert_eq!(parse_amz_date("20261303T000000Z"), None);
        assert_eq!(parse_amz_date("2026120ÿT0000Z"), None);
    }

    #[test]
    fn secrets_are_redacted_in_both_forms() {
        let secrets = vec!["AKIA/2026/us/s3".to_string(), "deadbeef".to_string()];
        let text = "cred=AKIA%2F2026%2Fus%2Fs3 sig deadbeef and AKIA/2026/us/s3";
        let out = redact(text, &secrets);
        assert!(!out.contains("deadbeef") && !out.contains("AKIA"), "{out}");
        assert!(is_secret_param("X-Amz-Security-Token"));
        assert!(is_secret_param("sig"));
        assert!(!is_secret_param("X-Amz-Date"));
    }
}
