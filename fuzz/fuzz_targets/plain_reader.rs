//! An article from arbitrary bytes with no format given: the format is sniffed from the text
//! (so plain text mostly, and HTML or Markdown when the bytes look like them).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use plume::source::Source;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = Source::from_bytes(data, Path::new("<stdin>"), None) {
        let _ = (source.word_count(), source.full_text(), source.headings());
    }
});
