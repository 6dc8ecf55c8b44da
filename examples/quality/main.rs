//! The quality harness: rewrites every article of the corpus with `plume rewrite` and prints,
//! per article, what a sub-editor would look at. Run it from the repository root:
//!
//! ```sh
//! cargo build --release && cargo run --release --example quality -- [--model ID|PATH] [--out DIR] [FILE…]
//! ```
//!
//! Without `--model`, each article gets the model `plume rewrite` picks when none is named (the
//! default for French sources, an installed instruct model for other languages). Without files
//! it takes `examples/quality/corpus/` and `examples/articles/`. The articles
//! are written to `--out` (default `target/quality/<model>/`). Columns: source language and
//! words; article words; sentences written by the model and copied from the source; the share
//! of the article's 8-grams found in the source (French sources); words unknown to the French
//! dictionary; fragments; paragraphs with unbalanced « »; near-duplicate sentence pairs;
//! heading words found neither in the article nor in the source; names and numbers absent
//! from the source; article sentences with no source sentence (the alignment's `unsupported`,
//! which the review page flags); seconds (model load included). Beside each article
//! (`NAME.md`) the harness keeps its JSON (`NAME.json`) and its review page
//! (`NAME.review.html`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use plume::analysis::quality;
use plume::analysis::text::{fold, sentences, words};
use plume::analysis::Document;
use plume::article::{render_markdown, Article};
use plume::facts::Facts;
use plume::review::align::WORDS_CHECK;
use plume::review::{Alignment, Origin};
use plume::rewrite::verify::sentence_key;
use plume::source::{Lang, Source};

struct Row {
    name: String,
    lang: Lang,
    source_words: usize,
    words: usize,
    written: usize,
    copied: usize,
    copy_share: Option<f64>,
    unknown: usize,
    fragments: usize,
    unbalanced: usize,
    duplicates: usize,
    heading_words: usize,
    invented: usize,
    unsupported: usize,
    /// Model-written sentences of the article, and those checked word by word.
    model_sentences: usize,
    word_checked: usize,
    seconds: f64,
    failure: Option<String>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("quality: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut model: Option<String> = None;
    let mut out: Option<PathBuf> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = args.next(),
            "--out" => out = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("cargo run --release --example quality -- [--model ID|PATH] [--out DIR] [FILE…]");
                return Ok(());
            }
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        for dir in ["examples/quality/corpus", "examples/articles"] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| format!("cannot read {dir}: {e} (run from the repository root)"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "txt" || x == "md" || x == "html")
                        && p.file_name().is_some_and(|n| n != "README.md")
                })
                .collect();
            found.sort();
            files.extend(found);
        }
    }
    let plume = plume_binary()?;
    let label = model.clone().unwrap_or_else(|| "default".into());
    let out = out
        .unwrap_or_else(|| PathBuf::from("target/quality").join(label.replace(['/', '\\'], "_")));
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let mut rows = Vec::new();
    for file in &files {
        let row = measure(&plume, model.as_deref(), file, &out)?;
        print_row(&row);
        rows.push(row);
    }
    print_table(&label, &rows);
    Ok(())
}

/// `target/release/plume`, beside this example's own binary.
fn plume_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot find the target folder")?;
    let bin = dir.join(format!("plume{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "{} not found: run `cargo build --release` first",
            bin.display()
        ))
    }
}

fn measure(plume: &Path, model: Option<&str>, file: &Path, out: &Path) -> Result<Row, String> {
    let source = Source::from_path(file).map_err(|e| e.to_string())?;
    let source_text = source.full_text();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    let target = out.join(format!("{stem}.json"));
    let mut cmd = Command::new(plume);
    cmd.arg("rewrite")
        .arg(file)
        .args(["--format", "json", "--out"])
        .arg(&target)
        .arg("--review")
        .arg(out.join(format!("{stem}.review.html")))
        .arg("--quiet");
    if let Some(m) = model {
        cmd.arg("--model").arg(m);
    }
    let started = Instant::now();
    let status = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", plume.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut row = Row {
        name,
        lang: source.lang,
        source_words: words(&source.text()).len(),
        words: 0,
        written: 0,
        copied: 0,
        copy_share: None,
        unknown: 0,
        fragments: 0,
        unbalanced: 0,
        duplicates: 0,
        heading_words: 0,
        invented: 0,
        unsupported: 0,
        model_sentences: 0,
        word_checked: 0,
        seconds,
        failure: None,
    };
    if !target.is_file() {
        let stderr = String::from_utf8_lossy(&status.stderr);
        row.failure = Some(stderr.lines().last().unwrap_or("no output").to_string());
        return Ok(row);
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let article: Article = serde_json::from_value(json.clone()).map_err(|e| e.to_string())?;
    let alignment: Alignment =
        serde_json::from_value(json["alignment"].clone()).map_err(|e| e.to_string())?;
    row.unsupported = alignment
        .article
        .iter()
        .filter(|s| s.origin == Origin::Unsupported)
        .count();
    let model: Vec<_> = alignment
        .article
        .iter()
        .filter(|s| s.origin == Origin::Model)
        .collect();
    row.model_sentences = model.len();
    row.word_checked = model
        .iter()
        .filter(|s| s.checks.iter().any(|c| c == WORDS_CHECK))
        .count();
    let markdown = render_markdown(&article);
    std::fs::write(out.join(format!("{stem}.md")), &markdown).map_err(|e| e.to_string())?;
    let doc = Document::parse(&markdown).map_err(|e| e.to_string())?;
    let body: Vec<&str> = doc
        .blocks
        .iter()
        .filter(|b| !matches!(b.kind, plume::source::BlockKind::Heading(_)))
        .map(|b| b.text.as_str())
        .collect();
    let body_text = body.join("\n");
    let source_keys: HashSet<String> = sentences(&source_text)
        .into_iter()
        .map(sentence_key)
        .collect();
    for s in body.iter().flat_map(|b| sentences(b)) {
        if source_keys.contains(&sentence_key(s)) {
            row.copied += 1;
        } else {
            row.written += 1;
        }
    }
    row.words = words(&body_text).len();
    if source.lang == Lang::Fr {
        row.copy_share = Some(copied_share(&body_text, &source_text, 8));
    }
    let q = quality::measure(&doc, Some(&source_text));
    row.unknown = q.unknown_words.len();
    row.fragments = q.fragments.len();
    row.unbalanced = q.unbalanced.len();
    row.duplicates = q.near_duplicates.len();
    row.heading_words = q.heading_words.len();
    let everything: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
    let faith = Facts::extract(&source_text).check(&everything.join("\n"));
    row.invented = faith.unknown_names.len() + faith.unknown_numbers.len();
    Ok(row)
}

