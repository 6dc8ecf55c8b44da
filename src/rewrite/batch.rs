//! `plume rewrite` over many articles with one model: inputs gathered from files and
//! folders, one output per input (named after it, never two on one name), each written
//! atomically; an output already made by the same run (same input sha256, model and
//! settings) is skipped, so an interrupted batch picks up where it stopped; an article
//! that fails is reported and the batch goes on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use serde::Serialize;

use crate::article::destination::{output_matches, plan_outputs, prepare_out_dir, Existing};
use crate::article::{write_atomically, OutputFormat};
use crate::error::{Error, Result};
use crate::generate::TextGenerator;
use crate::progress::Reporter;
use crate::rewrite::{self, RewriteOptions};
use crate::source::Source;
use crate::source::{read_input, sha256_hex};

/// The extensions a folder is searched for.
const ARTICLE_EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "html", "htm"];

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Where the outputs go (created if missing).
    pub out_dir: PathBuf,
    pub format: OutputFormat,
    /// Redo articles whose output is already up to date.
    pub force: bool,
    /// Stop at the first article that fails.
    pub fail_fast: bool,
}

/// One article to make: its input and the output it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
    /// What is at `output` now.
    pub existing: Existing,
}

/// The inputs of a batch: the jobs, and the inputs that could not be read as articles
/// (a path that does not exist, a folder that cannot be listed or holds no article).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub jobs: Vec<Job>,
    pub problems: Vec<(PathBuf, String)>,
}

/// What became of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Done,
    Skipped,
    Failed,
}

/// One article's result: a line of the `--log` file.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleResult {
    pub path: PathBuf,
    pub output: Option<PathBuf>,
    pub status: Status,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Something the editor should know about a finished article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// The output replaced one that plume wrote earlier from this input with another model,
    /// seed or settings.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replaced: bool,
    pub words: Option<usize>,
    pub seconds: f64,
    pub tokens_per_second: Option<f64>,
    pub seo_score: Option<u8>,
    pub readability_score: Option<u8>,
    pub faithful: Option<bool>,
}

/// Counts at the end of a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub done: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Articles not tried because `--fail-fast` stopped the batch.
    pub not_tried: usize,
}

impl std::ops::Add for Summary {
    type Output = Summary;

    /// The counts of both together.
    fn add(self, other: Summary) -> Summary {
        Summary {
            done: self.done + other.done,
            skipped: self.skipped + other.skipped,
            failed: self.failed + other.failed,
            not_tried: self.not_tried + other.not_tried,
        }
    }
}

impl Summary {
    /// One line for stderr.
    pub fn line(&self, seconds: f64) -> String {
        let mut line = format!(
            "plume: {} done, {} skipped, {} failed in {seconds:.1} s",
            self.done, self.skipped, self.failed
        );
        if self.not_tried > 0 {
            line.push_str(&format!(
                " ({} not tried: --fail-fast stopped the batch)",
                self.not_tried
            ));
        }
        line
    }
}

/// Gathers the articles of `paths` (files as given, folders walked for .txt, .md and
/// .html files in name order, hidden entries left out, links to folders followed once; the
/// same file reached twice counts once) and names their outputs in `out_dir`
/// ([`plan_outputs`], which passes over the inputs and `others`, the log). What the walk
/// cannot take (a link to nothing, a link loop, a pipe or device named like an article, the
/// output folder itself) is a problem, reported as a failure.
pub fn collect(
    paths: &[PathBuf],
    out_dir: &Path,
    format: OutputFormat,
    others: &[PathBuf],
) -> Inputs {
    let mut walk = Walk {
        out_dir: std::fs::canonicalize(out_dir).ok(),
        visited: HashSet::new(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                if walk.is_out_dir(path) {
                    walk.problems.push((
                        path.clone(),
                        format!(
                            "{}: this folder is also the output folder (--out), and plume does not read its own outputs as articles: give another --out",
                            path.display()
                        ),
                    ));
                    continue;
                }
                let before = (walk.files.len(), walk.problems.len());
                walk.folder(path);
                if (walk.files.len(), walk.problems.len()) == before {
                    walk.problems.push((
                        path.clone(),
                        format!(
                            "{}: this folder holds no .txt, .md or .html article",
                            path.display()
                        ),
                    ));
                }
            }
            Ok(_) => walk.files.push(path.clone()),
            Err(e) => walk
                .problems
                .push((path.clone(), Error::io(path, e).to_string())),
        }
    }
    let Walk {
        mut files,
        problems,
        ..
    } = walk;
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    let planned = plan_outputs(&files, out_dir, format, others);
    Inputs {
        jobs: files
            .into_iter()
            .zip(planned)
            .map(|(input, planned)| Job {
                input,
                output: planned.output,
                existing: planned.existing,
            })
            .collect(),
        problems,
    }
}

