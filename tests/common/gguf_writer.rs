//! Tiny synthetic GGUF models for the engine's integration tests: random weights (seeded), the
//! tensor names and metadata keys of llama.cpp, and a small tokenizer of either kind GGUF files
//! carry (SentencePiece "llama" or byte-level BPE "gpt2").

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};

/// A small deterministic generator (SplitMix64): a seed stream that no dependency update can
/// change, so the synthetic models stay the same files.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn values(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.uniform() * scale).collect()
    }
}

/// The architectures plume runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    Gemma3,
    Qwen2,
    Qwen3,
    Llama,
}

impl Arch {
    pub const ALL: [Arch; 4] = [Arch::Gemma3, Arch::Qwen2, Arch::Qwen3, Arch::Llama];

    pub fn name(self) -> &'static str {
        match self {
            Arch::Gemma3 => "gemma3",
            Arch::Qwen2 => "qwen2",
            Arch::Qwen3 => "qwen3",
            Arch::Llama => "llama",
        }
    }

    /// Whether the file carries a SentencePiece vocabulary (else byte-level BPE).
    pub fn sentencepiece(self) -> bool {
        matches!(self, Arch::Gemma3 | Arch::Llama)
    }
}

/// What to write.
#[derive(Debug, Clone)]
pub struct Spec {
    pub arch: Arch,
    pub layers: usize,
    pub hidden: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub ffn: usize,
    pub context: u32,
    /// Gemma 3 only.
    pub sliding_window: u32,
    /// The dtype of the projection matrices (norms and biases are always F32).
    pub weight_dtype: GgmlDType,
    pub embed_dtype: GgmlDType,
    pub seed: u64,
    /// Adds an `output.weight` whose EOS row dominates whatever the hidden state is (every
    /// embedding gets a large constant first component, the EOS row a large first weight).
    pub eager_eos: bool,
    /// Metadata entries added or replacing the generated ones.
    pub overrides: Vec<(String, Value)>,
    /// Metadata keys left out.
    pub removed: Vec<String>,
}

impl Spec {
    pub fn new(arch: Arch) -> Self {
        Spec {
            arch,
            layers: 2,
            hidden: 64,
            heads: 4,
            kv_heads: 2,
            ffn: 128,
            context: 128,
            sliding_window: 4,
            weight_dtype: GgmlDType::F32,
            embed_dtype: GgmlDType::F32,
            seed: std::env::var("PLUME_TEST_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(7),
            eager_eos: false,
            overrides: Vec::new(),
            removed: Vec::new(),
        }
    }

    pub fn head_dim(&self) -> usize {
        self.hidden / self.heads
    }

    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.overrides.push((key.to_string(), value));
        self
    }

    pub fn without(mut self, key: &str) -> Self {
        self.removed.push(key.to_string());
        self
    }
}

/// The SentencePiece marker.
pub const SPM_SPACE: char = '\u{2581}';

/// A vocabulary: pieces, scores, token types (1 normal, 2 unknown, 3 control, 6 byte), merges
/// (BPE only), and the special ids.
#[derive(Debug, Clone)]
pub struct Vocab {
    pub tokens: Vec<String>,
    pub scores: Vec<f32>,
    pub types: Vec<i32>,
    pub merges: Vec<String>,
    pub bos: u32,
    pub eos: u32,
}

impl Vocab {
    pub fn id(&self, piece: &str) -> u32 {
        self.tokens
            .iter()
            .position(|t| t == piece)
            .unwrap_or_else(|| panic!("no piece {piece:?}")) as u32
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }
}

