//! Command-line interface: argument definitions and the glue that calls the library.
//! Results go to stdout (or `--out`), progress and speed to stderr.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analysis::{self, CheckOptions, Document};
use crate::article::{self, destination, OutputFormat};
use crate::source::Source;
use crate::rewrite::batch;
use crate::generate::openai::OpenAiGenerator;
use crate::generate::{
    GenerationSettings, ModelGenerator, Prompt, SamplingSettings, TextGenerator,
};
use crate::model::{source, vocab, DeviceKind, LoadOptions, Model};
use crate::rewrite::{Progress, RewriteOptions};

/// plume: rewrite any article into a grounded, SEO-ready French web article, offline.
#[derive(Debug, Parser)]
#[command(name = "plume", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rewrite an article (txt, md, html, or - for stdin) into a French SEO article.
    Rewrite(RewriteArgs),
    /// Report on an article's SEO, readability, French typography and faithfulness (no model needed).
    Check(CheckArgs),
    /// Generate raw text from a prompt (debugging and benchmarking).
    Generate(GenerateArgs),
    /// Print the token ids of a text.
    Tokenize(TokenizeArgs),
    /// Measure prompt processing and generation speed, shaped like llama-bench.
    Bench(BenchArgs),
    /// Manage models: list the catalog, download one, verify a file.
    #[command(subcommand)]
    Model(ModelCommand),
}

/// Options shared by every command that runs a model.
#[derive(Debug, Args, Clone)]
struct ModelArgs {
    /// Catalog id or path to a .gguf file (default: the catalog's default model).
    #[arg(long, short = 'm')]
    model: Option<String>,
    /// Where to run the model.
    #[arg(long, value_enum, default_value_t = DeviceKind::Cpu)]
    device: DeviceKind,
    /// Worker threads (default: the physical cores).
    #[arg(long, short = 't')]
    threads: Option<usize>,
}

impl ModelArgs {
    /// The model file, when `--model` names an existing file (an output must never be it).
    fn path(&self) -> Option<PathBuf> {
        self.model
            .as_deref()
            .map(PathBuf::from)
            .filter(|p| p.exists())
    }
}

/// Where the text is generated: here (the default), or by an inference server the user names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    /// This machine, with plume's own engine.
    Local,
    /// An OpenAI-compatible server (llama-server, vLLM, Ollama, TGI) at --endpoint.
    Openai,
}

/// The flags that send generation to an inference server (`rewrite` and `generate`).
#[derive(Debug, Args, Clone)]
struct BackendArgs {
    /// Where to generate; `openai` needs --endpoint (or PLUME_ENDPOINT). With a server,
    /// --model is the model name it serves (default: the first it lists).
    #[arg(long, value_enum, default_value_t = Backend::Local)]
    backend: Backend,
    /// The server's API root, like http://127.0.0.1:8080/v1 (implies --backend openai). The
    /// article's text is sent there; nothing is sent anywhere without it. A bearer token,
    /// if the server wants one, is read from PLUME_API_KEY.
    #[arg(long)]
    endpoint: Option<String>,
}

impl BackendArgs {
    /// The endpoint to use, when generation goes to a server.
    fn endpoint(&self) -> Result<Option<String>> {
        if self.endpoint.is_none() && self.backend == Backend::Local {
            return Ok(None);
        }
        match self
            .endpoint
            .clone()
            .or_else(|| std::env::var("PLUME_ENDPOINT").ok().filter(|e| !e.is_empty()))
        {
            Some(endpoint) => Ok(Some(endpoint)),
            None => bail!("--backend openai needs --endpoint URL (or PLUME_ENDPOINT): the API root of your inference server, like http://127.0.0.1:8080/v1"),
        }
    }

    /// A generator for the server at `endpoint`, serving `model` (or its first model).
    fn connect(endpoint: &str, model: &ModelArgs) -> Result<OpenAiGenerator> {
        let key = std::env::var("PLUME_API_KEY").ok();
        Ok(OpenAiGenerator::connect(
            endpoint,
            model.model.as_deref(),
            key,
        )?)
    }
}

