//! Kernels for the products that dominate the default model: Q8_0 and Q5_0 weights × Q8_0
//! activations, on weights kept in groups of eight rows (`row_groups`): one instruction (or,
//! with AVX2 alone, a few) advances the dot products of eight weight rows with one activation
//! row, and a block's eight sums are scaled and accumulated at once. The kernel sets
//! (`kernels::KernelSet`): AVX-512 VNNI (`vpdpbusd` on 256-bit vectors, here), AVX2
//! (`vpmaddubsw` and `vpmaddwd`, in `simd_avx2`), and on aarch64 NEON with or without `sdot`
//! (`simd_neon`).
//!
//! The activations are quantised exactly as candle's Q8_0 does, kept as signed bytes with their
//! scales as f32 and each block's sum, which takes back the offset of the unsigned weights.
//! Every block's integer sum is exact and blocks are accumulated in f32 in a fixed order, the
//! same for one activation row or many, and the same with either kernel set.
//!
//! Callers use these kernels where `KernelSet::active` is a vector set, candle's dot product
//! otherwise.

use candle_core::quantized::k_quants::{BlockQ8_0, GgmlType};

use super::kernels::KernelSet;
use super::row_groups::{self, Kind};

/// Bytes of one Q8_0 block: an f16 scale and 32 signed bytes.
const Q8_0_BYTES: usize = 34;
pub(crate) const BLOCK: usize = 32;

/// Activation rows quantised to Q8_0 as the kernels read them.
pub struct Activations {
    /// `rows × k` quantised values (signed bytes), in −127..=127 where the block's scale is
    /// not 0: the scale is the block's largest magnitude over 127. (−128 only comes from
    /// candle's loop on values so small that the scale is 0 as an f16, and so is their product
    /// whatever the sum: the AVX2 Q8_0 kernel relies on this.)
    pub(crate) qs: Vec<u8>,
    /// `rows × k/32` block scales.
    pub(crate) scales: Vec<f32>,
    /// `rows × k/32` block sums of the quantised values (the x86 kernels take the weights'
    /// offset back with them; the NEON ones make the weights signed instead).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(crate) sums: Vec<i32>,
    pub(crate) k: usize,
}

