//! S3's XML error bodies (`<Error><Code>…</Code><Message>…</Message>…</Error>`).
//!
//! The body is flat, so a small reader of `<Tag>text</Tag>` pairs is enough and keeps
//! an XML crate out of the shipped Wasm.

/// A parsed error body: `Code`, `Message` and every other flat field, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct S3Error {
    pub code: String,
    pub message: String,
    pub fields: Vec<(String, String)>,
}

impl S3Error {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses an S3 error body; `None` when it is not one.
pub fn parse(body: &str) -> Option<S3Error> {
    let start = body.find("<Error>")? + "<Error>".len();
    let end = body[start..].find("</Error>")? + start;
    let mut rest = &body[start..end];
    let mut err = S3Error::default();
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let tag = &after[..close];
        let content = &after[close + 1..];
        if tag.ends_with('/') || tag.starts_with('/') || tag.starts_with('!') {
            rest = content;
            continue;
        }
        let end_tag = format!("</{tag}>");
        let Some(text_end) = content.find(&end_tag) else {
            rest = content;
            continue;
        };
        let text = unescape(content[..text_end].trim());
        match tag {
            "Code" => err.code = text,
            "Message" => err.message = text,
            _ => err.fields.push((tag.to_string(), text)),
        }
        rest = &content[text_end + end_tag.len()..];
    }
    (!err.code.is_empty()).then_some(err)
}

/// The text of the first `<name>…</name>` anywhere in `body` (e.g. a result's `ETag`).
pub fn tag(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))? + start;
    Some(unescape(body[start..end].trim()))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_mismatch_from_localstack() {
        let body = r#"<?xml version='1.0' encoding='utf-8'?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>test</AWSAccessKeyId><HostId>x</HostId><RequestId>r1</RequestId><SignatureProvided>abc</SignatureProvided><StringToSign>AWS4-HMAC-SHA256
20261203T130500Z</StringToSign><CanonicalRequest>PUT
/b/k
content-type:image/png</CanonicalRequest></Error>"#;
        let e = parse(body).unwrap();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert!(e.message.starts_with("The request signature"));
        assert_eq!(e.field("RequestId"), Some("r1"));
        assert!(e
            .field("CanonicalRequest")
            .unwrap()
            .contains("content-type:image/png"));
    }

    #[test]
    fn expired_and_entities() {
        let e = parse("<Error><Code>AccessDenied</Code><Message>Request has expired &amp; gone</Message><Expires>2026-12-03T13:05:01Z</Expires><ServerTime>2026-12-03T13:05:04Z</ServerTime><Empty/></Error>").unwrap();
        assert_eq!(e.message, "Request has expired & gone");
        assert_eq!(e.field("ServerTime"), Some("2026-12-03T13:05:04Z"));
    }

    #[test]
    fn not_an_error_body() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("<html>503</html>"), None);
        assert_eq!(parse("<Error><Code>"), None);
        assert_eq!(parse("<Error><Message>m</Message></Error>"), None);
        assert_eq!(
            parse("<Error><Code>X</Code><Bad>unclosed</Error>")
                .unwrap()
                .code,
            "X"
        );
    }
}
