//! The eight-row group products on aarch64, in two kernel sets (`kernels::KernelSet`): NEON
//! with `sdot` (the dot-product extension: Apple Silicon, Graviton 2 and later, Cortex-A55/A76
//! and later) and NEON alone (Cortex-A53/A72, Raspberry Pi 4). They read the layouts the x86
//! kernels read (`row_groups`, `kquant_groups`): one 32-byte vector of a group holds four
//! consecutive weights of each of the eight rows, here as two 16-byte registers (rows 0–3, rows
//! 4–7), each 32-bit lane one row.
//!
//! - `sdot` adds the four products of signed bytes of each 32-bit lane to it, exactly.
//! - Without it, `smull`/`smull2` give the sixteen products in 16 bits (at most 128·128 =
//!   16,384) and `saddlp`, then `addp`, the four of each lane in 32 bits: exact as well.
//!
//! Both multiply signed bytes, so the stored unsigned weights are made signed first: Q8_0's
//! (stored plus 128) by flipping the top bit, Q5_0's (plus 16) by taking 16 away; the k-quants'
//! (Q4_K 0..15, Q6_K 0..63) are below 128 as they are, their mins and offset taken back as on
//! x86. Every block's (or sub-block's) integer sum is exact, and the blocks are scaled and
//! accumulated in f32 with the same fused multiply-adds in the same order as the x86 kernels
//! (`simd`, `simd_kquants`), so all kernel sets give the same bits, for any batch.
//!
//! Two instructions have no stable intrinsic in Rust (the f16 ones and `sdot` need nightly
//! features): `fcvtl` (f16 → f32, exact) and `sdot` are written as inline assembly.

use std::arch::aarch64::*;
use std::arch::asm;

use super::kquant_groups::{
    Q4K_BLOCK, Q4K_D, Q4K_DMIN, Q4K_MINS, Q4K_QUANTS, Q4K_SCALES, Q6K_BLOCK, Q6K_D, Q6K_QUANTS,
    Q6K_SCALES, Q6K_SUB,
};
use super::row_groups::{Kind, Q5_0_MASKS, Q5_0_NIBBLES, Q8_0_QUANTS, ROWS, SCALES};
use super::simd::{Activations, BLOCK};
use candle_core::quantized::k_quants::BlockQ8K;

/// Offsets in a Q8_K block (candle's `repr(C)` layout: d f32, qs [i8; 256], bsums [i16; 16]).
const X_QS: usize = 4;
const X_BSUMS: usize = 4 + 256;
const X_BLOCK: usize = std::mem::size_of::<BlockQ8K>();

/// `acc` plus, in each 32-bit lane, the sum of the four products of `w`'s and `x`'s signed
/// bytes of that lane.
#[inline(always)]
unsafe fn dot4<const SDOT: bool>(acc: int32x4_t, w: int8x16_t, x: int8x16_t) -> int32x4_t {
    if SDOT {
        let mut acc = acc;
        // SAFETY (of the caller): compiled only into functions with the `dotprod` feature,
        // called only where the CPU has it.
        asm!(
            "sdot {acc:v}.4s, {w:v}.16b, {x:v}.16b",
            acc = inout(vreg) acc,
            w = in(vreg) w,
            x = in(vreg) x,
            options(pure, nomem, nostack, preserves_flags)
        );
        acc
    } else {
        let low = vmull_s8(vget_low_s8(w), vget_low_s8(x));
        let high = vmull_high_s8(w, x);
        vaddq_s32(acc, vpaddq_s32(vpaddlq_s16(low), vpaddlq_s16(high)))
    }
}

/// Eight f16 at `p` as f32, rows 0–3 and 4–7 (exact).
#[inline(always)]
unsafe fn f16x8(p: *const u8) -> [float32x4_t; 2] {
    let h = vld1q_u8(p);
    let low: float32x4_t;
    let high: float32x4_t;
    // `out` (not `lateout`): neither output shares `h`'s register, read by both instructions.
    asm!(
        "fcvtl {low:v}.4s, {h:v}.4h",
        "fcvtl2 {high:v}.4s, {h:v}.8h",
        h = in(vreg) h,
        low = out(vreg) low,
        high = out(vreg) high,
        options(pure, nomem, nostack, preserves_flags)
    );
    [low, high]
}

/// The 32-bit value at `p` in every lane, as bytes.
#[inline(always)]
unsafe fn broadcast(p: *const u8) -> int8x16_t {
    vreinterpretq_s8_s32(vdupq_n_s32((p as *const i32).read_unaligned()))
}

