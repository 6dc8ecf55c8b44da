//! A GGUF file → next-token logits, on the CPU (or a GPU when built with `cuda`/`metal`).
//!
//! [`Model`] holds one architecture behind an enum — our own forward pass for Gemma 3 and
//! Qwen 2 (`decoder`), candle's quantised Qwen 3 and Llama — with the tokenizer the file carries, and keeps track of
//! what its KV cache holds so a prompt that shares a prefix with the previous one only processes
//! the new tokens.

pub mod attention;
pub mod chat_template;
pub mod decoder;
pub mod gguf;
pub mod kernels;
mod kquant_groups;
pub mod matmul;
pub mod ops;
pub mod repack;
pub mod row_groups;
pub mod simd;
#[cfg(target_arch = "x86_64")]
mod simd_avx2;
mod simd_kquants;
#[cfg(target_arch = "aarch64")]
mod simd_neon;
pub mod source;
pub mod tokenizer;
pub mod vocab;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use candle_transformers::models::{quantized_llama, quantized_qwen3};

use crate::error::{Error, Result};
use chat_template::ChatTemplate;
use decoder::Decoder;
use gguf::GgufFile;
use tokenizer::GgufTokenizer;

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    #[default]
    Cpu,
    Cuda,
    Metal,
}

impl crate::Named for DeviceKind {
    const NAMES: &'static [&'static str] = &["cpu", "cuda", "metal"];
}

impl std::fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::Cuda => "cuda",
            DeviceKind::Metal => "metal",
        })
    }
}

impl std::str::FromStr for DeviceKind {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        match name {
            "cpu" => Ok(DeviceKind::Cpu),
            "cuda" => Ok(DeviceKind::Cuda),
            "metal" => Ok(DeviceKind::Metal),
            other => Err(Error::Invalid(format!(
                "unknown device `{other}`: cpu, cuda or metal"
            ))),
        }
    }
}

impl DeviceKind {
    /// The candle device, or a clear error when plume was built without that backend.
    pub fn device(self) -> Result<Device> {
        let unavailable = |name: &str, feature: &str, e: candle_core::Error| {
            Error::Invalid(format!(
                "the {name} device is not available ({e}); build plume with `--features {feature}` on a machine with one"
            ))
        };
        match self {
            DeviceKind::Cpu => Ok(Device::Cpu),
            DeviceKind::Cuda => Device::new_cuda(0).map_err(|e| unavailable("CUDA", "cuda", e)),
            DeviceKind::Metal => Device::new_metal(0).map_err(|e| unavailable("Metal", "metal", e)),
        }
    }
}

/// How to load a model.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub device: DeviceKind,
    /// The longest sequence (prompt + generated tokens) the instance must support.
    pub max_positions: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            device: DeviceKind::Cpu,
            max_positions: 8192,
        }
    }
}

/// What plume knows about a loaded model file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelInfo {
    pub path: PathBuf,
    pub name: String,
    pub architecture: String,
    pub file_bytes: u64,
    pub parameters: u64,
    /// Bytes of the tensors (llama-bench's "size"; the file adds its metadata).
    pub tensor_bytes: u64,
    /// `general.file_type`, as a number.
    pub file_type: Option<u64>,
    /// `general.size_label` (`270M`), when the file has one.
    pub size_label: Option<String>,
    pub vocab_size: usize,
    pub context_length: usize,
}

enum Engine {
    /// Our own forward pass (Gemma 3, Qwen 2).
    Own(Box<Decoder>),
    Qwen3(Box<quantized_qwen3::ModelWeights>),
    Llama(Box<quantized_llama::ModelWeights>),
}

/// A loaded model: weights, KV cache and tokenizer.
pub struct Model {
    engine: Engine,
    tokenizer: GgufTokenizer,
    /// The file's chat template (`tokenizer.chat_template`), when it has one.
    chat_template: Option<ChatTemplate>,
    info: ModelInfo,
    device: Device,
    /// The tokens whose keys and values are in the cache, in order.
    cached: Vec<u32>,
    /// When set, the tokens the model may not produce, given −∞ after the forward pass.
    disallowed: Option<Vec<u32>>,
    /// Whether the vocabulary is restricted (by `disallowed` or in the forward pass).
    restricted: bool,
    max_positions: usize,
}