impl Activations {
    /// Quantises `xs` (rows of `k` values; `k` a multiple of 32) exactly as candle's Q8_0 does
    /// (the same bytes and scales), rows in parallel, blocks with AVX2 where `set` is a vector
    /// set (both have it).
    ///
    /// # Panics
    /// If the CPU lacks `set` or `k` does not divide into blocks.
    pub fn quantise(set: KernelSet, xs: &[f32], k: usize) -> Self {
        use rayon::prelude::*;
        assert!(set.supported(), "this CPU lacks {}", set.features());
        assert!(k.is_multiple_of(BLOCK) && xs.len().is_multiple_of(k));
        #[cfg(target_arch = "x86_64")]
        let vector = set.is_vector();
        let mut qs = vec![0u8; xs.len()];
        let mut scales = vec![0f32; xs.len() / BLOCK];
        let mut sums = vec![0i32; xs.len() / BLOCK];
        qs.par_chunks_mut(k)
            .zip(scales.par_chunks_mut(k / BLOCK))
            .zip(sums.par_chunks_mut(k / BLOCK))
            .zip(xs.par_chunks(k))
            .for_each(|(((qs, scales), sums), xs)| {
                for (((q, scale), sum), x) in qs
                    .chunks_exact_mut(BLOCK)
                    .zip(scales.iter_mut())
                    .zip(sums.iter_mut())
                    .zip(xs.chunks_exact(BLOCK))
                {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: both vector sets have AVX2, FMA and F16C (checked above); the
                    // slices hold one block.
                    let done = vector && unsafe { x86::quantise_block(x, q, scale) };
                    #[cfg(not(target_arch = "x86_64"))]
                    let done = false;
                    if !done {
                        quantise_block_portable(x, q, scale);
                    }
                    debug_assert!(*scale == 0.0 || !q.contains(&0x80), "-128, scale {scale}");
                    *sum = q.iter().map(|&v| v as i8 as i32).sum();
                }
            });
        Activations {
            qs,
            scales,
            sums,
            k,
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.qs.len() / self.k
    }
}

/// One block as candle's `BlockQ8_0::from_float` quantises it.
fn quantise_block_portable(x: &[f32], q: &mut [u8], scale: &mut f32) {
    let mut block = [BlockQ8_0::zeros()];
    BlockQ8_0::from_float(x, &mut block);
    let (d, qs) = block_parts(&block[0]);
    *scale = d;
    q.copy_from_slice(qs);
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

/// Activation rows a call to [`dot_group`] takes at most.
pub const GROUP_ACT_ROWS: usize = 8;

/// `f::<G…, R>(args)` with `R` the number of activation rows `len` (1 to 8, a constant inside
/// each kernel); nothing for another count (the callers check it).
macro_rules! by_rows {
    ($len:expr, $($f:ident)::+ <$($g:literal,)*> ($($arg:expr),*)) => {
        match $len {
            1 => $($f)::+::<$($g,)* 1>($($arg),*),
            2 => $($f)::+::<$($g,)* 2>($($arg),*),
            3 => $($f)::+::<$($g,)* 3>($($arg),*),
            4 => $($f)::+::<$($g,)* 4>($($arg),*),
            5 => $($f)::+::<$($g,)* 5>($($arg),*),
            6 => $($f)::+::<$($g,)* 6>($($arg),*),
            7 => $($f)::+::<$($g,)* 7>($($arg),*),
            8 => $($f)::+::<$($g,)* 8>($($arg),*),
            _ => {}
        }
    };
}
pub(crate) use by_rows;

/// Dot products of the eight weight rows of one group (`group`: its `k/32` group blocks, laid
/// out as `row_groups` describes) with activation rows `first..first + out.len()` (at most
/// [`GROUP_ACT_ROWS`]): `out[r][j]` is activation row `first + r` against the group's row `j`.
///
/// Each is accumulated block by block, in order, as `acc = fma(d_w · d_x, Σ w·x, acc)` from
/// zero, with the block's integer sum exact: the same bits whatever the number of activation
/// rows or the other rows of the group.
///
/// # Panics
/// If `set` is not a vector set this CPU has, `kind` is not Q8_0 or Q5_0 (the k-quants have
/// `simd_kquants::dot_group`), or the sizes do not match.
pub fn dot_group(
    set: KernelSet,
    kind: Kind,
    group: &[u8],
    act: &Activations,
    first: usize,
    out: &mut [[f32; 8]],
) {
    assert!(
        set.is_vector() && set.supported(),
        "dot_group: this CPU lacks {}",
        set.features()
    );
    assert!(
        matches!(kind, Kind::Q8_0 | Kind::Q5_0),
        "{kind:?}: not Q8_0 or Q5_0"
    );
    assert!(out.len() <= GROUP_ACT_ROWS && first + out.len() <= act.rows());
    assert_eq!(group.len(), row_groups::ROWS * kind.row_bytes(act.k));
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: the CPU has the set's features (checked above); every load reads inside `group`
    // and the activation rows (sizes checked above).
    unsafe {
        let (g, n) = (group.as_ptr(), out.len());
        match (set, kind == Kind::Q5_0) {
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx512Vnni, false) => {
                by_rows!(n, x86::dot_group<false,>(g, act, first, out))
            }
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx512Vnni, true) => by_rows!(n, x86::dot_group<true,>(g, act, first, out)),
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx2, false) => {
                by_rows!(n, simd_avx2::dot_group<false,>(g, act, first, out))
            }
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx2, true) => by_rows!(n, simd_avx2::dot_group<true,>(g, act, first, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::NeonDotprod, false) => by_rows!(n, neon::q8_0_sdot<>(g, act, first, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::NeonDotprod, true) => by_rows!(n, neon::q5_0_sdot<>(g, act, first, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::Neon, false) => by_rows!(n, neon::q8_0_neon<>(g, act, first, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::Neon, true) => by_rows!(n, neon::q5_0_neon<>(g, act, first, out)),
            _ => {}
        }
    }
}

#[cfg(target_arch = "x86_64")]
use super::simd_avx2;
#[cfg(target_arch = "aarch64")]
use super::simd_neon as neon;

/// The VNNI kernel, and the helpers both vector sets share (AVX2, FMA and F16C only).
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86 {
    use super::{Activations, BLOCK};
    use std::arch::x86_64::*;

    /// One block of 32 finite values as candle's Q8_0 `from_float` quantises it: scale
    /// `max |x| / 127` (stored as f16), quants `round(x / scale)` half away from zero. Returns
    /// false, writing nothing, when a value or the inverse scale is not finite (left to candle's
    /// loop, whose `0 · ∞` gives 0).
    #[target_feature(enable = "avx2,fma,f16c")]
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
        if !id.is_finite() {
            return false;
        }
        *scale = half::f16::from_f32(d).to_f32();
        let id = _mm256_set1_ps(id);
        for (i, v) in v.iter().enumerate() {
            let b = quant_bytes(_mm256_mul_ps(*v, id));
            _mm_storel_epi64(q.as_mut_ptr().add(8 * i) as *mut __m128i, b);
        }
        true
    }

    /// Eight products `p` rounded half away from zero (as `f32::round`), clamped to
    /// −128..=127 (as `as i8`), as bytes in the low half.
    #[target_feature(enable = "avx2,fma,f16c")]
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
        // Exact integers in −128..=127: the saturating packs keep them.
        let i = _mm256_cvttps_epi32(r);
        let words = _mm_packs_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256::<1>(i));
        _mm_packs_epi16(words, words)
    }

    /// The largest of the eight lanes (none of them NaN).
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(crate) unsafe fn hmax(v: __m256) -> f32 {
        let hi = _mm256_extractf128_ps(v, 1);
        let m = _mm_max_ps(hi, _mm256_castps256_ps128(v));
        let m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)))
    }

    /// The kernel of [`super::dot_group`], for `R` activation rows; Q5_0 groups when `Q5`.
    // Indices address several register arrays in lockstep: clearer than zipped iterators.
    #[allow(clippy::needless_range_loop)]
    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")]
    pub unsafe fn dot_group<const Q5: bool, const R: usize>(
        group: *const u8,
        act: &Activations,
        first: usize,
        out: &mut [[f32; 8]],
    ) {
        let k = act.k;
        let blocks = k / BLOCK;
        use crate::model::row_groups::{Kind, Q5_0_MASKS, Q5_0_NIBBLES, Q8_0_QUANTS, ROWS, SCALES};
        let size = ROWS * if Q5 { Kind::Q5_0 } else { Kind::Q8_0 }.block_bytes();
        // The weights are stored plus 128 (Q8_0) or plus 16 (Q5_0): Σ (w + o)·x − o·Σ x.
        let shift = if Q5 { 4 } else { 7 };
        let low = _mm256_set1_epi8(0x0F);
        let fifth = _mm256_set1_epi8(0x10);
        let mut acc = [_mm256_setzero_ps(); R];
        for b in 0..blocks {
            let gb = group.add(b * size);
            let scales = _mm256_cvtph_ps(_mm_loadu_si128(gb.add(SCALES) as *const __m128i));
            let mut w = [_mm256_setzero_si256(); 8];
            if Q5 {
                for p in 0..4 {
                    let nibbles =
                        _mm256_loadu_si256(gb.add(Q5_0_NIBBLES + 32 * p) as *const __m256i);
                    let mask =
                        |c: usize| (gb.add(Q5_0_MASKS + 4 * c) as *const u32).read_unaligned();
                    w[p] = _mm256_or_si256(
                        _mm256_and_si256(nibbles, low),
                        _mm256_maskz_mov_epi8(mask(p), fifth),
                    );
                    w[p + 4] = _mm256_or_si256(
                        _mm256_and_si256(_mm256_srli_epi16::<4>(nibbles), low),
                        _mm256_maskz_mov_epi8(mask(p + 4), fifth),
                    );
                }
            } else {
                for c in 0..8 {
                    w[c] = _mm256_loadu_si256(gb.add(Q8_0_QUANTS + 32 * c) as *const __m256i);
                }
            }
            for r in 0..R {
                let row = first + r;
                let x = act.qs.as_ptr().add(row * k + b * BLOCK);
                let four =
                    |c: usize| _mm256_set1_epi32((x.add(4 * c) as *const i32).read_unaligned());
                // Two chains of integer sums (exact in any order), half the latency of one.
                let mut even =
                    _mm256_set1_epi32(-(*act.sums.get_unchecked(row * blocks + b) << shift));
                let mut odd = _mm256_setzero_si256();
                for c in (0..8).step_by(2) {
                    even = _mm256_dpbusd_epi32(even, w[c], four(c));
                    odd = _mm256_dpbusd_epi32(odd, w[c + 1], four(c + 1));
                }
                let sum = _mm256_cvtepi32_ps(_mm256_add_epi32(even, odd));
                let d = _mm256_mul_ps(
                    scales,
                    _mm256_set1_ps(*act.scales.get_unchecked(row * blocks + b)),
                );
                acc[r] = _mm256_fmadd_ps(d, sum, acc[r]);
            }
        }
        for r in 0..R {
            _mm256_storeu_ps(out[r].as_mut_ptr(), acc[r]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernels::testable_sets;
    use crate::model::row_groups::{self, tests::gguf_rows};
    use candle_core::quantized::k_quants::BlockQ5_0;

    #[test]
    fn activations_quantise_as_candle() {
        for set in testable_sets() {
            activations_quantise_as_candle_with(set);
        }
    }

    fn activations_quantise_as_candle_with(set: KernelSet) {
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
        // Values so small that the inverse scale is infinite, with zeros.
        for (i, v) in values[256..288].iter_mut().enumerate() {
            *v = [1e-40, -1e-40, 0.0, 3e-41][i % 4];
        }
        values[128] = 3e38;
        values[160] = f32::NAN;
        values[192] = f32::NEG_INFINITY;
        values[224] = -7.0;
        let act = Activations::quantise(set, &values, 32 * 8);
        let mut blocks = vec![BlockQ8_0::zeros(); values.len() / 32];
        BlockQ8_0::from_float(&values, &mut blocks);
        for (b, block) in blocks.iter().enumerate() {
            let (d, qs) = block_parts(block);
            assert_eq!(act.scales[b].to_bits(), d.to_bits(), "{set:?} block {b}");
            assert_eq!(act.qs[b * 32..(b + 1) * 32], qs[..], "{set:?} block {b}");
            let sum: i32 = qs.iter().map(|&q| q as i8 as i32).sum();
            assert_eq!(act.sums[b], sum, "{set:?} block {b}");
        }
    }

    /// The arithmetic `dot_group` promises, one scalar step at a time, on a GGUF row.
    fn reference(kind: Kind, row: &[u8], act: &Activations, r: usize) -> f32 {
        let k = act.k;
        let mut acc = 0f32;
        for (b, block) in row.chunks_exact(kind.block_bytes()).enumerate() {
            let d = half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
            let weight = |i: usize| -> i32 {
                match kind {
                    Kind::Q8_0 => block[2 + i] as i8 as i32,
                    Kind::Q5_0 => {
                        let high = u32::from_le_bytes([block[2], block[3], block[4], block[5]]);
                        let q = block[6 + i % 16];
                        let nibble = if i < 16 { q & 0x0F } else { q >> 4 };
                        (nibble as i32 | (((high >> i) & 1) as i32) << 4) - 16
                    }
                    Kind::Q4K | Kind::Q6K => unreachable!("Q8_0 and Q5_0 only"),
                }
            };
            let x = &act.qs[r * k + b * 32..r * k + (b + 1) * 32];
            let sum: i32 = (0..32).map(|i| weight(i) * x[i] as i8 as i32).sum();
            acc = (d * act.scales[r * (k / 32) + b]).mul_add(sum as f32, acc);
        }
        acc
    }

    #[test]
    fn groups_give_the_reference_bits_and_candles_values() {
        let sets = testable_sets();
        if sets.is_empty() {
            return;
        }
        let (n, k) = (11, 640);
        let values: Vec<f32> = (0..n * k)
            .map(|i| (((i * 37) % 101) as f32 - 50.0) / 9.0 * (1.0 + (i / k) as f32))
            .collect();
        let m = GROUP_ACT_ROWS + 1;
        let rows: Vec<f32> = (0..m * k)
            .map(|i| (((i + (i / k) * 7) * 53 % 97) as f32 - 48.0) / 5.0)
            .collect();
        let act = Activations::quantise(sets[0], &rows, k);
        for (kind, set) in [Kind::Q8_0, Kind::Q5_0]
            .into_iter()
            .flat_map(|kind| sets.iter().map(move |&set| (kind, set)))
        {
            let gguf = gguf_rows(kind, &values);
            let rb = kind.row_bytes(k);
            let mut groups = vec![0u8; kind.size(n, k)];
            groups[..gguf.len()].copy_from_slice(&gguf);
            row_groups::pack_in_place(kind, &mut groups, n, k);
            let group_bytes = 8 * rb;
            for count in 1..=GROUP_ACT_ROWS {
                for first in [0, m - count] {
                    let mut out = vec![[0f32; 8]; count];
                    for (g, group) in groups.chunks_exact(group_bytes).enumerate() {
                        dot_group(set, kind, group, &act, first, &mut out);
                        for (r, lanes) in out.iter().enumerate() {
                            for (j, &v) in lanes.iter().enumerate() {
                                let i = g * 8 + j;
                                if i >= n {
                                    assert_eq!(v, 0.0, "{set:?} {kind:?}: padding row {i}");
                                    continue;
                                }
                                let row = &gguf[i * rb..(i + 1) * rb];
                                let want = reference(kind, row, &act, first + r);
                                assert_eq!(v.to_bits(), want.to_bits(), "{set:?} {kind:?} {i},{r}");
                            }
                        }
                    }
                }
            }
            // And the value of candle's own dot product, to rounding (where candle's kernels can
            // run: not on an aarch64 CPU without `sdot`).
            for i in [0, 7, 10]
                .into_iter()
                .filter(|_| KernelSet::Portable.supported())
            {
                let row = &gguf[i * rb..(i + 1) * rb];
                let mut xb = vec![BlockQ8_0::zeros(); k / 32];
                BlockQ8_0::from_float(&rows[2 * k..3 * k], &mut xb);
                let candle = match kind {
                    Kind::Q8_0 => {
                        // SAFETY: 34-byte `repr(C)` blocks, alignment 1 (f16 + bytes)... copied.
                        let mut wb = vec![BlockQ8_0::zeros(); k / 32];
                        BlockQ8_0::from_float(&values[i * k..(i + 1) * k], &mut wb);
                        BlockQ8_0::vec_dot(k, &wb, &xb)
                    }
                    Kind::Q5_0 => {
                        let mut wb = vec![BlockQ5_0::zeros(); k / 32];
                        BlockQ5_0::from_float(&values[i * k..(i + 1) * k], &mut wb);
                        BlockQ5_0::vec_dot(k, &wb, &xb)
                    }
                    Kind::Q4K | Kind::Q6K => unreachable!("Q8_0 and Q5_0 only"),
                };
                let ours = reference(kind, row, &act, 2);
                assert!(
                    (ours - candle).abs() <= 1e-4 * candle.abs().max(1.0),
                    "{kind:?} row {i}: {ours} vs {candle}"
                );
            }
        }
    }

    /// The extremes, where the AVX2 kernel's 16-bit pair sums would saturate if it multiplied
    /// the stored Q8_0 weights (plus 128) directly: weights −128, −127 and 127 (raw GGUF bytes,
    /// −128 included though llama.cpp never writes it) against activations ±127, every sign
    /// pattern, and Q5_0's −16 and 15 likewise. Every set gives the reference bits.
    #[test]
    fn extreme_weights_and_activations_give_the_reference_bits() {
        let sets = testable_sets();
        let k = 256;
        let n = 16;
        // Activation rows of ±1 (quantised ±127), with sign patterns of different periods; the
        // last row's first block so small that candle's loop gives it −128s and a zero scale.
        let rows: Vec<f32> = (0..GROUP_ACT_ROWS * k)
            .map(|i| {
                let (r, i) = (i / k, i % k);
                if r == GROUP_ACT_ROWS - 1 && i < 32 {
                    [-1e-40, 1e-40, 0.0, -3e-41][i % 4]
                } else if (i >> (r % 4)) % 2 == 0 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect();
        for &set in &sets {
            let act = Activations::quantise(set, &rows, k);
            let tiny = (GROUP_ACT_ROWS - 1) * k / 32;
            assert!(act.qs[tiny * 32..tiny * 32 + 32].contains(&0x80), "{set:?}");
            assert_eq!(act.scales[tiny], 0.0, "{set:?}");
            for (b, q) in act.qs.chunks_exact(32).enumerate() {
                assert!(
                    b == tiny || q.iter().all(|&q| q == 127 || q == 129),
                    "{set:?}"
                );
            }
            for kind in [Kind::Q8_0, Kind::Q5_0] {
                let rb = kind.row_bytes(k);
                let mut gguf = vec![0u8; n * rb];
                for (i, row) in gguf.chunks_exact_mut(rb).enumerate() {
                    for (b, block) in row.chunks_exact_mut(kind.block_bytes()).enumerate() {
                        block[..2]
                            .copy_from_slice(&half::f16::from_f32(0.5).to_bits().to_le_bytes());
                        // Weight j of the block: the extremes, in patterns varying with the row
                        // and the block.
                        let extreme = |j: usize| ((j + i + b) >> (i % 3)) % 3;
                        match kind {
                            Kind::Q8_0 => {
                                for (j, q) in block[2..].iter_mut().enumerate() {
                                    *q = [0x80, 0x81, 0x7f][extreme(j)];
                                }
                            }
                            Kind::Q5_0 => {
                                // Stored as 0..=31 (value + 16): 0 and 31, the fifth bit apart.
                                let mut high = 0u32;
                                for j in 0..32 {
                                    let v: u8 = if extreme(j) == 2 { 31 } else { 0 };
                                    high |= ((v >> 4) as u32) << j;
                                    let q = &mut block[6 + j % 16];
                                    *q |= if j < 16 { v & 0xF } else { (v & 0xF) << 4 };
                                }
                                block[2..6].copy_from_slice(&high.to_le_bytes());
                            }
                            Kind::Q4K | Kind::Q6K => unreachable!("Q8_0 and Q5_0 only"),
                        }
                    }
                }
                let mut groups = gguf.clone();
                row_groups::pack_in_place(kind, &mut groups, n, k);
                let mut out = [[0f32; 8]; GROUP_ACT_ROWS];
                for (g, group) in groups.chunks_exact(8 * rb).enumerate() {
                    dot_group(set, kind, group, &act, 0, &mut out);
                    for (r, lanes) in out.iter().enumerate() {
                        for (j, &v) in lanes.iter().enumerate() {
                            let i = g * 8 + j;
                            let want = reference(kind, &gguf[i * rb..(i + 1) * rb], &act, r);
                            assert_eq!(v.to_bits(), want.to_bits(), "{set:?} {kind:?} {i},{r}");
                        }
                    }
                }
            }
        }
    }
}
