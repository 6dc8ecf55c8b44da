//! Where the outputs of a run go, decided in one place before any model loads. An output
//! (one article's file, a batch's articles, the batch log) is never an input of the run,
//! never another output of it, and never anything but a regular file; a batch replaces an
//! existing file only when its run record says plume wrote it from the same input, and picks
//! a new name otherwise. Paths are compared as files (device and inode), so `./sub/../a.txt`,
//! a symbolic link or a hard link to an input is that input.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::article::recorded::{read_run_record, read_source_path, OutputFormat};
use crate::error::{Error, Result};
use crate::source::{read_input, sha256_hex};

/// The most of an existing file read to find its run record: its front matter or `<head>`
/// (Markdown, HTML), or the whole of a JSON output. A larger file was not written by plume.
const RECORD_READ_LIMIT: u64 = 4 << 20;

/// Whether `a` and `b` are the same file: same device and inode when both exist, the same
/// resolved path when neither does (two outputs of one run spelt differently).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => file_id(&x) == file_id(&y) && file_id(&x).is_some(),
        (Err(_), Err(_)) => resolved(a) == resolved(b),
        _ => false,
    }
}

#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// `path` with its folder resolved (`..`, links), for a file that may not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// The paths among `inputs` that are the same file as `path`.
fn input_named<'a>(path: &Path, inputs: &'a [PathBuf]) -> Option<&'a PathBuf> {
    inputs.iter().find(|input| same_file(path, input))
}

/// Files to keep clear of, each looked at once: a path is in the set when it is one of them
/// in the sense of [`same_file`] (by device and inode, or by resolved path when it does not
/// exist).
struct FileSet {
    ids: HashSet<(u64, u64)>,
    paths: HashSet<PathBuf>,
}

impl FileSet {
    fn new<'a>(files: impl Iterator<Item = &'a PathBuf>) -> Self {
        let mut set = FileSet {
            ids: HashSet::new(),
            paths: HashSet::new(),
        };
        for file in files {
            match std::fs::metadata(file).ok().as_ref().and_then(file_id) {
                Some(id) => set.ids.insert(id),
                None => set.paths.insert(resolved(file)),
            };
        }
        set
    }

    fn contains(&self, path: &Path) -> bool {
        match std::fs::metadata(path) {
            Ok(meta) => file_id(&meta).is_some_and(|id| self.ids.contains(&id)),
            Err(_) => self.paths.contains(&resolved(path)),
        }
    }
}

/// Checks, before any work, that `out` can take one article: not one of `inputs` (the
/// article and the model), not a folder, pipe or device, in a folder that exists and can be
/// written to.
pub fn check_output_file(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    if let Some(input) = input_named(out, inputs) {
        return Err(Error::output(
            out,
            format!(
                "it is the input {} itself, and plume never writes over its input: choose another --out",
                input.display()
            ),
        ));
    }
    if let Ok(meta) = std::fs::metadata(out) {
        if meta.is_dir() {
            return Err(Error::output(out, "it is a folder, not a file"));
        }
        if !meta.is_file() {
            return Err(Error::output(
                out,
                "it is not a regular file (a pipe, a socket or a device): plume writes regular files only",
            ));
        }
    }
    check_folder_writable(folder_of(out), out)
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes a temporary file in `dir` and removes it: an error names `target` and says why.
fn check_folder_writable(dir: &Path, target: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(Error::output(
                target,
                format!("{} is not a folder", dir.display()),
            ))
        }
        Err(_) => {
            return Err(Error::output(
                target,
                format!("the folder {} does not exist", dir.display()),
            ))
        }
    }
    tempfile::Builder::new()
        .prefix(".plume-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| {
            Error::output(
                target,
                format!(
                    "the folder {} cannot be written to ({})",
                    dir.display(),
                    plain_io(&e)
                ),
            )
        })
}

/// An I/O error's own words, without the path that `tempfile` adds to them.
pub fn plain_io(e: &std::io::Error) -> std::io::Error {
    if let Some(code) = e.raw_os_error() {
        return std::io::Error::from_raw_os_error(code);
    }
    // `tempfile` words it « <the system's message> at path "<temporary file>" ».
    let text = e.to_string();
    let own = text.split(" at path ").next().unwrap_or(&text);
    std::io::Error::new(e.kind(), own.to_string())
}

