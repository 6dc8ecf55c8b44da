//! Attention over a KV cache in f32: scores, a softmax whose sum is taken in double precision,
//! and the weighted sum of values. Each (query, head) pair is independent and runs in parallel.
//!
//! The cache keeps, per layer, the keys and values of positions `start..start + len`, laid out
//! `[position][kv head][dim]`, so appending a position is a push and the sliding window drops
//! from the front.

use rayon::prelude::*;

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
///
/// Every (query, head) pair is computed with the same arithmetic whatever the number of
/// queries, so a prompt gives the same bits in one pass, in chunks or token by token. For one
/// query the heads run in parallel; for many, the (query, key-value head) groups do, each
/// reading a key or value row once for all the query heads that share it.
pub fn attend(
    q: &[f32],
    cache: &KvCache,
    offset: usize,
    heads: usize,
    head_dim: usize,
    window: Option<usize>,
) -> Vec<f32> {
    let kv_heads = cache.stride / head_dim;
    let rep = heads / kv_heads;
    let t = q.len() / (heads * head_dim);
    let mut out = vec![0f32; q.len()];
    // The query heads of one (query, kv head) group are contiguous in `q` and `out`.
    let group_len = if t == 1 { head_dim } else { rep * head_dim };
    out.par_chunks_mut(group_len)
        .zip(q.par_chunks(group_len))
        .enumerate()
        .for_each(|(group, (out, q))| {
            let first_head = group * group_len / head_dim;
            let (i, h) = (first_head / heads, first_head % heads);
            let pos = offset + i;
            let first = match window {
                Some(w) => (pos + 1).saturating_sub(w).max(cache.start),
                None => cache.start,
            };
            let last = pos.min(cache.end() - 1);
            let g = h / rep;
            let at = |p: usize| (p - cache.start) * cache.stride + g * head_dim;
            let keys = (first..=last).map(|p| &cache.k[at(p)..at(p) + head_dim]);
            let values = (first..=last).map(|p| &cache.v[at(p)..at(p) + head_dim]);
            group_attention(q, keys, values, head_dim, out);
        });
    out
}

/// The attention of the query heads `q` (`n × dim`, sharing one kv head) over `keys` and
/// `values`, added into `out` (`n × dim`, zeroed).
fn group_attention<'a>(
    q: &[f32],
    keys: impl Iterator<Item = &'a [f32]>,
    values: impl Iterator<Item = &'a [f32]>,
    dim: usize,
    out: &mut [f32],
) {
    let n = q.len() / dim;
    // scores[p * n + h]: query head h against key p.
    let mut scores: Vec<f32> = Vec::new();
    let mut dots = vec![0f32; n];
    for key in keys {
        dot_many(q, key, &mut dots);
        scores.extend_from_slice(&dots);
    }
    let count = scores.len() / n;
    for h in 0..n {
        let max = (0..count)
            .map(|p| scores[p * n + h])
            .fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0f64;
        for p in 0..count {
            let w = (scores[p * n + h] - max).exp();
            scores[p * n + h] = w;
            sum += w as f64;
        }
        let inv = (1.0 / sum) as f32;
        for p in 0..count {
            scores[p * n + h] *= inv;
        }
    }
    for (p, value) in values.enumerate() {
        axpy_many(&scores[p * n..(p + 1) * n], value, out);
    }
}

/// `dots[h] = q[h] · key` for each row of `q`, each with the arithmetic of [`dot_portable`].
#[inline]
fn dot_many(q: &[f32], key: &[f32], dots: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        // SAFETY: the features are checked.
        return unsafe { dot_many_fma(q, key, dots) };
    }
    dot_many_portable(q, key, dots)
}

/// `out[h] += w[h] · value` for each row of `out`.
#[inline]
fn axpy_many(w: &[f32], value: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        // SAFETY: the features are checked.
        return unsafe { axpy_many_fma(w, value, out) };
    }
    axpy_many_portable(w, value, out)
}

#[cfg(target_arch = "x86_64")]
fn fma_available() -> bool {
    static FMA: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FMA.get_or_init(|| is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_many_fma(q: &[f32], key: &[f32], dots: &mut [f32]) {
    dot_many_portable(q, key, dots)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn axpy_many_fma(w: &[f32], value: &[f32], out: &mut [f32]) {
    axpy_many_portable(w, value, out)
}

#[inline(always)]
fn dot_many_portable(q: &[f32], key: &[f32], dots: &mut [f32]) {
    let dim = key.len();
    // Up to four heads share each load of the key; the arithmetic per head is `dot_portable`.
    for (qs, dots) in q.chunks(4 * dim).zip(dots.chunks_mut(4)) {
        let n = dots.len();
        let mut sums = [[0f32; 8]; 4];
        let chunks = dim / 8 * 8;
        for c in (0..chunks).step_by(8) {
            let k = &key[c..c + 8];
            for (h, sums) in sums.iter_mut().enumerate().take(n) {
                let qh = &qs[h * dim + c..h * dim + c + 8];
                for l in 0..8 {
                    sums[l] = qh[l].mul_add(k[l], sums[l]);
                }
            }
        }
        for (h, dot) in dots.iter_mut().enumerate() {
            let tail: f32 = qs[h * dim + chunks..(h + 1) * dim]
                .iter()
                .zip(&key[chunks..])
                .map(|(x, y)| x * y)
                .sum();
            *dot = sums[h].iter().sum::<f32>() + tail;
        }
    }
}

#[inline(always)]
fn axpy_many_portable(w: &[f32], value: &[f32], out: &mut [f32]) {
    let dim = value.len();
    for (&w, out) in w.iter().zip(out.chunks_exact_mut(dim)) {
        for (o, &v) in out.iter_mut().zip(value) {
            *o += w * v;
        }
    }
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
        let out = attend(&q, &cache, 0, 1, d, Some(4));
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
        let out = attend(&q, &cache, 2, 2, d, None);
        assert_eq!(
            out[..d],
            out[d..],
            "two query heads with the same query give the same output"
        );
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
