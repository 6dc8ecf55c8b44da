//! The command line: what each command accepts, with clap. Checking a value that clap
//! cannot check alone (sampling ranges, an endpoint) is done here too.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use plume::article::OutputFormat;
use plume::generate::openai::OpenAiGenerator;
use plume::generate::SamplingSettings;
use plume::model::DeviceKind;

/// plume: rewrite any article into a grounded, SEO-ready French web article, offline.
#[derive(Debug, Parser)]
#[command(name = "plume", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Write the review page of an article written earlier with `--format json`: the article
    /// beside its source, sentence by sentence, with the report.
    Review(ReviewArgs),
    /// Manage models: list the catalog, download one, verify a file.
    #[command(subcommand)]
    Model(ModelCommand),
}

/// Options shared by every command that runs a model.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Catalog id or path to a .gguf file (default: the catalog's default model).
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Where to run the model.
    #[arg(long, default_value_t = DeviceKind::Cpu, value_parser = named::<DeviceKind>())]
    pub device: DeviceKind,
    /// Worker threads (default: the physical cores).
    #[arg(long, short = 't')]
    pub threads: Option<usize>,
}

impl ModelArgs {
    /// The model file, when `--model` names an existing file (an output must never be it).
    pub fn path(&self) -> Option<PathBuf> {
        self.model
            .as_deref()
            .map(PathBuf::from)
            .filter(|p| p.exists())
    }
}

/// Where the text is generated: here (the default), or by an inference server the user names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// This machine, with plume's own engine.
    Local,
    /// An OpenAI-compatible server (llama-server, vLLM, Ollama, TGI) at --endpoint.
    Openai,
}

/// The flags that send generation to an inference server (`rewrite` and `generate`).
#[derive(Debug, Args, Clone)]
pub struct BackendArgs {
    /// Where to generate; `openai` needs --endpoint (or PLUME_ENDPOINT). With a server,
    /// --model is the model name it serves (default: the first it lists).
    #[arg(long, value_enum, default_value_t = Backend::Local)]
    pub backend: Backend,
    /// The server's API root, like http://127.0.0.1:8080/v1 (implies --backend openai). The
    /// article's text is sent there; nothing is sent anywhere without it. A bearer token,
    /// if the server wants one, is read from PLUME_API_KEY.
    #[arg(long)]
    pub endpoint: Option<String>,
}

