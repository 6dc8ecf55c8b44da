//! A `tokenizers::Tokenizer` built from the vocabulary a GGUF file carries.
//!
//! Two kinds exist in GGUF files:
//! - `tokenizer.ggml.model = "llama"`: SentencePiece (Gemma, Llama 2, Mistral). The file has the
//!   pieces, their scores and their types but no merges: SentencePiece merges the adjacent pair
//!   whose merged piece scores highest, which a BPE model reproduces when its merge ranks follow
//!   the merged piece's score. Byte fallback covers characters outside the vocabulary.
//! - `tokenizer.ggml.model = "gpt2"`: byte-level BPE with explicit merges and a regex
//!   pre-tokenizer named by `tokenizer.ggml.pre` (Qwen 2/3, Llama 3).
//!
//! Control tokens (`<bos>`, `<start_of_turn>`, …) are only read as such when the caller asks
//! (`parse_special`), so an article that contains `<start_of_turn>` stays plain text.
//! User-defined tokens (runs of spaces and newlines, HTML tags in Gemma) are always matched
//! first, as llama.cpp does.

use std::collections::HashMap;
use std::sync::Mutex;

use tokenizers::decoders::byte_fallback::ByteFallback;
use tokenizers::decoders::byte_level::ByteLevel;
use tokenizers::decoders::fuse::Fuse;
use tokenizers::decoders::sequence::Sequence as DecoderSequence;
use tokenizers::decoders::DecoderWrapper;
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::normalizers::{Prepend, Replace, Sequence as NormalizerSequence};
use tokenizers::pre_tokenizers::sequence::Sequence as PreSequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::processors::template::TemplateProcessing;
use tokenizers::{
    AddedToken, NormalizerWrapper, PreTokenizerWrapper, SplitDelimiterBehavior, Tokenizer,
};

use super::gguf::{value_i64, GgufFile};
use crate::error::{Error, Result};

/// GGUF token types (llama.cpp's `llama_token_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Normal,
    Unknown,
    Control,
    UserDefined,
    Unused,
    Byte,
}

impl TokenKind {
    fn from_gguf(v: i64) -> TokenKind {
        match v {
            2 => TokenKind::Unknown,
            3 => TokenKind::Control,
            4 => TokenKind::UserDefined,
            5 => TokenKind::Unused,
            6 => TokenKind::Byte,
            _ => TokenKind::Normal,
        }
    }
}

/// The SentencePiece word-boundary marker.
const SPM_SPACE: char = '\u{2581}';

/// Pre-tokenizer regexes for the byte-level BPE kinds, by `tokenizer.ggml.pre`.
const LLAMA3_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// A model's tokenizer: the `tokenizers` object plus what generation needs to know about tokens.
pub struct GgufTokenizer {
    tokenizer: Mutex<Tokenizer>,
    /// The bytes each token stands for in generated text (empty for control tokens).
    token_bytes: Vec<Vec<u8>>,
    kinds: Vec<TokenKind>,
    bos: Option<u32>,
    add_bos: bool,
    end_of_generation: Vec<u32>,
}

/// The kind of each of the `n` tokens (normal when the file does not say).
fn token_kinds(gguf: &GgufFile, n: usize) -> Result<Vec<TokenKind>> {
    let types: Vec<TokenKind> = match gguf.array_opt("tokenizer.ggml.token_type")? {
        Some(a) => a
            .iter()
            .map(|v| TokenKind::from_gguf(value_i64(v).unwrap_or(1)))
            .collect(),
        None => vec![TokenKind::Normal; n],
    };
    if types.len() != n {
        return Err(gguf.error(format!(
            "tokenizer.ggml.token_type has {} entries for {n} tokens",
            types.len()
        )));
    }
    Ok(types)
}

/// Control tokens as special tokens, user-defined ones as added tokens read as written.
fn add_vocabulary_tokens(
    tokenizer: &mut Tokenizer,
    tokens: &[String],
    types: &[TokenKind],
) -> Result<()> {
    let control: Vec<AddedToken> = tokens
        .iter()
        .zip(types)
        .filter(|(_, k)| matches!(k, TokenKind::Control | TokenKind::Unknown))
        .map(|(t, _)| AddedToken::from(t.clone(), true))
        .collect();
    let user: Vec<AddedToken> = tokens
        .iter()
        .zip(types)
        .filter(|(_, k)| **k == TokenKind::UserDefined)
        .map(|(t, _)| AddedToken::from(t.clone(), false).normalized(false))
        .collect();
    tokenizer.add_special_tokens(control).map_err(tok_err)?;
    tokenizer.add_tokens(user).map_err(tok_err)?;
    Ok(())
}

