//! Attention over a KV cache: scores, a softmax whose sum is taken in double precision, and the
//! weighted sum of values, in f32. Each (query, head) pair is independent and runs in parallel.
//!
//! The cache keeps, per layer, the keys and values of positions `start..start + len` in f16, as
//! llama.cpp's cache does (half the memory and half the bytes a decoding step reads; our logits
//! also follow the reference's more closely than with f32 keys and values), laid out
//! `[position][kv head][dim]`, so appending a position is a push and the sliding window drops
//! from the front.

use half::f16;
use half::slice::HalfFloatSliceExt;
use rayon::prelude::*;

/// Keys and values seen so far by one layer.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    k: Vec<f16>,
    v: Vec<f16>,
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

    /// Appends the keys and values of positions `end()..` (rounded to f16); `k` and `v` hold
    /// whole positions.
    pub fn append(&mut self, k: &[f32], v: &[f32]) {
        debug_assert_eq!(k.len(), v.len());
        debug_assert_eq!(k.len() % self.stride, 0);
        for (cache, new) in [(&mut self.k, k), (&mut self.v, v)] {
            let at = cache.len();
            cache.resize(at + new.len(), f16::ZERO);
            cache[at..].convert_from_f32_slice(new);
        }
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
/// queries, so a prompt gives the same bits in one pass, in chunks or token by token. For many
/// queries the (query, key-value head) groups run in parallel, each reading a key or value row
/// once for all the query heads that share it; for one, each group is split between the
/// threads (two heads per task for Gemma 3 270M on two threads).
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
    // The query heads of one (query, kv head) group are contiguous in `q` and `out`. One query
    // (decoding) splits its groups so every thread has work, each task reading the keys and
    // values once for its heads.
    let per_task = if t == 1 {
        let share = (rep / rayon::current_num_threads()).max(1);
        (1..=share)
            .rev()
            .find(|d| rep.is_multiple_of(*d))
            .unwrap_or(1)
    } else {
        rep
    };
    let group_len = per_task * head_dim;
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
            let keys: Vec<&[f16]> = (first..=last)
                .map(|p| &cache.k[at(p)..at(p) + head_dim])
                .collect();
            let values: Vec<&[f16]> = (first..=last)
                .map(|p| &cache.v[at(p)..at(p) + head_dim])
                .collect();
            group_attention(q, &keys, &values, head_dim, out);
        });
    out
}

/// The attention of the query heads `q` (`n × dim`, sharing one kv head) over `keys` and
/// `values`, added into `out` (`n × dim`, zeroed). The CPU is asked once which build to run.
fn group_attention(q: &[f32], keys: &[&[f16]], values: &[&[f16]], dim: usize, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        // SAFETY: the features are checked.
        return unsafe { group_attention_fma(q, keys, values, dim, out) };
    }
    group_attention_body(q, keys, values, dim, out, false)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn group_attention_fma(
    q: &[f32],
    keys: &[&[f16]],
    values: &[&[f16]],
    dim: usize,
    out: &mut [f32],
) {
    group_attention_body(q, keys, values, dim, out, true)
}

