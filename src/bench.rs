//! `plume bench`: prompt-processing and generation speed of a model, measured the way
//! llama.cpp's `llama-bench` does, so the two can be compared on the same machine.
//!
//! - **load**: the time [`Model::load`] takes, tokenizer included (until a first token could be
//!   processed).
//! - **ppN**: from an empty cache, one pass over a prompt of N token ids (a BOS token, then a
//!   fixed pseudo-random sequence of ids): N / seconds.
//! - **tgN**: from a cache holding only the BOS token (processed untimed), N single-token steps,
//!   each feeding back the argmax of the previous logits: N / seconds.
//!
//! Each test runs once untimed (a short warm-up), then `repetitions` times; the report gives
//! every sample and their mean ± sample standard deviation in tokens per second. The thread count
//! is only reported: the CLI sets `RAYON_NUM_THREADS` before the thread pool starts.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::generate::sampler::argmax;
use crate::generate::{GenerationSettings, Prompt, SamplingSettings, TextGenerator};
use crate::model::{LoadOptions, Model};

/// What to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchOptions {
    /// Tokens in the prompt-processing test (0: skip it).
    pub prompt_tokens: usize,
    /// Tokens in the generation test (0: skip it).
    pub gen_tokens: usize,
    /// Timed runs of each test.
    pub repetitions: usize,
    /// The thread count to report.
    pub threads: usize,
    /// Only the tokens French text can use, as `plume rewrite` does: only their rows of the
    /// output projection are computed.
    pub french_vocab: bool,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            prompt_tokens: 512,
            gen_tokens: 128,
            repetitions: 5,
            threads: default_threads(),
            french_vocab: false,
        }
    }
}

/// The number of threads rayon uses by default: `RAYON_NUM_THREADS` when set, else the
/// available parallelism.
pub fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchTest {
    /// `pp512`, `tg128`, …
    pub name: String,
    /// Tokens processed per timed run.
    pub tokens: usize,
    /// Tokens per second of each timed run.
    pub samples: Vec<f64>,
    /// Mean of `samples`, tokens per second.
    pub mean: f64,
    /// Sample standard deviation of `samples` (0 with fewer than two), tokens per second.
    pub stddev: f64,
}

impl BenchTest {
    /// A test from the seconds each timed run took for `tokens` tokens.
    pub fn from_seconds(name: impl Into<String>, tokens: usize, seconds: &[f64]) -> Self {
        let samples: Vec<f64> = seconds
            .iter()
            .map(|&s| tokens as f64 / s.max(f64::MIN_POSITIVE))
            .collect();
        let (mean, stddev) = mean_stddev(&samples);
        BenchTest {
            name: name.into(),
            tokens,
            samples,
            mean,
            stddev,
        }
    }
}

/// What `plume bench` measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// The model column, like llama-bench's: architecture, size label and file type
    /// (`gemma3 270M Q4_K - Medium`).
    pub model: String,
    /// `general.name` from the file (may be empty).
    pub model_name: String,
    /// The file benchmarked.
    pub path: String,
    /// Size of the file, in bytes.
    pub size_bytes: u64,
    /// Size of the tensors alone, in bytes (what llama-bench's `size` column shows; the rest of
    /// the file is metadata, mostly the tokenizer).
    pub tensor_bytes: Option<u64>,
    /// Number of parameters (elements of every tensor).
    pub parameters: u64,
    /// `CPU`, `CUDA` or `Metal`.
    pub backend: String,
    /// Threads reported (see [`BenchOptions::threads`]).
    pub threads: usize,
    /// The kernel set the quantised products ran with (`avx512`, `avx2`, or `0`: candle's; see
    /// `PLUME_SIMD`).
    pub kernels: String,
    /// Whether the output was restricted to the tokens French text can use.
    pub french_vocab: bool,
    /// Tokens the sampler may choose (the vocabulary, or the French subset).
    pub allowed_tokens: usize,
    /// Seconds to load the model and its tokenizer.
    pub load_seconds: f64,
    /// Seconds to choose the French vocabulary and reorder the output rows (with
    /// `french_vocab`; part of the time to the first token of `plume rewrite`).
    pub restrict_seconds: Option<f64>,
    /// Peak resident memory of the process after the tests (VmHWM), in bytes.
    pub peak_rss_bytes: Option<u64>,
    /// Timed runs per test.
    pub repetitions: usize,
    pub tests: Vec<BenchTest>,
    /// plume's version.
    pub build: String,
    /// The inference server measured (`plume bench --endpoint`), when not this machine's engine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

