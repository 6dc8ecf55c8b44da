//! Our decoder forward pass for Gemma 3 and Qwen 2: plain row-major buffers between our
//! quantised products (`matmul`), attention (`attention`) and element-wise operations (`ops`);
//! candle reads the GGUF tensors and multiplies the weights it holds on a GPU.
//!
//! Both are pre-norm transformers with grouped-query attention, RoPE in the NeoX layout and a
//! gated MLP. What sets them apart is read from the file, all handled here:
//! - Gemma 3: embeddings scaled by √hidden; RMS norms whose weights already include Gemma's "+1"
//!   in GGUF files; q and k normalised per head before RoPE; local layers with RoPE base 10 000
//!   and a sliding window, global layers (every sixth) with the file's base and full attention;
//!   norms after attention and after the MLP; GELU (tanh) gate; optional final soft-capping.
//! - Qwen 2: biases on q, k and v; SiLU gate; one RoPE base (1 000 000 in Qwen 2.5's files).
//! - Either: an output projection of its own (`output.weight`) or tied to the embeddings.
//!
//! The sliding window is applied the same way whether the prompt is processed in one pass, in
//! chunks, or token by token: local layers keep only the keys they can still see.

use candle_core::Device;

use super::attention::{attend, KvCache};
use super::gguf::GgufFile;
use super::matmul::QuantMatrix;
use super::ops;
use crate::error::Result;

/// The architectures this forward pass runs (`general.architecture`).
pub const ARCHITECTURES: [&str; 2] = ["gemma3", "qwen2"];

/// The MLP's gate activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// GELU, tanh approximation (Gemma).
    GeluTanh,
    /// SiLU (Qwen, Llama).
    Silu,
}

/// Gemma 3's local attention: a sliding window on all layers but every `pattern`-th.
#[derive(Debug, Clone, Copy)]
pub struct SlidingWindow {
    pub size: usize,
    pub pattern: usize,
    /// The RoPE base of local layers.
    pub rope_base: f64,
}

/// Hyper-parameters read from the GGUF metadata.
#[derive(Debug, Clone)]
pub struct Config {
    pub architecture: String,
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
    pub eps: f64,
    /// The RoPE base of global layers (every layer without a sliding window).
    pub rope_base: f64,
    pub window: Option<SlidingWindow>,
    /// Whether embeddings are multiplied by √hidden.
    pub scale_embeddings: bool,
    pub activation: Activation,
    pub context_length: usize,
    pub final_softcap: Option<f64>,
}

impl Config {
    fn from_gguf(g: &GgufFile) -> Result<Self> {
        let architecture = g.architecture()?.to_string();
        let gemma = match architecture.as_str() {
            "gemma3" => true,
            "qwen2" => false,
            other => {
                return Err(g.error(format!(
                    "architecture `{other}` is not one our forward pass runs ({})",
                    ARCHITECTURES.join(", ")
                )))
            }
        };
        let key = |k: &str| format!("{architecture}.{k}");
        let hidden = g.u64(&key("embedding_length"))? as usize;
        let heads = g.u64(&key("attention.head_count"))? as usize;
        let kv_heads = g
            .u64_opt(&key("attention.head_count_kv"))?
            .unwrap_or(heads as u64) as usize;
        let head_dim = g
            .u64_opt(&key("attention.key_length"))?
            .unwrap_or((hidden / heads.max(1)) as u64) as usize;
        let window = if gemma {
            Some(SlidingWindow {
                size: g.u64_opt(&key("attention.sliding_window"))?.unwrap_or(512) as usize,
                pattern: 6,
                rope_base: g.f64_opt(&key("rope.freq_base_swa"))?.unwrap_or(10_000.0),
            })
        } else {
            None
        };
        let cfg = Config {
            hidden,
            layers: g.u64(&key("block_count"))? as usize,
            heads,
            kv_heads,
            head_dim,
            eps: g
                .f64_opt(&key("attention.layer_norm_rms_epsilon"))?
                .unwrap_or(1e-6),
            rope_base: g.f64_opt(&key("rope.freq_base"))?.unwrap_or(if gemma {
                1_000_000.0
            } else {
                10_000.0
            }),
            window,
            scale_embeddings: gemma,
            activation: if gemma {
                Activation::GeluTanh
            } else {
                Activation::Silu
            },
            context_length: g.u64_opt(&key("context_length"))?.unwrap_or(8192) as usize,
            final_softcap: g.f64_opt(&key("final_logit_softcapping"))?,
            architecture,
        };
        let sane = |v: usize, max: usize| v > 0 && v <= max;
        if !(sane(cfg.hidden, 1 << 16)
            && sane(cfg.layers, 1024)
            && sane(cfg.heads, 1024)
            && sane(cfg.kv_heads, 1024)
            && sane(cfg.head_dim, 4096)
            && cfg.heads.is_multiple_of(cfg.kv_heads)
            && cfg.head_dim.is_multiple_of(2)
            && cfg.window.is_none_or(|w| sane(w.size, 1 << 24)))
        {
            return Err(g.error(format!(
                "implausible {} hyper-parameters: {cfg:?}",
                cfg.architecture
            )));
        }
        Ok(cfg)
    }

