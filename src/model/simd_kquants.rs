//! x86 kernels for the k-quant products: Q4_K and Q6_K weights in eight-row groups
//! (`row_groups`, laid out in `kquant_groups`) × Q8_K activations, on 256-bit vectors, in both
//! x86 kernel sets (`kernels::KernelSet`): AVX-512 VNNI and AVX2 alone. (The aarch64 sets'
//! kernels, with the same arithmetic, are in `simd_neon`.)
//!
//! A 32-bit lane per weight row: four quants of each of the eight rows in one vector, against
//! four activation bytes broadcast to every lane. The quants are unsigned (Q4_K 0..15, Q6_K
//! 0..63, value + 32), the activations signed.
//! - AVX-512 VNNI: `vpdpbusd` sums a sub-block's products (Q4_K 32 values, Q6_K 16) per row,
//!   exactly, in 32 bits; `vpmulld` applies the rows' sub-block scales.
//! - AVX2: `vpmaddubsw` gives pairs in 16 bits, added in 16 bits while they cannot overflow
//!   (Q4_K a whole sub-block: 16·15·128 = 30,720; Q6_K four products: 4·63·128 = 32,256), then
//!   `vpmaddwd` against the scale repeated in both halves of the lane.
//!
//! The Q4_K mins and the Q6_K offset of 32 are taken back through the activations' 16-value
//! sums (`bsums`), with `vpdpwssd` (or `vpmaddwd` and `vpaddd`). So each super-block's two (Q4_K)
//! or one (Q6_K) integer sums per row are exact and the same in both sets, and are scaled and
//! accumulated in f32 in a fixed order:
//! - Q4_K: `acc = fma(d·dx, Σ_s scale_s·Σ q·x, acc)`, then `acc = fma(−(dmin·dx), Σ_s min_s·bsum_s, acc)`;
//! - Q6_K: `acc = fma(d·dx, Σ_t scale_t·(Σ q·x − 32·bsum_t), acc)`;
//!
//! from zero, super-block after super-block: a row's result does not depend on the rows
//! computed with it, nor on the kernel set.
//!
//! The callers use candle's dot product where `KernelSet::active` is not a vector set.

use candle_core::quantized::k_quants::BlockQ8K;

use super::kernels::KernelSet;
use super::row_groups::{Kind, ROWS};
use super::simd::{by_rows, GROUP_ACT_ROWS};
#[cfg(target_arch = "aarch64")]
use super::simd_neon as neon;

/// Values per super-block.
const QK_K: usize = 256;

// The Q8_K byte offsets below assume candle's `repr(C)` layout (llama.cpp's): d f32,
// qs [i8; 256], bsums [i16; 16].
const _: () = assert!(std::mem::size_of::<BlockQ8K>() == 292);

/// Panics unless `set` is a vector set this CPU has.
fn check_set(set: KernelSet) {
    assert!(
        set.is_vector() && set.supported(),
        "the k-quant kernels: this CPU lacks {}",
        set.features()
    );
}

/// Dot products of the eight weight rows of one Q4_K or Q6_K group (`group`: its `k/256` group
/// blocks) with the Q8_K activation rows `first..first + out.len()` of `act` (rows of `k/256`
/// blocks; at most [`GROUP_ACT_ROWS`]): `out[r][j]` is activation row `first + r` against the
/// group's row `j`, computed as the module's documentation says.
///
/// # Panics
/// If `set` is not a vector set this CPU has, `kind` not Q4_K or Q6_K, or the sizes do not
/// match.
pub fn dot_group(
    set: KernelSet,
    kind: Kind,
    group: &[u8],
    act: &[BlockQ8K],
    k: usize,
    first: usize,
    out: &mut [[f32; 8]],
) {
    check_set(set);
    assert!(
        matches!(kind, Kind::Q4K | Kind::Q6K),
        "{kind:?} is not a k-quant"
    );
    assert!(k.is_multiple_of(QK_K) && group.len() == ROWS * kind.row_bytes(k));
    let blocks = k / QK_K;
    assert!(out.len() <= GROUP_ACT_ROWS && (first + out.len()) * blocks <= act.len());
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: the CPU has the set's features (checked above); every load reads inside `group`
    // and the activation rows `first..first + out.len()` (sizes checked above).
    unsafe {
        let (g, n) = (group.as_ptr(), out.len());
        let x = act.as_ptr().add(first * blocks) as *const u8;
        match (set, kind == Kind::Q6K) {
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx512Vnni, false) => by_rows!(n, x86::q4k_vnni<>(g, x, blocks, out)),
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx512Vnni, true) => by_rows!(n, x86::q6k_vnni<>(g, x, blocks, out)),
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx2, false) => by_rows!(n, x86::q4k_avx2<>(g, x, blocks, out)),
            #[cfg(target_arch = "x86_64")]
            (KernelSet::Avx2, true) => by_rows!(n, x86::q6k_avx2<>(g, x, blocks, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::NeonDotprod, false) => by_rows!(n, neon::q4k_sdot<>(g, x, blocks, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::NeonDotprod, true) => by_rows!(n, neon::q6k_sdot<>(g, x, blocks, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::Neon, false) => by_rows!(n, neon::q4k_neon<>(g, x, blocks, out)),
            #[cfg(target_arch = "aarch64")]
            (KernelSet::Neon, true) => by_rows!(n, neon::q6k_neon<>(g, x, blocks, out)),
            _ => {}
        }
    }
}