/// Sampling flags shared by `generate` and `rewrite`.
#[derive(Debug, Args, Clone)]
struct SamplingArgs {
    /// Sampling temperature; 0 means greedy.
    #[arg(long, default_value_t = 0.7)]
    temp: f32,
    /// Keep the k most likely tokens (0: all).
    #[arg(long, default_value_t = 40)]
    top_k: usize,
    /// Nucleus sampling threshold (1: off).
    #[arg(long, default_value_t = 0.95)]
    top_p: f32,
    /// Drop tokens less likely than this fraction of the most likely one (0: off).
    #[arg(long, default_value_t = 0.05)]
    min_p: f32,
    /// Penalty on tokens generated in the last --repeat-last-n tokens (1: off).
    #[arg(long, default_value_t = 1.1)]
    repeat_penalty: f32,
    /// Window of the repeat penalty.
    #[arg(long, default_value_t = 64)]
    repeat_last_n: usize,
    /// Forbid repeating any n-gram of this length (0: off).
    #[arg(long, default_value_t = 0)]
    no_repeat_ngram: usize,
    /// Random seed: same seed, same settings, same text.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

impl SamplingArgs {
    fn settings(&self) -> Result<SamplingSettings> {
        if !(self.temp >= 0.0
            && self.top_p > 0.0
            && self.top_p <= 1.0
            && (0.0..=1.0).contains(&self.min_p)
            && self.repeat_penalty > 0.0)
        {
            bail!("sampling settings out of range: --temp ≥ 0, 0 < --top-p ≤ 1, 0 ≤ --min-p ≤ 1, --repeat-penalty > 0");
        }
        Ok(SamplingSettings {
            temperature: self.temp,
            top_k: self.top_k,
            top_p: self.top_p,
            min_p: self.min_p,
            repeat_penalty: self.repeat_penalty,
            repeat_last_n: self.repeat_last_n,
            no_repeat_ngram: self.no_repeat_ngram,
            seed: self.seed,
        })
    }
}

#[derive(Debug, Args)]
struct RewriteArgs {
    /// The articles: .txt, .md or .html files, folders of them, or - for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Where to write (atomically): a file for one article, else a folder (created if
    /// missing) that gets one output per input, named after it.
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Md)]
    format: OutputFormat,
    /// The focus keyphrase (default: chosen from the source).
    #[arg(long, short = 'k')]
    keyphrase: Option<String>,
    /// Minimum number of words in the article.
    #[arg(long, default_value_t = 700)]
    min_words: usize,
    /// Candidates tried per generated piece before falling back to the source's own sentences.
    #[arg(long, default_value_t = 3)]
    attempts: usize,
    /// Compute logits for every token, not only those French text can use.
    #[arg(long)]
    full_vocab: bool,
    /// No progress bar, no summary on stderr (errors are still reported).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Batch: redo articles whose output is already up to date.
    #[arg(long)]
    force: bool,
    /// Batch: stop at the first article that fails.
    #[arg(long)]
    fail_fast: bool,
    /// Batch: append one JSON line per article to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Batch with --endpoint: articles in flight at once (the server serves them together;
    /// each article's text is the same whatever N).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    parallel: u16,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    backend: BackendArgs,
    #[command(flatten)]
    sampling: SamplingArgs,
}

