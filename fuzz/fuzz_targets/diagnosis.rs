//! The diagnosis decision with random observations: any request, URL query, response
//! (status, ETag, body, error-code header) and probe outcomes must give one typed
//! diagnosis (or success), never a panic; its explanation must never show a secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upload_doctor::diagnosis::{
    endpoint_of, from_completion, from_network_error, from_response, likely_causes, precheck,
    Attempt, Observed, Probe, Probes,
};
use upload_doctor::explain::explain;
use upload_doctor::presigned::Signing;

fn probe(b: u8) -> Probe {
    match b % 4 {
        0 => Probe::NotRun,
        1 => Probe::Opaque,
        2 => Probe::Failed,
        _ => Probe::Readable(200 + (b as u16) * 3),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, rest) = data.split_at(8);
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.split('\u{1}');
    let mut next = || fields.next().unwrap_or("").to_string();
    let url_base = next();
    let query = next();
    let headers: Vec<String> = next().split(',').map(|h| h.to_ascii_lowercase()).collect();
    let body = next();
    let content_type = next();
    let params: Vec<(String, String)> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv.to_string(), String::new()),
        })
        .collect();
    let signing = Signing::from_params(&params);
    let a = Attempt {
        page_origin: if head[0] & 1 == 0 {
            "http://localhost:5173".into()
        } else {
            "https://app.example.test:8443".into()
        },
        method: ["PUT", "POST", "DELETE", "GET"][(head[1] % 4) as usize].into(),
        url_scheme: url_base.split(':').next().unwrap_or("").into(),
        url_base,
        url_loopback: head[2] & 1 == 1,
        sent_headers: headers,
        content_type: (!content_type.is_empty()).then_some(content_type),
        signing: signing.clone(),
        now: i64::from_le_bytes([head[3], head[4], head[5], head[6], 0, 0, 0, 0]) * 1000,
        upload_methods: vec!["PUT".into()],
        upload_headers: vec![],
    };
    let _ = endpoint_of(&a);
    let _ = likely_causes(&a);
    let mut out = Vec::new();
    if let Some(d) = precheck(&a) {
        out.push(d);
    }
    let status = 100 + (head[7] as u16) * 2;
    let observed = Observed::Response {
        status,
        etag: (head[0] & 2 == 0).then(|| "\"e\"".to_string()),
        body: body.clone(),
        error_code_header: (head[0] & 4 == 0).then(|| body.chars().take(20).collect()),
    };
    if let Some(d) = from_response(&a, &observed, head[1] & 8 == 0) {
        out.push(d);
    }
    if let Err(d) = from_completion(&a, status, &body) {
        out.push(*d);
    }
    let probes = Probes {
        reach: probe(head[3]),
        get: probe(head[4]),
        method: probe(head[5]),
    };
    out.push(from_network_error(
        &a,
        "TypeError: Failed to fetch",
        &probes,
    ));
    for d in &mut out {
        d.redact(&signing.secrets);
        let long = explain(d, &a);
        for secret in signing.secrets.iter().filter(|s| s.len() >= 8) {
            assert!(!long.contains(secret.as_str()), "secret shown: {secret}");
            assert!(
                !d.headline.contains(secret.as_str()),
                "secret in headline: {secret}"
            );
        }
    }
});
