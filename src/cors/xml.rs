//! A small XML reader for CORS configuration documents.
//!
//! CORS documents (`<CORSConfiguration>`, GCS's `<CorsConfig>`, Azure's `<Cors>`) are
//! plain trees of elements with text, so this reads exactly that and no more: an XML
//! crate would add tens of kilobytes to the Wasm we ship to browsers. It never panics,
//! runs in one pass without recursion (a hostile document cannot overflow the stack),
//! refuses `<!DOCTYPE … [` (no entity expansion), and every error carries the line and
//! column where reading stopped.

use std::fmt;

/// Deeper nesting than any CORS document needs; beyond it the input is refused.
pub const MAX_DEPTH: usize = 32;

/// One element: its local name (namespace prefix removed), where it starts, its
/// child elements in order and its own text (entities decoded, not trimmed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub line: u32,
    pub column: u32,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    /// `line 4, column 7`: where the element's start tag is.
    pub fn place(&self) -> String {
        format!("line {}, column {}", self.line, self.column)
    }
}

/// Why the document could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// A position in the input that keeps its line and column up to date as it moves.
#[derive(Clone)]
struct Cursor<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Moves `n` bytes on (clamped to a character boundary at or before the end).
    fn advance(&mut self, n: usize) {
        let mut end = (self.pos + n).min(self.src.len());
        while !self.src.is_char_boundary(end) {
            end += 1;
        }
        for c in self.src.get(self.pos..end).unwrap_or("").chars() {
            if c == '\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else {
                self.column = self.column.saturating_add(1);
            }
        }
        self.pos = end;
    }

    fn skip_whitespace(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.advance(n);
    }

    /// Consumes through the first `end` and returns what came before it.
    fn take_until(&mut self, end: &str, what: &str) -> Result<&'a str, XmlError> {
        match self.rest().find(end) {
            Some(i) => {
                let text = self.rest().get(..i).unwrap_or("");
                self.advance(i + end.len());
                Ok(text)
            }
            None => Err(self.error(format!("{what} is not closed with `{end}`"))),
        }
    }

    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError {
            message: message.into(),
            line: self.line,
            column: self.column,
        }
    }
}

fn is_name_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '<' | '>' | '/' | '=' | '"' | '\'' | '&')
}

