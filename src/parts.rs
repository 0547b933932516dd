//! Multipart planning and the part scheduler: which part to send next, how many at
//! once, and whether a failure is retried. No I/O here: the browser layer (or a test's
//! fake transport) reports outcomes and asks what to do next.

use crate::codes::Code;

pub const MIB: u64 = 1024 * 1024;
/// S3: every part but the last is at least 5 MiB.
pub const MIN_PART: u64 = 5 * MIB;
/// S3: at most 5 GiB per part.
pub const MAX_PART: u64 = 5 * 1024 * MIB;
/// S3: at most 10,000 parts.
pub const MAX_PARTS: u64 = 10_000;
/// S3: at most 5 TiB per object.
pub const MAX_OBJECT: u64 = 5 * 1024 * 1024 * MIB;

pub const DEFAULT_CONCURRENCY: u32 = 4;
pub const DEFAULT_RETRIES: u32 = 3;
/// Time limit for one part or the completion: generous for a slow link, finite so that
/// a stalled connection is retried instead of hanging the upload.
pub const DEFAULT_TIMEOUT_MS: u32 = 300_000;
const BACKOFF_BASE_MS: f64 = 300.0;
const BACKOFF_CAP_MS: f64 = 10_000.0;

/// How a file is cut into parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub size: u64,
    pub part_size: u64,
    pub count: u32,
}

impl Plan {
    /// Plans `size` bytes; `requested` is the caller's `partSize`, if any.
    pub fn new(size: u64, requested: Option<u64>) -> Result<Plan, String> {
        if size > MAX_OBJECT {
            return Err(format!(
                "the file is {size} bytes; S3 objects are at most 5 TiB"
            ));
        }
        let part_size = match requested {
            Some(p) if p < MIN_PART => {
                return Err(format!("partSize {p} is below S3's minimum of 5 MiB ({MIN_PART} bytes)"))
            }
            Some(p) if p > MAX_PART => {
                return Err(format!("partSize {p} is above S3's maximum of 5 GiB ({MAX_PART} bytes)"))
            }
            Some(p) if size.div_ceil(p) > MAX_PARTS => {
                return Err(format!(
                    "partSize {p} cuts {size} bytes into {} parts; S3 allows at most 10,000 (use at least {} bytes)",
                    size.div_ceil(p),
                    size.div_ceil(MAX_PARTS)
                ))
            }
            Some(p) => p,
            // The smallest whole MiB that fits in 10,000 parts, never below 8 MiB:
            // fewer requests than 5 MiB parts, still many parts in flight.
            None => size.div_ceil(MAX_PARTS).div_ceil(MIB).max(8) * MIB,
        };
        let count = size.div_ceil(part_size).max(1) as u32;
        Ok(Plan {
            size,
            part_size,
            count,
        })
    }

    /// Byte range `[start, end)` of part `number` (1-based).
    pub fn range(&self, number: u32) -> (u64, u64) {
        let start = (number as u64 - 1) * self.part_size;
        (start, (start + self.part_size).min(self.size))
    }

    pub fn len(&self, number: u32) -> u64 {
        let (s, e) = self.range(number);
        e - s
    }
}

/// Whether a failed part is sent again.
pub fn retryable(code: Code, status: Option<u16>) -> bool {
    match code {
        Code::NetworkUnreachable | Code::S3SlowDown | Code::S3UrlExpired => true,
        Code::HttpStatus => status.is_some_and(|s| s >= 500),
        _ => false,
    }
}

/// Full-jitter exponential backoff: `random` in [0, 1) picks within the window.
pub fn backoff_ms(attempt: u32, random: f64) -> u32 {
    let window = (BACKOFF_BASE_MS * 2f64.powi(attempt.min(16) as i32)).min(BACKOFF_CAP_MS);
    (window * random.clamp(0.0, 1.0)) as u32
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Waiting,
    Sending,
    Done { etag: String },
}

/// What to do after a part failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Sign it again and send it after this many milliseconds.
    Retry { delay_ms: u32 },
    /// Stop the upload with this failure.
    Fail,
}

/// Hands out parts in ascending order, at most `concurrency` at once.
#[derive(Clone, Debug)]
pub struct Scheduler {
    pub plan: Plan,
    concurrency: u32,
    retries: u32,
    states: Vec<State>,
    attempts: Vec<u32>,
    failed: bool,
}

impl Scheduler {
    pub fn new(plan: Plan, concurrency: u32, retries: u32) -> Scheduler {
        Scheduler {
            plan,
            concurrency: concurrency.max(1),
            retries,
            states: vec![State::Waiting; plan.count as usize],
            attempts: vec![0; plan.count as usize],
            failed: false,
        }
    }

