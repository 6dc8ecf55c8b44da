//! x86 kernels for the products that dominate the default model: Q8_0 and Q5_0 weights × Q8_0
//! activations, with AVX-512 VNNI (`vpdpbusd` on 256-bit vectors). A Q5_0 block is unpacked in
//! registers to the bytes of its Q8_0 widening, then goes through the same arithmetic.
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
/// Bytes of one Q5_0 block: an f16 scale, 32 high bits, then 32 low nibbles.
const Q5_0_BYTES: usize = 22;
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
                && is_x86_feature_detected!("avx512bw")
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
    /// Quantises `xs` (rows of `k` values; `k` a multiple of 32) exactly as candle's Q8_0 does
    /// (the same bytes and scales), rows in parallel, blocks with the VNNI machine's vector
    /// instructions where it has them.
    pub fn quantise(xs: &[f32], k: usize) -> Self {
        use rayon::prelude::*;
        assert!(k.is_multiple_of(BLOCK) && xs.len().is_multiple_of(k));
        let vector = available();
        let mut qs = vec![0u8; xs.len()];
        let mut scales = vec![0f32; xs.len() / BLOCK];
        qs.par_chunks_mut(k)
            .zip(scales.par_chunks_mut(k / BLOCK))
            .zip(xs.par_chunks(k))
            .for_each(|((qs, scales), xs)| {
                for ((q, scale), x) in qs
                    .chunks_exact_mut(BLOCK)
                    .zip(scales.iter_mut())
                    .zip(xs.chunks_exact(BLOCK))
                {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: `available` checks the features; the slices hold one block.
                    let done = vector && unsafe { x86::quantise_block(x, q, scale) };
                    #[cfg(not(target_arch = "x86_64"))]
                    let done = false;
                    if !done {
                        quantise_block_portable(x, q, scale);
                    }
                }
            });
        Activations { qs, scales, k }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.qs.len() / self.k
    }
}

/// For the kernels' tests: whether this CPU runs our kernels. Without AVX-512 VNNI the callers use
/// candle's, so there is nothing of ours to compare: the test says so on stderr and passes,
/// unless `PLUME_REQUIRE_SIMD=1` (set by `.ci/run`) makes that a failure.
#[cfg(test)]
pub(crate) fn kernels_testable() -> bool {
    if available() {
        return true;
    }
    assert!(
        std::env::var("PLUME_REQUIRE_SIMD").as_deref() != Ok("1"),
        "PLUME_REQUIRE_SIMD=1 but this CPU lacks AVX-512 VNNI (or PLUME_SIMD=0 is set)"
    );
    eprintln!("skipped: this CPU lacks AVX-512 VNNI, our kernels are not used here");
    false
}

/// One block as candle's `BlockQ8_0::from_float` quantises it, stored offset by 128.
fn quantise_block_portable(x: &[f32], q: &mut [u8], scale: &mut f32) {
    let mut block = [BlockQ8_0::zeros()];
    BlockQ8_0::from_float(x, &mut block);
    let (d, qs) = block_parts(&block[0]);
    *scale = d;
    for (q, &v) in q.iter_mut().zip(qs) {
        *q = v ^ 0x80;
    }
}

/// A Q8_0 block's scale and its 32 quants (as bytes).
fn block_parts(block: &BlockQ8_0) -> (f32, &[u8]) {
    // SAFETY: BlockQ8_0 is `repr(C)`, 34 bytes with no padding (candle asserts it): an f16
    // scale, then 32 quants.
    let bytes =
        unsafe { std::slice::from_raw_parts(block as *const BlockQ8_0 as *const u8, Q8_0_BYTES) };
    let d = half::f16::from_bits(u16::from_le_bytes([bytes[0], bytes[1]])).to_f32();
    (d, &bytes[2..])
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
        x86::dot_rows::<false>(w, act, first, out)
    }
}