/// Activation rows (`k` values each, `k` a multiple of 256) quantised to Q8_K, bit for bit as
/// candle's `BlockQ8K::from_float` does it (its scalar loop is a visible share of prompt
/// processing), rows in parallel.
///
/// # Panics
/// If `set` is not a vector set this CPU has, or `k` does not divide into blocks.
pub fn quantise_rows(set: KernelSet, xs: &[f32], k: usize) -> Vec<BlockQ8K> {
    use candle_core::quantized::k_quants::GgmlType;
    use rayon::prelude::*;
    check_set(set);
    assert!(k.is_multiple_of(QK_K) && xs.len().is_multiple_of(k.max(1)));
    let mut q = vec![BlockQ8K::zeros(); xs.len() / QK_K];
    q.par_chunks_mut(k / QK_K)
        .zip(xs.par_chunks(k.max(1)))
        .for_each(|(q, x)| {
            for (block, x) in q.iter_mut().zip(x.chunks_exact(QK_K)) {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: both vector sets have AVX2, FMA and F16C (checked above); `x` holds
                // 256 values.
                let done = unsafe { x86::quantise_q8k(x, block) };
                #[cfg(not(target_arch = "x86_64"))]
                let done = false;
                if !done {
                    BlockQ8K::from_float(x, std::slice::from_mut(block));
                }
            }
        });
    q
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{BlockQ8K, QK_K};
    use crate::model::kquant_groups::{
        Q4K_BLOCK, Q4K_D, Q4K_DMIN, Q4K_MINS, Q4K_QUANTS, Q4K_SCALES, Q6K_BLOCK, Q6K_D, Q6K_QUANTS,
        Q6K_SCALES, Q6K_SUB,
    };
    use crate::model::row_groups::ROWS;
    use crate::model::simd::x86::{hmax, quant_bytes};
    use std::arch::x86_64::*;

    /// Offsets in a Q8_K block.
    const X_QS: usize = 4;
    const X_BSUMS: usize = 4 + QK_K;

    /// One Q8_K block from 256 finite values, as candle's `from_float`: scale `max / -127`
    /// where `max` is the first value of largest magnitude, quants rounded half away from
    /// zero, 16-value sums. Returns false, writing nothing, when a value or the inverse scale
    /// is not finite (left to candle's loop). Both kernel sets use it: AVX2, FMA and F16C only.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn quantise_q8k(x: &[f32], block: &mut BlockQ8K) -> bool {
        let x = x.as_ptr();
        let sign = _mm256_set1_ps(-0.0);
        let mut amax = _mm256_setzero_ps();
        let mut finite = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        let inf = _mm256_set1_ps(f32::INFINITY);
        for i in 0..QK_K / 8 {
            let v = _mm256_andnot_ps(sign, _mm256_loadu_ps(x.add(8 * i)));
            amax = _mm256_max_ps(amax, v);
            finite = _mm256_and_ps(finite, _mm256_cmp_ps::<_CMP_LT_OQ>(v, inf));
        }
        if _mm256_movemask_ps(finite) != 0xff {
            return false;
        }
        let amax_s = hmax(amax);
        let out = block as *mut BlockQ8K as *mut u8;
        if amax_s == 0.0 {
            std::ptr::write_bytes(out, 0, std::mem::size_of::<BlockQ8K>());
            return true;
        }
        // The first value of that magnitude: its sign decides the scale's.
        let target = _mm256_set1_ps(amax_s);
        let mut max = 0f32;
        for i in 0..QK_K / 8 {
            let v = _mm256_loadu_ps(x.add(8 * i));
            let hit = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_EQ_OQ>(
                _mm256_andnot_ps(sign, v),
                target,
            ));
            if hit != 0 {
                max = *x.add(8 * i + hit.trailing_zeros() as usize);
                break;
            }
        }
        let iscale = -127f32 / max;
        if !iscale.is_finite() {
            return false; // subnormal values: 0 · ∞ quantises to 0 in candle's loop
        }
        let scale = _mm256_set1_ps(iscale);
        let qs = out.add(X_QS);
        for i in 0..QK_K / 8 {
            let p = _mm256_mul_ps(scale, _mm256_loadu_ps(x.add(8 * i)));
            let q = quant_bytes(p);
            _mm_storel_epi64(qs.add(8 * i) as *mut __m128i, q);
        }
        for j in 0..QK_K / 16 {
            let mut sum = 0i32;
            for l in 0..16 {
                sum += *(qs.add(16 * j + l) as *const i8) as i32;
            }
            (out.add(X_BSUMS + 2 * j) as *mut i16).write_unaligned(sum as i16);
        }
        (out as *mut f32).write_unaligned(1.0 / iscale);
        true
    }

    /// Bytes of a Q8_K block.
    const X_BLOCK: usize = std::mem::size_of::<BlockQ8K>();

    /// The 32-bit value at `p` in every lane.
    #[inline(always)]
    unsafe fn broadcast(p: *const u8) -> __m256i {
        _mm256_set1_epi32((p as *const i32).read_unaligned())
    }

    #[inline(always)]
    unsafe fn load(p: *const u8) -> __m256i {
        _mm256_loadu_si256(p as *const __m256i)
    }

    /// Eight bytes at `p`, zero-extended to the eight 32-bit lanes.
    #[inline(always)]
    unsafe fn widen_u8(p: *const u8) -> __m256i {
        _mm256_cvtepu8_epi32(_mm_loadl_epi64(p as *const __m128i))
    }

    /// Each lane's low 16 bits in both of its halves (the lanes hold 0..=65535 or a sign
    /// extension: the low half is the 16-bit value).
    #[inline(always)]
    unsafe fn twice(v: __m256i) -> __m256i {
        _mm256_or_si256(
            _mm256_and_si256(v, _mm256_set1_epi32(0xffff)),
            _mm256_slli_epi32::<16>(v),
        )
    }

    /// `acc + Σ` of the products of `a`'s and `b`'s 16-bit lanes, pairwise into 32-bit lanes
    /// (`vpdpwssd`, or `vpmaddwd` then `vpaddd`: the same exact sums where no pair is
    /// −32768·−32768, which the scales, mins and 16-value sums are far from).
    #[inline(always)]
    unsafe fn dot_words<const VNNI: bool>(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
        if VNNI {
            _mm256_dpwssd_epi32(acc, a, b)
        } else {
            _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
        }
    }

    /// `acc + Σ` of the unsigned bytes of `w` times the signed bytes of `x`, by 32-bit lane,
    /// exact: with VNNI only (the AVX2 kernels sum in 16 bits first, see the module's docs).
    #[inline(always)]
    unsafe fn dot_bytes(acc: __m256i, w: __m256i, x: __m256i) -> __m256i {
        _mm256_dpbusd_epi32(acc, w, x)
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn q4k_vnni<const R: usize>(
        g: *const u8,
        x: *const u8,
        blocks: usize,
        out: &mut [[f32; 8]],
    ) {
        q4k::<true, R>(g, x, blocks, out)
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn q4k_avx2<const R: usize>(
        g: *const u8,
        x: *const u8,
        blocks: usize,
        out: &mut [[f32; 8]],
    ) {
        q4k::<false, R>(g, x, blocks, out)
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn q6k_vnni<const R: usize>(
        g: *const u8,
        x: *const u8,
        blocks: usize,
        out: &mut [[f32; 8]],
    ) {
        q6k::<true, R>(g, x, blocks, out)
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn q6k_avx2<const R: usize>(
        g: *const u8,
        x: *const u8,
        blocks: usize,
        out: &mut [[f32; 8]],
    ) {
        q6k::<false, R>(g, x, blocks, out)
    }

    /// The Q4_K group kernel for `R` activation rows (`x`: the first one's Q8_K blocks, the
    /// others after it), inlined into each set's entry point (compiled with its instructions).
    // Long on purpose: one kernel's loads, unpacking and accumulators read together, in the
    // order the instructions run; split, the lockstep across registers would be hidden.
    // Indices address several register arrays in lockstep: clearer than zipped iterators.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    unsafe fn q4k<const VNNI: bool, const R: usize>(
        g: *const u8,
        x: *const u8,
        blocks: usize,
        out: &mut [[f32; 8]],
    ) {
        let low4 = _mm256_set1_epi8(0x0f);
        let low6 = _mm256_set1_epi8(0x3f);
        let bits45 = _mm256_set1_epi8(0x30);
        let mut acc = [_mm256_setzero_ps(); R];
        for b in 0..blocks {
            let gb = g.add(b * ROWS * Q4K_BLOCK);
            let d = _mm256_cvtph_ps(_mm_loadu_si128(gb.add(Q4K_D) as *const __m128i));
            let dmin = _mm256_cvtph_ps(_mm_loadu_si128(gb.add(Q4K_DMIN) as *const __m128i));
            // The 64 scales and the 64 mins as bytes, entry 8s + j.
            let (sa, sb) = (load(gb.add(Q4K_SCALES)), load(gb.add(Q4K_SCALES + 32)));
            let nibbles = load(gb.add(Q4K_MINS));
            let mut scales = [0u8; 64];
            let mut mins = [0u8; 64];
            let at = |a: &mut [u8; 64], i: usize| a.as_mut_ptr().add(i) as *mut __m256i;
            _mm256_storeu_si256(at(&mut scales, 0), _mm256_and_si256(sa, low6));
            _mm256_storeu_si256(at(&mut scales, 32), _mm256_and_si256(sb, low6));
            let high = |v: __m256i| _mm256_and_si256(_mm256_srli_epi16::<2>(v), bits45);
            _mm256_storeu_si256(
                at(&mut mins, 0),
                _mm256_or_si256(_mm256_and_si256(nibbles, low4), high(sa)),
            );
            _mm256_storeu_si256(
                at(&mut mins, 32),
                _mm256_or_si256(
                    _mm256_and_si256(_mm256_srli_epi16::<4>(nibbles), low4),
                    high(sb),
                ),
            );
            let mut isum = [_mm256_setzero_si256(); R];
            for s in 0..8 {
                // VNNI multiplies the 32-bit sums by the scale; AVX2 the 16-bit pairs.
                let sc = widen_u8(scales.as_ptr().add(8 * s));
                let sc = if VNNI { sc } else { twice(sc) };
                let mut w = [_mm256_setzero_si256(); 8];
                for p in 0..4 {
                    let bits = load(gb.add(Q4K_QUANTS + 128 * s + 32 * p));
                    w[p] = _mm256_and_si256(bits, low4);
                    w[p + 4] = _mm256_and_si256(_mm256_srli_epi16::<4>(bits), low4);
                }
                for r in 0..R {
                    let xq = x.add((r * blocks + b) * X_BLOCK + X_QS + 32 * s);
                    let four = |c: usize| broadcast(xq.add(4 * c));
                    if VNNI {
                        // Two chains, half the latency of one.
                        let mut even = _mm256_setzero_si256();
                        let mut odd = _mm256_setzero_si256();
                        for c in (0..8).step_by(2) {
                            even = dot_bytes(even, w[c], four(c));
                            odd = dot_bytes(odd, w[c + 1], four(c + 1));
                        }
                        let sum = _mm256_add_epi32(even, odd);
                        isum[r] = _mm256_add_epi32(isum[r], _mm256_mullo_epi32(sum, sc));
                    } else {
                        let p = |c: usize| _mm256_maddubs_epi16(w[c], four(c));
                        let sum = _mm256_add_epi16(
                            _mm256_add_epi16(
                                _mm256_add_epi16(p(0), p(1)),
                                _mm256_add_epi16(p(2), p(3)),
                            ),
                            _mm256_add_epi16(
                                _mm256_add_epi16(p(4), p(5)),
                                _mm256_add_epi16(p(6), p(7)),
                            ),
                        );
                        isum[r] = _mm256_add_epi32(isum[r], _mm256_madd_epi16(sum, sc));
                    }
                }
            }
            // min_s twice in each lane, against the two 16-value sums of sub-block s.
            let mut mn = [_mm256_setzero_si256(); 8];
            for (s, mn) in mn.iter_mut().enumerate() {
                *mn = twice(widen_u8(mins.as_ptr().add(8 * s)));
            }
            for r in 0..R {
                let xb = x.add((r * blocks + b) * X_BLOCK);
                let mut msum = _mm256_setzero_si256();
                for s in 0..8 {
                    msum = dot_words::<VNNI>(msum, mn[s], broadcast(xb.add(X_BSUMS + 4 * s)));
                }
                let dx = _mm256_set1_ps((xb as *const f32).read_unaligned());
                acc[r] = _mm256_fmadd_ps(_mm256_mul_ps(d, dx), _mm256_cvtepi32_ps(isum[r]), acc[r]);
                acc[r] =
                    _mm256_fnmadd_ps(_mm256_mul_ps(dmin, dx), _mm256_cvtepi32_ps(msum), acc[r]);
            }
        }
        for r in 0..R {
            _mm256_storeu_ps(out[r].as_mut_ptr(), acc[r]);
        }
    }

    /// The Q6_K group kernel, as [`q4k`].
    // Long on purpose: one kernel's loads, unpacking and accumulators read together, in the
    // order the instructions run; split, the lockstep across registers would be hidden.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    unsafe fn q6k<const VNNI: bool, const R: usize>(
        g: *const u8,
        x: *const u8,
        blocks: usize,
        out: &mut [[f32; 8]],
    ) {
        let low4 = _mm256_set1_epi8(0x0f);
        let bits45 = _mm256_set1_epi8(0x30);
        let mut acc = [_mm256_setzero_ps(); R];
        for b in 0..blocks {
            let gb = g.add(b * ROWS * Q6K_BLOCK);
            let d = _mm256_cvtph_ps(_mm_loadu_si128(gb.add(Q6K_D) as *const __m128i));
            let scales = gb.add(Q6K_SCALES);
            let mut isum = [_mm256_setzero_si256(); R];
            for t in 0..16 {
                let sc = _mm256_cvtepi8_epi32(_mm_loadl_epi64(scales.add(8 * t) as *const __m128i));
                let sc = if VNNI { sc } else { twice(sc) };
                let sub = gb.add(Q6K_QUANTS + Q6K_SUB * t);
                let (n0, n1, h) = (load(sub), load(sub.add(32)), load(sub.add(64)));
                let w = [
                    _mm256_or_si256(
                        _mm256_and_si256(n0, low4),
                        _mm256_and_si256(_mm256_slli_epi16::<4>(h), bits45),
                    ),
                    _mm256_or_si256(
                        _mm256_and_si256(n1, low4),
                        _mm256_and_si256(_mm256_slli_epi16::<2>(h), bits45),
                    ),
                    _mm256_or_si256(
                        _mm256_and_si256(_mm256_srli_epi16::<4>(n0), low4),
                        _mm256_and_si256(h, bits45),
                    ),
                    _mm256_or_si256(
                        _mm256_and_si256(_mm256_srli_epi16::<4>(n1), low4),
                        _mm256_and_si256(_mm256_srli_epi16::<2>(h), bits45),
                    ),
                ];
                for r in 0..R {
                    let xq = x.add((r * blocks + b) * X_BLOCK + X_QS + 16 * t);
                    let four = |c: usize| broadcast(xq.add(4 * c));
                    if VNNI {
                        let even = dot_bytes(
                            dot_bytes(_mm256_setzero_si256(), w[0], four(0)),
                            w[2],
                            four(2),
                        );
                        let odd = dot_bytes(
                            dot_bytes(_mm256_setzero_si256(), w[1], four(1)),
                            w[3],
                            four(3),
                        );
                        let sum = _mm256_add_epi32(even, odd);
                        isum[r] = _mm256_add_epi32(isum[r], _mm256_mullo_epi32(sum, sc));
                    } else {
                        let p = |c: usize| _mm256_maddubs_epi16(w[c], four(c));
                        let sum01 = _mm256_add_epi16(p(0), p(1));
                        let sum23 = _mm256_add_epi16(p(2), p(3));
                        let sum = _mm256_add_epi32(
                            _mm256_madd_epi16(sum01, sc),
                            _mm256_madd_epi16(sum23, sc),
                        );
                        isum[r] = _mm256_add_epi32(isum[r], sum);
                    }
                }
            }
            // Lane j: the scales of sub-blocks 2u and 2u + 1, against their 16-value sums.
            let mut pairs = [_mm256_setzero_si256(); 8];
            for (u, pair) in pairs.iter_mut().enumerate() {
                let lo = _mm_loadl_epi64(scales.add(16 * u) as *const __m128i);
                let hi = _mm_loadl_epi64(scales.add(16 * u + 8) as *const __m128i);
                *pair = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(lo, hi));
            }
            for r in 0..R {
                let xb = x.add((r * blocks + b) * X_BLOCK);
                let mut offset = _mm256_setzero_si256();
                for u in 0..8 {
                    offset =
                        dot_words::<VNNI>(offset, pairs[u], broadcast(xb.add(X_BSUMS + 4 * u)));
                }
                let sum = _mm256_sub_epi32(isum[r], _mm256_slli_epi32::<5>(offset));
                let dx = _mm256_set1_ps((xb as *const f32).read_unaligned());
                acc[r] = _mm256_fmadd_ps(_mm256_mul_ps(d, dx), _mm256_cvtepi32_ps(sum), acc[r]);
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
    use crate::model::row_groups;
    use candle_core::quantized::k_quants::{BlockQ4K, BlockQ6K, GgmlType};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// A block's bytes, mutable (the fields are private to candle; the layouts are `repr(C)`).
    fn bytes_mut<T>(block: &mut T) -> &mut [u8] {
        // SAFETY: plain-old-data `repr(C)` blocks without padding (sizes asserted above).
        unsafe {
            std::slice::from_raw_parts_mut(block as *mut T as *mut u8, std::mem::size_of::<T>())
        }
    }

    fn bytes<T>(block: &T) -> &[u8] {
        // SAFETY: as above.
        unsafe {
            std::slice::from_raw_parts(block as *const T as *const u8, std::mem::size_of::<T>())
        }
    }

    fn f16_bytes(v: f32) -> [u8; 2] {
        half::f16::from_f32(v).to_bits().to_le_bytes()
    }

    /// Values with a spread of magnitudes: some 32-value runs tiny, some large.
    fn values(rng: &mut StdRng, n: usize) -> Vec<f32> {
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            let scale = match rng.random_range(0..6) {
                0 => 1e-3,
                1 => 40.0,
                _ => 1.0,
            };
            let offset = if rng.random_range(0..4) == 0 {
                scale
            } else {
                0.0
            };
            for _ in 0..32 {
                v.push((rng.random::<f32>() * 2.0 - 1.0) * scale + offset);
            }
        }
        v.truncate(n);
        v
    }

    /// Q4_K rows: from candle's quantiser, and (every other block of `raw` rows) random bytes,
    /// every scale, min and quant valid, with extreme f16 factors.
    fn q4k_row(rng: &mut StdRng, k: usize, raw: bool) -> Vec<BlockQ4K> {
        let mut row = vec![BlockQ4K::zeros(); k / QK_K];
        BlockQ4K::from_float(&values(rng, k), &mut row);
        if raw {
            for block in row.iter_mut().step_by(2) {
                let b = bytes_mut(block);
                rng.fill(&mut b[4..]);
                let d = [6e4, 1.0, 1e-4, 0.0][rng.random_range(0..4)];
                let dmin = [6e4, 0.5, 1e-4, 0.0][rng.random_range(0..4)];
                b[0..2].copy_from_slice(&f16_bytes(d));
                b[2..4].copy_from_slice(&f16_bytes(dmin));
            }
        }
        row
    }

    fn q6k_row(rng: &mut StdRng, k: usize, raw: bool) -> Vec<BlockQ6K> {
        let mut row = vec![BlockQ6K::zeros(); k / QK_K];
        BlockQ6K::from_float(&values(rng, k), &mut row);
        if raw {
            for block in row.iter_mut().step_by(2) {
                let b = bytes_mut(block);
                rng.fill(&mut b[..208]);
                if rng.random_range(0..2) == 0 {
                    b[192..208].fill(0x80); // scale -128 everywhere
                }
                let d = [6e4, 1.0, 1e-4][rng.random_range(0..3)];
                b[208..210].copy_from_slice(&f16_bytes(d));
            }
        }
        row
    }

    /// Activation rows: candle's quantiser, and in `raw` rows one block of random bytes with
    /// the extreme -128 (consistent `bsums`).
    fn q8k_rows(rng: &mut StdRng, rows: usize, k: usize, raw: bool) -> Vec<BlockQ8K> {
        let mut act = vec![BlockQ8K::zeros(); rows * k / QK_K];
        BlockQ8K::from_float(&values(rng, rows * k), &mut act);
        if raw {
            for block in act.iter_mut().step_by(3) {
                let b = bytes_mut(block);
                rng.fill(&mut b[4..4 + QK_K]);
                b[4] = 0x80;
                b[4 + QK_K - 1] = 0x80;
                for j in 0..QK_K / 16 {
                    let sum: i32 = b[4 + 16 * j..4 + 16 * j + 16]
                        .iter()
                        .map(|&q| q as i8 as i32)
                        .sum();
                    b[4 + QK_K + 2 * j..4 + QK_K + 2 * j + 2]
                        .copy_from_slice(&(sum as i16).to_le_bytes());
                }
            }
        }
        act
    }

    /// Σ |terms| of a product, in f64: the scale for the tolerance (the sums are computed in
    /// separately scaled parts, so cancellations between weights do not count).
    fn magnitude_q4k(w: &[BlockQ4K], x: &[BlockQ8K]) -> f64 {
        let mut total = 0f64;
        for (wb, xb) in w.iter().zip(x) {
            let wb = bytes(wb);
            let xb = bytes(xb);
            let f = |i: usize| half::f16::from_le_bytes([wb[i], wb[i + 1]]).to_f64();
            let (d, dmin) = (f(0), f(2));
            let dx = f32::from_le_bytes(xb[0..4].try_into().unwrap()) as f64;
            for i in 0..QK_K {
                let (scale, min) = scale_min_k4(i / 32, wb[4..16].try_into().unwrap());
                let byte = wb[16 + (i / 64) * 32 + i % 32];
                let q = if i % 64 < 32 { byte & 0xf } else { byte >> 4 };
                let x = (xb[4 + i] as i8 as f64).abs() * dx.abs();
                total += (d.abs() * (scale as f64) * (q as f64) + dmin.abs() * (min as f64)) * x;
            }
        }
        total
    }

    fn magnitude_q6k(w: &[BlockQ6K], x: &[BlockQ8K]) -> f64 {
        let mut total = 0f64;
        for (wb, xb) in w.iter().zip(x) {
            let wb = bytes(wb);
            let xb = bytes(xb);
            let d = half::f16::from_le_bytes([wb[208], wb[209]]).to_f64();
            let dx = f32::from_le_bytes(xb[0..4].try_into().unwrap()) as f64;
            for i in 0..QK_K {
                let scale = (wb[192 + i / 16] as i8 as f64).abs();
                let x = (xb[4 + i] as i8 as f64).abs();
                total += d.abs() * scale * 32.0 * x * dx.abs();
            }
        }
        total
    }

    fn f16_at(b: &[u8], i: usize) -> f32 {
        half::f16::from_le_bytes([b[i], b[i + 1]]).to_f32()
    }

    /// A Q8_K block's scale, quant `i` and 16-value sum `t`.
    fn act_parts(xb: &[u8]) -> (f32, impl Fn(usize) -> i32 + '_, impl Fn(usize) -> i32 + '_) {
        let dx = f32::from_le_bytes(xb[0..4].try_into().unwrap());
        let q = |i: usize| xb[4 + i] as i8 as i32;
        let bsum = |t: usize| i16::from_le_bytes([xb[260 + 2 * t], xb[261 + 2 * t]]) as i32;
        (dx, q, bsum)
    }

    /// The arithmetic the module promises for Q4_K, one scalar step at a time, on GGUF blocks.
    fn reference_q4k(w: &[BlockQ4K], x: &[BlockQ8K]) -> f32 {
        let mut acc = 0f32;
        for (wb, xb) in w.iter().zip(x) {
            let (wb, xb) = (bytes(wb), bytes(xb));
            let (dx, xq, bsum) = act_parts(xb);
            let (mut sums, mut mins) = (0i32, 0i32);
            for s in 0..8 {
                let (scale, min) = scale_min_k4(s, wb[4..16].try_into().unwrap());
                let dot: i32 = (32 * s..32 * s + 32)
                    .map(|i| {
                        let byte = wb[16 + (i / 64) * 32 + i % 32];
                        let q = if i % 64 < 32 { byte & 0xf } else { byte >> 4 };
                        q as i32 * xq(i)
                    })
                    .sum();
                sums += scale as i32 * dot;
                mins += min as i32 * (bsum(2 * s) + bsum(2 * s + 1));
            }
            acc = (f16_at(wb, 0) * dx).mul_add(sums as f32, acc);
            acc = (-(f16_at(wb, 2) * dx)).mul_add(mins as f32, acc);
        }
        acc
    }

    /// The same for Q6_K (the quants decoded as llama.cpp's `dequantize_row_q6_K` does).
    fn reference_q6k(w: &[BlockQ6K], x: &[BlockQ8K]) -> f32 {
        let mut acc = 0f32;
        for (wb, xb) in w.iter().zip(x) {
            let (wb, xb) = (bytes(wb), bytes(xb));
            let (dx, xq, bsum) = act_parts(xb);
            let mut q = [0i32; QK_K];
            for half in 0..2 {
                let (ql, qh) = (&wb[64 * half..], &wb[128 + 32 * half..]);
                for l in 0..32 {
                    let y = &mut q[128 * half + l..];
                    y[0] = ((ql[l] & 0xf) | ((qh[l] & 3) << 4)) as i32;
                    y[32] = ((ql[l + 32] & 0xf) | (((qh[l] >> 2) & 3) << 4)) as i32;
                    y[64] = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) as i32;
                    y[96] = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) as i32;
                }
            }
            let mut sums = 0i32;
            for t in 0..16 {
                let dot: i32 = (16 * t..16 * t + 16).map(|i| q[i] * xq(i)).sum();
                sums += wb[192 + t] as i8 as i32 * (dot - 32 * bsum(t));
            }
            acc = (f16_at(wb, 208) * dx).mul_add(sums as f32, acc);
        }
        acc
    }

    /// Each kernel set the CPU has, on rows packed in groups, gives the reference's bits for
    /// every row in every batch of activation rows (so the sets agree with each other), and
    /// the reference is candle's dot product to rounding. Eleven rows: the second group is
    /// partly padding, whose products are 0.
    fn compare<T: GgmlType<VecDotType = BlockQ8K>>(
        kind: Kind,
        row: fn(&mut StdRng, usize, bool) -> Vec<T>,
        reference: fn(&[T], &[BlockQ8K]) -> f32,
        magnitude: fn(&[T], &[BlockQ8K]) -> f64,
    ) {
        let sets = crate::model::kernels::testable_sets();
        if sets.is_empty() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(0x9e37_79b9);
        let (n, m) = (11, GROUP_ACT_ROWS + 1);
        for k in [256, 512, 1536, 2560] {
            let blocks = k / QK_K;
            for trial in 0..6 {
                let rows: Vec<Vec<T>> = (0..n)
                    .map(|i| row(&mut rng, k, (trial + i) % 2 == 1))
                    .collect();
                let act = q8k_rows(&mut rng, m, k, trial % 2 == 1);
                let mut want = vec![[0f32; GROUP_ACT_ROWS + 1]; n];
                for (i, w) in rows.iter().enumerate() {
                    for (r, want) in want[i].iter_mut().enumerate() {
                        let x = &act[r * blocks..(r + 1) * blocks];
                        *want = reference(w, x);
                        // Where candle's kernels can run (not on an aarch64 CPU without `sdot`).
                        if !KernelSet::Portable.supported() {
                            continue;
                        }
                        let candle = T::vec_dot(k, w, x);
                        let tolerance = 1e-5 * magnitude(w, x).max(f64::MIN_POSITIVE);
                        assert!(
                            ((*want - candle) as f64).abs() <= tolerance,
                            "{kind:?} k {k} trial {trial} row {i},{r}: {want} vs candle {candle} (± {tolerance})"
                        );
                    }
                }
                let mut groups = vec![0u8; kind.size(n, k)];
                for (i, w) in rows.iter().enumerate() {
                    let rb = kind.row_bytes(k);
                    groups[i * rb..(i + 1) * rb].copy_from_slice(slice_bytes(w));
                }
                row_groups::pack_in_place(kind, &mut groups, n, k);
                let mut out = [[0f32; 8]; GROUP_ACT_ROWS];
                for &set in &sets {
                    for len in 1..=GROUP_ACT_ROWS {
                        for first in 0..=m - len {
                            for (g, group) in
                                groups.chunks_exact(ROWS * kind.row_bytes(k)).enumerate()
                            {
                                dot_group(set, kind, group, &act, k, first, &mut out[..len]);
                                for (r, lanes) in out[..len].iter().enumerate() {
                                    for (j, &v) in lanes.iter().enumerate() {
                                        let i = g * ROWS + j;
                                        let want = if i < n { want[i][first + r] } else { 0.0 };
                                        assert_eq!(
                                            v.to_bits(),
                                            want.to_bits(),
                                            "{set:?} {kind:?} k {k} trial {trial}: row {i}, activation row {} in {first}..{}",
                                            first + r,
                                            first + len
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A row of blocks as bytes.
    fn slice_bytes<T>(blocks: &[T]) -> &[u8] {
        // SAFETY: as in `bytes`.
        unsafe {
            std::slice::from_raw_parts(blocks.as_ptr() as *const u8, std::mem::size_of_val(blocks))
        }
    }

    #[test]
    fn q4k_groups_give_the_reference_bits_and_candles_values() {
        compare::<BlockQ4K>(Kind::Q4K, q4k_row, reference_q4k, magnitude_q4k);
    }

    #[test]
    fn q6k_groups_give_the_reference_bits_and_candles_values() {
        compare::<BlockQ6K>(Kind::Q6K, q6k_row, reference_q6k, magnitude_q6k);
    }

    #[test]
    fn activations_quantise_as_candle() {
        for set in crate::model::kernels::testable_sets() {
            activations_quantise_as_candle_with(set);
        }
    }

    fn activations_quantise_as_candle_with(set: KernelSet) {
        let mut rng = StdRng::seed_from_u64(11);
        let k = 2048;
        for trial in 0..40 {
            let mut xs = values(&mut rng, 3 * k);
            let block = |b: usize| b * QK_K..(b + 1) * QK_K;
            match trial % 8 {
                // Exact ties: scale 1 (the first largest value is -127), quants at n + 0.5.
                1 => {
                    for (i, x) in xs[block(2)].iter_mut().enumerate() {
                        *x = (i % 254) as f32 - 126.5;
                    }
                    xs[2 * QK_K + 7] = -127.0;
                }
                // Largest magnitude twice, with both signs: the first decides.
                2 => {
                    xs[3 * QK_K + 5] = 90.0;
                    xs[3 * QK_K + 200] = -90.0;
                    xs[4 * QK_K + 9] = -90.0;
                    xs[4 * QK_K + 10] = 90.0;
                }
                3 => xs[block(5)].fill(0.0),
                4 => xs[block(6)].iter_mut().for_each(|x| *x *= 1e-40), // subnormal
                5 => xs[QK_K + 17] = f32::NAN,
                6 => xs[QK_K + 3] = f32::NEG_INFINITY,
                7 => xs[block(7)].iter_mut().for_each(|x| *x = x.signum() * 1e38),
                _ => {}
            }
            let ours = quantise_rows(set, &xs, k);
            let mut candle = vec![BlockQ8K::zeros(); xs.len() / QK_K];
            BlockQ8K::from_float(&xs, &mut candle);
            for (b, (o, c)) in ours.iter().zip(&candle).enumerate() {
                assert_eq!(bytes(o), bytes(c), "{set:?} trial {trial} block {b}");
            }
        }
    }

    /// llama.cpp's `get_scale_min_k4`, written out: scale and min of Q4_K sub-block `j`.
    fn scale_min_k4(j: usize, q: &[u8; 12]) -> (u8, u8) {
        if j < 4 {
            (q[j] & 63, q[j + 4] & 63)
        } else {
            (
                (q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4),
                (q[j + 4] >> 4) | ((q[j] >> 6) << 4),
            )
        }
    }
}