impl BackendArgs {
    /// The endpoint to use, when generation goes to a server.
    pub fn endpoint(&self) -> Result<Option<String>> {
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
    pub fn connect(endpoint: &str, model: &ModelArgs) -> Result<OpenAiGenerator> {
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
pub struct SamplingArgs {
    /// Sampling temperature; 0 means greedy.
    #[arg(long, default_value_t = 0.7)]
    pub temp: f32,
    /// Keep the k most likely tokens (0: all).
    #[arg(long, default_value_t = 40)]
    pub top_k: usize,
    /// Nucleus sampling threshold (1: off).
    #[arg(long, default_value_t = 0.95)]
    pub top_p: f32,
    /// Drop tokens less likely than this fraction of the most likely one (0: off).
    #[arg(long, default_value_t = 0.05)]
    pub min_p: f32,
    /// Penalty on tokens generated in the last --repeat-last-n tokens (1: off).
    #[arg(long, default_value_t = 1.1)]
    pub repeat_penalty: f32,
    /// Window of the repeat penalty.
    #[arg(long, default_value_t = 64)]
    pub repeat_last_n: usize,
    /// Forbid repeating any n-gram of this length (0: off).
    #[arg(long, default_value_t = 0)]
    pub no_repeat_ngram: usize,
    /// Random seed: same seed, same settings, same text.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

impl SamplingArgs {
    pub fn settings(&self) -> Result<SamplingSettings> {
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
pub struct RewriteArgs {
    /// The articles: .txt, .md or .html files, folders of them, or - for standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where to write (atomically): a file for one article, else a folder (created if
    /// missing) that gets one output per input, named after it.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', default_value_t = OutputFormat::Md, value_parser = named::<OutputFormat>())]
    pub format: OutputFormat,
    /// The focus keyphrase (default: chosen from the source).
    #[arg(long, short = 'k')]
    pub keyphrase: Option<String>,
    /// Minimum number of words in the article.
    #[arg(long, default_value_t = 700)]
    pub min_words: usize,
    /// Candidates tried per generated piece before falling back to the source's own sentences.
    #[arg(long, default_value_t = 3)]
    pub attempts: usize,
    /// Refuse a candidate whose tokens' mean log-probability is under this: the model was
    /// unsure of its words (-inf refuses none; a server that gives no log-probabilities is
    /// not held to it).
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true, value_name = "LOGPROB")]
    pub min_logprob: f32,
    /// Compute logits for every token, not only those French text can use.
    #[arg(long)]
    pub full_vocab: bool,
    /// No progress bar, no summary on stderr (errors are still reported).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also write the review page (one self-contained HTML file): the article beside its
    /// source, sentence by sentence, with the report (one article).
    #[arg(long, value_name = "FILE.html")]
    pub review: Option<PathBuf>,
    /// Batch: redo articles whose output is already up to date.
    #[arg(long)]
    pub force: bool,
    /// Batch: stop at the first article that fails.
    #[arg(long)]
    pub fail_fast: bool,
    /// Batch: append one JSON line per article to this file.
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// With --endpoint: requests in flight at once (the server serves them together): the
    /// pieces of one article, or the articles of a batch. The text is the same whatever N.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
}

impl RewriteArgs {
    /// A batch: several inputs, a folder, or an output that is (or ends like) a folder.
    pub fn is_batch(&self) -> bool {
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
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The article to check (Markdown with front matter).
    pub article: PathBuf,
    /// The source article, to check faithfulness.
    #[arg(long, short = 's')]
    pub source: Option<PathBuf>,
    /// The focus keyphrase (default: the article's front matter).
    #[arg(long, short = 'k')]
    pub keyphrase: Option<String>,
    /// Minimum number of words.
    #[arg(long, default_value_t = 700)]
    pub min_words: usize,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Rewrite the file with its French typography fixed (atomically) and say what changed.
    #[arg(long)]
    pub fix: bool,
    /// Also write the review page (one self-contained HTML file): the article beside the
    /// source (--source), sentence by sentence, with the report.
    #[arg(long, value_name = "FILE.html", requires = "source")]
    pub review: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// An article written by `plume rewrite --format json`.
    pub article: PathBuf,
    /// Where to write the page (atomically; default: standard output).
    #[arg(long, short = 'o', value_name = "FILE.html")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The prompt (or use --prompt-file).
    pub prompt: Option<String>,
    /// Read the prompt from this file.
    #[arg(long, conflicts_with = "prompt")]
    pub prompt_file: Option<PathBuf>,
    /// Maximum new tokens.
    #[arg(long, short = 'n', default_value_t = 128)]
    pub max_tokens: usize,
    /// Minimum new tokens before an end-of-generation token is allowed.
    #[arg(long, default_value_t = 0)]
    pub min_tokens: usize,
    /// Stop when this string appears (repeatable).
    #[arg(long)]
    pub stop: Vec<String>,
    /// Read control tokens such as <start_of_turn> written in the prompt as control tokens.
    #[arg(long)]
    pub parse_special: bool,
    /// Only let the model produce tokens French text can use (only their logits are computed).
    #[arg(long)]
    pub french_vocab: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
}

#[derive(Debug, Args)]
pub struct TokenizeArgs {
    /// The text (or use --file).
    pub text: Option<String>,
    /// Read the text from this file.
    #[arg(long, conflicts_with = "text")]
    pub file: Option<PathBuf>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// Read control tokens written in the text as control tokens.
    #[arg(long)]
    pub parse_special: bool,
    /// Catalog id or path to a .gguf file.
    #[arg(long, short = 'm')]
    pub model: Option<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Prompt tokens for the prompt-processing test.
    #[arg(short = 'p', long = "n-prompt", default_value_t = 512)]
    pub prompt_tokens: usize,
    /// Tokens for the generation test.
    #[arg(short = 'n', long = "n-gen", default_value_t = 128)]
    pub gen_tokens: usize,
    /// Repetitions of each test.
    #[arg(short = 'r', long = "repetitions", default_value_t = 5)]
    pub repetitions: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BenchFormat::Md)]
    pub format: BenchFormat,
    /// Only the tokens French text can use, as `rewrite` does (only their logits are computed).
    #[arg(long)]
    pub french_vocab: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchFormat {
    Md,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
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

/// A parser for a library enum that names its own values ([`plume::Named`]): the library
/// stays free of clap, and `--help` still lists the values.
fn named<T: plume::Named>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::NAMES).try_map(|name| T::from_str(&name))
}