/// [`dot_q8_0`] for a Q5_0 weight row (`k/32` blocks of 22 bytes): the same bits as for the
/// row widened to Q8_0.
///
/// # Panics
/// If [`available`] is false or the sizes do not match.
pub fn dot_q5_0(w: &[u8], act: &Activations, first: usize, out: &mut [f32]) {
    assert!(available(), "dot_q5_0 needs AVX-512 VNNI");
    assert!(out.len() <= 4 && first + out.len() <= act.rows());
    assert!(w.len() == act.k / BLOCK * Q5_0_BYTES);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `dot_q8_0`.
    unsafe {
        x86::dot_rows::<true>(w, act, first, out)
    }
}

/// Q5_0 blocks `src` widened to Q8_0 blocks `dst`, as `repack::q5_0_to_q8_0` does, with
/// vector instructions.
///
/// # Panics
/// If [`available`] is false or the sizes do not match.
pub fn widen_q5_0(src: &[u8], dst: &mut [u8]) {
    assert!(available(), "widen_q5_0 needs AVX-512");
    assert!(
        src.len().is_multiple_of(Q5_0_BYTES) && src.len() / Q5_0_BYTES * Q8_0_BYTES == dst.len()
    );
    for (s, d) in src
        .chunks_exact(Q5_0_BYTES)
        .zip(dst.chunks_exact_mut(Q8_0_BYTES))
    {
        d[..2].copy_from_slice(&s[..2]);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: features checked by `available`; `s` is one Q5_0 block, `d[2..]` 32 bytes.
        unsafe {
            let (_, values) = x86::q5_0_block(s.as_ptr());
            std::arch::x86_64::_mm256_storeu_si256(d.as_mut_ptr().add(2) as *mut _, values);
        }
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
pub(crate) mod x86 {
    use super::{Activations, BLOCK, Q5_0_BYTES, Q8_0_BYTES};
    use std::arch::x86_64::*;

    /// One block of 32 finite values as candle's Q8_0 `from_float` quantises it: scale
    /// `max |x| / 127` (stored as f16), quants `round(x / scale)` half away from zero, here
    /// offset by 128. Returns false, writing nothing, when a value is not finite.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn quantise_block(x: &[f32], q: &mut [u8], scale: &mut f32) -> bool {
        let sign = _mm256_set1_ps(-0.0);
        let inf = _mm256_set1_ps(f32::INFINITY);
        let mut v = [_mm256_setzero_ps(); 4];
        let mut amax = _mm256_setzero_ps();
        let mut finite = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        for (i, v) in v.iter_mut().enumerate() {
            *v = _mm256_loadu_ps(x.as_ptr().add(8 * i));
            let a = _mm256_andnot_ps(sign, *v);
            amax = _mm256_max_ps(amax, a);
            finite = _mm256_and_ps(finite, _mm256_cmp_ps::<_CMP_LT_OQ>(a, inf));
        }
        if _mm256_movemask_ps(finite) != 0xff {
            return false;
        }
        let amax = hmax(amax);
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        *scale = half::f16::from_f32(d).to_f32();
        let id = _mm256_set1_ps(id);
        for (i, v) in v.iter().enumerate() {
            let b = quant_bytes(_mm256_mul_ps(*v, id));
            let b = _mm_xor_si128(b, _mm_set1_epi8(-128));
            _mm_storel_epi64(q.as_mut_ptr().add(8 * i) as *mut __m128i, b);
        }
        true
    }

    /// Eight products `p` rounded half away from zero (as `f32::round`), clamped to
    /// −128..=127 (as `as i8`), as bytes in the low half.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub(crate) unsafe fn quant_bytes(p: __m256) -> __m128i {
        let sign = _mm256_set1_ps(-0.0);
        // The fraction `p - trunc(p)` is exact.
        let t = _mm256_round_ps::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(p);
        let frac = _mm256_andnot_ps(sign, _mm256_sub_ps(p, t));
        let away = _mm256_or_ps(_mm256_and_ps(p, sign), _mm256_set1_ps(1.0));
        let up = _mm256_and_ps(_mm256_cmp_ps::<_CMP_GE_OQ>(frac, _mm256_set1_ps(0.5)), away);
        let r = _mm256_min_ps(
            _mm256_max_ps(_mm256_add_ps(t, up), _mm256_set1_ps(-128.0)),
            _mm256_set1_ps(127.0),
        );
        _mm256_cvtepi32_epi8(_mm256_cvttps_epi32(r))
    }

    /// The largest of the eight lanes (none of them NaN).
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub(crate) unsafe fn hmax(v: __m256) -> f32 {
        let hi = _mm256_extractf128_ps(v, 1);
        let m = _mm_max_ps(hi, _mm256_castps256_ps128(v));
        let m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)))
    }

    /// The little-endian f16 at `p`, as f32.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub(crate) unsafe fn f16_at(p: *const u8) -> f32 {
        let bits = (p as *const u16).read_unaligned() as i32;
        _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(bits)))
    }

    /// The sum of the eight lanes.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub(crate) unsafe fn hsum(v: __m256) -> f32 {
        let hi = _mm256_extractf128_ps(v, 1);
        let s = _mm_add_ps(hi, _mm256_castps256_ps128(v));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }

    /// A Q8_0 weight block at `wb`: its scale and its 32 quants.
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    unsafe fn q8_0_block(wb: *const u8) -> (f32, __m256i) {
        (f16_at(wb), _mm256_loadu_si256(wb.add(2) as *const __m256i))
    }

    /// A Q5_0 weight block at `wb`: its scale and its 32 values (−16..=15) as signed bytes, in
    /// the order of a Q8_0 block (low nibbles first, then high nibbles; bit `i` of the high
    /// bits belongs to value `i`).
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")]
    pub(crate) unsafe fn q5_0_block(wb: *const u8) -> (f32, __m256i) {
        let high_bits = (wb.add(2) as *const u32).read_unaligned();
        let qs = _mm_loadu_si128(wb.add(6) as *const __m128i);
        let low = _mm_set1_epi8(0x0F);
        let nibbles = _mm256_set_m128i(
            _mm_and_si128(_mm_srli_epi16::<4>(qs), low),
            _mm_and_si128(qs, low),
        );
        let high = _mm256_maskz_mov_epi8(high_bits, _mm256_set1_epi8(0x10));
        let values = _mm256_sub_epi8(_mm256_or_si256(nibbles, high), _mm256_set1_epi8(16));
        (f16_at(wb), values)
    }

    /// One weight row (Q5_0 blocks when `Q5`, else Q8_0) against activation rows
    /// `first..first + out.len()`.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")]
    pub unsafe fn dot_rows<const Q5: bool>(
        w: &[u8],
        act: &Activations,
        first: usize,
        out: &mut [f32],
    ) {
        let k = act.k;
        let blocks = k / BLOCK;
        let ones = _mm256_set1_epi8(1);
        let mut acc = [_mm256_setzero_ps(); 4];
        for b in 0..blocks {
            let (wd, wq) = if Q5 {
                q5_0_block(w.as_ptr().add(b * Q5_0_BYTES))
            } else {
                q8_0_block(w.as_ptr().add(b * Q8_0_BYTES))
            };
            // −128·Σ w + Σ (x + 128)·w = Σ x·w, lane by lane: the sum starts at −128·Σ w.
            let start = neg_offset(ones, wq);
            for (r, acc) in acc.iter_mut().enumerate().take(out.len()) {
                let row = first + r;
                let xq =
                    _mm256_loadu_si256(act.qs.as_ptr().add(row * k + b * BLOCK) as *const __m256i);
                let sum = _mm256_dpbusd_epi32(start, xq, wq);
                let d = _mm256_set1_ps(wd * *act.scales.get_unchecked(row * blocks + b));
                *acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sum), *acc);
            }
        }
        for (o, acc) in out.iter_mut().zip(acc) {
            *o = hsum(acc);
        }
    }

    /// `−128 · Σ w` over each lane's four weights: where the integer sum of a block starts, so
    /// that adding the products of the offset activations gives the signed sum exactly.
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    unsafe fn neg_offset(ones: __m256i, wq: __m256i) -> __m256i {
        _mm256_sub_epi32(
            _mm256_setzero_si256(),
            _mm256_slli_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, wq), 7),
        )
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
            let mut start = [_mm256_setzero_si256(); 4];
            let mut wd = [0f32; 4];
            for j in 0..4 {
                (wd[j], wq[j]) = q8_0_block(w[j].as_ptr().add(b * Q8_0_BYTES));
                start[j] = neg_offset(ones, wq[j]);
            }
            for r in 0..R {
                let row = first + r;
                let xq =
                    _mm256_loadu_si256(act.qs.as_ptr().add(row * k + b * BLOCK) as *const __m256i);
                let sx = *act.scales.get_unchecked(row * blocks + b);
                for j in 0..4 {
                    let sum = _mm256_dpbusd_epi32(start[j], xq, wq[j]);
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
    fn activations_quantise_as_candle() {
        if !kernels_testable() {
            return;
        }
        let mut values: Vec<f32> = (0..32 * 64)
            .map(|i| (((i * 7919) % 2001) as f32 - 1000.0) / 37.0)
            .collect();
        // Exact ties, the largest value with either sign, zeros, tiny and huge values, a NaN
        // and an infinity (left to candle's loop).
        values[..32].copy_from_slice(&[0.5f32; 32].map(|v| v * 127.0 / 63.5));
        for (i, v) in values[32..64].iter_mut().enumerate() {
            *v = (i as f32 - 16.0) * 0.5;
        }
        values[64..96].fill(0.0);
        values[96..128].fill(1e-40);
        values[128] = 3e38;
        values[160] = f32::NAN;
        values[192] = f32::NEG_INFINITY;
        values[224] = -7.0;
        let act = Activations::quantise(&values, 32 * 8);
        let mut blocks = vec![BlockQ8_0::zeros(); values.len() / 32];
        BlockQ8_0::from_float(&values, &mut blocks);
        for (b, block) in blocks.iter().enumerate() {
            let (d, qs) = block_parts(block);
            assert_eq!(act.scales[b].to_bits(), d.to_bits(), "block {b}");
            let want: Vec<u8> = qs.iter().map(|&q| q ^ 0x80).collect();
            assert_eq!(act.qs[b * 32..(b + 1) * 32], want[..], "block {b}");
        }
    }

    #[test]
    fn q5_0_rows_give_the_bits_of_their_q8_0_widening() {
        use candle_core::quantized::k_quants::BlockQ5_0;
        if !kernels_testable() {
            return;
        }
        let k = 640;
        // Values over the whole 5-bit range, both signs, so every high bit is exercised.
        let w: Vec<f32> = (0..k)
            .map(|i| ((i * 37 % 31) as f32 - 15.5) / 3.0)
            .collect();
        let mut blocks = vec![BlockQ5_0::zeros(); k / 32];
        BlockQ5_0::from_float(&w, &mut blocks);
        // SAFETY: BlockQ5_0 is 22 bytes, repr(C), no padding.
        let q5 = unsafe {
            std::slice::from_raw_parts(blocks.as_ptr() as *const u8, blocks.len() * Q5_0_BYTES)
        };
        let mut q8 = vec![0u8; k / 32 * Q8_0_BYTES];
        crate::model::repack::q5_0_to_q8_0(q5, &mut q8);
        let mut wide = vec![0u8; q8.len()];
        widen_q5_0(q5, &mut wide);
        assert_eq!(wide, q8, "vector and scalar widening");
        let rows: Vec<f32> = (0..3 * k)
            .map(|i| ((i * 53 % 97) as f32 - 48.0) / 5.0)
            .collect();
        let act = Activations::quantise(&rows, k);
        let (mut a, mut b) = ([0f32; 3], [0f32; 3]);
        dot_q5_0(q5, &act, 0, &mut a);
        dot_q8_0(&q8, &act, 0, &mut b);
        assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
        assert!(a.iter().all(|v| *v != 0.0));
    }

    #[test]
    fn matches_candle_dot_product() {
        if !kernels_testable() {
            return;
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
