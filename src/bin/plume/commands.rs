//! The commands besides `rewrite`: `check`, `generate`, `tokenize`, `bench` and `model`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::args::ReviewArgs;
use crate::args::{
    BackendArgs, BenchArgs, BenchFormat, CheckArgs, GenerateArgs, ModelArgs, ModelCommand,
    ReportFormat, TokenizeArgs,
};
use plume::analysis::{self, CheckOptions, Document};
use plume::article::{self, destination, Article};
use plume::generate::{GenerationSettings, ModelGenerator, Prompt, TextGenerator};
use plume::model::{source, vocab, LoadOptions, Model};
use plume::review::{self, Alignment};
use plume::source::Source;

pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        // Read by candle's and rayon's thread pools when they start, which is later.
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    Ok(())
}

/// Says why `PLUME_SIMD`'s kernel set is not the one in use, when a model is about to run.
fn warn_about_kernels() {
    if let Some(warning) = plume::model::kernels::KernelSet::choice_warning() {
        eprintln!("plume: {warning}");
    }
}

pub fn load_model(
    args: &ModelArgs,
    max_positions: usize,
) -> Result<(Model, source::ResolvedModel)> {
    warn_about_kernels();
    set_threads(args.threads)?;
    let resolved = source::resolve(args.model.as_deref())?;
    let model = Model::load(
        &resolved.path,
        &LoadOptions {
            device: args.device,
            max_positions,
        },
    )?;
    Ok((model, resolved))
}

fn read_text_arg(text: Option<String>, file: Option<PathBuf>, what: &str) -> Result<String> {
    match (text, file) {
        (Some(t), _) => Ok(t),
        (None, Some(path)) => std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display())),
        (None, None) => bail!(
            "give the {what} as an argument or with --{}",
            if what == "prompt" {
                "prompt-file"
            } else {
                "file"
            }
        ),
    }
}

pub fn generate(args: GenerateArgs) -> Result<u8> {
    let prompt = read_text_arg(args.prompt, args.prompt_file, "prompt")?;
    let sampling = args.sampling.settings()?;
    let mut generator: Box<dyn TextGenerator> = match args.backend.endpoint()? {
        Some(endpoint) => {
            if args.french_vocab || args.parse_special {
                bail!("--french-vocab and --parse-special need the local engine, not --endpoint");
            }
            Box::new(BackendArgs::connect(&endpoint, &args.model)?)
        }
        None => {
            let (mut model, resolved) = load_model(&args.model, 8192)?;
            if args.french_vocab {
                let ids = vocab::french_token_ids(model.tokenizer());
                model.restrict_vocabulary(Some(ids))?;
            }
            Box::new(ModelGenerator::new(model, resolved.id()))
        }
    };
    let settings = GenerationSettings {
        sampling,
        max_tokens: args.max_tokens,
        min_tokens: args.min_tokens,
        stop: args.stop,
    };
    let prompt = if args.parse_special {
        Prompt::with_special_tokens(prompt)
    } else {
        Prompt::plain(prompt)
    };
    let mut stdout = std::io::stdout().lock();
    let mut write_error = None;
    let result = generator.generate(&prompt, &settings, &mut |piece| {
        if write_error.is_none() {
            if let Err(e) = stdout
                .write_all(piece.as_bytes())
                .and_then(|_| stdout.flush())
            {
                write_error = Some(e);
            }
        }
    })?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    writeln!(stdout)?;
    eprintln!(
        "plume: {} ({} prompt tokens processed, {:?})",
        plume::generate::speed_summary(
            result.prompt_tokens,
            result.prompt_seconds,
            result.generated_tokens,
            result.generation_seconds
        ),
        result.prompt_tokens_processed,
        result.stop_reason
    );
    Ok(0)
}

pub fn tokenize(args: TokenizeArgs) -> Result<u8> {
    let text = read_text_arg(args.text, args.file, "text")?;
    let resolved = source::resolve(args.model.as_deref())?;
    let gguf = plume::model::gguf::GgufFile::open(&resolved.path)?;
    let tokenizer = plume::model::tokenizer::GgufTokenizer::from_gguf(&gguf)?;
    let ids = tokenizer.encode(&text, args.parse_special)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&ids)?)?;
    } else {
        let list: Vec<String> = ids.iter().map(u32::to_string).collect();
        writeln!(out, "{}", list.join(" "))?;
    }
    eprintln!("plume: {} tokens", ids.len());
    Ok(0)
}

