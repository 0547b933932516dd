//! What a user types as `--origin`, `--method` and `--header`: normalisation and
//! validation, then evaluation against one configuration of each provider.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upload_doctor::cors::check::{check, diagnose_with_config, origin_problem, Request};
use upload_doctor::cors::parse::{parse_config, Provider};

const CONFIGS: &[&str] = &[
    r#"{"CORSRules":[{"AllowedOrigins":["https://*.example.com","http://localhost:5173/"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["x-amz-*"],"ExposeHeaders":["ETag"]},{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]}"#,
    r#"[{"origin":["*"],"method":["*"],"responseHeader":["content-type"]}]"#,
    r#"{"rules":[{"allowed":{"origins":["http://localhost:5173"],"methods":["PUT"],"headers":["*"]}}]}"#,
    r#"{"corsRules":[{"allowedOrigins":["*"],"allowedMethods":["PUT"],"allowedHeaders":["x-ms-meta*"],"exposedHeaders":["*"],"maxAgeInSeconds":1}]}"#,
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\n');
    let origin = parts.next().unwrap_or("");
    let method = parts.next().unwrap_or("");
    let headers: Vec<String> = parts.map(str::to_string).collect();
    let _ = origin_problem(origin);
    let strict = Request::new(origin, method, &headers);
    for (i, config) in CONFIGS.iter().enumerate() {
        let Ok(parsed) = parse_config(config, Some(Provider::ALL[i])) else {
            continue;
        };
        let c = diagnose_with_config(&parsed, origin, method, &headers);
        if let Ok(req) = &strict {
            assert_eq!(check(&parsed, req).allowed, c.allowed);
        }
    }
});
