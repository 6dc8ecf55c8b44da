//! Attention over a KV cache in f32: scores, a softmax whose sum is taken in double precision,
//! and the weighted sum of values. Each (query, head) pair is independent and runs in parallel.
//!
//! The cache keeps, per layer, the keys and values of positions `start..start + len`, laid out
//! `[position][kv head][dim]`, so appending a position is a push and the sliding window drops
//! from the front.

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use crate::error::Result;

/// Keys and values seen so far by one layer.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    k: Vec<f32>,
    v: Vec<f32>,
    /// Absolute position of the first cached entry.
    start: usize,
    /// Number of cached positions.
    len: usize,
    /// Floats per position (kv heads × head dim).
    stride: usize,
}

impl KvCache {
    pub fn new(kv_heads: usize, head_dim: usize) -> Self {
        KvCache {
            stride: kv_heads * head_dim,
            ..Default::default()
        }
    }

    /// Absolute position of the first cached entry.
    pub fn start(&self) -> usize {
        self.start
    }

    /// One past the last cached position.
    pub fn end(&self) -> usize {
        self.start + self.len
    }

    /// Appends the keys and values of positions `end()..`; `k` and `v` hold whole positions.
    pub fn append(&mut self, k: &[f32], v: &[f32]) {
        debug_assert_eq!(k.len(), v.len());
        debug_assert_eq!(k.len() % self.stride, 0);
        self.k.extend_from_slice(k);
        self.v.extend_from_slice(v);
        self.len += k.len() / self.stride;
    }

    /// Drops the oldest positions so that at most `keep` remain.
    pub fn keep_last(&mut self, keep: usize) {
        if self.len > keep {
            let drop = self.len - keep;
            self.k.drain(..drop * self.stride);
            self.v.drain(..drop * self.stride);
            self.start += drop;
            self.len = keep;
        }
    }

    /// Forgets the positions from `end` on. The caller checks `end >= start()`.
    pub fn truncate(&mut self, end: usize) {
        let len = end.saturating_sub(self.start).min(self.len);
        self.k.truncate(len * self.stride);
        self.v.truncate(len * self.stride);
        self.len = len;
        if len == 0 {
            self.start = end;
        }
    }

    /// Empties the cache; the next position appended is `start`.
    pub fn reset(&mut self, start: usize) {
        self.k.clear();
        self.v.clear();
        self.len = 0;
        self.start = start;
    }
}

/// Attention of `t` queries at positions `offset..offset + t` over `cache` (which already holds
/// their own keys). `q` is `[t][heads][dim]`, already scaled; the result has the same layout.
/// With `window`, a query at position p sees keys p − window + 1 ..= p, else all keys ≤ p.
/// Many queries (prompt processing) go through matrix multiplies; a few (generation) through
/// a direct loop.
pub fn attend(
    q: &[f32],
    cache: &KvCache,
    offset: usize,
    heads: usize,
    head_dim: usize,
    window: Option<usize>,
) -> Result<Vec<f32>> {
    let t = q.len() / (heads * head_dim);
    if t >= 8 {
        attend_batched(q, cache, offset, heads, head_dim, window)
    } else {
        Ok(attend_direct(q, cache, offset, heads, head_dim, window))
    }
}

/// The batched form: scores and weighted values as matrix multiplies, a mask for causality
/// and the window.
fn attend_batched(
    q: &[f32],
    cache: &KvCache,
    offset: usize,
    heads: usize,
    d: usize,
    window: Option<usize>,
) -> Result<Vec<f32>> {
    let dev = &Device::Cpu;
    let t = q.len() / (heads * d);
    let kv = cache.stride / d;
    let rep = heads / kv;
    let total = cache.len;
    let q = Tensor::from_slice(q, (t, heads, d), dev)?
        .transpose(0, 1)?
        .contiguous()?
        .reshape((kv, rep * t, d))?;
    let k = Tensor::from_slice(&cache.k, (total, kv, d), dev)?
        .transpose(0, 1)?
        .contiguous()?;
    let v = Tensor::from_slice(&cache.v, (total, kv, d), dev)?
        .transpose(0, 1)?
        .contiguous()?;
    let scores = q.matmul(&k.t()?)?.reshape((kv, rep, t, total))?;
    let mut mask = Vec::with_capacity(t * total);
    for i in 0..t {
        let pos = offset + i;
        for j in 0..total {
            let key = cache.start + j;
            let visible = key <= pos && window.is_none_or(|w| pos - key < w);
            mask.push(if visible { 0f32 } else { f32::NEG_INFINITY });
        }
    }
    let mask = Tensor::from_vec(mask, (t, total), dev)?;
    let probs = candle_nn::ops::softmax_last_dim(&scores.broadcast_add(&mask)?)?.reshape((
        kv,
        rep * t,
        total,
    ))?;
    let out = probs
        .matmul(&v)?
        .reshape((heads, t, d))?
        .transpose(0, 1)?
        .contiguous()?;
    Ok(out.flatten_all()?.to_vec1()?)
}