/// Makes the output folder of a batch (if missing) and checks it can be written to.
pub fn prepare_out_dir(dir: &Path, inputs: &[PathBuf]) -> Result<()> {
    // `tiny.md/` names `tiny.md`: a file there is a file, not a folder to make.
    let plain: PathBuf = dir.components().collect();
    if let Ok(meta) = std::fs::metadata(&plain) {
        if !meta.is_dir() {
            let what = match input_named(&plain, inputs) {
                Some(_) => "it is one of the input articles",
                None => "it is a file",
            };
            return Err(Error::output(
                dir,
                format!("{what}, and a batch needs a folder for --out (one article per input)"),
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::output(
            dir,
            format!("the output folder cannot be made ({})", plain_io(&e)),
        )
    })?;
    check_folder_writable(dir, dir)
}

/// Opens the batch log for appending: a regular file (made if missing) that is neither an
/// input nor an output of the run.
pub fn open_log(log: &Path, inputs: &[PathBuf], outputs: &[PathBuf]) -> Result<File> {
    if let Some(input) = input_named(log, inputs) {
        return Err(Error::output(
            log,
            format!(
                "--log names the input {}, and plume never writes into its inputs",
                input.display()
            ),
        ));
    }
    if outputs.iter().any(|o| same_file(log, o)) {
        return Err(Error::output(
            log,
            "--log names one of the batch's own outputs: choose another file",
        ));
    }
    if let Ok(meta) = std::fs::metadata(log) {
        if !meta.is_file() {
            return Err(Error::output(
                log,
                "--log must be a regular file (not a folder, a pipe or a device)",
            ));
        }
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| Error::output(log, format!("the log cannot be opened ({e})")))
}

/// What is at a batch output's name before the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: a new file.
    Nothing,
    /// An output plume wrote earlier from the same input (same sha256): it may be kept when
    /// its run record matches, or replaced (and the replacement is reported).
    Earlier,
}

/// One batch output: where it goes and what is there now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub output: PathBuf,
    pub existing: Existing,
}

/// Names the output of each input in `out_dir`: `<stem>.<ext>`, else `<stem>-2.<ext>`,
/// `-3`… A name is passed over when another output of the run has it (compared without
/// case, for case-insensitive file systems), when it is one of the `inputs` or `others`
/// (the log), or when something is there that plume did not write from this input (a
/// file of the user's, a pipe, a folder, a file too large to be an output).
pub fn plan_outputs(
    inputs: &[PathBuf],
    out_dir: &Path,
    format: OutputFormat,
    others: &[PathBuf],
) -> Vec<Planned> {
    let ext = format.extension();
    let protected = FileSet::new(inputs.iter().chain(others));
    let mut taken = HashSet::new();
    let mut planned = Vec::with_capacity(inputs.len());
    for input in inputs {
        let stem = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "article".into());
        let mut source_sha256 = None;
        let mut n = 1;
        loop {
            let name = match n {
                1 => format!("{stem}.{ext}"),
                _ => format!("{stem}-{n}.{ext}"),
            };
            n += 1;
            if !taken.insert(name.to_lowercase()) {
                continue;
            }
            let output = out_dir.join(&name);
            if protected.contains(&output) {
                continue;
            }
            let existing = match std::fs::symlink_metadata(&output) {
                Err(_) => Existing::Nothing,
                Ok(_) => {
                    let sha = source_sha256
                        .get_or_insert_with(|| read_input(input).ok().map(|b| sha256_hex(&b)));
                    if !written_from(&output, format, input, sha.as_deref()) {
                        continue;
                    }
                    Existing::Earlier
                }
            };
            planned.push(Planned { output, existing });
            break;
        }
    }
    planned
}

/// Whether the file at `output` is a plume output (it has a run record) written from
/// `input`: from the same bytes (`sha256`), or from the same file, edited since.
fn written_from(output: &Path, format: OutputFormat, input: &Path, sha256: Option<&str>) -> bool {
    let Some(text) = read_output(output) else {
        return false;
    };
    let Some(record) = read_run_record(&text, format) else {
        return false;
    };
    let same_bytes =
        sha256.is_some_and(|sha| record.iter().any(|(k, v)| k == "source_sha256" && v == sha));
    same_bytes
        || read_source_path(&text, format).is_some_and(|path| same_file(Path::new(&path), input))
}

