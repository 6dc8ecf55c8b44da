//! x86 kernels for the k-quant products: Q4_K and Q6_K weights × Q8_K activations, on 256-bit
//! vectors, in both kernel sets (`kernels::KernelSet`): AVX-512 VNNI and AVX2 alone.
//!
//! Each weight super-block (256 values) is unpacked once — quants to bytes, 6-bit scales and
//! mins to 16-bit lanes — and multiplied with up to eight activation rows. The weight quants
//! are unsigned (Q4_K 0..15, Q6_K 0..63), so `vpmaddubsw` takes them directly with the signed
//! Q8_K activations (no saturation: 2·63·128 < 2¹⁵), and `vpdpwssd` applies the sub-block
//! scales while accumulating in 32 bits (with AVX2 alone, `vpmaddwd` then `vpaddd`: the same
//! exact sums, so the same bits). The Q4_K mins and the Q6_K offset of 32 are taken
//! back through the activations' 16-value sums (`bsums`). Every integer sum is exact; each
//! super-block is scaled and accumulated in f32 in a fixed order, the same for one row or
//! eight, so a row's result does not depend on the rows computed with it.
//!
//! The callers use candle's dot product where `KernelSet::active` is not a vector set.

use candle_core::quantized::k_quants::{BlockQ4K, BlockQ6K, BlockQ8K};

use super::kernels::KernelSet;

/// Values per super-block.
const QK_K: usize = 256;

// The byte offsets below assume candle's `repr(C)` layouts (llama.cpp's):
// Q4_K: d f16, dmin f16, scales [u8; 12], qs [u8; 128];
// Q6_K: ql [u8; 128], qh [u8; 64], scales [i8; 16], d f16;
// Q8_K: d f32, qs [i8; 256], bsums [i16; 16].
const _: () = assert!(std::mem::size_of::<BlockQ4K>() == 144);
const _: () = assert!(std::mem::size_of::<BlockQ6K>() == 210);
const _: () = assert!(std::mem::size_of::<BlockQ8K>() == 292);

/// Checks shared by the two entry points.
fn check<T>(set: KernelSet, w: &[T], act: &[BlockQ8K], first: usize, out: &[f32]) {
    check_set(set);
    assert!(out.len() <= 8, "at most eight activation rows at a time");
    assert!(
        (first + out.len()) * w.len() <= act.len(),
        "activation rows {first}..{} out of range",
        first + out.len()
    );
}

/// Panics unless `set` is a vector set this CPU has.
fn check_set(set: KernelSet) {
    assert!(
        set.is_vector() && set.supported(),
        "the k-quant kernels: this CPU lacks {}",
        set.features()
    );
}

/// Dot products of one Q4_K weight row `w` (`k/256` blocks) with the Q8_K activation rows
/// `first..first + out.len()` of `act` (rows of `k/256` blocks; at most eight); results in `out`.
///
/// # Panics
/// If `set` is not a vector set this CPU has, or the sizes do not match.
pub fn dot_q4k(set: KernelSet, w: &[BlockQ4K], act: &[BlockQ8K], first: usize, out: &mut [f32]) {
    check(set, w, act, first, out);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU has the set's features (checked above); every read below is inside the
    // blocks of `w` and of the rows `first..first + out.len()` of `act` (checked above).
    unsafe {
        match set {
            KernelSet::Avx512Vnni => x86::q4k_vnni(w, act, first, out),
            _ => x86::q4k_avx2(w, act, first, out),
        }
    }
}

