//! The stable error codes: the whole contract between the library and its users.
//!
//! Every failure the library reports carries exactly one of these. The string form
//! (`cors/origin-not-allowed`) is what JavaScript sees in `err.code`; it never changes
//! once published.

use serde::Serialize;

macro_rules! codes {
    ($($variant:ident = $text:literal: $headline:literal,)*) => {
        /// One failure kind. See [`Code::as_str`] for the published name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in the order the documentation lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The published name, e.g. `cors/origin-not-allowed`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            /// A one-line summary used when the diagnosis has nothing more specific.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $headline,)* }
            }

            /// The code for a published name.
            pub fn parse(text: &str) -> Option<Code> {
                match text { $($text => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    CorsOriginNotAllowed = "cors/origin-not-allowed": "The bucket's CORS rules do not allow this page's origin",
    CorsMethodNotAllowed = "cors/method-not-allowed": "The bucket's CORS rule for this origin does not allow the method",
    CorsHeaderNotAllowed = "cors/header-not-allowed": "The bucket's CORS rule does not allow a request header this upload sends",
    CorsEtagNotExposed = "cors/etag-not-exposed": "The upload succeeded but the bucket's CORS rule does not expose the ETag header",
    CorsBlocked = "cors/blocked": "The browser blocked the request for CORS reasons; the exact rule could not be determined",
    NetworkUnreachable = "network/unreachable": "The storage server could not be reached",
    NetworkMixedContent = "network/mixed-content": "An https page cannot upload to an http URL",
    NetworkCspBlocked = "network/csp-blocked": "The page's Content-Security-Policy blocks requests to the bucket",
    S3SignatureMismatch = "s3/signature-mismatch": "The request does not match what the URL was signed for",
    S3HeadersNotSigned = "s3/headers-not-signed": "The request sends headers that the URL does not sign",
    S3UrlExpired = "s3/url-expired": "The presigned URL has expired",
    S3ClockSkew = "s3/clock-skew": "The signing clock differs too much from the server's",
    S3AccessDenied = "s3/access-denied": "The storage server denied access",
    S3WrongRegion = "s3/wrong-region": "The URL is signed for another region or endpoint",
    S3NoSuchBucket = "s3/no-such-bucket": "The bucket does not exist",
    S3NoSuchUpload = "s3/no-such-upload": "The multipart upload does not exist (completed, aborted or never created)",
    S3EntityTooSmall = "s3/entity-too-small": "A multipart part other than the last is smaller than 5 MiB",
    S3InvalidPart = "s3/invalid-part": "A part listed for completion was not found or its ETag differs",
    S3ChecksumMismatch = "s3/checksum-mismatch": "A checksum sent with the request does not match the body",
    S3SlowDown = "s3/slow-down": "The storage server asks to slow down",
    HttpStatus = "http/status": "The storage server answered with an error",
    InputInvalid = "input/invalid": "The call's arguments are invalid",
    Aborted = "aborted": "The upload was aborted",
}

impl Code {
    /// Codes whose fix is a bucket CORS rule.
    pub fn is_cors(self) -> bool {
        self.as_str().starts_with("cors/")
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert_eq!(Code::parse(code.as_str()), Some(code));
        }
        assert_eq!(Code::ALL.len(), 23);
        assert_eq!(Code::parse("cors/nope"), None);
    }

    #[test]
    fn cors_family() {
        assert!(Code::CorsBlocked.is_cors());
        assert!(!Code::S3UrlExpired.is_cors());
    }
}
