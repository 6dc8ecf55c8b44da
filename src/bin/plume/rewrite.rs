//! `plume rewrite`: one article to stdout or a file, or a batch into a folder.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::args::{BackendArgs, RewriteArgs};
use crate::commands::load_model;
use crate::progress::Progress;
use plume::article::{self, destination};
use plume::generate::{ModelGenerator, TextGenerator};
use plume::model::source;
use plume::rewrite::{batch, RewriteOptions};
use plume::source::{Lang, Source};

pub fn rewrite(mut args: RewriteArgs) -> Result<u8> {
    if args.is_batch() {
        return rewrite_batch(args);
    }
    if args.force || args.fail_fast || args.log.is_some() {
        bail!("--force, --fail-fast and --log are for batches: give several articles, a folder, or --out FOLDER/");
    }
    let input = &args.inputs[0];
    let source = if input.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        Source::from_bytes(&bytes, Path::new("<stdin>"), None)?
    } else {
        Source::from_path(input)?
    };
    if let Some(id) = translator_for(&args, Some(source.lang))? {
        let what = format!(
            "{} is not in French ({})",
            source.path.display(),
            source.lang
        );
        tell_translator(&args, &what, &id);
        args.model.model = Some(id);
    }
    if let Some(out) = &args.out {
        // Checked before the model loads: a bad output must not cost a whole generation.
        let mut protected = args.model.path().into_iter().collect::<Vec<_>>();
        if input.as_os_str() != "-" {
            protected.push(input.clone());
        }
        destination::check_output_file(out, &protected)?;
    }
    if let Some(review) = &args.review {
        let mut protected = args.model.path().into_iter().collect::<Vec<_>>();
        protected.extend(args.out.iter().cloned());
        if input.as_os_str() != "-" {
            protected.push(input.clone());
        }
        destination::check_output_file(review, &protected)?;
    }
    let (mut generators, options) = rewrite_setup(&args)?;
    let progress = Progress::new(!args.quiet && std::io::stderr().is_terminal());
    let generator = generators[0].as_mut();
    let outcome = plume::rewrite::rewrite(&source, generator, &options, &progress)?;
    progress.finish();

    let rendered = outcome.render(args.format)?;
    if let Some(review) = &args.review {
        article::write_atomically(review, &outcome.review_page()?)?;
    }
    match &args.out {
        Some(path) => article::write_atomically(path, &rendered)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes())
                .and_then(|_| match rendered.ends_with('\n') {
                    true => Ok(()),
                    false => writeln!(out),
                })
                .and_then(|_| out.flush())
                .context("cannot write the article to standard output")?;
        }
    }
    for warning in outcome.warnings(options.min_words) {
        eprintln!("plume: {}: {warning}", source.path.display());
    }
    if !args.quiet {
        eprintln!("{}", outcome.summary());
        if let Some(line) = outcome.rejections_line() {
            eprintln!("{line}");
        }
        eprintln!("{}", outcome.speed_line());
    }
    Ok(0)
}

/// When `--model` names none and the default model is a base model, which cannot translate:
/// the installed instruction-tuned model that writes a source in `lang` instead (a language
/// plume knows, not French; `None` for a batch's languages). `None`: the model asked for, or
/// the default.
fn translator_for(args: &RewriteArgs, lang: Option<Lang>) -> Result<Option<String>> {
    if args.model.model.is_some()
        || args.backend.endpoint()?.is_some()
        || lang.is_some_and(|l| !translated(l))
    {
        return Ok(None);
    }
    Ok(source::translator().map(|m| m.id()))
}

/// Whether a source in `lang` is one a translating model is for: a known language other than
/// French (too short or mixed a text to tell stays with the default).
fn translated(lang: Lang) -> bool {
    !matches!(lang, Lang::Fr | Lang::Other)
}

/// Says on stderr which model translates `what` (« a.txt is not in French (en) »), and why.
fn tell_translator(args: &RewriteArgs, what: &str, id: &str) {
    if !args.quiet {
        let default = source::Catalog::builtin().default;
        eprintln!(
            "plume: {what}: {default}, the default model, is a base model and cannot translate, so {id} (installed) writes the French; `--model {default}` keeps the default"
        );
    }
}