/// Loads the model at `model_path`, then runs the tests of `opts`.
///
/// `load.max_positions` is raised when needed so the longest test fits.
pub fn run(model_path: &Path, load: &LoadOptions, opts: &BenchOptions) -> Result<BenchReport> {
    validate(opts)?;
    let needed = opts.prompt_tokens.max(opts.gen_tokens + 1);
    let mut load = load.clone();
    load.max_positions = load.max_positions.max(needed);

    let start = Instant::now();
    let mut model = Model::load(model_path, &load)?;
    let load_seconds = start.elapsed().as_secs_f64();

    if model.max_positions() < needed {
        return Err(Error::Invalid(format!(
            "the tests need {needed} positions, more than the {} this model supports",
            model.max_positions()
        )));
    }
    let vocab = model.tokenizer().vocab_size();
    let mut allowed_tokens = vocab;
    let mut restrict_seconds = None;
    if opts.french_vocab {
        let start = Instant::now();
        let ids = crate::model::vocab::french_token_ids(model.tokenizer());
        allowed_tokens = ids.len();
        model.restrict_vocabulary(Some(ids))?;
        restrict_seconds = Some(start.elapsed().as_secs_f64());
    }
    let tests = run_tests(&mut model, opts)?;
    let info = model.info().clone();
    Ok(BenchReport {
        model: model_label(&info),
        model_name: info.name,
        path: model_path.display().to_string(),
        size_bytes: info.file_bytes,
        tensor_bytes: Some(info.tensor_bytes),
        parameters: info.parameters,
        backend: backend_name(load.device).to_string(),
        threads: opts.threads,
        kernels: crate::model::kernels::KernelSet::active()
            .name()
            .to_string(),
        french_vocab: opts.french_vocab,
        allowed_tokens,
        load_seconds,
        restrict_seconds,
        peak_rss_bytes: peak_rss_bytes(),
        repetitions: opts.repetitions,
        tests,
        build: env!("CARGO_PKG_VERSION").to_string(),
        endpoint: None,
    })
}

/// At least one repetition of at least one test.
fn validate(opts: &BenchOptions) -> Result<()> {
    if opts.repetitions == 0 {
        return Err(Error::Invalid(
            "the number of repetitions must be at least 1".into(),
        ));
    }
    if opts.prompt_tokens == 0 && opts.gen_tokens == 0 {
        return Err(Error::Invalid(
            "nothing to measure: both the prompt and generation lengths are 0".into(),
        ));
    }
    Ok(())
}

