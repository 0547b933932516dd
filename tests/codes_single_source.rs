//! The error codes have one source, `src/codes.rs`; everything else that lists them must
//! list exactly those, in that order: the README's code table, the TypeScript union and
//! per-code map (types/upload-doctor.d.ts), the default entry's list (js/codes.js), and one
//! docs page per code (docs/errors/<code with "/" as "-">.md, from docs/src/errors/).
//! `node scripts/gen-docs` writes them; this test reads them independently of it.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use upload_doctor::codes::Code;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn codes() -> Vec<&'static str> {
    Code::ALL.iter().map(|c| c.as_str()).collect()
}

fn slug(code: &str) -> String {
    code.replace('/', "-")
}

/// The text between the line holding `start` and the line holding `end`.
fn between<'a>(text: &'a str, start: &str, end: &str, file: &str) -> &'a str {
    let a = text
        .find(start)
        .unwrap_or_else(|| panic!("{file}: no {start} marker"));
    let a = a + text[a..].find('\n').unwrap() + 1;
    let b = a + text[a..]
        .find(end)
        .unwrap_or_else(|| panic!("{file}: no {end} marker"));
    &text[a..b]
}

/// Every `'...'` string literal on the lines of `text` that start with `prefix` (after spaces).
fn quoted_on_lines(text: &str, prefix: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| {
            let a = l.find('\'')? + 1;
            let b = a + l[a..].find('\'')?;
            Some(l[a..b].to_string())
        })
        .collect()
}

fn md_files(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".md"))
        .collect()
}

fn drift(what: &str, got: &[String]) {
    let want = codes();
    let missing: Vec<_> = want
        .iter()
        .filter(|c| !got.iter().any(|g| g == *c))
        .collect();
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(&g.as_str())).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what} drifted from src/codes.rs: missing {missing:?}, extra {extra:?} (run `node scripts/gen-docs`)"
    );
    assert_eq!(
        got, &want,
        "{what}: the codes are not in src/codes.rs's order (run `node scripts/gen-docs`)"
    );
}

#[test]
fn readme_table_lists_every_code_with_its_headline_and_page() {
    let readme = read("README.md");
    let table = between(&readme, "<!-- codes:start", "<!-- codes:end", "README.md");
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| [`")).collect();
    let listed: Vec<String> = rows
        .iter()
        .map(|r| r[4..4 + r[4..].find('`').unwrap()].to_string())
        .collect();
    drift("README.md's code table", &listed);
    for (row, code) in rows.iter().zip(Code::ALL) {
        let page = format!("](docs/errors/{}.md)", slug(code.as_str()));
        assert!(
            row.contains(&page),
            "README row for {} does not link {page}: {row}",
            code.as_str()
        );
        assert!(
            row.contains(code.summary()),
            "README row for {} lacks the headline from src/codes.rs: {row}",
            code.as_str()
        );
    }
}

#[test]
fn typescript_union_and_map_list_every_code() {
    let dts = read("types/upload-doctor.d.ts");
    let generated = between(
        &dts,
        "// <codes>",
        "// </codes>",
        "types/upload-doctor.d.ts",
    );
    let union = &generated[generated
        .find("export type UploadErrorCode")
        .expect("no UploadErrorCode")..];
    let union = &union[..union.find(';').unwrap() + 1];
    drift(
        "the TypeScript union UploadErrorCode",
        &quoted_on_lines(union, "| '"),
    );

    let map = &generated[generated
        .find("export interface UploadErrorByCode")
        .expect("no UploadErrorByCode")..];
    let keys = quoted_on_lines(map, "'");
    drift("the TypeScript map UploadErrorByCode", &keys);
    // Each entry's type is the error of its own code: 'x': Family<'x'>.
    for line in map.lines().map(str::trim).filter(|l| l.starts_with('\'')) {
        let code = &line[1..line[1..].find('\'').unwrap() + 1];
        assert!(
            line.ends_with(&format!("<'{code}'>;")),
            "UploadErrorByCode entry for {code} is typed for another code: {line}"
        );
    }
}

#[test]
fn default_entry_code_list_is_the_same() {
    let js = read("js/codes.js");
    drift("js/codes.js", &quoted_on_lines(&js, "'"));
}

#[test]
fn one_docs_page_per_code_with_its_headline() {
    let want: BTreeSet<String> = codes().iter().map(|c| format!("{}.md", slug(c))).collect();
    for dir in ["docs/errors", "docs/src/errors"] {
        let got = md_files(&root().join(dir));
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{dir}/ drifted from src/codes.rs: missing {missing:?}, extra {extra:?}"
        );
    }
    for code in Code::ALL {
        let rel = format!("docs/errors/{}.md", slug(code.as_str()));
        let page = read(&rel);
        assert!(
            page.contains(&format!("\n# `{}`\n", code.as_str())),
            "{rel}: no `# {}` title",
            code.as_str()
        );
        assert!(
            page.contains(&format!("**{}.**", code.summary())),
            "{rel}: the headline differs from src/codes.rs (run `node scripts/gen-docs`)"
        );
        for section in [
            "## What the console shows",
            "## Cause",
            "## How upload-doctor diagnoses it",
            "## Fix",
            "## Verify with curl",
        ] {
            assert!(page.contains(section), "{rel}: no \"{section}\" section");
        }
    }
}

#[test]
fn the_console_links_to_the_pages() {
    // The error's `docs` field: DOCS_BASE + the page's file name, defined once in JS.
    let js = read("js/upload-error.js");
    assert!(
        js.contains("export const DOCS_BASE = '"),
        "js/upload-error.js defines no DOCS_BASE"
    );
    assert!(
        js.contains(".replace(/\\//g, '-')}.md`"),
        "js/upload-error.js names the pages differently from docs/errors/"
    );
}