/// The direct form, one (query, head) pair at a time.
fn attend_direct(
    q: &[f32],
    cache: &KvCache,
    offset: usize,
    heads: usize,
    head_dim: usize,
    window: Option<usize>,
) -> Vec<f32> {
    let kv_heads = cache.stride / head_dim;
    let rep = heads / kv_heads;
    let mut out = vec![0f32; q.len()];
    out.par_chunks_mut(head_dim)
        .enumerate()
        .for_each(|(row, out)| {
            let (i, h) = (row / heads, row % heads);
            let pos = offset + i;
            let g = h / rep;
            let first = match window {
                Some(w) => (pos + 1).saturating_sub(w).max(cache.start),
                None => cache.start,
            };
            let last = pos.min(cache.end() - 1);
            let qh = &q[row * head_dim..(row + 1) * head_dim];
            let at = |p: usize| (p - cache.start) * cache.stride + g * head_dim;
            let mut weights: Vec<f32> = (first..=last)
                .map(|p| dot(qh, &cache.k[at(p)..at(p) + head_dim]))
                .collect();
            let max = weights.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0f64;
            for w in weights.iter_mut() {
                *w = (*w - max).exp();
                sum += *w as f64;
            }
            let inv = (1.0 / sum) as f32;
            for (p, w) in (first..=last).zip(&weights) {
                let w = w * inv;
                for (o, &v) in out.iter_mut().zip(&cache.v[at(p)..at(p) + head_dim]) {
                    *o += w * v;
                }
            }
        });
    out
}

/// Dot product in f32 with eight partial sums (vectorises well).
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sums = [0f32; 8];
    let chunks = a.len() / 8 * 8;
    for (ca, cb) in a[..chunks].chunks_exact(8).zip(b[..chunks].chunks_exact(8)) {
        for l in 0..8 {
            sums[l] += ca[l] * cb[l];
        }
    }
    let tail: f32 = a[chunks..]
        .iter()
        .zip(&b[chunks..])
        .map(|(x, y)| x * y)
        .sum();
    sums.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain softmax attention in f64 for comparison.
    fn reference(
        q: &[f32],
        k: &[f32],
        v: &[f32],
        d: usize,
        visible: std::ops::RangeInclusive<usize>,
    ) -> Vec<f64> {
        let scores: Vec<f64> = visible
            .clone()
            .map(|p| (0..d).map(|j| q[j] as f64 * k[p * d + j] as f64).sum())
            .collect();
        let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let w: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
        let total: f64 = w.iter().sum();
        (0..d)
            .map(|j| {
                visible
                    .clone()
                    .zip(&w)
                    .map(|(p, w)| w * v[p * d + j] as f64)
                    .sum::<f64>()
                    / total
            })
            .collect()
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| (((i as u32 * 2654435761u32) ^ seed) % 1000) as f32 / 500.0 - 1.0)
            .collect()
    }

    #[test]
    fn matches_softmax_attention_with_causal_window() {
        let d = 16;
        let n = 10;
        let k = values(n * d, 1);
        let v = values(n * d, 2);
        let q = values(n * d, 3);
        let mut cache = KvCache::new(1, d);
        cache.append(&k, &v);
        let out = attend(&q, &cache, 0, 1, d, Some(4)).unwrap();
        for i in 0..n {
            let visible = i.saturating_sub(3)..=i;
            let want = reference(&q[i * d..(i + 1) * d], &k, &v, d, visible);
            for j in 0..d {
                assert!(
                    (out[i * d + j] as f64 - want[j]).abs() < 1e-5,
                    "query {i} dim {j}"
                );
            }
        }
    }

    #[test]
    fn grouped_heads_share_their_kv_head() {
        let d = 8;
        let mut cache = KvCache::new(1, d);
        cache.append(&values(3 * d, 4), &values(3 * d, 5));
        let q1 = values(d, 6);
        let q = [q1.clone(), q1].concat();
        let out = attend(&q, &cache, 2, 2, d, None).unwrap();
        assert_eq!(
            out[..d],
            out[d..],
            "two query heads with the same query give the same output"
        );
    }

    #[test]
    fn batched_and_direct_forms_agree() {
        let d = 8;
        let n = 12;
        let mut cache = KvCache::new(2, d);
        cache.append(&values(n * 2 * d, 7), &values(n * 2 * d, 8));
        let q = values(n * 4 * d, 9);
        for window in [None, Some(5)] {
            let a = attend_batched(&q, &cache, 0, 4, d, window).unwrap();
            let b = attend_direct(&q, &cache, 0, 4, d, window);
            for (x, y) in a.iter().zip(&b) {
                assert!((x - y).abs() < 1e-5, "{x} vs {y}");
            }
        }
    }

    #[test]
    fn keep_last_and_truncate_track_positions() {
        let mut cache = KvCache::new(1, 2);
        cache.append(&[1.0; 10], &[1.0; 10]);
        assert_eq!((cache.start(), cache.end()), (0, 5));
        cache.keep_last(3);
        assert_eq!((cache.start(), cache.end()), (2, 5));
        cache.truncate(4);
        assert_eq!((cache.start(), cache.end()), (2, 4));
        cache.truncate(2);
        assert_eq!((cache.start(), cache.end()), (2, 2));
    }
}
