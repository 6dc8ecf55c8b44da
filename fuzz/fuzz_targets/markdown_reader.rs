//! An article read as Markdown from arbitrary bytes through `Source::from_bytes`, the entry point
//! of every input (decoding, parsing, cleaning, language detection): an error is fine, a panic,
//! a huge allocation or a hang is not.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use plume::source::{InputFormat, Source};

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = Source::from_bytes(data, Path::new("fuzz.md"), Some(InputFormat::Markdown))
    {
        let _ = (source.word_count(), source.full_text(), source.headings());
    }
});