/// A generator a batch can hand to one of its threads.
type Generator = Box<dyn TextGenerator + Send>;

/// Loads the model for `plume rewrite` (or connects to the server that runs it, once per
/// article in flight: `--parallel`) and gathers its options.
fn rewrite_setup(args: &RewriteArgs) -> Result<(Vec<Generator>, RewriteOptions)> {
    let sampling = args.sampling.settings()?;
    let missing = plume::lexicon::lexicon().missing();
    if !missing.is_empty() && !args.quiet {
        eprintln!(
            "plume: note: lexicons not found ({}): sentences are checked word by word only with them; run tools/fetch-lexicons.sh (or install Debian's mythes-fr and dict-freedict-* packages)",
            missing.join(", ")
        );
    }
    if let Some(endpoint) = args.backend.endpoint()? {
        let generator = BackendArgs::connect(&endpoint, &args.model)?;
        // A catalog model served remotely is prompted as the catalog says; any other is
        // taken for an instruction-tuned model, which servers mostly run.
        let catalog = source::Catalog::builtin();
        let served = generator.served_model().to_string();
        let prompt_style = catalog
            .models
            .iter()
            .find(|m| {
                m.id == served || m.file == served || served.ends_with(&format!("/{}", m.file))
            })
            .map_or(source::PromptStyle::Chat, |m| m.prompt_style);
        let options = RewriteOptions {
            keyphrase: args.keyphrase.clone(),
            min_words: args.min_words,
            attempts: args.attempts.max(1),
            min_logprob: args.min_logprob,
            sampling,
            prompt_style,
            architecture: String::new(),
            // What identifies the model in the run record: the name the server serves, where.
            model_sha256: format!("served:{served}@{}", generator.host()),
            full_vocabulary: true,
            // One article: its pieces in flight together. A batch: its articles (each then
            // asks one piece at a time, so that at most N requests are in flight).
            parallel: if args.is_batch() {
                1
            } else {
                usize::from(args.parallel)
            },
        };
        // One connection per article in flight.
        let generators = (0..args.parallel)
            .map(|_| Box::new(generator.clone()) as Generator)
            .collect();
        return Ok((generators, options));
    }
    if args.parallel > 1 {
        bail!("--parallel is for an inference server (--endpoint): the local engine already uses every core for one article");
    }
    let (model, resolved) = load_model(&args.model, 8192)?;
    let model_sha256 = match resolved.entry.as_ref().and_then(|e| e.sha256.clone()) {
        Some(sha) => sha,
        None => source::sha256_file(&resolved.path)?,
    };
    let architecture = model.info().architecture.clone();
    let options = RewriteOptions {
        keyphrase: args.keyphrase.clone(),
        min_words: args.min_words,
        attempts: args.attempts.max(1),
        min_logprob: args.min_logprob,
        sampling,
        // A file with a chat template is an instruction-tuned model, prompted through it.
        prompt_style: if model.chat_template().is_some() {
            source::PromptStyle::Chat
        } else {
            resolved.prompt_style()
        },
        architecture,
        model_sha256,
        full_vocabulary: args.full_vocab,
        parallel: 1,
    };
    let mut generator = ModelGenerator::new(model, resolved.id());
    if !args.full_vocab {
        generator.restrict_to_french();
    }
    Ok((vec![Box::new(generator)], options))
}