    /// Whether layer `i` uses the sliding window (Gemma 3: five of every six layers).
    pub fn is_local(&self, i: usize) -> bool {
        self.window.is_some_and(|w| i % w.pattern < w.pattern - 1)
    }
}

/// Precomputed RoPE cosines and sines for one base.
struct Rope {
    cos: Vec<f32>,
    sin: Vec<f32>,
    head_dim: usize,
}

impl Rope {
    fn new(base: f64, head_dim: usize, max_positions: usize) -> Self {
        let (cos, sin) = ops::rope_table(base, head_dim, max_positions);
        Rope { cos, sin, head_dim }
    }

    /// Rotates the heads of `x`, rows of `width` values at positions `offset..`.
    fn apply(&self, x: &mut [f32], width: usize, offset: usize) {
        ops::rope(x, width, self.head_dim, offset, &self.cos, &self.sin);
    }
}

/// One layer's weights; the optional ones are those one architecture has and another lacks.
struct Layer {
    attn_norm: Vec<f32>,
    q: QuantMatrix,
    k: QuantMatrix,
    v: QuantMatrix,
    /// Biases of q, k and v (Qwen 2).
    qkv_bias: Option<[Vec<f32>; 3]>,
    /// Per-head RMS norms of q and k (Gemma 3).
    qk_norm: Option<[Vec<f32>; 2]>,
    o: QuantMatrix,
    post_attn_norm: Option<Vec<f32>>,
    ffn_norm: Vec<f32>,
    gate: QuantMatrix,
    up: QuantMatrix,
    down: QuantMatrix,
    post_ffn_norm: Option<Vec<f32>>,
    local: bool,
    cache: KvCache,
}

/// Where each token's row of the output projection is, once the rows are reordered so that the
/// tokens of a restricted vocabulary come first.
struct RowOrder {
    /// The token of each row.
    token_at: Vec<u32>,
    /// The row of each token.
    row_of: Vec<u32>,
}

/// A Gemma 3 or Qwen 2 model with its KV cache.
pub struct Decoder {
    cfg: Config,
    embeddings: QuantMatrix,
    layers: Vec<Layer>,
    output_norm: Vec<f32>,
    /// `None`: the output projection is the embedding table (tied, as in Gemma's files).
    output: Option<QuantMatrix>,
    /// How the output projection's rows are ordered (`None`: by token).
    order: Option<RowOrder>,
    /// How many of the output projection's rows are computed (the allowed tokens come first).
    computed: usize,
    /// RoPE for local layers (`None`: no sliding window).
    rope_local: Option<Rope>,
    rope_global: Rope,
    max_positions: usize,
    /// Number of positions processed (the next token's position).
    len: usize,
}

/// `x` normalised by `w`, a copy.
fn rms_norm(x: &[f32], w: &[f32], eps: f64) -> Vec<f32> {
    let mut y = x.to_vec();
    ops::rms_norm(&mut y, w, eps);
    y
}