/// Run by another worker of the pool during a forward pass: takes the pass's parallel work as
/// soon as there is some, until `done`. It returns at once on the pass's own thread, and after
/// [`IDLE_LIMIT`] without finding work: a worker that picked this job up while it waits for
/// other work (a job of another model's pass, say) must get back to that work, and a panic in
/// the pass must not leave it spinning.
fn keep_busy(caller: Option<usize>, done: &AtomicBool) {
    if rayon::current_thread_index() == caller {
        return;
    }
    let mut idle_since = Instant::now();
    let mut idle_rounds = 0u32;
    while !done.load(Ordering::Acquire) {
        if rayon::yield_now() == Some(rayon::Yield::Executed) {
            idle_rounds = 0;
        } else {
            // The clock is read every 64 idle rounds only (reading it was 2 % of a rewrite).
            if idle_rounds == 0 {
                idle_since = Instant::now();
            } else if idle_rounds.is_multiple_of(64) && idle_since.elapsed() > IDLE_LIMIT {
                return;
            }
            idle_rounds += 1;
            std::hint::spin_loop();
        }
    }
}

/// How long [`keep_busy`] spins without work before it lets its thread go (a decoding step's
/// pauses between products are a few microseconds).
const IDLE_LIMIT: Duration = Duration::from_millis(2);

/// Prompt chunk for our own forward pass: the same result as one pass, bounded memory.
const PREFILL_CHUNK: usize = 512;

/// The chat template of `gguf`, parsed, with the texts of its BOS and EOS tokens; a template
/// that does not parse is an error naming the file.
fn chat_template_of(gguf: &GgufFile) -> Result<Option<ChatTemplate>> {
    let Some(source) = gguf.str_opt("tokenizer.chat_template")? else {
        return Ok(None);
    };
    let tokens = gguf.array("tokenizer.ggml.tokens")?;
    let text = |key: &str| -> Result<String> {
        let id = gguf.u64_opt(key)?;
        let token = id.and_then(|id| tokens.get(usize::try_from(id).ok()?));
        Ok(token
            .and_then(|t| t.to_string().ok())
            .cloned()
            .unwrap_or_default())
    };
    let bos = text("tokenizer.ggml.bos_token_id")?;
    let eos = text("tokenizer.ggml.eos_token_id")?;
    ChatTemplate::new(source, &bos, &eos)
        .map(Some)
        .map_err(|e| gguf.error(e.to_string()))
}

impl Model {
    /// Loads the GGUF file at `path`. The architecture comes from `general.architecture`.
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Self> {
        let device = options.device.device()?;
        // The tokenizer (262,144 pieces for Gemma) and the chat template are read on another
        // thread while the weights load, from their own copy of the metadata.
        let (weights, tokenizer) = std::thread::scope(|scope| {
            let tokenizer = scope.spawn(|| {
                let gguf = GgufFile::open(path)?;
                let tokenizer = GgufTokenizer::from_gguf(&gguf)?;
                let template = chat_template_of(&gguf)?;
                Ok((tokenizer, template))
            });
            let weights = Self::load_weights(path, &device, options);
            let tokenizer = tokenizer
                .join()
                .unwrap_or_else(|_| Err(Error::Tokenizer("the tokenizer thread panicked".into())));
            (weights, tokenizer)
        });
        let (engine, mut info, max_positions) = weights?;
        let (tokenizer, chat_template) = tokenizer?;
        info.vocab_size = tokenizer.vocab_size();
        Ok(Model {
            engine,
            tokenizer,
            chat_template,
            info,
            device,
            cached: Vec::new(),
            disallowed: None,
            restricted: false,
            max_positions,
        })
    }