/// The tests of `opts` run by an inference server through `generator` (`plume bench
/// --endpoint`): its speed as this client sees it, each request's whole wait (the network and
/// the server's queue included) over the tokens the server says it processed. The prompt test
/// asks for one token after a prompt of about `prompt_tokens` tokens; the generation test for
/// exactly `gen_tokens` tokens after a short prompt (`ignore_eos`, which llama.cpp's server
/// and vLLM honour).
pub fn run_served(
    generator: &mut dyn TextGenerator,
    endpoint: &str,
    opts: &BenchOptions,
) -> Result<BenchReport> {
    validate(opts)?;
    let mut tests = Vec::new();
    let mut ask = |prompt: &str, max_tokens: usize, exact: bool| -> Result<(usize, usize, f64)> {
        let settings = GenerationSettings {
            sampling: SamplingSettings::greedy(),
            max_tokens,
            min_tokens: if exact { max_tokens } else { 0 },
            stop: Vec::new(),
        };
        let start = Instant::now();
        let g = generator.generate(&Prompt::plain(prompt.to_string()), &settings, &mut |_| {})?;
        Ok((
            g.prompt_tokens,
            g.generated_tokens,
            start.elapsed().as_secs_f64(),
        ))
    };
    if opts.prompt_tokens > 0 {
        let n = opts.prompt_tokens;
        // « le » is one token in the vocabularies plume knows; the server counts the truth.
        // Each prompt opens with its own word: a server that keeps the last prompt's cache
        // (llama.cpp's does) must still process the whole of the next one.
        let body = vec!["le"; n.saturating_sub(2).max(1)].join(" ");
        tests.push(timed(format!("pp{n}"), n, opts.repetitions, |run| {
            let opening = run.map_or("préchauffage".to_string(), |k| k.to_string());
            let (processed, _, seconds) = ask(&format!("{opening} {body}"), 1, false)?;
            Ok((processed, seconds))
        })?);
    }
    if opts.gen_tokens > 0 {
        let n = opts.gen_tokens;
        tests.push(timed(format!("tg{n}"), n, opts.repetitions, |run| {
            let tokens = if run.is_some() { n } else { n.min(4) };
            let (_, generated, seconds) = ask("Il était une fois", tokens, true)?;
            Ok((generated, seconds))
        })?);
    }
    let name = generator.name();
    Ok(BenchReport {
        model: name.clone(),
        model_name: name,
        path: endpoint.to_string(),
        size_bytes: 0,
        tensor_bytes: None,
        parameters: 0,
        backend: "server".into(),
        threads: 0,
        kernels: "server".into(),
        french_vocab: false,
        allowed_tokens: 0,
        load_seconds: 0.0,
        restrict_seconds: None,
        peak_rss_bytes: None,
        repetitions: opts.repetitions,
        tests,
        build: env!("CARGO_PKG_VERSION").to_string(),
        endpoint: Some(endpoint.to_string()),
    })
}

/// A test named `name`: one warm-up run of `run` (given `None`), then `repetitions` timed runs
/// (given their index), each giving the tokens it processed (0: unknown, `tokens` then) and
/// its seconds.
fn timed(
    name: String,
    tokens: usize,
    repetitions: usize,
    mut run: impl FnMut(Option<usize>) -> Result<(usize, f64)>,
) -> Result<BenchTest> {
    run(None)?;
    let mut seconds = Vec::new();
    let mut counted = tokens;
    for k in 0..repetitions {
        let (processed, s) = run(Some(k))?;
        if processed > 0 {
            counted = processed;
        }
        seconds.push(s);
    }
    Ok(BenchTest::from_seconds(name, counted, &seconds))
}

/// The pp and tg tests of `opts`, each after a short warm-up.
fn run_tests(model: &mut Model, opts: &BenchOptions) -> Result<Vec<BenchTest>> {
    let vocab = model.tokenizer().vocab_size();
    let bos = model.tokenizer().bos();
    let mut tests = Vec::new();
    if opts.prompt_tokens > 0 {
        let n = opts.prompt_tokens;
        let prompt = prompt_ids(n, bos, vocab);
        time_prompt(model, &prompt[..n.min(32)])?; // warm-up
        let seconds = (0..opts.repetitions)
            .map(|_| time_prompt(model, &prompt))
            .collect::<Result<Vec<_>>>()?;
        tests.push(BenchTest::from_seconds(format!("pp{n}"), n, &seconds));
    }
    if opts.gen_tokens > 0 {
        let n = opts.gen_tokens;
        let first = bos.unwrap_or_else(|| prompt_ids(1, None, vocab)[0]);
        time_generation(model, first, n.min(4))?; // warm-up
        let seconds = (0..opts.repetitions)
            .map(|_| time_generation(model, first, n))
            .collect::<Result<Vec<_>>>()?;
        tests.push(BenchTest::from_seconds(format!("tg{n}"), n, &seconds));
    }
    model.clear_cache();
    Ok(tests)
}