/// `x += y`.
fn add(x: &mut [f32], y: &[f32]) {
    for (x, &y) in x.iter_mut().zip(y) {
        *x += y;
    }
}

/// Adds `bias` to each row of `x`.
fn add_rows(x: &mut [f32], bias: &[f32]) {
    for row in x.chunks_mut(bias.len()) {
        add(row, bias);
    }
}

impl Decoder {
    /// Loads the weights of `gguf` onto `device`. `max_positions` bounds the RoPE tables (and so
    /// the longest sequence); it is capped by the model's context length.
    // One statement per tensor the architecture has, in the file's order: long, but a list.
    pub fn load(g: &mut GgufFile, device: &Device, max_positions: usize) -> Result<Self> {
        let cfg = Config::from_gguf(g)?;
        let max_positions = max_positions.min(cfg.context_length).max(1);
        let vector = |g: &mut GgufFile, name: &str| -> Result<Vec<f32>> {
            Ok(g.tensor(name, device)?
                .dequantize(&Device::Cpu)?
                .flatten_all()?
                .to_vec1()?)
        };
        let (_, dims) = g.tensor_layout("token_embd.weight")?;
        if dims.len() != 2 || dims[1] != cfg.hidden {
            return Err(g.error(format!(
                "token_embd.weight has the shape {dims:?}, expected a width of {}",
                cfg.hidden
            )));
        }
        let embeddings = QuantMatrix::read(g, "token_embd.weight", device)?;
        let gemma = cfg.architecture == "gemma3";
        let mut layers = Vec::with_capacity(cfg.layers);
        for i in 0..cfg.layers {
            let p = format!("blk.{i}");
            let mm = |g: &mut GgufFile, n: &str| -> Result<QuantMatrix> {
                QuantMatrix::read(g, &format!("{p}.{n}.weight"), device)
            };
            let read = |g: &mut GgufFile, n: &str| vector(g, &format!("{p}.{n}"));
            // What one architecture has and the other lacks: a Gemma 3 file must have its
            // q/k norms and post-norms, a Qwen 2 file its q, k and v biases.
            let (qkv_bias, qk_norm, post_attn_norm, post_ffn_norm) = if gemma {
                (
                    None,
                    Some([
                        read(g, "attn_q_norm.weight")?,
                        read(g, "attn_k_norm.weight")?,
                    ]),
                    Some(read(g, "post_attention_norm.weight")?),
                    Some(read(g, "post_ffw_norm.weight")?),
                )
            } else {
                let biases = [
                    read(g, "attn_q.bias")?,
                    read(g, "attn_k.bias")?,
                    read(g, "attn_v.bias")?,
                ];
                let widths = [cfg.heads, cfg.kv_heads, cfg.kv_heads].map(|h| h * cfg.head_dim);
                if biases.iter().zip(widths).any(|(b, w)| b.len() != w) {
                    return Err(g.error(format!(
                        "the q, k, v biases of layer {i} do not match {} query and {} key-value heads of {}",
                        cfg.heads, cfg.kv_heads, cfg.head_dim
                    )));
                }
                (Some(biases), None, None, None)
            };
            layers.push(Layer {
                attn_norm: read(g, "attn_norm.weight")?,
                q: mm(g, "attn_q")?,
                k: mm(g, "attn_k")?,
                v: mm(g, "attn_v")?,
                qkv_bias,
                qk_norm,
                o: mm(g, "attn_output")?,
                post_attn_norm,
                ffn_norm: read(g, "ffn_norm.weight")?,
                gate: mm(g, "ffn_gate")?,
                up: mm(g, "ffn_up")?,
                down: mm(g, "ffn_down")?,
                post_ffn_norm,
                local: cfg.is_local(i),
                cache: KvCache::new(cfg.kv_heads, cfg.head_dim),
            });
        }
        let output_norm = vector(g, "output_norm.weight")?;
        let output = if g.has_tensor("output.weight") {
            Some(QuantMatrix::read(g, "output.weight", device)?)
        } else {
            None
        };
        let computed = output.as_ref().unwrap_or(&embeddings).rows();
        let rope_local = cfg
            .window
            .map(|w| Rope::new(w.rope_base, cfg.head_dim, max_positions));
        let rope_global = Rope::new(cfg.rope_base, cfg.head_dim, max_positions);
        Ok(Decoder {
            cfg,
            embeddings,
            layers,
            output_norm,
            output,
            order: None,
            computed,
            rope_local,
            rope_global,
            max_positions,
            len: 0,
        })
    }

