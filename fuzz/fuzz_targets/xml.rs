//! The XML reader on any text: it must return an element or an error, never panic,
//! and an error's position must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upload_doctor::cors::xml;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = xml::parse(&text) {
        let lines = text.lines().count().max(1) as u32 + 1;
        assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
        assert!(e.column >= 1);
    }
});