/// The text of what may be a plume output, read without blocking or loading a large file:
/// `None` when `path` is not a regular file or is too large to be an output.
fn read_output(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > RECORD_READ_LIMIT {
        return None;
    }
    let mut bytes = Vec::new();
    File::open(path)
        .ok()?
        .take(RECORD_READ_LIMIT)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The run record of the plume output at `path` (`read_output`); `None` without one.
pub fn read_record(path: &Path, format: OutputFormat) -> Option<Vec<(String, String)>> {
    read_run_record(&read_output(path)?, format)
}

/// Whether the file at `path` is an output of the run whose record is `record`.
pub fn output_matches(path: &Path, format: OutputFormat, record: &[(&str, String)]) -> bool {
    read_record(path, format).is_some_and(|found| {
        found.len() == record.len()
            && found
                .iter()
                .zip(record)
                .all(|((k, v), (key, value))| k == key && v == value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::output::sample_article;
    use crate::article::render_markdown;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_same_file_under_other_names_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let a = d.join("a.txt");
        write(&a, "Un texte.");
        std::fs::create_dir(d.join("sub")).unwrap();
        assert!(same_file(&a, &d.join("sub/../a.txt")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&a, d.join("lien.txt")).unwrap();
            assert!(same_file(&a, &d.join("lien.txt")));
        }
        std::fs::hard_link(&a, d.join("dur.txt")).unwrap();
        assert!(same_file(&a, &d.join("dur.txt")));
        assert!(!same_file(&a, &d.join("b.txt")));
        assert!(same_file(&d.join("x.md"), &d.join("sub/../x.md")));
        assert!(!same_file(&d.join("x.md"), &d.join("y.md")));
    }

    #[test]
    fn an_output_file_that_is_an_input_or_not_writable_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let a = d.join("a.txt");
        write(&a, "Un texte.");
        let inputs = vec![a.clone()];
        for out in [a.clone(), d.join("sub/../a.txt")] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
            let err = check_output_file(&out, &inputs).unwrap_err().to_string();
            assert!(err.contains("never writes over its input"), "{err}");
        }
        let err = check_output_file(&d.join("no/such/out.md"), &inputs)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no/such") && err.contains("does not exist"),
            "{err}"
        );
        check_output_file(&d.join("out.md"), &inputs).unwrap();
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 2, "no probe left");
    }

    #[test]
    fn batch_names_pass_over_inputs_and_files_plume_did_not_write_from_this_input() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let a = d.join("in/a.md");
        write(&a, "Un article.");
        let b = d.join("autre/b.txt");
        write(&b, "Un autre article.");
        let out = d.join("in");
        // `in/a.md` is the input itself; `in/b.md` is the editor's own file.
        write(&out.join("b.md"), "Mes notes.");
        let plan = plan_outputs(&[a.clone(), b.clone()], &out, OutputFormat::Md, &[]);
        assert_eq!(plan[0].output, out.join("a-2.md"));
        assert_eq!(plan[1].output, out.join("b-2.md"));
        assert!(plan.iter().all(|p| p.existing == Existing::Nothing));

        // An output written earlier from this input is taken again; one from another input is not.
        let mut article = sample_article();
        article.provenance.source_sha256 = sha256_hex(b"Un article.");
        write(&out.join("a-2.md"), &render_markdown(&article));
        article.provenance.source_sha256 = sha256_hex(b"autre chose");
        write(&out.join("b-2.md"), &render_markdown(&article));
        let plan = plan_outputs(&[a.clone(), b], &out, OutputFormat::Md, &[]);
        assert_eq!(
            plan[0],
            Planned {
                output: out.join("a-2.md"),
                existing: Existing::Earlier
            }
        );
        assert_eq!(plan[1].output, out.join("b-3.md"));

        // The same input file, edited since: its earlier output is still its own.
        std::fs::write(&a, "Un article corrigé.").unwrap();
        article.provenance.source_path = a.display().to_string();
        write(&out.join("a-2.md"), &render_markdown(&article));
        let plan = plan_outputs(std::slice::from_ref(&a), &out, OutputFormat::Md, &[]);
        assert_eq!(plan[0].existing, Existing::Earlier);
        assert_eq!(plan[0].output, out.join("a-2.md"));
    }

    #[test]
    fn an_unwritable_folder_is_named_once_with_the_system_reason() {
        let err = check_output_file(Path::new("/proc/plume-test.md"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("os error"), "{err}");
        assert_eq!(err.matches("/proc").count(), 2, "{err}");
        assert!(!err.contains(".plume-"), "{err}");
    }

    #[test]
    fn outputs_never_share_a_name() {
        let inputs: Vec<PathBuf> = ["x/a.txt", "y/a.md", "z/A.html", "a-2.txt", ".txt"]
            .map(PathBuf::from)
            .to_vec();
        let dir = tempfile::tempdir().unwrap();
        let plan = plan_outputs(&inputs, dir.path(), OutputFormat::Json, &[]);
        let names: Vec<String> = plan
            .iter()
            .map(|p| p.output.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["a.json", "a-2.json", "A-3.json", "a-2-2.json", ".txt.json"]
        );
    }

    #[test]
    fn output_matches_compares_every_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        let article = sample_article();
        std::fs::write(&path, render_markdown(&article)).unwrap();
        let record = article.provenance.run_record();
        assert!(output_matches(&path, OutputFormat::Md, &record));
        for i in 0..record.len() {
            let mut other = record.clone();
            other[i].1.push('x');
            assert!(!output_matches(&path, OutputFormat::Md, &other), "{i}");
        }
        let missing = dir.path().join("none.md");
        assert!(!output_matches(&missing, OutputFormat::Md, &record));
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_or_a_huge_file_at_an_output_name_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let fifo = d.join("a.md");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(read_record(&fifo, OutputFormat::Md), None);
        let huge = d.join("b.md");
        let file = File::create(&huge).unwrap();
        file.set_len(3 << 30).unwrap(); // sparse: costs no disk
        assert_eq!(read_record(&huge, OutputFormat::Md), None);
        let err = check_output_file(&fifo, &[]).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
