//! An x86 kernel for the product that dominates the default model: Q8_0 weights × Q8_0
//! activations, with AVX-512 VNNI (`vpdpbusd` on 256-bit vectors). Each weight block is loaded
//! once and multiplied with up to four activation rows, so prompt processing reuses the weights
//! in registers. The integer sums per block are exact; blocks are scaled and accumulated in f32
//! in a fixed order, the same for one row or many.
//!
//! [`available`] says whether the CPU has the instructions; callers fall back to candle's dot
//! product otherwise.

/// Bytes of one Q8_0 block: an f16 scale and 32 signed bytes.
pub const Q8_0_BYTES: usize = 34;

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

/// Dot products of one Q8_0 weight row `w` with up to four Q8_0 activation rows `xs` (all of
/// the same length in bytes, whole blocks); results in `out[..xs.len()]`.
///
/// # Panics
/// If [`available`] is false, or the rows are not whole blocks of equal length.
pub fn dot_q8_0(w: &[u8], xs: &[&[u8]], out: &mut [f32]) {
    assert!(available(), "dot_q8_0 needs AVX-512 VNNI");
    assert!(xs.len() <= 4 && out.len() >= xs.len());
    assert!(w.len().is_multiple_of(Q8_0_BYTES) && xs.iter().all(|x| x.len() == w.len()));
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU features are checked by `available`; every load below reads inside the
    // slices (whole blocks, equal lengths, checked above).
    unsafe {
        x86::dot_rows(w, xs, out)
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Q8_0_BYTES;
    use std::arch::x86_64::*;

    /// The f16 scale at the start of a block.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    #[inline]
    unsafe fn scale(block: *const u8) -> f32 {
        let bits = u16::from_le_bytes([*block, *block.add(1)]) as i32;
        _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(bits)))
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    unsafe fn hsum(v: __m256) -> f32 {
        let hi = _mm256_extractf128_ps(v, 1);
        let s = _mm_add_ps(hi, _mm256_castps256_ps128(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }

    /// Σ over the 32 bytes of `x[i]·w[i]` as 8 i32 lanes, converted to f32.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    #[inline]
    unsafe fn block_dot(wq: __m256i, x: *const u8) -> __m256 {
        let xq = _mm256_loadu_si256(x as *const __m256i);
        // |x| as unsigned bytes, w carrying x's sign: the products keep their signs.
        let ax = _mm256_sign_epi8(xq, xq);
        let sw = _mm256_sign_epi8(wq, xq);
        _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, sw))
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn dot_rows(w: &[u8], xs: &[&[u8]], out: &mut [f32]) {
        let blocks = w.len() / Q8_0_BYTES;
        let mut acc = [_mm256_setzero_ps(); 4];
        for b in 0..blocks {
            let off = b * Q8_0_BYTES;
            let wd = scale(w.as_ptr().add(off));
            let wq = _mm256_loadu_si256(w.as_ptr().add(off + 2) as *const __m256i);
            for (r, x) in xs.iter().enumerate() {
                let d = _mm256_set1_ps(wd * scale(x.as_ptr().add(off)));
                let p = block_dot(wq, x.as_ptr().add(off + 2));
                acc[r] = _mm256_fmadd_ps(d, p, acc[r]);
            }
        }
        for (r, o) in out.iter_mut().enumerate().take(xs.len()) {
            *o = hsum(acc[r]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::k_quants::{BlockQ8_0, GgmlType};

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
        let rows: Vec<Vec<f32>> = (0..4)
            .map(|r| {
                (0..k)
                    .map(|i| (((i + r * 7) * 53 % 97) as f32 - 48.0) / 5.0)
                    .collect()
            })
            .collect();
        let wq = quantise(&w);
        let xq: Vec<Vec<u8>> = rows.iter().map(|r| quantise(r)).collect();
        let xs: Vec<&[u8]> = xq.iter().map(Vec::as_slice).collect();
        let mut out = [0f32; 4];
        dot_q8_0(&wq, &xs, &mut out);
        let mut single = [0f32; 1];
        for r in 0..4 {
            let mut wb = vec![BlockQ8_0::zeros(); k / 32];
            let mut xb = vec![BlockQ8_0::zeros(); k / 32];
            BlockQ8_0::from_float(&w, &mut wb);
            BlockQ8_0::from_float(&rows[r], &mut xb);
            let candle = BlockQ8_0::vec_dot(k, &wb, &xb);
            assert!(
                (out[r] - candle).abs() <= 1e-4 * candle.abs().max(1.0),
                "row {r}: {} vs {candle}",
                out[r]
            );
            dot_q8_0(&wq, &xs[r..r + 1], &mut single);
            assert_eq!(single[0], out[r], "one row or four, the same bits");
        }
    }
}