/// Eight unsigned bytes at `p` as 32-bit lanes, rows 0–3 and 4–7.
#[inline(always)]
unsafe fn widen_u8(p: *const u8) -> [int32x4_t; 2] {
    let v = vmovl_u8(vld1_u8(p));
    [
        vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(v))),
        vreinterpretq_s32_u32(vmovl_high_u16(v)),
    ]
}

/// Eight signed bytes at `p` as 32-bit lanes, rows 0–3 and 4–7.
#[inline(always)]
unsafe fn widen_i8(p: *const u8) -> [int32x4_t; 2] {
    let v = vmovl_s8(vld1_s8(p as *const i8));
    [vmovl_s16(vget_low_s16(v)), vmovl_high_s16(v)]
}

#[inline(always)]
unsafe fn store(out: &mut [f32; 8], acc: [float32x4_t; 2]) {
    vst1q_f32(out.as_mut_ptr(), acc[0]);
    vst1q_f32(out.as_mut_ptr().add(4), acc[1]);
}

/// Entry points compiled with each set's features, around one generic kernel.
macro_rules! entry_points {
    ($kernel:ident, $sdot:ident, $plain:ident, ($($param:ident: $ty:ty),*), [$($generic:ident),*]) => {
        #[target_feature(enable = "neon,dotprod")]
        pub unsafe fn $sdot<$(const $generic: usize,)*>($($param: $ty),*) {
            $kernel::<true, $($generic,)*>($($param),*)
        }
        #[target_feature(enable = "neon")]
        pub unsafe fn $plain<$(const $generic: usize,)*>($($param: $ty),*) {
            $kernel::<false, $($generic,)*>($($param),*)
        }
    };
}

entry_points!(q8_0, q8_0_sdot, q8_0_neon, (group: *const u8, act: &Activations, first: usize, out: &mut [[f32; 8]]), [R]);
entry_points!(q5_0, q5_0_sdot, q5_0_neon, (group: *const u8, act: &Activations, first: usize, out: &mut [[f32; 8]]), [R]);
entry_points!(q4k, q4k_sdot, q4k_neon, (g: *const u8, x: *const u8, blocks: usize, out: &mut [[f32; 8]]), [R]);
entry_points!(q6k, q6k_sdot, q6k_neon, (g: *const u8, x: *const u8, blocks: usize, out: &mut [[f32; 8]]), [R]);

#[inline(always)]
unsafe fn q8_0<const SDOT: bool, const R: usize>(
    group: *const u8,
    act: &Activations,
    first: usize,
    out: &mut [[f32; 8]],
) {
    group_32::<SDOT, false, R>(group, act, first, out)
}

#[inline(always)]
unsafe fn q5_0<const SDOT: bool, const R: usize>(
    group: *const u8,
    act: &Activations,
    first: usize,
    out: &mut [[f32; 8]],
) {
    group_32::<SDOT, true, R>(group, act, first, out)
}

/// The kernel of `simd::dot_group` for `R` activation rows: Q5_0 groups when `Q5`, else Q8_0.
/// `acc = fma(d_w · d_x, Σ w·x, acc)` block after block, as on x86.
// Indices address several register arrays in lockstep: clearer than zipped iterators.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn group_32<const SDOT: bool, const Q5: bool, const R: usize>(
    group: *const u8,
    act: &Activations,
    first: usize,
    out: &mut [[f32; 8]],
) {
    let k = act.k;
    let blocks = k / BLOCK;
    let size = ROWS * if Q5 { Kind::Q5_0 } else { Kind::Q8_0 }.block_bytes();
    let low = vdupq_n_u8(0x0F);
    let fifth = vdupq_n_u8(0x10);
    let bits: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
    let bits = vld1q_u8(bits.as_ptr());
    let mut acc = [[vdupq_n_f32(0.0); 2]; R];
    for b in 0..blocks {
        let gb = group.add(b * size);
        let scales = f16x8(gb.add(SCALES));
        for h in 0..2 {
            // w[c]: weights 4c..4c + 4 of rows 4h..4h + 4, signed.
            let mut w = [vdupq_n_s8(0); 8];
            if Q5 {
                // Byte i of the half: bit 16h + i of mask c (row 4h + i/4, weight 4c + i%4).
                let high = |c: usize| {
                    let mask = (gb.add(Q5_0_MASKS + 4 * c) as *const u32).read_unaligned();
                    let half = (mask >> (16 * h)) as u16;
                    let spread = vcombine_u8(vdup_n_u8(half as u8), vdup_n_u8((half >> 8) as u8));
                    vandq_u8(vtstq_u8(spread, bits), fifth)
                };
                let sixteen = vdupq_n_s8(16);
                for p in 0..4 {
                    let nibbles = vld1q_u8(gb.add(Q5_0_NIBBLES + 32 * p + 16 * h));
                    let lo = vorrq_u8(vandq_u8(nibbles, low), high(p));
                    let hi = vorrq_u8(vshrq_n_u8::<4>(nibbles), high(p + 4));
                    w[p] = vsubq_s8(vreinterpretq_s8_u8(lo), sixteen);
                    w[p + 4] = vsubq_s8(vreinterpretq_s8_u8(hi), sixteen);
                }
            } else {
                let top = vdupq_n_u8(0x80);
                for c in 0..8 {
                    let stored = vld1q_u8(gb.add(Q8_0_QUANTS + 32 * c + 16 * h));
                    w[c] = vreinterpretq_s8_u8(veorq_u8(stored, top));
                }
            }
            for r in 0..R {
                let row = first + r;
                let x = act.qs.as_ptr().add(row * k + b * BLOCK);
                // Two chains of integer sums (exact in any order), half the latency of one.
                let mut even = vdupq_n_s32(0);
                let mut odd = vdupq_n_s32(0);
                for c in (0..8).step_by(2) {
                    even = dot4::<SDOT>(even, w[c], broadcast(x.add(4 * c)));
                    odd = dot4::<SDOT>(odd, w[c + 1], broadcast(x.add(4 * (c + 1))));
                }
                let sum = vcvtq_f32_s32(vaddq_s32(even, odd));
                let dx = vdupq_n_f32(*act.scales.get_unchecked(row * blocks + b));
                acc[r][h] = vfmaq_f32(acc[r][h], vmulq_f32(scales[h], dx), sum);
            }
        }
    }
    for r in 0..R {
        store(&mut out[r], acc[r]);
    }
}