/// `plume rewrite` over several articles into a folder.
fn rewrite_batch(mut args: RewriteArgs) -> Result<u8> {
    let Some(out_dir) = args.out.clone() else {
        bail!("a batch (several articles, or a folder) needs --out FOLDER: each article gets its own file there");
    };
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        bail!("standard input (-) can only be rewritten alone");
    }
    if args.review.is_some() {
        bail!("--review writes the page of one article: for a batch, write it with --format json and run `plume review ARTICLE.json` on the articles to look at");
    }
    let mut protected = args.inputs.clone();
    protected.extend(args.model.path());
    destination::prepare_out_dir(&out_dir, &protected)?;
    let log_path: Vec<PathBuf> = args.log.iter().cloned().collect();
    let inputs = batch::collect(&args.inputs, &out_dir, args.format, &log_path);
    let mut log = match &args.log {
        Some(path) => {
            let mut read: Vec<PathBuf> = inputs.jobs.iter().map(|j| j.input.clone()).collect();
            read.extend(protected);
            let outputs: Vec<PathBuf> = inputs.jobs.iter().map(|j| j.output.clone()).collect();
            Some(destination::open_log(path, &read, &outputs)?)
        }
        None => None,
    };
    let started = std::time::Instant::now();
    let progress = Progress::batch(
        !args.quiet && std::io::stderr().is_terminal(),
        inputs.jobs.len(),
    );
    let batch_options = batch::BatchOptions {
        out_dir,
        format: args.format,
        force: args.force,
        fail_fast: args.fail_fast,
    };
    let mut report = |result: &batch::ArticleResult| -> plume::Result<()> {
        tell(&progress, args.quiet, result);
        match (log.as_mut(), &args.log) {
            (Some(file), Some(path)) => append_log(file, path, result),
            _ => Ok(()),
        }
    };
    let mut summary = batch::report_problems(&inputs, args.fail_fast, &mut report)?;
    // Sources not in French go to the translating model when the default cannot translate:
    // the French ones first, with the default, then the others.
    let mut groups: Vec<(Vec<batch::Job>, Option<String>)> = vec![(inputs.jobs.clone(), None)];
    if let Some(id) = translator_for(&args, None)? {
        let (foreign, french): (Vec<batch::Job>, Vec<batch::Job>) = inputs
            .jobs
            .iter()
            .cloned()
            .partition(|job| Source::from_path(&job.input).is_ok_and(|s| translated(s.lang)));
        if !foreign.is_empty() {
            let what = match foreign.as_slice() {
                [one] => format!("{} is not in French", one.input.display()),
                many => format!("{} of the articles are not in French", many.len()),
            };
            tell_translator(&args, &what, &id);
            groups = vec![(french, None), (foreign, Some(id))];
        }
    }
    // With --fail-fast, a problem with an input has already counted every job as not tried.
    let stopped = summary.not_tried > 0;
    for (jobs, model) in groups.into_iter().filter(|_| !stopped) {
        if jobs.is_empty() {
            continue;
        }
        if args.fail_fast && summary.failed > 0 {
            summary.not_tried += jobs.len();
            continue;
        }
        if model.is_some() {
            args.model.model = model;
        }
        let (mut generators, options) = rewrite_setup(&args)?;
        summary = summary
            + batch::run(
                &jobs,
                generators
                    .iter_mut()
                    .map(|g| g.as_mut() as &mut (dyn TextGenerator + Send))
                    .collect(),
                &options,
                &batch_options,
                &progress,
                &mut report,
            )?;
    }
    progress.finish();
    eprintln!("{}", summary.line(started.elapsed().as_secs_f64()));
    Ok(u8::from(summary.failed > 0))
}

/// One article's result on stderr, above the bar: failures always, the rest unless `quiet`.
fn tell(progress: &Progress, quiet: bool, result: &batch::ArticleResult) {
    let path = result.path.display();
    match (&result.status, &result.error) {
        (batch::Status::Failed, Some(error)) => {
            progress.println(&format!("plume: failed: {error}"))
        }
        (batch::Status::Skipped, _) if !quiet => progress.println(&format!(
            "plume: skipped {path}: its output is up to date (--force redoes it)"
        )),
        (batch::Status::Done, _) if !quiet => progress.println(&format!(
            "plume: done {path} → {} ({} words, {:.1} s){}",
            result.output.as_deref().unwrap_or(Path::new("")).display(),
            result.words.unwrap_or(0),
            result.seconds,
            if result.replaced {
                "; it replaces the output plume wrote earlier from this article with other settings"
            } else {
                ""
            }
        )),
        _ => {}
    }
    if let Some(warning) = &result.warning {
        progress.println(&format!("plume: {path}: {warning}"));
    }
}

/// One JSON line for `result` at the end of the batch log `file` (at `path`), flushed.
fn append_log(
    file: &mut std::fs::File,
    path: &Path,
    result: &batch::ArticleResult,
) -> plume::Result<()> {
    let mut line = serde_json::to_string(result)
        .map_err(|e| plume::Error::Internal(format!("a batch result as JSON: {e}")))?;
    line.push('\n');
    file.write_all(line.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| plume::Error::io(path, e))
}