/// The state of a folder walk.
struct Walk {
    /// The output folder, resolved: never read.
    out_dir: Option<PathBuf>,
    /// The folders read so far, resolved: a link back to one of them is a loop.
    visited: HashSet<PathBuf>,
    files: Vec<PathBuf>,
    problems: Vec<(PathBuf, String)>,
}

impl Walk {
    fn is_out_dir(&self, dir: &Path) -> bool {
        self.out_dir.is_some() && std::fs::canonicalize(dir).ok() == self.out_dir
    }

    fn problem(&mut self, path: &Path, what: &str) {
        self.problems
            .push((path.to_path_buf(), format!("{}: {what}", path.display())));
    }

    fn folder(&mut self, dir: &Path) {
        let resolved = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.visited.insert(resolved) {
            return self.problem(
                dir,
                "a symbolic link back to a folder already read (a loop), not followed",
            );
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                let message = Error::io(dir, e).to_string();
                return self.problems.push((dir.to_path_buf(), message));
            }
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) if e.file_name().to_string_lossy().starts_with('.') => {}
                Ok(e) => paths.push(e.path()),
                // An entry the folder lists but that cannot be read is a failure of the
                // batch, not a file silently left out.
                Err(e) => {
                    let message = format!("{}: an entry cannot be read ({e})", dir.display());
                    self.problems.push((dir.to_path_buf(), message));
                }
            }
        }
        paths.sort();
        for path in paths {
            let link = match std::fs::symlink_metadata(&path) {
                Ok(link) => link,
                Err(e) => {
                    let message = Error::io(&path, e).to_string();
                    self.problems.push((path, message));
                    continue;
                }
            };
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    if !self.is_out_dir(&path) {
                        self.folder(&path);
                    }
                }
                _ if !is_article_name(&path) => {}
                Ok(meta) if meta.is_file() => self.files.push(path),
                Ok(_) => self.problem(
                    &path,
                    "not a regular file (a pipe, a socket or a device), not read",
                ),
                Err(_) if link.file_type().is_symlink() => self.problem(
                    &path,
                    "a symbolic link to nothing (its target is missing or a loop), not read",
                ),
                Err(e) => {
                    let message = Error::io(&path, e).to_string();
                    self.problems.push((path, message));
                }
            }
        }
    }
}

fn is_article_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reports the inputs that could not be read as articles, before any work is done; with
/// `fail_fast`, a problem means no job will be tried.
pub fn report_problems(
    inputs: &Inputs,
    fail_fast: bool,
    report: &mut dyn FnMut(&ArticleResult) -> Result<()>,
) -> Result<Summary> {
    let mut summary = Summary::default();
    for (path, problem) in &inputs.problems {
        summary.failed += 1;
        report(&failed(path, None, problem.clone(), 0.0))?;
        if fail_fast {
            summary.not_tried = inputs.jobs.len();
            break;
        }
    }
    Ok(summary)
}

/// The stack of each batch thread: 16 MiB, twice the main thread's usual.
const WORKER_STACK: usize = 16 << 20;