/// A SentencePiece vocabulary in Gemma's layout: control tokens, the 256 byte tokens, then
/// pieces (whole words score higher than their parts, as in a trained model).
pub fn sentencepiece_vocab() -> Vocab {
    let mut tokens: Vec<String> = Vec::new();
    let mut types = Vec::new();
    let mut scores = Vec::new();
    for (t, ty) in [
        ("<pad>", 3),
        ("<eos>", 3),
        ("<bos>", 3),
        ("<unk>", 2),
        ("<start_of_turn>", 3),
        ("<end_of_turn>", 3),
    ] {
        tokens.push(t.to_string());
        types.push(ty);
        scores.push(0.0);
    }
    for b in 0..=255u8 {
        tokens.push(format!("<0x{b:02X}>"));
        types.push(6);
        scores.push(0.0);
    }
    let s = SPM_SPACE;
    let words = [
        format!("{s}le"),
        format!("{s}chat"),
        format!("{s}ch"),
        format!("{s}la"),
        format!("{s}de"),
        format!("{s}est"),
        format!("{s}l"),
        format!("{s}c"),
        format!("{s}d"),
        "chat".to_string(),
        "le".to_string(),
        "la".to_string(),
        "de".to_string(),
        "ch".to_string(),
        "at".to_string(),
        "es".to_string(),
        "st".to_string(),
        "é".to_string(),
        format!("{s}"),
    ];
    for (i, w) in words.iter().enumerate() {
        tokens.push(w.clone());
        types.push(1);
        scores.push(-1.0 - i as f32);
    }
    for (i, c) in ('a'..='z').enumerate() {
        tokens.push(c.to_string());
        types.push(1);
        scores.push(-100.0 - i as f32);
    }
    let bos = 2;
    let eos = 1;
    Vocab {
        tokens,
        scores,
        types,
        merges: Vec::new(),
        bos,
        eos,
    }
}

/// GPT-2's reversible byte → printable character map.
pub fn byte_level_char(b: u8) -> char {
    let printable = |b: u8| {
        (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || (0xAE..=0xFF).contains(&b)
    };
    if printable(b) {
        return b as char;
    }
    let n = (0..b).filter(|&x| !printable(x)).count() as u32;
    char::from_u32(256 + n).unwrap()
}

/// A byte-level BPE vocabulary in Qwen's style: the 256 byte characters, a few merges, and the
/// control tokens at the end.
pub fn byte_level_vocab() -> Vocab {
    let mut tokens: Vec<String> = (0..=255u8)
        .map(|b| byte_level_char(b).to_string())
        .collect();
    let g = byte_level_char(b' ');
    let merges: Vec<(String, String)> = vec![
        ("l".into(), "e".into()),
        (g.to_string(), "l".into()),
        (format!("{g}l"), "e".into()),
        ("c".into(), "h".into()),
        ("a".into(), "t".into()),
        ("ch".into(), "at".into()),
        (g.to_string(), "chat".into()),
        ("Ã".into(), "©".into()),
    ];
    for (a, b) in &merges {
        let merged = format!("{a}{b}");
        if !tokens.contains(&merged) {
            tokens.push(merged);
        }
    }
    let mut types = vec![1; tokens.len()];
    for t in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] {
        tokens.push(t.to_string());
        types.push(3);
    }
    let scores = vec![0.0; tokens.len()];
    let bos = tokens.iter().position(|t| t == "<|endoftext|>").unwrap() as u32;
    let eos = tokens.iter().position(|t| t == "<|im_end|>").unwrap() as u32;
    Vocab {
        tokens,
        scores,
        types,
        merges: merges
            .into_iter()
            .map(|(a, b)| format!("{a} {b}"))
            .collect(),
        bos,
        eos,
    }
}

pub fn vocab_for(arch: Arch) -> Vocab {
    if arch.sentencepiece() {
        sentencepiece_vocab()
    } else {
        byte_level_vocab()
    }
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().map(|s| Value::String(s.clone())).collect())
}