    /// The hyper-parameters.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The longest sequence this instance can process.
    pub fn max_positions(&self) -> usize {
        self.max_positions
    }

    /// Positions processed so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no position has been processed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets everything processed.
    pub fn clear(&mut self) {
        for layer in &mut self.layers {
            layer.cache.reset(0);
        }
        self.len = 0;
    }

    /// Keeps only the first `len` positions. Returns false (and leaves the cache alone) when a
    /// sliding-window layer has already dropped keys the shorter sequence would need.
    pub fn truncate(&mut self, len: usize) -> Result<bool> {
        if len >= self.len {
            return Ok(len == self.len);
        }
        // A local layer must still hold the keys position `len` will look back to.
        let needed_from = match self.cfg.window {
            Some(w) => len.saturating_sub(w.size - 1),
            None => 0,
        };
        if self.layers.iter().any(|l| l.cache.start() > needed_from) {
            return Ok(false);
        }
        for layer in &mut self.layers {
            layer.cache.truncate(len);
        }
        self.len = len;
        Ok(true)
    }

    /// Processes `tokens` (positions `len()..len()+tokens.len()`) and returns the logits of the
    /// last one, shape `(vocab,)`.
    pub fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>> {
        let hidden = self.forward_hidden(tokens)?;
        let h = self.cfg.hidden;
        let last = rms_norm(&hidden[hidden.len() - h..], &self.output_norm, self.cfg.eps);
        let head = self.output.as_ref().unwrap_or(&self.embeddings);
        let mut logits = head.product(&last, self.computed)?;
        if let Some(cap) = self.cfg.final_softcap {
            let cap = cap as f32;
            logits.iter_mut().for_each(|v| *v = (*v / cap).tanh() * cap);
        }
        let Some(order) = &self.order else {
            return Ok(logits);
        };
        // Back to token order; the rows not computed are tokens that may not be produced.
        let mut by_token = vec![f32::NEG_INFINITY; head.rows()];
        for (&token, v) in order.token_at.iter().zip(logits) {
            by_token[token as usize] = v;
        }
        Ok(by_token)
    }

    /// Computes only the output rows of `allowed` tokens (`None`: all of them) from now on.
    /// The rows are reordered once, in place, so the allowed ones are contiguous: each logit
    /// keeps its exact value, the others are −∞. Returns false when the rows cannot be
    /// reordered (weights on a GPU): then every row is computed.
    pub fn restrict_output(&mut self, allowed: Option<&[u32]>) -> Result<bool> {
        let rows = self.output.as_ref().unwrap_or(&self.embeddings).rows();
        let Some(allowed) = allowed else {
            self.computed = rows;
            return Ok(false);
        };
        let mut keep = vec![false; rows];
        for &id in allowed {
            *keep.get_mut(id as usize).ok_or_else(|| {
                crate::error::Error::Internal(format!(
                    "token {id} is outside the {rows}-row output"
                ))
            })? = true;
        }
        let tokens: Vec<u32> = (0..rows as u32)
            .filter(|&t| keep[t as usize])
            .chain((0..rows as u32).filter(|&t| !keep[t as usize]))
            .collect();
        let row_now = |t: u32| self.order.as_ref().map_or(t, |o| o.row_of[t as usize]);
        let source: Vec<u32> = tokens.iter().map(|&t| row_now(t)).collect();
        let head = self.output.as_mut().unwrap_or(&mut self.embeddings);
        if !head.permute_rows(&source)? {
            self.computed = rows;
            return Ok(false);
        }
        let mut row_of = vec![0u32; rows];
        for (row, &t) in tokens.iter().enumerate() {
            row_of[t as usize] = row as u32;
        }
        self.order = Some(RowOrder {
            token_at: tokens,
            row_of,
        });
        self.computed = keep.iter().filter(|&&k| k).count();
        Ok(true)
    }