/// Runs `jobs`, the generators' caches reset between articles, into the output folder (made
/// if missing). Each generator takes the next job when it is free, so with several (one
/// inference server, several connections) several articles are in flight; an article's text
/// never depends on which generator wrote it, nor on how many there are. `report` is called
/// on this thread as each article ends (for the log and messages); an error it returns stops
/// the batch once the articles in flight are done.
pub fn run(
    jobs: &[Job],
    generators: Vec<&mut (dyn TextGenerator + Send)>,
    options: &RewriteOptions,
    batch: &BatchOptions,
    progress: &dyn Reporter,
    report: &mut dyn FnMut(&ArticleResult) -> Result<()>,
) -> Result<Summary> {
    let inputs: Vec<PathBuf> = jobs.iter().map(|j| j.input.clone()).collect();
    prepare_out_dir(&batch.out_dir, &inputs)?;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut summary = Summary::default();
    let mut reported = 0;
    let mut failure = None;
    std::thread::scope(|scope| {
        let (sender, results) = mpsc::channel();
        for generator in generators {
            let sender = sender.clone();
            let (next, stop) = (&next, &stop);
            // A stack as deep as the main thread's (readers of deeply nested input need it).
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
            let spawned = worker.spawn_scoped(scope, move || {
                // After each article, wait until it is reported: an interruption or
                // --fail-fast then stops this worker before it takes another.
                let (ack, wait) = mpsc::channel::<()>();
                while !stop.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else {
                        break;
                    };
                    progress.start_article(&job.input.display().to_string());
                    let started = Instant::now();
                    let result =
                        one(job, generator, options, batch, progress).unwrap_or_else(|e| {
                            failed(
                                &job.input,
                                Some(&job.output),
                                e.to_string(),
                                started.elapsed().as_secs_f64(),
                            )
                        });
                    progress.finish_article();
                    if sender.send((result, ack.clone())).is_err() || wait.recv().is_err() {
                        break;
                    }
                }
            });
            if let Err(e) = spawned {
                failure.get_or_insert(Error::Internal(format!(
                    "cannot start a thread for the batch: {e}"
                )));
            }
        }
        drop(sender);
        for (result, ack) in results {
            reported += 1;
            match result.status {
                Status::Done => summary.done += 1,
                Status::Skipped => summary.skipped += 1,
                Status::Failed => summary.failed += 1,
            }
            if let Err(e) = report(&result) {
                failure.get_or_insert(e);
                stop.store(true, Ordering::SeqCst);
            }
            if result.status == Status::Failed && batch.fail_fast {
                stop.store(true, Ordering::SeqCst);
            }
            // The worker may go on (or see the stop); it is gone if it panicked.
            let _ = ack.send(());
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    summary.not_tried = jobs.len() - reported;
    Ok(summary)
}

impl ArticleResult {
    /// A result with `status` and nothing measured yet.
    fn new(path: &Path, output: Option<&Path>, status: Status) -> Self {
        ArticleResult {
            path: path.to_path_buf(),
            output: output.map(Path::to_path_buf),
            status,
            error: None,
            warning: None,
            replaced: false,
            words: None,
            seconds: 0.0,
            tokens_per_second: None,
            seo_score: None,
            readability_score: None,
            faithful: None,
        }
    }
}

/// A failed article; the error always names its input.
fn failed(path: &Path, output: Option<&Path>, error: String, seconds: f64) -> ArticleResult {
    let name = path.display().to_string();
    let error = if error.contains(&name) {
        error
    } else {
        format!("{name}: {error}")
    };
    ArticleResult {
        error: Some(error),
        seconds,
        ..ArticleResult::new(path, output, Status::Failed)
    }
}

/// One article: skipped when its output is up to date, else read, rewritten and written.
fn one(
    job: &Job,
    generator: &mut (dyn TextGenerator + Send),
    options: &RewriteOptions,
    batch: &BatchOptions,
    progress: &dyn Reporter,
) -> Result<ArticleResult> {
    let started = Instant::now();
    let bytes = read_input(&job.input)?;
    let record = options
        .provenance(&job.input, &sha256_hex(&bytes))
        .run_record();
    let mut result = ArticleResult::new(&job.input, Some(&job.output), Status::Skipped);
    if !batch.force && output_matches(&job.output, batch.format, &record) {
        result.seconds = started.elapsed().as_secs_f64();
        return Ok(result);
    }
    let source = Source::from_bytes(&bytes, &job.input, None)?;
    generator.reset();
    let outcome = rewrite::rewrite(&source, generator, options, progress)?;
    write_atomically(&job.output, &outcome.render(batch.format)?)?;
    let report = &outcome.report;
    result.status = Status::Done;
    result.replaced = job.existing == Existing::Earlier;
    let warnings = outcome.warnings(options.min_words);
    result.warning = (!warnings.is_empty()).then(|| warnings.join("; "));
    result.words = Some(report.word_count);
    result.seconds = started.elapsed().as_secs_f64();
    result.tokens_per_second = Some(crate::generate::rate(
        outcome.stats.generated_tokens,
        outcome.stats.generation_seconds,
    ));
    result.seo_score = Some(report.seo_score);
    result.readability_score = Some(report.readability_score);
    result.faithful = report.faithfulness.as_ref().map(|f| f.faithful);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "Un texte.").unwrap();
    }

    #[test]
    fn folders_are_walked_in_order_without_hidden_entries_or_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            "b.txt",
            "a.md",
            "sub/c.html",
            "sub/d.HTM",
            ".cache/e.txt",
            ".f.txt",
            "notes.pdf",
            "out/old.md",
        ] {
            touch(&d.join(name));
        }
        let inputs = collect(&[d.to_path_buf()], &d.join("out"), OutputFormat::Md, &[]);
        let got: Vec<PathBuf> = inputs
            .jobs
            .iter()
            .map(|j| j.input.strip_prefix(d).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            got,
            ["a.md", "b.txt", "sub/c.html", "sub/d.HTM"].map(PathBuf::from)
        );
        assert!(inputs.problems.is_empty());
    }

    #[test]
    fn a_file_reached_twice_counts_once_and_problems_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(&d.join("in/a.txt"));
        std::fs::create_dir_all(d.join("empty")).unwrap();
        let inputs = collect(
            &[
                d.join("in/a.txt"),
                d.join("in"),
                d.join("missing.txt"),
                d.join("empty"),
            ],
            &d.join("out"),
            OutputFormat::Html,
            &[],
        );
        assert_eq!(inputs.jobs.len(), 1);
        assert_eq!(inputs.jobs[0].output, d.join("out/a.html"));
        assert_eq!(inputs.problems.len(), 2);
        assert!(
            inputs.problems[0].1.contains("missing.txt"),
            "{:?}",
            inputs.problems
        );
        assert!(
            inputs.problems[1].1.contains("no .txt"),
            "{:?}",
            inputs.problems
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_walk_reports_what_it_cannot_read_and_follows_links_to_folders_once() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(&d.join("in/a.txt"));
        touch(&d.join("ailleurs/b.md"));
        symlink(d.join("ailleurs"), d.join("in/lien")).unwrap();
        symlink(d.join("in"), d.join("in/boucle")).unwrap();
        symlink(d.join("nulle-part.txt"), d.join("in/casse.txt")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(d.join("in/tube.md"))
            .status()
            .unwrap();
        assert!(status.success());
        let inputs = collect(&[d.join("in")], &d.join("out"), OutputFormat::Md, &[]);
        let got: Vec<&Path> = inputs.jobs.iter().map(|j| j.input.as_path()).collect();
        assert_eq!(got, [d.join("in/a.txt"), d.join("in/lien/b.md")]);
        let problems: Vec<String> = inputs.problems.iter().map(|p| p.1.clone()).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("in/boucle") && problems[0].contains("loop"));
        assert!(problems[1].contains("in/casse.txt") && problems[1].contains("link to nothing"));
        assert!(problems[2].contains("in/tube.md") && problems[2].contains("not a regular file"));
    }

    #[test]
    fn an_input_folder_that_is_the_output_folder_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(&d.join("in/a.txt"));
        let inputs = collect(&[d.join("in")], &d.join("in"), OutputFormat::Md, &[]);
        assert!(inputs.jobs.is_empty());
        assert!(
            inputs.problems[0].1.contains("also the output folder"),
            "{:?}",
            inputs.problems
        );
    }

    #[test]
    fn an_output_folder_that_cannot_be_made_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "x").unwrap();
        let err = prepare_out_dir(&file.join("out"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain-file/out"), "{err}");
        let ok = dir.path().join("new/out");
        prepare_out_dir(&ok, &[]).unwrap();
        assert!(ok.is_dir());
        assert_eq!(
            std::fs::read_dir(&ok).unwrap().count(),
            0,
            "no temporary file left"
        );
    }
}
