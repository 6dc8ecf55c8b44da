//! Never lose a file (issue 19): no output, log or batch article is ever written over an
//! input, whatever the path's spelling (`..`, absolute, a symbolic or hard link); a batch
//! names its outputs around the files it did not write from the same input; nothing blocks
//! on a pipe named like an output; every output problem is found before the model loads and
//! said once, naming the path.
//!
//! Every case compares each input's sha256 before and after. The refusals run with `--model`
//! pointing at a file that does not exist, which also shows they come before the model; the
//! batches that must finish use the default model (CI provisions it) on a short article.

mod common {
    pub mod files;
}

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use assert_cmd::Command;
use sha2::{Digest, Sha256};

const NO_MODEL: &str = "/nonexistent/plume-model.gguf";

/// A short French article of our own (shared with tests/openai_backend.rs), so that the
/// default model writes it in seconds.
const ARTICLE: &str = include_str!("data/fr-piscine-brevanne.txt");

fn model_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn default_model() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/gemma-3-270m-q4_k_m.gguf");
    assert!(
        path.is_file(),
        "the default model is missing at {}: run bash models/fetch.sh",
        path.display()
    );
    path
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

/// `plume ARGS` run in `dir`; a hang fails the test instead of blocking it.
fn plume(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("plume")
        .expect("the plume binary is built")
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(300))
        .output()
        .expect("plume runs");
    Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn sha256(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

/// The sha256 of each file, to compare after a run.
fn fingerprints(paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| sha256(p)).collect()
}

/// A refusal before the model: exit 2, `expected` in the message, which names `path` and
/// does not mention the model.
fn assert_refused(run: &Run, path: &str, expected: &str) {
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains(expected), "{}", run.stderr);
    assert!(run.stderr.contains(path), "names {path}: {}", run.stderr);
    assert!(!run.stderr.contains("plume-model"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "said once: {}", run.stderr);
}

#[test]
fn an_output_that_is_the_input_is_refused_whatever_its_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("same.txt");
    write(&input, ARTICLE);
    std::fs::create_dir(d.join("sub")).unwrap();
    std::os::unix::fs::symlink(&input, d.join("lien.md")).unwrap();
    std::fs::hard_link(&input, d.join("dur.md")).unwrap();
    let before = sha256(&input);
    let absolute = input.display().to_string();
    for out in [
        "same.txt",
        "./sub/../same.txt",
        &absolute,
        "lien.md",
        "dur.md",
    ] {
        let run = plume(d, &["rewrite", "same.txt", "--out", out, "-m", NO_MODEL]);
        assert_refused(&run, out, "never writes over its input");
        assert_eq!(sha256(&input), before, "{out}");
    }
}

#[test]
fn a_batch_output_or_log_that_names_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inputs = [d.join("m1.txt"), d.join("m2.txt"), d.join("in/a.md")];
    for input in &inputs {
        write(input, ARTICLE);
    }
    let before = fingerprints(&inputs);
    let run = plume(
        d,
        &[
            "rewrite", "m1.txt", "m2.txt", "--out", "m1.txt", "-m", NO_MODEL,
        ],
    );
    assert_refused(&run, "m1.txt", "one of the input articles");
    let run = plume(
        d,
        &["rewrite", "m1.txt", "--out", "m2.txt/", "-m", NO_MODEL],
    );
    assert_refused(&run, "m2.txt/", "a batch needs a folder");
    for log in ["in/a.md", "./in/../in/a.md"] {
        let run = plume(
            d,
            &[
                "rewrite", "in/", "--out", "out/", "--log", log, "-m", NO_MODEL,
            ],
        );
        assert_refused(&run, log, "--log names the input");
    }
    assert_eq!(fingerprints(&inputs), before);
}