/// The model column of the table, as llama-bench writes it: « gemma3 270M Q4_K - Medium ».
fn model_label(info: &crate::model::ModelInfo) -> String {
    [
        Some(info.architecture.clone()),
        info.size_label
            .clone()
            .or_else(|| Some(params_label(info.parameters))),
        info.file_type.and_then(file_type_name).map(str::to_string),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

/// Seconds for one pass over `prompt` from an empty cache.
fn time_prompt(model: &mut Model, prompt: &[u32]) -> Result<f64> {
    model.clear_cache();
    let start = Instant::now();
    let (logits, processed) = model.prefill(prompt)?;
    let seconds = start.elapsed().as_secs_f64();
    debug_assert_eq!(processed, prompt.len());
    std::hint::black_box(logits);
    Ok(seconds)
}

/// Seconds for `n` single-token steps after `first` (processed untimed) from an empty cache.
fn time_generation(model: &mut Model, first: u32, n: usize) -> Result<f64> {
    model.clear_cache();
    let (mut logits, _) = model.prefill(&[first])?;
    let start = Instant::now();
    for _ in 0..n {
        logits = model.step(argmax(&logits))?;
    }
    let seconds = start.elapsed().as_secs_f64();
    std::hint::black_box(logits);
    Ok(seconds)
}

/// A prompt of `n` token ids: `bos` (when given), then a fixed pseudo-random sequence of ids in
/// `[1000, min(200000, vocab))` (all ids below `vocab` for a tiny vocabulary).
pub fn prompt_ids(n: usize, bos: Option<u32>, vocab: usize) -> Vec<u32> {
    let (low, high) = if vocab > 2000 {
        (1000u64, vocab.min(200_000) as u64)
    } else {
        (0, vocab.max(1) as u64)
    };
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut ids = Vec::with_capacity(n);
    if let Some(b) = bos {
        if n > 0 {
            ids.push(b);
        }
    }
    while ids.len() < n {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
        ids.push((low + r % (high - low)) as u32);
    }
    ids
}

/// llama.cpp's name for a `general.file_type` value.
pub fn file_type_name(ftype: u64) -> Option<&'static str> {
    Some(match ftype {
        0 => "all F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K - Medium",
        11 => "Q3_K - Small",
        12 => "Q3_K - Medium",
        13 => "Q3_K - Large",
        14 => "Q4_K - Small",
        15 => "Q4_K - Medium",
        16 => "Q5_K - Small",
        17 => "Q5_K - Medium",
        18 => "Q6_K",
        32 => "BF16",
        _ => return None,
    })
}

fn backend_name(device: crate::model::DeviceKind) -> &'static str {
    match device {
        crate::model::DeviceKind::Cpu => "CPU",
        crate::model::DeviceKind::Cuda => "CUDA",
        crate::model::DeviceKind::Metal => "Metal",
    }
}

/// Mean and sample standard deviation (n − 1; 0 with fewer than two values).
pub fn mean_stddev(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// A size in bytes as llama-bench writes it: `241.41 MiB`, `1.50 GiB`.
pub fn format_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.2} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.2} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.2} KiB", b / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// A parameter count as llama-bench writes it: `268.10 M`, `1.10 B`.
pub fn format_params(n: u64) -> String {
    let x = n as f64;
    if x >= 1e9 {
        format!("{:.2} B", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.2} K", x / 1e3)
    } else {
        format!("{n}")
    }
}

/// A short size label from a parameter count, for the model column: `268M`, `1.1B`.
fn params_label(n: u64) -> String {
    let x = n as f64;
    if x >= 1e9 {
        format!("{:.1}B", x / 1e9)
    } else {
        format!("{:.0}M", x / 1e6)
    }
}

