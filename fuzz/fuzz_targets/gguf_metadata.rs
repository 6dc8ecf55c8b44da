//! A GGUF file's header, metadata and tensor infos, parsed from arbitrary bytes with every
//! check `GgufFile::open` makes: an error is fine, a panic, a huge allocation or a hang is not.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use plume::model::gguf;

fuzz_target!(|data: &[u8]| {
    if let Ok(content) = gguf::parse_bytes(data, Path::new("fuzz.gguf")) {
        // What the loaders read first: the architecture and integer hyper-parameters.
        for value in content.metadata.values() {
            let _ = gguf::value_u64(value);
            let _ = gguf::value_i64(value);
        }
        for info in content.tensor_infos.values() {
            let _ = info.shape.elem_count();
        }
    }
});