#[test]
fn output_problems_are_found_before_the_model_and_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("a.txt"), ARTICLE);
    let run = plume(
        d,
        &["rewrite", "a.txt", "--out", "manque/a.md", "-m", NO_MODEL],
    );
    assert_refused(&run, "manque/a.md", "the folder manque does not exist");
    let run = plume(
        d,
        &["rewrite", "a.txt", "--out", "/proc/a.md", "-m", NO_MODEL],
    );
    assert_refused(&run, "/proc/a.md", "cannot be written to (");
    assert_eq!(run.stderr.matches("os error").count(), 1, "{}", run.stderr);

    let status = std::process::Command::new("mkfifo")
        .arg(d.join("tube.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let run = plume(d, &["rewrite", "a.txt", "--out", "tube.md", "-m", NO_MODEL]);
    assert_refused(&run, "tube.md", "not a regular file");

    // A folder or a pipe given as the model is not « missing ».
    std::fs::create_dir(d.join("modeles")).unwrap();
    let run = plume(d, &["rewrite", "a.txt", "-m", "modeles"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("modeles is a folder"), "{}", run.stderr);
    let run = plume(d, &["rewrite", "a.txt", "-m", "tube.md"]);
    assert!(
        run.stderr.contains("tube.md is not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_batch_reports_what_it_cannot_read_and_never_blocks_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/a.txt"), ARTICLE);
    std::os::unix::fs::symlink(d.join("nulle-part.md"), d.join("in/casse.md")).unwrap();
    std::fs::create_dir(d.join("out")).unwrap();
    for fifo in ["in/tube.txt", "out/a.md"] {
        let status = std::process::Command::new("mkfifo")
            .arg(d.join(fifo))
            .status()
            .unwrap();
        assert!(status.success());
    }
    // The pipe named like the output is passed over (not opened); the model is the first
    // thing that fails here, after the walk's problems are reported.
    let run = plume(d, &["rewrite", "in/", "--out", "out/", "-m", NO_MODEL]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("in/casse.md: a symbolic link to nothing"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("in/tube.txt: not a regular file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("plume-model"), "{}", run.stderr);

    let run = plume(d, &["rewrite", "in/", "--out", "in/", "-m", NO_MODEL]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("also the output folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_batch_writes_around_inputs_and_the_editors_files_and_reports_replacements() {
    let _lock = model_lock();
    let model = default_model();
    let model = model.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Two inputs named `a`, one of them in the output folder, and the editor's own `a-2.md` there.
    let inputs = [d.join("x/a.txt"), d.join("y/a.md")];
    write(&inputs[0], ARTICLE);
    write(&inputs[1], &ARTICLE.replace("lundi", "mardi"));
    let notes = d.join("y/a-2.md");
    write(&notes, "Mes notes, pas un article de plume.\n");
    let mut watched = inputs.to_vec();
    watched.push(notes.clone());
    let before = fingerprints(&watched);
    let args = [
        "rewrite",
        "x/a.txt",
        "y/a.md",
        "--out",
        "y/",
        "--min-words",
        "0",
        "--attempts",
        "1",
        "-m",
        model,
    ];
    let run = plume(d, &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("x/a.txt → y/a-3.md"), "{}", run.stderr);
    assert!(run.stderr.contains("y/a.md → y/a-4.md"), "{}", run.stderr);
    assert_eq!(fingerprints(&watched), before);
    assert_eq!(
        common::files::sorted_names(&d.join("y")),
        ["a-2.md", "a-3.md", "a-4.md", "a.md"]
    );

    // Again with another seed: the same names, each replacement said.
    let mut again = args.to_vec();
    again.extend(["--seed", "7"]);
    let run = plume(d, &again);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches("it replaces the output plume wrote earlier")
            .count(),
        2,
        "{}",
        run.stderr
    );
    assert_eq!(fingerprints(&watched), before);
    assert_eq!(common::files::sorted_names(&d.join("y")).len(), 4);
}

#[test]
fn a_full_standard_output_is_named_as_such() {
    let _lock = model_lock();
    let model = default_model();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("a.txt"), ARTICLE);
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("plume"))
        .current_dir(d)
        .args([
            "rewrite",
            "a.txt",
            "--min-words",
            "0",
            "--attempts",
            "1",
            "-q",
        ])
        .args(["-m", model.to_str().unwrap()])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("standard output"), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
}