/// The metadata of a model described by `spec`.
pub fn metadata(spec: &Spec, vocab: &Vocab) -> Vec<(String, Value)> {
    let a = spec.arch.name();
    let k = |key: &str| format!("{a}.{key}");
    let hd = spec.head_dim() as u32;
    let mut md: Vec<(String, Value)> = vec![
        ("general.architecture".into(), Value::String(a.into())),
        ("general.name".into(), Value::String(format!("tiny-{a}"))),
        (k("context_length"), Value::U32(spec.context)),
        (k("embedding_length"), Value::U32(spec.hidden as u32)),
        (k("block_count"), Value::U32(spec.layers as u32)),
        (k("feed_forward_length"), Value::U32(spec.ffn as u32)),
        (k("attention.head_count"), Value::U32(spec.heads as u32)),
        (
            k("attention.head_count_kv"),
            Value::U32(spec.kv_heads as u32),
        ),
        (k("attention.layer_norm_rms_epsilon"), Value::F32(1e-6)),
    ];
    match spec.arch {
        Arch::Gemma3 => {
            md.push((k("attention.key_length"), Value::U32(hd)));
            md.push((k("attention.value_length"), Value::U32(hd)));
            md.push((k("rope.freq_base"), Value::F32(1_000_000.0)));
            md.push((
                k("attention.sliding_window"),
                Value::U32(spec.sliding_window),
            ));
        }
        Arch::Qwen2 => md.push((k("rope.freq_base"), Value::F32(1_000_000.0))),
        Arch::Qwen3 => {
            md.push((k("attention.key_length"), Value::U32(hd)));
            md.push((k("attention.value_length"), Value::U32(hd)));
            md.push((k("rope.freq_base"), Value::F32(1_000_000.0)));
        }
        Arch::Llama => {
            md.push((k("rope.dimension_count"), Value::U32(hd)));
            md.push((k("rope.freq_base"), Value::F32(10_000.0)));
        }
    }
    md.push(("tokenizer.ggml.tokens".into(), strings(&vocab.tokens)));
    md.push((
        "tokenizer.ggml.token_type".into(),
        Value::Array(vocab.types.iter().map(|&t| Value::I32(t)).collect()),
    ));
    md.push(("tokenizer.ggml.bos_token_id".into(), Value::U32(vocab.bos)));
    md.push(("tokenizer.ggml.eos_token_id".into(), Value::U32(vocab.eos)));
    if spec.arch.sentencepiece() {
        md.push(("tokenizer.ggml.model".into(), Value::String("llama".into())));
        md.push((
            "tokenizer.ggml.scores".into(),
            Value::Array(vocab.scores.iter().map(|&s| Value::F32(s)).collect()),
        ));
        md.push(("tokenizer.ggml.add_bos_token".into(), Value::Bool(true)));
        // Gemma writes no space prefix; Llama 2's SentencePiece adds one.
        md.push((
            "tokenizer.ggml.add_space_prefix".into(),
            Value::Bool(spec.arch == Arch::Llama),
        ));
        md.push(("tokenizer.ggml.unknown_token_id".into(), Value::U32(3)));
        md.push(("tokenizer.ggml.padding_token_id".into(), Value::U32(0)));
    } else {
        md.push(("tokenizer.ggml.model".into(), Value::String("gpt2".into())));
        md.push(("tokenizer.ggml.pre".into(), Value::String("qwen2".into())));
        md.push(("tokenizer.ggml.merges".into(), strings(&vocab.merges)));
        md.push(("tokenizer.ggml.add_bos_token".into(), Value::Bool(false)));
    }
    md.retain(|(key, _)| !spec.removed.contains(key));
    for (key, value) in &spec.overrides {
        match md.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.clone(),
            None => md.push((key.clone(), value.clone())),
        }
    }
    md
}

pub fn qtensor(data: Vec<f32>, shape: &[usize], dtype: GgmlDType) -> QTensor {
    let t = Tensor::from_vec(data, shape, &Device::Cpu).expect("tensor");
    QTensor::quantize(&t, dtype).expect("quantize")
}