    /// The hidden states of `tokens` after the last layer, `tokens.len() × hidden` row-major.
    fn forward_hidden(&mut self, tokens: &[u32]) -> Result<Vec<f32>> {
        let t = tokens.len();
        let offset = self.len;
        if t == 0 {
            return Err(crate::error::Error::Internal(
                "forward pass on an empty token sequence".into(),
            ));
        }
        if offset + t > self.max_positions {
            return Err(crate::error::Error::Generation(format!(
                "sequence of {} tokens exceeds the {} positions this model instance supports",
                offset + t,
                self.max_positions
            )));
        }
        // With tied weights, a reordered output projection reorders the embedding table.
        let rows: Vec<u32> = match (&self.order, &self.output) {
            (Some(order), None) => tokens
                .iter()
                .map(|&t| order.row_of.get(t as usize).copied().unwrap_or(t))
                .collect(),
            _ => tokens.to_vec(),
        };
        let mut x = self.embeddings.embed(&rows)?;
        if self.cfg.scale_embeddings {
            let scale = (self.cfg.hidden as f64).sqrt() as f32;
            x.iter_mut().for_each(|v| *v *= scale);
        }
        let cfg = &self.cfg;
        for layer in &mut self.layers {
            let rope = match (&self.rope_local, layer.local) {
                (Some(local), true) => local,
                _ => &self.rope_global,
            };
            let h = rms_norm(&x, &layer.attn_norm, cfg.eps);
            let mut h = attention(layer, cfg, rope, &h, offset)?;
            if let Some(norm) = &layer.post_attn_norm {
                ops::rms_norm(&mut h, norm, cfg.eps);
            }
            add(&mut x, &h);
            let h = rms_norm(&x, &layer.ffn_norm, cfg.eps);
            let [mut gate, up] = QuantMatrix::products([&layer.gate, &layer.up], &h)?;
            match cfg.activation {
                Activation::GeluTanh => ops::geglu(&mut gate, &up),
                Activation::Silu => ops::swiglu(&mut gate, &up),
            }
            let mut h = layer.down.product(&gate, layer.down.rows())?;
            if let Some(norm) = &layer.post_ffn_norm {
                ops::rms_norm(&mut h, norm, cfg.eps);
            }
            add(&mut x, &h);
        }
        self.len += t;
        Ok(x)
    }
}

/// Self-attention of one layer for the rows of `x` (new positions from `offset`), updating its
/// cache.
fn attention(
    layer: &mut Layer,
    cfg: &Config,
    rope: &Rope,
    x: &[f32],
    offset: usize,
) -> Result<Vec<f32>> {
    let d = cfg.head_dim;
    // Rows of [heads][d]: per-head norms, RoPE and the cache all read that layout.
    let [mut q, mut k, mut v] = QuantMatrix::products([&layer.q, &layer.k, &layer.v], x)?;
    if let Some([qb, kb, vb]) = &layer.qkv_bias {
        add_rows(&mut q, qb);
        add_rows(&mut k, kb);
        add_rows(&mut v, vb);
    }
    if let Some([qn, kn]) = &layer.qk_norm {
        ops::rms_norm(&mut q, qn, cfg.eps);
        ops::rms_norm(&mut k, kn, cfg.eps);
    }
    rope.apply(&mut q, cfg.heads * d, offset);
    rope.apply(&mut k, cfg.kv_heads * d, offset);
    let scale = (1.0 / (d as f64).sqrt()) as f32;
    q.iter_mut().for_each(|v| *v *= scale);

    let cache = &mut layer.cache;
    if cache.end() != offset {
        cache.reset(offset);
    }
    cache.append(&k, &v);
    let window = cfg.window.filter(|_| layer.local).map(|w| w.size);
    let out = attend(&q, cache, offset, cfg.heads, d, window);
    // Local layers keep only the keys a later position can still see.
    if let Some(w) = window {
        cache.keep_last(w - 1);
    }
    layer.o.product(&out, layer.o.rows())
}
