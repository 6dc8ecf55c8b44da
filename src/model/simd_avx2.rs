//! The eight-row group products (`simd::dot_group`) with AVX2, FMA and F16C alone, for CPUs
//! without AVX-512 VNNI: the same layout (`row_groups`), the same exact integer sums, the same
//! f32 accumulation, so the same bits as the VNNI kernel.
//!
//! Without `vpdpbusd`, `vpmaddubsw` multiplies unsigned weight bytes by signed activation bytes
//! into 16-bit sums of pairs, which SATURATE, and `vpmaddwd` by ones widens them to the 32-bit
//! lanes (four bytes of one row each). The activations are in −127..=127 (`simd::Activations`).
//! - Q5_0 weights are stored as 0..=31: a pair is at most 2·31·128 = 7936, so four products
//!   of a vector are summed in 16 bits (31,744 at most) before one widening.
//! - Q8_0 weights are stored plus 128 (0..=255), which could saturate (255·127·2 > 32767):
//!   the kernel multiplies |w| (at most 128) by the activation with the sign of `w` instead, a
//!   pair at most 2·128·127 = 32512, so no offset is taken back either.

use std::arch::x86_64::*;

use super::row_groups::{Kind, Q5_0_MASKS, Q5_0_NIBBLES, Q8_0_QUANTS, ROWS, SCALES};
use super::simd::{Activations, BLOCK};

/// Byte `i` of the result: `value`'s byte `i` where bit `i` of lane `c` of `masks` is set,
/// else 0.
#[inline(always)]
unsafe fn select_bytes(masks: __m256i, c: i32, value: __m256i) -> __m256i {
    // Lane c everywhere; byte i then gets byte i / 8 of it (each 128-bit half indexes its own
    // copy), whose bit i % 8 is tested.
    let mask = _mm256_permutevar8x32_epi32(masks, _mm256_set1_epi32(c));
    let spread = _mm256_shuffle_epi8(
        mask,
        _mm256_setr_epi64x(
            0,
            0x0101_0101_0101_0101,
            0x0202_0202_0202_0202,
            0x0303_0303_0303_0303,
        ),
    );
    let bit = _mm256_set1_epi64x(0x8040_2010_0804_0201u64 as i64);
    _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), value)
}

/// The kernel of `simd::dot_group` for `R` activation rows; Q5_0 groups when `Q5`.
// Long on purpose: one kernel's loads, unpacking and accumulators read together, in the
// order the instructions run; split, the lockstep across registers would be hidden.
// Indices address several register arrays in lockstep: clearer than zipped iterators.
#[allow(clippy::needless_range_loop)]
#[target_feature(enable = "avx2,fma,f16c")]
pub unsafe fn dot_group<const Q5: bool, const R: usize>(
    group: *const u8,
    act: &Activations,
    first: usize,
    out: &mut [[f32; 8]],
) {
    let k = act.k;
    let blocks = k / BLOCK;
    let size = ROWS * if Q5 { Kind::Q5_0 } else { Kind::Q8_0 }.block_bytes();
    let low = _mm256_set1_epi8(0x0F);
    let fifth = _mm256_set1_epi8(0x10);
    let ones = _mm256_set1_epi16(1);
    let mut acc = [_mm256_setzero_ps(); R];
    for b in 0..blocks {
        let gb = group.add(b * size);
        let scales = _mm256_cvtph_ps(_mm_loadu_si128(gb.add(SCALES) as *const __m128i));
        // Q5_0: the weights 0..=31. Q8_0: |w| in `w`, w itself (for its sign) in `sign`.
        let mut w = [_mm256_setzero_si256(); 8];
        let mut sign = [_mm256_setzero_si256(); 8];
        if Q5 {
            // The eight 32-bit masks, mask c in lane c.
            let masks = _mm256_loadu_si256(gb.add(Q5_0_MASKS) as *const __m256i);
            for p in 0..4 {
                let nibbles = _mm256_loadu_si256(gb.add(Q5_0_NIBBLES + 32 * p) as *const __m256i);
                w[p] = _mm256_or_si256(
                    _mm256_and_si256(nibbles, low),
                    select_bytes(masks, p as i32, fifth),
                );
                w[p + 4] = _mm256_or_si256(
                    _mm256_and_si256(_mm256_srli_epi16::<4>(nibbles), low),
                    select_bytes(masks, p as i32 + 4, fifth),
                );
            }
        } else {
            let offset = _mm256_set1_epi8(i8::MIN);
            for c in 0..8 {
                let stored = _mm256_loadu_si256(gb.add(Q8_0_QUANTS + 32 * c) as *const __m256i);
                sign[c] = _mm256_xor_si256(stored, offset); // w + 128 − 128, as i8
                w[c] = _mm256_abs_epi8(sign[c]); // −128 gives 0x80: 128 as unsigned
            }
        }
        for r in 0..R {
            let row = first + r;
            let x = act.qs.as_ptr().add(row * k + b * BLOCK);
            let four = |c: usize| _mm256_set1_epi32((x.add(4 * c) as *const i32).read_unaligned());
            let sum = if Q5 {
                // Σ (w + 16)·x − 16·Σ x; four vectors' pairs summed in 16 bits (exact, above).
                let half = |c: usize| {
                    let p = |c: usize| _mm256_maddubs_epi16(w[c], four(c));
                    let s = _mm256_add_epi16(
                        _mm256_add_epi16(p(c), p(c + 1)),
                        _mm256_add_epi16(p(c + 2), p(c + 3)),
                    );
                    _mm256_madd_epi16(s, ones)
                };
                let offset = _mm256_set1_epi32(-(*act.sums.get_unchecked(row * blocks + b) << 4));
                _mm256_add_epi32(_mm256_add_epi32(half(0), half(4)), offset)
            } else {
                // Two chains of integer sums (exact in any order), half the latency of one.
                let mut even = _mm256_setzero_si256();
                let mut odd = _mm256_setzero_si256();
                let term = |c: usize| {
                    let x = _mm256_sign_epi8(four(c), sign[c]);
                    _mm256_madd_epi16(_mm256_maddubs_epi16(w[c], x), ones)
                };
                for c in (0..8).step_by(2) {
                    even = _mm256_add_epi32(even, term(c));
                    odd = _mm256_add_epi32(odd, term(c + 1));
                }
                _mm256_add_epi32(even, odd)
            };
            let d = _mm256_mul_ps(
                scales,
                _mm256_set1_ps(*act.scales.get_unchecked(row * blocks + b)),
            );
            acc[r] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sum), acc[r]);
        }
    }
    for r in 0..R {
        _mm256_storeu_ps(out[r].as_mut_ptr(), acc[r]);
    }
}