    /// Marks parts already on the server (from `listParts`) as done when their size is
    /// right. Returns how many were kept.
    pub fn resume(&mut self, existing: &[(u32, u64, String)]) -> u32 {
        let mut kept = 0;
        for (number, size, etag) in existing {
            let (n, s) = (*number, *size);
            if n >= 1 && n <= self.plan.count && s == self.plan.len(n) && !etag.is_empty() {
                self.states[n as usize - 1] = State::Done { etag: etag.clone() };
                kept += 1;
            }
        }
        kept
    }

    fn in_flight(&self) -> u32 {
        self.states.iter().filter(|s| **s == State::Sending).count() as u32
    }

    /// The next part to send, if the concurrency limit allows one.
    pub fn next_part(&mut self) -> Option<u32> {
        if self.failed || self.in_flight() >= self.concurrency {
            return None;
        }
        let i = self.states.iter().position(|s| *s == State::Waiting)?;
        self.states[i] = State::Sending;
        self.attempts[i] += 1;
        Some(i as u32 + 1)
    }

    pub fn succeeded(&mut self, number: u32, etag: String) {
        self.states[number as usize - 1] = State::Done { etag };
    }

    /// Records a failure; `retry` says whether sending it again may succeed
    /// ([`crate::diagnosis::Diagnosis::retryable`]). `random` in [0, 1) for the jitter.
    pub fn failed(&mut self, number: u32, retry: bool, random: f64) -> Decision {
        let i = number as usize - 1;
        if retry && self.attempts[i] <= self.retries && !self.failed {
            self.states[i] = State::Waiting;
            return Decision::Retry {
                delay_ms: backoff_ms(self.attempts[i] - 1, random),
            };
        }
        self.failed = true;
        Decision::Fail
    }

    pub fn attempts(&self, number: u32) -> u32 {
        self.attempts[number as usize - 1]
    }

    pub fn is_complete(&self) -> bool {
        self.states.iter().all(|s| matches!(s, State::Done { .. }))
    }

    pub fn bytes_done(&self) -> u64 {
        (1..=self.plan.count)
            .filter(|n| matches!(self.states[*n as usize - 1], State::Done { .. }))
            .map(|n| self.plan.len(n))
            .sum()
    }

