//! The inputs the fuzzers keep (crashers they found, fixed since, and a few interesting corpus
//! entries), fed again to the fuzz targets' entry points: every one must give a clean `Ok` or
//! `Err`, quickly. See fuzz/README.md.
//!
//! `tests/data/fuzz/<target>/` holds the inputs of each target: `gguf_metadata` (a GGUF file's
//! header, kept as hex text, also opened from disk and loaded as a model), `html_reader`, `markdown_reader` and
//! `plain_reader` (an article read as HTML, as Markdown, and with its format sniffed).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use plume::model::gguf::{self, GgufFile};
use plume::model::{DeviceKind, LoadOptions, Model};
use plume::source::{InputFormat, Source};

/// The files kept for `target`, sorted; at least one.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

/// The bytes of a kept input: GGUF inputs are kept as hex text (`xxd -p`), so that no `.gguf`
/// file is tracked by git; the others as they are.
fn input_bytes(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "hex") {
        let digits: Vec<u8> = bytes
            .into_iter()
            .filter(|b| b.is_ascii_hexdigit())
            .collect();
        let text = std::str::from_utf8(&digits).unwrap();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    } else {
        bytes
    }
}

/// Runs `check` on every input of `target`; fails naming each input that panicked. (No timing
/// assertion: the machines are noisy. A hang shows as a test that never ends.)
fn each_input(target: &str, check: impl Fn(&Path, &[u8])) {
    let mut failures = Vec::new();
    for path in inputs(target) {
        let bytes = input_bytes(&path);
        if catch_unwind(AssertUnwindSafe(|| check(&path, &bytes))).is_err() {
            failures.push(format!("{}: panicked", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gguf_metadata_inputs_parse_or_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    each_input("gguf_metadata", |path, bytes| {
        let name = Path::new("input.gguf");
        let parsed = gguf::parse_bytes(bytes, name);
        if let Err(e) = &parsed {
            assert!(e.to_string().contains("input.gguf"), "{e}");
        }
        // The same bytes from disk, and as a model: the same verdict on the header, and a load
        // that fails cleanly (none of these files is a whole model).
        let file = dir.path().join(path.file_stem().unwrap());
        std::fs::write(&file, bytes).unwrap();
        let opened = GgufFile::open(&file);
        assert_eq!(parsed.is_ok(), opened.is_ok(), "{}", path.display());
        let options = LoadOptions {
            device: DeviceKind::Cpu,
            max_positions: 64,
        };
        if let Err(e) = Model::load(&file, &options) {
            assert!(e.to_string().contains(&file.display().to_string()), "{e}");
        }
    });
}

fn read_as(target: &str, name: &str, format: Option<InputFormat>) {
    each_input(target, |_, bytes| {
        if let Err(e) = Source::from_bytes(bytes, Path::new(name), format) {
            assert!(e.to_string().contains(name), "{e}");
        }
    });
}

#[test]
fn html_reader_inputs_parse_or_fail_cleanly() {
    read_as("html_reader", "input.html", Some(InputFormat::Html));
}

#[test]
fn markdown_reader_inputs_parse_or_fail_cleanly() {
    read_as("markdown_reader", "input.md", Some(InputFormat::Markdown));
}

#[test]
fn plain_reader_inputs_parse_or_fail_cleanly() {
    read_as("plain_reader", "<stdin>", None);
}

/// Inputs too large for the fuzzers' length limit, built here: deep nesting made html5ever's time
/// grow with depth × tags (100,000 nested `<div>`, 500 KB, took 77 s; 16 MB, hours) until the
/// HTML reader capped the nesting it passes on. Each must be read (this test finishing in
/// seconds rather than hours is the check; no timing assertion, the machines are noisy), and the
/// text after deep elements closed again must still be read.
#[test]
fn deep_nesting_is_read_in_bounded_time() {
    let n = 200_000;
    let cases: Vec<(&str, String, InputFormat)> = vec![
        ("divs", "<div>".repeat(n), InputFormat::Html),
        ("self-closed divs", "<div/>".repeat(n), InputFormat::Html),
        ("lists", "<ul><li>x".repeat(n / 2), InputFormat::Html),
        (
            "divs in a table",
            format!("<table>{}", "<div>".repeat(n)),
            InputFormat::Html,
        ),
        (
            "deep then many",
            format!("{}{}", "<div>".repeat(600), "<div>x</div>".repeat(n)),
            InputFormat::Html,
        ),
        ("quotes", "> ".repeat(n), InputFormat::Markdown),
        ("lists", "- ".repeat(n), InputFormat::Markdown),
        ("brackets", "[".repeat(n), InputFormat::Markdown),
        ("emphasis", "*a".repeat(n), InputFormat::Markdown),
    ];
    for (name, mut text, format) in cases {
        text.push_str("\n\nLa suite.\n");
        // A clean Ok or Err, without panicking.
        let _ = (
            name,
            Source::from_bytes(text.as_bytes(), Path::new("deep"), Some(format)),
        );
    }
    // Closed again, the page reads on as usual.
    let page = format!(
        "{}<p>profond</p>{}<p>Le texte qui suit reste lisible.</p>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let source = Source::from_bytes(page.as_bytes(), Path::new("deep"), Some(InputFormat::Html));
    assert!(source.unwrap().text().contains("Le texte qui suit"));
}

/// Prints the verdict of a target's entry point on every file of the folder named by
/// `PLUME_FUZZ_CLASSIFY`, one line each (to pick corpus inputs worth keeping; fuzz/README.md).
/// The target is the folder's name (`fuzz/corpus/html_reader`…).
#[test]
#[ignore = "a tool: run with PLUME_FUZZ_CLASSIFY=DIR"]
fn classify_inputs() {
    let Some(dir) = std::env::var_os("PLUME_FUZZ_CLASSIFY") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let target = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let format = match target.as_str() {
            "html_reader" => Some(InputFormat::Html),
            "markdown_reader" => Some(InputFormat::Markdown),
            _ => None,
        };
        let verdict = if target == "gguf_metadata" {
            match gguf::parse_bytes(&bytes, Path::new("")) {
                Ok(c) => format!(
                    "ok: {} keys, {} tensors",
                    c.metadata.len(),
                    c.tensor_infos.len()
                ),
                Err(e) => e.to_string(),
            }
        } else {
            match Source::from_bytes(&bytes, Path::new(""), format) {
                Ok(s) => format!(
                    "ok: {:?}, {} blocks, {} headings, title {}",
                    s.format,
                    s.blocks.len(),
                    s.headings().len(),
                    s.title.is_some()
                ),
                Err(e) => e.to_string(),
            }
        };
        println!(
            "{}\t{}\t{}",
            bytes.len(),
            path.display(),
            verdict.replace('\n', " ")
        );
    }
}
