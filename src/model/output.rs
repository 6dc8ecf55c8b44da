//! The output projection (hidden state → logits), optionally restricted to a subset of the
//! vocabulary.
//!
//! With tied embeddings the projection has one row per token: 262,144 rows for Gemma 3, more
//! work per generated token than all the transformer blocks. Computing only the rows of tokens a
//! text can use (for a French article: Latin script, digits, punctuation, bytes and control
//! tokens) is the same as masking the others to −∞, so greedy output is unchanged whenever the
//! full model's choice is in the set. The rows are copied once at load time, losslessly.

use std::borrow::Cow;
use std::sync::Arc;

use candle_core::quantized::{QMatMul, QStorage, QTensor};
use candle_core::{Device, Module, Tensor};

use crate::error::{Error, Result};

/// The output projection and, when restricted, the token id of each of its rows.
pub struct OutputHead {
    full: Arc<QTensor>,
    matmul: QMatMul,
    rows: Option<Vec<u32>>,
    vocab: usize,
}

impl OutputHead {
    /// The full projection over every token.
    pub fn new(weights: Arc<QTensor>) -> Result<Self> {
        let vocab = weights.shape().dims2()?.0;
        Ok(OutputHead {
            matmul: QMatMul::from_arc(weights.clone())?,
            full: weights,
            rows: None,
            vocab,
        })
    }

    /// Computes only the rows of `ids` from now on (`None`: all rows again).
    pub fn restrict(&mut self, ids: Option<Vec<u32>>) -> Result<()> {
        let Some(mut ids) = ids else {
            self.matmul = QMatMul::from_arc(self.full.clone())?;
            self.rows = None;
            return Ok(());
        };
        ids.sort_unstable();
        ids.dedup();
        if ids.last().is_some_and(|&id| id as usize >= self.vocab) || ids.is_empty() {
            return Err(Error::Invalid(
                "vocabulary restriction names tokens outside the vocabulary".into(),
            ));
        }
        let (_, hidden) = self.full.shape().dims2()?;
        let dtype = self.full.dtype();
        let row_bytes = hidden / dtype.block_size() * dtype.type_size();
        let data = self.full.data()?;
        let mut subset = Vec::with_capacity(ids.len() * row_bytes);
        for &id in &ids {
            let start = id as usize * row_bytes;
            subset.extend_from_slice(&data[start..start + row_bytes]);
        }
        let device = self.full.device();
        let storage = QStorage::from_data(Cow::Owned(subset), &device, dtype)?;
        let tensor = QTensor::new(storage, (ids.len(), hidden))?;
        self.matmul = QMatMul::from_qtensor(tensor)?;
        self.rows = Some(ids);
        Ok(())
    }

    /// Whether the projection is restricted.
    pub fn is_restricted(&self) -> bool {
        self.rows.is_some()
    }

    /// Logits for hidden states `x` of shape `(n, hidden)`: `(n, vocab)`, with −∞ for the tokens
    /// left out by a restriction.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let logits = self.matmul.forward(x)?;
        let Some(rows) = &self.rows else {
            return Ok(logits);
        };
        let n = logits.dim(0)?;
        let partial: Vec<Vec<f32>> = logits.to_vec2()?;
        let mut full = vec![f32::NEG_INFINITY; n * self.vocab];
        for (r, row) in partial.iter().enumerate() {
            let base = r * self.vocab;
            for (&id, &v) in rows.iter().zip(row) {
                full[base + id as usize] = v;
            }
        }
        Ok(Tensor::from_vec(full, (n, self.vocab), &Device::Cpu)?.to_device(x.device())?)
    }
}
