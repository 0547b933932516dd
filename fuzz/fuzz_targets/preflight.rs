//! A preflight answer as the server sends it (status, header lines, XML body) and the
//! answers to the follow-up preflights: the explanation must never panic and the output
//! must never contain the URL's query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upload_doctor::cors::check::Request;
use upload_doctor::cors::preflight::{diagnose, probes, Answer};
use upload_doctor::cors::report::preflight_output;
use upload_doctor::s3_error;

/// `status`, then `name: value` lines, a blank line, then the body.
fn answer(chunk: &str) -> Answer {
    let (head, body) = chunk.split_once("\n\n").unwrap_or((chunk, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(403);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
        error: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = s3_error::parse(&text);
    let _ = s3_error::tag(&text, "ETag");
    let mut chunks = text.split('\u{1}');
    let first = answer(chunks.next().unwrap_or(""));
    let req = Request::from_browser(
        "http://localhost:5173",
        "PUT",
        &["content-type".into(), "x-amz-meta-a".into()],
    );
    let followups: Vec<_> = probes(&req).into_iter().zip(chunks.map(answer)).collect();
    let v = diagnose(&req, &first, &followups);
    let out = preflight_output(
        "http://127.0.0.1:4566/b/k?X-Amz-Signature=SECRETSIG",
        &req,
        &v,
    );
    assert!(!out.json.contains("SECRETSIG") && !out.text.contains("SECRETSIG"));
});