    /// `(number, etag)` of every part, ascending: the CompleteMultipartUpload list.
    pub fn parts(&self) -> Vec<(u32, String)> {
        self.states
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                State::Done { etag } => Some((i as u32 + 1, etag.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The CompleteMultipartUpload body: parts in order, ETags exactly as returned.
pub fn complete_xml(parts: &[(u32, String)]) -> String {
    let mut xml = String::from("<CompleteMultipartUpload>");
    for (n, etag) in parts {
        let etag = etag
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        xml.push_str(&format!(
            "<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>"
        ));
    }
    xml.push_str("</CompleteMultipartUpload>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans() {
        let p = Plan::new(11 * MIB, Some(5 * MIB)).unwrap();
        assert_eq!((p.count, p.len(1), p.len(3)), (3, 5 * MIB, MIB));
        let exact = Plan::new(10 * MIB, Some(5 * MIB)).unwrap();
        assert_eq!((exact.count, exact.len(2)), (2, 5 * MIB));
        let small = Plan::new(1000, None).unwrap();
        assert_eq!((small.count, small.len(1)), (1, 1000));
        let empty = Plan::new(0, None).unwrap();
        assert_eq!((empty.count, empty.len(1)), (1, 0));
        let huge = Plan::new(MAX_OBJECT, None).unwrap();
        assert!(huge.count as u64 <= MAX_PARTS && huge.part_size <= MAX_PART);
        assert!(Plan::new(200 * MIB, Some(MIB))
            .unwrap_err()
            .contains("5 MiB"));
        assert!(Plan::new(MAX_PART * 2, Some(MAX_PART + 1)).is_err());
        assert!(Plan::new(100_000 * MIB, Some(5 * MIB))
            .unwrap_err()
            .contains("10,000"));
        assert!(Plan::new(MAX_OBJECT + 1, None).is_err());
    }

    /// A fake transport: parts finish in a scripted order with scripted outcomes.
    #[test]
    fn ordering_and_concurrency_limit() {
        let mut s = Scheduler::new(Plan::new(40 * MIB, Some(5 * MIB)).unwrap(), 3, 2);
        let started: Vec<u32> = std::iter::from_fn(|| s.next_part()).collect();
        assert_eq!(started, vec![1, 2, 3]);
        s.succeeded(2, "\"b\"".into());
        assert_eq!(s.next_part(), Some(4));
        assert_eq!(s.next_part(), None);
        let mut max_in_flight = 0;
        let mut done = vec![2];
        let mut in_flight = vec![1, 3, 4];
        while let Some(n) = in_flight.pop() {
            s.succeeded(n, format!("\"{n}\""));
            done.push(n);
            while let Some(m) = s.next_part() {
                in_flight.push(m);
            }
            max_in_flight = max_in_flight.max(in_flight.len());
        }
        assert!(max_in_flight <= 3);
        assert!(s.is_complete());
        let numbers: Vec<u32> = s.parts().iter().map(|p| p.0).collect();
        assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
        assert_eq!(s.bytes_done(), 40 * MIB);
    }

    #[test]
    fn retry_decisions() {
        let mut s = Scheduler::new(Plan::new(20 * MIB, Some(5 * MIB)).unwrap(), 4, 2);
        let n = s.next_part().unwrap();
        assert!(matches!(
            s.failed(n, retryable(Code::S3SlowDown, Some(503)), 0.5),
            Decision::Retry { .. }
        ));
        assert_eq!(s.next_part(), Some(1), "a retried part goes first again");
        assert!(matches!(
            s.failed(1, retryable(Code::S3UrlExpired, Some(403)), 0.5),
            Decision::Retry { .. }
        ));
        assert_eq!(s.next_part(), Some(1));
        assert_eq!(s.attempts(1), 3);
        assert_eq!(
            s.failed(1, retryable(Code::NetworkUnreachable, None), 0.5),
            Decision::Fail,
            "retries are bounded"
        );
        assert_eq!(s.next_part(), None, "nothing starts after a failure");

        for code in [
            Code::CorsOriginNotAllowed,
            Code::CorsEtagNotExposed,
            Code::S3SignatureMismatch,
        ] {
            let mut s = Scheduler::new(Plan::new(MIB, None).unwrap(), 4, 5);
            let n = s.next_part().unwrap();
            assert_eq!(
                s.failed(n, retryable(code, Some(403)), 0.1),
                Decision::Fail,
                "{code:?}"
            );
        }
        assert!(retryable(Code::HttpStatus, Some(500)));
        assert!(!retryable(Code::HttpStatus, Some(404)));
    }

    /// A fake transport: many seeded runs with random completion order and random
    /// transient failures. Invariants: the limit holds, every part ends done exactly
    /// once, attempts stay bounded, the completion list is ascending.
    #[test]
    fn fake_transport_runs() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for run in 0..200 {
            let parts = 1 + (rand() * 30.0) as u64;
            let concurrency = 1 + (rand() * 8.0) as u32;
            let retries = (rand() * 4.0) as u32;
            let plan = Plan::new(parts * 5 * MIB - 17, Some(5 * MIB)).unwrap();
            let mut s = Scheduler::new(plan, concurrency, retries);
            let mut in_flight: Vec<u32> = Vec::new();
            let mut failed = false;
            loop {
                while let Some(n) = s.next_part() {
                    in_flight.push(n);
                }
                assert!(in_flight.len() as u32 <= concurrency, "run {run}");
                if in_flight.is_empty() {
                    break;
                }
                let n = in_flight.swap_remove((rand() * in_flight.len() as f64) as usize);
                if rand() < 0.2 {
                    match s.failed(n, true, rand()) {
                        Decision::Retry { delay_ms, .. } => assert!(delay_ms <= 10_000),
                        Decision::Fail => {
                            // Only the first failure to give up may do so before its
                            // retries are spent; after it, nothing is retried.
                            assert!(
                                failed || s.attempts(n) > retries,
                                "gave up early in run {run}"
                            );
                            failed = true;
                        }
                    }
                } else {
                    s.succeeded(n, format!("\"{n}\""));
                }
            }
            assert_eq!(s.is_complete(), !failed, "run {run}");
            if !failed {
                let got: Vec<u32> = s.parts().iter().map(|p| p.0).collect();
                assert_eq!(got, (1..=plan.count).collect::<Vec<_>>());
                assert_eq!(s.bytes_done(), plan.size);
            }
            for n in 1..=plan.count {
                assert!(s.attempts(n) <= retries + 1);
            }
        }
    }

    #[test]
    fn backoff_is_bounded() {
        assert_eq!(backoff_ms(0, 0.0), 0);
        assert_eq!(backoff_ms(0, 1.0), 300);
        assert_eq!(backoff_ms(2, 1.0), 1200);
        assert_eq!(backoff_ms(40, 1.0), 10_000);
        assert!(backoff_ms(3, 0.5) <= 2400);
    }

    #[test]
    fn resume_keeps_parts_of_the_right_size() {
        let mut s = Scheduler::new(Plan::new(11 * MIB, Some(5 * MIB)).unwrap(), 2, 1);
        let kept = s.resume(&[
            (1, 5 * MIB, "\"a\"".into()),
            (2, 4 * MIB, "\"short\"".into()),
            (9, MIB, "\"x\"".into()),
        ]);
        assert_eq!(kept, 1);
        assert_eq!(s.next_part(), Some(2));
        assert_eq!(s.next_part(), Some(3));
    }

    #[test]
    fn completion_body() {
        let xml = complete_xml(&[(1, "\"a\"".into()), (2, "\"b\"".into())]);
        assert_eq!(xml, "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part></CompleteMultipartUpload>");
    }
}
