//! Every configuration shape (JSON and XML, all providers) through the whole engine:
//! parse, lint, evaluate a few requests, apply the suggested edit (the request must then
//! pass), write the configuration back and read it again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upload_doctor::cors::check::{check, Request};
use upload_doctor::cors::lint::{lint, LintOptions};
use upload_doctor::cors::parse::{parse_config, Parsed, Provider};
use upload_doctor::cors::render::config_text;
use upload_doctor::cors::report::{check_output, lint_output};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the `--provider` flag; the rest is the file.
    let (flag, rest) = data
        .split_first()
        .map(|(f, r)| (*f, r))
        .unwrap_or((0, data));
    let provider = match flag % 5 {
        0 => None,
        n => Some(Provider::ALL[(n - 1) as usize]),
    };
    let text = String::from_utf8_lossy(rest);
    let Ok(parsed) = parse_config(&text, provider) else {
        return;
    };
    let findings = lint(
        &parsed,
        &LintOptions {
            credentials: flag & 8 != 0,
        },
    );
    let _ = lint_output(&parsed, &findings);
    let origins = ["http://localhost:5173", "https://app.example.com", "null"];
    let methods = ["PUT", "GET", "PATCH"];
    let headers: [&[&str]; 3] = [
        &[],
        &["content-type"],
        &["content-type", "x-amz-meta-a", "x-ms-meta-b"],
    ];
    for (i, origin) in origins.iter().enumerate() {
        let hs: Vec<String> = headers[i].iter().map(|s| s.to_string()).collect();
        let req = Request::from_browser(origin, methods[i], &hs);
        let c = check(&parsed, &req);
        let _ = check_output(&parsed, &c);
        if let Some(fixed) = c.fixed_config(&parsed) {
            let after = check(
                &Parsed {
                    config: fixed,
                    ..parsed.clone()
                },
                &req,
            );
            assert!(
                after.allowed && after.code.is_none(),
                "the edit did not work: {c:?} -> {after:?}"
            );
        }
    }
    let written = config_text(parsed.format, &parsed.config);
    if let Err(e) = parse_config(&written, Some(parsed.provider)) {
        panic!("cannot read back what was written: {e}\n{written}");
    }
});