/// The body of [`group_attention`]; `fma` says the CPU has AVX2, FMA and F16C, for the blocked
/// kernels (the same bits as the row-by-row loops).
#[inline(always)]
fn group_attention_body(
    q: &[f32],
    keys: &[&[f16]],
    values: &[&[f16]],
    dim: usize,
    out: &mut [f32],
    fma: bool,
) {
    let n = q.len() / dim;
    // One, two or four query heads per call (decoding splits a group of four between threads).
    let blocked = cfg!(target_arch = "x86_64") && fma && matches!(n, 1 | 2 | 4);
    // scores[p * n + h]: query head h against key p.
    let mut scores = vec![0f32; keys.len() * n];
    #[allow(unused_mut)] // advanced by the x86 loop only
    let mut p = 0;
    #[cfg(not(target_arch = "x86_64"))]
    let _ = blocked;
    #[cfg(target_arch = "x86_64")]
    if blocked {
        // Four keys × the heads at a time, in registers.
        while p + 4 <= keys.len() {
            let block = [keys[p], keys[p + 1], keys[p + 2], keys[p + 3]];
            let out = &mut scores[p * n..(p + 4) * n];
            // SAFETY: `fma` says the features are there; every row has `dim` values.
            unsafe {
                match n {
                    1 => x86::dot_keys4::<1>(q, block, dim, out),
                    2 => x86::dot_keys4::<2>(q, block, dim, out),
                    _ => x86::dot_keys4::<4>(q, block, dim, out),
                }
            }
            p += 4;
        }
    }
    // The other rows one at a time, widened to f32 first (in vector instructions where the
    // CPU has them): the same values as the blocked kernels read.
    let mut row = vec![0f32; dim];
    for (key, dots) in keys[p..].iter().zip(scores[p * n..].chunks_exact_mut(n)) {
        key.convert_to_f32_slice(&mut row);
        dot_many(q, &row, dots);
    }
    let count = keys.len();
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
    #[cfg(target_arch = "x86_64")]
    if blocked {
        // SAFETY: as above.
        unsafe {
            match n {
                1 => x86::weighted_sum::<1>(&scores, values, out),
                2 => x86::weighted_sum::<2>(&scores, values, out),
                _ => x86::weighted_sum::<4>(&scores, values, out),
            }
        }
        return;
    }
    for (p, value) in values.iter().enumerate() {
        value.convert_to_f32_slice(&mut row);
        axpy_many(&scores[p * n..(p + 1) * n], &row, out);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use half::f16;
    use std::arch::x86_64::*;

    /// Eight f16 values at `p`, as f32.
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn load8(p: *const f16) -> __m256 {
        _mm256_cvtph_ps(_mm_loadu_si128(p as *const __m128i))
    }

    /// `out[p * N + h] = q[h] · keys[p]` for `N` heads and four keys, each with the arithmetic
    /// of `dot_many` (eight fused lanes in order, summed in lane order, then the tail).
    // Indices address register arrays in lockstep: clearer than zipped iterators.
    #[allow(clippy::needless_range_loop)]
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn dot_keys4<const N: usize>(
        q: &[f32],
        keys: [&[f16]; 4],
        dim: usize,
        out: &mut [f32],
    ) {
        assert!(q.len() == N * dim && out.len() == 4 * N && keys.iter().all(|k| k.len() == dim));
        let chunks = dim / 8 * 8;
        let mut acc = [[_mm256_setzero_ps(); N]; 4];
        let mut c = 0;
        while c < chunks {
            let mut qv = [_mm256_setzero_ps(); N];
            for h in 0..N {
                qv[h] = _mm256_loadu_ps(q.as_ptr().add(h * dim + c));
            }
            for (acc, key) in acc.iter_mut().zip(keys) {
                let kv = load8(key.as_ptr().add(c));
                for h in 0..N {
                    acc[h] = _mm256_fmadd_ps(qv[h], kv, acc[h]);
                }
            }
            c += 8;
        }
        for (p, (acc, key)) in acc.iter().zip(keys).enumerate() {
            for (h, acc) in acc.iter().enumerate() {
                let mut lanes = [0f32; 8];
                _mm256_storeu_ps(lanes.as_mut_ptr(), *acc);
                let tail: f32 = q[h * dim + chunks..(h + 1) * dim]
                    .iter()
                    .zip(&key[chunks..])
                    .map(|(x, y)| x * y.to_f32())
                    .sum();
                out[p * N + h] = lanes.iter().sum::<f32>() + tail;
            }
        }
    }

    /// `out[h] += Σₚ w[p * N + h] · values[p]` for `N` heads, adding the keys in order (a
    /// product, then a sum, as `axpy_many`), the output chunk held in registers.
    #[allow(clippy::needless_range_loop)]
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn weighted_sum<const N: usize>(w: &[f32], values: &[&[f16]], out: &mut [f32]) {
        let dim = out.len() / N;
        assert!(w.len() == N * values.len() && values.iter().all(|v| v.len() == dim));
        let chunks = dim / 8 * 8;
        let mut c = 0;
        while c < chunks {
            let mut acc = [_mm256_setzero_ps(); N];
            for h in 0..N {
                acc[h] = _mm256_loadu_ps(out.as_ptr().add(h * dim + c));
            }
            for (p, value) in values.iter().enumerate() {
                let v = load8(value.as_ptr().add(c));
                for h in 0..N {
                    let wh = _mm256_set1_ps(*w.get_unchecked(p * N + h));
                    acc[h] = _mm256_add_ps(acc[h], _mm256_mul_ps(wh, v));
                }
            }
            for h in 0..N {
                _mm256_storeu_ps(out.as_mut_ptr().add(h * dim + c), acc[h]);
            }
            c += 8;
        }
        for (p, value) in values.iter().enumerate() {
            for h in 0..N {
                let wh = w[p * N + h];
                for (o, &v) in out[h * dim + chunks..(h + 1) * dim]
                    .iter_mut()
                    .zip(&value[chunks..])
                {
                    *o += wh * v.to_f32();
                }
            }
        }
    }
}

/// Whether the CPU has AVX2, FMA and F16C (asked of `kernels`, whatever `PLUME_SIMD` says).
#[cfg(target_arch = "x86_64")]
fn fma_available() -> bool {
    super::kernels::KernelSet::Avx2.supported()
}

/// `dots[h] = q[h] · key` for each row of `q`: per head, eight lanes of fused products in
/// order, summed in lane order, then the tail.
#[inline(always)]
fn dot_many(q: &[f32], key: &[f32], dots: &mut [f32]) {
    let dim = key.len();
    // Up to four heads share each load of the key; the arithmetic per head is the one above.
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

/// `out[h] += w[h] · value` for each row of `out` (a product, then a sum).
#[inline(always)]
fn axpy_many(w: &[f32], value: &[f32], out: &mut [f32]) {
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
        // The cache holds them in f16.
        let stored =
            |x: &[f32]| -> Vec<f32> { x.iter().map(|&x| f16::from_f32(x).to_f32()).collect() };
        let (k, v) = (stored(&k), stored(&v));
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
    fn many_queries_give_the_bits_of_one_at_a_time() {
        // Four query heads per kv head (the blocked path) and dims with a tail.
        for (heads, kv_heads, d) in [(4, 1, 40), (8, 2, 16), (2, 1, 12)] {
            let t = 11;
            let stride = kv_heads * d;
            let mut cache = KvCache::new(kv_heads, d);
            cache.append(&values(t * stride, 7), &values(t * stride, 8));
            let q = values(t * heads * d, 9);
            for window in [None, Some(5)] {
                let all = attend(&q, &cache, 0, heads, d, window);
                for i in 0..t {
                    let mut prefix = KvCache::new(kv_heads, d);
                    prefix.append(
                        &values(t * stride, 7)[..(i + 1) * stride],
                        &values(t * stride, 8)[..(i + 1) * stride],
                    );
                    let row = &q[i * heads * d..(i + 1) * heads * d];
                    let one = attend(row, &prefix, i, heads, d, window);
                    assert_eq!(
                        one[..],
                        all[i * heads * d..(i + 1) * heads * d],
                        "{heads} heads, query {i}, window {window:?}"
                    );
                }
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