/// The share of `text`'s word `n`-grams (folded) that `source` has.
fn copied_share(text: &str, source: &str, n: usize) -> f64 {
    let grams = |t: &str| -> Vec<String> {
        let w: Vec<String> = words(t).into_iter().map(fold).collect();
        w.windows(n).map(|g| g.join(" ")).collect()
    };
    let theirs: HashSet<String> = grams(source).into_iter().collect();
    let ours = grams(text);
    if ours.is_empty() {
        return 0.0;
    }
    ours.iter().filter(|g| theirs.contains(*g)).count() as f64 / ours.len() as f64
}

const HEADER: &str = "| article | lang | src words | words | model / copied | 8-gram copy | unknown | fragments | unbalanced « » | near-dup | heading words | names/numbers | no source | word-checked | s |";
const RULE: &str = "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";

fn format_row(r: &Row) -> String {
    if let Some(f) = &r.failure {
        return format!(
            "| {} | {} | {} | failed: {f} | | | | | | | | | | | {:.1} |",
            r.name, r.lang, r.source_words, r.seconds
        );
    }
    format!(
        "| {} | {} | {} | {} | {} / {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
        r.name,
        r.lang,
        r.source_words,
        r.words,
        r.written,
        r.copied,
        r.copy_share
            .map(|s| format!("{:.0} %", s * 100.0))
            .unwrap_or_else(|| "–".into()),
        r.unknown,
        r.fragments,
        r.unbalanced,
        r.duplicates,
        r.heading_words,
        r.invented,
        r.unsupported,
        word_checked(r.word_checked, r.model_sentences),
        r.seconds
    )
}

/// « 12/15 » model sentences checked word by word, « – » when the model wrote none.
fn word_checked(checked: usize, model: usize) -> String {
    if model == 0 {
        "–".into()
    } else {
        format!("{checked}/{model}")
    }
}

fn print_row(r: &Row) {
    eprintln!("{}", format_row(r));
}

fn print_table(label: &str, rows: &[Row]) {
    println!("\nModel: {label}\n\n{HEADER}\n{RULE}");
    for r in rows {
        println!("{}", format_row(r));
    }
    let ok: Vec<&Row> = rows.iter().filter(|r| r.failure.is_none()).collect();
    let sum = |f: fn(&Row) -> usize| ok.iter().map(|r| f(r)).sum::<usize>();
    let shares: Vec<f64> = ok.iter().filter_map(|r| r.copy_share).collect();
    let mean_share = if shares.is_empty() {
        "–".to_string()
    } else {
        format!(
            "{:.0} %",
            shares.iter().sum::<f64>() / shares.len() as f64 * 100.0
        )
    };
    println!(
        "| **{} articles, {} failed** | | {} | {} | {} / {} | {mean_share} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
        rows.len(),
        rows.len() - ok.len(),
        sum(|r| r.source_words),
        sum(|r| r.words),
        sum(|r| r.written),
        sum(|r| r.copied),
        sum(|r| r.unknown),
        sum(|r| r.fragments),
        sum(|r| r.unbalanced),
        sum(|r| r.duplicates),
        sum(|r| r.heading_words),
        sum(|r| r.invented),
        sum(|r| r.unsupported),
        word_checked(sum(|r| r.word_checked), sum(|r| r.model_sentences)),
        rows.iter().map(|r| r.seconds).sum::<f64>()
    );
}
