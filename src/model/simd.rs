//! An x86 kernel for the product that dominates the default model: Q8_0 weights × Q8_0
//! activations, with AVX-512 VNNI (`vpdpbusd` on 256-bit vectors).
//!
//! The activations are stored offset by 128 (unsigned bytes, as `vpdpbusd` wants them) with
//! their scales as f32; the offset is taken back per weight block with one more `vpdpbusd`
//! over the weights alone, so the integer sums are exactly those of the signed product. Each
//! weight block is loaded once and multiplied with up to four activation rows, and blocks are
//! scaled and accumulated in f32 in a fixed order, the same for one row or many.
//!
//! [`available`] says whether the CPU has the instructions (and `PLUME_SIMD=0` is not set, to
//! compare with candle's kernel); callers fall back to candle's dot product otherwise.

use candle_core::quantized::k_quants::{BlockQ8_0, GgmlType};

/// Bytes of one Q8_0 block: an f16 scale and 32 signed bytes.
pub const Q8_0_BYTES: usize = 34;
const BLOCK: usize = 32;

/// Whether this CPU runs [`dot_q8_0`].
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *AVAILABLE.get_or_init(|| {
            std::env::var("PLUME_SIMD").as_deref() != Ok("0")
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("f16c")
                && is_x86_feature_detected!("fma")
                && is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512vl")
                && is_x86_feature_detected!("avx512vnni")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Activation rows quantised to Q8_0 as the kernel reads them.
pub struct Activations {
    /// `rows × k` bytes: each quantised value plus 128.
    qs: Vec<u8>,
    /// `rows × k/32` block scales.
    scales: Vec<f32>,
    k: usize,
}

impl Activations {
    /// Quantises `xs` (rows of `k` values; `k` a multiple of 32) exactly as candle's Q8_0 does.
    pub fn quantise(xs: &[f32], k: usize) -> Self {
        assert!(k.is_multiple_of(BLOCK) && xs.len().is_multiple_of(k));
        let mut blocks = vec![BlockQ8_0::zeros(); xs.len() / BLOCK];
        BlockQ8_0::from_float(xs, &mut blocks);
        // SAFETY: BlockQ8_0 is `repr(C)`, 34 bytes with no padding (candle asserts it).
        let bytes = unsafe {
            std::slice::from_raw_parts(blocks.as_ptr() as *const u8, blocks.len() * Q8_0_BYTES)
        };
        let mut qs = Vec::with_capacity(xs.len());
        let mut scales = Vec::with_capacity(blocks.len());
        for block in bytes.chunks_exact(Q8_0_BYTES) {
            scales.push(half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32());
            qs.extend(block[2..].iter().map(|&q| q ^ 0x80));
        }
        Activations { qs, scales, k }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.qs.len() / self.k
    }
}

/// Dot products of one Q8_0 weight row `w` (`k/32` blocks) with activation rows
/// `first..first + out.len()` (at most four); results in `out`.
///
/// # Panics
/// If [`available`] is false or the sizes do not match.
pub fn dot_q8_0(w: &[u8], act: &Activations, first: usize, out: &mut [f32]) {
    assert!(available(), "dot_q8_0 needs AVX-512 VNNI");
    assert!(out.len() <= 4 && first + out.len() <= act.rows());
    assert!(w.len() == act.k / BLOCK * Q8_0_BYTES);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU features are checked by `available`; every load below reads inside the
    // slices (sizes checked above).
    unsafe {
        x86::dot_rows(w, act, first, out)
    }
}

/// Dot products of four Q8_0 weight rows `w` with activation rows `first..first + rows`
/// (at most four): `out[j][r]` is row `first + r` against `w[j]`, the same bits as
/// [`dot_q8_0`] gives for that pair. Each weight block and each activation block is loaded
/// once for the sixteen pairs.
///
/// # Panics
/// If [`available`] is false or the sizes do not match.
pub fn dot_q8_0_x4(
    w: [&[u8]; 4],
    act: &Activations,
    first: usize,
    rows: usize,
    out: &mut [[f32; 4]; 4],
) {
    assert!(available(), "dot_q8_0_x4 needs AVX-512 VNNI");
    assert!(rows <= 4 && first + rows <= act.rows());
    assert!(w.iter().all(|w| w.len() == act.k / BLOCK * Q8_0_BYTES));
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `dot_q8_0`.
    unsafe {
        match rows {
            4 => x86::dot_tile::<4>(w, act, first, out),
            3 => x86::dot_tile::<3>(w, act, first, out),
            2 => x86::dot_tile::<2>(w, act, first, out),
            1 => x86::dot_tile::<1>(w, act, first, out),
            _ => {}
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Activations, BLOCK, Q8_0_BYTES};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    unsafe fn hsum(v: __m256) -> f32 {
        let hi = _mm256_extractf128_ps(v, 1);
        let s = _mm_add_ps(hi, _mm256_castps256_ps128(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn dot_rows(w: &[u8], act: &Activations, first: usize, out: &mut [f32]) {
        let k = act.k;
        let blocks = k / BLOCK;
        let ones = _mm256_set1_epi8(1);
        let mut acc = [_mm256_setzero_ps(); 4];
        for b in 0..blocks {
            let wb = w.as_ptr().add(b * Q8_0_BYTES);
            let bits = u16::from_le_bytes([*wb, *wb.add(1)]) as i32;
            let wd = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(bits)));
            let wq = _mm256_loadu_si256(wb.add(2) as *const __m256i);
            // Σ (x + 128)·w − 128·Σ w = Σ x·w, lane by lane.
            let offset =
                _mm256_slli_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, wq), 7);
            for (r, acc) in acc.iter_mut().enumerate().take(out.len()) {
                let row = first + r;
                let xq =
                    _mm256_loadu_si256(act.qs.as_ptr().add(row * k + b * BLOCK) as *const __m256i);
                let sum =
                    _mm256_sub_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), xq, wq), offset);
                let d = _mm256_set1_ps(wd * *act.scales.get_unchecked(row * blocks + b));
                *acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sum), *acc);
            }
        }
        for (o, acc) in out.iter_mut().zip(acc) {
            *o = hsum(acc);
        }
    }

    /// Four weight rows × `R` activation rows, with the per-pair arithmetic of `dot_rows`.
    // Indices address several register arrays in lockstep: clearer than zipped iterators.
    #[allow(clippy::needless_range_loop)]
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn dot_tile<const R: usize>(
        w: [&[u8]; 4],
        act: &Activations,
        first: usize,
        out: &mut [[f32; 4]; 4],
    ) {
        let k = act.k;
        let blocks = k / BLOCK;
        let ones = _mm256_set1_epi8(1);
        let mut acc = [[_mm256_setzero_ps(); R]; 4];
        for b in 0..blocks {
            let mut wq = [_mm256_setzero_si256(); 4];
            let mut offset = [_mm256_setzero_si256(); 4];
            let mut wd = [0f32; 4];
            for j in 0..4 {
                let wb = w[j].as_ptr().add(b * Q8_0_BYTES);
                let bits = u16::from_le_bytes([*wb, *wb.add(1)]) as i32;
                wd[j] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(bits)));
                wq[j] = _mm256_loadu_si256(wb.add(2) as *const __m256i);
                offset[j] =
                    _mm256_slli_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, wq[j]), 7);
            }
            for r in 0..R {
                let row = first + r;
                let xq =
                    _mm256_loadu_si256(act.qs.as_ptr().add(row * k + b * BLOCK) as *const __m256i);
                let sx = *act.scales.get_unchecked(row * blocks + b);
                for j in 0..4 {
                    let sum = _mm256_sub_epi32(
                        _mm256_dpbusd_epi32(_mm256_setzero_si256(), xq, wq[j]),
                        offset[j],
                    );
                    let d = _mm256_set1_ps(wd[j] * sx);
                    acc[j][r] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sum), acc[j][r]);
                }
            }
        }
        for j in 0..4 {
            for r in 0..R {
                out[j][r] = hsum(acc[j][r]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantise(values: &[f32]) -> Vec<u8> {
        let mut blocks = vec![BlockQ8_0::zeros(); values.len() / 32];
        BlockQ8_0::from_float(values, &mut blocks);
        // SAFETY: BlockQ8_0 is 34 bytes, repr(C), no padding.
        unsafe {
            std::slice::from_raw_parts(blocks.as_ptr() as *const u8, blocks.len() * Q8_0_BYTES)
        }
        .to_vec()
    }

    #[test]
    fn matches_candle_dot_product() {
        if !available() {
            return; // nothing to compare on this CPU: the callers use candle's kernel
        }
        let k = 640;
        let w: Vec<f32> = (0..k)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 9.0)
            .collect();
        let rows: Vec<f32> = (0..4 * k)
            .map(|i| (((i + (i / k) * 7) * 53 % 97) as f32 - 48.0) / 5.0)
            .collect();
        let wq = quantise(&w);
        let act = Activations::quantise(&rows, k);
        let mut out = [0f32; 4];
        dot_q8_0(&wq, &act, 0, &mut out);
        let mut single = [0f32; 1];
        for r in 0..4 {
            let mut wb = vec![BlockQ8_0::zeros(); k / 32];
            let mut xb = vec![BlockQ8_0::zeros(); k / 32];
            BlockQ8_0::from_float(&w, &mut wb);
            BlockQ8_0::from_float(&rows[r * k..(r + 1) * k], &mut xb);
            let candle = BlockQ8_0::vec_dot(k, &wb, &xb);
            assert!(
                (out[r] - candle).abs() <= 1e-4 * candle.abs().max(1.0),
                "row {r}: {} vs {candle}",
                out[r]
            );
            dot_q8_0(&wq, &act, r, &mut single);
            assert_eq!(single[0], out[r], "one row or four, the same bits");
        }
        // Four weight rows at once: the same bits as one at a time.
        let ws: Vec<Vec<u8>> = (0..4)
            .map(|j| quantise(&w.iter().map(|v| v * (j as f32 + 0.5)).collect::<Vec<f32>>()))
            .collect();
        for rows in 1..=4 {
            let mut tile = [[0f32; 4]; 4];
            dot_q8_0_x4(
                [&ws[0], &ws[1], &ws[2], &ws[3]],
                &act,
                4 - rows,
                rows,
                &mut tile,
            );
            for (j, wj) in ws.iter().enumerate() {
                let mut one = [0f32; 4];
                dot_q8_0(wj, &act, 4 - rows, &mut one[..rows]);
                assert_eq!(tile[j][..rows], one[..rows], "weight row {j}, {rows} rows");
            }
        }
    }
}