/// The Q4_K group kernel for `R` activation rows (`x`: the first one's Q8_K blocks, the others
/// after it): `acc = fma(d·dx, Σ_s scale_s·Σ q·x, acc)`, then
/// `acc = fma(−(dmin·dx), Σ_s min_s·bsum_s, acc)`, as on x86.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn q4k<const SDOT: bool, const R: usize>(
    g: *const u8,
    x: *const u8,
    blocks: usize,
    out: &mut [[f32; 8]],
) {
    let low4 = vdupq_n_u8(0x0f);
    let low6 = vdupq_n_u8(0x3f);
    let bits45 = vdupq_n_u8(0x30);
    let mut acc = [[vdupq_n_f32(0.0); 2]; R];
    for b in 0..blocks {
        let gb = g.add(b * ROWS * Q4K_BLOCK);
        let d = f16x8(gb.add(Q4K_D));
        let dmin = f16x8(gb.add(Q4K_DMIN));
        // The 64 scales and the 64 mins as bytes, entry 8s + j.
        let mut scales = [0u8; 64];
        let mut mins = [0u8; 64];
        for q in 0..2 {
            let nibbles = vld1q_u8(gb.add(Q4K_MINS + 16 * q));
            for half in 0..2 {
                let s = vld1q_u8(gb.add(Q4K_SCALES + 32 * half + 16 * q));
                let high = vandq_u8(vshrq_n_u8::<2>(s), bits45);
                let nib = if half == 0 {
                    vandq_u8(nibbles, low4)
                } else {
                    vshrq_n_u8::<4>(nibbles)
                };
                let at = 32 * half + 16 * q;
                vst1q_u8(scales.as_mut_ptr().add(at), vandq_u8(s, low6));
                vst1q_u8(mins.as_mut_ptr().add(at), vorrq_u8(nib, high));
            }
        }
        let mut isum = [[vdupq_n_s32(0); 2]; R];
        for s in 0..8 {
            let sc = widen_u8(scales.as_ptr().add(8 * s));
            for h in 0..2 {
                let mut w = [vdupq_n_s8(0); 8];
                for p in 0..4 {
                    let bits = vld1q_u8(gb.add(Q4K_QUANTS + 128 * s + 32 * p + 16 * h));
                    w[p] = vreinterpretq_s8_u8(vandq_u8(bits, low4));
                    w[p + 4] = vreinterpretq_s8_u8(vshrq_n_u8::<4>(bits));
                }
                for r in 0..R {
                    let xq = x.add((r * blocks + b) * X_BLOCK + X_QS + 32 * s);
                    let mut even = vdupq_n_s32(0);
                    let mut odd = vdupq_n_s32(0);
                    for c in (0..8).step_by(2) {
                        even = dot4::<SDOT>(even, w[c], broadcast(xq.add(4 * c)));
                        odd = dot4::<SDOT>(odd, w[c + 1], broadcast(xq.add(4 * (c + 1))));
                    }
                    isum[r][h] = vmlaq_s32(isum[r][h], vaddq_s32(even, odd), sc[h]);
                }
            }
        }
        for r in 0..R {
            let xb = x.add((r * blocks + b) * X_BLOCK);
            let bsum = |t: usize| (xb.add(X_BSUMS + 2 * t) as *const i16).read_unaligned() as i32;
            let dx = vdupq_n_f32((xb as *const f32).read_unaligned());
            let mut msum = [vdupq_n_s32(0); 2];
            for s in 0..8 {
                let mn = widen_u8(mins.as_ptr().add(8 * s));
                let pair = bsum(2 * s) + bsum(2 * s + 1);
                for h in 0..2 {
                    msum[h] = vmlaq_n_s32(msum[h], mn[h], pair);
                }
            }
            for h in 0..2 {
                let a = vfmaq_f32(acc[r][h], vmulq_f32(d[h], dx), vcvtq_f32_s32(isum[r][h]));
                acc[r][h] = vfmsq_f32(a, vmulq_f32(dmin[h], dx), vcvtq_f32_s32(msum[h]));
            }
        }
    }
    for r in 0..R {
        store(&mut out[r], acc[r]);
    }
}

