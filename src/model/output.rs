//! The output projection (hidden state → logits), optionally restricted to a subset of the
//! vocabulary.
//!
//! With tied embeddings the projection has one row per token: 262,144 rows for Gemma 3, more
//! work per generated token than all the transformer blocks. Computing only the rows of tokens a
//! text can use (for a French article: Latin script, digits, punctuation, bytes and control
//! tokens) is the same as masking the others to −∞, so greedy output is unchanged whenever the
//! full model's choice is in the set. The selected rows are read in place: the restriction
//! costs no memory.

use std::sync::Arc;

use candle_core::quantized::QTensor;
use candle_core::{Device, Tensor};

use super::matmul::QuantMatrix;
use crate::error::{Error, Result};

/// The output projection and, when restricted, the token ids it computes.
pub struct OutputHead {
    matrix: QuantMatrix,
    rows: Option<Vec<u32>>,
    vocab: usize,
}

impl OutputHead {
    /// The full projection over every token (shares the tensor, e.g. with the embeddings).
    pub fn new(weights: Arc<QTensor>) -> Result<Self> {
        let vocab = weights.shape().dims2()?.0;
        Ok(OutputHead {
            matrix: QuantMatrix::shared(weights)?,
            rows: None,
            vocab,
        })
    }

    /// Computes only the rows of `ids` from now on (`None`: all rows again).
    pub fn restrict(&mut self, ids: Option<Vec<u32>>) -> Result<()> {
        let Some(mut ids) = ids else {
            self.rows = None;
            return Ok(());
        };
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.last().is_some_and(|&id| id as usize >= self.vocab) {
            return Err(Error::Invalid(
                "vocabulary restriction names tokens outside the vocabulary".into(),
            ));
        }
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
        let Some(rows) = &self.rows else {
            return self.matrix.forward(x);
        };
        let xs: Vec<Vec<f32>> = x.to_vec2()?;
        let mut full = vec![f32::NEG_INFINITY; xs.len() * self.vocab];
        for (r, row) in xs.iter().enumerate() {
            let base = r * self.vocab;
            let partial = match self.matrix.rows(rows, row)? {
                Some(p) => p,
                // A block type we do not run ourselves: compute every row, keep the chosen.
                None => {
                    let all: Vec<f32> = self
                        .matrix
                        .forward(&Tensor::new(row.as_slice(), &Device::Cpu)?.unsqueeze(0)?)?
                        .flatten_all()?
                        .to_vec1()?;
                    rows.iter().map(|&id| all[id as usize]).collect()
                }
            };
            for (&id, &v) in rows.iter().zip(&partial) {
                full[base + id as usize] = v;
            }
        }
        Ok(Tensor::from_vec(full, (xs.len(), self.vocab), &Device::Cpu)?.to_device(x.device())?)
    }
}