/// The report as a Markdown table shaped like llama-bench's, then the load time and peak memory.
pub fn render_markdown(report: &BenchReport) -> String {
    let headers = [
        "model", "size", "params", "backend", "threads", "test", "t/s",
    ];
    // llama-bench's minimum widths; numbers are right-aligned.
    let min_width = [30, 10, 10, 10, 7, 15, 20];
    let right = [false, true, true, false, true, true, true];
    let backend = if report.french_vocab {
        format!("{} (fr vocab)", report.backend)
    } else {
        report.backend.clone()
    };
    // A server's file, size and threads are not seen from here.
    let served = report.endpoint.is_some();
    let unseen = |known: String| if served { "–".to_string() } else { known };
    let rows: Vec<[String; 7]> = report
        .tests
        .iter()
        .map(|t| {
            [
                report.model.clone(),
                unseen(format_size(report.size_bytes)),
                unseen(format_params(report.parameters)),
                backend.clone(),
                unseen(report.threads.to_string()),
                t.name.clone(),
                format!("{:.2} ± {:.2}", t.mean, t.stddev),
            ]
        })
        .collect();
    let mut widths = min_width;
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::from("|");
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if right[i] {
                s.push_str(&format!(" {}{} |", " ".repeat(pad), cell));
            } else {
                s.push_str(&format!(" {}{} |", cell, " ".repeat(pad)));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&headers.map(String::from));
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        if right[i] {
            out.push_str(&format!(" {}: |", "-".repeat(w - 1)));
        } else {
            out.push_str(&format!(" {} |", "-".repeat(*w)));
        }
    }
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
    }
    out.push('\n');
    out.push_str(&notes(report));
    out
}

/// What follows the table: load time, kernels, memory and build (or the server measured).
fn notes(report: &BenchReport) -> String {
    let mut out = String::new();
    if let Some(endpoint) = &report.endpoint {
        out.push_str(&format!(
            "server: {endpoint} (speeds as this client sees them: each request's whole wait, \
             over the tokens the server reports)\nbuild: plume {}, {} repetitions\n",
            report.build, report.repetitions
        ));
        return out;
    }
    out.push_str(&format!(
        "load time: {:.3} s (weights and tokenizer)\n",
        report.load_seconds
    ));
    out.push_str(&format!(
        "kernels: {} (PLUME_SIMD={})\n",
        kernel_description(&report.kernels),
        report.kernels
    ));
    if let Some(b) = report.tensor_bytes {
        out.push_str(&format!(
            "tensors: {} (llama-bench's size; the file adds its metadata)\n",
            format_size(b)
        ));
    }
    match report.peak_rss_bytes {
        Some(b) => out.push_str(&format!("peak RSS: {}\n", format_size(b))),
        None => out.push_str("peak RSS: unknown\n"),
    }
    if report.french_vocab {
        out.push_str(&format!(
            "allowed tokens: {} (French vocabulary: only their rows of the output projection are computed",
            report.allowed_tokens
        ));
        match report.restrict_seconds {
            Some(s) => out.push_str(&format!("; chosen and reordered in {s:.3} s)\n")),
            None => out.push_str(")\n"),
        }
    }
    out.push_str(&format!(
        "build: plume {}, {} repetitions\n",
        report.build, report.repetitions
    ));
    out
}

/// How the kernel set named `name` is described (the name itself if unknown).
fn kernel_description(name: &str) -> &str {
    use crate::model::kernels::KernelSet;
    KernelSet::from_name(name).map_or(name, |set| set.describe())
}

