//! Generates (configuration, request) pairs for the differential test against LocalStack
//! (`tests/cors-differential.mjs`), as JSON on stdout:
//!
//! ```sh
//! cargo run --quiet --example cors_cases -- 400 1    # count, seed
//! ```
//!
//! Rules mix exact, wildcard, broken (trailing slash, upper case) and foreign origins,
//! method subsets, header patterns with and without `*`, so that every verdict kind
//! comes up. Each rule's `MaxAgeSeconds` is `1000 + its index`: LocalStack's
//! `Access-Control-Max-Age` then says which rule matched.
//!
//! A case is marked `excluded` only where LocalStack is known to differ from AWS:
//! - a header pattern with `*` other than `*` alone (`x-amz-*`): LocalStack compares it
//!   as a literal; the case is excluded when the engine's answer depends on it;
//! - an origin pattern whose `*` would match nothing (`http://localhost*` for
//!   `http://localhost`): LocalStack's `*` needs at least one character (AWS does not
//!   document it); excluded when the engine's answer depends on it.
//!
//! Not generated at all: origins LocalStack allows by default when a bucket has no
//! configuration (its own `localhost:4566`), more than one `*` in an origin (AWS refuses
//! the configuration, LocalStack accepts it), methods outside S3's five in a rule (both
//! refuse the configuration).

use upload_doctor::cors::check::{check, Request};
use upload_doctor::cors::parse::{Parsed, Provider};
use upload_doctor::cors::{CorsConfig, CorsRule};

/// xorshift64*: small, seeded, the same cases on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// A subset of `items` of size `min..=max`, in `items`' order.
    fn subset(&mut self, items: &[&str], min: usize, max: usize) -> Vec<String> {
        let want = min + self.below(max - min + 1);
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < want.min(items.len()) {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i].to_string()).collect()
    }
}

const REQUEST_ORIGINS: &[&str] = &[
    "http://localhost:5173",
    "http://localhost:3000",
    "https://app.example.com",
    "https://admin.example.com",
    "https://example.com",
    "http://app.example.com",
    "https://evil.test",
    "http://127.0.0.1:8080",
];

const RULE_ORIGINS: &[&str] = &[
    "*",
    "http://localhost:5173",
    "http://localhost:3000",
    "https://app.example.com",
    "https://example.com",
    "https://*.example.com",
    "http://localhost:*",
    "*.example.com",
    "https://*",
    "http://localhost:5173/",
    "https://APP.example.com",
    "http://*.example.com",
    "http://127.0.0.1:*",
];

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];
const REQUEST_METHODS: &[&str] = &[
    "GET", "PUT", "POST", "DELETE", "HEAD", "PUT", "PUT", "PATCH",
];

const RULE_HEADERS: &[&str] = &[
    "*",
    "content-type",
    "Content-Type",
    "x-amz-meta-owner",
    "authorization",
    "x-amz-date",
    "x-amz-meta-*",
    "x-amz-*",
    "*-type",
    "cache-control",
];

const REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "cache-control",
    "content-type",
    "x-amz-date",
    "x-amz-meta-a",
    "x-amz-meta-owner",
    "x-custom",
];

const EXPOSE: &[&str] = &["ETag", "x-amz-request-id", "Content-Length"];

fn rule(rng: &mut Rng, index: usize, near: &str) -> CorsRule {
    let mut origins = rng.subset(RULE_ORIGINS, 1, 2);
    if rng.chance(45) {
        // Often list the request's origin, so that methods and headers get decided.
        origins.insert(0, near.to_string());
        origins.dedup();
    }
    let headers = if rng.chance(25) {
        Vec::new()
    } else {
        rng.subset(RULE_HEADERS, 1, 3)
    };
    CorsRule {
        id: None,
        allowed_origins: origins,
        allowed_methods: rng.subset(METHODS, 1, 3),
        allowed_headers: headers,
        expose_headers: rng.subset(EXPOSE, 0, 2),
        max_age_seconds: Some(1000 + index as u32),
    }
}

/// The rules as LocalStack reads them: header patterns with a partial `*` as literals
/// (`headers`), and origin patterns whose `*` would match nothing as not matching
/// (`origins`).
fn localstack_view(
    rules: &[CorsRule],
    origin: &str,
    headers: bool,
    origins: bool,
) -> Vec<CorsRule> {
    rules
        .iter()
        .map(|r| {
            let mut r = r.clone();
            for h in &mut r.allowed_headers {
                if headers && h.contains('*') && h != "*" {
                    *h = "\u{1}literal".to_string();
                }
            }
            for o in &mut r.allowed_origins {
                if let Some((head, tail)) = o.split_once('*') {
                    if origins && o != "*" && origin.len() == head.len() + tail.len() {
                        *o = "\u{1}literal".to_string();
                    }
                }
            }
            r
        })
        .collect()
}

fn outcome(rules: Vec<CorsRule>, req: &Request) -> (bool, Option<usize>, Option<&'static str>) {
    let c = check(
        &Parsed::from_config(Provider::S3, CorsConfig { rules }),
        req,
    );
    (
        c.allowed,
        c.rule.filter(|_| c.matched),
        c.code.map(|c| c.as_str()),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(400);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut cases = Vec::with_capacity(count);
    for id in 0..count {
        let origin = rng.pick(REQUEST_ORIGINS);
        let method = rng.pick(REQUEST_METHODS);
        let headers = if rng.chance(30) {
            Vec::new()
        } else {
            rng.subset(REQUEST_HEADERS, 1, 3)
        };
        let rules: Option<Vec<CorsRule>> = if rng.chance(6) {
            None
        } else {
            let n = 1 + rng.below(4);
            Some((0..n).map(|i| rule(&mut rng, i, origin)).collect())
        };
        let req = Request::from_browser(origin, method, &headers);
        let all = rules.clone().unwrap_or_default();
        let engine = outcome(all.clone(), &req);
        let differs = |h, o| engine != outcome(localstack_view(&all, origin, h, o), &req);
        let excluded = if differs(true, false) {
            Some("header pattern with a partial `*` (LocalStack compares it literally)")
        } else if differs(false, true) || differs(true, true) {
            Some("origin `*` matching nothing (LocalStack's `*` needs one character)")
        } else {
            None
        };
        cases.push(serde_json::json!({
            "id": id,
            "rules": rules,
            "origin": origin,
            "method": method,
            "headers": headers,
            "excluded": excluded,
        }));
    }
    let out = serde_json::json!({ "seed": seed, "cases": cases });
    println!("{}", serde_json::to_string(&out).unwrap_or_default());
}