impl RewriteArgs {
    /// A batch: several inputs, a folder, or an output that is (or ends like) a folder.
    fn is_batch(&self) -> bool {
        self.inputs.len() > 1
            || self.inputs.iter().any(|p| p.is_dir())
            || self.out.as_ref().is_some_and(|o| {
                o.is_dir()
                    || o.as_os_str()
                        .to_string_lossy()
                        .ends_with(std::path::MAIN_SEPARATOR)
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The article to check (Markdown with front matter).
    article: PathBuf,
    /// The source article, to check faithfulness.
    #[arg(long, short = 's')]
    source: Option<PathBuf>,
    /// The focus keyphrase (default: the article's front matter).
    #[arg(long, short = 'k')]
    keyphrase: Option<String>,
    /// Minimum number of words.
    #[arg(long, default_value_t = 700)]
    min_words: usize,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Rewrite the file with its French typography fixed (atomically) and say what changed.
    #[arg(long)]
    fix: bool,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// The prompt (or use --prompt-file).
    prompt: Option<String>,
    /// Read the prompt from this file.
    #[arg(long, conflicts_with = "prompt")]
    prompt_file: Option<PathBuf>,
    /// Maximum new tokens.
    #[arg(long, short = 'n', default_value_t = 128)]
    max_tokens: usize,
    /// Minimum new tokens before an end-of-generation token is allowed.
    #[arg(long, default_value_t = 0)]
    min_tokens: usize,
    /// Stop when this string appears (repeatable).
    #[arg(long)]
    stop: Vec<String>,
    /// Read control tokens such as <start_of_turn> written in the prompt as control tokens.
    #[arg(long)]
    parse_special: bool,
    /// Only let the model produce tokens French text can use (only their logits are computed).
    #[arg(long)]
    french_vocab: bool,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    backend: BackendArgs,
    #[command(flatten)]
    sampling: SamplingArgs,
}

#[derive(Debug, Args)]
struct TokenizeArgs {
    /// The text (or use --file).
    text: Option<String>,
    /// Read the text from this file.
    #[arg(long, conflicts_with = "text")]
    file: Option<PathBuf>,
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
    /// Read control tokens written in the text as control tokens.
    #[arg(long)]
    parse_special: bool,
    /// Catalog id or path to a .gguf file.
    #[arg(long, short = 'm')]
    model: Option<String>,
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// Prompt tokens for the prompt-processing test.
    #[arg(short = 'p', long = "n-prompt", default_value_t = 512)]
    prompt_tokens: usize,
    /// Tokens for the generation test.
    #[arg(short = 'n', long = "n-gen", default_value_t = 128)]
    gen_tokens: usize,
    /// Repetitions of each test.
    #[arg(short = 'r', long = "repetitions", default_value_t = 5)]
    repetitions: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BenchFormat::Md)]
    format: BenchFormat,
    /// Only the tokens French text can use, as `rewrite` does (only their logits are computed).
    #[arg(long)]
    french_vocab: bool,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BenchFormat {
    Md,
    Json,
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// List the models plume knows and whether each is installed.
    List,
    /// Download a catalog model into the Hugging Face cache (the only command that uses the network).
    Pull { id: String },
    /// Check a model file's sha256 against the catalog.
    Verify {
        /// Catalog id or path (default: the default model).
        model: Option<String>,
    },
}

/// Parses the command line and runs it. Returns the exit status.
pub fn run() -> Result<u8> {
    let cli = Cli::parse();
    match cli.command {
        Command::Rewrite(args) => rewrite(args),
        Command::Check(args) => check(args),
        Command::Generate(args) => generate(args),
        Command::Tokenize(args) => tokenize(args),
        Command::Bench(args) => bench(args),
        Command::Model(cmd) => model_command(cmd),
    }
}

fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        // Read by candle's and rayon's thread pools when they start, which is later.
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    Ok(())
}

fn load_model(args: &ModelArgs, max_positions: usize) -> Result<(Model, source::ResolvedModel)> {
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

fn generate(args: GenerateArgs) -> Result<u8> {
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
        crate::generate::speed_summary(
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

fn tokenize(args: TokenizeArgs) -> Result<u8> {
    let text = read_text_arg(args.text, args.file, "text")?;
    let resolved = source::resolve(args.model.as_deref())?;
    let gguf = crate::model::gguf::GgufFile::open(&resolved.path)?;
    let tokenizer = crate::model::tokenizer::GgufTokenizer::from_gguf(&gguf)?;
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

fn bench(args: BenchArgs) -> Result<u8> {
    set_threads(args.model.threads)?;
    let resolved = source::resolve(args.model.model.as_deref())?;
    let threads = args.model.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let options = crate::bench::BenchOptions {
        prompt_tokens: args.prompt_tokens,
        gen_tokens: args.gen_tokens,
        repetitions: args.repetitions,
        threads,
        french_vocab: args.french_vocab,
    };
    let load = LoadOptions {
        device: args.model.device,
        max_positions: (args.prompt_tokens + args.gen_tokens + 8).max(64),
    };
    let report = crate::bench::run(&resolved.path, &load, &options)?;
    let text = match args.format {
        BenchFormat::Md => crate::bench::render_markdown(&report),
        BenchFormat::Json => crate::bench::render_json(&report),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(0)
}

fn model_command(cmd: ModelCommand) -> Result<u8> {
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
            let path = source::pull(&id)?;
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

fn check(args: CheckArgs) -> Result<u8> {
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
    let text = read_utf8(&args.article)?;
    let doc = Document::parse(&text)
        .with_context(|| format!("cannot parse {}", args.article.display()))?;
    let source = match &args.source {
        Some(path) => Some(Source::from_path(path)?.full_text()),
        None => None,
    };
    let report = analysis::analyze(
        &doc,
        &CheckOptions {
            keyphrase: args.keyphrase,
            source,
            min_words: args.min_words,
        },
    );
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

fn read_utf8(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        crate::Error::input(
            path,
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .into()
    })
}

fn rewrite(args: RewriteArgs) -> Result<u8> {
    if args.is_batch() {
        return rewrite_batch(args);
    }
    if args.force || args.fail_fast || args.log.is_some() || args.parallel > 1 {
        bail!("--force, --fail-fast, --log and --parallel are for batches: give several articles, a folder, or --out FOLDER/");
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
    if let Some(out) = &args.out {
        // Checked before the model loads: a bad output must not cost a whole generation.
        let mut protected = args.model.path().into_iter().collect::<Vec<_>>();
        if input.as_os_str() != "-" {
            protected.push(input.clone());
        }
        destination::check_output_file(out, &protected)?;
    }
    let (mut generators, options) = rewrite_setup(&args)?;
    let progress = Progress::new(!args.quiet && std::io::stderr().is_terminal());
    let generator = generators[0].as_mut();
    let outcome = crate::rewrite::rewrite(&source, generator, &options, &progress)?;
    progress.finish();

    let rendered = outcome.render(args.format);
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
    if let Some(warning) = outcome.shortfall(options.min_words) {
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

/// A generator a batch can hand to one of its threads.
type Generator = Box<dyn TextGenerator + Send>;

/// Loads the model for `plume rewrite` (or connects to the server that runs it, once per
/// article in flight: `--parallel`) and gathers its options.
fn rewrite_setup(args: &RewriteArgs) -> Result<(Vec<Generator>, RewriteOptions)> {
    let sampling = args.sampling.settings()?;
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
            sampling,
            prompt_style,
            architecture: String::new(),
            // What identifies the model in the run record: the name the server serves, where.
            model_sha256: format!("served:{served}@{}", generator.host()),
            full_vocabulary: true,
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
    let (mut model, resolved) = load_model(&args.model, 8192)?;
    if !args.full_vocab {
        let ids = vocab::french_token_ids(model.tokenizer());
        model.restrict_vocabulary(Some(ids))?;
    }
    let model_sha256 = match resolved.entry.as_ref().and_then(|e| e.sha256.clone()) {
        Some(sha) => sha,
        None => source::sha256_file(&resolved.path)?,
    };
    let architecture = model.info().architecture.clone();
    let options = RewriteOptions {
        keyphrase: args.keyphrase.clone(),
        min_words: args.min_words,
        attempts: args.attempts.max(1),
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
    };
    Ok((
        vec![Box::new(ModelGenerator::new(model, resolved.id()))],
        options,
    ))
}

/// `plume rewrite` over several articles into a folder.
fn rewrite_batch(args: RewriteArgs) -> Result<u8> {
    let Some(out_dir) = args.out.clone() else {
        bail!("a batch (several articles, or a folder) needs --out FOLDER: each article gets its own file there");
    };
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        bail!("standard input (-) can only be rewritten alone");
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
    let quiet = args.quiet;
    let mut report = |result: &batch::ArticleResult| -> crate::Result<()> {
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
        if let (Some(file), Some(path)) = (log.as_mut(), &args.log) {
            let mut line =
                serde_json::to_string(result).map_err(|e| crate::Error::Invalid(e.to_string()))?;
            line.push('\n');
            file.write_all(line.as_bytes())
                .and_then(|_| file.flush())
                .map_err(|e| crate::Error::io(path, e))?;
        }
        Ok(())
    };
    let mut summary = batch::report_problems(&inputs, args.fail_fast, &mut report)?;
    if summary.not_tried == 0 && !inputs.jobs.is_empty() {
        let (mut generators, options) = rewrite_setup(&args)?;
        summary = summary
            + batch::run(
                &inputs.jobs,
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