/// Parses a whole document and returns its root element.
pub fn parse(input: &str) -> Result<Element, XmlError> {
    let mut cur = Cursor {
        src: input,
        pos: 0,
        line: 1,
        column: 1,
    };
    if cur.starts_with('\u{feff}'.encode_utf8(&mut [0; 4])) {
        cur.pos = '\u{feff}'.len_utf8();
    }
    // Open elements, innermost last, each with the full tag name its end tag must repeat.
    let mut stack: Vec<(Element, &str)> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        if stack.is_empty() {
            cur.skip_whitespace();
            if cur.at_end() {
                break;
            }
            if !cur.starts_with("<") {
                return Err(cur.error(if root.is_some() {
                    "text after the root element"
                } else {
                    "expected `<` (the document must start with an element)"
                }));
            }
        } else {
            let text_len = cur.rest().find('<').unwrap_or(cur.rest().len());
            if text_len > 0 {
                let raw = cur.rest().get(..text_len).unwrap_or("");
                let decoded = decode_entities(raw).map_err(|(offset, message)| {
                    let mut at = cur.clone();
                    at.advance(offset);
                    at.error(message)
                })?;
                if let Some((el, _)) = stack.last_mut() {
                    el.text.push_str(&decoded);
                }
                cur.advance(text_len);
            }
            if cur.at_end() {
                let name = stack.last().map(|(_, n)| *n).unwrap_or("");
                return Err(cur.error(format!("`<{name}>` is never closed")));
            }
        }
        if cur.starts_with("<?") {
            cur.take_until("?>", "a processing instruction")?;
        } else if cur.starts_with("<!--") {
            cur.advance(4);
            cur.take_until("-->", "a comment")?;
        } else if cur.starts_with("<![CDATA[") {
            if stack.is_empty() {
                return Err(cur.error("CDATA outside the root element"));
            }
            cur.advance(9);
            let text = cur.take_until("]]>", "a CDATA section")?;
            if let Some((el, _)) = stack.last_mut() {
                el.text.push_str(text);
            }
        } else if cur.starts_with("<!DOCTYPE") || cur.starts_with("<!doctype") {
            if root.is_some() || !stack.is_empty() {
                return Err(cur.error("a DOCTYPE may only come before the root element"));
            }
            let decl = cur.take_until(">", "the DOCTYPE")?;
            if decl.contains('[') {
                return Err(cur.error("a DOCTYPE with declarations is not supported"));
            }
        } else if cur.starts_with("</") {
            let (line, column) = (cur.line, cur.column);
            cur.advance(2);
            let name_len = cur
                .rest()
                .find(|c: char| !is_name_char(c))
                .unwrap_or(cur.rest().len());
            let name = cur.rest().get(..name_len).unwrap_or("");
            cur.advance(name_len);
            cur.skip_whitespace();
            if !cur.starts_with(">") {
                return Err(cur.error(format!("expected `>` to end `</{name}`")));
            }
            cur.advance(1);
            let Some((el, open)) = stack.pop() else {
                return Err(XmlError {
                    message: format!("`</{name}>` closes nothing"),
                    line,
                    column,
                });
            };
            if open != name {
                return Err(XmlError {
                    message: format!(
                        "`</{name}>` does not close `<{open}>` (opened at {})",
                        el.place()
                    ),
                    line,
                    column,
                });
            }
            match stack.last_mut() {
                Some((parent, _)) => parent.children.push(el),
                None => root = Some(el),
            }
        } else if cur.starts_with("<") {
            if root.is_some() && stack.is_empty() {
                return Err(cur.error("a second root element"));
            }
            if stack.len() >= MAX_DEPTH {
                return Err(cur.error(format!("elements nested deeper than {MAX_DEPTH}")));
            }
            let (line, column) = (cur.line, cur.column);
            cur.advance(1);
            let name_len = cur
                .rest()
                .find(|c: char| !is_name_char(c))
                .unwrap_or(cur.rest().len());
            if name_len == 0 {
                return Err(cur.error("expected an element name after `<`"));
            }
            let name = cur.rest().get(..name_len).unwrap_or("");
            if name.starts_with('!') || name.starts_with('?') {
                return Err(cur.error(format!("unsupported markup `<{name}`")));
            }
            cur.advance(name_len);
            let self_closing = read_attributes(&mut cur)?;
            let local = name.rsplit(':').next().unwrap_or(name).to_string();
            let el = Element {
                name: local,
                line,
                column,
                ..Default::default()
            };
            if self_closing {
                match stack.last_mut() {
                    Some((parent, _)) => parent.children.push(el),
                    None => root = Some(el),
                }
            } else {
                stack.push((el, name));
            }
        }
    }
    root.ok_or_else(|| cur.error("the document has no element"))
}

/// Reads attributes (ignored: CORS documents only carry `xmlns`) up to `>` or `/>`.
/// Returns true for `/>`.
fn read_attributes(cur: &mut Cursor) -> Result<bool, XmlError> {
    loop {
        cur.skip_whitespace();
        if cur.starts_with("/>") {
            cur.advance(2);
            return Ok(true);
        }
        if cur.starts_with(">") {
            cur.advance(1);
            return Ok(false);
        }
        let name_len = cur
            .rest()
            .find(|c: char| !is_name_char(c))
            .unwrap_or(cur.rest().len());
        if name_len == 0 {
            return Err(match cur.peek() {
                None => cur.error("the tag is not closed with `>`"),
                Some(c) => cur.error(format!("unexpected `{c}` in a tag")),
            });
        }
        cur.advance(name_len);
        cur.skip_whitespace();
        if !cur.starts_with("=") {
            return Err(cur.error("expected `=` after an attribute name"));
        }
        cur.advance(1);
        cur.skip_whitespace();
        let quote = match cur.peek() {
            Some(q @ ('"' | '\'')) => q,
            _ => return Err(cur.error("expected a quoted attribute value")),
        };
        cur.advance(1);
        let value = cur.take_until(quote.encode_utf8(&mut [0; 4]), "an attribute value")?;
        if value.contains('<') {
            return Err(cur.error("`<` inside an attribute value"));
        }
    }
}

/// Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;` and `&#…;` references.
/// On error returns the byte offset of the bad reference and a message.
fn decode_entities(raw: &str) -> Result<String, (usize, String)> {
    if !raw.contains('&') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut offset = 0;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        let at = offset + amp;
        let Some(semi) = after.find(';').filter(|&i| i <= 10) else {
            return Err((at, "`&` must start a reference such as `&amp;`".into()));
        };
        let name = after.get(..semi).unwrap_or("");
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                code.filter(|&c| c != 0).and_then(char::from_u32)
            }
        };
        let Some(c) = c else {
            return Err((at, format!("unknown reference `&{name};`")));
        };
        out.push(c);
        rest = after.get(semi + 1..).unwrap_or("");
        offset = at + 1 + semi + 1;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_cors_document() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- from the console -->
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>http://localhost:5173</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader><![CDATA[x-amz-meta-*]]></AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader><Empty/>
  </CORSRule>
</CORSConfiguration>
"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "CORSConfiguration");
        assert_eq!((root.line, root.column), (3, 1));
        let rule = &root.children[0];
        assert_eq!(rule.name, "CORSRule");
        let names: Vec<&str> = rule.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "AllowedOrigin",
                "AllowedMethod",
                "AllowedHeader",
                "ExposeHeader",
                "Empty"
            ]
        );
        assert_eq!(rule.children[2].text, "x-amz-meta-*");
        assert_eq!((rule.children[1].line, rule.children[1].column), (6, 5));
    }

    #[test]
    fn entities_and_prefixes() {
        let root = parse("<a:Root xmlns:a='x'><a:V>&lt;&#65;&#x42;&amp;</a:V></a:Root>").unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.children[0].text, "<AB&");
    }

    #[test]
    fn errors_say_where() {
        let err = |s: &str| parse(s).unwrap_err();
        let e = err("<A>\n  <B>x</C>\n</A>");
        assert_eq!((e.line, e.column), (2, 7));
        assert!(e.message.contains("does not close `<B>`"), "{e}");
        assert!(err("<A>").message.contains("never closed"));
        assert!(err("").message.contains("no element"));
        assert!(err("hello").message.contains("expected `<`"));
        assert!(err("<A></A><B/>").message.contains("second root"));
        assert!(err("<A>&bogus;</A>").message.contains("unknown reference"));
        assert!(err("<A>a & b</A>").message.contains("`&`"));
        assert!(err("<A x=1></A>").message.contains("quoted"));
        assert!(err("<!DOCTYPE a [<!ENTITY x 'y'>]><a/>")
            .message
            .contains("not supported"));
        assert!(err("<A></A>trailing").message.contains("after the root"));
        assert!(err("</A>").message.contains("closes nothing"));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(err(&deep).message.contains("deeper"));
        let e = err("<A>\n\n   &#0;</A>");
        assert_eq!((e.line, e.column), (3, 4));
    }

    #[test]
    fn never_panics_on_truncations() {
        let doc = "<?xml version='1.0'?><CORSConfiguration><CORSRule><AllowedOrigin a=\"1\">é&amp;</AllowedOrigin><![CDATA[x]]><!-- c --></CORSRule></CORSConfiguration>";
        for (i, _) in doc.char_indices() {
            let _ = parse(&doc[..i]);
            let _ = parse(&doc[i..]);
        }
    }
}