/// The report as pretty-printed JSON.
pub fn render_json(report: &BenchReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The process's peak resident memory (`VmHWM` in `/proc/self/status`), in bytes; `None` where
/// that file does not exist (not Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut parts = line["VmHWM:".len()..].split_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    let factor = match parts.next().unwrap_or("kB") {
        "B" => 1,
        "kB" | "KB" | "KiB" => 1024,
        "mB" | "MB" | "MiB" => 1024 * 1024,
        "gB" | "GB" | "GiB" => 1024 * 1024 * 1024,
        _ => return None,
    };
    Some(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> BenchReport {
        BenchReport {
            model: "gemma3 270M Q4_K - Medium".into(),
            model_name: "Gemma 3 270m".into(),
            path: "models/gemma-3-270m-q4_k_m.gguf".into(),
            size_bytes: 253_141_024,
            tensor_bytes: Some(246_584_320),
            parameters: 268_098_176,
            backend: "CPU".into(),
            threads: 2,
            kernels: "avx2".into(),
            french_vocab: false,
            allowed_tokens: 262_144,
            load_seconds: 0.4321,
            restrict_seconds: None,
            peak_rss_bytes: Some(600 * 1024 * 1024),
            repetitions: 3,
            tests: vec![
                BenchTest::from_seconds("pp512", 512, &[1.0, 2.0, 1.0]),
                BenchTest::from_seconds("tg128", 128, &[2.0, 2.0, 2.0]),
            ],
            build: "0.1.0".into(),
            endpoint: None,
        }
    }

    #[test]
    fn mean_and_sample_stddev() {
        let (m, s) = mean_stddev(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!((m - 5.0).abs() < 1e-12);
        assert!((s - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_stddev(&[3.0]), (3.0, 0.0));
        assert_eq!(mean_stddev(&[]), (0.0, 0.0));
    }

    #[test]
    fn samples_are_tokens_per_second() {
        let t = BenchTest::from_seconds("pp512", 512, &[1.0, 2.0, 1.0]);
        assert_eq!(t.samples, vec![512.0, 256.0, 512.0]);
        assert!((t.mean - 1280.0 / 3.0).abs() < 1e-9);
        assert!(
            (t.stddev - 256.0 / 3f64.sqrt()).abs() < 1e-9,
            "{}",
            t.stddev
        );
    }

    #[test]
    fn sizes_and_parameter_counts_read_like_llama_bench() {
        assert_eq!(format_size(253_141_024), "241.41 MiB");
        assert_eq!(format_size(3 * 1024 * 1024 * 1024 / 2), "1.50 GiB");
        assert_eq!(format_size(2048), "2.00 KiB");
        assert_eq!(format_size(12), "12 B");
        assert_eq!(format_params(268_098_176), "268.10 M");
        assert_eq!(format_params(1_100_048_384), "1.10 B");
        assert_eq!(format_params(640), "640");
        assert_eq!(params_label(268_098_176), "268M");
        assert_eq!(file_type_name(15), Some("Q4_K - Medium"));
        assert_eq!(file_type_name(99), None);
    }

    #[test]
    fn markdown_has_the_llama_bench_columns() {
        let md = render_markdown(&report());
        let lines: Vec<&str> = md.lines().collect();
        assert!(lines[0].starts_with("| model "), "{md}");
        let headers: Vec<&str> = lines[0]
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            headers,
            ["model", "size", "params", "backend", "threads", "test", "t/s"],
            "{md}"
        );
        assert!(
            lines[1].starts_with("| ---") && lines[1].ends_with(": |"),
            "{md}"
        );
        assert!(lines[2].contains("| gemma3 270M Q4_K - Medium "), "{md}");
        assert!(
            lines[2].contains("| 241.41 MiB |") && lines[2].contains("|   268.10 M |"),
            "{md}"
        );
        assert!(
            lines[2].contains("pp512 |") && lines[2].contains("426.67 ± 147.80 |"),
            "{md}"
        );
        assert!(
            lines[3].contains("tg128 |") && lines[3].contains("64.00 ± 0.00 |"),
            "{md}"
        );
        // every table line has the same width
        let width = lines[0].chars().count();
        assert!(
            lines[..4].iter().all(|l| l.chars().count() == width),
            "{md}"
        );
        assert!(md.contains("load time: 0.432 s"), "{md}");
        assert!(
            md.contains("kernels: plume's AVX2 + FMA + F16C kernels (PLUME_SIMD=avx2)"),
            "{md}"
        );
        assert!(md.contains("peak RSS: 600.00 MiB"), "{md}");
        assert!(md.contains("tensors: 235.16 MiB"), "{md}");
    }

    #[test]
    fn json_has_stable_field_names() {
        let json: serde_json::Value = serde_json::from_str(&render_json(&report())).unwrap();
        for key in [
            "model",
            "size_bytes",
            "parameters",
            "backend",
            "threads",
            "kernels",
            "load_seconds",
            "peak_rss_bytes",
            "tests",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        let t = &json["tests"][0];
        for key in ["name", "tokens", "samples", "mean", "stddev"] {
            assert!(t.get(key).is_some(), "{key}");
        }
        assert_eq!(t["name"], "pp512");
        assert_eq!(json["size_bytes"], 253_141_024u64);
    }

    #[test]
    fn prompt_ids_are_fixed_and_in_range() {
        let a = prompt_ids(512, Some(2), 262_144);
        assert_eq!(a.len(), 512);
        assert_eq!(a[0], 2);
        assert!(a[1..].iter().all(|&id| (1000..200_000).contains(&id)));
        assert_eq!(a, prompt_ids(512, Some(2), 262_144));
        let distinct: std::collections::HashSet<_> = a.iter().collect();
        assert!(distinct.len() > 400);
        assert!(prompt_ids(64, None, 1500).iter().all(|&id| id < 1500));
        assert!(prompt_ids(0, Some(2), 262_144).is_empty());
    }

    #[test]
    fn vm_hwm_is_parsed() {
        assert_eq!(
            parse_vm_hwm("Name:\tx\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n"),
            Some(123_456 * 1024)
        );
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
        if cfg!(target_os = "linux") {
            assert!(peak_rss_bytes().is_some_and(|b| b > 0));
        }
    }

    /// A server that takes 1 ms a token and counts a prompt's words as its tokens.
    struct Timed {
        asked: Vec<GenerationSettings>,
        prompts: Vec<String>,
    }

    impl TextGenerator for Timed {
        fn generate(
            &mut self,
            prompt: &Prompt,
            settings: &GenerationSettings,
            _: &mut dyn FnMut(&str),
        ) -> Result<crate::generate::Generation> {
            let prompt_tokens = prompt.text().split_whitespace().count();
            let generated_tokens = settings.max_tokens;
            std::thread::sleep(std::time::Duration::from_millis(
                (prompt_tokens + generated_tokens) as u64,
            ));
            self.asked.push(settings.clone());
            self.prompts.push(prompt.text());
            Ok(crate::generate::Generation {
                text: "x".repeat(generated_tokens),
                stop_reason: crate::generate::StopReason::MaxTokens,
                prompt_tokens,
                prompt_tokens_processed: prompt_tokens,
                generated_tokens,
                mean_logprob: None,
                prompt_seconds: 0.0,
                generation_seconds: 0.0,
            })
        }

        fn name(&self) -> String {
            "served-model at 127.0.0.1:8080".into()
        }
    }

    #[test]
    fn a_served_bench_counts_what_the_server_reports_and_says_it_is_a_server() {
        let mut server = Timed {
            asked: Vec::new(),
            prompts: Vec::new(),
        };
        let opts = BenchOptions {
            prompt_tokens: 64,
            gen_tokens: 16,
            repetitions: 2,
            threads: 0,
            french_vocab: false,
        };
        let report = run_served(&mut server, "http://127.0.0.1:8080/v1", &opts).unwrap();
        let names: Vec<&str> = report.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["pp64", "tg16"]);
        // The prompt test counts the tokens the server processed (63 words here).
        assert_eq!(report.tests[0].tokens, 63);
        use std::collections::HashSet;
        // No two prompts alike: a server's prompt cache cannot make the test a no-op.
        let pp: HashSet<&String> = server.prompts[..3].iter().collect();
        assert_eq!(pp.len(), 3);
        assert_eq!(report.tests[1].tokens, 16);
        // At most 1,000 tokens a second, the server's pace (the wait only adds to it).
        assert!(report
            .tests
            .iter()
            .all(|t| t.mean > 0.0 && t.mean <= 1000.0));
        // One warm-up and two timed runs each; generation asks for exactly its tokens.
        assert_eq!(server.asked.len(), 6);
        assert!(server.asked[3..]
            .iter()
            .all(|s| s.min_tokens == s.max_tokens));
        let table = render_markdown(&report);
        assert!(
            table.contains("served-model") && table.contains("server: http://127.0.0.1:8080/v1")
        );
        assert!(
            !table.contains("peak RSS") && !table.contains("kernels:"),
            "{table}"
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&report)).unwrap();
        assert_eq!(json["endpoint"], "http://127.0.0.1:8080/v1");
        assert!(run_served(
            &mut server,
            "x",
            &BenchOptions {
                repetitions: 0,
                ..opts
            }
        )
        .is_err());
    }
}