    /// The weights of `path` on `device`, what the file says about them, and the longest
    /// sequence the instance supports.
    fn load_weights(
        path: &Path,
        device: &Device,
        options: &LoadOptions,
    ) -> Result<(Engine, ModelInfo, usize)> {
        let mut gguf = GgufFile::open(path)?;
        let architecture = gguf.architecture()?.to_string();
        let (tensor_bytes, parameters) = gguf.tensor_totals();
        // Labels only: a file that types them oddly still loads.
        let file_type = gguf.u64_opt("general.file_type").ok().flatten();
        let size_label = gguf
            .str_opt("general.size_label")
            .ok()
            .flatten()
            .map(str::to_string);
        let context_key = format!("{architecture}.context_length");
        let context_length = gguf.u64_opt(&context_key)?.unwrap_or(2048) as usize;
        let name = gguf.str_opt("general.name")?.unwrap_or("").to_string();
        let file_bytes = std::fs::metadata(path)
            .map_err(|e| Error::io(path, e))?
            .len();
        let model_error = |e: candle_core::Error| Error::Model {
            path: path.to_path_buf(),
            reason: format!("cannot load the {architecture} weights ({e})"),
        };
        let engine = match architecture.as_str() {
            "gemma3" | "qwen2" => Engine::Own(Box::new(Decoder::load(&mut gguf, device, options.max_positions)?)),
            "qwen3" => {
                let (content, mut reader) = gguf.into_parts();
                Engine::Qwen3(Box::new(quantized_qwen3::ModelWeights::from_gguf(content, &mut reader, device).map_err(model_error)?))
            }
            "llama" => {
                let (content, mut reader) = gguf.into_parts();
                Engine::Llama(Box::new(quantized_llama::ModelWeights::from_gguf(content, &mut reader, device).map_err(model_error)?))
            }
            other => {
                return Err(Error::Model {
                    path: path.to_path_buf(),
                    reason: format!("architecture `{other}` is not supported (plume runs gemma3, qwen2, qwen3 and llama)"),
                })
            }
        };
        let max_positions = match &engine {
            Engine::Own(m) => m.max_positions(),
            _ => options.max_positions.min(context_length),
        };
        let info = ModelInfo {
            path: path.to_path_buf(),
            name,
            architecture,
            file_bytes,
            parameters,
            tensor_bytes,
            file_type,
            size_label,
            vocab_size: 0,
            context_length,
        };
        Ok((engine, info, max_positions))
    }

    /// The tokenizer the file carries.
    pub fn tokenizer(&self) -> &GgufTokenizer {
        &self.tokenizer
    }

    /// The chat template the file carries, parsed: an instruction-tuned model's prompt format.
    pub fn chat_template(&self) -> Option<&ChatTemplate> {
        self.chat_template.as_ref()
    }

    /// Facts about the file.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The longest sequence this instance supports.
    pub fn max_positions(&self) -> usize {
        self.max_positions
    }

    /// Limits the tokens the model can produce to `ids` (`None`: every token): the others get
    /// −∞, so greedy output is unchanged whenever the model's choice is among `ids`. Our own
    /// pass then computes only their rows of the output projection (reordered once, in place,
    /// so they are contiguous); candle's architectures compute every row and mask.
    pub fn restrict_vocabulary(&mut self, ids: Option<Vec<u32>>) -> Result<()> {
        let vocab = self.tokenizer.vocab_size();
        if ids
            .as_ref()
            .is_some_and(|ids| ids.is_empty() || ids.iter().any(|&id| id as usize >= vocab))
        {
            return Err(Error::Internal(
                "vocabulary restriction names tokens outside the vocabulary".into(),
            ));
        }
        let computed_only = match &mut self.engine {
            Engine::Own(m) => m.restrict_output(ids.as_deref())?,
            _ => false,
        };
        self.restricted = ids.is_some();
        self.disallowed = match ids {
            Some(ids) if !computed_only => {
                let mut allowed = vec![false; vocab];
                for id in ids {
                    allowed[id as usize] = true;
                }
                Some(
                    (0..vocab as u32)
                        .filter(|&id| !allowed[id as usize])
                        .collect(),
                )
            }
            // No restriction, or our own pass gives −∞ to every other token already.
            _ => None,
        };
        Ok(())
    }

    /// Whether the vocabulary is restricted.
    pub fn is_restricted(&self) -> bool {
        self.restricted
    }

    /// Forgets the KV cache.
    pub fn clear_cache(&mut self) {
        match &mut self.engine {
            Engine::Own(m) => m.clear(),
            Engine::Qwen3(m) => m.clear_kv_cache(),
            Engine::Llama(m) => m.clear_kv_cache(),
        }
        self.cached.clear();
    }