/// The tokens that end a generation: the file's EOS and EOT, and the control tokens models
/// end a turn with.
fn end_of_generation(
    gguf: &GgufFile,
    tokenizer: &Tokenizer,
    types: &[TokenKind],
) -> Result<Vec<u32>> {
    let mut ids = Vec::new();
    if let Some(eos) = gguf.u64_opt("tokenizer.ggml.eos_token_id")? {
        ids.push(eos as u32);
    }
    if let Some(eot) = gguf.u64_opt("tokenizer.ggml.eot_token_id")? {
        ids.push(eot as u32);
    }
    for name in [
        "<end_of_turn>",
        "<|im_end|>",
        "<|eot_id|>",
        "<|endoftext|>",
        "<|end_of_text|>",
        "</s>",
        "<eos>",
    ] {
        if let Some(id) = tokenizer.token_to_id(name) {
            if types[id as usize] == TokenKind::Control {
                ids.push(id);
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

impl GgufTokenizer {
    /// Builds the tokenizer described by the metadata of `gguf`.
    pub fn from_gguf(gguf: &GgufFile) -> Result<Self> {
        let kind = gguf.str("tokenizer.ggml.model")?;
        let tokens = string_array(gguf, "tokenizer.ggml.tokens")?;
        let types = token_kinds(gguf, tokens.len())?;
        let (mut tokenizer, token_bytes) = match kind {
            "llama" => {
                let scores = float_array(gguf, "tokenizer.ggml.scores", tokens.len())?;
                let space_prefix = gguf.bool_opt("tokenizer.ggml.add_space_prefix")?.unwrap_or(true);
                sentencepiece(&tokens, &scores, &types, space_prefix)?
            }
            "gpt2" => {
                let merges = string_array(gguf, "tokenizer.ggml.merges")?;
                let pre = gguf.str_opt("tokenizer.ggml.pre")?.unwrap_or("default");
                byte_level_bpe(gguf, &tokens, &merges, pre)?
            }
            other => {
                return Err(gguf.error(format!(
                    "tokenizer kind `{other}` is not supported (plume reads \"llama\" SentencePiece and \"gpt2\" BPE vocabularies)"
                )))
            }
        };

        add_vocabulary_tokens(&mut tokenizer, &tokens, &types)?;

        let bos = gguf
            .u64_opt("tokenizer.ggml.bos_token_id")?
            .map(|v| v as u32);
        let default_add_bos = kind == "llama";
        let add_bos = gguf
            .bool_opt("tokenizer.ggml.add_bos_token")?
            .unwrap_or(default_add_bos)
            && bos.is_some();
        if let (true, Some(bos_id)) = (add_bos, bos) {
            let bos_text = tokens.get(bos_id as usize).ok_or_else(|| {
                gguf.error(format!("bos token id {bos_id} is outside the vocabulary"))
            })?;
            let template = TemplateProcessing::builder()
                .try_single(format!("{bos_text} $A"))
                .map_err(|e| Error::Tokenizer(e.to_string()))?
                .special_tokens(vec![(bos_text.clone(), bos_id)])
                .build()
                .map_err(|e| Error::Tokenizer(e.to_string()))?;
            tokenizer.with_post_processor(Some(template));
        }
        let end_of_generation = end_of_generation(gguf, &tokenizer, &types)?;

        Ok(GgufTokenizer {
            tokenizer: Mutex::new(tokenizer),
            token_bytes,
            kinds: types,
            bos,
            add_bos,
            end_of_generation,
        })
    }

    /// Token ids for `text`, with the BOS token when the model adds one. Control tokens written
    /// in the text are read as control tokens only when `parse_special` is set.
    pub fn encode(&self, text: &str, parse_special: bool) -> Result<Vec<u32>> {
        let mut tokenizer = self.tokenizer.lock().unwrap_or_else(|e| e.into_inner());
        tokenizer.set_encode_special_tokens(!parse_special);
        let encoding = tokenizer
            .encode(text, true)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Token ids for `text` without the BOS token (a continuation of earlier text).
    pub fn encode_continuation(&self, text: &str, parse_special: bool) -> Result<Vec<u32>> {
        let mut ids = self.encode(text, parse_special)?;
        if self.add_bos && ids.first() == self.bos.as_ref() {
            ids.remove(0);
        }
        Ok(ids)
    }

    /// The text of `ids`, control tokens left out, invalid UTF-8 replaced.
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .flat_map(|&id| self.bytes_of(id).iter().copied())
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The bytes token `id` adds to the text (empty for control tokens and unknown ids).
    pub fn bytes_of(&self, id: u32) -> &[u8] {
        self.token_bytes
            .get(id as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The underlying `tokenizers` object (plain-text mode is the default).
    pub fn with_inner<T>(&self, f: impl FnOnce(&Tokenizer) -> T) -> T {
        let tokenizer = self.tokenizer.lock().unwrap_or_else(|e| e.into_inner());
        f(&tokenizer)
    }

    /// The ids that end generation (`<eos>`, `<end_of_turn>`, …).
    pub fn end_of_generation(&self) -> &[u32] {
        &self.end_of_generation
    }

    /// The BOS token id, if the model has one.
    pub fn bos(&self) -> Option<u32> {
        self.bos
    }

    /// Number of tokens in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.kinds.len()
    }

    /// The kind of token `id`.
    pub fn kind(&self, id: u32) -> Option<TokenKind> {
        self.kinds.get(id as usize).copied()
    }

    /// The id of a token by its exact text (`<start_of_turn>`, …).
    pub fn token_id(&self, text: &str) -> Option<u32> {
        self.with_inner(|t| t.token_to_id(text))
    }
}

fn string_array(gguf: &GgufFile, key: &str) -> Result<Vec<String>> {
    gguf.array(key)?
        .iter()
        .map(|v| match v {
            candle_core::quantized::gguf_file::Value::String(s) => Ok(s.clone()),
            _ => Err(gguf.error(format!("`{key}` holds a value that is not a string"))),
        })
        .collect()
}

fn float_array(gguf: &GgufFile, key: &str, expected: usize) -> Result<Vec<f32>> {
    use candle_core::quantized::gguf_file::Value;
    let values = match gguf.array_opt(key)? {
        Some(v) => v,
        None => return Ok(vec![0.0; expected]),
    };
    if values.len() != expected {
        return Err(gguf.error(format!(
            "`{key}` has {} entries for {expected} tokens",
            values.len()
        )));
    }
    values
        .iter()
        .map(|v| match v {
            Value::F32(x) => Ok(*x),
            Value::F64(x) => Ok(*x as f32),
            _ => Err(gguf.error(format!("`{key}` holds a value that is not a float"))),
        })
        .collect()
}

fn tok_err(e: impl std::fmt::Display) -> Error {
    Error::Tokenizer(e.to_string())
}

/// The byte a `<0xAB>` piece stands for.
fn byte_piece(piece: &str) -> Option<u8> {
    let hex = piece.strip_prefix("<0x")?.strip_suffix('>')?;
    if hex.len() != 2 {
        return None;
    }
    u8::from_str_radix(hex, 16).ok()
}

/// SentencePiece as BPE: merges ranked by the score of the piece they make.
fn sentencepiece(
    tokens: &[String],
    scores: &[f32],
    types: &[TokenKind],
    space_prefix: bool,
) -> Result<(Tokenizer, Vec<Vec<u8>>)> {
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();

    // Every way of writing a mergeable piece as two pieces of the vocabulary.
    let mut merges: Vec<(f32, u32, usize)> = Vec::new();
    for (id, piece) in tokens.iter().enumerate() {
        if !matches!(types[id], TokenKind::Normal | TokenKind::UserDefined)
            || piece.chars().nth(1).is_none()
        {
            continue;
        }
        for (split, _) in piece.char_indices().skip(1) {
            if vocab.contains_key(&piece[..split]) && vocab.contains_key(&piece[split..]) {
                merges.push((scores[id], id as u32, split));
            }
        }
    }
    // Highest score first; ties keep the vocabulary order.
    merges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let merges: Vec<(String, String)> = merges
        .into_iter()
        .map(|(_, id, split)| {
            let piece = &tokens[id as usize];
            (piece[..split].to_string(), piece[split..].to_string())
        })
        .collect();

    let unk = tokens
        .iter()
        .zip(types)
        .find(|(_, k)| **k == TokenKind::Unknown)
        .map(|(t, _)| t.clone());
    let mut builder = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .byte_fallback(true)
        .fuse_unk(true);
    if let Some(unk) = unk {
        builder = builder.unk_token(unk);
    }
    let bpe = builder.build().map_err(tok_err)?;

    let mut tokenizer = Tokenizer::new(bpe);
    let mut normalizers: Vec<NormalizerWrapper> = Vec::new();
    if space_prefix {
        normalizers.push(Prepend::new(SPM_SPACE.to_string()).into());
    }
    normalizers.push(
        Replace::new(" ", SPM_SPACE.to_string())
            .map_err(tok_err)?
            .into(),
    );
    tokenizer
        .with_normalizer(Some(NormalizerSequence::new(normalizers)))
        .map_err(tok_err)?;
    let decoders: Vec<DecoderWrapper> = vec![
        tokenizers::decoders::DecoderWrapper::Replace(
            tokenizers::normalizers::Replace::new(SPM_SPACE.to_string(), " ").map_err(tok_err)?,
        ),
        ByteFallback::new().into(),
        Fuse::new().into(),
    ];
    tokenizer.with_decoder(Some(DecoderSequence::new(decoders)));

    let token_bytes = tokens
        .iter()
        .zip(types)
        .map(|(piece, kind)| match kind {
            TokenKind::Byte => byte_piece(piece).map(|b| vec![b]).unwrap_or_default(),
            TokenKind::Control | TokenKind::Unknown | TokenKind::Unused => Vec::new(),
            _ => piece.replace(SPM_SPACE, " ").into_bytes(),
        })
        .collect();
    Ok((tokenizer, token_bytes))
}

/// Byte-level BPE with explicit merges (GPT-2 style), pre-tokenized by the named regex.
fn byte_level_bpe(
    gguf: &GgufFile,
    tokens: &[String],
    merges: &[String],
    pre: &str,
) -> Result<(Tokenizer, Vec<Vec<u8>>)> {
    let pattern = match pre {
        "llama-bpe" | "llama3" | "smaug-bpe" => LLAMA3_PATTERN,
        "qwen2" | "qwen3" | "deepseek-r1-qwen" => QWEN2_PATTERN,
        other => {
            return Err(gguf.error(format!(
                "byte-level BPE pre-tokenizer `{other}` is not supported (plume knows llama-bpe and qwen2)"
            )))
        }
    };
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let merges: Vec<(String, String)> = merges
        .iter()
        .map(|m| {
            m.split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| {
                    gguf.error(format!(
                        "merge `{m}` is not two pieces separated by a space"
                    ))
                })
        })
        .collect::<Result<_>>()?;
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(tok_err)?;
    let mut tokenizer = Tokenizer::new(bpe);
    let split = Split::new(
        SplitPattern::Regex(pattern.to_string()),
        SplitDelimiterBehavior::Isolated,
        false,
    )
    .map_err(tok_err)?;
    let pre_tokenizers: Vec<PreTokenizerWrapper> =
        vec![split.into(), ByteLevel::new(false, false, false).into()];
    tokenizer.with_pre_tokenizer(Some(PreSequence::new(pre_tokenizers)));
    tokenizer.with_decoder(Some(ByteLevel::new(false, false, false)));

    let unicode_to_byte: HashMap<char, u8> = byte_level_alphabet()
        .into_iter()
        .map(|(b, c)| (c, b))
        .collect();
    let token_bytes = tokens
        .iter()
        .map(|piece| {
            piece
                .chars()
                .map(|c| unicode_to_byte.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .unwrap_or_default()
        })
        .collect();
    Ok((tokenizer, token_bytes))
}

/// GPT-2's reversible map from bytes to printable characters.
fn byte_level_alphabet() -> Vec<(u8, char)> {
    let printable = |b: u8| {
        (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || (0xAE..=0xFF).contains(&b)
    };
    let mut next = 256u32;
    (0..=255u8)
        .map(|b| {
            if printable(b) {
                (b, b as char)
            } else {
                let c = char::from_u32(next).unwrap_or('?');
                next += 1;
                (b, c)
            }
        })
        .collect()
}