/// The tensors of a model described by `spec`, in llama.cpp's naming.
pub fn tensors(spec: &Spec, vocab: &Vocab) -> Vec<(String, QTensor)> {
    let mut rng = Rng::new(spec.seed);
    let (h, f, hd) = (spec.hidden, spec.ffn, spec.head_dim());
    let (q_out, kv_out) = (spec.heads * hd, spec.kv_heads * hd);
    let n_vocab = vocab.len();
    let wd = spec.weight_dtype;
    let mut out: Vec<(String, QTensor)> = Vec::new();

    // Small embeddings keep the logits of tied outputs in a few units, so sampling has a real
    // distribution to draw from (and Gemma's residual stream is not just the last token).
    let mut embd = rng.values(n_vocab * h, 0.15);
    if spec.eager_eos {
        for row in 0..n_vocab {
            embd[row * h] = 4.0;
        }
    }
    out.push((
        "token_embd.weight".into(),
        qtensor(embd, &[n_vocab, h], spec.embed_dtype),
    ));
    let norm = |rng: &mut Rng, n: usize| -> QTensor {
        qtensor(
            (0..n).map(|_| 1.0 + 0.2 * rng.uniform()).collect(),
            &[n],
            GgmlDType::F32,
        )
    };
    let matrix = |rng: &mut Rng, rows: usize, cols: usize, gain: f32| -> QTensor {
        let scale = gain / (cols as f32).sqrt();
        qtensor(rng.values(rows * cols, scale), &[rows, cols], wd)
    };
    for i in 0..spec.layers {
        let p = format!("blk.{i}");
        out.push((format!("{p}.attn_norm.weight"), norm(&mut rng, h)));
        out.push((
            format!("{p}.attn_q.weight"),
            matrix(&mut rng, q_out, h, 3.0),
        ));
        out.push((
            format!("{p}.attn_k.weight"),
            matrix(&mut rng, kv_out, h, 3.0),
        ));
        out.push((
            format!("{p}.attn_v.weight"),
            matrix(&mut rng, kv_out, h, 1.7),
        ));
        out.push((
            format!("{p}.attn_output.weight"),
            matrix(&mut rng, h, q_out, 1.7),
        ));
        out.push((format!("{p}.ffn_norm.weight"), norm(&mut rng, h)));
        out.push((format!("{p}.ffn_gate.weight"), matrix(&mut rng, f, h, 1.7)));
        out.push((format!("{p}.ffn_up.weight"), matrix(&mut rng, f, h, 1.7)));
        out.push((format!("{p}.ffn_down.weight"), matrix(&mut rng, h, f, 1.7)));
        match spec.arch {
            Arch::Gemma3 => {
                out.push((format!("{p}.attn_q_norm.weight"), norm(&mut rng, hd)));
                out.push((format!("{p}.attn_k_norm.weight"), norm(&mut rng, hd)));
                out.push((format!("{p}.post_attention_norm.weight"), norm(&mut rng, h)));
                out.push((format!("{p}.post_ffw_norm.weight"), norm(&mut rng, h)));
            }
            Arch::Qwen3 => {
                out.push((format!("{p}.attn_q_norm.weight"), norm(&mut rng, hd)));
                out.push((format!("{p}.attn_k_norm.weight"), norm(&mut rng, hd)));
            }
            Arch::Qwen2 => {
                for (n, len) in [("attn_q", q_out), ("attn_k", kv_out), ("attn_v", kv_out)] {
                    out.push((
                        format!("{p}.{n}.bias"),
                        qtensor(rng.values(len, 0.1), &[len], GgmlDType::F32),
                    ));
                }
            }
            Arch::Llama => {}
        }
    }
    out.push(("output_norm.weight".into(), norm(&mut rng, h)));
    if spec.eager_eos {
        let mut w = rng.values(n_vocab * h, 0.05);
        w[vocab.eos as usize * h] = 30.0;
        out.push((
            "output.weight".into(),
            qtensor(w, &[n_vocab, h], GgmlDType::F32),
        ));
    }
    out
}

/// Writes a GGUF file from metadata and tensors.
pub fn write_gguf(path: &Path, metadata: &[(String, Value)], tensors: &[(String, QTensor)]) {
    let mut file = std::fs::File::create(path).expect("create the model file");
    let md: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let ts: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, t)| (k.as_str(), t)).collect();
    gguf_file::write(&mut file, &md, &ts).expect("write the GGUF file");
}

/// Writes the model described by `spec` as `dir/name` and returns its path.
pub fn write_model(dir: &Path, name: &str, spec: &Spec) -> PathBuf {
    let vocab = vocab_for(spec.arch);
    let path = dir.join(name);
    write_gguf(&path, &metadata(spec, &vocab), &tensors(spec, &vocab));
    path
}

/// A GGUF v3 header written by hand, for files `gguf_file::write` cannot produce.
pub struct RawGguf {
    pub bytes: Vec<u8>,
}

impl RawGguf {
    /// Magic, version 3, tensor and metadata counts.
    pub fn header(tensors: u64, kvs: u64) -> Self {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"GGUF");
        bytes.extend_from_slice(&3u32.to_le_bytes());
        bytes.extend_from_slice(&tensors.to_le_bytes());
        bytes.extend_from_slice(&kvs.to_le_bytes());
        RawGguf { bytes }
    }

    pub fn u32(mut self, v: u32) -> Self {
        self.bytes.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(mut self, v: u64) -> Self {
        self.bytes.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn string(mut self, s: &str) -> Self {
        self.bytes
            .extend_from_slice(&(s.len() as u64).to_le_bytes());
        self.bytes.extend_from_slice(s.as_bytes());
        self
    }

    /// A string-valued metadata entry (value type 8).
    pub fn kv_string(self, key: &str, value: &str) -> Self {
        self.string(key).u32(8).string(value)
    }

    pub fn padding(mut self, n: usize) -> Self {
        self.bytes.extend(std::iter::repeat_n(0u8, n));
        self
    }
}