pub fn bench(args: BenchArgs) -> Result<u8> {
    let report = match args.backend.endpoint()? {
        Some(endpoint) => {
            if args.french_vocab {
                bail!("--french-vocab needs the local engine, not --endpoint");
            }
            let mut generator = BackendArgs::connect(&endpoint, &args.model)?;
            let options = bench_options(&args, 0);
            plume::bench::run_served(&mut generator, &endpoint, &options)?
        }
        None => bench_local(&args)?,
    };
    let text = match args.format {
        BenchFormat::Md => plume::bench::render_markdown(&report),
        BenchFormat::Json => plume::bench::render_json(&report),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(0)
}

fn bench_options(args: &BenchArgs, threads: usize) -> plume::bench::BenchOptions {
    plume::bench::BenchOptions {
        prompt_tokens: args.prompt_tokens,
        gen_tokens: args.gen_tokens,
        repetitions: args.repetitions,
        threads,
        french_vocab: args.french_vocab,
    }
}

/// `plume bench` on this machine's engine.
fn bench_local(args: &BenchArgs) -> Result<plume::bench::BenchReport> {
    warn_about_kernels();
    set_threads(args.model.threads)?;
    let resolved = source::resolve(args.model.model.as_deref())?;
    let threads = args.model.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let load = LoadOptions {
        device: args.model.device,
        max_positions: (args.prompt_tokens + args.gen_tokens + 8).max(64),
    };
    Ok(plume::bench::run(
        &resolved.path,
        &load,
        &bench_options(args, threads),
    )?)
}

pub fn model_command(cmd: ModelCommand) -> Result<u8> {
    let catalog = source::Catalog::builtin();
    let mut out = std::io::stdout().lock();
    match cmd {
        ModelCommand::List => {
            for entry in &catalog.models {
                let installed = match source::locate(Some(&entry.id)) {
                    Ok(r) => r.path.display().to_string(),
                    Err(_) => "not installed".to_string(),
                };
                let default = if entry.id == catalog.default {
                    " (default)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{}{default}\t{}\t{:?}\t{}/{}\t{}",
                    entry.id,
                    entry.architecture,
                    entry.prompt_style,
                    entry.repo,
                    entry.hf_file,
                    installed
                )?;
            }
            Ok(0)
        }
        ModelCommand::Pull { id } => {
            let path = source::pull(&id, std::io::stderr().is_terminal())?;
            writeln!(out, "{}", path.display())?;
            Ok(0)
        }
        ModelCommand::Verify { model } => {
            let resolved = source::locate(model.as_deref())?;
            let actual = source::sha256_file(&resolved.path)?;
            match resolved.entry.as_ref().and_then(|e| e.sha256.clone()) {
                Some(expected) if expected == actual => {
                    writeln!(out, "ok\t{}\t{actual}", resolved.path.display())?;
                    Ok(0)
                }
                Some(expected) => {
                    writeln!(
                        out,
                        "MISMATCH\t{}\texpected {expected}\tgot {actual}",
                        resolved.path.display()
                    )?;
                    Ok(1)
                }
                None => {
                    writeln!(
                        out,
                        "unknown\t{}\t{actual}\t(no sha256 in the catalog for this file)",
                        resolved.path.display()
                    )?;
                    Ok(0)
                }
            }
        }
    }
}

pub fn check(args: CheckArgs) -> Result<u8> {
    if args.fix {
        let fixes = analysis::typography::fix_file(&args.article)?;
        for fix in &fixes {
            eprintln!(
                "plume: fixed {} at {}..{}: {:?} → {:?}",
                fix.rule, fix.span.0, fix.span.1, fix.before, fix.after
            );
        }
        eprintln!(
            "plume: {} typography fixes written to {}",
            fixes.len(),
            args.article.display()
        );
    }
    if let Some(review) = &args.review {
        let protected: Vec<PathBuf> = std::iter::once(args.article.clone())
            .chain(args.source.clone())
            .collect();
        destination::check_output_file(review, &protected)?;
    }
    let doc = Document::read(&args.article)?;
    let source = match &args.source {
        Some(path) => Some(Source::from_path(path)?),
        None => None,
    };
    let report = analysis::analyze(
        &doc,
        &CheckOptions {
            keyphrase: args.keyphrase,
            source: source.as_ref().map(Source::full_text),
            min_words: args.min_words,
        },
    );
    if let (Some(path), Some(source)) = (&args.review, &source) {
        let alignment = review::align(
            &review::article_blocks(&doc),
            review::source_sentences(source),
            None,
        );
        let label = source.path.display().to_string();
        article::write_atomically(
            path,
            &review::review_page(&doc, &report, &alignment, &label),
        )?;
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        ReportFormat::Text => write!(
            out,
            "{}",
            analysis::render_text(&report, std::io::stdout().is_terminal())
        )?,
        ReportFormat::Json => writeln!(out, "{}", report.to_json())?,
    }
    Ok(report.exit_code() as u8)
}

/// `plume review ARTICLE.json`: the review page of an article written earlier with
/// `--format json` (its alignment holds the source's sentences; the report is made again).
pub fn review(args: ReviewArgs) -> Result<u8> {
    if let Some(out) = &args.out {
        destination::check_output_file(out, std::slice::from_ref(&args.article))?;
    }
    let path = &args.article;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read it as UTF-8 text", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not JSON (an article written by `plume rewrite --format json` is)",
            path.display()
        )
    })?;
    let article: Article = serde_json::from_value(value.clone()).with_context(|| {
        format!(
            "{}: not an article written by `plume rewrite --format json`",
            path.display()
        )
    })?;
    let Some(alignment) = value.get("alignment") else {
        bail!(
            "{}: the article has no alignment (it was written by an older plume): rewrite it again with --format json",
            path.display()
        );
    };
    let alignment: Alignment = serde_json::from_value(alignment.clone())
        .with_context(|| format!("{}: its alignment is malformed", path.display()))?;
    let doc = review::article_document(&article)?;
    let report = analysis::analyze(
        &doc,
        &CheckOptions {
            keyphrase: Some(article.keyphrase.clone()),
            source: Some(review::source_text(&alignment)),
            // The rewrite's own floor, as its run record states it.
            min_words: article
                .provenance
                .settings
                .split_whitespace()
                .find_map(|s| s.strip_prefix("min_words=")?.parse().ok())
                .unwrap_or(700),
        },
    );
    let page = review::review_page(&doc, &report, &alignment, &article.provenance.source_path);
    match &args.out {
        Some(out) => article::write_atomically(out, &page)?,
        None => std::io::stdout()
            .lock()
            .write_all(page.as_bytes())
            .context("cannot write the page to standard output")?,
    }
    Ok(0)
}