/// Dot products of one Q6_K weight row with Q8_K activation rows; as [`dot_q4k`].
///
/// # Panics
/// If `set` is not a vector set this CPU has, or the sizes do not match.
pub fn dot_q6k(set: KernelSet, w: &[BlockQ6K], act: &[BlockQ8K], first: usize, out: &mut [f32]) {
    check(set, w, act, first, out);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `dot_q4k`.
    unsafe {
        match set {
            KernelSet::Avx512Vnni => x86::q6k_vnni(w, act, first, out),
            _ => x86::q6k_avx2(w, act, first, out),
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
    use super::{BlockQ4K, BlockQ6K, BlockQ8K, QK_K};
    use crate::model::simd::x86::{f16_at, hmax, hsum, quant_bytes};
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

    /// The Q8_K block of activation row `row` at super-block `b`: its scale and its bytes.
    #[inline(always)]
    unsafe fn act_block(act: &[BlockQ8K], blocks: usize, row: usize, b: usize) -> (f32, *const u8) {
        let x = act.as_ptr().add(row * blocks + b) as *const u8;
        ((x as *const f32).read_unaligned(), x)
    }

    /// The eight 6-bit scales and eight 6-bit mins of a Q4_K block, one per byte.
    #[inline(always)]
    pub(super) unsafe fn q4k_scales_mins(p: *const u8) -> (u64, u64) {
        const LOW6: u32 = 0x3f3f_3f3f;
        const LOW4: u32 = 0x0f0f_0f0f;
        const LOW2: u32 = 0x0303_0303;
        let q = |i: usize| (p.add(4 * i) as *const u32).read_unaligned();
        let (q0, q1, q2) = (q(0), q(1), q(2));
        // Sub-blocks 0..4: low 6 bits of bytes 0..4 (scales) and 4..8 (mins); sub-blocks
        // 4..8: a nibble of bytes 8..12 and the top 2 bits of bytes 0..4 (scales) / 4..8 (mins).
        let scales_lo = q0 & LOW6;
        let scales_hi = (q2 & LOW4) | (((q0 >> 6) & LOW2) << 4);
        let mins_lo = q1 & LOW6;
        let mins_hi = ((q2 >> 4) & LOW4) | (((q1 >> 6) & LOW2) << 4);
        (
            scales_lo as u64 | (scales_hi as u64) << 32,
            mins_lo as u64 | (mins_hi as u64) << 32,
        )
    }

    /// `acc + Σ` of the products of `a`'s and `b`'s 16-bit lanes, pairwise into 32-bit lanes
    /// (`vpdpwssd`, or `vpmaddwd` then `vpaddd`: the same exact sums where no pair is
    /// −32768·−32768, which the sub-block sums and scales are far from).
    #[inline(always)]
    unsafe fn dot_words<const VNNI: bool>(acc: __m256i, a: __m256i, b: __m256i) -> __m256i {
        if VNNI {
            _mm256_dpwssd_epi32(acc, a, b)
        } else {
            _mm256_add_epi32(acc, _mm256_madd_epi16(a, b))
        }
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn q4k_vnni(w: &[BlockQ4K], act: &[BlockQ8K], first: usize, out: &mut [f32]) {
        q4k::<true>(w, act, first, out)
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn q4k_avx2(w: &[BlockQ4K], act: &[BlockQ8K], first: usize, out: &mut [f32]) {
        q4k::<false>(w, act, first, out)
    }

    #[target_feature(enable = "avx2,fma,f16c,avx512f,avx512vl,avx512vnni")]
    pub unsafe fn q6k_vnni(w: &[BlockQ6K], act: &[BlockQ8K], first: usize, out: &mut [f32]) {
        q6k::<true>(w, act, first, out)
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn q6k_avx2(w: &[BlockQ6K], act: &[BlockQ8K], first: usize, out: &mut [f32]) {
        q6k::<false>(w, act, first, out)
    }

    /// The Q4_K kernel, inlined into each set's entry point (compiled with its instructions).
    #[inline(always)]
    unsafe fn q4k<const VNNI: bool>(
        w: &[BlockQ4K],
        act: &[BlockQ8K],
        first: usize,
        out: &mut [f32],
    ) {
        let blocks = w.len();
        let low4 = _mm256_set1_epi8(0x0f);
        let mut acc = [_mm256_setzero_ps(); 8];
        for b in 0..blocks {
            let wb = w.as_ptr().add(b) as *const u8;
            let d = f16_at(wb);
            let dmin = f16_at(wb.add(2));
            let (scales, mins) = q4k_scales_mins(wb.add(4));
            // Sub-block s (32 values) of scale scales[s]: one vector, its scale in every lane.
            let mut q = [_mm256_setzero_si256(); 8];
            let mut sc = [_mm256_setzero_si256(); 8];
            for j in 0..4 {
                let bits = _mm256_loadu_si256(wb.add(16 + 32 * j) as *const __m256i);
                q[2 * j] = _mm256_and_si256(bits, low4);
                q[2 * j + 1] = _mm256_and_si256(_mm256_srli_epi16(bits, 4), low4);
            }
            for (s, sc) in sc.iter_mut().enumerate() {
                *sc = _mm256_set1_epi16(((scales >> (8 * s)) & 0xff) as i16);
            }
            // mins[s] twice, against the two 16-value sums of sub-block s.
            let m8 = _mm_cvtepu8_epi16(_mm_cvtsi64_si128(mins as i64));
            let m16 = _mm256_set_m128i(_mm_unpackhi_epi16(m8, m8), _mm_unpacklo_epi16(m8, m8));
            for (r, acc) in acc.iter_mut().enumerate().take(out.len()) {
                let (dx, x) = act_block(act, blocks, first + r, b);
                let xq = x.add(X_QS);
                let mut even = _mm256_setzero_si256();
                let mut odd = _mm256_setzero_si256();
                for s in (0..8).step_by(2) {
                    let x0 = _mm256_loadu_si256(xq.add(32 * s) as *const __m256i);
                    let x1 = _mm256_loadu_si256(xq.add(32 * s + 32) as *const __m256i);
                    even = dot_words::<VNNI>(even, _mm256_maddubs_epi16(q[s], x0), sc[s]);
                    odd = dot_words::<VNNI>(odd, _mm256_maddubs_epi16(q[s + 1], x1), sc[s + 1]);
                }
                let sum = _mm256_add_epi32(even, odd);
                let bsums = _mm256_loadu_si256(x.add(X_BSUMS) as *const __m256i);
                let min_sum = _mm256_madd_epi16(bsums, m16);
                *acc = _mm256_fmadd_ps(_mm256_set1_ps(d * dx), _mm256_cvtepi32_ps(sum), *acc);
                *acc = _mm256_fmadd_ps(
                    _mm256_set1_ps(-dmin * dx),
                    _mm256_cvtepi32_ps(min_sum),
                    *acc,
                );
            }
        }
        for (o, acc) in out.iter_mut().zip(acc) {
            *o = hsum(acc);
        }
    }

    /// For vector `t` of a Q6_K block (values 32t..32t+32): the bytes picking scale 2t for the
    /// first 16 values and 2t + 1 for the next 16.
    const Q6K_SCALE_PICK: [[u8; 16]; 8] = {
        let mut table = [[0u8; 16]; 8];
        let mut t = 0;
        while t < 8 {
            let mut i = 0;
            while i < 16 {
                table[t][i] = (2 * t + i / 8) as u8;
                i += 1;
            }
            t += 1;
        }
        table
    };

    /// The Q6_K kernel, inlined into each set's entry point.
    #[inline(always)]
    unsafe fn q6k<const VNNI: bool>(
        w: &[BlockQ6K],
        act: &[BlockQ8K],
        first: usize,
        out: &mut [f32],
    ) {
        let blocks = w.len();
        let low4 = _mm256_set1_epi8(0x0f);
        let low2 = _mm256_set1_epi8(0x03);
        let mut acc = [_mm256_setzero_ps(); 8];
        for b in 0..blocks {
            let wb = w.as_ptr().add(b) as *const u8;
            let (ql, qh) = (wb, wb.add(128));
            let scales8 = _mm_loadu_si128(wb.add(192) as *const __m128i);
            let d = f16_at(wb.add(208));
            // The quants 0..63 (value + 32), 32 per vector in value order.
            let mut q = [_mm256_setzero_si256(); 8];
            for j in 0..2 {
                let l0 = _mm256_loadu_si256(ql.add(64 * j) as *const __m256i);
                let l1 = _mm256_loadu_si256(ql.add(64 * j + 32) as *const __m256i);
                let h = _mm256_loadu_si256(qh.add(32 * j) as *const __m256i);
                let high = |shift: i32| {
                    let bits = match shift {
                        0 => h,
                        2 => _mm256_srli_epi16(h, 2),
                        4 => _mm256_srli_epi16(h, 4),
                        _ => _mm256_srli_epi16(h, 6),
                    };
                    _mm256_slli_epi16(_mm256_and_si256(bits, low2), 4)
                };
                let l0_hi = _mm256_and_si256(_mm256_srli_epi16(l0, 4), low4);
                let l1_hi = _mm256_and_si256(_mm256_srli_epi16(l1, 4), low4);
                q[4 * j] = _mm256_or_si256(_mm256_and_si256(l0, low4), high(0));
                q[4 * j + 1] = _mm256_or_si256(_mm256_and_si256(l1, low4), high(2));
                q[4 * j + 2] = _mm256_or_si256(l0_hi, high(4));
                q[4 * j + 3] = _mm256_or_si256(l1_hi, high(6));
            }
            let mut sc = [_mm256_setzero_si256(); 8];
            for (t, sc) in sc.iter_mut().enumerate() {
                let pick = _mm_loadu_si128(Q6K_SCALE_PICK[t].as_ptr() as *const __m128i);
                *sc = _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales8, pick));
            }
            let sc16 = _mm256_cvtepi8_epi16(scales8);
            for (r, acc) in acc.iter_mut().enumerate().take(out.len()) {
                let (dx, x) = act_block(act, blocks, first + r, b);
                let xq = x.add(X_QS);
                let mut even = _mm256_setzero_si256();
                let mut odd = _mm256_setzero_si256();
                for t in (0..8).step_by(2) {
                    let x0 = _mm256_loadu_si256(xq.add(32 * t) as *const __m256i);
                    let x1 = _mm256_loadu_si256(xq.add(32 * t + 32) as *const __m256i);
                    even = dot_words::<VNNI>(even, _mm256_maddubs_epi16(q[t], x0), sc[t]);
                    odd = dot_words::<VNNI>(odd, _mm256_maddubs_epi16(q[t + 1], x1), sc[t + 1]);
                }
                // Σ scale·(q − 32)·x = Σ scale·q·x − 32·Σ scale·bsum.
                let bsums = _mm256_loadu_si256(x.add(X_BSUMS) as *const __m256i);
                let offset = _mm256_slli_epi32(_mm256_madd_epi16(bsums, sc16), 5);
                let sum = _mm256_sub_epi32(_mm256_add_epi32(even, odd), offset);
                *acc = _mm256_fmadd_ps(_mm256_set1_ps(d * dx), _mm256_cvtepi32_ps(sum), *acc);
            }
        }
        for (o, acc) in out.iter_mut().zip(acc) {
            *o = hsum(acc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::k_quants::GgmlType;
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

    /// Each kernel set the CPU has against candle's dot product, to rounding; every batch
    /// containing a row gives its bits, and so does every other kernel set.
    fn compare<T: GgmlType<VecDotType = BlockQ8K>>(
        dot: fn(KernelSet, &[T], &[BlockQ8K], usize, &mut [f32]),
        row: fn(&mut StdRng, usize, bool) -> Vec<T>,
        magnitude: fn(&[T], &[BlockQ8K]) -> f64,
    ) {
        let sets = crate::model::kernels::testable_sets();
        if sets.is_empty() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(0x9e37_79b9);
        for k in [256, 512, 1024, 2048, 2560] {
            let blocks = k / QK_K;
            for trial in 0..12 {
                let raw = trial % 2 == 1;
                let w = row(&mut rng, k, raw);
                let act = q8k_rows(&mut rng, 9, k, trial % 4 == 3);
                let mut some = [0f32; 8];
                for r in 0..9 {
                    let x = &act[r * blocks..(r + 1) * blocks];
                    let candle = T::vec_dot(k, &w, x);
                    let mut first_set = None;
                    for &set in &sets {
                        let mut one = [0f32];
                        dot(set, &w, &act, r, &mut one);
                        let tolerance = 1e-5 * magnitude(&w, x).max(f64::MIN_POSITIVE);
                        assert!(
                            ((one[0] - candle) as f64).abs() <= tolerance,
                            "{set:?} {:?} k {k} trial {trial} row {r}: {} vs candle {candle} (± {tolerance})",
                            T::DTYPE,
                            one[0]
                        );
                        let (first, bits) = *first_set.get_or_insert((set, one[0].to_bits()));
                        assert_eq!(
                            one[0].to_bits(),
                            bits,
                            "{:?} k {k} trial {trial} row {r}: {set:?} and {first:?} differ",
                            T::DTYPE
                        );
                        // Any batch containing the row gives the same bits.
                        for len in 1..=8 {
                            for start in r.saturating_sub(len - 1)..=r.min(9 - len) {
                                dot(set, &w, &act, start, &mut some[..len]);
                                assert_eq!(
                                    some[r - start].to_bits(),
                                    one[0].to_bits(),
                                    "{set:?} {:?} k {k}: row {r} in rows {start}..{}",
                                    T::DTYPE,
                                    start + len
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn q4k_matches_candle_dot_product() {
        compare::<BlockQ4K>(dot_q4k, q4k_row, magnitude_q4k);
    }

    #[test]
    fn q6k_matches_candle_dot_product() {
        compare::<BlockQ6K>(dot_q6k, q6k_row, magnitude_q6k);
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

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn q4k_scales_unpack_as_llama_cpp() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..100 {
            let mut q = [0u8; 12];
            rng.fill(&mut q);
            // SAFETY: reads the 12 bytes of `q`.
            let (scales, mins) = unsafe { x86::q4k_scales_mins(q.as_ptr()) };
            for j in 0..8 {
                let (d, m) = scale_min_k4(j, &q);
                assert_eq!(((scales >> (8 * j)) & 0xff) as u8, d, "scale {j}");
                assert_eq!(((mins >> (8 * j)) & 0xff) as u8, m, "min {j}");
            }
        }
    }
}