/// The Q6_K group kernel, as [`q4k`]: `acc = fma(d·dx, Σ_t scale_t·(Σ q·x − 32·bsum_t), acc)`.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
unsafe fn q6k<const SDOT: bool, const R: usize>(
    g: *const u8,
    x: *const u8,
    blocks: usize,
    out: &mut [[f32; 8]],
) {
    let low4 = vdupq_n_u8(0x0f);
    let bits45 = vdupq_n_u8(0x30);
    let mut acc = [[vdupq_n_f32(0.0); 2]; R];
    for b in 0..blocks {
        let gb = g.add(b * ROWS * Q6K_BLOCK);
        let d = f16x8(gb.add(Q6K_D));
        let scales = gb.add(Q6K_SCALES);
        let mut isum = [[vdupq_n_s32(0); 2]; R];
        for t in 0..16 {
            let sc = widen_i8(scales.add(8 * t));
            let sub = gb.add(Q6K_QUANTS + Q6K_SUB * t);
            for h in 0..2 {
                let n0 = vld1q_u8(sub.add(16 * h));
                let n1 = vld1q_u8(sub.add(32 + 16 * h));
                let hb = vld1q_u8(sub.add(64 + 16 * h));
                let w = [
                    vorrq_u8(vandq_u8(n0, low4), vandq_u8(vshlq_n_u8::<4>(hb), bits45)),
                    vorrq_u8(vandq_u8(n1, low4), vandq_u8(vshlq_n_u8::<2>(hb), bits45)),
                    vorrq_u8(vshrq_n_u8::<4>(n0), vandq_u8(hb, bits45)),
                    vorrq_u8(vshrq_n_u8::<4>(n1), vandq_u8(vshrq_n_u8::<2>(hb), bits45)),
                ]
                .map(|v| vreinterpretq_s8_u8(v));
                for r in 0..R {
                    let xq = x.add((r * blocks + b) * X_BLOCK + X_QS + 16 * t);
                    let even = dot4::<SDOT>(
                        dot4::<SDOT>(vdupq_n_s32(0), w[0], broadcast(xq)),
                        w[2],
                        broadcast(xq.add(8)),
                    );
                    let odd = dot4::<SDOT>(
                        dot4::<SDOT>(vdupq_n_s32(0), w[1], broadcast(xq.add(4))),
                        w[3],
                        broadcast(xq.add(12)),
                    );
                    isum[r][h] = vmlaq_s32(isum[r][h], vaddq_s32(even, odd), sc[h]);
                }
            }
        }
        for r in 0..R {
            let xb = x.add((r * blocks + b) * X_BLOCK);
            let bsum = |t: usize| (xb.add(X_BSUMS + 2 * t) as *const i16).read_unaligned() as i32;
            let dx = vdupq_n_f32((xb as *const f32).read_unaligned());
            let mut offset = [vdupq_n_s32(0); 2];
            for t in 0..16 {
                let sc = widen_i8(scales.add(8 * t));
                for h in 0..2 {
                    offset[h] = vmlaq_n_s32(offset[h], sc[h], bsum(t));
                }
            }
            for h in 0..2 {
                let sum = vsubq_s32(isum[r][h], vshlq_n_s32::<5>(offset[h]));
                acc[r][h] = vfmaq_f32(acc[r][h], vmulq_f32(d[h], dx), vcvtq_f32_s32(sum));
            }
        }
    }
    for r in 0..R {
        store(&mut out[r], acc[r]);
    }
}