    /// Processes a whole prompt and returns the logits of its last token. The part shared with
    /// what the cache already holds is reused when the architecture allows it. Returns the
    /// logits and how many tokens were actually processed.
    pub fn prefill(&mut self, prompt: &[u32]) -> Result<(Vec<f32>, usize)> {
        if prompt.is_empty() {
            return Err(Error::Generation("the prompt has no tokens".into()));
        }
        if prompt.len() > self.max_positions {
            return Err(Error::Generation(format!(
                "the prompt has {} tokens, more than the {} this model instance supports",
                prompt.len(),
                self.max_positions
            )));
        }
        let common = self
            .cached
            .iter()
            .zip(prompt)
            .take_while(|(a, b)| a == b)
            .count();
        // At least one token must be processed to get logits.
        let keep = common.min(prompt.len() - 1);
        let kept = match &mut self.engine {
            Engine::Own(m) => m.truncate(keep)?,
            _ => keep == self.cached.len(),
        };
        if kept {
            self.cached.truncate(keep);
        } else {
            self.clear_cache();
        }
        let start = self.cached.len();
        let new = &prompt[start..];
        let logits = self.process(new, start)?;
        self.cached.extend_from_slice(new);
        Ok((self.finish(logits)?, new.len()))
    }

    /// Processes one more token and returns the logits that follow it.
    pub fn step(&mut self, token: u32) -> Result<Vec<f32>> {
        if self.cached.len() + 1 > self.max_positions {
            return Err(Error::Generation(format!(
                "the sequence reached the {} positions this model instance supports",
                self.max_positions
            )));
        }
        let pos = self.cached.len();
        let logits = self.process(&[token], pos)?;
        self.cached.push(token);
        self.finish(logits)
    }

    /// Runs `new` (positions `start..`) through the model; logits of the last token. On an
    /// error, part of `new` may already be in the KV cache, so the whole cache is forgotten.
    fn process(&mut self, new: &[u32], start: usize) -> Result<Vec<f32>> {
        // On a worker of the thread pool. For one token, one other worker is kept awake while
        // the pass lasts: each of its small parallel products is then taken up at once instead
        // of waking a sleeping thread (llama.cpp's threads spin the same way). Prompts' products
        // are long enough for the wake-ups not to matter (measured no faster with it).
        let done = AtomicBool::new(false);
        let result = rayon::scope(|s| {
            let (caller, done) = (rayon::current_thread_index(), &done);
            if new.len() == 1 && rayon::current_num_threads() > 1 {
                s.spawn(move |_| keep_busy(caller, done));
            }
            let result = self.forward_tokens(new, start);
            done.store(true, Ordering::Release);
            result
        });
        if result.is_err() {
            self.clear_cache();
        }
        result
    }

    fn forward_tokens(&mut self, new: &[u32], start: usize) -> Result<Vec<f32>> {
        match &mut self.engine {
            Engine::Own(m) => {
                let mut last = None;
                for chunk in new.chunks(PREFILL_CHUNK) {
                    last = Some(m.forward(chunk)?);
                }
                last.ok_or_else(|| Error::Internal("nothing to process".into()))
            }
            _ if start == 0 => self.forward_other(new, 0),
            // candle's models only mask a multi-token pass that starts at position 0.
            _ => {
                let mut last = None;
                for (i, &t) in new.iter().enumerate() {
                    last = Some(self.forward_other(&[t], start + i)?);
                }
                last.ok_or_else(|| Error::Internal("nothing to process".into()))
            }
        }
    }

    fn forward_other(&mut self, tokens: &[u32], pos: usize) -> Result<Vec<f32>> {
        let input = Tensor::new(tokens, &self.device)?.unsqueeze(0)?;
        let logits = match &mut self.engine {
            Engine::Qwen3(m) => m.forward(&input, pos)?,
            Engine::Llama(m) => m.forward(&input, pos)?,
            Engine::Own(_) => unreachable!("our forward pass has its own path"),
        };
        Ok(logits
            .flatten_all()?
            .to_dtype(candle_core::DType::F32)?
            .to_vec1()?)
    }

    fn finish(&self, mut logits: Vec<f32>) -> Result<Vec<f32>> {
        for &id in self.disallowed.iter().flatten() {
            if let Some(v) = logits.get_mut(id as usize) {
                *v = f32::NEG_INFINITY;
            }
        }
        Ok(logits)
    }
}
